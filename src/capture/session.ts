// Capture inside a tracing session: what the kernel needs (options, map entries, tail calls, the file_writes
// rings and their worker), what user space does with events (exec copies, the written_files index), and the
// end of run (lost chunks marked, index and profile written, LostWrCount).
import { writeFileSync, appendFileSync, renameSync } from "node:fs";
import * as bpf from "../../ffi/libbpf.ts";
import { BLOB } from "../events/gen/events.ts";
import { EVENT_BY_NAME, EVENT_FLAG, LIMITS, OPTION } from "../events/schema.ts";
import type { TraceEvent } from "../events/types.ts";
import { log } from "../log.ts";
import { EventClock } from "../output/time.ts";
import type { ExtraRings, MapEntry } from "../tracer/run.ts";
import { blobKeyFromBytes } from "./blob.ts";
import { BCTL, type BlobInit, type BlobMessage } from "./blob-protocol.ts";
import { ExecCapture } from "./exec.ts";
import { CaptureIoError, errText, NsDirs, removeQuietly, settle } from "./fsafe.ts";
import { PARTIAL } from "./names.ts";
import type { CaptureConfig } from "./options.ts";
import type { WriterSummary } from "./writer.ts";

const EV_EXEC = EVENT_BY_NAME.get("sched_process_exec")!.id;
const EV_VFS_WRITE = EVENT_BY_NAME.get("vfs_write")!.id;
const EV_VFS_WRITEV = EVENT_BY_NAME.get("vfs_writev")!.id;

/** Events capture needs from the kernel whether or not they are printed (reference §2.3, v0.6.5). */
export function captureEvents(c: CaptureConfig): string[] {
  return [
    ...(c.exec ? ["sched_process_exec"] : []),
    ...(c.write ? ["vfs_write", "vfs_writev"] : []),
    ...(c.mem ? ["mem_prot_alert"] : []),
  ];
}

export function captureOptions(c: CaptureConfig): number {
  return (c.write ? OPTION.capture_write : 0) | (c.exec ? OPTION.capture_exec : 0) | (c.mem ? OPTION.capture_mem : 0);
}

/** The write= prefixes as kernel map values: NUL padded to LIMITS.capturePrefix bytes. */
export function prefixEntries(prefixes: string[]): MapEntry[] {
  return prefixes.map((p, i) => {
    const value = new Uint8Array(LIMITS.capturePrefix);
    value.set(Buffer.from(p, "utf8"));
    return { map: "capture_prefix_map", key: new Uint8Array(new Uint32Array([i]).buffer), value };
  });
}

export interface CaptureSetup {
  config: CaptureConfig;
  /** `<dir>/out`, made safe by prepareOutDir */
  out: string;
  blobWorkerUrl: string;
  blobPages: number;
  bootEpochNs: bigint;
  startMonoNs: bigint;
  relativeTime: boolean;
}

export interface CaptureResult { lostWr: number }

export class CaptureSession {
  private readonly dirs: NsDirs;
  private readonly clock: EventClock;
  private readonly exec: ExecCapture | null;
  /** `<mntns>:<dev>:<inode>` -> path, from vfs_write(v) events: the written_files index */
  private readonly paths = new Map<string, string>();
  private readonly ctl = new Int32Array(new SharedArrayBuffer(8));
  private worker: Worker | null = null;
  private mapFd: ((name: string) => number) | null = null;
  private done: Promise<Extract<BlobMessage, { done: true }> | null> | null = null;
  private stopped: string | null = null;
  private summary: WriterSummary | null = null;
  private lostWr = 0;
  private cpuMs = 0;

  constructor(private readonly s: CaptureSetup) {
    this.dirs = new NsDirs(s.out);
    this.clock = new EventClock(s.bootEpochNs, s.startMonoNs, s.relativeTime);
    this.exec = s.config.exec ? new ExecCapture(s.out, this.dirs, (ev) => this.clock.stamp(ev), (m) => log.debug(m)) : null;
  }

  get kernelOptions(): number {
    return captureOptions(this.s.config);
  }

  /** The session's map entries plus capture's: switches, prefixes, and sched_process_exec sent for exec capture. */
  mapEntries(base: MapEntry[]): MapEntry[] {
    const c = this.s.config;
    const out = base.map((e) => {
      if (!c.exec || e.map !== "chosen_events_map" || new DataView(e.key.buffer, e.key.byteOffset).getUint32(0, true) !== EV_EXEC) return e;
      const v = new DataView(e.value.buffer, e.value.byteOffset).getUint32(0, true) | EVENT_FLAG.submit;
      return { ...e, value: new Uint8Array(new Uint32Array([v]).buffer) };
    });
    out.push({ map: "capture_ctl_map", key: new Uint8Array(4), value: new Uint8Array(new Uint32Array([this.kernelOptions]).buffer) });
    out.push(...prefixEntries(c.writePrefixes));
    return out;
  }

  /** One warning per asked-for capture that no program this kernel loads can serve. */
  unavailable(want: (name: string) => boolean): string[] {
    const out: string[] = [];
    const writeWays = ["tracepoint__syscalls__sys_exit_write", "kprobe__capture_vfs_write"];
    if (this.s.config.write && !writeWays.some(want)) {
      out.push("--capture write: this kernel has no way in (kprobes, or syscall tracepoints on 5.15+); no file will be captured");
    }
    if (this.s.config.mem && !want("tracepoint__syscalls__sys_enter_mprotect")) {
      out.push("--capture mem: needs kernel 5.17+ (bpf_find_vma); no memory will be dumped");
    }
    return out;
  }

  readonly tailCalls = [
    { map: "capture_tp_progs", program: "capture__send_tp" },
    { map: "capture_kp_progs", program: "capture__send_kp" },
  ];

  /** The file_writes rings and their worker, when write or memory capture is on. */
  get extraRings(): ExtraRings | undefined {
    if (!this.s.config.write && !this.s.config.mem) return undefined;
    return {
      map: "file_writes",
      pages: this.s.blobPages,
      // woken early (a sixteenth of a ring): a writer fills the rest while the worker is being scheduled
      watermarkBytes: Math.max(4096, (this.s.blobPages * 4096) >> 4),
      start: (rings, mapFd) => this.startWorker(rings, mapFd),
      stop: () => this.stopWorker(),
    };
  }

  private startWorker(rings: { epollFd: number; rings: { base: number; size: number }[] }, mapFd: (name: string) => number): void {
    this.mapFd = mapFd;
    const w = new Worker(this.s.blobWorkerUrl);
    this.worker = w;
    this.done = new Promise((resolve) => {
      w.onmessage = (e: MessageEvent<BlobMessage>) => {
        const m = e.data;
        if ("failed" in m) this.stop(m.failed);
        else if ("done" in m) resolve(m);
        else {
          this.stop(`capture stopped: the capture worker failed: ${m.error}; tracing goes on`);
          resolve(null);
        }
      };
      w.onerror = (e) => {
        this.stop(`capture stopped: the capture worker failed: ${e.message}; tracing goes on`);
        resolve(null);
      };
    });
    const init: BlobInit = {
      epollFd: rings.epollFd,
      rings: rings.rings,
      control: this.ctl.buffer as SharedArrayBuffer,
      out: this.s.out,
      clock: { bootEpochNs: String(this.s.bootEpochNs), startMonoNs: String(this.s.startMonoNs), relative: this.s.relativeTime },
      timeoutMs: 100,
    };
    w.postMessage(init);
  }

  /** Drains the rings once more, stops the worker, and marks the files whose chunks the kernel lost. */
  private async stopWorker(): Promise<void> {
    if (!this.worker || !this.done) return;
    Atomics.store(this.ctl, BCTL.stop, 1);
    const m = await this.done;
    this.worker.terminate();
    this.worker = null;
    if (!m) return;
    this.summary = m.summary;
    this.lostWr = m.lost;
    this.cpuMs = m.cpuMs;
    if (m.malformed) log.warn(`capture: ${m.malformed} malformed samples in the file_writes rings were skipped`);
    this.markLost();
  }

  /** Renames the written-file artifacts the kernel reports chunks of as lost to `.partial`. */
  private markLost(): void {
    if (!this.summary || !this.mapFd) return;
    const lost = new Set<string>();
    try {
      for (const k of bpf.mapKeys(this.mapFd("capture_lost_map"), BLOB.keySize)) lost.add(blobKeyFromBytes(k));
    } catch (e) {
      log.warn(`capture: cannot read the kernel's lost-chunk map (${(e as Error).message}); incomplete files are not marked`);
      return;
    }
    for (const a of this.summary.artifacts) {
      if (a.kind !== "write" || !a.complete || !lost.has(a.key)) continue;
      if (settle(`${this.s.out}/${a.rel}`, `${this.s.out}/${a.rel}${PARTIAL}`)) a.rel += PARTIAL;
      a.complete = false;
    }
  }

  /** Stops all capture with one clear error; tracing goes on. */
  private stop(why: string): void {
    if (this.stopped) return;
    this.stopped = why;
    log.error(why);
    Atomics.store(this.ctl, BCTL.failed, 1);
    if (this.mapFd) {
      try {
        bpf.mapUpdate(this.mapFd("capture_ctl_map"), new Uint8Array(4), new Uint8Array(4), "capture_ctl_map");
      } catch (e) {
        log.warn(`capture: cannot switch kernel capture off (${(e as Error).message}); its samples are dropped`);
      }
    }
  }

  /** Every decoded event passes here before the user-space filters (capture follows the kernel filters only). */
  onEvent(ev: TraceEvent): void {
    if (this.exec) {
      this.exec.pids.note(ev.mountNamespace, ev.hostProcessId, ev.processId === 1);
      if (ev.eventId === EV_EXEC && !this.stopped) {
        try {
          this.exec.onExec(ev);
        } catch (e) {
          if (!(e instanceof CaptureIoError)) throw e;
          this.stop(e.message);
        }
      }
    }
    if (this.s.config.write && (ev.eventId === EV_VFS_WRITE || ev.eventId === EV_VFS_WRITEV)) {
      const path = ev.args[0]?.name === "pathname" ? ev.args[0].value : undefined;
      const dev = ev.args.find((a) => a.name === "dev")?.value;
      const inode = ev.args.find((a) => a.name === "inode")?.value;
      // "/" is what pseudo filesystems (pipes, sockets) walk to: no file to name
      if (typeof path === "string" && path.startsWith("/") && path !== "/" && dev !== undefined && inode !== undefined) {
        this.paths.set(`${ev.mountNamespace}:${dev}:${inode}`, path);
      }
    }
  }

  /**
   * Writes the written_files index and tracee.profile; returns LostWrCount: the chunks the kernel failed
   * to send, which it counts exactly (the rings' LOST records only arrive when a later sample fits).
   */
  finish(kernelLost: number): CaptureResult {
    if (this.s.config.write && this.summary) this.writeIndex(this.summary);
    if (this.s.config.profile && this.exec) this.writeProfile();
    this.report();
    if (kernelLost !== this.lostWr) log.debug(`capture: the kernel counted ${kernelLost} lost chunks, the rings reported ${this.lostWr}`);
    return { lostWr: Math.max(kernelLost, this.lostWr) };
  }

  /** `out/written_files`: `<mntns>/write.dev-D.inode-I <path>` per captured file with a known absolute path. */
  private writeIndex(sum: WriterSummary): void {
    let text = "";
    for (const a of sum.artifacts) {
      if (a.kind !== "write") continue;
      const path = this.paths.get(`${a.mntNs}:${a.dev}:${a.inode}`);
      if (path) text += `${a.rel} ${path}\n`;
    }
    if (!text) return;
    try {
      appendFileSync(`${this.s.out}/written_files`, text, { mode: 0o600 });
    } catch (e) {
      this.late(`capture: writing ${this.s.out}/written_files failed: ${errText(e)}`);
    }
  }

  /** `out/tracee.profile`: {"<out>/<mntns>/exec.<name>:<ctime>": {times, file_hash}}, written whole or not at all. */
  private writeProfile(): void {
    const obj: Record<string, { times: number; file_hash: string }> = {};
    for (const [k, v] of [...this.exec!.profile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) obj[k] = v;
    const path = `${this.s.out}/tracee.profile`;
    try {
      writeFileSync(path + PARTIAL, JSON.stringify(obj, null, 2) + "\n", { mode: 0o600 });
      renameSync(path + PARTIAL, path);
    } catch (e) {
      removeQuietly(path + PARTIAL); // nothing half-written is left behind
      this.late(`capture: writing ${path} failed: ${errText(e)}`);
    }
  }

  /** An error at exit: after capture already stopped on one (a full disk), it is only a consequence. */
  private late(msg: string): void {
    if (this.stopped) log.debug(msg);
    else log.error(msg);
  }

  private report(): void {
    const parts: string[] = [];
    if (this.summary) {
      const files = this.summary.artifacts.filter((a) => a.kind === "write").length;
      const dumps = this.summary.artifacts.filter((a) => a.kind === "mem").length;
      const rate = this.cpuMs > 0 ? `, ${(this.summary.bytes / 1e3 / this.cpuMs).toFixed(0)} MB per CPU-second of the capture worker` : "";
      parts.push(`${files} written files (${this.summary.bytes} bytes in ${this.summary.samples} chunks${rate})`, `${dumps} memory dumps`);
      const partial = this.summary.artifacts.filter((a) => !a.complete).map((a) => a.rel);
      if (partial.length) log.warn(`capture: ${partial.length} artifacts are incomplete (marked .partial): ${partial.slice(0, 5).join(", ")}${partial.length > 5 ? ", ..." : ""}`);
    }
    if (this.exec) parts.push(`${this.exec.copies} executed files copied${this.exec.missed ? `, ${this.exec.missed} missed` : ""}`);
    log.debug(`capture: ${parts.join(", ")} in ${this.s.out}`);
  }
}
