// The command line's flags, defined once for parsing, --help, the man page and completions.
import type { ArgsDef } from "citty";

export const ARGS = {
  list: { type: "boolean", alias: ["l"], description: "Print the traceable events and exit" },
  trace: { type: "string", alias: ["t"], description: "Select events and processes to trace (repeatable; see --trace help)", valueHint: "EXPR" },
  capture: { type: "string", alias: ["c"], description: "Capture artifacts: written files, executed binaries, memory (repeatable; see --capture help)", valueHint: "OPT" },
  output: { type: "string", alias: ["o"], description: "Choose the output format, destination and options (repeatable; see --output help)", valueHint: "OPT" },
  follow: { type: "boolean", description: "Also trace the descendants of matching processes (same as --trace follow)" },
  "perf-buffer-size": { type: "string", alias: ["b"], description: "Set the per-CPU event ring size in pages, a power of 2", default: "1024", valueHint: "PAGES" },
  "blob-perf-buffer-size": { type: "string", description: "Set the per-CPU capture ring size in pages, a power of 2", default: "1024", valueHint: "PAGES" },
  "install-path": { type: "string", description: "Look up and install the eBPF object, and keep its minimal BTF, in this folder", default: "/tmp/tracee", valueHint: "DIR" },
  "build-policy": { type: "string", description: "Build the eBPF object before tracing: never, if-needed or always", default: "if-needed", valueHint: "POLICY" },
  "build-bpf": { type: "boolean", description: "Build the eBPF object with the host's clang, install it in --install-path, print its path and exit (no privileges needed)" },
  "btf-file": { type: "string", description: "Use this BTF file for CO-RE on kernels without /sys/kernel/btf/vmlinux", valueHint: "FILE" },
  debug: { type: "boolean", description: "Print progress and libbpf messages to stderr" },
  version: { type: "boolean", alias: ["v"], description: "Print the version and exit (with --debug: libbpf, Bun, kernel and eBPF object too)" },
  help: { type: "boolean", alias: ["h"], description: "Show this help and exit" },
} as const satisfies ArgsDef;

/** Flags that may be given more than once; their values accumulate in order. */
export const REPEATABLE = new Set(["trace", "capture", "output"]);

export const EXAMPLES = `EXAMPLES
  tracee                                          trace the default events of every process, as a table
  tracee --output json                            one JSON object per event
  tracee --trace event:openat --trace comm=ls     only openat calls made by ls
  tracee --trace uid=1000 --trace pid=1234        events of uid 1000 from pid 1234
  tracee --trace command=zsh --follow             zsh and every process it starts
  tracee --trace container=new                    processes of containers started after tracee
  tracee --output out-file:/tmp/events.txt        write events to a file
  tracee --capture write=/etc/* --output none     capture files written under /etc
  tracee --list                                   show every event, its sets and arguments
  tracee --build-bpf --install-path ~/tracee      compile the eBPF object as an ordinary user`;
