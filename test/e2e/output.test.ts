// End-to-end: every --output destination and option on real events.
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsonLines, runWorkload, startTracee, WORKLOAD_COMM } from "../helpers/tracee.ts";

const OPENAT = ["--trace", "event=openat", "--trace", `comm=${WORKLOAD_COMM}`];
const tmp = () => mkdtempSync(join(tmpdir(), "tracee-out-"));

async function traceOnce(args: string[], steps = ["openat:/etc/hostname:0:0"]) {
  const t = await startTracee(args);
  const w = await runWorkload(steps);
  await Bun.sleep(150);
  return { ...(await t.stop()), pid: w.pid };
}

describe("destinations", () => {
  test("out-file: writes events to the file, creating its folders, and leaves stdout empty", async () => {
    const dir = tmp();
    const file = join(dir, "a/b/events.json");
    const r = await traceOnce([...OPENAT, "--output", "json", "--output", `out-file:${file}`]);
    expect(r.stdout).toBe("");
    const evs = jsonLines(readFileSync(file, "utf8"));
    expect(evs.some((e) => e.hostProcessId === r.pid && e.args[1].value === "/etc/hostname")).toBe(true);
    rmSync(dir, { recursive: true });
  });

  test("err-file: the statistics go to the file instead of stderr", async () => {
    const dir = tmp();
    const file = join(dir, "errors.txt");
    const r = await traceOnce([...OPENAT, "--output", `err-file:${file}`]);
    expect(readFileSync(file, "utf8")).toMatch(/Stats: \{EventCount:\d+ ErrorCount:0/);
    expect(r.stderr).not.toContain("Stats:");
    rmSync(dir, { recursive: true });
  });

  test("out-file: an existing folder is refused with one line and exit 2, before tracing", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "isdir"));
    const p = Bun.spawnSync([join(import.meta.dir, "../../dist/tracee"), "--output", `out-file:${join(dir, "isdir")}`], { stderr: "pipe" });
    expect(p.exitCode).toBe(2);
    expect(p.stderr.toString().trim().split("\n")).toHaveLength(1);
    expect(p.stderr.toString()).toContain("folder");
    rmSync(dir, { recursive: true });
  });
});

describe("options", () => {
  test("eot ends a JSON stream with one event named U+0004", async () => {
    const r = await traceOnce([...OPENAT, "--output", "json", "--output", "option:eot"]);
    const evs = jsonLines(r.stdout);
    expect(evs[evs.length - 1].eventName).toBe("\u0004");
    expect(evs.filter((e) => e.eventName === "\u0004")).toHaveLength(1);
  });

  test("--output eot (the seed README's spelling) ends a table with End of events stream on stdout", async () => {
    const r = await traceOnce([...OPENAT, "--output", "eot"]);
    expect(r.stdout.trimEnd().endsWith("End of events stream")).toBe(true);
  });

  test("relative-time gives nanoseconds since tracee started", async () => {
    const r = await traceOnce([...OPENAT, "--output", "json", "--output", "option:relative-time"]);
    const ev = jsonLines(r.stdout).find((e) => e.hostProcessId === r.pid);
    expect(ev.timestamp).toBeGreaterThan(0);
    expect(ev.timestamp).toBeLessThan(60e9);
  });

  test("timestamps are epoch nanoseconds printed as exact integers", async () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const r = await traceOnce([...OPENAT, "--output", "json"]);
    const line = r.stdout.split("\n").find((l) => l.includes(`"hostProcessId":${r.pid},`))!;
    const ts = BigInt(/"timestamp":(\d+),/.exec(line)![1]);
    expect(ts > before - 5_000_000_000n && ts < before + 60_000_000_000n).toBe(true);
  });

  test("parse-arguments turns JSON flags into names; without it they stay numbers", async () => {
    const raw = await traceOnce([...OPENAT, "--output", "json"], ["openat:/etc/hostname:02000000:0"]);
    const parsed = await traceOnce([...OPENAT, "--output", "json", "--output", "option:parse-arguments"], ["openat:/etc/hostname:02000000:0"]);
    const flags = (out: string, pid: number) => jsonLines(out).find((e) => e.hostProcessId === pid && e.args[1].value === "/etc/hostname").args[2].value;
    expect(flags(raw.stdout, raw.pid)).toBe(0o2000000);
    expect(flags(parsed.stdout, parsed.pid)).toBe("O_RDONLY|O_CLOEXEC");
  });

  test("exec-env adds envp to execve", async () => {
    const t = await startTracee(["--trace", "event=execve", "--trace", `comm=${WORKLOAD_COMM}`, "--output", "json", "--output", "option:exec-env"]);
    const p = Bun.spawn([(await import("../helpers/tracee.ts")).workload(), "exec:/bin/true:true"], { env: { TRACEE_E2E_MARK: "yes-42" } });
    await p.exited;
    await Bun.sleep(150);
    const r = await t.stop();
    const ev = jsonLines(r.stdout).find((e) => e.hostProcessId === p.pid && e.args[0].value === "/bin/true");
    expect(ev.args.map((a: any) => a.name)).toEqual(["pathname", "argv", "envp"]);
    expect(ev.args[2].value).toContain("TRACEE_E2E_MARK=yes-42");
  });

  test("exec-hash adds the sha256 of the executed file to sched_process_exec", async () => {
    const t = await startTracee(["--trace", "event=sched_process_exec", "--trace", "comm=true", "--output", "json", "--output", "option:exec-hash"]);
    await runWorkload(["exec:/bin/true:true"]);
    await Bun.sleep(150);
    const r = await t.stop();
    const ev = jsonLines(r.stdout).find((e) => e.args[0].value === "/bin/true");
    const want = new Bun.CryptoHasher("sha256").update(readFileSync("/bin/true")).digest("hex");
    expect(ev.args.find((a: any) => a.name === "sha256")).toEqual({ name: "sha256", type: "const char*", value: want });
  });

  test("stack-addresses adds the user return addresses of the call", async () => {
    const r = await traceOnce([...OPENAT, "--output", "json", "--output", "option:stack-addresses"]);
    const ev = jsonLines(r.stdout).find((e) => e.hostProcessId === r.pid && e.args[1].value === "/etc/hostname");
    expect(Array.isArray(ev.stackAddresses)).toBe(true);
    expect(ev.stackAddresses.length).toBeGreaterThan(0);
    expect(ev.stackAddresses.every((a: number) => Number.isInteger(a) && a > 0x1000)).toBe(true);
  });

  test("none prints no events but still the statistics", async () => {
    const r = await traceOnce([...OPENAT, "--output", "none"]);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/Stats: \{EventCount:\d+/);
  });

  test("gotemplate renders each event through the template file", async () => {
    const dir = tmp();
    const tpl = join(dir, "t.tmpl");
    await Bun.write(tpl, "{{.EventName}} {{.HostProcessID}}{{range .Args}} {{.Name}}={{.Value}}{{end}}\n");
    const r = await traceOnce([...OPENAT, "--output", `gotemplate=${tpl}`]);
    expect(r.stdout).toContain(`openat ${r.pid} dirfd=-100 pathname=/etc/hostname flags=0 mode=0\n`);
    rmSync(dir, { recursive: true });
  });

  test("gob is refused with a message that suggests json", () => {
    const p = Bun.spawnSync([join(import.meta.dir, "../../dist/tracee"), "--output", "gob"], { stderr: "pipe" });
    expect(p.exitCode).toBe(2);
    expect(p.stderr.toString()).toContain("json");
  });
});

describe("ordering", () => {
  test("events of processes on different CPUs come out in timestamp order", async () => {
    const t = await startTracee(["--trace", "event=openat", "--trace", `comm=${WORKLOAD_COMM}`, "--output", "json"]);
    const wl = (await import("../helpers/tracee.ts")).workload();
    const ps = [0, 1].map((cpu) => Bun.spawn(["taskset", "-c", String(cpu), wl, "loop:3000:/etc/hostname"]));
    await Promise.all(ps.map((p) => p.exited));
    await Bun.sleep(200);
    const r = await t.stop();
    const ts = r.stdout.split("\n").filter(Boolean).map((l) => BigInt(/"timestamp":(\d+),/.exec(l)![1]));
    expect(ts.length).toBeGreaterThan(6000);
    let outOfOrder = 0;
    for (let i = 1; i < ts.length; i++) if (ts[i] < ts[i - 1]) outOfOrder++;
    expect(outOfOrder).toBe(0);
  });
});
