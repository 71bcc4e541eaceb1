// Program selection: which way each kernel-function event takes for a given kernel, what is loaded for the
// chosen events, and the reasons reported for events no way can produce; plus the kernel probes themselves.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { EVENT_BY_NAME, EVENTS } from "../../src/events/schema.ts";
import { btfNames } from "../../src/tracer/btf-names.ts";
import { readSymbols, type Hook, type KernelFeatures } from "../../src/tracer/kernel-probe.ts";
import {
  PROGRAMS, RAW_SYSCALLS, SYSCALL_TRACEPOINTS_MAX, attachTargets, selectPrograms, syscallWay, unavailableEvents,
} from "../../src/tracer/programs.ts";

const ids = (...names: string[]) => new Set(names.map((n) => EVENT_BY_NAME.get(n)!.id));
/** A kernel where every hook exists except those listed. */
const kernel = (o: { kprobes: boolean; tracefs?: string | null; missing?: string[] }): KernelFeatures => ({
  kprobes: o.kprobes,
  tracefs: o.tracefs === undefined ? "/sys/kernel/tracing" : o.tracefs,
  has: (h: Hook) => !(o.missing ?? []).some((m) => h.endsWith(m)),
});
const loaded = (s: ReturnType<typeof selectPrograms>) => [...s.load].filter((n) => !PROGRAMS[n].always).sort();

describe("choosing the way in", () => {
  test("a kernel with kprobes takes the kprobe way and loads only the chosen events' programs", () => {
    const s = selectPrograms(ids("security_file_open", "cap_capable"), kernel({ kprobes: true }));
    expect(Object.fromEntries(s.ways)).toEqual({ security_file_open: "kprobe", cap_capable: "kprobe" });
    expect(loaded(s)).toEqual(["kprobe__cap_capable", "kprobe__security_file_open"]);
    expect(s.unavailable.size).toBe(0);
  });

  test("without kprobes the same events take the tracepoint way", () => {
    const s = selectPrograms(ids("security_file_open", "cap_capable"), kernel({ kprobes: false }));
    expect(Object.fromEntries(s.ways)).toEqual({ security_file_open: "tracepoint", cap_capable: "tracepoint" });
    expect(loaded(s)).toEqual(["tracepoint__capability__cap_capable", "tracepoint__syscalls__security_file_open"]);
  });

  test("a kprobe whose function is missing sends its event (only it) to the tracepoint way", () => {
    const s = selectPrograms(ids("do_exit", "commit_creds"), kernel({ kprobes: true, missing: ["kprobe:commit_creds"] }));
    expect(Object.fromEntries(s.ways)).toEqual({ do_exit: "kprobe", commit_creds: "tracepoint" });
    expect(loaded(s)).toEqual(["kprobe__do_exit", "tracepoint__syscalls__commit_creds_enter", "tracepoint__syscalls__commit_creds_exit"]);
  });

  test("events sharing a tracepoint program take one way together, so nothing is sent twice", () => {
    // vfs_writev's function inlined away: vfs_write could use its kprobe, but the tracepoint program that
    // serves vfs_writev also emits vfs_write, so the whole group goes the tracepoint way
    const s = selectPrograms(ids("vfs_write", "vfs_writev"), kernel({ kprobes: true, missing: ["kprobe:vfs_writev"] }));
    expect(Object.fromEntries(s.ways)).toEqual({ vfs_write: "tracepoint", vfs_writev: "tracepoint" });
    expect(loaded(s)).toEqual(["tracepoint__syscalls__vfs_write"]);
  });

  test("magic_write alone loads the write programs of its way", () => {
    expect(loaded(selectPrograms(ids("magic_write"), kernel({ kprobes: true })))).toEqual([
      "kprobe__vfs_write", "kprobe__vfs_writev", "kretprobe__vfs_write", "kretprobe__vfs_writev",
    ]);
    expect(loaded(selectPrograms(ids("magic_write"), kernel({ kprobes: false })))).toEqual(["tracepoint__syscalls__vfs_write"]);
  });

  test("an event no way can produce is unavailable, with both reasons", () => {
    const s = selectPrograms(ids("security_kernel_read_file"),
      kernel({ kprobes: false, missing: ["sys_exit_finit_module", "sys_exit_kexec_file_load"] }));
    expect(s.load.has("tracepoint__syscalls__security_kernel_read_file")).toBe(false);
    expect(s.unavailable.get("security_kernel_read_file")).toBe(
      "kprobe way: kprobes cannot attach (no kprobe PMU: the kernel is built without CONFIG_KPROBES); " +
      "tracepoint way: the syscalls it derives from (finit_module, kexec_file_load) are not built into this kernel");
  });

  test("classic tracepoints without tracefs are unavailable with the mount command as the fix", () => {
    const s = selectPrograms(ids("socket_dup"), kernel({ kprobes: false, tracefs: null }));
    expect(s.unavailable.get("socket_dup")).toBe("tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
  });

  test("a missing raw tracepoint makes its single-way event unavailable", () => {
    const s = selectPrograms(ids("sched_switch"), kernel({ kprobes: false, missing: ["raw:sched/sched_switch"] }));
    expect(s.unavailable.get("sched_switch")).toBe("tracepoint sched/sched_switch is missing (kernel too old for it)");
  });

  test("events with no program of their own (syscalls, user-space events) are never unavailable", () => {
    const s = selectPrograms(ids("openat", "init_namespaces", "sys_enter"), kernel({ kprobes: false, tracefs: null }));
    expect(s.unavailable.size).toBe(0);
    expect(loaded(s)).toEqual([]);
  });

  test("a multi-syscall tracepoint program attaches to the tracepoints that exist, by name", () => {
    const k = kernel({ kprobes: false, missing: ["sys_exit_open_by_handle_at"] });
    expect(attachTargets("tracepoint__syscalls__security_file_open", k)).toEqual(
      ["openat", "open", "openat2", "creat"].map((n) => ({ category: "syscalls", name: `sys_exit_${n}` })));
    expect(attachTargets("kprobe__security_file_open", k)).toBeNull();
  });

  test("every program that serves an event names schema events and its hooks", () => {
    for (const [name, s] of Object.entries(PROGRAMS)) {
      for (const e of s.events ?? []) expect({ name, e, known: EVENT_BY_NAME.has(e) }).toEqual({ name, e, known: true });
      // tail-call targets are never attached, so they have no hook
      if (!s.always && !s.helper) expect({ name, hooks: (s.hooks ?? []).length > 0 }).toEqual({ name, hooks: true });
    }
  });

  test("on a kernel with every hook, every event is available", () => {
    expect(unavailableEvents(kernel({ kprobes: true }))).toEqual({});
    expect(EVENTS.length).toBeGreaterThan(400);
  });
});

describe("the way syscall events come in", () => {
  const syscallPrograms = (s: ReturnType<typeof selectPrograms>) => [...s.load].filter((n) => PROGRAMS[n].syscalls).sort();

  test("a few chosen syscalls take their own tracepoints; the raw programs stay unloaded", () => {
    const way = syscallWay(ids("openat", "execve", "close"), kernel({ kprobes: false }));
    expect(way).toEqual({ way: "tracepoint", syscalls: ["close", "execve", "openat"].sort((a, b) => EVENT_BY_NAME.get(a)!.id - EVENT_BY_NAME.get(b)!.id) });
    const s = selectPrograms(ids("openat", "execve", "close"), kernel({ kprobes: false }), {}, undefined, way);
    expect(syscallPrograms(s)).toEqual(["tracepoint__syscalls__sys_enter", "tracepoint__syscalls__sys_exit"]);
    expect(attachTargets("tracepoint__syscalls__sys_enter", kernel({ kprobes: false }), way)!.map((t) => `${t.category}:${t.name}`))
      .toEqual(["syscalls:sys_enter_close", "syscalls:sys_enter_execve", "syscalls:sys_enter_openat"]);
    expect(attachTargets("tracepoint__syscalls__sys_exit", kernel({ kprobes: false }), way)!.map((t) => t.name))
      .toEqual(["sys_exit_close", "sys_exit_execve", "sys_exit_openat"]);
  });

  test("no syscall chosen: the tracepoint way with nothing attached, so syscalls run no BPF", () => {
    const way = syscallWay(ids("sched_process_exec"), kernel({ kprobes: false }));
    expect(way).toEqual({ way: "tracepoint", syscalls: [] });
    expect(attachTargets("tracepoint__syscalls__sys_exit", kernel({ kprobes: false }), way)).toEqual([]);
    expect(syscallPrograms(selectPrograms(ids("sched_process_exec"), kernel({ kprobes: false }), {}, undefined, way))).toEqual([]);
  });

  test("syscalls that never return send no syscall event and are not attached", () => {
    expect(syscallWay(ids("exit_group", "openat"), kernel({ kprobes: false }))).toEqual({ way: "tracepoint", syscalls: ["openat"] });
  });

  test("the raw way: sys_enter or sys_exit printed, too many syscalls, no tracefs, or a syscall without its tracepoints", () => {
    const k = kernel({ kprobes: false });
    expect(syscallWay(ids("sys_enter", "openat"), k)).toEqual(RAW_SYSCALLS);
    expect(syscallWay(ids("sys_exit"), k)).toEqual(RAW_SYSCALLS);
    const many = EVENTS.filter((e) => e.hook.kind === "syscall" && !["exit", "exit_group", "rt_sigreturn"].includes(e.name)).slice(0, SYSCALL_TRACEPOINTS_MAX + 1);
    expect(syscallWay(new Set(many.map((e) => e.id)), k)).toEqual(RAW_SYSCALLS);
    expect(syscallWay(new Set(many.slice(0, SYSCALL_TRACEPOINTS_MAX).map((e) => e.id)), k).way).toBe("tracepoint");
    expect(syscallWay(ids("openat"), kernel({ kprobes: false, tracefs: null }))).toEqual(RAW_SYSCALLS);
    expect(syscallWay(ids("openat"), { ...kernel({ kprobes: false }), tracefsReadable: false })).toEqual(RAW_SYSCALLS);
    expect(syscallWay(ids("openat", "close"), kernel({ kprobes: false, missing: ["tp:syscalls/sys_exit_close"] }))).toEqual(RAW_SYSCALLS);
    const s = selectPrograms(ids("openat"), k, {}, undefined, RAW_SYSCALLS);
    expect(syscallPrograms(s)).toEqual(["tracepoint__raw_syscalls__sys_enter", "tracepoint__raw_syscalls__sys_exit"]);
  });
});

describe("probing the kernel", () => {
  test("kallsyms: a weak syscall entry is told apart from an implemented one", () => {
    const text = [
      "ffffffff8139af20 W __x64_sys_finit_module",
      "ffffffff816d2730 T __x64_sys_openat",
      "ffffffff814c27c0 t ftrace_syscall_enter",
      "ffffffff81000000 T do_exit\t[somemod]",
    ].join("\n");
    const syms = readSymbols(new Set(["__x64_sys_finit_module", "__x64_sys_openat", "ftrace_syscall_enter", "nope"]), text);
    expect(Object.fromEntries(syms)).toEqual({ __x64_sys_finit_module: "W", __x64_sys_openat: "T", ftrace_syscall_enter: "t" });
  });

  test("BTF: functions and tracepoint typedefs of this kernel are found, absent names are not", () => {
    if (!existsSync("/sys/kernel/btf/vmlinux")) throw new Error("this test reads the kernel's BTF: /sys/kernel/btf/vmlinux is missing");
    const r = btfNames(["do_exit", "security_file_open", "btf_trace_sched_switch", "no_such_function_tracee"]);
    expect([...r.funcs].sort()).toEqual(["do_exit", "security_file_open"]);
    expect([...r.typedefs]).toEqual(["btf_trace_sched_switch"]);
  });

  test("BTF: a blob that is not BTF yields nothing instead of throwing", () => {
    expect(btfNames(["do_exit"], new Uint8Array(64))).toEqual({ funcs: new Set(), typedefs: new Set() });
  });
});
