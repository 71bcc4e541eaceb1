// End-to-end: the real executable traces real children through real eBPF, and the JSON carries their exact arguments.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jsonLines, requireRoot, runWorkload, startTracee, TRACEE, WORKLOAD_COMM } from "../helpers/tracee.ts";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";

const EVENTS = "event=execve,openat,close,sched_process_exec,sched_process_exit,sched_process_fork";

/** BPF objects (prog_id, map_id, link_id) held by a process, read from its fds' fdinfo. */
function bpfObjectsOf(pid: number): { kind: string; id: number }[] {
  const out: { kind: string; id: number }[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    let info = "";
    try {
      info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8");
    } catch {
      continue;
    }
    for (const m of info.matchAll(/^(prog|map|link)_id:\s+(\d+)$/gm)) out.push({ kind: m[1], id: Number(m[2]) });
  }
  return out;
}
const exists = (o: { kind: string; id: number }) =>
  Bun.spawnSync(["bpftool", o.kind, "show", "id", String(o.id)], { stdout: "pipe", stderr: "pipe" }).exitCode === 0;
/** The kernel frees a closed object after an RCU grace period, so wait a little before calling it leaked. */
async function leftovers(objs: { kind: string; id: number }[], ms = 3000) {
  const t0 = Date.now();
  while (objs.some(exists) && Date.now() - t0 < ms) await Bun.sleep(50);
  return objs.filter(exists);
}

describe("tracing real processes as JSON", () => {
  let out: any[] = [];
  let code: number | null = null;
  let stderr = "";
  let openPid = 0;
  let execPid = 0;
  let failPid = 0;
  let missingPid = 0;
  let forkPid = 0;
  let forkChild = 0;
  const path = `/tmp/tracee-e2e-open-${process.pid}`;

  beforeAll(async () => {
    requireRoot();
    const t = await startTracee(["--output", "json", "--trace", EVENTS, "--trace", `comm=${WORKLOAD_COMM},echo`]);
    openPid = (await runWorkload([`openat:${path}:0101:0640`])).pid;
    missingPid = (await runWorkload(["openat:/nonexistent/tracee-e2e:0:0"])).pid;
    execPid = (await runWorkload(["exec:/bin/echo:echo:hello:tracee world"])).pid;
    failPid = (await runWorkload(["exec:/nonexistent-binary:x"])).pid;
    const f = await runWorkload(["fork"]);
    forkPid = f.pid;
    forkChild = Number(/fork (\d+)/.exec(f.stdout)?.[1]);
    await Bun.sleep(300);
    const r = await t.stop("SIGTERM");
    code = r.code;
    stderr = r.stderr;
    out = jsonLines(r.stdout);
    rmSync(path, { force: true });
  }, 60_000);

  test("exits 0 on SIGTERM and prints the statistics to stderr", () => {
    expect(code).toBe(0);
    expect(stderr).toMatch(/"stats":\{"EventCount":\d+,"ErrorCount":0,"LostEvCount":0/);
  });

  test("reports openat with its dirfd, path, flags, mode and the returned fd", () => {
    const ev = out.find((e) => e.hostProcessId === openPid && e.eventName === "openat" && e.args.some((a: any) => a.value === path));
    expect(ev).toBeDefined();
    expect(ev.eventId).toBe("257");
    expect(ev.processName).toBe(WORKLOAD_COMM);
    expect(ev.args).toEqual([
      { name: "dirfd", type: "int", value: -100 },
      { name: "pathname", type: "const char*", value: path },
      { name: "flags", type: "int", value: 0o101 },
      { name: "mode", type: "mode_t", value: 0o640 },
    ]);
    expect(ev.returnValue).toBeGreaterThanOrEqual(3);
    // the loader closes earlier fds with the same number; the close that matters is the last one
    const closes = out.filter((e) => e.hostProcessId === openPid && e.eventName === "close" && e.args[0].value === ev.returnValue);
    const close = closes[closes.length - 1];
    expect(close).toBeDefined();
    expect(close.returnValue).toBe(0);
    expect(close.timestamp).toBeGreaterThan(ev.timestamp);
  });

  test("reports a failed openat with the negative errno", () => {
    const ev = out.find((e) => e.hostProcessId === missingPid && e.eventName === "openat" && e.args[1]?.value === "/nonexistent/tracee-e2e");
    expect(ev).toBeDefined();
    expect(ev.returnValue).toBe(-2);
  });

  test("reports execve at entry with the path and argv, then sched_process_exec", () => {
    // the first execve of that pid is the test starting the workload itself
    const ev = out.find((e) => e.hostProcessId === execPid && e.eventName === "execve" && e.args[0].value === "/bin/echo");
    expect(ev).toBeDefined();
    expect(ev.returnValue).toBe(0);
    expect(ev.args[0]).toEqual({ name: "pathname", type: "const char*", value: "/bin/echo" });
    expect(ev.args[1]).toEqual({ name: "argv", type: "const char*const*", value: ["echo", "hello", "tracee world"] });
    const exec = out.find((e) => e.hostProcessId === execPid && e.eventName === "sched_process_exec" && e.args[0].value === "/bin/echo");
    expect(exec).toBeDefined();
    expect(exec.processName).toBe("echo");
    const arg = (n: string) => exec.args.find((a: any) => a.name === n)?.value;
    expect(arg("cmdpath")).toBe("/bin/echo");
    expect(arg("pathname")).toMatch(/\/echo$/);
    expect(arg("argv")).toEqual(["echo", "hello", "tracee world"]);
  });

  test("reports a failed execve twice: at entry, and at exit with the errno", () => {
    const evs = out.filter((e) => e.hostProcessId === failPid && e.eventName === "execve" && e.args[0].value === "/nonexistent-binary");
    expect(evs.map((e) => e.returnValue)).toEqual([0, -2]);
    expect(evs[1].args[0].value).toBe("/nonexistent-binary");
  });

  test("reports the exit of each child with its pid namespace ids and context", () => {
    const ev = out.find((e) => e.hostProcessId === openPid && e.eventName === "sched_process_exit");
    expect(ev).toBeDefined();
    expect(ev.processId).toBe(openPid);
    expect(ev.hostParentProcessId).toBe(process.pid);
    expect(ev.userId).toBe(0);
    expect(typeof ev.mountNamespace).toBe("number");
    expect(ev.containerId).toBe("");
    expect(ev.stackAddresses).toBeNull();
  });

  test("reports a fork with the parent's and the child's ids", () => {
    const ev = out.find((e) => e.eventName === "sched_process_fork" && e.hostProcessId === forkPid);
    expect(ev).toBeDefined();
    const arg = (n: string) => ev.args.find((a: any) => a.name === n)?.value;
    expect(arg("parent_tid")).toBe(forkPid);
    expect(arg("parent_ns_tid")).toBe(forkPid);
    expect(arg("child_tid")).toBe(forkChild);
    expect(arg("child_ns_tid")).toBe(forkChild);
  });

  test("never reports tracee's own process", async () => {
    // other tracers may run on this host; only this instance's own pid must never appear in its output
    const t = await startTracee(["--output", "json", "--trace", "event=openat,close,read,write,epoll_wait,mmap"]);
    await Bun.sleep(300);
    const r = await t.stop();
    expect(jsonLines(r.stdout).some((e) => e.hostProcessId === t.pid)).toBe(false);
  });
});

describe("filters given on the command line", () => {
  test("--trace comm= keeps only that command's events, in the kernel", async () => {
    const t = await startTracee(["--output", "json", "--trace", "event=openat", "--trace", `comm=${WORKLOAD_COMM}`]);
    const { pid } = await runWorkload(["openat:/etc/hostname:0:0"]);
    await Bun.sleep(200);
    const r = await t.stop();
    const evs = jsonLines(r.stdout);
    expect(evs.length).toBeGreaterThan(0);
    expect(evs.every((e) => e.processName === WORKLOAD_COMM && e.eventName === "openat")).toBe(true);
    expect(evs.some((e) => e.hostProcessId === pid && e.args[1].value === "/etc/hostname")).toBe(true);
  });

  test("--trace pid= keeps only that thread's events", async () => {
    const t = await startTracee(["--output", "json", "--trace", "event:openat", "--trace", `pid=${process.pid}`]);
    await runWorkload(["openat:/etc/hostname:0:0"]);
    Bun.file("/etc/hostname").size; // this process's own openat is not guaranteed; the filter must exclude the child
    await Bun.sleep(200);
    const r = await t.stop();
    expect(jsonLines(r.stdout).every((e) => e.hostThreadId === process.pid)).toBe(true);
  });
});

describe("the table of the seed README", () => {
  test("prints the header and one aligned row per event", async () => {
    const t = await startTracee(["--trace", "event=openat", "--trace", `comm=${WORKLOAD_COMM}`]);
    await runWorkload(["openat:/etc/hostname:0:0"]);
    await Bun.sleep(200);
    const r = await t.stop();
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("TIME(s)        UID    COMM             PID     TID     RET             EVENT                ARGS");
    const row = lines.find((l) => l.includes("/etc/hostname"));
    // the COMM cell is 16 wide: the name, then spaces up to the PID column
    expect(row).toMatch(new RegExp(`^\\d+\\.\\d{6}\\s+0 {6}${WORKLOAD_COMM.padEnd(16)} \\d+ +\\d+ +\\d+ +openat {15}dirfd: -100, pathname: /etc/hostname, flags: O_RDONLY, mode: 0$`));
    expect(r.stderr).toContain("End of events stream");
    expect(r.stderr).toMatch(/Stats: \{EventCount:\d+ ErrorCount:0 LostEvCount:0 LostWrCount:0 LostNtCount:0\}/);
  });
});

describe("cleanup", () => {
  test("leaves no BPF program, link or map of tracee in the kernel after it exits", async () => {
    const t = await startTracee(["--output", "json"]);
    const objs = bpfObjectsOf(t.pid);
    expect(objs.filter((o) => o.kind === "prog").length).toBeGreaterThanOrEqual(5);
    expect(objs.filter((o) => o.kind === "link").length).toBeGreaterThanOrEqual(5);
    expect(objs.filter((o) => o.kind === "map").length).toBeGreaterThan(5);
    const r = await t.stop();
    expect(r.code).toBe(0);
    expect(await leftovers(objs)).toEqual([]);
  });

  test("removes its readiness file when it exits", async () => {
    const t = await startTracee([]);
    expect(existsSync(`${t.dir}/out/tracee.pid`)).toBe(true);
    const dir = t.dir;
    await t.stop();
    expect(existsSync(`${dir}/out/tracee.pid`)).toBe(false);
  });
});

describe("command line answers without tracing", () => {
  const run = (args: string[]) => Bun.spawnSync([TRACEE, ...args], { stdout: "pipe", stderr: "pipe" });
  test("--version prints the version", () => {
    const r = run(["--version"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toMatch(/^tracee \d+\.\d+\.\d+\n$/);
  });
  test("--help lists the flags and examples on stdout", () => {
    const r = run(["--help"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toContain("--trace");
    expect(r.stdout.toString()).toContain("EXAMPLES");
  });
  test("an unknown flag is a usage error with exit code 2 and one line", () => {
    const r = run(["--bogus"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.toString().trim().split("\n")).toHaveLength(1);
  });
  test("--trace help prints the grammar to stdout and exits 0", () => {
    const r = run(["--trace", "help"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString()).toContain("follow");
  });
});
