// End-to-end event selection: the default set when nothing is chosen (essential events loaded, not printed),
// and a named set.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EVENTS } from "../../src/events/schema.ts";
import { traceFixture } from "../helpers/events.ts";
import { requireRoot } from "../helpers/tracee.ts";

const inSet = (set: string) => new Set(EVENTS.filter((e) => e.sets.includes(set)).map((e) => e.name));

describe("event sets end to end", () => {
  test("with no event or set chosen, the default set is printed and nothing else", async () => {
    requireRoot();
    const dir = mkdtempSync(join(tmpdir(), "tracee-sets-"));
    try {
      const run = await traceFixture([], [[`write:${join(dir, "f")}`, "tcp4", "forkexit:0", "creds:1000"]]);
      const seen = new Set(run.events.filter((e) => e.processName === "evfix").map((e) => e.eventName));
      const def = inSet("default");
      expect([...seen].filter((n) => !def.has(n))).toEqual([]);
      // from each part of the default set: syscalls, process lifecycle, capabilities, files, sockets
      for (const n of ["openat", "close", "socket", "bind", "clone", "dup", "dup3", "accept4", "sched_process_exit", "cap_capable",
        "security_file_open", "security_socket_create", "security_socket_bind", "security_socket_listen",
        "security_socket_connect", "security_socket_accept"]) {
        expect({ n, seen: seen.has(n) }).toEqual({ n, seen: true });
      }
      // essential events drive the kernel side but are not printed
      expect(seen.has("sched_process_fork")).toBe(false);
      expect(seen.has("sys_enter")).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("set=net prints the net syscalls and the socket security events, not file events", async () => {
    const run = await traceFixture(["set=net"], [["tcp4", "types"]]);
    const seen = new Set(run.events.filter((e) => e.processName === "evfix").map((e) => e.eventName));
    const net = inSet("net");
    expect([...seen].filter((n) => !net.has(n))).toEqual([]);
    for (const n of ["socket", "bind", "listen", "connect", "accept4", "getsockname", "security_socket_connect"]) {
      expect({ n, seen: seen.has(n) }).toEqual({ n, seen: true });
    }
  });
});
