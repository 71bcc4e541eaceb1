// What the running kernel offers to attach to: kprobes (and which functions), raw tracepoints and classic
// tracepoints; read from the kernel's BTF, /proc/mounts, tracefs and (without root) /proc/kallsyms.
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { btfNames } from "./btf-names.ts";

/** One attach point: `kprobe:FN`, `raw:CATEGORY/NAME` (raw tracepoint) or `tp:CATEGORY/NAME`. */
export type Hook = `kprobe:${string}` | `raw:${string}/${string}` | `tp:${string}/${string}`;

export interface KernelFeatures {
  /** kprobe programs can attach (the kprobe PMU exists). */
  kprobes: boolean;
  /** Where tracefs is mounted (libbpf attaches classic tracepoints through it), or null. */
  tracefs: string | null;
  /** Whether tracefs's events can be read here (libbpf reads a tracepoint's id there to attach); false for a user
   * with CAP_BPF and CAP_PERFMON but not root. Undefined: not probed (taken as readable). */
  tracefsReadable?: boolean;
  /** Whether the hook exists on this kernel; undefined when it cannot be told. */
  has(hook: Hook): boolean | undefined;
}

const KALLSYMS = "/proc/kallsyms";
// libbpf looks for tracepoint ids under these two places, in this order.
const TRACEFS_PLACES = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];

/** kallsyms names that tell whether a syscall's tracepoints exist: syscall tracing, and the syscall itself. */
function syscallSymbols(hook: Hook): string[] {
  const name = hook.slice(hook.indexOf("/") + 1).replace(/^sys_(enter|exit)_/, "");
  return ["ftrace_syscall_enter", `__x64_sys_${name}`];
}

/** Reads kallsyms once and keeps the type letter (`T`, `t`, `W` ...) of the names asked for. */
export function readSymbols(names: Set<string>, text?: string): Map<string, string> {
  const out = new Map<string, string>();
  if (names.size === 0) return out;
  let src = text;
  if (src === undefined) {
    try {
      src = readFileSync(KALLSYMS, "latin1");
    } catch {
      return out;
    }
  }
  const alt = [...names].map((n) => n.replace(/[^A-Za-z0-9_.]/g, "")).join("|");
  for (const m of src.matchAll(new RegExp(`^[0-9a-f]+ (\\w) (${alt})$`, "gm"))) out.set(m[2], m[1]);
  return out;
}

function findTracefs(): string | null {
  let mounts = "";
  try {
    mounts = readFileSync("/proc/mounts", "utf8");
  } catch {
    return null;
  }
  const points = new Set(mounts.split("\n").map((l) => l.split(" ")).filter((f) => f[2] === "tracefs" || f[2] === "debugfs")
    .map((f) => (f[2] === "debugfs" ? f[1] + "/tracing" : f[1])));
  return TRACEFS_PLACES.find((p) => points.has(p)) ?? null;
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Probes the hooks given, lazily (only what is asked is read). Tracepoints are checked in tracefs when it
 * is readable (root). Otherwise kernel functions and raw tracepoints are looked up in the kernel's BTF (FUNC
 * records, `btf_trace_<name>` typedefs; readable without privileges), and syscall tracepoints in kallsyms,
 * where a weak `W` entry of a syscall is the "not implemented" stub, not the syscall.
 */
export function probeKernel(hooks: Iterable<Hook>, o: { btf?: Uint8Array; btfPath?: string; kallsyms?: string } = {}): KernelFeatures {
  const list = [...hooks];
  const what = (h: Hook) => h.slice(h.indexOf(":") + 1);
  const tracefs = findTracefs();
  const tracefsReadable = tracefs !== null && readable(tracefs + "/events");
  let btf: { funcs: Set<string>; typedefs: Set<string>; read: boolean } | null = null;
  const fromBtf = () => {
    if (btf) return btf;
    const wanted = list.flatMap((h) => (h.startsWith("kprobe:") ? [what(h)] : h.startsWith("raw:") ? [`btf_trace_${what(h).split("/")[1]}`] : []));
    const found = btfNames(wanted, o.btf, o.btfPath);
    return (btf = { ...found, read: found.funcs.size > 0 || found.typedefs.size > 0 });
  };
  let syms: Map<string, string> | null = null;
  const syscallTp = (hook: Hook): boolean | undefined => {
    syms ??= readSymbols(new Set(list.filter((h) => h.startsWith("tp:syscalls/")).flatMap(syscallSymbols)), o.kallsyms);
    if (syms.size === 0) return undefined; // kallsyms unreadable: cannot tell
    const [tracing, entry] = syscallSymbols(hook);
    return syms.has(tracing) && syms.get(entry) === "T";
  };
  return {
    kprobes: existsSync("/sys/bus/event_source/devices/kprobe"),
    tracefs,
    tracefsReadable,
    has(hook) {
      if (hook.startsWith("kprobe:")) {
        const b = fromBtf();
        return b.read ? b.funcs.has(what(hook)) : undefined;
      }
      if (tracefsReadable) return existsSync(`${tracefs}/events/${what(hook)}`);
      if (hook.startsWith("raw:")) {
        const b = fromBtf();
        return b.read ? b.typedefs.has(`btf_trace_${what(hook).split("/")[1]}`) : undefined;
      }
      return hook.startsWith("tp:syscalls/") ? syscallTp(hook) : undefined;
    },
  };
}
