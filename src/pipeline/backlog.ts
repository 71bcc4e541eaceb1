// Batches wait here, not yet handled, while the output is backed up: their raw bytes stay in the staging area (compact,
// and bounded by it) instead of becoming queued text, which is several times larger. The staging area then fills, the
// poll worker leaves the rest in the rings, and the kernel drops and counts what does not fit.
import type { RingBatch } from "../tracer/poller-protocol.ts";

export interface BacklogOptions {
  /** Handles one batch (decode, print). */
  handle: (batch: RingBatch) => void;
  /** Whether the output holds so much unwritten that new batches should wait. */
  backedUp: () => boolean;
  /** Resolves once the output has written what it holds (or never can). */
  drained: () => Promise<void>;
}

export class Backlog {
  private readonly waiting: { batch: RingBatch; release: () => void }[] = [];
  private resuming = false;
  /** An error of a batch handled later, on the output's drain: thrown by the next push() or flush(). */
  private failed: unknown = null;

  constructor(private readonly o: BacklogOptions) {}

  /** Batches waiting. */
  get size(): number {
    return this.waiting.length;
  }

  /** Handles the batch now, or keeps it (holding its staging bytes) until the output has drained. */
  push(batch: RingBatch): void {
    this.rethrow();
    if (this.waiting.length === 0 && !this.o.backedUp()) {
      this.o.handle(batch);
      return;
    }
    this.waiting.push({ batch, release: batch.hold() });
    this.waitForDrain();
  }

  /** Handles every waiting batch, whatever the output (at the end of tracing). */
  flush(): void {
    this.rethrow();
    while (this.waiting.length) this.handleNext();
  }

  private waitForDrain(): void {
    if (this.resuming) return;
    this.resuming = true;
    this.o.drained().then(() => {
      this.resuming = false;
      try {
        while (this.waiting.length && !this.o.backedUp()) this.handleNext();
      } catch (e) {
        this.failed ??= e;
        return;
      }
      if (this.waiting.length) this.waitForDrain();
    });
  }

  private handleNext(): void {
    const w = this.waiting.shift()!;
    try {
      this.o.handle(w.batch);
    } finally {
      w.release();
    }
  }

  private rethrow(): void {
    if (this.failed === null) return;
    const e = this.failed;
    this.failed = null;
    throw e;
  }
}
