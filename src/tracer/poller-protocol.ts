// Messages and shared memory between the main thread and the ring-polling worker.

/** Int32 slots of the shared control buffer. */
export const CTL = { stop: 0, stagingUsed: 1 } as const;

export interface PollerInit {
  epollFd: number;
  rings: { base: number; size: number }[];
  control: SharedArrayBuffer;
  /**
   * Where the worker copies ring bytes for the main thread: a byte ring reused for the whole session, so a
   * drain allocates nothing (fresh buffers per drain cost page faults and allocator work on both threads).
   */
  staging: SharedArrayBuffer;
  timeoutMs: number;
}

/** A run of one ring's records in the staging area: [off, off + len); `span` also counts the unused end skipped before it. */
export interface StagedChunk { ring: number; off: number; len: number; span: number }

/** What the worker posts after each drain. */
export interface StagedBatch { staged: StagedChunk[]; drainNs: number }

/** One wake-up's worth of raw ring bytes, one chunk per ring that had data. */
export interface RingBatch {
  /** Views into the staging area: valid until onBatch returns, or with hold() until the release it returns is called. */
  chunks: { ring: number; bytes: Uint8Array }[];
  /**
   * Keeps this batch's staging bytes after onBatch returns; call the function it returns when they are no longer
   * needed. The area is reused in order, so a held batch also holds back the reuse of every later one.
   */
  hold(): () => void;
  /** CLOCK_MONOTONIC ns (the clock of event timestamps) taken just before the rings were drained. */
  drainNs: number;
}

export type PollerMessage = StagedBatch | { done: true } | { error: string };

/** Staging bytes for `rings`: every ring full four times over, at least 32 MiB (events wait there for the ordering window). */
export function stagingBytes(rings: { size: number }[]): number {
  const total = rings.reduce((s, r) => s + r.size, 0);
  return Math.max(32 << 20, 4 * total);
}
