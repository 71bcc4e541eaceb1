// The oracle: one scripted workload (files, sockets, processes, ids) runs once, traced at the same time by
// tracee and by `strace -f -X raw`, and both must report the same syscalls with the same arguments and
// return values.
//
// Comparison rules:
// - Only the syscalls of COMPARE are compared; strace traces exactly those, tracee is given them as events and
//   filters on the workload's comm, so neither side sees the other's own syscalls.
// - Calls are matched per thread, in order (tracee's events sorted by their entry time): the i-th call of a
//   thread on one side is the i-th on the other, and the two lists must have the same length and names.
// - Return values must be equal; strace's `-1 ENAME` is -errno.
// - Arguments are compared where COMPARE lists a kind for them and strace printed them (strace leaves out
//   arguments a call ignores, e.g. openat's mode without O_CREAT, mknodat's dev for a fifo): integers as
//   exact 64-bit values, strings byte for byte, int[2] and timespec field by field, sockaddrs as family, port
//   and address (IPv6 in its canonical text form), unix sockets by path. Buffers (`skip`) are not compared:
//   strace prints their contents, tracee the pointer.
// - Syscalls that never return (exit_group) appear in strace as `= ?` and, as the reference says, never as a
//   tracee syscall event.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EVENT_BY_NAME } from "../../src/events/schema.ts";
import { errnoName } from "../../src/output/parse-args.ts";
import { evfix, FIXTURE_COMM } from "../helpers/events.ts";
import { int, parseStrace, str, straceSockaddr, traceeSockaddr, type StraceCall } from "../helpers/strace.ts";
import { jsonLines, requireRoot, startTracee } from "../helpers/tracee.ts";

type Kind = "int" | "str" | "sockaddr" | "int2" | "timespec" | "skip";
const COMPARE: Record<string, Kind[]> = {
  openat: ["int", "str", "int", "int"],
  close: ["int"],
  write: ["int", "skip", "int"],
  pwrite64: ["int", "skip", "int", "int"],
  writev: ["int", "skip", "int"],
  lseek: ["int", "int", "int"],
  socket: ["int", "int", "int"],
  bind: ["int", "sockaddr", "int"],
  listen: ["int", "int"],
  connect: ["int", "sockaddr", "int"],
  accept4: ["int", "sockaddr", "skip", "int"],
  getsockname: ["int", "sockaddr", "skip"],
  dup: ["int"],
  dup3: ["int", "int", "int"],
  pipe2: ["int2", "int"],
  nanosleep: ["timespec", "int"],
  clock_nanosleep: ["int", "int", "timespec", "int"],
  mknodat: ["int", "str", "int", "int"],
  unlinkat: ["int", "str", "int"],
  unlink: ["str"],
  chdir: ["str"],
  setresuid: ["int", "int", "int"],
  setresgid: ["int", "int", "int"],
  fanotify_mark: ["int", "int", "int", "int", "str"],
  mprotect: ["int", "int", "int"],
  wait4: ["int", "skip", "int", "skip"],
  exit_group: ["int"],
};
const NEVER_RETURN = new Set(["exit_group"]);

const ERRNO = new Map<string, number>();
for (let i = 1; i < 4096; i++) { const n = errnoName(-i); if (n && !ERRNO.has(n)) ERRNO.set(n, i); }

const big = (v: unknown) => BigInt(typeof v === "number" ? Math.trunc(v) : String(v));

/** Compares one argument; returns a description of the difference, or null. */
function differs(kind: Kind, s: string, t: unknown): string | null {
  switch (kind) {
    case "skip": return null;
    case "int": return int(s) === big(t) ? null : `${s} != ${t}`;
    case "str": return str(s) === t ? null : `${s} != ${JSON.stringify(t)}`;
    case "int2": {
      const [a, b] = s.slice(1, -1).split(",").map((x) => int(x.trim()));
      return Array.isArray(t) && big(t[0]) === a && big(t[1]) === b ? null : `${s} != ${JSON.stringify(t)}`;
    }
    case "timespec": {
      const m = /^\{tv_sec=(\d+), tv_nsec=(\d+)\}$/.exec(s);
      const v = t as { tv_sec: number; tv_nsec: number };
      return m && big(v?.tv_sec) === BigInt(m[1]) && big(v?.tv_nsec) === BigInt(m[2]) ? null : `${s} != ${JSON.stringify(t)}`;
    }
    case "sockaddr": {
      const a = straceSockaddr(s), b = traceeSockaddr(t as Record<string, string>);
      return JSON.stringify(a) === JSON.stringify(b) ? null : `${JSON.stringify(a)} != ${JSON.stringify(b)}`;
    }
  }
}

describe("the strace oracle", () => {
  const dir = mkdtempSync(join(tmpdir(), "tracee-oracle-"));
  let calls: StraceCall[] = [];
  let events: any[] = [];

  beforeAll(async () => {
    requireRoot();
    const log = join(dir, "strace.log");
    const steps = [
      `write:${join(dir, "file.bin")}`, "tcp4", "tcp6", `unix:${join(dir, "s.sock")}`, "types", "creds:4321", "forkexit:5",
      `mknod:${join(dir, "fifo")}:fifo`, `mknod:${join(dir, "chr")}:chr`, `relunlink:${dir}:rel.txt`, "wx",
    ];
    const t = await startTracee(["--output", "json", "--trace", `comm=${FIXTURE_COMM}`, "--trace", `event=${Object.keys(COMPARE).join(",")}`]);
    const s = Bun.spawn(["strace", "-f", "-qq", "-X", "raw", "-s", "4096", "-e", `trace=${Object.keys(COMPARE).join(",")}`,
      "-o", log, evfix(), ...steps], { stdout: "ignore", stderr: "pipe", cwd: dir });
    const code = await s.exited;
    if (code !== 0) throw new Error(`strace failed (${code}): ${await new Response(s.stderr).text()}`);
    await Bun.sleep(200);
    const r = await t.stop();
    events = jsonLines(r.stdout);
    calls = parseStrace(readFileSync(log, "utf8"), (n) => ERRNO.get(n) ?? Number.NaN);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("strace saw the workload's processes and every compared syscall", () => {
    expect(new Set(calls.map((c) => c.pid)).size).toBe(3); // the workload, its credentials child, its exiting child
    for (const name of ["openat", "bind", "accept4", "pipe2", "clock_nanosleep", "setresuid", "mknodat", "mprotect"]) {
      expect(calls.some((c) => c.name === name)).toBe(true);
    }
  });

  test("tracee reports the same calls, in the same order, per thread", () => {
    const pids = new Set(calls.map((c) => c.pid));
    const mine = events.filter((e) => pids.has(e.hostThreadId)).sort((a, b) => a.timestamp - b.timestamp);
    for (const pid of pids) {
      const s = calls.filter((c) => c.pid === pid && !NEVER_RETURN.has(c.name)).map((c) => c.name);
      const t = mine.filter((e) => e.hostThreadId === pid).map((e) => e.eventName);
      expect({ pid, calls: t }).toEqual({ pid, calls: s });
    }
  });

  test("with the same return values and decoded arguments", () => {
    const pids = new Set(calls.map((c) => c.pid));
    const problems: string[] = [];
    let compared = 0;
    for (const pid of pids) {
      const s = calls.filter((c) => c.pid === pid && !NEVER_RETURN.has(c.name));
      const t = events.filter((e) => e.hostThreadId === pid).sort((a, b) => a.timestamp - b.timestamp);
      s.forEach((call, i) => {
        const ev = t[i];
        if (!ev || ev.eventName !== call.name) return; // the order test reports these
        if (call.ret !== big(ev.returnValue)) problems.push(`${call.line}: tracee returned ${ev.returnValue}`);
        const kinds = COMPARE[call.name];
        call.args.forEach((text, j) => {
          const name = EVENT_BY_NAME.get(call.name)!.params[j].name; // args absent on the wire shift positions
          const a = ev.args.find((x: any) => x.name === name);
          if (!a) return problems.push(`${call.line}: tracee has no argument ${name}`);
          const d = differs(kinds[j], text, a.value);
          if (d) problems.push(`${call.line}: ${a.name}: ${d}`);
          else if (kinds[j] !== "skip") compared++;
        });
      });
    }
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(150);
  });

  test("never-returning exit_group is in strace and never a tracee syscall event", () => {
    expect(calls.filter((c) => c.name === "exit_group").map((c) => c.ret)).toEqual([null, null, null]);
    expect(events.some((e) => e.eventName === "exit_group")).toBe(false);
  });
});
