// Read access to raw samples where they were staged (docs/wire-format.md §2-3), for printers that write events
// straight from their bytes instead of going through TraceEvent objects.
import { CTX } from "../events/gen/events.ts";
import { StringReader } from "../decode/strings.ts";

/** Word indices (u32) of context fields, from a sample's 4-aligned offset. */
export const W = {
  cgroup: CTX.cgroup_id >> 2, pid: CTX.pid >> 2, tid: CTX.tid >> 2, ppid: CTX.ppid >> 2, hostPid: CTX.host_pid >> 2,
  hostTid: CTX.host_tid >> 2, hostPpid: CTX.host_ppid >> 2, uid: CTX.uid >> 2, mntNs: CTX.mnt_ns >> 2,
  pidNs: CTX.pid_ns >> 2, eventId: CTX.event_id >> 2, retval: CTX.retval >> 2, stackId: CTX.stack_id >> 2,
} as const;

/** Typed views of one buffer of staged samples (the poller's shared staging area). */
export class Samples {
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly dv: DataView;
  readonly strings: StringReader;

  constructor(readonly buffer: ArrayBufferLike) {
    this.u8 = new Uint8Array(buffer);
    this.u32 = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    this.dv = new DataView(buffer);
    this.strings = new StringReader(buffer as ArrayBuffer);
  }

  /** Length of a NUL-padded 16-byte field (comm, uts name): bytes before the first NUL. */
  fixedLen(off: number): number {
    const u8 = this.u8;
    let n = 0;
    while (n < 16 && u8[off + n] !== 0) n++;
    return n;
  }

  /** Copies [off, off + len) into `dst` at `at` (a loop: a view per copy would cost more than short strings). */
  copyTo(dst: Uint8Array, at: number, off: number, len: number): void {
    if (len > 64) {
      dst.set(this.u8.subarray(off, off + len), at);
      return;
    }
    const u8 = this.u8;
    for (let i = 0; i < len; i++) dst[at + i] = u8[off + i];
  }

  /** Whether [off, off + len) is printable ASCII other than `"` and `\` (copied as is into JSON strings and table cells). */
  plain(off: number, len: number): boolean {
    const u8 = this.u8;
    for (let i = off, end = off + len; i < end; i++) {
      const c = u8[i];
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
    }
    return true;
  }

  /** Whether [off, off + len) is printable ASCII (which visible() leaves as it is). */
  printable(off: number, len: number): boolean {
    const u8 = this.u8;
    for (let i = off, end = off + len; i < end; i++) {
      const c = u8[i];
      if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
  }
}
