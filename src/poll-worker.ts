// Worker thread that waits on the perf rings' epoll fd and ships their raw bytes to the main thread in batches.
import { epollWait, monotonicNs } from "../ffi/libc.ts";
import { PerfRing } from "../ffi/perf-ring.ts";
import { CTL, type PollerInit, type RingBatch } from "./tracer/poller-protocol.ts";

declare const self: Worker;

function run(init: PollerInit): void {
  const ctl = new Int32Array(init.control);
  const rings = init.rings.map((r) => new PerfRing(r.base, r.size));
  const scratch = new Uint8Array(12 * Math.max(1, rings.length));

  const drainAll = (): void => {
    // Stamped before draining: every sample produced before this instant is in this batch or an earlier one.
    const drainNs = Number(monotonicNs());
    const chunks: RingBatch["chunks"] = [];
    const transfer: ArrayBuffer[] = [];
    let bytes = 0;
    for (let i = 0; i < rings.length; i++) {
      const buf = rings[i].drain();
      if (!buf) continue;
      chunks.push({ ring: i, buf: buf.buffer as ArrayBuffer });
      transfer.push(buf.buffer as ArrayBuffer);
      bytes += buf.length;
    }
    // An empty batch still carries the drain time, so held-back events can be released when the host goes quiet.
    Atomics.add(ctl, CTL.inflightKiB, Math.ceil(bytes / 1024));
    self.postMessage({ chunks, drainNs } satisfies RingBatch, transfer);
  };

  while (Atomics.load(ctl, CTL.stop) === 0) {
    epollWait(init.epollFd, scratch, init.timeoutMs);
    // Back-pressure: while the main thread is behind, leave the bytes in the kernel rings; when they fill,
    // the kernel drops and counts samples (LOST records), so nothing is lost silently.
    if (Atomics.load(ctl, CTL.inflightKiB) > init.maxInflightKiB) continue;
    drainAll();
  }
  drainAll(); // final drain: below the watermark no wakeup would come
  self.postMessage({ done: true });
}

self.onmessage = (e: MessageEvent<PollerInit>) => {
  try {
    run(e.data);
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
