// File-system steps that must not be fooled by another user: private folders, reads that refuse planted
// files and symlinks, and atomic installs. tracee often runs as root in shared /tmp, so every path is suspect.
import { closeSync, constants as C, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { PreflightError } from "../tracer/preflight.ts";

/** Objects are about 0.2 MiB; anything far larger is not one, and is not read into memory. */
export const MAX_OBJECT_BYTES = 64 << 20;

/** tracee's effective uid (0 where the platform has none). */
export const euid = () => process.geteuid?.() ?? 0;
const writableByOthers = (mode: number) => (mode & 0o022) !== 0;

/** Checks a folder that exists: a real folder of `owners` that nobody else can write into. */
function checkDir(dir: string, flag: string, owners: number[]): void {
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) throw new PreflightError(`${dir} is a symlink, refused (it may have been planted); remove it or choose another ${flag}`);
  if (!st.isDirectory()) throw new PreflightError(`${dir} is not a folder; remove it or choose another ${flag}`);
  if (!owners.includes(st.uid) && st.uid === 0) {
    throw new PreflightError(`${dir} belongs to root, so tracee's user (uid ${euid()}) cannot use it; choose another ${flag}, e.g. one in your home folder`);
  }
  if (!owners.includes(st.uid)) {
    throw new PreflightError(`${dir} belongs to uid ${st.uid}, not to tracee's user (uid ${euid()}), refused (it may have been planted); remove it or choose another ${flag}`);
  }
  if (writableByOthers(st.mode)) {
    throw new PreflightError(`${dir} can be written by other users (mode ${(st.mode & 0o777).toString(8)}), refused; run chmod 700 ${dir} or choose another ${flag}`);
  }
}

/** Creates `dir` (0700, parents too) unless it exists, then refuses it unless it is a private folder of ours. */
export function ensurePrivateDir(dir: string, flag = "folder"): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "EACCES" ? "permission denied" : code === "EEXIST" || code === "ENOTDIR" ? "a file is in the way" : code;
    throw new PreflightError(`cannot create ${dir} (${why}); remove it or choose another ${flag} that tracee's user can create`);
  }
  checkDir(dir, flag, [euid()]);
}

/**
 * For reading only: false when `dir` does not exist; throws unless it is a folder of ours or root's (root can
 * replace tracee itself, so trusting its folder adds no risk) that nobody else can write into.
 */
export function trustedDirExists(dir: string, flag = "folder"): boolean {
  try {
    lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw e;
  }
  checkDir(dir, flag, [euid(), 0]);
  return true;
}

export interface ReadRules {
  /** Refuse a symlink at `path` itself (an install path holds real files only). */
  noSymlink: boolean;
  /** When set, the file must belong to one of these uids and be writable by its owner only. */
  owners?: number[];
}

/**
 * Reads a whole regular file through one descriptor, so the checks and the read see the same file.
 * O_NONBLOCK keeps a planted FIFO from hanging the open; it does nothing to regular files.
 */
export function readChecked(path: string, rules: ReadRules): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, C.O_RDONLY | C.O_NONBLOCK | C.O_CLOEXEC | (rules.noSymlink ? C.O_NOFOLLOW : 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw new PreflightError(`${path}: a symlink, refused (it may have been planted)`);
    if (code === "ENOENT") throw new PreflightError(`${path}: no such file`);
    if (code === "EACCES") throw new PreflightError(`${path}: permission denied for tracee's user`);
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new PreflightError(`${path}: not a regular file`);
    if (rules.owners && !rules.owners.includes(st.uid)) {
      throw new PreflightError(`${path}: belongs to uid ${st.uid}, refused (it may have been planted; files of uid ${[...new Set(rules.owners)].join(" or ")} are trusted there)`);
    }
    if (rules.owners && writableByOthers(st.mode)) {
      throw new PreflightError(`${path}: writable by other users (mode ${(st.mode & 0o777).toString(8)}), refused`);
    }
    if (st.size > MAX_OBJECT_BYTES) throw new PreflightError(`${path}: ${st.size} bytes, too large to be an eBPF object`);
    const out = new Uint8Array(st.size);
    let off = 0;
    while (off < out.length) {
      const n = readSync(fd, out, off, out.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return out.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `bytes` to `dir/name` atomically: a fresh temporary file (O_EXCL, never following a link), flushed,
 * then renamed over the target, so a reader sees the old object or the new one, never half of one.
 */
export function installFile(dir: string, name: string, bytes: Uint8Array, mode = 0o644): string {
  const target = join(dir, name);
  const tmp = join(dir, `.${name}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW | C.O_CLOEXEC, mode);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return target;
}
