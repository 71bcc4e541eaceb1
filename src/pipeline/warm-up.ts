// Made-up events for EventPipeline.warmUp(): run through the event path before tracing starts, they make the
// JavaScript engine compile it then (on background threads, while the kernel verifies the BPF programs) rather
// than during the first second of tracing, on the traced host's time.
import { ARG_FIXED_SIZE, ArgType, CONTEXT_SIZE, EVENT_BY_NAME, type ArgTypeName } from "../events/schema.ts";
import { CTX } from "../events/gen/events.ts";

/** Events and argument values typical of a busy host; their arguments take the raw printers' paths. */
const SAMPLES: [string, Record<string, number | string>][] = [
  ["openat", { dirfd: -100, pathname: "/usr/lib/x86_64-linux-gnu/libc.so.6", flags: 0o2000000, mode: 0 }],
  ["close", { fd: 3 }],
  ["read", { fd: 3, buf: 0x7ffd1234, count: 832 }],
  ["write", { fd: 1, buf: 0x55d0c0de, count: 42 }],
  ["newfstatat", { dirfd: 3, pathname: "", statbuf: 0x7ffd5678, flags: 0x1000 }],
  ["mmap", { addr: 0, length: 8192, prot: 3, flags: 0x22, fd: -1, off: 0 }],
];

function sampleBytes(name: string, args: Record<string, number | string>, i: number): Uint8Array {
  const def = EVENT_BY_NAME.get(name)!;
  const parts: number[] = [];
  const enc = new TextEncoder();
  let argnum = 0;
  def.params.forEach((p, index) => {
    const v = args[p.name];
    if (v === undefined) return;
    const wire = p.wire as ArgTypeName;
    parts.push(index, ArgType[wire]);
    argnum++;
    if (wire === "str") {
      const b = enc.encode(String(v));
      parts.push(b.length & 0xff, (b.length >> 8) & 0xff, 0, 0, ...b);
    } else {
      let x = BigInt.asUintN(64, BigInt(v));
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
