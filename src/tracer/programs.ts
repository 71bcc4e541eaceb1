// Which BPF programs to load for the chosen events, and which way (kprobe or tracepoint) each kernel-function
// event takes on this kernel: probe, then disable, then load. Events nobody can produce here are reported.
import { kernelRelease } from "../bpf-object/names.ts";
import { EVENTS, NEVER_RETURN, SYS_ENTER, SYS_EXIT } from "../events/schema.ts";
import { probeKernel, type Hook, type KernelFeatures } from "./kernel-probe.ts";
import { kernelAtLeast as preflightAtLeast } from "./preflight.ts";

export type Way = "kprobe" | "tracepoint";

export interface ProgramSpec {
  /** Loaded whenever tracing runs (bookkeeping). */
  always?: boolean;
  /** Loaded when any of these events is chosen (printed or essential) and this program's way is taken. */
  events?: string[];
  /** Kernel-function events have two ways in; the one the kernel supports is chosen at start-up. */
  way?: Way;
  /**
   * Where the program attaches. kprobe and raw tracepoint programs attach by their section (one hook);
   * classic tracepoint programs are attached to each listed tracepoint that exists (one program, verified
   * once, serves several syscalls), and are usable when at least one exists.
   */
  hooks?: Hook[];
  /**
   * A --capture program: loaded exactly when that capture is on (its way still chosen by probing). It also sends
   * the vfs_write/vfs_writev (write) or mem_prot_alert (mem) events, so that while it runs the event-only
   * programs of those events stay unloaded and nothing is sent twice.
   */
  capture?: "write" | "mem";
  /** Oldest kernel ("major.minor") whose verifier knows every helper the program calls. */
  minKernel?: string;
  /** A tail-call target of other programs: loaded along with them, never attached. */
  helper?: boolean;
  /** Carries the syscall events in this way (see syscallWay): loaded only when that way is taken. */
  syscalls?: SyscallWay["way"];
}

/**
 * How syscall events come in. The raw way (raw_syscalls:sys_enter/sys_exit) runs BPF on every syscall of the host;
 * the tracepoint way attaches the same work to the chosen syscalls' own tracepoints (syscalls:sys_enter_NAME and
 * sys_exit_NAME), so that the host's other syscalls run no BPF at all.
 */
export type SyscallWay = { way: "raw" } | { way: "tracepoint"; syscalls: string[] };
export const RAW_SYSCALLS: SyscallWay = { way: "raw" };
/**
 * Chosen syscalls beyond which the raw way is taken. Attaching is cheap (16 syscalls, 32 tracepoints: about 1 ms more
 * than the raw way here), but each event then also pays the kernel's copy into a trace record, and with many syscalls
 * chosen most of the host's syscalls run BPF either way.
 */
export const SYSCALL_TRACEPOINTS_MAX = 16;

/**
 * The way for the printed events: the tracepoint way when neither sys_enter nor sys_exit is printed (only the raw
 * way sends them) and at most SYSCALL_TRACEPOINTS_MAX syscalls are, each with both tracepoints in a tracefs this
 * process can read (attaching needs their ids from there; the raw way does not).
 */
export function syscallWay(printed: ReadonlySet<number>, k: KernelFeatures): SyscallWay {
  if (printed.has(SYS_ENTER) || printed.has(SYS_EXIT) || k.tracefs === null || k.tracefsReadable === false) return RAW_SYSCALLS;
  const never: readonly string[] = NEVER_RETURN; // they send no syscall event, only sys_enter
  const names = EVENTS.filter((e) => e.hook.kind === "syscall" && printed.has(e.id) && !never.includes(e.name)).map((e) => e.name);
  if (names.length > SYSCALL_TRACEPOINTS_MAX) return RAW_SYSCALLS;
  for (const n of names) if (k.has(`tp:syscalls/sys_enter_${n}`) !== true || k.has(`tp:syscalls/sys_exit_${n}`) !== true) return RAW_SYSCALLS;
  return { way: "tracepoint", syscalls: names };
}

const sys = (dir: "enter" | "exit", ...names: string[]): Hook[] => names.map((n) => `tp:syscalls/sys_${dir}_${n}` as Hook);
const CRED_SYSCALLS = [
  "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid", "capset", "prctl",
  "execve", "execveat", "unshare", "setns",
];
const SOCKET_EVENTS = [
  "security_socket_create", "security_socket_listen", "security_socket_connect", "security_socket_accept",
  "security_socket_bind",
];
const kp = (fn: string, events: string[]): ProgramSpec => ({ way: "kprobe", events, hooks: [`kprobe:${fn}`] });
const tp = (events: string[], hooks: Hook[]): ProgramSpec => ({ way: "tracepoint", events, hooks });
const cap = (capture: "write" | "mem", way: Way | undefined, hooks: Hook[], minKernel?: string): ProgramSpec =>
  ({ capture, hooks, ...(way ? { way } : {}), ...(minKernel ? { minKernel } : {}) });

/** Whether kernel release `rel` ("6.18.44-...") is at least `min` ("5.17"); unknown releases pass. */
export function kernelAtLeast(rel: string | undefined, min: string): boolean {
  const [maj, mnr] = min.split(".").map(Number);
  return !/^\d+\.\d+/.test(rel ?? "") || preflightAtLeast(rel!, maj, mnr);
}

/** Every program of bpf/tracee.bpf.c by name. A program missing here is loaded unconditionally (and logged). */
export const PROGRAMS: Record<string, ProgramSpec> = {
  tracepoint__raw_syscalls__sys_enter: { always: true, syscalls: "raw" },
  tracepoint__raw_syscalls__sys_exit: { always: true, syscalls: "raw" },
  tracepoint__syscalls__sys_enter: { always: true, syscalls: "tracepoint" },
  tracepoint__syscalls__sys_exit: { always: true, syscalls: "tracepoint" },
  tracepoint__sched__sched_process_fork: { always: true },
  tracepoint__sched__sched_process_exec: { always: true },
  tracepoint__sched__sched_process_exit: { always: true },
  tracepoint__cgroup__cgroup_mkdir: { events: ["cgroup_mkdir"], hooks: ["raw:cgroup/cgroup_mkdir"] },
  tracepoint__cgroup__cgroup_rmdir: { events: ["cgroup_rmdir"], hooks: ["raw:cgroup/cgroup_rmdir"] },
  tracepoint__cgroup__cgroup_attach_task: { events: ["cgroup_attach_task"], hooks: ["raw:cgroup/cgroup_attach_task"] },

  // --capture (bpf/capture.bpf.h): the write family's syscall exits read their arguments with bpf_task_pt_regs
  tracepoint__syscalls__sys_exit_write: cap("write", "tracepoint", ["tp:syscalls/sys_exit_write"], "5.15"),
  tracepoint__syscalls__sys_exit_pwrite64: cap("write", "tracepoint", ["tp:syscalls/sys_exit_pwrite64"], "5.15"),
  tracepoint__syscalls__sys_exit_writev: cap("write", "tracepoint", ["tp:syscalls/sys_exit_writev"], "5.15"),
  tracepoint__syscalls__sys_exit_pwritev: cap("write", "tracepoint", ["tp:syscalls/sys_exit_pwritev"], "5.15"),
  tracepoint__syscalls__sys_exit_pwritev2: cap("write", "tracepoint", ["tp:syscalls/sys_exit_pwritev2"], "5.15"),
  kprobe__capture_vfs_write: cap("write", "kprobe", ["kprobe:vfs_write"]),
  kretprobe__capture_vfs_write: cap("write", "kprobe", ["kprobe:vfs_write"]),
  // static since 4.19: kernels that inline it have no vfs_writev to probe
  kprobe__capture_vfs_writev: cap("write", "kprobe", ["kprobe:vfs_writev"]),
  kretprobe__capture_vfs_writev: cap("write", "kprobe", ["kprobe:vfs_writev"]),
  // the previous protection of a VMA comes from bpf_find_vma (5.17)
  tracepoint__syscalls__sys_enter_mprotect: cap("mem", undefined, ["tp:syscalls/sys_enter_mprotect"], "5.17"),
  tracepoint__syscalls__sys_enter_pkey_mprotect: cap("mem", undefined, ["tp:syscalls/sys_enter_pkey_mprotect"], "5.17"),
  tracepoint__syscalls__sys_exit_mmap: cap("mem", undefined, ["tp:syscalls/sys_exit_mmap"], "5.15"),
  // tail-call targets: the chunk senders of the two ways
  capture__send_tp: { helper: true, way: "tracepoint" },
  capture__send_kp: { helper: true, way: "kprobe" },

  // events with a single way in
  tracepoint__sched__sched_switch: { events: ["sched_switch"], hooks: ["raw:sched/sched_switch"] },
  tracepoint__syscalls__socket_dup: { events: ["socket_dup"], hooks: sys("exit", "dup", "dup2", "dup3") },

  // kernel-function events: the kprobe way ...
  kprobe__do_exit: kp("do_exit", ["do_exit"]),
  kprobe__cap_capable: kp("cap_capable", ["cap_capable"]),
  kprobe__vfs_write: kp("vfs_write", ["vfs_write", "magic_write"]),
  kretprobe__vfs_write: kp("vfs_write", ["vfs_write", "magic_write"]),
  kprobe__vfs_writev: kp("vfs_writev", ["vfs_writev", "magic_write"]),
  kretprobe__vfs_writev: kp("vfs_writev", ["vfs_writev", "magic_write"]),
  kprobe__security_mmap_file: kp("security_mmap_file", ["mem_prot_alert"]),
  kprobe__security_file_mprotect: kp("security_file_mprotect", ["mem_prot_alert"]),
  kprobe__commit_creds: kp("commit_creds", ["commit_creds"]),
  kprobe__switch_task_namespaces: kp("switch_task_namespaces", ["switch_task_ns"]),
  kprobe__security_bprm_check: kp("security_bprm_check", ["security_bprm_check"]),
  kprobe__security_file_open: kp("security_file_open", ["security_file_open"]),
  kprobe__security_inode_unlink: kp("security_inode_unlink", ["security_inode_unlink"]),
  kprobe__security_inode_mknod: kp("security_inode_mknod", ["security_inode_mknod"]),
  kprobe__security_socket_create: kp("security_socket_create", ["security_socket_create"]),
  kprobe__security_socket_listen: kp("security_socket_listen", ["security_socket_listen"]),
  kprobe__security_socket_connect: kp("security_socket_connect", ["security_socket_connect"]),
  kprobe__security_socket_accept: kp("security_socket_accept", ["security_socket_accept"]),
  kprobe__security_socket_bind: kp("security_socket_bind", ["security_socket_bind"]),
  kprobe__security_sb_mount: kp("security_sb_mount", ["security_sb_mount"]),
  kprobe__security_bpf: kp("security_bpf", ["security_bpf"]),
  kprobe__security_bpf_map: kp("security_bpf_map", ["security_bpf_map"]),
  kprobe__security_kernel_read_file: kp("security_kernel_read_file", ["security_kernel_read_file"]),
  kprobe__security_kernel_post_read_file: kp("security_kernel_post_read_file", ["security_kernel_post_read_file"]),

  // ... and the tracepoint way
  tracepoint__sched__do_exit: tp(["do_exit"], ["raw:sched/sched_process_exit"]),
  tracepoint__capability__cap_capable: tp(["cap_capable"], ["raw:capability/cap_capable"]),
  tracepoint__syscalls__vfs_write: tp(["vfs_write", "vfs_writev", "magic_write"],
    sys("exit", "write", "pwrite64", "writev", "pwritev", "pwritev2")),
  tracepoint__syscalls__mem_prot_alert_enter: tp(["mem_prot_alert"], sys("enter", "mprotect", "pkey_mprotect")),
  tracepoint__syscalls__mem_prot_alert_exit: tp(["mem_prot_alert"], sys("exit", "mprotect", "pkey_mprotect", "mmap")),
  tracepoint__syscalls__commit_creds_enter: tp(["commit_creds"], sys("enter", ...CRED_SYSCALLS)),
  tracepoint__syscalls__commit_creds_exit: tp(["commit_creds"], sys("exit", ...CRED_SYSCALLS)),
  tracepoint__syscalls__switch_task_ns_enter: tp(["switch_task_ns"], sys("enter", "setns", "unshare")),
  tracepoint__syscalls__switch_task_ns_exit: tp(["switch_task_ns"], sys("exit", "setns", "unshare")),
  tracepoint__sched__security_bprm_check: tp(["security_bprm_check"], ["raw:sched/sched_process_exec"]),
  tracepoint__syscalls__security_file_open: tp(["security_file_open"],
    sys("exit", "openat", "open", "openat2", "creat", "open_by_handle_at")),
  tracepoint__syscalls__security_inode_unlink: tp(["security_inode_unlink"], sys("exit", "unlinkat", "unlink")),
  tracepoint__syscalls__security_inode_mknod: tp(["security_inode_mknod"], sys("exit", "mknodat", "mknod")),
  tracepoint__syscalls__security_socket: tp(SOCKET_EVENTS,
    sys("exit", "socket", "socketpair", "bind", "listen", "connect", "accept", "accept4")),
  tracepoint__syscalls__security_sb_mount: tp(["security_sb_mount"], sys("enter", "mount")),
  tracepoint__syscalls__security_bpf: tp(["security_bpf"], sys("enter", "bpf")),
  tracepoint__syscalls__security_bpf_map: tp(["security_bpf_map"], sys("exit", "bpf")),
  tracepoint__syscalls__security_kernel_read_file: tp(["security_kernel_read_file", "security_kernel_post_read_file"],
    sys("exit", "finit_module", "kexec_file_load")),
};

/** Every hook a program of the table can use, for probing. */
export function allHooks(): Hook[] {
  return [...new Set(Object.values(PROGRAMS).flatMap((s) => s.hooks ?? []))];
}

/** Why a program cannot be used on this kernel, or null when it can. */
export function programProblem(name: string, k: KernelFeatures): string | null {
  const s = PROGRAMS[name];
  const hooks = s?.hooks ?? [];
  if (hooks.length === 0) return null;
  const kind = hooks[0].slice(0, hooks[0].indexOf(":"));
  if (kind === "kprobe" && !k.kprobes) return "kprobes cannot attach (no kprobe PMU: the kernel is built without CONFIG_KPROBES)";
  if (kind === "tp" && k.tracefs === null) return "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)";
  const known = hooks.map((h) => k.has(h));
  if (known.some((x) => x === true) || known.every((x) => x === undefined)) return null;
  const what = hooks.map((h) => h.slice(h.indexOf(":") + 1));
  if (kind === "kprobe") return `kernel function ${what[0]} is missing (renamed or inlined)`;
  if (kind === "raw") return `tracepoint ${what[0]} is missing (kernel too old for it)`;
  const names = what.map((w) => w.split("/")[1].replace(/^sys_(enter|exit)_/, ""));
  return `the syscalls it derives from (${[...new Set(names)].join(", ")}) are not built into this kernel`;
}

/** The tracepoints a classic-tracepoint program is attached to (those that exist), null to attach by section. */
export function attachTargets(name: string, k: KernelFeatures, syscalls: SyscallWay = RAW_SYSCALLS): { category: string; name: string }[] | null {
  if (PROGRAMS[name]?.syscalls === "tracepoint") {
    const dir = name.endsWith("sys_enter") ? "enter" : "exit";
    return (syscalls.way === "tracepoint" ? syscalls.syscalls : []).map((n) => ({ category: "syscalls", name: `sys_${dir}_${n}` }));
  }
  const hooks = PROGRAMS[name]?.hooks ?? [];
  if (!hooks.length || !hooks[0].startsWith("tp:")) return null;
  return hooks.filter((h) => k.has(h) !== false).map((h) => {
    const [category, tp] = h.slice(3).split("/");
    return { category, name: tp };
  });
}

export interface Selection {
  /** Programs to load. */
  load: Set<string>;
  /** The way each kernel-function event takes here. */
  ways: Map<string, Way>;
  /** Events that cannot be produced on this kernel, with the reason. */
  unavailable: Map<string, string>;
}

/**
 * Events whose way-specific programs overlap form one group, which takes a single way: a tracepoint program
 * that serves several events must not run beside the kprobes of one of them (each write would be sent twice).
 */
function wayGroups(): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  for (const s of Object.values(PROGRAMS)) {
    if (!s.way) continue;
    for (const e of s.events ?? []) if (!parent.has(e)) parent.set(e, e);
    const [first, ...rest] = s.events ?? [];
    for (const e of rest) parent.set(find(e), find(first));
  }
  const groups = new Map<string, string[]>();
  for (const e of parent.keys()) {
    const r = find(e);
    groups.set(r, [...(groups.get(r) ?? []), e]);
  }
  return [...groups.values()];
}

/** Decides which programs to load for `chosen` (event ids) on a kernel with features `k`. */
export function selectPrograms(chosen: Set<number>, k: KernelFeatures, capture: CaptureKinds = {}, release = osRelease(),
  syscalls: SyscallWay = RAW_SYSCALLS): Selection {
  const names = new Set(EVENTS.filter((e) => chosen.has(e.id)).map((e) => e.name));
  const load = new Set<string>();
  const ways = new Map<string, Way>();
  const unavailable = new Map<string, string>();
  const entries = Object.entries(PROGRAMS);
  const programsOf = (events: string[], way: Way | undefined) =>
    entries.filter(([, s]) => s.way === way && (s.events ?? []).some((e) => events.includes(e))).map(([n]) => n);

  const syscallsCome = syscalls.way === "raw" || syscalls.syscalls.length > 0; // else nothing to attach them to
  for (const [name, s] of entries) if (s.always && (!s.syscalls || (s.syscalls === syscalls.way && syscallsCome))) load.add(name);
  for (const group of wayGroups()) {
    const wanted = group.filter((e) => names.has(e));
    if (!wanted.length) continue;
    const problems: string[] = [];
    let taken: Way | null = null;
    for (const way of ["kprobe", "tracepoint"] as const) {
      const progs = programsOf(group, way);
      const bad = progs.map((p) => programProblem(p, k)).filter((x): x is string => x !== null);
      if (progs.length && !bad.length) {
        taken = way;
        for (const p of programsOf(wanted, way)) load.add(p);
        break;
      }
      problems.push(`${way} way: ${[...new Set(bad)].join("; ") || "none"}`);
    }
    for (const e of wanted) {
      if (taken) ways.set(e, taken);
      else unavailable.set(e, problems.join("; "));
    }
  }
  // single-way events (no `way`): their programs must all be usable
  for (const [name, s] of entries) {
    if (s.way || s.always) continue;
    const wanted = (s.events ?? []).filter((e) => names.has(e));
    if (!wanted.length) continue;
    const problem = programProblem(name, k);
    if (problem) for (const e of wanted) unavailable.set(e, problem);
    else load.add(name);
  }
  selectCapture(load, names, k, capture, release);
  return { load, ways, unavailable };
}

export interface CaptureKinds { write?: boolean; mem?: boolean }

/** The --capture programs, in the way this kernel supports, in place of the event-only programs they replace. */
function selectCapture(load: Set<string>, names: Set<string>, k: KernelFeatures, capture: CaptureKinds, release?: string): void {
  const usable = (n: string) => {
    const s = PROGRAMS[n];
    return programProblem(n, k) === null && (!s.minKernel || kernelAtLeast(release, s.minKernel));
  };
  for (const kind of ["write", "mem"] as const) {
    if (!capture[kind]) continue;
    const progs = Object.keys(PROGRAMS).filter((n) => PROGRAMS[n].capture === kind);
    const kprobes = progs.filter((n) => PROGRAMS[n].way === "kprobe");
    const taken = kprobes.length && kprobes.every(usable) ? kprobes : progs.filter((n) => PROGRAMS[n].way !== "kprobe" && usable(n));
    if (!taken.length) continue;
    for (const n of taken) load.add(n);
    load.add(taken === kprobes ? "capture__send_kp" : "capture__send_tp");
    // the capture programs send these events themselves: the event-only programs would send each one twice
    const replaced = kind === "write" ? ["vfs_write", "vfs_writev"] : ["mem_prot_alert"];
    for (const [n, s] of Object.entries(PROGRAMS)) {
      if (s.capture || s.helper || !s.events?.length) continue;
      const rest = s.events.filter((e) => !replaced.includes(e));
      if (s.events.some((e) => replaced.includes(e)) && !rest.some((e) => names.has(e))) load.delete(n);
    }
  }
}

function osRelease(): string | undefined {
  try {
    return kernelRelease();
  } catch {
    return undefined;
  }
}

/** Availability of every event on this kernel, for `--list`: event name -> reason it is unavailable. */
export function unavailableEvents(k: KernelFeatures = probeKernel(allHooks())): Record<string, string> {
  const all = new Set(EVENTS.map((e) => e.id));
  return Object.fromEntries(selectPrograms(all, k).unavailable);
}

/** Programs the table does not know are loaded anyway (a new program nobody registered). */
export function programSelector(sel: Selection): (name: string) => boolean {
  return (name) => !PROGRAMS[name] || sel.load.has(name);
}

export { probeKernel };
