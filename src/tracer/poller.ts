// Main-thread side of the ring-polling worker: starts it, receives batches, stops it with a final drain.
import { CTL, type PollerInit, type PollerMessage, type RingBatch } from "./poller-protocol.ts";

export interface PollerOptions {
  /** URL of src/poll-worker.ts, computed in the entry module so that it resolves inside the executable too. */
  workerUrl: string;
  epollFd: number;
  rings: { base: number; size: number }[];
  timeoutMs?: number;
  maxInflightKiB?: number;
  maxBatchBytes?: number;
  /** May return a promise (the output is still being written): the batch's bytes count as in flight until it settles. */
  onBatch: (batch: RingBatch) => void | Promise<void>;
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
        const release = () => {
          Atomics.sub(this.ctl, CTL.inflightKiB, Math.ceil(bytes / 1024));
          Atomics.notify(this.ctl, CTL.inflightKiB);
        };
        let pending: void | Promise<void> = undefined;
        try {
          pending = o.onBatch(m);
        } catch (err) {
          release();
          o.onError(err instanceof Error ? err.message : String(err));
          return;
        }
        if (pending) pending.then(release, release);
        else release();
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
      // Bytes read out of the rings but not yet written out: twice the rings' size bounds tracee's memory under a
      // slow reader, and beyond it the kernel drops and counts samples.
      maxInflightKiB: o.maxInflightKiB ?? Math.max(4096, (2 * o.rings.reduce((n, r) => n + r.size, 0)) >> 10),
      maxBatchBytes: o.maxBatchBytes ?? 1 << 20,
    };
    this.worker.postMessage(init);
  }

  /** Asks the worker to drain once more and stop; resolves after every batch it sent was handled. */
  async stop(): Promise<void> {
    Atomics.store(this.ctl, CTL.stop, 1);
    Atomics.notify(this.ctl, CTL.inflightKiB);
    await this.finished;
    this.worker.terminate();
  }

  get done(): Promise<void> {
    return this.finished;
  }
}
