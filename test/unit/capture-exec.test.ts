// Exec capture without root: copies taken through a process root, once per namespace + path + ctime, with the
// profile's counts and hashes; the pid cache keeps a namespace's init.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExecCapture, openSource, PidCache } from "../../src/capture/exec.ts";
import { NsDirs } from "../../src/capture/fsafe.ts";
import type { TraceEvent } from "../../src/events/types.ts";

const ownNs = Number(/\[(\d+)\]/.exec(readlinkSync("/proc/self/ns/mnt"))![1]);

function execEvent(path: string, inode: bigint, ctime: bigint, ts: number): TraceEvent {
  return {
    tsSec: ts, tsNsec: 0, cgroupId: 0, processId: process.pid, threadId: process.pid, parentProcessId: 1,
    hostProcessId: process.pid, hostThreadId: process.pid, hostParentProcessId: 1, userId: 0, mountNamespace: ownNs,
    pidNamespace: 0, processName: "x", hostName: "h", containerId: "", eventId: 1003, eventName: "sched_process_exec",
    returnValue: 0, stackId: 0, stackAddresses: null, flags: 0, cpu: 0,
    args: [
      { name: "pathname", type: "const char*", wire: "str", value: path },
      { name: "inode", type: "unsigned long", wire: "ulong", value: inode },
      { name: "ctime", type: "unsigned long", wire: "ulong", value: ctime },
    ],
  };
}

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tracee-exec-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("ExecCapture", () => {
  test("copies the file byte for byte once per ctime, and counts every exec in the profile", () => {
    const bin = join(dir, "tool");
    const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 7) & 255);
    writeFileSync(bin, bytes);
    const ino = BigInt(statSync(bin).ino);
    const out = join(dir, "out");
    mkdirSync(out);
    const ex = new ExecCapture(out, new NsDirs(out), (ev) => String(ev.tsSec), () => {});
    ex.onExec(execEvent(bin, ino, 100n, 1));
    ex.onExec(execEvent(bin, ino, 100n, 2));
    ex.onExec(execEvent(bin, ino, 200n, 3));
    const files = readdirSync(join(out, String(ownNs))).sort();
    expect(files).toEqual(["exec.1.tool", "exec.3.tool"]);
    expect(Buffer.compare(readFileSync(join(out, `${ownNs}/exec.1.tool`)), Buffer.from(bytes))).toBe(0);
    const hash = createHash("sha256").update(bytes).digest("hex");
    expect(ex.profile.get(`${out}/${ownNs}/exec.tool:100`)).toEqual({ times: 2, file_hash: hash });
    expect(ex.profile.get(`${out}/${ownNs}/exec.tool:200`)).toEqual({ times: 1, file_hash: hash });
    expect(ex.copies).toBe(2);
  });

  test("a relative or truncated path is not copied", () => {
    const out = join(dir, "out");
    const ex = new ExecCapture(out, new NsDirs(out), () => "1", () => {});
    ex.onExec(execEvent("tool", 1n, 1n, 1));
    const ev = execEvent("/bin/sh", 1n, 1n, 1);
    ev.args[0].truncated = true;
    ex.onExec(ev);
    expect(ex.copies).toBe(0);
  });

  test("a file that is gone everywhere is counted as missed, leaving nothing behind", () => {
    const out = join(dir, "out");
    const logs: string[] = [];
    const ex = new ExecCapture(out, new NsDirs(out), () => "1", (m) => logs.push(m));
    ex.onExec(execEvent(join(dir, "never-there"), 1n, 1n, 1));
    expect(ex.missed).toBe(1);
    expect(logs[0]).toContain("is gone");
    expect(readdirSync(dir)).toEqual([]);
  });
});

test("openSource prefers the same inode and says when the path now holds another file", () => {
  const a = join(dir, "a");
  writeFileSync(a, "A");
  const exact = openSource([process.pid], a, String(statSync(a).ino), false)!;
  expect(exact.exact).toBe(true);
  const other = openSource([process.pid], a, "1", false)!;
  expect(other.exact).toBe(false);
});

test("the pid cache keeps five recent pids per namespace and never drops the namespace's init", () => {
  const c = new PidCache();
  c.note(7, 100, true);
  for (let p = 1; p <= 8; p++) c.note(7, p, false);
  expect(c.pids(7)).toEqual([8, 7, 6, 5, 100]);
  c.note(7, 6, false);
  expect(c.pids(7)).toEqual([6, 8, 7, 5, 100]);
  expect(c.pids(9)).toEqual([]);
});
