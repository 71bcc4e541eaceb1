// Main-thread side of the ring-polling worker: starts it, receives batches, stops it with a final drain.
import { CTL, type PollerInit, type PollerMessage, type RingBatch } from "./poller-protocol.ts";

export interface PollerOptions {
  /** URL of src/poll-worker.ts, computed in the entry module so that it resolves inside the executable too. */
  workerUrl: string;
  epollFd: number;
  rings: { base: number; size: number }[];
  timeoutMs?: number;
  maxInflightKiB?: number;
  onBatch: (batch: RingBatch) => void;
  onError: (message: string) => void;
}

export class Poller {
  private readonly worker: Worker;
  private readonly ctl = new Int32Array(new SharedArrayBuffer(16));
  private readonly finished: Promise<void>;

  constructor(o: PollerOptions) {
    this.worker = new Worker(o.workerUrl);
    let resolveDone!: () => void;
    this.finished = new Promise((r) => (resolveDone = r));
    this.worker.onmessage = (e: MessageEvent<PollerMessage>) => {
      const m = e.data;
      if ("chunks" in m) {
        let bytes = 0;
        for (const c of m.chunks) bytes += c.buf.byteLength;
        try {
          o.onBatch(m);
        } finally {
          Atomics.sub(this.ctl, CTL.inflightKiB, Math.ceil(bytes / 1024));
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
      timeoutMs: o.timeoutMs ?? 100,
      maxInflightKiB: o.maxInflightKiB ?? 256 * 1024,
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
