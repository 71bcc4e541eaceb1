// Made-up events for EventPipeline.warmUp(): run through the event path right after attaching, before the first real
// batch is handled (real events wait in the staging area meanwhile), they make the JavaScript engine compile it at
// once rather than piecemeal while the first real events trickle through the interpreter.
import { ARG_FIXED_SIZE, ArgType, CONTEXT_SIZE, EVENT_BY_NAME, type ArgTypeName } from "../events/schema.ts";
import { CTX } from "../events/gen/events.ts";

type Value = number | string | string[] | Uint8Array;

/** Events and argument values typical of a busy host: most take the raw printers' paths, the last ones (a socket
 * address, argument lists) the TraceEvent path, which is compiled too. */
const SAMPLES: [string, Record<string, Value>][] = [
  ["openat", { dirfd: -100, pathname: "/usr/lib/x86_64-linux-gnu/libc.so.6", flags: 0o2000000, mode: 0 }],
  ["close", { fd: 3 }],
  ["openat", { dirfd: -100, pathname: "/etc/ld.so.cache", flags: 0o2000000, mode: 0 }],
  ["close", { fd: 4 }],
  ["read", { fd: 3, buf: 0x7ffd1234, count: 832 }],
  ["write", { fd: 1, buf: 0x55d0c0de, count: 42 }],
  ["newfstatat", { dirfd: 3, pathname: "", statbuf: 0x7ffd5678, flags: 0x1000 }],
  ["mmap", { addr: 0, length: 8192, prot: 3, flags: 0x22, fd: -1, off: 0 }],
  ["socket", { domain: 2, type: 2, protocol: 0 }],
  ["openat", { dirfd: -100, pathname: "/proc/self/status", flags: 0, mode: 0 }],
  ["close", { fd: 5 }],
  ["connect", { sockfd: 5, addr: Uint8Array.of(2, 0, 0, 9, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0), addrlen: 16 }],
  ["execve", { pathname: "/bin/true", argv: ["true", "--version"], envp: ["PATH=/usr/bin:/bin"] }],
  ["sched_process_exec", { cmdpath: "/bin/true", pathname: "/usr/bin/true", argv: "true\0--version\0", dev: 0x800001, inode: 1234, invoked_from_kernel: 0, ctime: 1, stdin_type: 0o20000 }],
];

function sampleBytes(name: string, args: Record<string, Value>, i: number): Uint8Array {
  const def = EVENT_BY_NAME.get(name)!;
  const parts: number[] = [];
  const enc = new TextEncoder();
  const u32 = (n: number) => parts.push(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
  let argnum = 0;
  def.params.forEach((p, index) => {
    const v = args[p.name];
    if (v === undefined) return;
    const wire = p.wire as ArgTypeName;
    parts.push(index, ArgType[wire]);
    argnum++;
    if (wire === "str") {
      const b = enc.encode(String(v));
      u32(b.length);
      parts.push(...b);
    } else if (wire === "str_arr") {
      u32((v as string[]).length);
      for (const el of v as string[]) {
        const b = enc.encode(el);
        u32(b.length);
        parts.push(...b);
      }
    } else if (wire === "args_arr") {
      const b = enc.encode(String(v));
      u32(b.length);
      u32(b.filter((c) => c === 0).length);
      parts.push(...b);
    } else if (wire === "sockaddr") {
      u32((v as Uint8Array).length);
      parts.push(...(v as Uint8Array));
    } else {
      let x = BigInt.asUintN(64, BigInt(v as number));
      for (let k = 0; k < ARG_FIXED_SIZE[wire]; k++, x >>= 8n) parts.push(Number(x & 0xffn));
    }
  });
  const raw = new Uint8Array(CONTEXT_SIZE + parts.length);
  const dv = new DataView(raw.buffer);
  dv.setBigUint64(CTX.ts, BigInt(1_000_000_000 + i * 1000), true);
  // runs of one process's events, as on a busy host (the printers cache what a run repeats)
  const pid = 4000 + (Math.floor(i / 40) % 3);
  for (const f of [CTX.pid, CTX.tid, CTX.host_pid, CTX.host_tid]) dv.setUint32(f, pid, true);
  dv.setUint32(CTX.ppid, 1, true);
  dv.setUint32(CTX.host_ppid, 1, true);
  dv.setUint32(CTX.mnt_ns, 4026531840, true);
  dv.setUint32(CTX.pid_ns, 4026531836, true);
  raw.set(enc.encode(pid % 2 ? "bash" : "python3"), CTX.comm);
  raw.set(enc.encode("host"), CTX.uts_name);
  dv.setInt32(CTX.event_id, def.id, true);
  dv.setBigInt64(CTX.retval, BigInt(i % 5 ? 3 : -2), true);
  raw[CTX.argnum] = argnum;
  raw.set(parts, CONTEXT_SIZE);
  // PERF_RECORD_SAMPLE: u32 type, u16 misc, u16 size, u32 raw_size, raw bytes, padded to 8
  const size = (12 + raw.length + 7) & ~7;
  const rec = new Uint8Array(size);
  const rv = new DataView(rec.buffer);
  rv.setUint32(0, 9, true);
  rv.setUint16(6, size, true);
  rv.setUint32(8, size - 12, true);
  rec.set(raw, 12);
  return rec;
}

/** `n` made-up perf records (a few common events in runs of one process each), and the event ids they hold. */
export function syntheticRecords(n: number): { bytes: Uint8Array; ids: number[] } {
  const records: Uint8Array[] = [];
  for (let i = 0; i < n; i++) records.push(sampleBytes(...SAMPLES[i % SAMPLES.length], i));
  const bytes = new Uint8Array(new SharedArrayBuffer(records.reduce((k, r) => k + r.length, 0)));
  let at = 0;
  for (const r of records) {
    bytes.set(r, at);
    at += r.length;
  }
  return { bytes, ids: SAMPLES.map(([name]) => EVENT_BY_NAME.get(name)!.id) };
}
