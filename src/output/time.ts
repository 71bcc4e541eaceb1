// Exact event-time arithmetic: boot-relative ns to epoch ns or ns since start, without rounding through a double.
import type { TraceEvent } from "../events/types.ts";

const NS = 1_000_000_000;

function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : "0".repeat(width - s.length) + s;
}

/** A bigint ns value as whole seconds and ns in [0, 1e9), both exact doubles for any realistic clock. */
export function splitNs(ns: bigint): { sec: number; nsec: number } {
  let sec = ns / 1_000_000_000n;
  let nsec = ns % 1_000_000_000n;
  if (nsec < 0n) { nsec += 1_000_000_000n; sec -= 1n; }
  return { sec: Number(sec), nsec: Number(nsec) };
}

/** Decimal of sec * 1e9 + nsec (nsec in [0, 1e9)), sign included. */
export function nsDecimal(sec: number, nsec: number): string {
  if (sec >= 0) return sec === 0 ? String(nsec) : sec + pad(nsec, 9);
  if (nsec === 0) return "-" + -sec + "000000000";
  const s = -sec - 1;
  const n = NS - nsec;
  return "-" + (s === 0 ? String(n) : s + pad(n, 9));
}

/** Seconds with 6 decimals, rounded to the nearest microsecond like Go's `%f`. */
export function secondsText(sec: number, nsec: number): string {
  let neg = false;
  if (sec < 0) {
    neg = true;
    if (nsec) { sec = -sec - 1; nsec = NS - nsec; } else sec = -sec;
  }
  let us = Math.round(nsec / 1000);
  if (us === 1_000_000) { sec += 1; us = 0; }
  return (neg && (sec || us) ? "-" : "") + sec + "." + pad(us, 6);
}

/** Turns an event's boot-relative time into what the printers show. */
export class EventClock {
  private readonly baseSec: number;
  private readonly baseNsec: number;

  /**
   * @param bootEpochNs wall-clock epoch ns of boot (epoch = boot + event time)
   * @param startMonoNs boot-relative ns when tracee started (used with relative time)
   * @param relative show time since start instead of epoch time / time since boot
   */
  constructor(bootEpochNs: bigint, startMonoNs: bigint, readonly relative: boolean) {
    const base = relative ? splitNs(-startMonoNs) : splitNs(bootEpochNs);
    this.baseSec = base.sec;
    this.baseNsec = base.nsec;
  }

  /** Nanoseconds of the time last given to shiftSec(). */
  lastNsec = 0;

  /** Like shifted(), without allocating: returns the seconds and leaves the nanoseconds in `lastNsec`. */
  shiftSec(tsSec: number, tsNsec: number): number {
    let sec = tsSec + this.baseSec;
    let nsec = tsNsec + this.baseNsec;
    if (nsec >= NS) { nsec -= NS; sec += 1; }
    this.lastNsec = nsec;
    return sec;
  }

  /** The event's printed time as exact whole seconds and nanoseconds (epoch, or since start). */
  shifted(ev: TraceEvent): [number, number] {
    let sec = ev.tsSec + this.baseSec;
    let nsec = ev.tsNsec + this.baseNsec;
    if (nsec >= NS) { nsec -= NS; sec += 1; }
    return [sec, nsec];
  }

  /** JSON/template timestamp: integer epoch ns, or ns since start with relative time. */
  stamp(ev: TraceEvent): string {
    const [sec, nsec] = this.shifted(ev);
    return nsDecimal(sec, nsec);
  }

  /** Table TIME(s): seconds since boot, or since start with relative time. */
  seconds(ev: TraceEvent): string {
    if (!this.relative) return secondsText(ev.tsSec, ev.tsNsec);
    const [sec, nsec] = this.shifted(ev);
    return secondsText(sec, nsec);
  }
}
