// Main-thread side of the ring-polling worker: starts it, hands staged batches to onBatch, frees their staging
// room, and stops it with a final drain.
import { CTL, stagingBytes, type PollerInit, type PollerMessage, type RingBatch } from "./poller-protocol.ts";

export interface PollerOptions {
  /** URL of src/poll-worker.ts, computed in the entry module so that it resolves inside the executable too. */
  workerUrl: string;
  epollFd: number;
  rings: { base: number; size: number }[];
  timeoutMs?: number;
  onBatch: (batch: RingBatch) => void;
  onError: (message: string) => void;
}

export class Poller {
  private readonly worker: Worker;
  private readonly ctl = new Int32Array(new SharedArrayBuffer(16));
  private readonly finished: Promise<void>;

  constructor(o: PollerOptions) {
    this.worker = new Worker(o.workerUrl);
    const staging = new SharedArrayBuffer(stagingBytes(o.rings));
    const view = new Uint8Array(staging);
    let resolveDone!: () => void;
    this.finished = new Promise((r) => (resolveDone = r));
    // staging spans in the order they were filled; the worker relies on them being freed in that order
    const spans: { span: number; done: boolean }[] = [];
    const freeDone = () => {
      let freed = 0;
      while (spans.length && spans[0].done) freed += spans.shift()!.span;
      if (freed) {
        Atomics.sub(this.ctl, CTL.stagingUsed, freed);
        Atomics.notify(this.ctl, CTL.stagingUsed);
      }
    };
    this.worker.onmessage = (e: MessageEvent<PollerMessage>) => {
      const m = e.data;
      if ("staged" in m) {
        let span = 0;
        const chunks: RingBatch["chunks"] = [];
        for (const c of m.staged) {
          chunks.push({ ring: c.ring, bytes: view.subarray(c.off, c.off + c.len) });
          span += c.span;
        }
        const entry = { span, done: false };
        spans.push(entry);
        let held = false;
        const release = () => {
          entry.done = true;
          freeDone();
        };
        try {
          o.onBatch({ chunks, drainNs: m.drainNs, hold: () => ((held = true), release) });
        } finally {
          if (!held) release();
        }
      } else if ("done" in m) {
        resolveDone();
      } else {
        o.onError(m.error);
        resolveDone();
      }
    };
    this.worker.onerror = (e) => {
      o.onError(e.message);
      resolveDone();
    };
    const init: PollerInit = {
      epollFd: o.epollFd,
      rings: o.rings,
      control: this.ctl.buffer as SharedArrayBuffer,
      staging,
      timeoutMs: o.timeoutMs ?? 100,
    };
    this.worker.postMessage(init);
  }

  /** Asks the worker to drain once more and stop; resolves after every batch it sent was handled. */
  async stop(): Promise<void> {
    Atomics.store(this.ctl, CTL.stop, 1);
    await this.finished;
    this.worker.terminate();
  }

  get done(): Promise<void> {
    return this.finished;
  }
}
