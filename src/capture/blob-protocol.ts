// Messages and shared control words between the main thread and the capture worker (src/capture/blob-worker.ts).
import type { WriterSummary } from "./writer.ts";

/** Int32 slots of the shared control buffer. */
export const BCTL = { stop: 0, failed: 1 } as const;

export interface BlobInit {
  epollFd: number;
  rings: { base: number; size: number }[];
  control: SharedArrayBuffer;
  /** The out folder (already made safe by the main thread). */
  out: string;
  /** How event timestamps are shown, so that bin.<ts> carries its alert's timestamp: decimal ns. */
  clock: { bootEpochNs: string; startMonoNs: string; relative: boolean };
  timeoutMs: number;
}

export type BlobMessage =
  | { failed: string }
  | { done: true; summary: WriterSummary; lost: number; skipped: number; malformed: number; cpuMs: number }
  | { error: string };
