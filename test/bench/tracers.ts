// The tracers the benchmark compares, each started the way its users run it to watch every openat of the host and
// write one line per event to a file, with how to tell it is attached and how to count the workload's events in
// what it wrote.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { hooked } from "./procfs.ts";

export interface Running {
  proc: Subprocess;
  /** File the tracer writes its events to (null when it keeps them in the kernel). */
  out: string | null;
  /** Whether it is ready to see the workload. */
  ready(): boolean;
}

export interface Tracer {
  /** Row label. */
  name: string;
  /** "tracee" rows run the executable under test; peers are other tools. */
  kind: "tracee" | "peer";
  /** Why it cannot run here, or null. */
  missing(): string | null;
  start(dir: string, tracee: string): Running;
  /** Events of the workload process `pid` (comm `comm`, loop path `path`) in the tracer's output. */
  captured(out: string, stderr: string, pid: number, comm: string, path: string): number;
  /** Events the tracer reported lost, or null when it cannot lose any. */
  lost(out: string, stderr: string): number | null;
  /** False when its output does not show file paths (the benchmark then cannot look for its marker file). */
  showsPaths?: boolean;
  /** Events the tracer handled in all (its own statistics), when it reports them. */
  processed?(stderr: string): number | null;
}

const which = (bin: string) => ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin"].map((d) => join(d, bin)).find(existsSync) ?? null;
const sumAll = (re: RegExp, text: string) => [...text.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);

/** Counts lines of `text` for which `keep` is true, without splitting the whole text at once. */
export function countLines(text: string, keep: (line: string) => boolean): number {
  let n = 0, at = 0;
  while (at < text.length) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    if (keep(text.slice(at, end))) n++;
    at = end + 1;
  }
  return n;
}

function spawnTracee(dir: string, tracee: string, args: string[]): Running {
  const out = join(dir, "events.out");
  const proc = Bun.spawn([tracee, ...args, "--output", `out-file:${out}`, "--capture", `dir:${dir}`], { stdout: "ignore", stderr: "pipe" });
  return { proc, out, ready: () => existsSync(join(dir, "out/tracee.pid")) };
}

const traceeStats = (stderr: string, key: string) => {
  const m = new RegExp(`${key}"?:(\\d+)`).exec(stderr);
  return m ? Number(m[1]) : NaN;
};

export const traceeJson: Tracer = {
  name: "tracee json, openat host-wide",
  kind: "tracee",
  missing: () => null,
  start: (dir, tracee) => spawnTracee(dir, tracee, ["--trace", "event=openat", "--output", "json"]),
  captured: (out, _e, pid, _c, path) => countLines(out, (l) => l.includes(`"hostProcessId":${pid},`) && l.includes(`"value":"${path}"`)),
  lost: (_o, stderr) => traceeStats(stderr, "LostEvCount"),
  processed: (stderr) => traceeStats(stderr, "EventCount"),
};

export const traceeTable: Tracer = {
  name: "tracee table, openat host-wide",
  kind: "tracee",
  missing: () => null,
  start: (dir, tracee) => spawnTracee(dir, tracee, ["--trace", "event=openat", "--output", "table"]),
  captured: (out, _e, pid, _c, path) => countLines(out, (l) => {
    const f = l.split(/\s+/, 6);
    return f[3] === String(pid) && l.includes(` openat `) && l.includes(`pathname: ${path},`);
  }),
  lost: (_o, stderr) => traceeStats(stderr, "LostEvCount"),
  processed: (stderr) => traceeStats(stderr, "EventCount"),
};

export const traceeFiltered: Tracer = {
  name: "tracee, filtered out in the kernel (comm=other)",
  kind: "tracee",
  showsPaths: false,
  missing: () => null,
  start: (dir, tracee) => spawnTracee(dir, tracee, ["--trace", "event=openat", "--trace", "comm=other", "--output", "json"]),
  captured: () => 0,
  lost: (_o, stderr) => traceeStats(stderr, "LostEvCount"),
  processed: (stderr) => traceeStats(stderr, "EventCount"),
};

/** bpftrace, printf of each event from the openat tracepoint (the usual one-liner, with the pid for counting). */
export const bpftracePrintf: Tracer = {
  name: "bpftrace, printf per event",
  kind: "peer",
  missing: () => (which("bpftrace") ? null : "bpftrace is not installed (Debian package bpftrace)"),
  start(dir) {
    const out = join(dir, "bpftrace.out");
    const proc = Bun.spawn([which("bpftrace")!, "-o", out, "-e",
      'tracepoint:syscalls:sys_enter_openat { printf("%d %s %s\\n", pid, comm, str(args->filename)); }'],
    { stdout: "ignore", stderr: "pipe" });
    return { proc, out, ready: () => hooked(proc.pid) };
  },
  captured: (out, _e, pid, _c, path) => countLines(out, (l) => l.startsWith(`${pid} `) && l.endsWith(` ${path}`)),
  lost: (out, stderr) => sumAll(/Lost (\d+) events/g, out + stderr),
};

/** bpftrace counting per pid in the kernel: no per-event output at all (the floor for any tracer). */
export const bpftraceCount: Tracer = {
  name: "bpftrace, count in the kernel only",
  kind: "peer",
  showsPaths: false,
  missing: () => (which("bpftrace") ? null : "bpftrace is not installed (Debian package bpftrace)"),
  start(dir) {
    const out = join(dir, "bpftrace.out");
    const proc = Bun.spawn([which("bpftrace")!, "-o", out, "-e", "tracepoint:syscalls:sys_enter_openat { @[pid] = count(); }"],
      { stdout: "ignore", stderr: "pipe" });
    return { proc, out, ready: () => hooked(proc.pid) };
  },
  captured: (out, _e, pid) => Number(new RegExp(`@\\[${pid}\\]: (\\d+)`).exec(out)?.[1] ?? 0),
  lost: () => null,
};

/** opensnoop from libbpf-tools (C, libbpf, perf buffer), its normal output redirected to a file. */
export const opensnoop: Tracer = {
  name: "opensnoop (libbpf-tools, C)",
  kind: "peer",
  missing: () => (which("opensnoop") ? null : "opensnoop is not installed (Debian package libbpf-tools)"),
  start(dir) {
    const out = join(dir, "opensnoop.out");
    const proc = Bun.spawn([which("opensnoop")!], { stdout: Bun.file(out), stderr: "pipe" });
    return { proc, out, ready: () => hooked(proc.pid) };
  },
  captured: (out, _e, pid, _c, path) => countLines(out, (l) => l.startsWith(`${pid} `) && l.endsWith(` ${path}`)),
  lost: (out, stderr) => sumAll(/[Ll]ost (\d+) events/g, out + stderr),
};

/** perf trace (no BPF augmentation here, so file names show as pointers: counted by pid). */
export const perfTrace: Tracer = {
  name: "perf trace -a",
  kind: "peer",
  showsPaths: false,
  missing: () => (which("perf") ? null : "perf is not installed (Debian package linux-perf)"),
  start(dir) {
    const out = join(dir, "perf-trace.out");
    const proc = Bun.spawn([which("perf")!, "trace", "-a", "-e", "openat", "-o", out], { stdout: "ignore", stderr: "pipe" });
    return { proc, out, ready: () => hooked(proc.pid) };
  },
  // perf trace prints comm (cut to 14 characters) "/" tid before the call
  captured: (out, _e, pid) => countLines(out, (l) => l.includes(`/${pid} openat(`)),
  lost: (out, stderr) => sumAll(/LOST (\d+) events/g, out + stderr),
};

export const PEERS = [bpftracePrintf, bpftraceCount, opensnoop, perfTrace];
export const TRACEE = [traceeJson, traceeTable, traceeFiltered];
