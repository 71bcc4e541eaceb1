// A tracing session: turns parsed options into kernel configuration, runs the lifecycle, and streams decoded,
// filtered, formatted events to the sink until a signal stops it.
import { loadLibbpf } from "../../ffi/loader.ts";
import { libbpfVersion } from "../../ffi/libbpf.ts";
import { monotonicNs, realtimeNs } from "../../ffi/libc.ts";
import { prepareOutDir } from "../capture/fsafe.ts";
import type { CaptureConfig } from "../capture/options.ts";
import { CaptureSession } from "../capture/session.ts";
import { Decoder } from "../decode/decoder.ts";
import type { TraceEvent } from "../events/types.ts";
import { OPTION } from "../events/schema.ts";
import { kernelConfig, kernelMapEntries, treeEntries } from "../filter/kernel.ts";
import type { TracePlan } from "../filter/plan.ts";
import { makeEventFilter } from "../filter/userspace.ts";
import { libbpfLog, log } from "../log.ts";
import type { OutputConfig } from "../output/options.ts";
import { createPrinter } from "../output/create.ts";
import type { Stats } from "../output/printer.ts";
import { embeddedDecoder, embeddedLibs } from "./assets.ts";
import { encodeConfig } from "./config.ts";
import { resolveObject } from "./object.ts";
import { checkCapabilities, resolveBtf } from "./preflight.ts";
import { Readiness } from "./readiness.ts";
import { probeKernel, programSelector } from "./programs.ts";
import { Sink } from "./sink.ts";
import { trace, type KernelStats } from "./run.ts";
import type { RingBatch } from "./poller-protocol.ts";

export interface SessionOptions {
  plan: TracePlan;
  output: OutputConfig;
  capture: CaptureConfig;
  perfPages: number;
  /** Per-CPU pages of the capture rings (--blob-perf-buffer-size). */
  blobPages?: number;
  installPath: string;
  buildPolicy: "never" | "if-needed" | "always";
  btfFile?: string;
  workerUrl: string;
}

/** Runs until SIGINT/SIGTERM/SIGHUP (or the reader of stdout goes away); returns the exit code. */
export async function runSession(o: SessionOptions): Promise<number> {
  checkCapabilities();
  const btfPath = resolveBtf(o.btfFile);
  const libSource = loadLibbpf(await embeddedLibs(), libbpfLog);
  log.debug(`libbpf ${libbpfVersion()} from ${libSource}`);
  const object = await resolveObject({ installPath: o.installPath, buildPolicy: o.buildPolicy });
  log.debug(`eBPF object: ${object.source}`);

  const captureOut = prepareOutDir(o.capture.dir, o.capture.clearDir);
  const readiness = new Readiness(o.capture.dir);
  const out = new Sink(o.output.outFile ?? null, 1);
  const err = new Sink(o.output.errFile ?? null, 2);
  const decoder = new Decoder(await embeddedDecoder());
  const startMonoNs = monotonicNs();
  const bootEpochNs = realtimeNs() - startMonoNs;
  const containerMode = o.plan.bools.container === "in" || o.plan.bools.containerNew !== "off";
  const printer = createPrinter(o.output, { bootEpochNs, startMonoNs, containerMode });
  const capture = o.capture.write || o.capture.exec || o.capture.mem ? new CaptureSession({
    config: o.capture, out: captureOut, blobWorkerUrl: new URL("./capture/blob-worker.ts", o.workerUrl).href,
    blobPages: o.blobPages ?? 1024, bootEpochNs, startMonoNs, relativeTime: o.output.options.relativeTime,
  }) : null;
  const accept = makeEventFilter(o.plan);
  const print = o.plan.print;
  const stats: Stats = { EventCount: 0, ErrorCount: 0, LostEvCount: 0, LostWrCount: 0, LostNtCount: 0 };

  const ac = new AbortController();
  let stoppedAt = 0;
  const stop = (why: string) => {
    // A signal sent to both the process and its group (timeout(1) does) arrives twice at once: not a second Ctrl-C.
    if (ac.signal.aborted && Date.now() - stoppedAt > 300) {
      log.warn(`${why} again: exiting now`);
      process.exit(130);
    }
    if (ac.signal.aborted) return;
    stoppedAt = Date.now();
    log.debug(`${why}: stopping`);
    ac.abort();
  };
  const onSignal = (s: NodeJS.Signals) => () => stop(s);
  const handlers = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((s) => [s, onSignal(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);

  const events: TraceEvent[] = [];
  const onBatch = (batch: RingBatch) => {
    events.length = 0;
    for (const c of batch.chunks) decoder.decodeChunk(new Uint8Array(c.buf), events);
    // Rings are per CPU; one batch is ordered by time so that a process's events read in order.
    if (batch.chunks.length > 1) events.sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec);
    let text = "";
    for (const ev of events) {
      capture?.onEvent(ev);
      if (!print.has(ev.eventId) || !accept(ev)) continue;
      try {
        text += printer.event(ev);
        stats.EventCount++;
      } catch (e) {
        // a template that fails on one event: report it, count it, go on with the next
        stats.ErrorCount++;
        err.write(`tracee: ${(e as Error).message}\n`);
      }
    }
    out.write(text);
    if (out.closedByReader) stop("output closed");
  };

  const wantProgram = programSelector(new Set(o.plan.events), probeKernel());
  for (const w of capture?.unavailable(wantProgram) ?? []) log.warn(w);
  let kstats: KernelStats | null = null;
  try {
    const header = printer.header();
    if (header) out.write(header);
    kstats = await trace(
      {
        object: object.bytes,
        objectName: "tracee",
        btfPath,
        config: encodeConfig({
          tracee_pid: process.pid,
          options: (o.output.options.execEnv ? OPTION.exec_env : 0) | (o.output.options.stackAddresses ? OPTION.stack_addresses : 0) |
            (o.output.options.detectSyscall ? OPTION.detect_syscall : 0) | (capture?.kernelOptions ?? 0),
          start_ns: startMonoNs,
          ...kernelConfig(o.plan),
        }),
        entries: capture ? capture.mapEntries([...kernelMapEntries(o.plan), ...treeEntries(o.plan)]) : [...kernelMapEntries(o.plan), ...treeEntries(o.plan)],
        tailCalls: capture?.tailCalls,
        extraRings: capture?.extraRings,
        wantProgram,
        perfPages: o.perfPages,
        workerUrl: o.workerUrl,
        onBatch,
        onReady: ({ programs, unavailable }) => {
          readiness.ready();
          log.debug(`attached ${programs.length} programs${unavailable.length ? `; unavailable: ${unavailable.join(", ")}` : ""}`);
        },
      },
      ac.signal,
    );
  } finally {
    for (const [s, h] of handlers) process.off(s, h);
    readiness.remove();
  }
  out.write(printer.end());
  const d = decoder.stats;
  stats.ErrorCount += d.errors;
  stats.LostEvCount = d.lost;
  if (capture) stats.LostWrCount = capture.finish(kstats.blob_lost).lostWr;
  if (kstats.lost_output !== d.lost) log.debug(`kernel counted ${kstats.lost_output} failed outputs, rings reported ${d.lost} lost`);
  err.write(printer.footer(stats));
  log.debug(`kernel: ${JSON.stringify(kstats)}`);
  out.close();
  err.close();
  return 0;
}

