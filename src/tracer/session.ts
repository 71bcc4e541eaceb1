// A tracing session: turns parsed options into kernel configuration, runs the lifecycle, and streams decoded,
// filtered, formatted events to the sink until a signal stops it.
import { loadLibbpf } from "../../ffi/loader.ts";
import { libbpfVersion } from "../../ffi/libbpf.ts";
import { monotonicNs, realtimeNs } from "../../ffi/libc.ts";
import { prepareOutDir } from "../capture/fsafe.ts";
import type { CaptureConfig } from "../capture/options.ts";
import { CaptureSession } from "../capture/session.ts";
import { containerSupport } from "../containers/setup.ts";
import { Decoder } from "../decode/decoder.ts";
import type { TraceEvent } from "../events/types.ts";
import { CTX_FLAG, OPTION } from "../events/schema.ts";
import { kernelConfig, kernelMapEntries, treeEntries } from "../filter/kernel.ts";
import type { TracePlan } from "../filter/plan.ts";
import { makeEventFilter } from "../filter/userspace.ts";
import { libbpfLog, log } from "../log.ts";
import type { OutputConfig } from "../output/options.ts";
import { createPrinter } from "../output/create.ts";
import type { Stats } from "../output/printer.ts";
import { OutBuf } from "../output/out-buf.ts";
import { embeddedDecoder, embeddedLibs, embeddedObject } from "./assets.ts";
import { buildOnHost } from "../bpf-object/host.ts";
import { encodeConfig } from "./config.ts";
import { resolveObject } from "./object.ts";
import { checkCapabilities, resolveBtf, withoutKernelBtf } from "./preflight.ts";
import { Readiness } from "./readiness.ts";
import { Reorder } from "./reorder.ts";
import { ExecHasher } from "./exec-hash.ts";
import { StackReader } from "./stacks.ts";
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

/** Events are held this long after the rings were drained past them, to come out in timestamp order. */
const REORDER_WINDOW_NS = 50_000_000;

/** Runs until SIGINT/SIGTERM/SIGHUP (or the reader of stdout goes away); returns the exit code. */
export async function runSession(o: SessionOptions): Promise<number> {
  // Privileges first: nothing below runs (no build, no file in the install path) for a user who cannot trace.
  checkCapabilities();
  const btf = resolveBtf(o.btfFile);
  log.debug(`BTF for CO-RE: ${btf.source}`);
  const containers = containerSupport(o.plan);
  const libSource = loadLibbpf(await embeddedLibs(), libbpfLog);
  log.debug(`libbpf ${libbpfVersion()} from ${libSource}`);
  const object = await resolveObject({
    installPath: o.installPath,
    buildPolicy: o.buildPolicy,
    embedded: embeddedObject,
    build: () => buildOnHost(o.installPath, log.level >= 4),
  });

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
  const reorder = new Reorder(REORDER_WINDOW_NS);
  const hasher = o.output.options.execHash ? new ExecHasher() : null;
  let stacks: StackReader | null = null;
  const tracker = containers.tracker;
  let bookkeeping = 0, droppedInUser = 0;
  const buf = new OutBuf();
  const emit = (ready: TraceEvent[]) => {
    buf.reset();
    for (const ev of ready) {
      if ((ev.flags & CTX_FLAG.bookkeeping) !== 0) {
        bookkeeping++;
        continue;
      }
      if (!print.has(ev.eventId) || !accept(ev)) {
        droppedInUser++;
        continue;
      }
      if (hasher) hasher.enrich(ev);
      if (stacks) stacks.fill(ev);
      try {
        if (printer.eventInto) printer.eventInto(ev, buf);
        else buf.utf8(printer.event(ev));
        stats.EventCount++;
      } catch (e) {
        // a template that fails on one event: report it, count it, go on with the next
        stats.ErrorCount++;
        err.write(`tracee: ${(e as Error).message}\n`);
      }
    }
    stacks?.endBatch();
    out.writeBytes(buf.buf.subarray(0, buf.off));
    if (out.closedByReader) stop("output closed");
  };
  const onBatch = (batch: RingBatch) => {
    events.length = 0;
    tracker?.expire();
    for (const c of batch.chunks) decoder.decodeChunk(new Uint8Array(c.buf), events);
    // the container table follows cgroup events in arrival order, before the ordering window holds them back
    if (tracker) for (const ev of events) tracker.observe(ev);
    // capture acts on arrival (a process whose binary is copied may exit any moment), on the kernel filters only
    if (capture) for (const ev of events) capture.onEvent(ev);
    emit(reorder.push(events, batch.drainNs));
  };

  const wantProgram = withoutKernelBtf(programSelector(new Set(o.plan.events), probeKernel()), btf.kernelBtf, (m) => log.info(m));
  for (const w of capture?.unavailable(wantProgram) ?? []) log.warn(w);
  let kstats: KernelStats | null = null;
  try {
    const header = printer.header();
    if (header) out.write(header);
    kstats = await trace(
      {
        object: object.bytes,
        objectName: "tracee",
        btfPath: btf.path,
        config: encodeConfig({
          tracee_pid: process.pid,
          options: (o.output.options.execEnv ? OPTION.exec_env : 0) | (o.output.options.stackAddresses ? OPTION.stack_addresses : 0) |
            (o.output.options.detectSyscall ? OPTION.detect_syscall : 0) | containers.options | (capture?.kernelOptions ?? 0),
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
        onLoaded: (maps) => tracker?.load(maps),
        onReady: ({ programs, unavailable, mapFd }) => {
          if (o.output.options.stackAddresses) stacks = new StackReader(mapFd("stack_addresses_map"));
          tracker?.settle();
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
  emit(reorder.flush());
  if (reorder.late) log.debug(`${reorder.late} events arrived after the ${REORDER_WINDOW_NS / 1e6} ms ordering window`);
  out.write(printer.end());
  const d = decoder.stats;
  stats.ErrorCount += d.errors;
  stats.LostEvCount = d.lost;
  if (capture) stats.LostWrCount = capture.finish(kstats.blob_lost).lostWr;
  if (kstats.lost_output !== d.lost) log.debug(`kernel counted ${kstats.lost_output} failed outputs, rings reported ${d.lost} lost`);
  err.write(printer.footer(stats));
  log.debug(`kernel: ${JSON.stringify(kstats)}`);
  log.debug(`user space: ${bookkeeping} bookkeeping events, ${droppedInUser} events dropped by user-space filters`);
  out.close();
  err.close();
  return 0;
}

