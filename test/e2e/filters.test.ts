// End-to-end: every --trace field and operator against real processes, filtered in the kernel or in user space.
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsonLines, runWorkload, startTracee, workload, WORKLOAD_COMM } from "../helpers/tracee.ts";

const dir = mkdtempSync(join(tmpdir(), "tracee-flt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** A path no other process on the host opens, so an openat of it identifies the child that did it. */
const mark = (tag: string) => join(dir, `mark-${tag}`);
const opened = (out: string, path: string) => jsonLines(out).filter((e) => e.eventName === "openat" && e.args[1]?.value === path);

/** Runs `cmd` (a child of this test) while tracee runs with `args`; returns tracee's events. */
async function traceRun(args: string[], children: () => Promise<void>): Promise<string> {
  const t = await startTracee(["--output", "json", ...args]);
  await children();
  await Bun.sleep(200);
  return (await t.stop()).stdout;
}
const spawnWait = async (argv: string[], env?: Record<string, string>) => {
  const p = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe", env: env ?? process.env });
  const out = await new Response(p.stdout).text();
  await p.exited;
  return { pid: p.pid, out };
};

describe("process fields filtered in the kernel", () => {
  test("uid= keeps a child that switched to that uid, and uid!= drops it", async () => {
    const a = mark("uid-a");
    const b = mark("uid-b");
    writeFileSync(a, "");
    writeFileSync(b, "");
    const as = (uid: number, path: string) => spawnWait(["setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", workload(), `openat:${path}:0:0`]);
    const inOut = await traceRun(["--trace", "event=openat", "--trace", "uid=65534"], async () => {
      await as(65534, a);
      await as(0, b);
    });
    expect(opened(inOut, a).map((e) => e.userId)).toEqual([65534]);
    expect(opened(inOut, b)).toEqual([]);
    const notOut = await traceRun(["--trace", "event=openat", "--trace", "uid!=65534", "--trace", `comm=${WORKLOAD_COMM}`], async () => {
      await as(65534, a);
      await as(0, b);
    });
    expect(opened(notOut, a)).toEqual([]);
    expect(opened(notOut, b)).toHaveLength(1);
  });

  test("uid>N and uid<=N are bounds on the real uid", async () => {
    const a = mark("uidgt");
    writeFileSync(a, "");
    const run = (expr: string) =>
      traceRun(["--trace", "event=openat", "--trace", expr, "--trace", `comm=${WORKLOAD_COMM}`], async () => {
        await spawnWait(["setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", workload(), `openat:${a}:0:0`]);
        await runWorkload([`openat:${a}:0:0`]);
      });
    expect(opened(await run("uid>999"), a).map((e) => e.userId)).toEqual([1000]);
    expect(opened(await run("uid<=999"), a).map((e) => e.userId)).toEqual([0]);
    expect(opened(await run("uid>=1000"), a).map((e) => e.userId)).toEqual([1000]);
  });

  test("mntns=, pidns= and uts= select a child in new namespaces", async () => {
    const path = mark("ns");
    const gate = mark("ns-gate");
    writeFileSync(path, "");
    // the child waits at a gate so that its namespace ids can be read before tracee starts
    const child = Bun.spawn(["unshare", "--mount", "--uts", "--pid", "--fork", "sh", "-c", `hostname tracee-ns-e2e; exec ${workload()} wait:${gate} openat:${path}:0:0`]);
    let pid = 0;
    for (let i = 0; i < 100 && !pid; i++) {
      await Bun.sleep(20);
      // unshare and the shell carry the same command line; the child is the one that became the workload
      const kids = Bun.spawnSync(["pgrep", "-f", `wait:${gate}`]).stdout.toString().trim().split("\n").filter(Boolean);
      pid = Number(kids.find((k) => readFileSync(`/proc/${k}/comm`, "utf8").trim() === WORKLOAD_COMM) ?? 0);
    }
    expect(pid).toBeGreaterThan(0);
    const ns = (kind: string) => /\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/${kind}`))![1];
    const mnt = ns("mnt");
    const pidns = ns("pid_for_children");
    const t1 = await startTracee(["--output", "json", "--trace", "event=openat", "--trace", `mntns=${mnt}`]);
    const t2 = await startTracee(["--output", "json", "--trace", "event=openat", "--trace", `pidns=${pidns}`]);
    const t3 = await startTracee(["--output", "json", "--trace", "event=openat", "--trace", "uts=tracee-ns-e2e"]);
    writeFileSync(gate, "");
    await child.exited;
    await Bun.sleep(200);
    for (const t of [t1, t2, t3]) {
      const evs = jsonLines((await t.stop()).stdout);
      expect(evs.length).toBeGreaterThan(0);
      expect(evs.every((e) => String(e.mountNamespace) === mnt)).toBe(true);
      const ev = evs.find((e) => e.args[1]?.value === path);
      expect(ev).toBeDefined();
      expect(ev.hostName).toBe("tracee-ns-e2e");
      expect(ev.processId).toBe(1);
      expect(ev.hostProcessId).toBe(pid);
    }
  }, 60_000);

  test("pid=new skips a process that existed before tracee; pid!=new keeps only that one", async () => {
    const gate = mark("new-gate");
    const old = mark("new-old");
    const young = mark("new-young");
    writeFileSync(old, "");
    writeFileSync(young, "");
    const before = Bun.spawn([workload(), `wait:${gate}`, `openat:${old}:0:0`]);
    await Bun.sleep(100);
    const tNew = await startTracee(["--output", "json", "--trace", "event=openat", "--trace", "pid=new", "--trace", `comm=${WORKLOAD_COMM}`]);
    const tOld = await startTracee(["--output", "json", "--trace", "event=openat", "--trace", "pid!=new", "--trace", `comm=${WORKLOAD_COMM}`]);
    writeFileSync(gate, "");
    await before.exited;
    await runWorkload([`openat:${young}:0:0`]);
    await Bun.sleep(200);
    const outNew = (await tNew.stop()).stdout;
    const outOld = (await tOld.stop()).stdout;
    expect(opened(outNew, old)).toEqual([]);
    expect(opened(outNew, young)).toHaveLength(1);
    expect(opened(outOld, old)).toHaveLength(1);
    expect(opened(outOld, young)).toEqual([]);
  });

  test("follow traces the children a matching process starts, through fork and exec", async () => {
    const shell = join(dir, `fs-${process.pid % 100000}`);
    copyFileSync("/bin/sh", shell);
    Bun.spawnSync(["chmod", "755", shell]);
    const a = mark("follow-a");
    const b = mark("follow-b");
    writeFileSync(a, "");
    writeFileSync(b, "");
    const script = `${workload()} openat:${a}:0:0; ${workload()} fork openat:${b}:0:0; true`;
    const comm = shell.slice(shell.lastIndexOf("/") + 1);
    const withFollow = await traceRun(["--trace", "event=openat", "--trace", `comm=${comm}`, "--trace", "follow"], async () => {
      await spawnWait([shell, "-c", script]);
    });
    expect(opened(withFollow, a).map((e) => e.processName)).toEqual([WORKLOAD_COMM]);
    expect(opened(withFollow, b)).toHaveLength(1);
    const without = await traceRun(["--trace", "event=openat", "--trace", `comm=${comm}`], async () => {
      await spawnWait([shell, "-c", script]);
    });
    expect(opened(without, a)).toEqual([]);
    // the seed README's spelling: --follow as a flag
    const flag = await traceRun(["--trace", "event=openat", "--trace", `comm=${comm}`, "--follow"], async () => {
      await spawnWait([shell, "-c", script]);
    });
    expect(opened(flag, a)).toHaveLength(1);
  });

  test("tree= traces a process that existed before start and its descendants, tree!= excludes them", async () => {
    const gate = mark("tree-gate");
    const a = mark("tree-a");
    writeFileSync(a, "");
    const parent = Bun.spawn(["sh", "-c", `${workload()} wait:${gate}; ${workload()} openat:${a}:0:0; true`]);
    await Bun.sleep(100);
    const tIn = await startTracee(["--output", "json", "--trace", "event=openat", "--trace", `tree=${parent.pid}`]);
    const tOut = await startTracee(["--output", "json", "--trace", "event=openat", "--trace", `tree!=${parent.pid}`, "--trace", `comm=${WORKLOAD_COMM}`]);
    writeFileSync(gate, "");
    await parent.exited;
    const other = await runWorkload([`openat:${a}:0:0`]);
    await Bun.sleep(200);
    const inEvs = opened((await tIn.stop()).stdout, a);
    const outEvs = opened((await tOut.stop()).stdout, a);
    expect(inEvs).toHaveLength(1);
    expect(inEvs[0].hostParentProcessId).toBe(parent.pid);
    expect(outEvs.map((e) => e.hostProcessId)).toEqual([other.pid]);
  });
});

describe("argument and return-value filters in user space", () => {
  test("EVENT.ARG=value matches exactly, a trailing * matches a prefix and a leading * a suffix", async () => {
    const a = mark("arg-alpha.conf");
    const b = mark("arg-beta.txt");
    writeFileSync(a, "");
    writeFileSync(b, "");
    const run = (expr: string) =>
      traceRun(["--trace", `comm=${WORKLOAD_COMM}`, "--trace", expr], async () => {
        await runWorkload([`openat:${a}:0:0`, `openat:${b}:0:0`]);
      });
    const exact = jsonLines(await run(`openat.pathname=${a}`));
    expect(exact.map((e) => e.args[1].value)).toEqual([a]);
    const prefix = jsonLines(await run(`openat.pathname=${join(dir, "mark-arg-")}*`));
    expect(prefix.map((e) => e.args[1].value).sort()).toEqual([a, b]);
    const suffix = jsonLines(await run("openat.pathname=*.txt"));
    expect(suffix.map((e) => e.args[1].value)).toEqual([b]);
    const not = jsonLines(await run(`openat.pathname!=${a}`));
    expect(not.some((e) => e.args[1].value === a)).toBe(false);
    expect(not.some((e) => e.args[1].value === b)).toBe(true);
  });

  test("EVENT.retval filters on the return value with = < > and !=", async () => {
    const a = mark("ret");
    writeFileSync(a, "");
    const missing = join(dir, "does-not-exist");
    const run = (expr: string) =>
      traceRun(["--trace", `comm=${WORKLOAD_COMM}`, "--trace", expr], async () => {
        await runWorkload([`openat:${a}:0:0`, `openat:${missing}:0:0`]);
      });
    const failed = jsonLines(await run("openat.retval<0"));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((e) => e.returnValue < 0)).toBe(true);
    expect(failed.some((e) => e.args[1].value === missing && e.returnValue === -2)).toBe(true);
    const enoent = jsonLines(await run("openat.retval=-2"));
    expect(enoent.every((e) => e.returnValue === -2)).toBe(true);
    const ok = jsonLines(await run("openat.retval>=0"));
    expect(ok.some((e) => e.args[1].value === a)).toBe(true);
    expect(ok.some((e) => e.args[1].value === missing)).toBe(false);
  });

  test("a numeric argument filter compares the raw value", async () => {
    const a = mark("flags");
    writeFileSync(a, "");
    const out = await traceRun(["--trace", `comm=${WORKLOAD_COMM}`, "--trace", `openat.flags=${0o2000000}`], async () => {
      await runWorkload([`openat:${a}:0:0`, `openat:${a}:02000000:0`]);
    });
    const evs = opened(out, a);
    expect(evs.map((e) => e.args[2].value)).toEqual([0o2000000]);
  });
});

describe("event selection", () => {
  test("event=open* selects every event with that prefix and event!= removes set members", async () => {
    const a = mark("sel");
    writeFileSync(a, "");
    const out = await traceRun(["--trace", `comm=${WORKLOAD_COMM}`, "--trace", "set=fs_file_ops", "--trace", "event!=close"], async () => {
      await runWorkload([`openat:${a}:0:0`]);
    });
    const names = new Set(jsonLines(out).map((e) => e.eventName));
    expect(names.has("openat")).toBe(true);
    expect(names.has("close")).toBe(false);
  });

  test("a bad expression stops tracee before loading anything, with one line and exit 2", () => {
    for (const expr of ["uid>=abc", "bogus=1", "openat.nosuch=1", "pid=99999999999", "event=nosuchevent", "uid=<5"]) {
      const p = Bun.spawnSync([join(import.meta.dir, "../../dist/tracee"), "--trace", expr], { stderr: "pipe" });
      expect(p.exitCode).toBe(2);
      const lines = p.stderr.toString().trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(expr.split(/[=<>!]/)[0]);
    }
  });
});
