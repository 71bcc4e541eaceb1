// The default-set benchmark: a mixed workload (files, sockets, processes) traced with the default event set
// (kernel-function events included), against the same workload untraced; events/s and drops. The kernel
// filter keeps to the workload's commands, so neighbours on a shared host do not change the figures.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evfix } from "../helpers/events.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const TRACEE = join(ROOT, "dist/tracee");
const ROUNDS = Number(process.env.BENCH_MIXED_ROUNDS ?? 300);

interface MixedResult { seconds: number; events: number; lost: number; eventsPerSec: number; cpuSec: number }

function procCpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8");
  const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) / 100;
}

async function workload(dir: string): Promise<number> {
  const t0 = performance.now();
  const p = Bun.spawn([evfix(), `mixed:${ROUNDS}:${dir}`], { stdout: "ignore", stderr: "inherit" });
  await p.exited;
  return (performance.now() - t0) / 1000;
}

async function traced(dir: string): Promise<MixedResult> {
  const out = join(dir, "events.json");
  const proc = Bun.spawn([TRACEE, "--trace", "comm=evfix,true", "--output", "json", "--output", `out-file:${out}`, "--capture", `dir:${dir}`],
    { stdout: "ignore", stderr: "pipe" });
  const errText = new Response(proc.stderr).text();
  while (!existsSync(join(dir, "out/tracee.pid"))) {
    if (proc.exitCode !== null) throw new Error(`tracee failed: ${await errText}`);
    await Bun.sleep(10);
  }
  const cpu0 = procCpu(proc.pid);
  const seconds = await workload(dir);
  // drain: wait for the output to stop growing (at most 3 s)
  let last = -1;
  for (const end = Date.now() + 3000; Date.now() < end;) {
    await Bun.sleep(200);
    const size = statSync(out).size;
    if (size === last) break;
    last = size;
  }
  const cpuSec = procCpu(proc.pid) - cpu0;
  proc.kill("SIGINT");
  await proc.exited;
  const stderr = await errText;
  const events = Number(/EventCount"?:(\d+)/.exec(stderr)?.[1] ?? NaN);
  const lost = Number(/LostEvCount"?:(\d+)/.exec(stderr)?.[1] ?? NaN);
  return { seconds, events, lost, eventsPerSec: events / seconds, cpuSec };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs untraced and traced rounds interleaved; returns the markdown lines of the result table. */
export async function mixedBench(repeat: number): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "tracee-bench-mixed-"));
  const plain: number[] = [];
  const runs: MixedResult[] = [];
  try {
    for (let r = 0; r < repeat; r++) {
      plain.push(await workload(dir));
      runs.push(await traced(dir));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = median(plain);
  const sec = median(runs.map((r) => r.seconds));
  return [
    `mixed workload (${ROUNDS} rounds of 10 file open/write/close + unlink, TCP connect/accept/dup, fork+exec), default event set, ` +
      `kernel filter comm=evfix,true, json to a file, median of ${repeat}`,
    "",
    "| configuration | workload time | slowdown | events | events/s | lost (LostEvCount) | tracer CPU |",
    "|---|---:|---:|---:|---:|---:|---:|",
    `| untraced | ${base.toFixed(2)} s | 1.00x | - | - | - | - |`,
    `| default set | ${sec.toFixed(2)} s | ${(sec / base).toFixed(2)}x | ${median(runs.map((r) => r.events))} | ` +
      `${Math.round(median(runs.map((r) => r.eventsPerSec))).toLocaleString("en")} | ${median(runs.map((r) => r.lost))} | ` +
      `${median(runs.map((r) => r.cpuSec)).toFixed(2)} s |`,
  ];
}
