// Helpers for the event e2e tests: the `evfix` fixture (test/fixtures/events.c), run under a tracee that
// filters on its comm in the kernel, with the fixture's "key value" report parsed for assertions.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsonLines, ROOT, startTracee } from "./tracee.ts";

/** The fixture's file name, which is also its comm (what tests filter on). */
export const FIXTURE_COMM = "evfix";

let fixturePath: string | null = null;
/** Compiles test/fixtures/events.c once per run. */
export function evfix(): string {
  if (fixturePath) return fixturePath;
  const dir = mkdtempSync(join(tmpdir(), "tracee-evfix-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, FIXTURE_COMM);
  const cc = Bun.spawnSync(["cc", "-O1", "-pthread", "-o", out, join(ROOT, "test/fixtures/events.c")], { stderr: "pipe" });
  if (cc.exitCode !== 0) throw new Error(`compiling the events fixture failed: ${cc.stderr.toString()}`);
  fixturePath = out;
  return out;
}

export interface FixtureRun {
  pid: number;
  code: number | null;
  /** Every "key value" line, values in order (a step can report a key more than once). */
  report: Map<string, string[]>;
  /** The first value reported for `key`, as a number. */
  num(key: string, nth?: number): number;
}

/** Runs the fixture with `steps` (in `cwd` if given) and waits for it to exit. */
export async function runFixture(steps: string[], cwd?: string): Promise<FixtureRun> {
  const p = Bun.spawn([evfix(), ...steps], { stdout: "pipe", stderr: "inherit", cwd });
  const text = await new Response(p.stdout).text();
  const code = await p.exited;
  const report = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const at = line.indexOf(" ");
    if (at <= 0) continue;
    const k = line.slice(0, at);
    report.set(k, [...(report.get(k) ?? []), line.slice(at + 1)]);
  }
  return {
    pid: p.pid,
    code,
    report,
    num(key, nth = 0) {
      const v = report.get(key)?.[nth];
      if (v === undefined) throw new Error(`the fixture reported no "${key}" (#${nth}): ${text}`);
      return Number(v);
    },
  };
}

export interface TracedRun {
  events: any[];
  stderr: string;
  code: number | null;
  runs: FixtureRun[];
}

/**
 * Starts tracee (JSON output, kernel filter on the fixture's comm plus `comms`), runs each step list as one
 * fixture process, stops tracee and returns every event it printed.
 */
export async function traceFixture(trace: string[], stepLists: string[][],
  o: { comms?: string[]; output?: string[]; cwd?: string; env?: Record<string, string> } = {}): Promise<TracedRun> {
  const args = ["--output", "json", ...(o.output ?? []).flatMap((x) => ["--output", x]),
    "--trace", `comm=${[FIXTURE_COMM, ...(o.comms ?? [])].join(",")}`, ...trace.flatMap((t) => ["--trace", t])];
  const t = await startTracee(args, undefined, o.env);
  const runs: FixtureRun[] = [];
  for (const steps of stepLists) runs.push(await runFixture(steps, o.cwd));
  // the last samples sit below the rings' wake-up watermark until tracee drains them at stop
  await Bun.sleep(200);
  const r = await t.stop("SIGINT");
  return { events: jsonLines(r.stdout), stderr: r.stderr, code: r.code, runs };
}

/** An event's arguments as a name -> value object. */
export function argsOf(ev: any): Record<string, any> {
  return Object.fromEntries((ev?.args ?? []).map((a: any) => [a.name, a.value]));
}

/** Events of `name` from host process `pid`. */
export function eventsOf(events: any[], name: string, pid?: number): any[] {
  return events.filter((e) => e.eventName === name && (pid === undefined || e.hostProcessId === pid));
}
