// Names of the artifacts in the capture folder (reference §5): built from kernel numbers, and from names that
// traced processes chose only after sanitising them, so that no artifact can land outside its folder.

/** Suffix of an artifact that is incomplete: still being written, or some of its bytes never arrived. */
export const PARTIAL = ".partial";

const MAX_NAME = 200;

/**
 * The last component of a path, made safe to use inside a file name: no `/`, no NUL or control
 * characters, no `.`/`..` on its own, at most 200 bytes; characters outside [A-Za-z0-9._+@=,-] become `_`.
 */
export function safeBasename(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  let out = base.replace(/[^A-Za-z0-9._+@=,-]/g, "_");
  if (out === "" || out === "." || out === "..") out = "_";
  if (out.length > MAX_NAME) out = out.slice(0, MAX_NAME);
  return out;
}

/** `write.dev-D.inode-I`, with `.pid-N` for writes to /dev/null (kept apart per writer). */
export function writeName(dev: number, inode: string, pid: number): string {
  return `write.dev-${dev}.inode-${inode}${pid ? `.pid-${pid}` : ""}`;
}

/** `bin.<ts>`: a memory dump, stamped like its mem_prot_alert event. */
export function memName(stamp: string): string {
  return `bin.${stamp}`;
}

/** `exec.<ts>.<basename>`: a copy of an executed file, stamped like its sched_process_exec event. */
export function execName(stamp: string, path: string): string {
  return `exec.${stamp}.${safeBasename(path)}`;
}

/** The key of tracee.profile: `<out>/<mntns>/exec.<basename>:<ctime>`. */
export function profileKey(outDir: string, mntns: number, path: string, ctime: string): string {
  return `${outDir}/${mntns}/exec.${safeBasename(path)}:${ctime}`;
}

/** A u64 from its two little-endian halves, as decimal text (exact beyond 2^53). */
export function u64Text(lo: number, hi: number): string {
  return hi === 0 ? String(lo >>> 0) : ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString();
}
