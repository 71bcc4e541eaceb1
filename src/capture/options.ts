// Parses the repeated --capture values (reference §1.5) into a CaptureConfig, and the `--capture help` text.
import { UsageError } from "../errors.ts";

export interface CaptureConfig {
  write: boolean;
  /** Path prefixes for write capture (the trailing `*` stripped); empty = every write. */
  writePrefixes: string[];
  exec: boolean;
  mem: boolean;
  profile: boolean;
  dir: string;
  clearDir: boolean;
}

export const MAX_WRITE_PREFIXES = 3;
export const MAX_PREFIX_LEN = 50;

export function parseCapture(values: string[]): CaptureConfig {
  const c: CaptureConfig = { write: false, writePrefixes: [], exec: false, mem: false, profile: false, dir: "/tmp/tracee", clearDir: false };
  for (const raw of values) {
    const v = raw.startsWith("artifact:") ? raw.slice("artifact:".length) : raw;
    if (v === "write") c.write = true;
    else if (v.startsWith("write=")) {
      const p = v.slice("write=".length);
      if (!p.endsWith("*") || p.length < 2) throw new UsageError(`invalid --capture ${raw}: a write filter is a path prefix ending in *, e.g. write=/etc/*`);
      const prefix = p.slice(0, -1);
      // the kernel compares bytes
      if (Buffer.byteLength(prefix, "utf8") > MAX_PREFIX_LEN) throw new UsageError(`invalid --capture ${raw}: a write filter prefix is at most ${MAX_PREFIX_LEN} bytes`);
      if (c.writePrefixes.length >= MAX_WRITE_PREFIXES) throw new UsageError(`too many --capture write= filters: at most ${MAX_WRITE_PREFIXES}`);
      c.write = true;
      c.writePrefixes.push(prefix);
    } else if (v === "exec") c.exec = true;
    else if (v === "mem") c.mem = true;
    else if (raw === "profile") {
      c.profile = true;
      c.exec = true;
    } else if (raw.startsWith("dir:")) {
      c.dir = raw.slice(4);
      if (!c.dir) throw new UsageError("--capture dir: cannot be empty: give a folder, e.g. dir:/tmp/tracee");
    } else if (raw === "clear-dir") c.clearDir = true;
    else throw new UsageError(`invalid --capture option ${JSON.stringify(raw)}: use write, write=/prefix*, exec, mem, profile, dir:/path or clear-dir (see --capture help)`);
  }
  return c;
}

export function captureHelp(): string {
  return `Capture artifacts of traced processes (--capture OPT, repeatable):

  write                 capture the contents of every file written (write, pwrite64, writev, pwritev, pwritev2)
  write=/path/prefix*   only files whose path starts with the prefix (trailing * required; up to 3, 50 bytes each)
  exec                  copy every executed binary, once per mount namespace + path + ctime
  mem                   dump memory regions whose protection changes from W+X to X (unpackers)
  profile               exec, plus out/tracee.profile at exit: execution count and sha256 per binary
  dir:/path             base folder; artifacts go to /path/out (default /tmp/tracee)
  clear-dir             empty /path/out before starting
  artifact:KIND         same as KIND (write, exec, mem)

Artifacts land in <dir>/out/<mount namespace>/:
    write.dev-D.inode-I   the written bytes at their original offsets (streams appended; /dev/null: .pid-N added)
    exec.<ts>.<name>      a copy of an executed file (<ts> as the event's timestamp)
    bin.<ts>              a memory dump; a mem_prot_alert event with the same timestamp is emitted when chosen
out/written_files lists "<mntns>/write.dev-D.inode-I <path>" at exit. A name ending in .partial is incomplete
(bytes lost or the disk refused them). The folder is created 0700; a symlink or another user's folder at its
path is refused. --blob-perf-buffer-size sizes the rings that carry captured bytes; lost chunks are counted
in LostWrCount.

Examples:
  tracee --capture exec --output none
  tracee --capture write=/etc/* --capture dir:/var/lib/tracee
  tracee --capture mem --trace event=mem_prot_alert --trace comm=unpacker
`;
}
