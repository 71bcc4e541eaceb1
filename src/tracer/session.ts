// A tracing session: turns parsed options into kernel configuration, runs the lifecycle, and streams decoded,
// filtered, formatted events to the sink until a signal stops it.
import { loadLibbpf } from "../../ffi/loader.ts";
import { libbpfVersion, LIBBPF_DEBUG, LIBBPF_WARN, setPrintLevel } from "../../ffi/libbpf.ts";
import { monotonicNs, realtimeNs } from "../../ffi/libc.ts";
import type { CaptureConfig } from "../capture/options.ts";
import { containerSupport } from "../containers/setup.ts";
import { Decoder } from "../decode/decoder.ts";
import { OPTION } from "../events/schema.ts";
import { kernelConfig, kernelMapEntries, treeEntries } from "../filter/kernel.ts";
import type { TracePlan } from "../filter/plan.ts";
import { makeEventFilter } from "../filter/userspace.ts";
import { libbpfLog, log } from "../log.ts";
import type { OutputConfig } from "../output/options.ts";
import { createPrinter } from "../output/create.ts";
import { EventClock } from "../output/time.ts";
import type { Stats } from "../output/printer.ts";
import { EventPipeline, type PipelineOptions } from "../pipeline/pipeline.ts";
import { syntheticRecords } from "../pipeline/warm-up.ts";
import { rawFormat } from "../pipeline/raw-format.ts";
import { embeddedDecoder, embeddedLibs } from "./assets.ts";
import { encodeConfig } from "./config.ts";
import { resolveObject } from "./object.ts";
import { checkCapabilities, resolveBtf } from "./preflight.ts";
import { Readiness } from "./readiness.ts";
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
  installPath: string;
  buildPolicy: "never" | "if-needed" | "always";
  btfFile?: string;
  workerUrl: string;
}

/** Events are held this long after the rings were drained past them, to come out in timestamp order. */
const REORDER_WINDOW_NS = 50_000_000;

/** Runs until SIGINT/SIGTERM/SIGHUP (or the reader of stdout goes away); returns the exit code. */
export async function runSession(o: SessionOptions): Promise<number> {
  checkCapabilities();
  const btfPath = resolveBtf(o.btfFile);
  const containers = containerSupport(o.plan);
  const libSource = loadLibbpf(await embeddedLibs(), libbpfLog);
  setPrintLevel(log.level >= 4 ? LIBBPF_DEBUG : LIBBPF_WARN);
  log.debug(`libbpf ${libbpfVersion()} from ${libSource}`);
  const object = await resolveObject({ installPath: o.installPath, buildPolicy: o.buildPolicy });
  log.debug(`eBPF object: ${object.source}`);

  const readiness = new Readiness(o.capture.dir);
  const out = new Sink(o.output.outFile ?? null, 1);
  const err = new Sink(o.output.errFile ?? null, 2);
  const decoder = new Decoder(await embeddedDecoder());
  const startMonoNs = monotonicNs();
  const bootEpochNs = realtimeNs() - startMonoNs;
  const containerMode = o.plan.bools.container === "in" || o.plan.bools.containerNew !== "off";
  const printer = createPrinter(o.output, { bootEpochNs, startMonoNs, containerMode });
  const accept = makeEventFilter(o.plan);
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

  const hasher = o.output.options.execHash ? new ExecHasher() : null;
  let stacks: StackReader | null = null;
  const tracker = containers.tracker;
  const pipelineOptions: PipelineOptions = {
    decoder, printer, clock: new EventClock(bootEpochNs, startMonoNs, o.output.options.relativeTime), print: o.plan.print,
    accept, tracker, stats,
    raw: rawFormat(o.output, o.plan, containerMode),
    enrich: hasher || o.output.options.stackAddresses ? (ev) => {
      hasher?.enrich(ev);
      stacks?.fill(ev);
    } : null,
    write: (bytes) => {
      out.writeBytes(bytes);
      if (out.closedByReader) stop("output closed");
    },
    fail: (message) => err.write(`tracee: ${message}\n`),
    windowNs: REORDER_WINDOW_NS,
  };
  const pipeline = new EventPipeline(pipelineOptions);
  pipeline.afterBatch = () => stacks?.endBatch();
  const onBatch = (batch: RingBatch) => pipeline.onBatch(batch);

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
            (o.output.options.detectSyscall ? OPTION.detect_syscall : 0) | containers.options,
          start_ns: startMonoNs,
          ...kernelConfig(o.plan),
        }),
        entries: [...kernelMapEntries(o.plan), ...treeEntries(o.plan)],
        wantProgram: programSelector(new Set(o.plan.events), probeKernel()),
        perfPages: o.perfPages,
        workerUrl: o.workerUrl,
        onBatch,
        whileLoading: () => pipelineOptions.raw && pipeline.warmUp(syntheticRecords(100), 500),
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
  pipeline.finish();
  if (pipeline.late) log.debug(`${pipeline.late} events arrived after the ${REORDER_WINDOW_NS / 1e6} ms ordering window`);
  out.write(printer.end());
  const d = decoder.stats;
  stats.ErrorCount += d.errors;
  stats.LostEvCount = d.lost;
  if (kstats.lost_output !== d.lost) log.debug(`kernel counted ${kstats.lost_output} failed outputs, rings reported ${d.lost} lost`);
  err.write(printer.footer(stats));
  log.debug(`kernel: ${JSON.stringify(kstats)}`);
  log.debug(`user space: ${pipeline.bookkeeping} bookkeeping events, ${pipeline.droppedInUser} events dropped by user-space filters`);
  out.close();
  err.close();
  return 0;
}

