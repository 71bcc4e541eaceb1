// Hostile processes: names, paths, argv and env with newlines, escape sequences and invalid UTF-8, paths at and past
// PATH_MAX, thousands of argv entries, processes gone before their events are read. tracee keeps its framing: one
// event per line, in json and in the table, every value exact or visibly marked truncated.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch } from "../helpers/launch.ts";
import { jsonLines, requireRoot, workload } from "../helpers/tracee.ts";

const uts = `relh${process.pid % 100000}`; // the children run in a UTS namespace of this name: a kernel-side filter of our own
const base = mkdtempSync(join(tmpdir(), "tracee-rel-host-"));
const pct = (s: string) => Buffer.from(s, "latin1").toString("hex").replace(/../g, "%$&");
const FFFD = "\uFFFD";

// a path of exactly PATH_MAX - 1 bytes (components below NAME_MAX), and one far beyond PATH_MAX
const atLimit = (base + "/" + "p".repeat(200) + "/").repeat(1).padEnd(4095, "q/".repeat(2048)).slice(0, 4095);
const beyond = "/tmp/" + ("z".repeat(200) + "/").repeat(25);
// an executable 60 directories deep whose own name holds a newline
const deepDir = join(base, ...Array.from({ length: 60 }, () => "d".repeat(60)));
const deepExe = join(deepDir, "tru\ne");
const FORKS = 20;
const HOSTILE_COMM = "a\nb\x1b[31m\xff\xfez"; // 12 bytes: kept whole by the kernel
const HOSTILE_PATH = "/tmp/relh\n\x1b[2J\xff\xfe\"\\";

let json: any[] = [];
let jsonStats: any;
let table = "";
let tableStats = "";
let pid = 0;

beforeAll(async () => {
  requireRoot();
  mkdirSync(deepDir, { recursive: true });
  copyFileSync("/bin/true", deepExe);
  Bun.spawnSync(["chmod", "755", deepExe]);
  const filter = ["--trace", `uts=${uts}`, "--trace", "event=openat,execve,sched_process_exec,sched_process_exit"];
  const j = await launch(["--output", "json", "--output", "option:exec-env", ...filter]);
  const t = await launch(["--output", "table", ...filter]);
  const steps = [
    `comm:${pct(HOSTILE_COMM)}`,
    `openat:${pct(HOSTILE_PATH)}:0:0`,
    `openat:${atLimit}:0:0`,
    `openat:${beyond}:0:0`,
    `forkexec:${FORKS}:/bin/true`,
    `env:${pct("EVIL=\n\x1b[31m\xff")}`,
    // fork the last steps off: each exec replaces the workload
    `argv:/bin/true:3000:8`,
  ];
  const run = async (s: string[]) => {
    const p = Bun.spawn(["unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', uts, workload(), ...s], { stdout: "ignore", stderr: "inherit" });
    await p.exited;
    return p.pid;
  };
  pid = await run(steps);
  await run([`exec:${pct(deepExe)}:${pct("x\ny\x1b\xff")}`]);
  await Bun.sleep(400);
  j.proc.kill("SIGINT");
  t.proc.kill("SIGINT");
  expect(await j.proc.exited).toBe(0);
  expect(await t.proc.exited).toBe(0);
  json = jsonLines(await j.stdout);
  jsonStats = JSON.parse(/^(\{"stats":.*\})$/m.exec(await j.stderr)![1]).stats;
  table = await t.stdout;
  tableStats = await t.stderr;
  j.cleanup();
  t.cleanup();
}, 60_000);
afterAll(() => rmSync(base, { recursive: true, force: true }));

const argOf = (e: any, name: string) => e.args.find((a: any) => a.name === name);

describe("json output of hostile processes", () => {
  test("is one JSON object per line, as many as EventCount, without errors or losses", () => {
    expect(json.length).toBe(jsonStats.EventCount);
    expect(jsonStats.ErrorCount).toBe(0);
    expect(jsonStats.LostEvCount).toBe(0);
  });

  test("keeps a comm with a newline, an escape sequence and invalid UTF-8 exact", () => {
    const ev = json.find((e) => e.hostProcessId === pid && e.eventName === "openat" && e.returnValue === -2);
    expect(ev.processName).toBe(`a\nb\x1b[31m${FFFD}${FFFD}z`);
  });

  test("keeps a path with control characters, quotes and invalid UTF-8 exact", () => {
    const ev = json.find((e) => e.hostProcessId === pid && e.eventName === "openat" && argOf(e, "pathname").value.startsWith("/tmp/relh"));
    expect(argOf(ev, "pathname").value).toBe(`/tmp/relh\n\x1b[2J${FFFD}${FFFD}"\\`);
    expect(ev.returnValue).toBe(-2);
  });

  test("shows a path of PATH_MAX - 1 bytes whole and one beyond PATH_MAX cut at 4096 bytes, marked truncated", () => {
    const full = json.find((e) => e.hostProcessId === pid && e.eventName === "openat" && argOf(e, "pathname").value === atLimit);
    expect(full).toBeDefined();
    expect(argOf(full, "pathname").truncated).toBeUndefined();
    const cut = json.find((e) => e.hostProcessId === pid && e.eventName === "openat" && e.returnValue === -36);
    expect(argOf(cut, "pathname")).toEqual({ name: "pathname", type: "const char*", value: beyond.slice(0, 4096), truncated: true });
  });

  test("reports every short-lived child's exec and exit, though each was gone before tracee read them", () => {
    const kids = json.filter((e) => e.hostParentProcessId === pid && e.eventName === "sched_process_exit" && e.processName === "true");
    expect(kids).toHaveLength(FORKS);
    expect(kids.every((e) => argOf(e, "exit_code").value === 0)).toBe(true);
    const execs = json.filter((e) => e.hostParentProcessId === pid && e.eventName === "sched_process_exec");
    expect(new Set(execs.map((e) => e.hostProcessId))).toEqual(new Set(kids.map((e) => e.hostProcessId)));
  });

  test("caps thousands of argv entries: execve keeps 128, sched_process_exec counts all 3000, both marked truncated", () => {
    const letters = (k: number) => String.fromCharCode(97 + (k % 26)).repeat(8);
    const ex = json.find((e) => e.hostProcessId === pid && e.eventName === "execve" && argOf(e, "argv")?.value[0] === letters(0));
    expect(argOf(ex, "argv").value).toEqual(Array.from({ length: 128 }, (_, k) => letters(k)));
    expect(argOf(ex, "argv").truncated).toBe(true);
    const sp = json.find((e) => e.hostProcessId === pid && e.eventName === "sched_process_exec" && argOf(e, "argv").value[0] === letters(0));
    const argv = argOf(sp, "argv");
    expect(argv.truncated).toBe(true);
    expect(argv.value).toHaveLength(3000);
    const shown = argv.value.filter((v: string) => v !== "?");
    expect(shown.length).toBeGreaterThan(100);
    shown.slice(0, -1).forEach((v: string, k: number) => expect(v).toBe(letters(k)));
    expect(argOf(sp, "env").value).toContain(`EVIL=\n\x1b[31m${FFFD}`);
  });

  test("keeps hostile argv exact and marks a path deeper than the kernel walk truncated", () => {
    const sp = json.find((e) => e.eventName === "sched_process_exec" && argOf(e, "cmdpath").value === deepExe);
    expect(sp).toBeDefined();
    expect(sp.processName).toBe("tru\ne");
    expect(argOf(sp, "argv").value).toEqual([`x\ny\x1b${FFFD}`]);
    const path = argOf(sp, "pathname");
    expect(path.value.endsWith("/tru\ne")).toBe(true);
    expect(deepExe.endsWith(path.value) || path.value === deepExe).toBe(true);
    if (path.value !== deepExe) expect(path.truncated).toBe(true);
  });
});

describe("table output of hostile processes", () => {
  test("is one row per event with every control character escaped", () => {
    const lines = table.split("\n");
    expect(lines.pop()).toBe("");
    const count = Number(/EventCount:(\d+)/.exec(tableStats)![1]);
    expect(lines.length).toBe(1 + count);
    expect(count).toBe(jsonStats.EventCount);
    for (const l of lines.slice(1)) expect(l).toMatch(/^\d+\.\d{6} /);
    expect(table).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(table).toContain("a\\nb\\x1b[31m");
    expect(table).toContain("pathname: /tmp/relh\\n\\x1b[2J");
  });
});
