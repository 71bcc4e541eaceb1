// Worker thread that waits on the perf rings' epoll fd and copies their raw bytes into the shared staging area
// for the main thread, one batch per wake-up.
import { epollWait, monotonicNs } from "../ffi/libc.ts";
import { PerfRing } from "../ffi/perf-ring.ts";
import { CTL, type PollerInit, type StagedBatch, type StagedChunk } from "./tracer/poller-protocol.ts";

declare const self: Worker;

function run(init: PollerInit): void {
  const ctl = new Int32Array(init.control);
  const rings = init.rings.map((r) => new PerfRing(r.base, r.size));
  const scratch = new Uint8Array(12 * Math.max(1, rings.length));
  const staging = new Uint8Array(init.staging);
  const cap = staging.length;
  let head = 0; // next write offset; the main thread frees spans in the order they were written

  /** Copies what each ring holds into the staging area; returns false when a ring had to wait for room. */
  const drainAll = (): boolean => {
    // Stamped before draining: every sample produced before this instant is in this batch or an earlier one.
    const drainNs = Number(monotonicNs());
    const staged: StagedChunk[] = [];
    let complete = true;
    let taken = 0;
    for (let i = 0; i < rings.length; i++) {
      const free = cap - Atomics.load(ctl, CTL.stagingUsed) - taken;
      let at = head;
      let waste = 0;
      let room = Math.min(free, cap - head);
      let n = rings[i].copyInto(staging, at, room);
      // a chunk is kept contiguous: when it does not fit before the end, the end is skipped
      if (n < 0 && -n <= free - (cap - head)) {
        waste = cap - head;
        at = 0;
        room = free - waste;
        n = rings[i].copyInto(staging, at, room);
      }
      if (n < 0) {
        // Back-pressure: the bytes stay in the kernel ring; when it fills the kernel drops and counts
        // samples (LOST records), so nothing is lost silently.
        complete = false;
        continue;
      }
      if (n === 0) continue;
      staged.push({ ring: i, off: at, len: n, span: n + waste });
      taken += n + waste;
      head = (at + n) % cap;
    }
    if (taken) Atomics.add(ctl, CTL.stagingUsed, taken);
    // An empty batch still carries the drain time, so held-back events can be released when the host goes quiet.
    self.postMessage({ staged, drainNs } satisfies StagedBatch);
    return complete;
  };

  while (Atomics.load(ctl, CTL.stop) === 0) {
    epollWait(init.epollFd, scratch, init.timeoutMs);
    if (!drainAll()) {
      // wait (bounded) for the main thread to free staging room rather than spinning on a full area
      const used = Atomics.load(ctl, CTL.stagingUsed);
      if (used > 0) Atomics.wait(ctl, CTL.stagingUsed, used, init.timeoutMs);
    }
  }
  // final drain: below the watermark no wakeup would come; wait for room while a ring still holds bytes
  for (let tries = 0; tries < 100 && !drainAll(); tries++) {
    const used = Atomics.load(ctl, CTL.stagingUsed);
    if (used > 0) Atomics.wait(ctl, CTL.stagingUsed, used, 1000);
  }
  self.postMessage({ done: true });
}

self.onmessage = (e: MessageEvent<PollerInit>) => {
  try {
    run(e.data);
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
