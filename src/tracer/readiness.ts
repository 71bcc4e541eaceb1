// The readiness file `<capture dir>/out/tracee.pid`: written once every program is attached and the rings are
// read, removed when tracee exits, so scripts and tests can wait for tracee to be tracing.
import { rmSync } from "node:fs";
import { ensurePrivateDir, installFile } from "../bpf-object/safe-fs.ts";

/** Creates `dir` (0700) unless it exists; refuses a symlink, or a folder another user owns or can write into. */
export const safeDir = (dir: string) => ensurePrivateDir(dir, "--capture dir:");

export class Readiness {
  private readonly dir: string;
  private readonly file: string;
  constructor(captureDir: string) {
    safeDir(captureDir);
    this.dir = `${captureDir}/out`;
    safeDir(this.dir);
    this.file = `${this.dir}/tracee.pid`;
    rmSync(this.file, { force: true });
  }
  /** Renamed into place whole, so a script that sees the file always reads the complete pid. */
  ready(): void {
    installFile(this.dir, "tracee.pid", new TextEncoder().encode(`${process.pid}\n`), 0o640);
  }
  remove(): void {
    rmSync(this.file, { force: true });
  }
}
