// Seed inputs for the fuzzers: byte-exact records of every schema event (random but valid values, hostile strings
// among them), and valid command lines, --trace expressions, --output values and templates to mutate.
import { CONTEXT, EVENTS, LIMITS, type ArgTypeName, type EventDef } from "../../src/events/schema.ts";
import { concat, encodeSample, perfLost, perfRecord, perfSample, sockaddrInet, sockaddrInet6, sockaddrUnix, type EncodedValue } from "../helpers/encoder.ts";
import { EDGE_U32, Rng } from "./rand.ts";

const enc = new TextEncoder();
const HOSTILE = ["\n", "\r\n", "\x1b[2J\x1b[31m", "\x00", '"', "\\", "\u2028", "\u202e", "\t", "%s%n", "{{.}}", "é", "😀"];

/** A string that is sometimes ordinary, sometimes full of control bytes and invalid UTF-8, sometimes at the limit. */
function hostileString(r: Rng, max = LIMITS.strMax): string | Uint8Array {
  switch (r.int(5)) {
    case 0: return "/etc/" + "x".repeat(r.int(20));
    case 1: return Array.from({ length: 1 + r.int(6) }, () => r.pick(HOSTILE)).join("a");
    case 2: return r.bytes(r.int(64)); // invalid UTF-8 most of the time
    case 3: return "/" + "d/".repeat(Math.floor((max - 1) / 2)); // at the limit
    default: return Uint8Array.of(0xff, 0xfe, 0x0a, 0xc3, 0x28, 0xe2, 0x82, 0x0a, 0xed, 0xa0, 0x80);
  }
}

const asText = (v: string | Uint8Array) => (typeof v === "string" ? v : Buffer.from(v).toString("latin1"));

function u64(r: Rng): bigint | number {
  return r.pick<bigint | number>([0, 1, r.int(1 << 30), 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n, BigInt(r.int(2 ** 31)) << 20n]);
}

function valueOf(wire: ArgTypeName, r: Rng): EncodedValue {
  switch (wire) {
    case "int": return r.pick([0, -1, -100, 2 ** 31 - 1, -(2 ** 31), r.int(4096)]);
    case "uint": case "mode_t": case "dev_t": return r.pick(EDGE_U32);
    case "u16": return r.int(65536);
    case "long": case "ulong": case "off_t": case "size_t": case "pointer": case "u64": return u64(r);
    case "str": { const s = hostileString(r); return typeof s === "string" ? s : s; }
    case "bytes": return r.bytes(r.int(r.chance(0.1) ? LIMITS.bytesMax : 64));
    case "str_arr": return Array.from({ length: r.int(r.chance(0.1) ? LIMITS.strArrMax : 6) }, () => asText(hostileString(r, 64)));
    case "sockaddr": return r.pick([
      null, sockaddrUnix("/run/x.sock"), sockaddrUnix(Uint8Array.of(0, 0x61, 0x0a)), sockaddrInet(r.int(65536), "10.0.0.1"),
      sockaddrInet6(443, r.int(2 ** 31), Array.from({ length: 16 }, () => r.int(256)), r.int(8)), r.bytes(r.int(LIMITS.sockaddrMax)),
    ]);
    case "cred": return {
      Uid: r.pick(EDGE_U32), Gid: 0, Suid: 1, Sgid: 2, Euid: r.pick(EDGE_U32), Egid: 3, Fsuid: 4, Fsgid: 5, UserNamespace: r.int(2 ** 32),
      SecureBits: 0, CapInheritable: u64(r), CapPermitted: u64(r), CapEffective: u64(r), CapBounding: u64(r), CapAmbient: u64(r),
    };
    case "int_arr_2": return [r.int(1000) - 1, r.int(1000)];
    case "timespec": return { tv_sec: u64(r), tv_nsec: r.int(1e9) };
    case "args_arr": {
      if (r.chance(0.5)) return Array.from({ length: r.int(8) }, () => asText(hostileString(r, 32)));
      const area = r.chance(0.2) ? enc.encode("a\0".repeat(LIMITS.argsArrMax / 2)) : enc.encode("x=1\0y\0" + asText(hostileString(r, 16)));
      return { area, count: r.int(5000) };
    }
    case "none": return 0;
  }
}

/** One valid raw sample of `def`: random context, a random subset of its arguments. */
export function randomSample(def: EventDef, r: Rng): Uint8Array {
  const args: Record<string, EncodedValue> = {};
  const truncated: Record<string, boolean> = {};
  for (const p of def.params) {
    if (r.chance(0.15)) continue; // unreadable arguments are absent on the wire
    args[p.name] = valueOf(p.wire, r);
    if (r.chance(0.1)) truncated[p.name] = true;
  }
  const ctx: Record<string, number | bigint | string> = {};
  for (const f of CONTEXT) {
    if (f.name === "event_id" || f.name === "argnum") continue;
    if (f.type === "char16") ctx[f.name] = asText(hostileString(r, 16)).slice(0, 16);
    else if (f.type === "u64" || f.type === "s64") ctx[f.name] = u64(r);
    else if (f.type === "u8") ctx[f.name] = r.int(256);
    else if (f.type === "u16") ctx[f.name] = r.int(65536);
    else ctx[f.name] = r.pick(EDGE_U32) >>> 0 & (f.type === "s32" ? 0x7fffffff : 0xffffffff);
  }
  ctx.ts = BigInt(r.int(2 ** 31)) * 1_000_000n + BigInt(r.int(1e6));
  return encodeSample({ event: def.id, ctx, args, truncated });
}

/** A chunk as one CPU's ring would hold it: samples of random events, now and then a LOST or other record. */
export function randomChunk(r: Rng): Uint8Array {
  const parts: Uint8Array[] = [];
  const n = 1 + r.int(12);
  for (let i = 0; i < n; i++) {
    const x = r.next();
    if (x < 0.08) parts.push(perfLost(r.chance(0.1) ? 2n ** 40n : r.int(1000)));
    else if (x < 0.1) parts.push(perfRecord(r.pick([3, 4, 10, 0]), r.bytes(r.int(40))));
    else parts.push(perfSample(randomSample(r.pick(EVENTS), r)));
  }
  return concat(parts);
}

/** Command lines that parse. */
export const CLI_SEEDS: string[][] = [
  [], ["--list"], ["-l", "-o", "json"], ["--trace", "event=openat", "--trace", "comm=ls"], ["-t", "pid=new", "--follow"],
  ["--output", "json", "--output", "option:parse-arguments", "--output", "out-file:/tmp/x"], ["-b", "2", "--debug"],
  ["--perf-buffer-size=64", "--blob-perf-buffer-size", "1"], ["--capture", "dir:/tmp/t", "--capture", "clear-dir"],
  ["--build-policy", "never", "--install-path", "/opt/tracee"], ["--btf-file", "/sys/kernel/btf/vmlinux"],
  ["--output", "gotemplate=/tmp/t.tmpl"], ["-t", "uid>=1000", "-t", "set=fs", "-t", "openat.pathname=/etc/*"],
  ["--trace", "container=new"], ["--output", "table-verbose", "--output", "option:eot"], ["--version"], ["-h"],
];

export const CLI_WORDS = [
  "--trace", "-t", "--output", "-o", "--capture", "-c", "--list", "-l", "--follow", "--perf-buffer-size", "-b",
  "--blob-perf-buffer-size", "--install-path", "--build-policy", "--btf-file", "--debug", "--version", "-v", "--help",
  "-h", "--", "-", "--perf-buffer-size=", "json", "table", "none", "event=", "comm=", "pid=", "1024", "0", "3",
];

/** --trace expressions that parse. */
export const TRACE_SEEDS = [
  "event=openat", "event:openat,close", "event!=open*", "set=fs", "set!=net", "uid=0", "uid>=1000", "uid!=0,1",
  "pid=new", "pid<100", "pid=1,2,3", "mntns=4026531840", "pidns!=4026531836", "uts=host", "uts!=a,b", "comm=ls",
  "comm!=bash,zsh", "command=zsh", "container", "!container", "container=new", "container=abc123", "tree=1",
  "follow", "openat.pathname=/etc/*", "openat.pathname!=*.so", "openat.flags=O_RDONLY", "openat.retval<0",
  "close.fd=3", "execve.argv=ls", "event=sched_process_exec", "connect.addr=*", "help",
];

export const TRACE_WORDS = ["event", "set", "uid", "pid", "mntns", "pidns", "uts", "comm", "container", "tree", "follow",
  "openat", "close", "retval", "pathname", "args", "new", "O_RDONLY", "*", "sched_process_exec", "security_file_open"];

/** --output values that parse, alone or together. */
export const OUTPUT_SEEDS = ["table", "table-verbose", "json", "none", "gotemplate=/tmp/x.tmpl", "format:json",
  "out-file:/tmp/out", "err-file:/tmp/err", "option:stack-addresses", "option:detect-syscall", "option:exec-env",
  "option:relative-time", "option:exec-hash", "option:parse-arguments", "option:eot", "eot"];

export const CAPTURE_SEEDS = ["write", "write=/etc/*", "exec", "mem", "profile", "dir:/tmp/tracee", "clear-dir", "artifact:write"];

/** Templates that parse and run on every event. */
export const TEMPLATE_SEEDS = [
  "{{ .EventName }}\n",
  "{{ .Timestamp }} {{ .ProcessName }} {{ .HostProcessID }} {{ .EventName }} {{ .ReturnValue }}\n",
  "{{ range .Args }}{{ .Name }}={{ .Value }} {{ end }}\n",
  '{{ if eq .EventName "openat" }}{{ index .Args 0 }}{{ else }}-{{ end }}\n',
  "{{ with .Args }}{{ len . }}{{ end }}|{{ printf \"%d %s %q %x %v\" .ProcessID .EventName .HostName .UserID .Args }}\n",
  "{{ $n := .EventName }}{{ range $i, $a := .Args }}{{ $n }}[{{ $i }}]={{ printf \"%v\" $a.Value }}{{ end }}\n",
  "{{ and .ProcessID .ThreadID }} {{ or .ContainerID \"host\" }} {{ not .ArgsNum }} {{ slice .ProcessName 0 1 }}\n",
  "{{/* comment */}}{{- .EventID -}} {{ print .ProcessName }} {{ println .HostName }} {{ le .UserID 1000 }}\n",
  "{{ range $a := .Args }}{{ if gt (len $a.Name) 3 }}{{ break }}{{ end }}{{ $a.Name }}{{ end }}\n",
];

export const TEMPLATE_WORDS = ["{{", "}}", "{{-", "-}}", "range", "end", "if", "else", "with", "break", "continue",
  ".Args", ".EventName", "$", "$x :=", "printf", "len", "index", "slice", "eq", "lt", "and", "or", "not", "(", ")",
  "|", '"', "`", "nil", "1.5", "0x1f", "'a'", "define", "template", "block", "/*", "*/"];
