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

  /** Touches every page of the ring once, so that the first burst read does not pay for page faults. */
  prefault(): number {
    let sum = 0;
    for (let i = 0; i < this.size; i += PAGE) sum += this.data[i];
    return sum;
  }

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

  /**
   * Views of the pending records in order, without copying the ring out, up to the first record `take`
   * refuses: views into the mapped pages (a record that wraps around the end is copied), valid until
   * release(). Record headers never wrap (records are 8-byte aligned). Returns the bytes they span.
   */
  records(take: (rec: Uint8Array) => boolean, out: Uint8Array[]): number {
    const head = Atomics.load(this.ctl, HEAD_WORD);
    const tail = Atomics.load(this.ctl, TAIL_WORD);
    const n = Number(head - tail);
    let at = Number(tail % BigInt(this.size));
    let done = 0;
    while (done + 8 <= n) {
      const size = this.data[at + 6] | (this.data[at + 7] << 8);
      if (size < 8 || size % 8 || done + size > n) {
        // the kernel writes whole, aligned records: this cannot be parsed, so skip what is pending
        return n;
      }
      let rec: Uint8Array;
      if (at + size <= this.size) rec = this.data.subarray(at, at + size);
      else {
        const first = this.size - at;
        rec = new Uint8Array(size);
        rec.set(this.data.subarray(at, this.size), 0);
        rec.set(this.data.subarray(0, size - first), first);
      }
      if (!take(rec)) break;
      out.push(rec);
      done += size;
      at = (at + size) % this.size;
    }
    return done;
  }

  /** Gives `bytes` at the tail back to the kernel (what records() returned, once its views are used). */
  release(bytes: number): void {
    if (bytes > 0) Atomics.store(this.ctl, TAIL_WORD, Atomics.load(this.ctl, TAIL_WORD) + BigInt(bytes));
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

