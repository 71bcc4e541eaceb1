// Which BPF programs to load for the chosen events, and which way (kprobe or tracepoint) each kernel-function
// event takes on this kernel: probe, then disable, then load.
import { existsSync } from "node:fs";
import { release } from "node:os";
import { EVENT_BY_NAME } from "../events/schema.ts";

export interface ProgramSpec {
  /** Loaded whenever tracing runs (bookkeeping). */
  always?: boolean;
  /** Loaded when any of these events is chosen (printed or essential). */
  events?: string[];
  /** Kernel-function events have two ways in; the one the kernel supports is chosen at start-up. */
  way?: "kprobe" | "tracepoint";
  /** Oldest kernel ("major.minor") whose verifier knows every helper the program calls. */
  minKernel?: string;
}

/** Every program of bpf/tracee.bpf.c by name. A program missing here is loaded unconditionally (and logged). */
export const PROGRAMS: Record<string, ProgramSpec> = {
  tracepoint__raw_syscalls__sys_enter: { always: true },
  tracepoint__raw_syscalls__sys_exit: { always: true },
  tracepoint__sched__sched_process_fork: { always: true },
  tracepoint__sched__sched_process_exec: { always: true },
  tracepoint__sched__sched_process_exit: { always: true },
  // capture (bpf/capture.bpf.h): the write family's syscall exits read their arguments with bpf_task_pt_regs
  tracepoint__syscalls__sys_exit_write: { events: ["vfs_write"], way: "tracepoint", minKernel: "5.15" },
  tracepoint__syscalls__sys_exit_pwrite64: { events: ["vfs_write"], way: "tracepoint", minKernel: "5.15" },
  tracepoint__syscalls__sys_exit_writev: { events: ["vfs_writev"], way: "tracepoint", minKernel: "5.15" },
  tracepoint__syscalls__sys_exit_pwritev: { events: ["vfs_writev"], way: "tracepoint", minKernel: "5.15" },
  tracepoint__syscalls__sys_exit_pwritev2: { events: ["vfs_writev"], way: "tracepoint", minKernel: "5.15" },
  capture__send_tp: { events: ["vfs_write", "vfs_writev", "mem_prot_alert"] },
  kprobe__vfs_write: { events: ["vfs_write"], way: "kprobe" },
  kretprobe__vfs_write: { events: ["vfs_write"], way: "kprobe" },
  kprobe__vfs_writev: { events: ["vfs_writev"], way: "kprobe" },
  kretprobe__vfs_writev: { events: ["vfs_writev"], way: "kprobe" },
  capture__send_kp: { events: ["vfs_write", "vfs_writev"], way: "kprobe" },
  // the previous protection of a VMA comes from bpf_find_vma
  tracepoint__syscalls__sys_enter_mprotect: { events: ["mem_prot_alert"], minKernel: "5.17" },
  tracepoint__syscalls__sys_enter_pkey_mprotect: { events: ["mem_prot_alert"], minKernel: "5.17" },
  tracepoint__syscalls__sys_exit_mmap: { events: ["mem_prot_alert"], minKernel: "5.15" },
};

export interface KernelFeatures { kprobes: boolean; release?: string }

export function probeKernel(): KernelFeatures {
  // kprobe programs load everywhere but attach only through the kprobe PMU
  return { kprobes: existsSync("/sys/bus/event_source/devices/kprobe"), release: release() };
}

/** Whether kernel release `rel` ("6.18.44-...") is at least `min` ("5.17"); unknown releases pass. */
export function kernelAtLeast(rel: string | undefined, min: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(rel ?? "");
  if (!m) return true;
  const [maj, mnr] = min.split(".").map(Number);
  return Number(m[1]) > maj || (Number(m[1]) === maj && Number(m[2]) >= mnr);
}

/** Decides per program whether to load it, given the chosen event ids and the kernel's features. */
export function programSelector(chosen: Set<number>, features: KernelFeatures): (name: string) => boolean {
  const ids = (names: string[]) => names.map((n) => EVENT_BY_NAME.get(n)?.id ?? -1);
  return (name) => {
    const spec = PROGRAMS[name];
    if (!spec) return true;
    if (spec.way === "kprobe" && !features.kprobes) return false;
    if (spec.minKernel && !kernelAtLeast(features.release, spec.minKernel)) return false;
    if (spec.way === "tracepoint" && features.kprobes && hasKprobeTwin(name)) return false;
    return spec.always === true || ids(spec.events ?? []).some((id) => chosen.has(id));
  };
}

function hasKprobeTwin(name: string): boolean {
  const events = PROGRAMS[name]?.events ?? [];
  return Object.entries(PROGRAMS).some(([n, s]) => n !== name && s.way === "kprobe" && (s.events ?? []).some((e) => events.includes(e)));
}
