// `--list` in the reference's layout (§1.6) and as JSON lines, with each event's availability; and the
// init_namespaces event built from a namespace directory.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listJson, listText } from "../../src/cli/list.ts";
import { EVENTS } from "../../src/events/schema.ts";
import { initNamespacesEvent } from "../../src/events/init-namespaces.ts";

describe("--list", () => {
  const text = listText({ security_bpf: "no way in" });
  const lines = text.split("\n");

  test("starts with the system calls header, its underline and a blank line", () => {
    expect(lines[0]).toBe("System Calls:          Sets:                                    Arguments:");
    expect(lines[1]).toBe("____________           ____                                     _________");
    expect(lines[2]).toBe("");
  });

  test("prints one %-22s %-40s %s line per syscall, in id order", () => {
    expect(lines[3]).toBe("read                   [syscalls fs fs_read_write]              (int fd, void* buf, size_t count)");
    expect(lines).toContain("openat                 [default syscalls fs fs_file_ops]        (int dirfd, const char* pathname, int flags, mode_t mode)");
    expect(lines).toContain("sched_yield            [syscalls proc proc_sched]               ()");
    const sys = EVENTS.filter((e) => e.id < 1000).length;
    expect(lines[3 + sys]).toBe("");
  });

  test("then the other events under their own header, ids from 1000 up", () => {
    const at = lines.indexOf("Other Events:          Sets:                                    Arguments:");
    expect(at).toBeGreaterThan(3);
    expect(lines[at + 3]).toBe("sys_enter              []                                       (int syscall)");
    expect(lines).toContain("security_file_open     [default lsm_hooks fs fs_file_ops]       " +
      "(const char* pathname, int flags, dev_t dev, unsigned long inode, unsigned long ctime, int syscall)");
    expect(lines[lines.length - 3].startsWith("init_namespaces ")).toBe(true);
    expect(text.endsWith("\n\n")).toBe(true);
  });

  test("marks an event the running kernel cannot produce, with the reason", () => {
    expect(lines).toContain("security_bpf           [lsm_hooks]                              (int cmd)  [unavailable: no way in]");
  });

  test("as JSON: one object per event with id, sets, typed args and availability", () => {
    const objs = listJson({ security_bpf: "no way in" }).trim().split("\n").map((l) => JSON.parse(l));
    expect(objs).toHaveLength(EVENTS.length);
    expect(objs.find((o) => o.name === "openat")).toEqual({
      id: 257, name: "openat", sets: ["default", "syscalls", "fs", "fs_file_ops"],
      args: [{ name: "dirfd", type: "int" }, { name: "pathname", type: "const char*" }, { name: "flags", type: "int" }, { name: "mode", type: "mode_t" }],
      available: true,
    });
    expect(objs.find((o) => o.name === "security_bpf")).toMatchObject({ available: false, reason: "no way in" });
  });
});

describe("init_namespaces", () => {
  test("carries the inode number of each namespace link, and leaves out those the kernel lacks", () => {
    const dir = mkdtempSync(join(tmpdir(), "tracee-ns-"));
    for (const [n, v] of [["mnt", 11], ["pid", 12], ["pid_for_children", 13], ["net", 14], ["user", 15], ["uts", 16], ["ipc", 17], ["cgroup", 18]]) {
      symlinkSync(`${n}:[${v}]`, join(dir, String(n)));
    }
    const ev = initNamespacesEvent(5_000_000_123n, [dir]);
    expect(ev.eventId).toBe(2000);
    expect(ev.eventName).toBe("init_namespaces");
    expect([ev.tsSec, ev.tsNsec]).toEqual([5, 123]);
    expect(Object.fromEntries(ev.args.map((a) => [a.name, a.value]))).toEqual({
      cgroup: 18, ipc: 17, mnt: 11, net: 14, pid: 12, pid_for_children: 13, user: 15, uts: 16,
    });
    expect(ev.args.every((a) => a.type === "u32")).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  test("falls back to the next directory when PID 1's links cannot be read", () => {
    const good = mkdtempSync(join(tmpdir(), "tracee-ns-"));
    symlinkSync("mnt:[99]", join(good, "mnt"));
    const ev = initNamespacesEvent(0n, [join(good, "missing"), good]);
    expect(ev.args).toEqual([{ name: "mnt", type: "u32", wire: "uint", value: 99 }]);
    rmSync(good, { recursive: true, force: true });
  });
});
