// `npm run bench`: end-to-end cost of tracing an open/close loop with dist/tracee, against the same loop untraced.
// Prints one table: workload ops/s, slowdown, events captured vs expected, lost, tracer CPU per event, peak RSS;
// then the capture benchmark's table (MB/s of written data captured byte-exact without loss).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { workload } from "../helpers/tracee.ts";
import { mixedBench } from "./mixed.ts";
import { captureBench } from "./capture-bench.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const TRACEE = join(ROOT, "dist/tracee");
const N = Number(process.env.BENCH_N ?? 200_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const TICK = 100; // USER_HZ

interface Result { seconds: number; captured: number; lost: number; cpuSec: number; rssKiB: number }

function procCpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8");
  const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) / TICK; // utime + stime, all threads
}
function procRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : 0;
}

async function runLoop(path: string): Promise<{ seconds: number; pid: number }> {
  const t0 = performance.now();
  const p = Bun.spawn([workload(), `loop:${N}:${path}`], { stdout: "ignore", stderr: "inherit" });
  await p.exited;
  return { seconds: (performance.now() - t0) / 1000, pid: p.pid };
}

async function traced(args: string[], countPid: boolean): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), "tracee-bench-"));
  const out = join(dir, "events.out");
  const proc = Bun.spawn([TRACEE, ...args, "--output", `out-file:${out}`, "--capture", `dir:${dir}`], { stdout: "ignore", stderr: "pipe" });
  const errText = new Response(proc.stderr).text();
  while (!existsSync(join(dir, "out/tracee.pid"))) {
    if (proc.exitCode !== null) throw new Error(`tracee failed: ${await errText}`);
    await Bun.sleep(10);
  }
  const cpu0 = procCpu(proc.pid);
  const loop = await runLoop(`/etc/hostname`);
  // let the tracer drain what the loop produced before reading its CPU time
  let last = -1;
  while (true) {
    await Bun.sleep(200);
    const size = statSync(out).size;
    if (size === last) break;
    last = size;
  }
  const cpuSec = procCpu(proc.pid) - cpu0;
  const rssKiB = procRss(proc.pid);
  proc.kill("SIGINT");
  await proc.exited;
  const stderr = await errText;
  const lost = Number(/LostEvCount"?:(\d+)/.exec(stderr)?.[1] ?? NaN);
  let captured = 0;
  if (countPid) {
    const text = readFileSync(out, "utf8");
    const needle = args.includes("json") ? `"hostProcessId":${loop.pid},` : ` ${loop.pid} `;
    for (const line of text.split("\n")) if (line.includes(needle) && line.includes("openat")) captured++;
  }
  rmSync(dir, { recursive: true, force: true });
  return { seconds: loop.seconds, captured, lost, cpuSec, rssKiB };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const configs: { name: string; run: () => Promise<Result> }[] = [
  { name: "untraced", run: async () => ({ seconds: (await runLoop("/etc/hostname")).seconds, captured: 0, lost: 0, cpuSec: 0, rssKiB: 0 }) },
  { name: "json, openat host-wide", run: () => traced(["--trace", "event=openat", "--output", "json"], true) },
  { name: "table, openat host-wide", run: () => traced(["--trace", "event=openat", "--output", "table"], true) },
  { name: "filtered out in kernel (comm=other)", run: () => traced(["--trace", "event=openat", "--trace", "comm=other", "--output", "json"], false) },
];

if (process.getuid?.() !== 0) throw new Error("the benchmark loads eBPF: run it as root");

// 1. the decoder alone: WASM against a plain-TS decoder of the same bytes
console.log("\n## Decoder throughput (same synthetic perf bytes)\n");
Bun.spawnSync([process.execPath, join(ROOT, "test/bench/decode-bench.ts")], { stdout: "inherit", stderr: "inherit" });

// 2. end to end: the real executable against the same loop untraced
const results = new Map<string, Result[]>(configs.map((c) => [c.name, []]));
for (let r = 0; r < REPEAT; r++) for (const c of configs) results.get(c.name)!.push(await c.run());

const base = median(results.get("untraced")!.map((r) => r.seconds));
console.log(`\n## End to end\n\nopen/close loop, ${N} iterations, median of ${REPEAT} interleaved runs, ${new Date().toISOString()}\n`);
console.log("| configuration | ops/s | slowdown | captured / expected | lost | tracer CPU per event | peak RSS |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const c of configs) {
  const rs = results.get(c.name)!;
  const sec = median(rs.map((r) => r.seconds));
  const cap = median(rs.map((r) => r.captured));
  const cpu = median(rs.map((r) => r.cpuSec));
  const counted = c.name.startsWith("json") || c.name.startsWith("table");
  console.log(
    `| ${c.name} | ${Math.round(N / sec).toLocaleString("en")} | ${(sec / base).toFixed(2)}x | ` +
      `${counted ? `${cap} / ${N}` : "-"} | ${c.name === "untraced" ? "-" : median(rs.map((r) => r.lost))} | ` +
      `${counted ? `${((cpu / N) * 1e6).toFixed(2)} µs` : c.name === "untraced" ? "-" : `${cpu.toFixed(2)} s total`} | ` +
      `${c.name === "untraced" ? "-" : `${Math.round(median(rs.map((r) => r.rssKiB)) / 1024)} MiB`} |`,
  );
}

// the default event set on a mixed workload (test/bench/mixed.ts)
console.log("\n" + (await mixedBench(REPEAT)).join("\n"));
// capture throughput (test/bench/capture-bench.ts); BENCH_CAPTURE=0 skips it
if (process.env.BENCH_CAPTURE !== "0") console.log(await captureBench());
