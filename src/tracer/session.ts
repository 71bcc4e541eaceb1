// A tracing session: turns parsed options into kernel configuration, runs the lifecycle, and streams decoded,
// filtered, formatted events to the sink until a signal stops it.
import { loadLibbpf } from "../../ffi/loader.ts";
import { libbpfVersion, LIBBPF_DEBUG, LIBBPF_WARN, setPrintLevel } from "../../ffi/libbpf.ts";
import { monotonicNs, realtimeNs } from "../../ffi/libc.ts";
import { prepareOutDir } from "../capture/fsafe.ts";
import type { CaptureConfig } from "../capture/options.ts";
import { CaptureSession } from "../capture/session.ts";
import { containerSupport } from "../containers/setup.ts";
import { Decoder } from "../decode/decoder.ts";
import { EVENT_BY_NAME, OPTION } from "../events/schema.ts";
import { kernelConfig, kernelMapEntries, treeEntries } from "../filter/kernel.ts";
import type { TracePlan } from "../filter/plan.ts";
import { makeEventFilter } from "../filter/userspace.ts";
import { libbpfLog, log } from "../log.ts";
import type { OutputConfig } from "../output/options.ts";
import { createPrinter } from "../output/create.ts";
import type { Stats } from "../output/printer.ts";
import { EventClock } from "../output/time.ts";
import { EventPipeline } from "../pipeline/pipeline.ts";
import { syntheticRecords } from "../pipeline/warm-up.ts";
import { rawFormat } from "../pipeline/raw-format.ts";
import { EMBEDDED_OBJECT_ID, embeddedDecoder, embeddedLibs, embeddedObject } from "./assets.ts";
import { buildOnHost } from "../bpf-object/host.ts";
import { encodeConfig } from "./config.ts";
import { resolveObject } from "./object.ts";
import { checkCapabilities, resolveBtf, withoutKernelBtf } from "./preflight.ts";
import { Readiness } from "./readiness.ts";
import { Backlog } from "../pipeline/backlog.ts";
import { mapFlags, unusedMapSizes } from "./map-sizes.ts";
import { kernelRelease } from "../bpf-object/names.ts";
import { cachedCoreBtf, coreBtfName, makeCoreBtf, type CoreBtfJob } from "./core-btf.ts";
import { objectSha256 } from "../bpf-object/stamp.ts";
import { ExecHasher } from "./exec-hash.ts";
import { StackReader } from "./stacks.ts";
import { allHooks, attachTargets, probeKernel, programSelector, RAW_SYSCALLS, selectPrograms, syscallWay } from "./programs.ts";
import { initNamespacesEvent } from "../events/init-namespaces.ts";
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
/** Unwritten output beyond which new batches wait unhandled in the staging area (see Backlog). */
const OUTPUT_BACKLOG_BYTES = 4 << 20;

/** Runs until SIGINT/SIGTERM/SIGHUP (or the reader of stdout goes away); returns the exit code. */
export async function runSession(o: SessionOptions): Promise<number> {
  // Usage errors first (a template that does not parse, an output path that is a folder): before the privilege
  // check, before anything is loaded, and before any output file is created or truncated.
  const startMonoNs = monotonicNs();
  const bootEpochNs = realtimeNs() - startMonoNs;
  const containerMode = o.plan.bools.container === "in" || o.plan.bools.containerNew !== "off";
  const printer = createPrinter(o.output, { bootEpochNs, startMonoNs, containerMode });
  Sink.check(o.output.outFile);
  Sink.check(o.output.errFile);
  // Privileges next: nothing below runs (no build, no file in the install path) for a user who cannot trace.
  const release = kernelRelease();
  checkCapabilities(undefined, release);
  // compiled by the engine's threads while the main thread loads libbpf and the object (~3 ms when synchronous)
  const decoderModule = embeddedDecoder().then((bytes) => WebAssembly.compile(bytes));
  decoderModule.catch(() => {}); // awaited below; a failure is reported there, not as an unhandled rejection
  const btf = resolveBtf(o.btfFile);
  log.debug(`BTF for CO-RE: ${btf.source}`);
  const containers = containerSupport(o.plan);
  const libSource = loadLibbpf(await embeddedLibs(), libbpfLog);
  setPrintLevel(log.level >= 4 ? LIBBPF_DEBUG : LIBBPF_WARN);
  log.debug(`libbpf ${libbpfVersion()} from ${libSource}`);
  const object = await resolveObject({
    installPath: o.installPath,
    buildPolicy: o.buildPolicy,
    embedded: embeddedObject,
    embeddedAbi: EMBEDDED_OBJECT_ID?.abi,
    build: () => buildOnHost(o.installPath, log.level >= 4),
  });

  // The kernel's BTF (not a --btf-file) may have a minimal cut of it cached for this object: a faster load.
  const sha256 = object.embedded && EMBEDDED_OBJECT_ID ? EMBEDDED_OBJECT_ID.sha256 : null;
  const coreBtfFile = btf.path ? null : coreBtfName(sha256 ?? objectSha256(object.bytes));
  const coreBtf = coreBtfFile ? cachedCoreBtf(o.installPath, coreBtfFile) : null;
  if (coreBtf) log.debug(`CO-RE relocations: against the minimal BTF ${o.installPath}/${coreBtfFile}`);
  let coreBtfJob: CoreBtfJob | null = null;

  const captureOut = prepareOutDir(o.capture.dir, o.capture.clearDir);
  const readiness = new Readiness(o.capture.dir);
  const out = new Sink(o.output.outFile ?? null, 1);
  const err = new Sink(o.output.errFile ?? null, 2);
  const decoder = new Decoder(await decoderModule);
  const capture = o.capture.write || o.capture.exec || o.capture.mem ? new CaptureSession({
    config: o.capture, out: captureOut, blobWorkerUrl: new URL("./capture/blob-worker.ts", o.workerUrl).href,
    blobPages: o.blobPages ?? 1024, bootEpochNs, startMonoNs, relativeTime: o.output.options.relativeTime,
  }) : null;
  const accept = makeEventFilter(o.plan);
  const print = o.plan.print;
  const stats: Stats = { EventCount: 0, ErrorCount: 0, LostEvCount: 0, LostWrCount: 0, LostNtCount: 0 };

  const ac = new AbortController();
  let stoppedAt = 0;
  let failure: string | null = null;
  const stop = (why: string, signo = 0) => {
    // A signal sent to both the process and its group (timeout(1) does) arrives twice at once: not a second Ctrl-C.
    if (ac.signal.aborted && signo && Date.now() - stoppedAt > 300) {
      // The kernel frees programs, links and maps with the last fd at exit; only the readiness file is ours.
      log.warn(`${why} again: exiting now, without draining the rings or writing the rest of the output`);
      readiness.remove();
      process.exit(128 + signo);
    }
    if (ac.signal.aborted) return;
    stoppedAt = Date.now();
    log.debug(`${why}: stopping`);
    ac.abort();
  };
  const SIGNO = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
  const onSignal = (s: keyof typeof SIGNO) => () => stop(s, SIGNO[s]);
  const handlers = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((s) => [s, onSignal(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);

  const hasher = o.output.options.execHash ? new ExecHasher() : null;
  let stacks: StackReader | null = null;
  const tracker = containers.tracker;
  const pipeline = new EventPipeline({
    decoder, printer, clock: new EventClock(bootEpochNs, startMonoNs, o.output.options.relativeTime), print,
    accept, tracker, stats,
    // capture acts on every event on arrival, so it takes the object path
    raw: capture ? null : rawFormat(o.output, o.plan, containerMode),
    arrival: capture ? (ev) => capture.onEvent(ev) : null,
    enrich: hasher || o.output.options.stackAddresses ? (ev) => {
      hasher?.enrich(ev);
      stacks?.fill(ev);
    } : null,
    write: (bytes) => {
      out.writeBytes(bytes);
      if (out.closedByReader) stop("output closed");
      else if (out.error || err.error) {
        failure ??= (out.error ?? err.error)!.message;
        stop("output failed");
      }
    },
    // a template that fails on one event: reported, counted, and the next one goes on
    fail: (message) => err.write(`tracee: ${message}\n`),
    windowNs: REORDER_WINDOW_NS,
  });
  pipeline.afterBatch = () => stacks?.endBatch();
  // While the reader is slow, batches wait unhandled with their staged bytes taken, so the worker leaves the rest in
  // the rings (where the kernel drops and counts what does not fit): memory stays bounded by the staging area plus
  // OUTPUT_BACKLOG_BYTES of text.
  const backlog = new Backlog({
    handle: (batch) => pipeline.onBatch(batch),
    backedUp: () => out.pending > OUTPUT_BACKLOG_BYTES && !out.closedByReader && !out.error,
    drained: () => out.drained(),
  });
  const onBatch = (batch: RingBatch) => backlog.push(batch);

  // Probe, then disable, then load: each kernel-function event takes the kprobe or the tracepoint way.
  const features = probeKernel(allHooks(), { btfPath: btf.path });
  // TRACEE_RAW_SYSCALLS=1 (for tests and comparisons): the raw way whatever is chosen
  const syscalls = process.env.TRACEE_RAW_SYSCALLS === "1" ? RAW_SYSCALLS : syscallWay(print, features);
  log.debug(`syscall events: ${syscalls.way === "raw" ? "raw_syscalls:sys_enter/sys_exit (every syscall)" : `their own tracepoints (${syscalls.syscalls.join(" ") || "none"})`}`);
  const selection = selectPrograms(new Set(o.plan.events), features, { write: o.capture.write, mem: o.capture.mem }, release, syscalls);
  for (const [event, why] of selection.unavailable) {
    const id = EVENT_BY_NAME.get(event)!.id;
    if (print.has(id)) log.warn(`${event} is unavailable on this kernel and will not be reported: ${why}`);
    else log.debug(`${event} (needed internally) is unavailable on this kernel: ${why}`);
  }
  if (selection.ways.size) log.debug(`event ways: ${[...selection.ways].map(([e, w]) => `${e}=${w}`).join(" ")}`);
  const wantProgram = withoutKernelBtf(programSelector(selection), btf.kernelBtf, (m) => log.info(m));
  for (const w of capture?.unavailable(wantProgram) ?? []) log.warn(w);

  const kernelFilters = kernelConfig(o.plan);
  const options = (o.output.options.execEnv ? OPTION.exec_env : 0) | (o.output.options.stackAddresses ? OPTION.stack_addresses : 0) |
    (o.output.options.detectSyscall ? OPTION.detect_syscall : 0) | containers.options | (capture?.kernelOptions ?? 0) |
    // for tests and comparisons: the plain loops that kernels before 5.17 (no bpf_loop) verify and run
    (process.env.TRACEE_NO_BPF_LOOP === "1" ? OPTION.no_bpf_loop : 0);
  let kstats: KernelStats | null = null;
  try {
    const header = printer.header();
    if (header) out.write(header);
    kstats = await trace(
      {
        object: object.bytes,
        objectName: "tracee",
        btfPath: coreBtf ?? btf.path,
        config: encodeConfig({
          tracee_pid: process.pid,
          options,
          start_ns: startMonoNs,
          ...kernelFilters,
        }),
        mapSizes: unusedMapSizes(kernelFilters.filter_enabled, options, o.plan.events),
        mapFlags: mapFlags(release),
        entries: capture ? capture.mapEntries([...kernelMapEntries(o.plan), ...treeEntries(o.plan)]) : [...kernelMapEntries(o.plan), ...treeEntries(o.plan)],
        // only the senders of the way taken are loaded: the other's prog-array slot stays empty
        tailCalls: capture?.tailCalls.filter((t) => wantProgram(t.program)),
        extraRings: capture?.extraRings,
        wantProgram,
        attachTargets: (name) => attachTargets(name, features, syscalls),
        perfPages: o.perfPages,
        workerUrl: o.workerUrl,
        onBatch,
        onLoaded: (maps) => tracker?.load(maps),
        onReady: ({ programs, unavailable, mapFd }) => {
          if (o.output.options.stackAddresses) stacks = new StackReader(mapFd("stack_addresses_map"));
          tracker?.settle();
          const init = initNamespacesEvent(monotonicNs());
          if (print.has(init.eventId) && accept(init)) {
            out.write(printer.event(init));
            stats.EventCount++;
          }
          readiness.ready();
          // made now that tracing runs, for the next start
          if (coreBtfFile && !coreBtf) coreBtfJob = makeCoreBtf(o.installPath, coreBtfFile, object.bytes);
          // Made-up events through the raw path, so that the engine compiles it now rather than on the first real
          // events. After readiness, not during the load, where it took the verifier's CPU (2 cores: the load took
          // 60% longer); the worker already drains the rings meanwhile, so events wait in its staging area.
          if (pipeline.raw !== null) pipeline.warmUp(syntheticRecords(100), 500);
          log.debug(`attached ${programs.length} programs${unavailable.length ? `; unavailable: ${unavailable.join(", ")}` : ""}`);
        },
      },
      ac.signal,
    );
  } finally {
    if (!kstats) for (const [s, h] of handlers) process.off(s, h);
    readiness.remove();
    await (coreBtfJob as CoreBtfJob | null)?.finish();
  }
  backlog.flush();
  pipeline.finish();
  if (pipeline.late) log.debug(`${pipeline.late} events arrived after the ${REORDER_WINDOW_NS / 1e6} ms ordering window`);
  out.write(printer.end());
  const d = decoder.stats;
  stats.ErrorCount += d.errors;
  // A ring writes its LOST record only when a later sample fits, so drops at the very end may never reach user
  // space: the kernel's own count of failed outputs (read after detaching, so final) is the exact figure.
  stats.LostEvCount = Math.max(d.lost, kstats.lost_output);
  if (capture) stats.LostWrCount = capture.finish(kstats.blob_lost).lostWr;
  if (kstats.lost_output !== d.lost) log.debug(`kernel counted ${kstats.lost_output} failed outputs, rings reported ${d.lost} lost`);
  err.write(printer.footer(stats));
  log.debug(`decoder: ${JSON.stringify(d)}`);
  log.debug(`kernel: ${JSON.stringify(kstats)}`);
  log.debug(`user space: ${pipeline.bookkeeping} bookkeeping events, ${pipeline.droppedInUser} events dropped by user-space filters`);
  // Signal handlers stay in place while the output drains: a second Ctrl-C still ends a stalled pipe.
  await out.drained();
  await err.drained();
  for (const [s, h] of handlers) process.off(s, h);
  out.close();
  err.close();
  if (failure) throw new Error(`${failure}${out.lostBytes ? ` (${out.lostBytes} bytes of events not written)` : ""}; free space there or choose another destination with --output out-file:`);
  return 0;
}
