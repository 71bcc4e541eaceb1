// Which BPF programs to load for the chosen events, and which way (kprobe or tracepoint) each kernel-function
// event takes on this kernel: probe, then disable, then load.
import { existsSync } from "node:fs";
import { EVENT_BY_NAME } from "../events/schema.ts";

export interface ProgramSpec {
  /** Loaded whenever tracing runs (bookkeeping). */
  always?: boolean;
  /** Loaded when any of these events is chosen (printed or essential). */
  events?: string[];
  /** Kernel-function events have two ways in; the one the kernel supports is chosen at start-up. */
  way?: "kprobe" | "tracepoint";
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
};

export interface KernelFeatures { kprobes: boolean }

export function probeKernel(): KernelFeatures {
  // kprobe programs load everywhere but attach only through the kprobe PMU
  return { kprobes: existsSync("/sys/bus/event_source/devices/kprobe") };
}

/** Decides per program whether to load it, given the chosen event ids and the kernel's features. */
export function programSelector(chosen: Set<number>, features: KernelFeatures): (name: string) => boolean {
  const ids = (names: string[]) => names.map((n) => EVENT_BY_NAME.get(n)?.id ?? -1);
  return (name) => {
    const spec = PROGRAMS[name];
    if (!spec) return true;
    if (spec.way === "kprobe" && !features.kprobes) return false;
    if (spec.way === "tracepoint" && features.kprobes && hasKprobeTwin(name)) return false;
    return spec.always === true || ids(spec.events ?? []).some((id) => chosen.has(id));
  };
}

function hasKprobeTwin(name: string): boolean {
  const events = PROGRAMS[name]?.events ?? [];
  return Object.entries(PROGRAMS).some(([n, s]) => n !== name && s.way === "kprobe" && (s.events ?? []).some((e) => events.includes(e)));
}
