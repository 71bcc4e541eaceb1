// Event selection by --trace: default set, event=, prefixes, event!=, set= and essential events.
import { describe, expect, test } from "bun:test";
import { EVENTS, EVENT_BY_NAME } from "../../src/events/schema.ts";
import { parseTrace, withEssential } from "../../src/filter/parse.ts";

const id = (name: string) => EVENT_BY_NAME.get(name)!.id;
const names = (ids: Iterable<number>) => [...ids].map((i) => EVENTS.find((e) => e.id === i)!.name).sort();
const defaultIds = EVENTS.filter((e) => e.sets.includes("default")).map((e) => e.id);

describe("event selection", () => {
  test("no event= or set= prints the default set of 75 events", () => {
    const p = parseTrace([]);
    expect(p.defaultSet).toBe(true);
    expect(p.print.size).toBe(75);
    expect([...p.print].sort((a, b) => a - b)).toEqual(defaultIds);
  });

  test("filters that choose no events keep the default set", () => {
    expect(parseTrace(["uid=0", "comm=ls", "follow"]).print.size).toBe(75);
  });

  test("event=execve,open prints only those and drops the default set", () => {
    const p = parseTrace(["event=execve,open"]);
    expect(p.defaultSet).toBe(false);
    expect(names(p.print)).toEqual(["execve", "open"]);
  });

  test("e and ev are prefixes of event", () => {
    expect(names(parseTrace(["e=openat"]).print)).toEqual(["openat"]);
    expect(names(parseTrace(["ev=openat"]).print)).toEqual(["openat"]);
  });

  test("event=open* selects every event whose name starts with open, default or not", () => {
    expect(names(parseTrace(["event=open*"]).print)).toEqual(
      ["open", "open_by_handle_at", "open_tree", "open_tree_attr", "openat", "openat2"],
    );
  });

  test("event!=open removes only set-added events", () => {
    expect(parseTrace(["event!=open"]).print.has(id("open"))).toBe(false);
    expect(parseTrace(["event!=open"]).print.size).toBe(74);
    const p = parseTrace(["event=open", "set=fs", "event!=open,close"]);
    expect(p.print.has(id("open"))).toBe(true);
    expect(p.print.has(id("close"))).toBe(false);
  });

  test("event!=open*,dup* removes every default event with those prefixes", () => {
    const gone = ["open", "openat", "openat2", "dup", "dup2", "dup3"];
    const p = parseTrace(["event!=open*,dup*"]);
    expect(p.print.size).toBe(75 - gone.length);
    for (const n of gone) expect(p.print.has(id(n))).toBe(false);
  });

  test("set=fs prints the fs set and s is its prefix", () => {
    const fs = EVENTS.filter((e) => e.sets.includes("fs")).map((e) => e.id);
    expect([...parseTrace(["set=fs"]).print].sort((a, b) => a - b)).toEqual(fs);
    expect(parseTrace(["s=fs"]).print).toEqual(parseTrace(["set=fs"]).print);
  });

  test("s=fs --trace e!=open,openat leaves both out of the set", () => {
    const p = parseTrace(["s=fs", "e!=open,openat"]);
    expect(p.print.has(id("open")) || p.print.has(id("openat"))).toBe(false);
    expect(p.print.has(id("close"))).toBe(true);
  });

  test("set=default,net adds both sets", () => {
    const p = parseTrace(["set=default,net"]);
    expect(p.print.has(id("sendto"))).toBe(true);
    expect(p.print.has(id("execve"))).toBe(true);
  });

  test("an argument filter also chooses its event instead of the default set", () => {
    const p = parseTrace(["openat.pathname=/bin/ls"]);
    expect(names(p.print)).toEqual(["openat"]);
    expect(p.defaultSet).toBe(false);
  });
});

describe("essential events", () => {
  const always = ["cgroup_mkdir", "cgroup_rmdir", "sched_process_exec", "sched_process_exit", "sched_process_fork",
    "sys_enter", "sys_exit"];

  test("the v0.6.5 always-essential events are loaded but not printed", () => {
    const p = parseTrace(["event=openat"]);
    expect(names(p.essential)).toEqual(always);
    expect(names(p.print)).toEqual(["openat"]);
    expect(names(p.events)).toEqual([...always, "openat"].sort());
  });

  test("events lists print and essential ids once, ascending", () => {
    const p = parseTrace([]);
    expect(p.events).toEqual([...new Set([...p.print, ...p.essential])].sort((a, b) => a - b));
  });

  test("event=magic_write makes vfs_write and vfs_writev essential", () => {
    expect(parseTrace(["event=magic_write"]).essential.has(id("vfs_writev"))).toBe(true);
  });

  test("event=mem_prot_alert makes mmap and mprotect essential", () => {
    const p = parseTrace(["event=mem_prot_alert"]);
    expect(p.essential.has(id("mmap")) && p.essential.has(id("mprotect"))).toBe(true);
  });

  test("event=socket_dup makes dup, dup2 and dup3 essential", () => {
    const p = parseTrace(["event=socket_dup"]);
    for (const n of ["dup", "dup2", "dup3"]) expect(p.essential.has(id(n))).toBe(true);
  });

  test("withEssential adds capture's essential events without printing them", () => {
    const p = withEssential(parseTrace(["event=openat"]), ["vfs_write"]);
    expect(p.essential.has(id("vfs_write"))).toBe(true);
    expect(p.print.has(id("vfs_write"))).toBe(false);
    expect(p.events).toContain(id("vfs_write"));
  });
});
