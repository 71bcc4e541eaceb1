// Puts events from the per-CPU rings back into timestamp order within a bounded window (docs/ordering.md).
import type { TraceEvent } from "../events/types.ts";

/** Sort order of events by timestamp. */
export const byTime = (a: TraceEvent, b: TraceEvent) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec;

export class Reorder {
  private pending: TraceEvent[] = [];
  private lastSec = 0;
  private lastNsec = 0;
  /** Events released after a later one had already gone out (a syscall that outlived the window). */
  late = 0;

  /** @param windowNs how long an event is held back after the rings were drained past its timestamp */
  constructor(private readonly windowNs: number) {}

  /**
   * Adds one drained batch; returns the events whose timestamps are at least `windowNs` older than the drain,
   * oldest first. All rings are drained together, so nothing older than the drain can still arrive, except the
   * events of syscalls still running (they carry their entry time) that last longer than the window.
   */
  push(events: TraceEvent[], drainNs: number): TraceEvent[] {
    if (events.length) {
      for (const e of events) this.pending.push(e);
      this.pending.sort(byTime); // mostly sorted runs: the engine's merge sort handles them quickly
    }
    const cut = drainNs - this.windowNs;
    const cutSec = Math.floor(cut / 1e9);
    const cutNsec = cut - cutSec * 1e9;
    let n = 0;
    const p = this.pending;
    while (n < p.length && (p[n].tsSec < cutSec || (p[n].tsSec === cutSec && p[n].tsNsec <= cutNsec))) n++;
    return this.take(n);
  }

  /** Everything still held, in order (at the end of the stream). */
  flush(): TraceEvent[] {
    return this.take(this.pending.length);
  }

  private take(n: number): TraceEvent[] {
    if (n === 0) return [];
    const out = this.pending.length === n ? this.pending : this.pending.slice(0, n);
    this.pending = this.pending.length === n ? [] : this.pending.slice(n);
    for (const e of out) {
      if (e.tsSec > this.lastSec || (e.tsSec === this.lastSec && e.tsNsec >= this.lastNsec)) break;
      this.late++;
    }
    const last = out[out.length - 1];
    this.lastSec = last.tsSec;
    this.lastNsec = last.tsNsec;
    return out;
  }
}
