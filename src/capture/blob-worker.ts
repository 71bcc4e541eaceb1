// Worker thread of capture: waits on the file_writes rings and writes their samples straight from the mapped
// pages into the artifacts, so captured bytes never cross to the main thread.
import { epollWait, monotonicNs, threadCpuNs } from "../../ffi/libc.ts";
import { PerfRing } from "../../ffi/perf-ring.ts";
import type { TraceEvent } from "../events/types.ts";
import { EventClock, splitNs } from "../output/time.ts";
import { decodeBlobRecord, mergeInOrder, recordTs } from "./blob.ts";
import { BCTL, type BlobInit, type BlobMessage } from "./blob-protocol.ts";
import { CaptureIoError } from "./fsafe.ts";
import { ArtifactWriter } from "./writer.ts";

declare const self: Worker;

const BUSY_BYTES = 64 * 1024;

function run(init: BlobInit): void {
  const ctl = new Int32Array(init.control);
  const rings = init.rings.map((r) => new PerfRing(r.base, r.size));
  for (const r of rings) r.prefault();
  const epollScratch = new Uint8Array(12 * Math.max(1, rings.length));
  const clock = new EventClock(BigInt(init.clock.bootEpochNs), BigInt(init.clock.startMonoNs), init.clock.relative);
  const stamp = (ns: string) => {
    const { sec, nsec } = splitNs(BigInt(ns));
    return clock.stamp({ tsSec: sec, tsNsec: nsec } as TraceEvent);
  };
  const writer = new ArtifactWriter(init.out, stamp);
  let lost = 0;
  let skipped = 0;
  let malformed = 0;

  const fail = (e: unknown) => {
    if (!(e instanceof CaptureIoError)) throw e;
    Atomics.store(ctl, BCTL.failed, 1);
    self.postMessage({ failed: e.message } satisfies BlobMessage);
  };
  const flush = () => {
    try {
      writer.flush();
    } catch (e) {
      fail(e);
    }
  };
  const visit = (rec: Uint8Array): void => {
    const r = decodeBlobRecord(rec);
    if (r.kind === "lost") lost += r.count;
    else if (r.kind === "bad") malformed++;
    else if (r.kind === "sample") {
      if (Atomics.load(ctl, BCTL.failed)) {
        skipped++;
        return;
      }
      try {
        writer.write(r.sample);
      } catch (e) {
        skipped++;
        fail(e);
      }
    }
  };
  // Samples of one thread can land in different CPUs' rings; applied in syscall-time order, a later write
  // over the same bytes wins as it did on disk. A sample stamped before `cutoff` (taken before the rings
  // are read) comes after every earlier syscall of its thread has finished sending, so the merge never
  // applies a write before one that preceded it; later samples wait for the next pass.
  const recs: Uint8Array[][] = rings.map(() => []);
  const stamps: number[][] = rings.map(() => []);
  const drain = () => {
    const cutoff = Number(monotonicNs());
    const spans = rings.map((ring, i) => {
      recs[i].length = 0;
      stamps[i].length = 0;
      return ring.records((rec) => {
        const ts = recordTs(rec);
        if (ts >= cutoff) return false;
        stamps[i].push(ts);
        return true;
      }, recs[i]);
    });
    mergeInOrder(recs, stamps, visit);
    flush(); // before the ring space is given back: gathered samples still point into it
    rings.forEach((ring, i) => ring.release(spans[i]));
    return spans.reduce((a, b) => a + b, 0);
  };

  // While bytes keep coming, drain again at once: a wakeup takes about a millisecond here, in which a fast
  // writer fills megabytes of ring. Only a pass that finds little goes back to sleep.
  let busy = false;
  const cpu0 = threadCpuNs();
  while (Atomics.load(ctl, BCTL.stop) === 0) {
    if (!busy) epollWait(init.epollFd, epollScratch, init.timeoutMs);
    busy = drain() >= BUSY_BYTES;
  }
  drain(); // below the wakeup watermark no wakeup would come
  const cpuMs = Number(threadCpuNs() - cpu0) / 1e6; // the worker's own cost, whatever else runs on the host
  self.postMessage({ done: true, summary: writer.close(), lost, skipped, malformed, cpuMs } satisfies BlobMessage);
}

self.onmessage = (e: MessageEvent<BlobInit>) => {
  try {
    run(e.data);
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies BlobMessage);
  }
};
