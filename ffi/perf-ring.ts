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

  /** Set by drain() when the bound left records of that moment behind in the ring. */
  cut = false;

  /** Bytes waiting in the ring. */
  pending(): number {
    return Number(Atomics.load(this.ctl, HEAD_WORD) - Atomics.load(this.ctl, TAIL_WORD));
  }

  /**
   * Copies every complete record out into a fresh buffer (linearising a wrapped region) and releases
   * the space to the kernel; the kernel reuses the pages as soon as the tail moves, so copy first.
   */
  drain(maxBytes = Infinity): Uint8Array | null {
    const head = Atomics.load(this.ctl, HEAD_WORD);
    const tail = Atomics.load(this.ctl, TAIL_WORD);
    let n = Number(head - tail);
    if (n <= 0) return null;
    const start = Number(tail % BigInt(this.size));
    const all = n;
    if (n > maxBytes) n = this.recordsWithin(start, n, maxBytes);
    this.cut = n < all;
    const out = new Uint8Array(n);
    const first = Math.min(n, this.size - start);
    out.set(this.data.subarray(start, start + first), 0);
    if (first < n) out.set(this.data.subarray(0, n - first), first);
    Atomics.store(this.ctl, TAIL_WORD, tail + BigInt(n));
    return out;
  }

  /**
   * How many of the `n` bytes at `start` make whole records within `max` bytes (at least one record). Headers never
   * wrap (records are 8-byte aligned and the ring a multiple of 8); the u16 size sits at byte 6. A bad size stops the
   * walk and hands over everything, so that the decoder sees and reports it.
   */
  private recordsWithin(start: number, n: number, max: number): number {
    const d = this.data;
    let off = 0;
    while (off < n) {
      const pos = (start + off) % this.size;
      const size = d[pos + 6] | (d[pos + 7] << 8);
      if (size < 8 || (size & 7) !== 0 || off + size > n) return n;
      if (off + size > max && off > 0) break;
      off += size;
    }
    return off;
  }
}
