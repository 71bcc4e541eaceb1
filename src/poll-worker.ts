// Worker thread that waits on the perf rings' epoll fd and ships their raw bytes to the main thread in batches.
import { epollWait, monotonicNs } from "../ffi/libc.ts";
import { PerfRing } from "../ffi/perf-ring.ts";
import { CTL, type PollerInit, type RingBatch } from "./tracer/poller-protocol.ts";

declare const self: Worker;

function run(init: PollerInit): void {
  const ctl = new Int32Array(init.control);
  const rings = init.rings.map((r) => new PerfRing(r.base, r.size));
  const scratch = new Uint8Array(12 * Math.max(1, rings.length));

  // Batches of bounded size: the main thread turns each into objects and text at once, so a batch's size sets
  // tracee's peak memory under load.
  const perRing = Math.max(64 << 10, Math.floor(init.maxBatchBytes / Math.max(1, rings.length)));
  const drainOnce = (): boolean => {
    // Stamped before draining: when every ring is emptied, each sample produced before this instant is in this
    // batch or an earlier one, which lets the ordering window release events up to it. A drain cut short by the
    // batch bound carries no stamp (0): older samples may still wait in a ring.
    const drainNs = Number(monotonicNs());
    let complete = true;
    const chunks: RingBatch["chunks"] = [];
    const transfer: ArrayBuffer[] = [];
    let bytes = 0;
    for (let i = 0; i < rings.length; i++) {
      const buf = rings[i].drain(perRing);
      if (!buf) continue;
      if (rings[i].cut) complete = false;
      chunks.push({ ring: i, buf: buf.buffer as ArrayBuffer });
      transfer.push(buf.buffer as ArrayBuffer);
      bytes += buf.length;
    }
    if (!chunks.length) return false;
    Atomics.add(ctl, CTL.inflightKiB, Math.ceil(bytes / 1024));
    self.postMessage({ chunks, drainNs: complete ? drainNs : 0 } satisfies RingBatch, transfer);
    return true;
  };
  /** An empty batch that only carries the drain time, so held-back events are released when the host is quiet. */
  const tick = () => self.postMessage({ chunks: [], drainNs: Number(monotonicNs()) } satisfies RingBatch);

  while (Atomics.load(ctl, CTL.stop) === 0) {
    // Back-pressure: while the main thread is behind, leave the bytes in the kernel rings; when they fill,
    // the kernel drops and counts samples (LOST records), so nothing is lost silently. Sleep rather than
    // poll: the rings stay readable, so epoll would return at once and spin a CPU the main thread needs.
    const inflight = Atomics.load(ctl, CTL.inflightKiB);
    if (inflight > init.maxInflightKiB) {
      Atomics.wait(ctl, CTL.inflightKiB, inflight, init.timeoutMs);
      continue;
    }
    epollWait(init.epollFd, scratch, init.timeoutMs);
    if (!drainOnce()) tick();
    else while (drainOnce() && Atomics.load(ctl, CTL.inflightKiB) <= init.maxInflightKiB);
  }
  while (drainOnce()); // final drain: below the watermark no wakeup would come
  self.postMessage({ done: true });
}

self.onmessage = (e: MessageEvent<PollerInit>) => {
  try {
    run(e.data);
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
