// The readiness file `<capture dir>/out/tracee.pid`: written once tracee is attached, removed when it exits.
import { lstatSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { PreflightError } from "./preflight.ts";

/** Creates `dir` (0700) unless it exists; refuses a symlink or a folder owned by someone else. */
export function safeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "EEXIST" || code === "ENOTDIR" ? "a file is in the way" : (e as Error).message;
    throw new PreflightError(`cannot create the folder ${dir}: ${why}; remove it or choose another path with --capture dir:`);
  }
  const st = lstatSync(dir);
  if (st.isSymbolicLink() || !st.isDirectory()) throw new PreflightError(`${dir} is not a folder (a symlink or file was planted there); remove it or choose another path`);
  const uid = process.getuid?.() ?? 0;
  if (st.uid !== uid) throw new PreflightError(`${dir} belongs to uid ${st.uid}, not to tracee's user; remove it or choose another path`);
}

export class Readiness {
  private readonly file: string;
  constructor(captureDir: string) {
    safeDir(captureDir);
    safeDir(`${captureDir}/out`);
    this.file = `${captureDir}/out/tracee.pid`;
    rmSync(this.file, { force: true });
  }
  ready(): void {
    writeFileSync(this.file, `${process.pid}\n`, { mode: 0o640 });
  }
  remove(): void {
    rmSync(this.file, { force: true });
  }
}
