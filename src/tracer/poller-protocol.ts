// Messages and shared control words between the main thread and the ring-polling worker.

/** Int32 slots of the shared control buffer. */
export const CTL = { stop: 0, inflightKiB: 1 } as const;

export interface PollerInit {
  epollFd: number;
  rings: { base: number; size: number }[];
  control: SharedArrayBuffer;
  timeoutMs: number;
  maxInflightKiB: number;
}

/** One wake-up's worth of raw ring bytes, one chunk per ring that had data. */
export interface RingBatch {
  chunks: { ring: number; buf: ArrayBuffer }[];
  /** CLOCK_MONOTONIC ns (the clock of event timestamps) taken just before the rings were drained. */
  drainNs: number;
}

export type PollerMessage = RingBatch | { done: true } | { error: string };
