// Events between decode and print, as slots in typed-array columns, and the ordering window that releases them
// oldest first: no object per event, so a busy host does not turn into garbage-collector work.
import type { TraceEvent } from "../events/types.ts";

/** Slots of events in flight, each a row of columns; a slot is reused once its event is printed. */
/** Sort order of decoded events by timestamp (the window's own order, for objects). */
export const byTime = (a: TraceEvent, b: TraceEvent) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec;

export class EventSlots {
  sec = new Uint32Array(0);
  nsec = new Uint32Array(0);
  /** Offset of the raw sample in the staging area (events printed straight from their bytes). */
  off = new Uint32Array(0);
  /** Sequence number of the batch the event came in. */
  batch = new Float64Array(0);
  /** The decoded event, for events printed through TraceEvent objects; null for raw ones. */
  obj: (TraceEvent | null)[] = [];
  /** Container id of a raw event ("" outside containers). */
  container: string[] = [];
  private free = new Int32Array(0);
  private nFree = 0;
  /** Slots handed out at least once, [0, used): a slot is set up on first use, not ahead (that cost start-up time). */
  private used = 0;

  // small at first, doubled as needed: 16,384 slots of every column up front were ~0.6 MB of fresh pages at start-up
  constructor(initial = 1 << 10) {
    this.grow(initial);
  }

  /** A free slot: the last released first, else the lowest never used. */
  alloc(): number {
    if (this.nFree > 0) return this.free[--this.nFree];
    if (this.used === this.sec.length) this.grow(this.sec.length * 2);
    this.obj.push(null);
    this.container.push("");
    return this.used++;
  }

  release(slot: number): void {
    this.obj[slot] = null;
    this.free[this.nFree++] = slot;
  }

  get size(): number {
    return this.used - this.nFree;
  }

  private grow(cap: number): void {
    const g = <A extends Uint32Array | Float64Array>(a: A, make: (n: number) => A): A => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.sec = g(this.sec, (n) => new Uint32Array(n));
    this.nsec = g(this.nsec, (n) => new Uint32Array(n));
    this.off = g(this.off, (n) => new Uint32Array(n));
    this.batch = g(this.batch, (n) => new Float64Array(n));
    const free = new Int32Array(cap);
    free.set(this.free.subarray(0, this.nFree));
    this.free = free;
  }
}

/**
 * The ordering window over EventSlots: slots added since the last release come in runs (one per ring, each nearly
 * in time order); they are sorted, merged with those still held, and every event at least `windowNs` older than
 * the drain time is released, oldest first. Equal timestamps keep their arrival order.
 */
export class OrderWindow {
  private held: Int32Array = new Int32Array(1 << 10);
  private nHeld = 0;
  private fresh: Int32Array = new Int32Array(1 << 10);
  private nFresh = 0;
  private runs: number[] = [0];
  private tmp: Int32Array = new Int32Array(1 << 10);
  /** The released slots, oldest first, valid until the next push/flush: out[0 .. released). */
  out: Int32Array = new Int32Array(1 << 10);
  released = 0;
  private lastSec = 0;
  private lastNsec = 0;
  /** Events released after a later one had already gone out (a syscall that outlived the window). */
  late = 0;

  /** @param windowNs how long an event is held back after the rings were drained past its timestamp */
  constructor(private readonly slots: EventSlots, private readonly windowNs: number) {}

  /** Starts a new run: the slots added next come from another ring. */
  startRun(): void {
    if (this.runs[this.runs.length - 1] !== this.nFresh) this.runs.push(this.nFresh);
  }

  add(slot: number): void {
    if (this.nFresh === this.fresh.length) this.fresh = grown(this.fresh, this.nFresh * 2);
    this.fresh[this.nFresh++] = slot;
  }

  /** Takes in what was added and releases what the window lets go at `drainNs`: see out/released. */
  push(drainNs: number): number {
    this.merge();
    const cut = drainNs - this.windowNs;
    const cutSec = Math.floor(cut / 1e9);
    const cutNsec = cut - cutSec * 1e9;
    const sec = this.slots.sec, nsec = this.slots.nsec, h = this.held;
    let n = 0;
    while (n < this.nHeld && (sec[h[n]] < cutSec || (sec[h[n]] === cutSec && nsec[h[n]] <= cutNsec))) n++;
    return this.take(n);
  }

  /** Releases everything (at the end of the stream). */
  flush(): number {
    this.merge();
    return this.take(this.nHeld);
  }

  /** Events waiting in the window. */
  get holding(): number {
    return this.nHeld;
  }

  private take(n: number): number {
    if (this.out.length < n) this.out = new Int32Array(Math.max(n, this.out.length * 2));
    this.out.set(this.held.subarray(0, n));
    this.held.copyWithin(0, n, this.nHeld);
    this.nHeld -= n;
    this.released = n;
    if (n === 0) return 0;
    const sec = this.slots.sec, nsec = this.slots.nsec, out = this.out;
    for (let i = 0; i < n; i++) {
      const s = out[i];
      if (sec[s] > this.lastSec || (sec[s] === this.lastSec && nsec[s] >= this.lastNsec)) break;
      this.late++;
    }
    const last = out[n - 1];
    this.lastSec = sec[last];
    this.lastNsec = nsec[last];
    return n;
  }

  /** Sorts each run of fresh slots, merges the runs, then merges the result into the held slots. */
  private merge(): void {
    const nf = this.nFresh;
    if (nf === 0) return;
    const sec = this.slots.sec, nsec = this.slots.nsec;
    const before = (a: number, b: number) => sec[a] < sec[b] || (sec[a] === sec[b] && nsec[a] < nsec[b]);
    const runs = this.runs;
    runs.push(nf);
    let f = this.fresh;
    // insertion sort per run: a run is one ring's events, in order but for syscalls that slept (they carry their
    // entry time), so few elements move
    for (let r = 0; r + 1 < runs.length; r++) {
      const lo = runs[r], hi = runs[r + 1];
      for (let i = lo + 1; i < hi; i++) {
        const x = f[i];
        if (!before(x, f[i - 1])) continue;
        let j = i - 1;
        while (j > lo && before(x, f[j - 1])) j--;
        f.copyWithin(j + 1, j, i);
        f[j] = x;
      }
    }
    // merge adjacent runs pairwise until one is left, between fresh and tmp
    if (this.tmp.length < nf) this.tmp = new Int32Array(Math.max(nf, this.tmp.length * 2));
    let t = this.tmp;
    let bounds = runs.filter((b, i) => i === 0 || b !== runs[i - 1]);
    while (bounds.length > 2) {
      const next = [0];
      for (let r = 0; r + 1 < bounds.length; r += 2) {
        const lo = bounds[r], mid = bounds[r + 1], hi = r + 2 < bounds.length ? bounds[r + 2] : mid;
        mergeInto(f, lo, mid, f, mid, hi, t, lo, before);
        next.push(hi);
      }
      const x = f; f = t; t = x;
      bounds = next;
    }
    // then with the held slots, into the buffer that is neither
    const total = this.nHeld + nf;
    const into = t.length >= total ? t : new Int32Array(Math.max(total, this.held.length * 2));
    mergeInto(this.held, 0, this.nHeld, f, 0, nf, into, 0, before);
    const spare = into === t ? this.held : t;
    this.fresh = f;
    this.tmp = spare.length >= this.held.length ? spare : this.held;
    this.held = into;
    this.nHeld = total;
    this.nFresh = 0;
    this.runs = [0];
  }
}

/** Merges a[aLo, aHi) and b[bLo, bHi) (each in order) into out from outAt; ties take from a first. */
function mergeInto(
  a: Int32Array, aLo: number, aHi: number, b: Int32Array, bLo: number, bHi: number, out: Int32Array, outAt: number,
  before: (x: number, y: number) => boolean,
): void {
  let i = aLo, j = bLo, k = outAt;
  while (i < aHi && j < bHi) out[k++] = before(b[j], a[i]) ? b[j++] : a[i++];
  while (i < aHi) out[k++] = a[i++];
  while (j < bHi) out[k++] = b[j++];
}

function grown(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
