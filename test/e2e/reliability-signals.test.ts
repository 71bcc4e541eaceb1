// How tracee ends: on SIGINT, SIGTERM and SIGHUP cleanly (exit 0), quietly when its reader goes away (EPIPE), at once
// on a second Ctrl-C (130), and after kill -9: never leaving a BPF program, link, map or temporary file behind.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bpfIdsOf, leftAfterExit, type BpfIds } from "../helpers/kernel-objects.ts";
import { filesIn, launch, pidIn, waitFor, type Launched } from "../helpers/launch.ts";
import { jsonLines, requireRoot, runWorkload, TRACEE } from "../helpers/tracee.ts";

const tag = (k: string) => `rel${process.pid % 100000}${k}`; // a comm of our own (15 bytes at most)
const NONE: BpfIds = { progs: [], maps: [], links: [] };
const scratch = mkdtempSync(join(tmpdir(), "tracee-rel-sig-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function expectHolds(ids: BpfIds): void {
  expect(ids.progs.length).toBeGreaterThan(0);
  expect(ids.links.length).toBeGreaterThan(0);
  expect(ids.maps.length).toBeGreaterThan(0);
}

describe("a clean stop", () => {
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    test(`on ${sig}: exit 0, events and statistics printed, nothing left in the kernel, TMPDIR or capture folder`, async () => {
      const comm = tag(sig.slice(3, 6).toLowerCase());
      const t = await launch(["--output", "json", "--trace", "event=openat", "--trace", `comm=${comm}`]);
      const ids = bpfIdsOf(t.pid);
      expectHolds(ids);
      const { pid } = await runWorkload([`comm:${comm}`, "openat:/etc/hostname:0:0"]);
      await Bun.sleep(200);
      t.proc.kill(sig);
      expect(await t.proc.exited).toBe(0);
      const evs = jsonLines(await t.stdout);
      expect(evs.some((e) => e.hostProcessId === pid && e.args[1].value === "/etc/hostname")).toBe(true);
      expect(await t.stderr).toMatch(/^\{"stats":\{"EventCount":\d+,"ErrorCount":0,"LostEvCount":0,/m);
      expect(await leftAfterExit(ids)).toEqual(NONE);
      expect(filesIn(t.tmp)).toEqual([]);
      expect(existsSync(t.readiness)).toBe(false);
      t.cleanup();
    });
  }
});

describe("the reader going away", () => {
  test("tracee | head -n 1: the first event arrives, then tracee ends quietly with 0 and cleans up", async () => {
    requireRoot();
    const comm = tag("pipe");
    const dir = mkdtempSync(join(scratch, "pipe-"));
    const tmp = mkdtempSync(join(scratch, "pipe-tmp-"));
    const script = `TMPDIR=${tmp} ${TRACEE} --output json --trace event=openat --trace comm=${comm} --capture dir:${dir} 2>${dir}/err ` +
      `| head -n 1 >${dir}/first; echo \${PIPESTATUS[0]} >${dir}/rc`;
    const sh = Bun.spawn(["bash", "-c", script], { stdout: "ignore", stderr: "inherit" });
    const readiness = join(dir, "out/tracee.pid");
    await waitFor(readiness, () => sh.exitCode === null);
    const ids = bpfIdsOf(pidIn(readiness));
    expectHolds(ids);
    // more than a pipe holds, twice: head has gone by the second round, so tracee's write fails with EPIPE
    for (let i = 0; i < 10 && sh.exitCode === null; i++) {
      await runWorkload([`comm:${comm}`, "loop:2000:/etc/hostname"]);
      await Bun.sleep(100);
    }
    expect(await Promise.race([sh.exited, Bun.sleep(10000).then(() => "timeout")])).toBe(0);
    expect(readFileSync(`${dir}/rc`, "utf8").trim()).toBe("0");
    expect(JSON.parse(readFileSync(`${dir}/first`, "utf8")).eventName).toBe("openat");
    // quiet: the statistics and nothing else (no EPIPE error, no stack trace)
    expect(readFileSync(`${dir}/err`, "utf8")).toMatch(/^\{"stats":\{"EventCount":\d+,[^\n]*\}\}\n$/);
    expect(await leftAfterExit(ids)).toEqual(NONE);
    expect(filesIn(tmp)).toEqual([]);
    expect(existsSync(readiness)).toBe(false);
  }, 30_000);

  test("tracee --debug 2>&1 | head -n 1: logs and events share the pipe, and its end is still a clean exit 0", async () => {
    requireRoot();
    const comm = tag("pipe2");
    const dir = mkdtempSync(join(scratch, "pipe2-"));
    const script = `${TRACEE} --debug --output json --trace event=openat --trace comm=${comm} --capture dir:${dir} 2>&1 ` +
      `| head -n 1 >${dir}/first; echo \${PIPESTATUS[0]} >${dir}/rc`;
    const sh = Bun.spawn(["bash", "-c", script], { stdout: "ignore", stderr: "inherit" });
    const readiness = join(dir, "out/tracee.pid");
    await waitFor(readiness, () => sh.exitCode === null);
    const ids = bpfIdsOf(pidIn(readiness));
    for (let i = 0; i < 10 && sh.exitCode === null; i++) {
      await runWorkload([`comm:${comm}`, "loop:2000:/etc/hostname"]);
      await Bun.sleep(100);
    }
    expect(await Promise.race([sh.exited, Bun.sleep(10000).then(() => "timeout")])).toBe(0);
    // a log line on a closed stderr used to crash it with exit 1, leaving the readiness file behind
    expect(readFileSync(`${dir}/rc`, "utf8").trim()).toBe("0");
    // the first line through the shared pipe is a --debug log line, plain in a pipe whatever CI or NODE_ENV say
    expect(readFileSync(`${dir}/first`, "utf8")).toMatch(/^\[debug\] /);
    expect(await leftAfterExit(ids)).toEqual(NONE);
    expect(existsSync(readiness)).toBe(false);
  }, 30_000);

  test("a second Ctrl-C ends a tracee whose reader stalled at once, with 130, and it still cleans up", async () => {
    const comm = tag("stall");
    const fifo = join(scratch, "stall.fifo");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    // a reader that never reads: the pipe fills and tracee's output backs up
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, "w");
    const t = await launch(["--output", "json", "--trace", "event=openat", "--trace", `comm=${comm}`], { stdout: writer });
    closeSync(writer);
    const ids = bpfIdsOf(t.pid);
    await runWorkload([`comm:${comm}`, "loop:5000:/etc/hostname"]);
    await Bun.sleep(300);
    t.proc.kill("SIGINT");
    await Bun.sleep(700);
    // the first Ctrl-C stops tracing but waits for the output to be written: it is still there
    expect(t.proc.exitCode).toBeNull();
    t.proc.kill("SIGINT");
    expect(await Promise.race([t.proc.exited, Bun.sleep(3000).then(() => "timeout")])).toBe(130);
    expect(await t.stderr).toContain("SIGINT again: exiting now");
    closeSync(reader);
    expect(await leftAfterExit(ids)).toEqual(NONE);
    expect(filesIn(t.tmp)).toEqual([]);
    expect(existsSync(t.readiness)).toBe(false);
    t.cleanup();
  }, 30_000);
});

describe("a full disk", () => {
  test("ends tracee with exit 1, one line naming the error and the bytes not written, the statistics, and a clean kernel", async () => {
    const mnt = mkdtempSync(join(scratch, "full-"));
    expect(Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt]).exitCode).toBe(0);
    try {
      const comm = tag("full");
      const t = await launch(["--output", "json", "--output", `out-file:${mnt}/events.json`, "--trace", "event=openat", "--trace", `comm=${comm}`]);
      const ids = bpfIdsOf(t.pid);
      await runWorkload([`comm:${comm}`, "loop:2000:/etc/hostname"]);
      expect(await Promise.race([t.proc.exited, Bun.sleep(10000).then(() => "timeout")])).toBe(1);
      const lines = (await t.stderr).trim().split("\n");
      expect(lines[0]).toMatch(/^\{"stats":\{"EventCount":\d+,/);
      expect(lines[1]).toMatch(/^tracee: writing to .*events\.json failed: ENOSPC.*\(\d+ bytes of events not written\); free space there or choose another destination/);
      expect(lines).toHaveLength(2);
      expect(await leftAfterExit(ids)).toEqual(NONE);
      expect(existsSync(t.readiness)).toBe(false);
      t.cleanup();
    } finally {
      Bun.spawnSync(["umount", mnt]);
    }
  }, 30_000);
});

describe("kill -9", () => {
  test("the kernel frees every program, link and map, no temporary file stays, and the next start replaces the stale readiness file", async () => {
    const t = await launch(["--output", "json", "--trace", "event=openat", "--trace", `comm=${tag("kill")}`]);
    const ids = bpfIdsOf(t.pid);
    expectHolds(ids);
    t.proc.kill("SIGKILL");
    await t.proc.exited;
    expect(t.proc.signalCode).toBe("SIGKILL");
    expect(await leftAfterExit(ids)).toEqual(NONE);
    expect(filesIn(t.tmp)).toEqual([]);
    // a killed process cannot remove its readiness file; it names a dead pid, and the next tracee replaces it
    expect(pidIn(t.readiness)).toBe(t.pid);
    const next = Bun.spawn([TRACEE, "--output", "none", "--trace", "event=openat", "--capture", `dir:${t.dir}`], { stdout: "ignore", stderr: "pipe" });
    const t0 = Date.now();
    while (!(existsSync(t.readiness) && pidIn(t.readiness) === next.pid) && Date.now() - t0 < 20000) await Bun.sleep(20);
    expect(pidIn(t.readiness)).toBe(next.pid);
    next.kill("SIGTERM");
    expect(await next.exited).toBe(0);
    expect(existsSync(t.readiness)).toBe(false);
    t.cleanup();
  }, 40_000);
});

describe("two instances side by side", () => {
  test("both see a child's events, and stopping one leaves the other tracing", async () => {
    const comm = tag("two");
    const args = ["--output", "json", "--trace", "event=openat", "--trace", `comm=${comm}`];
    const a = await launch(args);
    const b = await launch(args);
    const idsA = bpfIdsOf(a.pid), idsB = bpfIdsOf(b.pid);
    expect(idsA.progs.some((p) => idsB.progs.includes(p))).toBe(false);
    const first = await runWorkload([`comm:${comm}`, "openat:/etc/hostname:0:0"]);
    await Bun.sleep(200);
    a.proc.kill("SIGTERM");
    expect(await a.proc.exited).toBe(0);
    expect(await leftAfterExit(idsA)).toEqual(NONE);
    const second = await runWorkload([`comm:${comm}`, "openat:/etc/passwd:0:0"]);
    await Bun.sleep(200);
    b.proc.kill("SIGTERM");
    expect(await b.proc.exited).toBe(0);
    const seen = (out: string, pid: number, path: string) => jsonLines(out).some((e) => e.hostProcessId === pid && e.args[1].value === path);
    const outA = await a.stdout, outB = await b.stdout;
    expect(seen(outA, first.pid, "/etc/hostname")).toBe(true);
    expect(seen(outB, first.pid, "/etc/hostname")).toBe(true);
    expect(seen(outB, second.pid, "/etc/passwd")).toBe(true);
    expect(seen(outA, second.pid, "/etc/passwd")).toBe(false);
    expect(await leftAfterExit(idsB)).toEqual(NONE);
    a.cleanup();
    b.cleanup();
  }, 40_000);
});
