// The one function that owns the kernel side's lifecycle: open, configure, load, attach, poll, detach, free.
import type { Pointer } from "bun:ffi";
import * as bpf from "../../ffi/libbpf.ts";
import { BpfError } from "../../ffi/errors.ts";
import { possibleCpus } from "../../ffi/libbpf.ts";
import { KSTAT } from "../events/schema.ts";
import { log } from "../log.ts";
import { Poller } from "./poller.ts";
import { stagingBytes, type RingBatch } from "./poller-protocol.ts";

export interface MapEntry { map: string; key: Uint8Array; value: Uint8Array }

/** The object's maps by name, from load until detach (calls after that do nothing). */
export interface MapAccess {
  /** flags: 0 any, 1 only if absent (BPF_NOEXIST), 2 only if present (BPF_EXIST); false when that made it a no-op. */
  update(map: string, key: Uint8Array, value: Uint8Array, flags?: 0 | 1 | 2): boolean;
  lookup(map: string, key: Uint8Array, value: Uint8Array): boolean;
  delete(map: string, key: Uint8Array): boolean;
}

/** A second perf event array with its own reader (capture's `file_writes`), started once attached. */
export interface ExtraRings {
  map: string;
  pages: number;
  /** Bytes pending that wake the reader (default: an eighth of a ring). */
  watermarkBytes?: number;
  /** Starts reading; `mapFd` finds the object's maps while it is loaded. */
  start(rings: { epollFd: number; rings: { base: number; size: number }[] }, mapFd: (name: string) => number): void;
  /** Drains once more and stops reading; called before the maps go away. */
  stop(): Promise<void>;
}

export interface TraceOptions {
  object: Uint8Array;
  objectName: string;
  btfPath?: string;
  /** struct tracee_config bytes for the `.rodata.cfg` section. */
  config: Uint8Array;
  /** max_entries by map name, set before load (maps the session does not use, shrunk: map-sizes.ts). */
  mapSizes?: Record<string, number>;
  /** BPF_F_* flags added before load, by map name (map-sizes.ts). */
  mapFlags?: Record<string, number>;
  /** Map entries written after load, before attach (chosen events, filters). */
  entries: MapEntry[];
  /** Decides per program whether to load it; programs it refuses are not even verified. */
  wantProgram: (name: string, section: string) => boolean;
  /** Tracepoints ("category", "name") a program is attached to instead of its section's; null: by section. */
  attachTargets?: (name: string) => { category: string; name: string }[] | null;
  perfPages: number;
  workerUrl: string;
  onBatch: (batch: RingBatch) => void;
  /** Called after `entries` are written and before attach: map writes that need the kernel's state. */
  onLoaded?: (maps: MapAccess) => void;
  /** Program-array slots filled after load with a loaded program's fd (tail-call targets, key 0). */
  tailCalls?: { map: string; program: string }[];
  extraRings?: ExtraRings;
  /** Called once everything is attached and the rings are being read. */
  onReady: (info: { programs: string[]; unavailable: string[]; mapFd: (name: string) => number }) => void | Promise<void>;
}

export type KernelStats = Record<(typeof KSTAT)[number], number>;

export async function trace(o: TraceOptions, signal: AbortSignal): Promise<KernelStats> {
  // started first: the worker's own start-up then overlaps the load
  let poller: Poller | null = new Poller(o.workerUrl, stagingBytes(possibleCpus(), o.perfPages * 4096));
  let obj: Pointer;
  try {
    obj = bpf.openObject(o.object, { objectName: o.objectName, btfPath: o.btfPath });
  } catch (err) {
    await poller.stop();
    throw err;
  }
  const links: Pointer[] = [];
  let perf: bpf.PerfBuffer | null = null;
  let extraPerf: bpf.PerfBuffer | null = null;
  let extraStarted = false;
  let stats: KernelStats | null = null;
  let open = true;
  const fds = new Map<string, number>();
  const fdOf = (name: string) => fds.get(name) ?? fds.set(name, bpf.mapFd(bpf.findMap(obj, name))).get(name)!;
  const maps: MapAccess = {
    update(map, key, value, flags = 0) {
      if (!open) return false;
      try {
        bpf.mapUpdate(fdOf(map), key, value, map, flags);
        return true;
      } catch (err) {
        // EEXIST for NOEXIST, ENOENT for EXIST
        if (err instanceof BpfError && ((flags === 1 && err.errno === 17) || (flags === 2 && err.errno === 2))) return false;
        throw err;
      }
    },
    lookup: (map, key, value) => open && bpf.mapLookup(fdOf(map), key, value),
    delete: (map, key) => open && bpf.mapDelete(fdOf(map), key),
  };
  try {
    bpf.setInitialValue(bpf.findMap(obj, ".rodata.cfg"), o.config);
    for (const [name, n] of Object.entries(o.mapSizes ?? {})) bpf.setMaxEntries(bpf.findMap(obj, name), n);
    for (const [name, f] of Object.entries(o.mapFlags ?? {})) bpf.addMapFlags(bpf.findMap(obj, name), f);
    const progs = [...bpf.programs(obj)].map((p) => ({ p, name: bpf.programName(p), section: bpf.programSection(p) }));
    for (const x of progs) if (!o.wantProgram(x.name, x.section)) bpf.setAutoload(x.p, false);
    // The poll worker boots on another core meanwhile (started above).
    const loadStart = performance.now();
    bpf.loadObject(obj);
    log.debug(`object loaded in ${(performance.now() - loadStart).toFixed(0)} ms (BTF, relocations, maps, verifier)`);

    for (const e of o.entries) bpf.mapUpdate(bpf.mapFd(bpf.findMap(obj, e.map)), e.key, e.value, e.map);
    o.onLoaded?.(maps);
    for (const tc of o.tailCalls ?? []) {
      const prog = progs.find((x) => x.name === tc.program);
      if (!prog || !bpf.programAutoload(prog.p)) continue;
      bpf.mapUpdate(bpf.mapFd(bpf.findMap(obj, tc.map)), new Uint8Array(4), new Uint8Array(new Uint32Array([bpf.programFd(prog.p)]).buffer), tc.map);
    }
    // opened before attach: a sample sent to a perf array slot without a ring is lost (the kernel's output fails
    // with ENOENT and counts in lost_output); the poller starts reading right after attach
    const pageBytes = o.perfPages * 4096;
    perf = bpf.openPerfBuffer(bpf.mapFd(bpf.findMap(obj, "events")), o.perfPages, Math.max(4096, pageBytes >> 3));
    if (o.extraRings) {
      const x = o.extraRings;
      extraPerf = bpf.openPerfBuffer(bpf.mapFd(bpf.findMap(obj, x.map)), x.pages, x.watermarkBytes ?? Math.max(4096, (x.pages * 4096) >> 3));
    }

    const attached: string[] = [];
    const unavailable: string[] = [];
    for (const x of progs) {
      if (!bpf.programAutoload(x.p)) continue;
      // a section without a target ("tracepoint", "kprobe") is a tail-call target: loaded, never attached
      if (!x.section.includes("/")) continue;
      try {
        const targets = o.attachTargets?.(x.name) ?? null;
        if (targets) for (const t of targets) links.push(bpf.attachTracepoint(x.p, t.category, t.name));
        else links.push(bpf.attachProgram(x.p));
        attached.push(x.name);
        log.debug(`attached ${x.name} (${targets ? targets.map((t) => t.name).join(" ") : x.section})`);
      } catch (err) {
        if (!(err instanceof BpfError)) throw err;
        unavailable.push(x.name);
        log.warn(`${x.section}: cannot attach on this kernel (${err.message}); its events are unavailable`);
      }
    }

    let failure: string | null = null;
    let failed: () => void = () => {};
    const failedNow = new Promise<void>((r) => (failed = r));
    log.debug(`attached in ${(performance.now() - loadStart).toFixed(0)} ms since the load began`);
    poller.start({
      epollFd: perf.epollFd,
      rings: perf.rings,
      onBatch: o.onBatch,
      onError: (m) => {
        failure ??= m; // the first error is the one reported; it also ends tracing
        failed();
      },
    });
    if (o.extraRings && extraPerf) {
      o.extraRings.start(extraPerf, (name) => bpf.mapFd(bpf.findMap(obj, name)));
      extraStarted = true;
    }
    await o.onReady({ programs: attached, unavailable, mapFd: (name) => bpf.mapFd(bpf.findMap(obj, name)) });

    await Promise.race([
      new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener("abort", () => r(), { once: true }))),
      poller.done,
      failedNow,
    ]);
    // Detach before the final drain: nothing is submitted after it, so every sample the kernel wrote is read and
    // the kernel's counters read below are final (submitted = read, lost_output = lost).
    for (const l of links.splice(0).reverse()) bpf.destroyLink(l);
    await poller.stop();
    poller = null;
    if (extraStarted) {
      extraStarted = false;
      await o.extraRings!.stop();
    }
    if (failure) throw new Error(`reading the perf rings failed: ${failure}`);
    stats = readKernelStats(obj);
    return stats;
  } finally {
    if (poller) await poller.stop().catch(() => {});
    if (extraStarted) await o.extraRings!.stop().catch(() => {});
    open = false;
    for (const l of links.reverse()) bpf.destroyLink(l);
    if (perf) bpf.freePerfBuffer(perf);
    if (extraPerf) bpf.freePerfBuffer(extraPerf);
    bpf.closeObject(obj);
  }
}

function readKernelStats(obj: Pointer): KernelStats {
  const fd = bpf.mapFd(bpf.findMap(obj, "stats_map"));
  const cpus = possibleCpus();
  const vals = new BigUint64Array(cpus);
  const out = {} as KernelStats;
  KSTAT.forEach((name, i) => {
    let sum = 0n;
    if (bpf.mapLookup(fd, new Uint32Array([i]) as unknown as Uint8Array, new Uint8Array(vals.buffer))) for (const v of vals) sum += v;
    out[name] = Number(sum);
  });
  return out;
}
