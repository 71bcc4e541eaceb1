// Compares WASM and plain-TS decoding (tables only, and tables + TraceEvent objects) on the same synthetic perf bytes.
import { Decoder } from "../../src/decode/decoder.ts";
import { PlainDecoder } from "../../src/decode/plain-ts.ts";
import type { ChunkDecoder } from "../../src/decode/chunk-decoder.ts";
import { concat, encodeSample, perfSample } from "../helpers/encoder.ts";

const root = new URL("../..", import.meta.url).pathname;
const wasmPath = root + "dist/embed/decoder.wasm";
if (!(await Bun.file(wasmPath).exists())) {
  console.error("dist/embed/decoder.wasm is missing: run `bun build/wasm.ts` first");
  process.exit(1);
}
const wasm = await Bun.file(wasmPath).bytes();

/** A chunk of `n` events: 6 openat : 3 close : 1 execve (or only openat), with varying pids, paths and timestamps. */
function syntheticChunk(n: number, openatOnly = false): Uint8Array {
  const parts: Uint8Array[] = [];
  const paths = ["/etc/ld.so.cache", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/proc/self/status", "/home/user/.config/app/settings.json"];
  for (let i = 0; i < n; i++) {
    const ctx = { ts: 1_000_000_000_000 + i * 1000, cgroup_id: 4242, pid: 1000 + (i % 50), tid: 1000 + (i % 50), ppid: 1, host_pid: 1000 + (i % 50), host_tid: 1000 + (i % 50), host_ppid: 1, uid: 1000, mnt_ns: 4026531840, pid_ns: 4026531836, comm: i % 3 ? "bash" : "python3", uts_name: "buildhost", retval: 3, cpu: 1 };
    const k = openatOnly ? 0 : i % 10;
    const raw = k < 6
      ? encodeSample({ event: "openat", ctx, args: { dirfd: -100, pathname: paths[i % paths.length], flags: 0o2000000, mode: 0 } })
      : k < 9
        ? encodeSample({ event: "close", ctx, args: { fd: 3 + (i % 7) } })
        : encodeSample({ event: "execve", ctx, args: { pathname: "/usr/bin/git", argv: ["git", "status", "--short", "--branch"], envp: ["HOME=/home/user", "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "TERM=xterm-256color"] } });
    parts.push(perfSample(raw));
  }
  return concat(parts);
}

const EVENTS_PER_CHUNK = 20000;
const CHUNKS = 25;
const mixed = syntheticChunk(EVENTS_PER_CHUNK);
const openat = syntheticChunk(EVENTS_PER_CHUNK, true);
let chunk = mixed;
const totalEvents = EVENTS_PER_CHUNK * CHUNKS;

function tablesOnly(d: ChunkDecoder): void {
  const e = d.engine;
  const u8 = new Uint8Array(e.memory());
  for (let c = 0; c < CHUNKS; c++) {
    u8.set(chunk, e.inputPtr);
    e.decode(e.inputPtr, chunk.length);
  }
}

function full(d: ChunkDecoder): void {
  let n = 0;
  const sink = () => { n++; };
  for (let c = 0; c < CHUNKS; c++) d.decodeChunk(chunk, sink);
  if (n !== totalEvents) throw new Error(`decoded ${n} of ${totalEvents} events`);
}

function best(fn: () => void, rounds = 7): number {
  fn(); // warm-up
  let min = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min / 1000;
}

const wasmDec = new Decoder(wasm);
const plainDec = new PlainDecoder();
console.log(`${totalEvents} events per run, best of 7, Bun ${Bun.version}`);
console.log("workload                 decoder                          MB/s   M events/s   ns/event");
for (const [label, bytes] of [["mix openat/close/execve", mixed], ["openat only", openat]] as const) {
  chunk = bytes;
  const totalBytes = chunk.length * CHUNKS;
  const rows: [string, number][] = [
    ["WASM, tables only", best(() => tablesOnly(wasmDec))],
    ["plain TS, tables only", best(() => tablesOnly(plainDec))],
    ["WASM + TraceEvent objects", best(() => full(wasmDec))],
    ["plain TS + TraceEvent objects", best(() => full(plainDec))],
  ];
  for (const [name, s] of rows) {
    const evs = totalEvents / s;
    console.log(`${label.padEnd(24)} ${name.padEnd(30)} ${(totalBytes / 1e6 / s).toFixed(0).padStart(6)} ${(evs / 1e6).toFixed(2).padStart(12)} ${(1e9 / evs).toFixed(0).padStart(10)}`);
  }
}
