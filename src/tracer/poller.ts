// Main-thread side of the ring-polling worker: starts it early (it boots while the BPF object loads),
// hands staged batches to onBatch, gives their staging room back, and stops it with a final drain.
import {
  batchHolds, CTL, type PollerInit, type PollerMessage, type PollerPrepare, type RingBatch,
} from "./poller-protocol.ts";

export interface PollerStart {
  epollFd: number;
  rings: { base: number; size: number }[];
  timeoutMs?: number;
  onBatch: (batch: RingBatch) => void;
  onError: (message: string) => void;
}

export class Poller {
  private readonly worker: Worker;
  private readonly ctl = new Int32Array(new SharedArrayBuffer(16));
  private readonly staging: SharedArrayBuffer;
  private readonly finished: Promise<void>;
  private resolveDone!: () => void;
  private started = false;

  /**
   * @param workerUrl URL of src/poll-worker.ts, computed in the entry module so that it resolves inside the executable too
   * @param stagingBytes size of the shared staging area (poller-protocol.ts stagingBytes)
   */
  constructor(workerUrl: string, stagingBytes: number) {
    this.worker = new Worker(workerUrl);
    this.staging = new SharedArrayBuffer(stagingBytes);
    this.finished = new Promise((r) => (this.resolveDone = r));
    this.worker.postMessage({ prepare: { staging: this.staging } } satisfies PollerPrepare);
  }

  /** Starts reading the rings; batches go to o.onBatch in the order they were drained. */
  start(o: PollerStart): void {
    this.started = true;
    const view = new Uint8Array(this.staging);
    // staged bytes of each batch in the order they were filled; the worker relies on getting them back in that order
    const spans: { span: number; done: boolean }[] = [];
    const freeDone = () => {
      let freed = 0;
      while (spans.length && spans[0].done) freed += spans.shift()!.span;
      if (freed) {
        Atomics.add(this.ctl, CTL.freed, freed);
        Atomics.notify(this.ctl, CTL.freed);
      }
    };
    this.worker.onmessage = (e: MessageEvent<PollerMessage>) => {
      const m = e.data;
      if ("staged" in m) {
        let span = 0;
        const chunks: RingBatch["chunks"] = [];
        for (const c of m.staged) {
          chunks.push({ ring: c.ring, bytes: view.subarray(c.off, c.off + c.len) });
          span += c.len;
        }
        const entry = { span, done: false };
        spans.push(entry);
        const holds = batchHolds(() => {
          entry.done = true;
          freeDone();
        });
        try {
          o.onBatch({ chunks, drainNs: m.drainNs, hold: holds.hold });
        } catch (err) {
          // reported (tracing then ends with the message) rather than thrown out of a message handler
          o.onError(err instanceof Error ? err.message : String(err));
        } finally {
          holds.done();
        }
      } else if ("done" in m) {
        this.resolveDone();
      } else {
        o.onError(m.error);
        this.resolveDone();
      }
    };
    this.worker.onerror = (e) => {
      o.onError(e.message);
      this.resolveDone();
    };
    const init: PollerInit = {
      epollFd: o.epollFd,
      rings: o.rings,
      control: this.ctl.buffer as SharedArrayBuffer,
      timeoutMs: o.timeoutMs ?? 100,
    };
    this.worker.postMessage(init);
  }

  /** Asks the worker to drain once more and stop; resolves after every batch it sent was handled. */
  async stop(): Promise<void> {
    Atomics.store(this.ctl, CTL.stop, 1);
    if (this.started) await this.finished;
    this.worker.terminate();
  }

  get done(): Promise<void> {
    return this.finished;
  }
}
