// Messages and shared memory between the main thread and the ring-polling worker.

/** Int32 slots of the shared control buffer. */
export const CTL = {
  stop: 0,
  /** Staging bytes the main thread has given back since the start, modulo 2^32 (it frees chunks in order). */
  freed: 1,
} as const;

/** First message, as soon as the worker exists (before the BPF object is loaded). */
export interface PollerPrepare {
  prepare: {
    /**
     * Where the worker copies ring bytes for the main thread: reused for the whole session, so a drain allocates
     * nothing, and filled from its start whenever it can be, so that only as much of it is ever touched as the
     * events in flight need (a page touched for the first time costs a fault, which is dear in a VM).
     */
    staging: SharedArrayBuffer;
  };
}

/** Second message, once the rings exist: start polling. */
export interface PollerInit {
  epollFd: number;
  rings: { base: number; size: number }[];
  control: SharedArrayBuffer;
  timeoutMs: number;
}

/** A run of one ring's records in the staging area: [off, off + len). */
export interface StagedChunk { ring: number; off: number; len: number }

/** What the worker posts after each drain. */
export interface StagedBatch { staged: StagedChunk[]; drainNs: number }

/** One wake-up's worth of raw ring bytes, one chunk per ring that had data. */
export interface RingBatch {
  /** Views into the staging area: valid until onBatch returns, or with hold() until the release it returns is called. */
  chunks: { ring: number; bytes: Uint8Array }[];
  /**
   * Keeps this batch's staging bytes after onBatch returns; call the function it returns when they are no longer
   * needed; several holders may each hold it. The area is reused in order, so a held batch also holds back the reuse
   * of every later one.
   */
  hold(): () => void;
  /** CLOCK_MONOTONIC ns (the clock of event timestamps) taken just before the rings were drained. */
  drainNs: number;
}

export type PollerMessage = StagedBatch | { done: true } | { error: string };

/** Staging bytes for `cpus` rings of `ringBytes`: every ring full four times over, at least 32 MiB (events wait there for the ordering window). */
export function stagingBytes(cpus: number, ringBytes: number): number {
  return Math.max(32 << 20, 4 * cpus * ringBytes);
}

/** The staging area's first part, reused before anything beyond it is touched. */
export const STAGING_PREFERRED = 4 << 20;

/**
 * Where the worker puts the next `n` bytes, given what is in use: [tail, head) (wrapped when tail >= head) or
 * nothing (`empty`). Returns the offset, or -1 when there is no room. Prefers the start of the area, so that its
 * end is touched only when the events in flight need it.
 */
export function placeChunk(n: number, head: number, tail: number, empty: boolean, cap: number): number {
  if (empty) return n <= cap ? 0 : -1;
  if (tail < head) {
    if (head + n <= STAGING_PREFERRED) return head;
    if (n <= tail) return 0;
    return head + n <= cap ? head : -1;
  }
  return head + n <= tail ? head : -1;
}

/**
 * The holders of one batch's staging bytes: onBatch itself (until `done`), and each caller of `hold` until it calls
 * the release it got (a second call of the same release does nothing). `free` runs once, when the last lets go.
 */
export function batchHolds(free: () => void): { hold(): () => void; done(): void } {
  let holders = 1;
  const one = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--holders === 0) free();
    };
  };
  const done = one();
  return { hold: () => (holders++, one()), done };
}
