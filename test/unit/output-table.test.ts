// Golden tests of the table printers: the seed README sample, layouts, value rendering and hostile strings.
import { describe, expect, test } from "bun:test";
import { createPrinter, type PrinterContext } from "../../src/output/create.ts";
import { parseOutputOptions } from "../../src/output/options.ts";
import type { Printer } from "../../src/output/printer.ts";
import { arg, event, README_EVENTS, README_TABLE } from "../helpers/output-events.ts";

const CTX: PrinterContext = { bootEpochNs: 1_700_000_000_000_000_000n, startMonoNs: 176_751_000_000_000n };
const STATS = { EventCount: 4, ErrorCount: 1, LostEvCount: 2, LostWrCount: 3, LostNtCount: 0 };

function printer(values: string[], ctx: Partial<PrinterContext> = {}): Printer {
  return createPrinter(parseOutputOptions(values), { ...CTX, ...ctx });
}

describe("table printer", () => {
  test("prints the seed README sample exactly", () => {
    const p = printer(["table"]);
    expect(p.header()! + README_EVENTS.map((e) => p.event(e)).join("")).toBe(README_TABLE);
  });

  test("container mode adds UTS_NAME, CONTAINER_ID and namespace/host ids", () => {
    const p = printer(["table"], { containerMode: true });
    expect(p.header()).toBe(
      "TIME(s)        UTS_NAME         CONTAINER_ID  UID    COMM             PID/host        TID/host        RET             EVENT                ARGS\n");
    const ev = event("execve", {
      processId: 1, threadId: 1, hostName: "web-1", containerId: "3f1c2ab4d5e6f7a8b9c0d1e2f3a4b5c6",
      args: [arg("execve", "pathname", "/bin/sh")],
    });
    expect(p.event(ev)).toBe(
      "176751.746515  web-1            3f1c2ab4d5e6  1000   zsh              1      /14726   1      /14726   0               execve               pathname: /bin/sh\n");
  });

  test("table-verbose adds namespaces, parent pid and errno names", () => {
    const p = printer(["table-verbose"]);
    expect(p.header()).toBe(
      "TIME(s)        UTS_NAME         CONTAINER_ID  MNT_NS       PID_NS       UID    COMM             PID     TID     PPID    RET             EVENT                ARGS\n");
    expect(p.event(README_EVENTS[2])).toBe(
      "176751.747044  laptop                         4026531840   4026531836   1000   ls               14726   14726   14700  -2 ENOENT        access               pathname: /etc/ld.so.preload, mode: R_OK\n");
  });

  test("table-verbose in container mode shows PPID/host", () => {
    const p = printer(["table-verbose"], { containerMode: true });
    expect(p.header()).toBe(
      "TIME(s)        UTS_NAME         CONTAINER_ID  MNT_NS       PID_NS       UID    COMM             PID/host        TID/host        PPID/host       RET             EVENT                ARGS\n");
    expect(p.event(event("close", { parentProcessId: 0 }))).toContain(" 0      /14700   0               close");
  });

  test("default table keeps negative returns as plain numbers", () => {
    const line = printer(["table"]).event(event("openat", { returnValue: -13 }));
    expect(line).toEndWith("14726  -13              openat\n");
  });

  test("TIME(s) rounds to microseconds and follows relative-time", () => {
    expect(printer(["table"]).event(event("close", { tsSec: 5, tsNsec: 999_999_600 }))).toStartWith("6.000000       ");
    expect(printer(["table", "option:relative-time"]).event(README_EVENTS[0])).toStartWith("0.746515       ");
    expect(printer(["table", "option:relative-time"]).event(event("close", { tsSec: 176750, tsNsec: 500_000_000 })))
      .toStartWith("-0.500000      ");
  });

  test("renders values like Go %v", () => {
    const p = printer(["table"]);
    const line = p.event(event("connect", {
      args: [arg("connect", "sockfd", 3), arg("connect", "addr", { sa_family: "AF_INET", sin_port: "443", sin_addr: "10.0.0.1" }),
        arg("connect", "addrlen", 16)],
    }));
    expect(line).toEndWith("sockfd: 3, addr: map[sa_family:AF_INET sin_addr:10.0.0.1 sin_port:443], addrlen: 16\n");
    const bytes = p.event(event("magic_write", { args: [arg("magic_write", "bytes", new Uint8Array([127, 69, 76, 70]))] }));
    expect(bytes).toEndWith("bytes: [127 69 76 70]\n");
    const ptr = p.event(event("read", { args: [arg("read", "buf", 0x7ffd1c2a3b40), arg("read", "count", 0xffffffffffffffffn)] }));
    expect(ptr).toEndWith("buf: 0x7FFD1C2A3B40, count: 18446744073709551615\n");
    const pipe = p.event(event("pipe", { args: [arg("pipe", "pipefd", [3, 4])] }));
    expect(pipe).toEndWith("pipefd: [3 4]\n");
  });

  test("shows truncated strings and lists with a visible ...", () => {
    const p = printer(["table"]);
    const line = p.event(event("execve", {
      args: [arg("execve", "pathname", "/very/long/path", true), arg("execve", "argv", ["a", "b"], true)],
    }));
    expect(line).toEndWith("pathname: /very/long/path..., argv: [a b ...]\n");
  });

  test("prints credentials with field names", () => {
    const cred = { Uid: 0, Gid: 0, Suid: 0, Sgid: 0, Euid: 0, Egid: 0, Fsuid: 0, Fsgid: 0, UserNamespace: 4026531837,
      SecureBits: 0, CapInheritable: 0, CapPermitted: 2199023255551, CapEffective: 2199023255551, CapBounding: 2199023255551, CapAmbient: 0 };
    const line = printer(["table"]).event(event("commit_creds", { args: [arg("commit_creds", "new_cred", cred)] }));
    expect(line).toContain("new_cred: {Uid:0 Gid:0 Suid:0");
    expect(line).toContain("CapEffective:2199023255551");
  });

  test("contains hostile comm, paths and argv in one visible row", () => {
    const p = printer(["table"]);
    const line = p.event(event("execve", {
      processName: "evil\n\x1b[31m",
      args: [arg("execve", "pathname", "/tmp/a\tb\rc\x00d"), arg("execve", "argv", ["x\x1b]0;pwned\x07", "\x9b2J", "\u202egnp.exe"])],
    }));
    expect(line.split("\n")).toEqual([expect.any(String), ""]);
    expect(line).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    expect(line).toContain("evil\\n\\x1b[31m");
    expect(line).toContain("pathname: /tmp/a\\tb\\rc\\x00d");
    expect(line).toContain("argv: [x\\x1b]0;pwned\\x07 \\x9b2J \\u202egnp.exe]");
  });

  test("pads by characters, not UTF-16 units", () => {
    const line = printer(["table"]).event(event("close", { processName: "🐚sh" }));
    expect(line).toContain("1000   🐚sh              14726");
  });

  test("footer ends the stream and prints the stats", () => {
    const p = printer(["table"]);
    expect(p.end()).toBe("");
    expect(p.footer(STATS)).toBe(
      "End of events stream\nStats: {EventCount:4 ErrorCount:1 LostEvCount:2 LostWrCount:3 LostNtCount:0}\n");
  });

  test("with eot the end-of-stream line goes to the output stream once", () => {
    const p = printer(["table", "eot"]);
    expect(p.end()).toBe("End of events stream\n");
    expect(p.footer(STATS)).toBe("Stats: {EventCount:4 ErrorCount:1 LostEvCount:2 LostWrCount:3 LostNtCount:0}\n");
  });

  test("none prints no events, only the stats", () => {
    const p = printer(["none"]);
    expect(p.header()).toBeNull();
    expect(p.event(README_EVENTS[0])).toBe("");
    expect(p.footer(STATS)).toStartWith("Stats: {EventCount:4");
  });
});
