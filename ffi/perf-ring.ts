// Raw reader of one per-CPU perf ring over its mmapped pages: copies [data_tail, data_head) out, then frees it.
import { toArrayBuffer } from "bun:ffi";

const PAGE = 4096;
const HEAD_WORD = 128; // data_head at byte 1024 of struct perf_event_mmap_page
const TAIL_WORD = 129; // data_tail at byte 1032

export class PerfRing {
  private readonly ctl: BigUint64Array;
  private readonly data: Uint8Array;
  private readonly size: number;

  /** `base` is the header page as perf_buffer__buffer returns it; `size` the data area (without that page). */
  constructor(base: number, size: number) {
    const all = toArrayBuffer(base as never, 0, PAGE + size);
    this.ctl = new BigUint64Array(all, 0, PAGE / 8);
    this.data = new Uint8Array(all, PAGE, size);
    this.size = size;
  }

  /** Bytes waiting in the ring. */
  pending(): number {
    return Number(Atomics.load(this.ctl, HEAD_WORD) - Atomics.load(this.ctl, TAIL_WORD));
  }

  /**
   * Copies every complete record out into a fresh buffer (linearising a wrapped region) and releases
   * the space to the kernel; the kernel reuses the pages as soon as the tail moves, so copy first.
   */
  drain(): Uint8Array | null {
    const head = Atomics.load(this.ctl, HEAD_WORD);
    const tail = Atomics.load(this.ctl, TAIL_WORD);
    const n = Number(head - tail);
    if (n <= 0) return null;
    const out = new Uint8Array(n);
    const start = Number(tail % BigInt(this.size));
    const first = Math.min(n, this.size - start);
    out.set(this.data.subarray(start, start + first), 0);
    if (first < n) out.set(this.data.subarray(0, n - first), first);
    Atomics.store(this.ctl, TAIL_WORD, head);
    return out;
  }

  /**
   * Like drain(), but copies exactly `n` bytes (a count pending() returned: the head the kernel publishes is
   * always a record boundary) into `dst` at `at`, without allocating, and releases them.
   */
  copyInto(dst: Uint8Array, at: number, n: number): void {
    const tail = Atomics.load(this.ctl, TAIL_WORD);
    const start = Number(tail % BigInt(this.size));
    const first = Math.min(n, this.size - start);
    dst.set(this.data.subarray(start, start + first), at);
    if (first < n) dst.set(this.data.subarray(0, n - first), at + first);
    Atomics.store(this.ctl, TAIL_WORD, tail + BigInt(n));
  }
}

