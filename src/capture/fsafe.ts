// The capture folder on disk, made safely: folders 0700 and owned by tracee's user (a planted symlink or a
// foreign folder is refused, never followed), files created 0600 without following symlinks.
import { chmodSync, closeSync, constants as C, existsSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, unlinkSync } from "node:fs";
import { safeDir } from "../tracer/readiness.ts";
import { PreflightError } from "../tracer/preflight.ts";

/** A capture artifact could not be written (disk full, I/O error, a folder that turned unsafe). */
export class CaptureIoError extends Error {}

const uid = () => process.getuid?.() ?? 0;

/** Text of an fs error: `ENOSPC (no space left on device)`. */
export function errText(e: unknown): string {
  const x = e as NodeJS.ErrnoException;
  if (!x || typeof x !== "object" || !x.code) return String((e as Error)?.message ?? e);
  const why = (x.message ?? "").replace(/^[A-Z]+:\s*/, "").replace(/,.*$/, "");
  return why ? `${x.code} (${why})` : x.code;
}

/** Refuses `path` unless it is a real folder owned by tracee's user, then makes it 0700. */
function checkOwnDir(path: string): void {
  const st = lstatSync(path);
  if (st.isSymbolicLink() || !st.isDirectory()) throw new CaptureIoError(`${path} is not a folder (a symlink or file was planted there)`);
  if (st.uid !== uid()) throw new CaptureIoError(`${path} belongs to uid ${st.uid}, not to tracee's user`);
  if ((st.mode & 0o777) !== 0o700) chmodSync(path, 0o700);
}

/**
 * `<dir>/out`, emptied first with clear-dir. Runs before anything else writes there. A symlink or a
 * foreign folder at `<dir>` or `<dir>/out` stops tracee (exit 1) with a line that names the path.
 */
export function prepareOutDir(dir: string, clear: boolean): string {
  safeDir(dir);
  const out = `${dir}/out`;
  if (clear && existsSync(out)) {
    const st = lstatSync(out);
    if (st.isSymbolicLink() || !st.isDirectory() || st.uid !== uid()) {
      throw new PreflightError(`clear-dir: ${out} is not tracee's folder (a symlink, a file or another user's folder); remove it yourself or choose another dir:`);
    }
    rmSync(out, { recursive: true, force: true });
  }
  safeDir(out);
  try {
    checkOwnDir(out);
  } catch (e) {
    throw new PreflightError(`${(e as Error).message}; remove it or choose another dir:`);
  }
  return out;
}

/** The per-mount-namespace folder `<out>/<mntns>`, created 0700 on first use. */
export class NsDirs {
  private readonly ready = new Set<number>();
  constructor(readonly out: string) {}

  dir(mntns: number): string {
    const path = `${this.out}/${mntns}`;
    if (this.ready.has(mntns)) return path;
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new CaptureIoError(`creating ${path}: ${errText(e)}`);
    }
    checkOwnDir(path);
    this.ready.add(mntns);
    return path;
  }
}

/** Opens (creating 0600) an artifact for writing; never follows a symlink at its name, never truncates. */
export function openArtifact(path: string, append: boolean, exclusive = false): number {
  const flags = C.O_WRONLY | C.O_CREAT | C.O_NOFOLLOW | C.O_CLOEXEC | (append ? C.O_APPEND : 0) | (exclusive ? C.O_EXCL : 0);
  return openSync(path, flags, 0o600);
}

/** Renames `from` to `to`; on failure removes `from` so that no unmarked half artifact is left. */
export function settle(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch {
    removeQuietly(from);
    return false;
  }
}

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {}
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {}
}
