// Which BPF programs to load for the chosen events, and which way (kprobe or tracepoint) each kernel-function
// event takes on this kernel: probe, then disable, then load.
import { existsSync, readFileSync } from "node:fs";
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
  /** kprobe way: the kernel function probed; a kernel without it (inlined, renamed) takes the tracepoint way. */
  symbol?: string;
  /** A tail-call target of other programs: loaded along with them, never a way in by itself. */
  helper?: boolean;
}

/** Every program of bpf/tracee.bpf.c by name. A program missing here is loaded unconditionally (and logged). */
export const PROGRAMS: Record<string, ProgramSpec> = {
  tracepoint__raw_syscalls__sys_enter: { always: true },
  tracepoint__raw_syscalls__sys_exit: { always: true },
  tracepoint__sched__sched_process_fork: { always: true },
  tracepoint__sched__sched_process_exec: { always: true },
  tracepoint__sched__sched_process_exit: { always: true },
  tracepoint__cgroup__cgroup_mkdir: { events: ["cgroup_mkdir"] },
  tracepoint__cgroup__cgroup_rmdir: { events: ["cgroup_rmdir"] },
  tracepoint__cgroup__cgroup_attach_task: { events: ["cgroup_attach_task"] },
  // capture (bpf/capture.bpf.h): the write family's syscall exits read their arguments with bpf_task_pt_regs
  tracepoint__syscalls__sys_exit_write: { events: ["vfs_write"], way: "tracepoint", minKernel: "5.15" },
  tracepoint__syscalls__sys_exit_pwrite64: { events: ["vfs_write"], way: "tracepoint", minKernel: "5.15" },
  tracepoint__syscalls__sys_exit_writev: { events: ["vfs_writev"], way: "tracepoint", minKernel: "5.15" },
  tracepoint__syscalls__sys_exit_pwritev: { events: ["vfs_writev"], way: "tracepoint", minKernel: "5.15" },
  tracepoint__syscalls__sys_exit_pwritev2: { events: ["vfs_writev"], way: "tracepoint", minKernel: "5.15" },
  capture__send_tp: { events: ["vfs_write", "vfs_writev", "mem_prot_alert"], helper: true },
  kprobe__vfs_write: { events: ["vfs_write"], way: "kprobe", symbol: "vfs_write" },
  kretprobe__vfs_write: { events: ["vfs_write"], way: "kprobe", symbol: "vfs_write" },
  // static since 4.19: kernels that inline it have no vfs_writev to probe
  kprobe__vfs_writev: { events: ["vfs_writev"], way: "kprobe", symbol: "vfs_writev" },
  kretprobe__vfs_writev: { events: ["vfs_writev"], way: "kprobe", symbol: "vfs_writev" },
  capture__send_kp: { events: ["vfs_write", "vfs_writev"], way: "kprobe", helper: true },
  // the previous protection of a VMA comes from bpf_find_vma
  tracepoint__syscalls__sys_enter_mprotect: { events: ["mem_prot_alert"], minKernel: "5.17" },
  tracepoint__syscalls__sys_enter_pkey_mprotect: { events: ["mem_prot_alert"], minKernel: "5.17" },
  tracepoint__syscalls__sys_exit_mmap: { events: ["mem_prot_alert"], minKernel: "5.15" },
};

export interface KernelFeatures {
  kprobes: boolean;
  release?: string;
  /** Whether the kernel has a function of that name to probe; absent: assume it has. */
  hasSymbol?: (name: string) => boolean;
}

export function probeKernel(): KernelFeatures {
  // kprobe programs load everywhere but attach only through the kprobe PMU
  const kprobes = existsSync("/sys/bus/event_source/devices/kprobe");
  let syms: string | null = null;
  const hasSymbol = (name: string) => {
    try {
      syms ??= readFileSync("/proc/kallsyms", "utf8");
    } catch {
      return true;
    }
    return new RegExp(`^\\S+ [tT] ${name}$`, "m").test(syms);
  };
  return { kprobes, release: release(), ...(kprobes ? { hasSymbol } : {}) };
}

function kprobeUsable(spec: ProgramSpec, f: KernelFeatures): boolean {
  return f.kprobes && (!spec.symbol || !f.hasSymbol || f.hasSymbol(spec.symbol));
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
    if (spec.way === "kprobe" && !kprobeUsable(spec, features)) return false;
    if (spec.minKernel && !kernelAtLeast(features.release, spec.minKernel)) return false;
    if (spec.way === "tracepoint" && features.kprobes && hasKprobeTwin(name, features)) return false;
    return spec.always === true || ids(spec.events ?? []).some((id) => chosen.has(id));
  };
}

function hasKprobeTwin(name: string, f: KernelFeatures): boolean {
  const events = PROGRAMS[name]?.events ?? [];
  return Object.entries(PROGRAMS).some(([n, s]) => n !== name && s.way === "kprobe" && !s.helper && kprobeUsable(s, f) && (s.events ?? []).some((e) => events.includes(e)));
}
