// npm run soak: runs dist/tracee for a long time (10 minutes by default) over a mixed, high-rate load and checks
// that its memory stays flat after warm-up, that every lost sample is counted and that every output line parses.
// Usage: bun test/soak/soak.ts [--minutes N] [--interval SECONDS between RSS samples, default 2] [--report FILE]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { requireRoot, TRACEE, workload } from "../helpers/tracee.ts";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    interval: { type: "string", default: "2" },
    report: { type: "string" },
  },
});
const minutes = Number(values.minutes);
const intervalS = Number(values.interval);
requireRoot();

// The load: each generator is restarted until the end, so some always run; together they mix fast syscall loops,
// process churn (short-lived processes that exit before their events are read), hostile names and big argv.
const LOADS: Record<string, string[]> = {
  "open-close": ["loop:20000:/etc/hostname"],
  "close-burst": ["closebad:100000", "sleep:1000"], // overload phases, then room to recover
  "fork-exec": ["forkexec:100:/bin/true"],
  hostile: [
    "comm:soak%0Aevil%1B[31m%FF", "openat:/tmp/soak-%0A%1B[2J%FF%FE-path:0:0", "env:SOAK=%0A%1B%FF",
    "argv:/bin/true:2000:16",
  ],
};

interface Sample { t: number; rssKiB: number; hwmKiB: number; cpuS: number; lines: number }

function procStatus(pid: number): { rssKiB: number; hwmKiB: number; cpuS: number } | null {
  try {
    const st = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(st)?.[1] ?? 0);
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return { rssKiB: kib("VmRSS"), hwmKiB: kib("VmHWM"), cpuS: (Number(f[11]) + Number(f[12])) / 100 };
  } catch {
    return null;
  }
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n, my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) { num += (xs[i] - mx) * (ys[i] - my); den += (xs[i] - mx) ** 2; }
  return den ? num / den : 0;
}

const wl = workload();
const dir = mkdtempSync(join(tmpdir(), "tracee-soak-"));
const t0 = Date.now();
const deadline = t0 + minutes * 60_000;
const tracee = Bun.spawn([TRACEE, "--output", "json", "--output", "option:exec-env", "--debug", "--capture", `dir:${dir}`], {
  stdout: "pipe", stderr: "pipe",
});
const stderrText = new Response(tracee.stderr).text();

// Reads stdout as it comes, parsing every line; keeps only counters, so the harness itself stays small.
let lines = 0;
let bad = 0;
const badExamples: string[] = [];
let eot = false;
const byEvent = new Map<string, number>();
const reader = (async () => {
  const dec = new TextDecoder();
  let rest = "";
  for await (const chunk of tracee.stdout) {
    const text = rest + dec.decode(chunk, { stream: true });
    const parts = text.split("\n");
    rest = parts.pop()!;
    for (const l of parts) {
      lines++;
      try {
        const ev = JSON.parse(l);
        byEvent.set(ev.eventName, (byEvent.get(ev.eventName) ?? 0) + 1);
      } catch {
        bad++;
        if (badExamples.length < 3) badExamples.push(l.slice(0, 200));
      }
    }
  }
  if (rest) { bad++; badExamples.push(`unterminated last line: ${rest.slice(0, 200)}`); }
  eot = true;
})();

const pidFile = join(dir, "out/tracee.pid");
while (!(await Bun.file(pidFile).exists())) {
  if (tracee.exitCode !== null) throw new Error(`tracee exited early: ${await stderrText}`);
  await Bun.sleep(50);
}
console.error(`soak: tracee ${tracee.pid} attached; running ${minutes} min of load, sampling every ${intervalS} s`);

const runs = new Map<string, number>();
let stopping = false;
const generators = Object.entries(LOADS).map(async ([name, steps]) => {
  while (!stopping && Date.now() < deadline) {
    const p = Bun.spawn([wl, ...steps], { stdout: "ignore", stderr: "ignore" });
    await p.exited;
    runs.set(name, (runs.get(name) ?? 0) + 1);
  }
});

const samples: Sample[] = [];
while (Date.now() < deadline) {
  const s = procStatus(tracee.pid);
  if (!s) break;
  samples.push({ t: (Date.now() - t0) / 1000, ...s, lines });
  const last = samples[samples.length - 1];
  if (samples.length % Math.max(1, Math.round(30 / intervalS)) === 1) {
    console.error(`soak: ${last.t.toFixed(0)} s  rss ${(last.rssKiB / 1024).toFixed(1)} MiB  cpu ${last.cpuS.toFixed(1)} s  lines ${lines}`);
  }
  await Bun.sleep(Math.min(intervalS * 1000, Math.max(0, deadline - Date.now())));
}
stopping = true;
await Promise.all(generators);
const final = procStatus(tracee.pid);
if (final) samples.push({ t: (Date.now() - t0) / 1000, ...final, lines });
await Bun.sleep(500);
tracee.kill("SIGINT");
const code = await Promise.race([tracee.exited, Bun.sleep(60_000).then(() => "timeout" as const)]);
if (code === "timeout") tracee.kill("SIGKILL");
await reader;
const stderr = await stderrText;
rmSync(dir, { recursive: true, force: true });

const json = (re: RegExp) => { const m = re.exec(stderr); return m ? JSON.parse(m[1]) : null; };
const stats = json(/^(\{"stats":.*\})$/m)?.stats;
const kernel = json(/kernel: (\{.*\})/);
const decoder = json(/decoder: (\{.*\})/);

// Memory: the GC makes resident size saw-tooth, so judge per-minute floors (live memory) and peaks after warm-up
// (the first 40% of the run, at least 60 s: the JS heap grows for some minutes before it settles): neither may
// trend upwards.
const warmS = Math.max(60, minutes * 24);
const perMinute = new Map<number, { min: number; max: number }>();
for (const s of samples) {
  if (s.t < warmS) continue;
  const m = Math.floor(s.t / 60);
  const w = perMinute.get(m) ?? { min: Infinity, max: 0 };
  perMinute.set(m, { min: Math.min(w.min, s.rssKiB / 1024), max: Math.max(w.max, s.rssKiB / 1024) });
}
const perMinuteCount = new Map<number, number>();
for (const s of samples) if (s.t >= warmS) perMinuteCount.set(Math.floor(s.t / 60), (perMinuteCount.get(Math.floor(s.t / 60)) ?? 0) + 1);
// only minutes sampled through (the first after warm-up and the last may be partial)
const minutesSeen = [...perMinute.keys()].filter((m) => perMinuteCount.get(m)! >= 30 / intervalS).sort((a, b) => a - b);
const floors = minutesSeen.map((m) => perMinute.get(m)!.min);
const peaks = minutesSeen.map((m) => perMinute.get(m)!.max);
const third = Math.max(1, Math.floor(floors.length / 3));
const avg = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const earlyFloor = avg(floors.slice(0, third)), lateFloor = avg(floors.slice(-third));
const earlyPeak = avg(peaks.slice(0, third)), latePeak = avg(peaks.slice(-third));
const floorTrend = floors.length > 2 ? slope(minutesSeen, floors) : NaN;
const flat = (early: number, late: number) => late <= early * 1.15 + 16;

const checks: [string, boolean][] = [
  ["tracee exited 0 after SIGINT", code === 0],
  ["every output line parsed as JSON", bad === 0 && eot],
  ["lines printed == EventCount", stats?.EventCount === lines],
  ["LostEvCount == kernel lost_output", stats !== undefined && kernel !== null && stats.LostEvCount === kernel.lost_output],
  ["kernel submitted == samples decoded", kernel !== null && decoder !== null && kernel.submitted === decoder.events + decoder.malformed + decoder.unknownEvents + decoder.mismatched],
  ["no decode errors", stats?.ErrorCount === 0],
  ["resident memory flat after warm-up: per-minute floors and peaks of the last third within 15% + 16 MiB of the first", floors.length >= 3 && flat(earlyFloor, lateFloor) && flat(earlyPeak, latePeak)],
];

const report = {
  minutes, exitCode: code, lines, badLines: bad, badExamples, stats, kernel, decoder,
  loadRuns: Object.fromEntries(runs),
  topEvents: [...byEvent.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12),
  rss: {
    peakMiB: Math.max(...samples.map((s) => s.hwmKiB)) / 1024,
    earlyFloor, lateFloor, earlyPeak, latePeak, floorTrendMiBPerMin: floorTrend,
    perMinute: minutesSeen.map((m) => ({ minute: m, floorMiB: +perMinute.get(m)!.min.toFixed(1), peakMiB: +perMinute.get(m)!.max.toFixed(1) })),
    samples: samples.map((s) => ({ t: Math.round(s.t), rssMiB: +(s.rssKiB / 1024).toFixed(1), cpuS: s.cpuS, lines: s.lines })),
  },
  checks: Object.fromEntries(checks),
};
if (values.report) writeFileSync(values.report, JSON.stringify(report, null, 2) + "\n");

console.log(`\nsoak: ${minutes} min, ${lines} events printed (${(lines / (minutes * 60)).toFixed(0)}/s), tracee CPU ${final?.cpuS.toFixed(0) ?? "?"} s`);
console.log(`stats: ${JSON.stringify(stats)}\nkernel: ${JSON.stringify(kernel)}`);
console.log(`load runs: ${JSON.stringify(report.loadRuns)}`);
console.log(`rss after warm-up: floor ${earlyFloor.toFixed(0)} -> ${lateFloor.toFixed(0)} MiB (trend ${floorTrend.toFixed(2)} MiB/min), ` +
  `peak ${earlyPeak.toFixed(0)} -> ${latePeak.toFixed(0)} MiB, highest ${report.rss.peakMiB.toFixed(0)} MiB`);
console.log("minute  floor(MiB)  peak(MiB)");
for (const m of report.rss.perMinute) console.log(`${String(m.minute).padStart(6)}  ${String(m.floorMiB).padStart(10)}  ${String(m.peakMiB).padStart(9)}`);
for (const [name, ok] of checks) console.log(`${ok ? "ok  " : "FAIL"} ${name}`);
if (badExamples.length) console.log(`bad lines: ${badExamples.join("\n")}`);
process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
