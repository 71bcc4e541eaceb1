// Worker thread that waits on the perf rings' epoll fd and copies their raw bytes into the shared staging area
// for the main thread, one batch per wake-up. It is started before the BPF object loads, so that it boots meanwhile.
import { epollWait, monotonicNs } from "../ffi/libc.ts";
import { PerfRing } from "../ffi/perf-ring.ts";
import {
  CTL, placeChunk, STAGING_PREFERRED, type PollerInit, type PollerPrepare, type StagedBatch, type StagedChunk,
} from "./tracer/poller-protocol.ts";

declare const self: Worker;

let staging: Uint8Array = new Uint8Array(0);

function run(init: PollerInit): void {
  // Faults in the part of the staging area used first, in one go (a page touched for the first time costs a fault,
  // dear in a VM): after attaching, so readiness does not wait for it; the rings hold the events of these few ms.
  for (let i = 0; i < Math.min(STAGING_PREFERRED, staging.length); i += 4096) staging[i] = 0;
  const ctl = new Int32Array(init.control);
  const rings = init.rings.map((r) => new PerfRing(r.base, r.size));
  const scratch = new Uint8Array(12 * Math.max(1, rings.length));
  const cap = staging.length;
  // chunks handed to the main thread and not yet given back, oldest first; it gives them back in this order
  const inUse: { off: number; len: number }[] = [];
  let posted = 0; // bytes handed over since the start, modulo 2^32 like CTL.freed
  let retired = 0; // of those, bytes known to be given back (the chunks dropped from inUse)
  let head = 0;

  const forgetFreed = (): void => {
    const freed = Atomics.load(ctl, CTL.freed);
    while (inUse.length && ((freed - retired) | 0) >= inUse[0].len) retired = (retired + inUse.shift()!.len) | 0;
  };

  /** Copies what each ring holds into the staging area; returns false when a ring had to wait for room. */
  const drainAll = (): boolean => {
    // Stamped before draining: every sample produced before this instant is in this batch or an earlier one.
    const drainNs = Number(monotonicNs());
    const staged: StagedChunk[] = [];
    let complete = true;
    forgetFreed();
    for (let i = 0; i < rings.length; i++) {
      const n = rings[i].pending();
      if (n <= 0) continue;
      const empty = inUse.length === 0;
      const at = placeChunk(n, empty ? 0 : head, empty ? 0 : inUse[0].off, empty, cap);
      if (at < 0) {
        // Back-pressure: without room the bytes stay in the kernel ring; when it fills the kernel drops and counts
        // samples (LOST records), so nothing is lost silently.
        complete = false;
        continue;
      }
      rings[i].copyInto(staging, at, n);
      staged.push({ ring: i, off: at, len: n });
      inUse.push({ off: at, len: n });
      posted = (posted + n) | 0;
      head = at + n;
    }
    // An empty batch still carries the drain time, so held-back events can be released when the host goes quiet.
    // A drain that left bytes in a ring for want of room is stamped too: the staging area is then full of events the
    // ordering window holds, and only a later stamp lets them go and gives the room back. Samples still in that ring
    // may then come out after later ones (counted as late, never dropped): under such pressure order yields.
    self.postMessage({ staged, drainNs } satisfies StagedBatch);
    return complete;
  };

  const waitForRoom = (ms: number): void => {
    const freed = Atomics.load(ctl, CTL.freed);
    if (freed !== posted) Atomics.wait(ctl, CTL.freed, freed, ms);
  };

  while (Atomics.load(ctl, CTL.stop) === 0) {
    epollWait(init.epollFd, scratch, init.timeoutMs);
    // wait (bounded) for the main thread to give room back rather than spinning on a full area
    if (!drainAll()) waitForRoom(init.timeoutMs);
  }
  // final drain: below the watermark no wakeup would come; wait for room while a ring still holds bytes
  for (let tries = 0; tries < 100 && !drainAll(); tries++) waitForRoom(1000);
  self.postMessage({ done: true });
}

self.onmessage = (e: MessageEvent<PollerPrepare | PollerInit>) => {
  try {
    const m = e.data;
    if ("prepare" in m) {
      staging = new Uint8Array(m.prepare.staging);
      return;
    }
    run(m);
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
