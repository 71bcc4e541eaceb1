// Executed-file capture: copies each binary once per mount namespace + path + ctime to `exec.<ts>.<name>`,
// from the process's own image or, when it is gone, through the root of another process of its mount
// namespace (resolved inside that root, never through a planted symlink); counts and hashes for the profile.
import { constants as C, fstatSync, openSync, readdirSync, readlinkSync, readSync, writeSync } from "node:fs";
import { openat2, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS } from "../../ffi/libc.ts";
import type { TraceEvent } from "../events/types.ts";
import { CaptureIoError, closeQuietly, errText, type NsDirs, openArtifact, removeQuietly, settle } from "./fsafe.ts";
import { execName, PARTIAL, profileKey } from "./names.ts";

const O_PATH = 0o10000000;
const ENOSYS = 38;
const PIDS_PER_NS = 5;

/** A few recent host pids per mount namespace; the namespace's own pid 1 is always kept (reference §5). */
export class PidCache {
  private readonly byNs = new Map<number, { pid: number; init: boolean }[]>();

  note(mntns: number, hostPid: number, nsInit: boolean): void {
    let list = this.byNs.get(mntns);
    if (!list) this.byNs.set(mntns, (list = []));
    if (list.length && list[0].pid === hostPid) return; // the common case: the same process again
    const i = list.findIndex((x) => x.pid === hostPid);
    const wasInit = i >= 0 && list[i].init;
    if (i >= 0) list.splice(i, 1);
    list.unshift({ pid: hostPid, init: nsInit || wasInit });
    if (list.length > PIDS_PER_NS) {
      const drop = list.findLastIndex((x) => !x.init);
      list.splice(drop >= 0 ? drop : list.length - 1, 1);
    }
  }

  pids(mntns: number): number[] {
    return (this.byNs.get(mntns) ?? []).map((x) => x.pid);
  }
}

export interface ProfileEntry { times: number; file_hash: string }

const argOf = (ev: TraceEvent, name: string) => ev.args.find((a) => a.name === name);

export class ExecCapture {
  /** `<mntns>:<path>` -> ctime of the copy already taken */
  private readonly copied = new Map<string, string>();
  readonly pids = new PidCache();
  readonly profile = new Map<string, ProfileEntry>();
  copies = 0;
  bytes = 0;
  missed = 0;

  constructor(private readonly out: string, private readonly dirs: NsDirs, private readonly stamp: (ev: TraceEvent) => string,
    private readonly log: (msg: string) => void) {}

  /** Handles one sched_process_exec event; throws CaptureIoError when the capture folder refuses the copy. */
  onExec(ev: TraceEvent): void {
    const p = argOf(ev, "pathname");
    const path = p?.value;
    if (typeof path !== "string" || !path.startsWith("/") || p?.truncated) return;
    const ctime = String(argOf(ev, "ctime")?.value ?? 0);
    const inode = String(argOf(ev, "inode")?.value ?? 0);
    const mntns = ev.mountNamespace;
    const pk = profileKey(this.out, mntns, path, ctime);
    let entry = this.profile.get(pk);
    if (!entry) this.profile.set(pk, (entry = { times: 0, file_hash: "" }));
    entry.times++;
    const key = `${mntns}:${path}`;
    if (this.copied.get(key) === ctime) return;
    const candidates = [ev.hostProcessId, ...this.pids.pids(mntns).filter((x) => x !== ev.hostProcessId)];
    // short-lived processes are gone before their event arrives: tracee's own root when it shares the
    // namespace, else any live process of that namespace
    const src = openSource(candidates, path, inode) ?? openSource(this.fallbackPids(mntns), path, inode, false);
    if (!src) {
      this.missed++;
      this.log(`capture exec: ${path} of pid ${ev.hostProcessId} is gone and no other process of mount namespace ${mntns} sees it`);
      return;
    }
    try {
      if (!src.exact) this.log(`capture exec: ${path} (pid ${ev.hostProcessId}) changed since it was executed; copying what the path holds now`);
      const name = execName(this.stamp(ev), path);
      const hash = this.copy(src.fd, `${this.dirs.dir(mntns)}/${name}`);
      if (hash === null) return;
      this.copied.set(key, ctime);
      entry.file_hash = hash;
      this.copies++;
    } finally {
      closeQuietly(src.fd);
    }
  }

  private fallbackPids(mntns: number): (number | "self")[] {
    if (mntns === ownMntns()) return ["self"];
    const found: number[] = [];
    try {
      for (const d of readdirSync("/proc")) {
        if (!/^\d+$/.test(d)) continue;
        try {
          if (readlinkSync(`/proc/${d}/ns/mnt`) === `mnt:[${mntns}]`) found.push(Number(d));
        } catch {}
        if (found.length >= 3) break;
      }
    } catch {}
    for (const pid of found) this.pids.note(mntns, pid, false);
    return found;
  }

  /** Copies fd to `dest` through `dest.partial`; returns the sha256, or null when the source failed. */
  private copy(fd: number, dest: string): string | null {
    const tmp = dest + PARTIAL;
    let out: number;
    try {
      out = openArtifact(tmp, false, true);
    } catch (e) {
      throw new CaptureIoError(`capture stopped: creating ${tmp}: ${errText(e)}; tracing goes on`);
    }
    const buf = Buffer.allocUnsafe(1 << 20);
    const hash = new Bun.CryptoHasher("sha256");
    let ok = false;
    try {
      for (;;) {
        let n: number;
        try {
          n = readSync(fd, buf, 0, buf.length, null);
        } catch (e) {
          this.missed++;
          this.log(`capture exec: reading the source of ${dest} failed: ${errText(e)}`);
          return null;
        }
        if (n === 0) break;
        hash.update(buf.subarray(0, n));
        try {
          for (let off = 0; off < n; ) off += writeSync(out, buf, off, n - off);
        } catch (e) {
          throw new CaptureIoError(`capture stopped: writing ${tmp}: ${errText(e)}; tracing goes on`);
        }
        this.bytes += n;
      }
      ok = true;
    } finally {
      closeQuietly(out);
      // an incomplete copy is removed, never left under a name that claims it is whole
      if (!ok) removeQuietly(tmp);
    }
    if (!settle(tmp, dest)) throw new CaptureIoError(`capture stopped: renaming ${tmp} failed; tracing goes on`);
    return hash.digest("hex");
  }
}

let ownNs: number | null = null;
function ownMntns(): number {
  if (ownNs === null) {
    const m = /\[(\d+)\]/.exec(readlinkSync("/proc/self/ns/mnt"));
    ownNs = m ? Number(m[1]) : 0;
  }
  return ownNs;
}

function fileIno(fd: number): string | null {
  const st = fstatSync(fd, { bigint: true });
  return st.isFile() ? st.ino.toString() : null;
}

/** Opens `path` as the process `pid` sees it, resolved inside its root; -1 when it cannot be opened. */
function openInRoot(pid: number | "self", path: string): number {
  let root: number;
  try {
    root = openSync(`/proc/${pid}/root`, O_PATH | C.O_DIRECTORY | C.O_CLOEXEC);
  } catch {
    return -1;
  }
  try {
    const fd = openat2(root, path, C.O_RDONLY | C.O_CLOEXEC | C.O_NOFOLLOW, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    if (fd !== -ENOSYS) return fd >= 0 ? fd : -1;
  } finally {
    closeQuietly(root);
  }
  try {
    return openSync(`/proc/${pid}/root${path}`, C.O_RDONLY | C.O_CLOEXEC | C.O_NOFOLLOW);
  } catch {
    return -1;
  }
}

/**
 * The executed file: first the exec'ing process's own image (exact even if the path was replaced or
 * deleted meanwhile), then the path in the root of each candidate pid, preferring the same inode.
 */
export function openSource(pids: (number | "self")[], path: string, inode: string, ownImage = true): { fd: number; exact: boolean } | null {
  if (ownImage && pids.length) {
    try {
      const fd = openSync(`/proc/${pids[0]}/exe`, C.O_RDONLY | C.O_CLOEXEC);
      if (fileIno(fd) === inode) return { fd, exact: true };
      closeQuietly(fd);
    } catch {}
  }
  let fallback = -1;
  for (const pid of pids) {
    const fd = openInRoot(pid, path);
    if (fd < 0) continue;
    const ino = fileIno(fd);
    if (ino === inode) {
      if (fallback >= 0) closeQuietly(fallback);
      return { fd, exact: true };
    }
    if (ino !== null && fallback < 0) fallback = fd;
    else closeQuietly(fd);
  }
  return fallback >= 0 ? { fd: fallback, exact: false } : null;
}
