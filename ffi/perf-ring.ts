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
   * Views of the pending records in order, without copying the ring out, up to the first record `take`
   * refuses: views into the mapped pages (a record that wraps around the end is copied), valid until
   * release(). Record headers never wrap (records are 8-byte aligned). Returns the bytes they span.
   */
  pending(take: (rec: Uint8Array) => boolean, out: Uint8Array[]): number {
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

  /** Gives `bytes` at the tail back to the kernel (what pending() returned, once its views are used). */
  release(bytes: number): void {
    if (bytes > 0) Atomics.store(this.ctl, TAIL_WORD, Atomics.load(this.ctl, TAIL_WORD) + BigInt(bytes));
  }
}
