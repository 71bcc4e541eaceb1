// Golden tests of the json printer: key order, exact 64-bit values and timestamps, escaping, eot and stats.
import { describe, expect, test } from "bun:test";
import { createPrinter, type PrinterContext } from "../../src/output/create.ts";
import { parseOutputOptions } from "../../src/output/options.ts";
import { arg, event, README_EVENTS } from "../helpers/output-events.ts";

const CTX: PrinterContext = { bootEpochNs: 1_700_000_000_123_456_789n, startMonoNs: 176_751_000_000_000n };
const json = (values: string[] = [], ctx: Partial<PrinterContext> = {}) =>
  createPrinter(parseOutputOptions(["json", ...values]), { ...CTX, ...ctx });

const KEYS = [
  "timestamp", "processId", "threadId", "parentProcessId", "hostProcessId", "hostThreadId", "hostParentProcessId",
  "userId", "mountNamespace", "pidNamespace", "processName", "hostName", "containerId", "eventId", "eventName",
  "argsNum", "returnValue", "stackAddresses", "args",
];

describe("json printer", () => {
  test("writes one object per line with the v0.6 keys in order", () => {
    const line = json().event(README_EVENTS[0]);
    expect(line.endsWith("}\n")).toBe(true);
    expect(line.indexOf("\n")).toBe(line.length - 1);
    expect(Object.keys(JSON.parse(line))).toEqual(KEYS);
  });

  test("prints the sample execve event exactly", () => {
    expect(json().event(README_EVENTS[0])).toBe(
      '{"timestamp":1700176751869971789,"processId":14726,"threadId":14726,"parentProcessId":14700,' +
      '"hostProcessId":14726,"hostThreadId":14726,"hostParentProcessId":14700,"userId":1000,' +
      '"mountNamespace":4026531840,"pidNamespace":4026531836,"processName":"zsh","hostName":"laptop","containerId":"",' +
      '"eventId":"59","eventName":"execve","argsNum":2,"returnValue":0,"stackAddresses":null,' +
      '"args":[{"name":"pathname","type":"const char*","value":"/usr/bin/ls"},{"name":"argv","type":"const char*const*","value":["ls"]}]}\n');
  });

  test("encodes eventId as a string and args as [] when there are none", () => {
    const o = JSON.parse(json().event(event("sched_process_exit", { args: [] })));
    expect(o.eventId).toBe("1004");
    expect(o.args).toEqual([]);
    expect(o.argsNum).toBe(0);
  });

  test("keeps 64-bit values exact", () => {
    const line = json().event(event("read", {
      returnValue: 9007199254740993n,
      stackAddresses: [0x7f0000001000, 18446744073709551615n],
      args: [arg("read", "count", 18446744073709551615n), arg("read", "buf", 9007199254740993n)],
    }));
    expect(line).toContain('"returnValue":9007199254740993,');
    expect(line).toContain('"stackAddresses":[139637976731648,18446744073709551615]');
    expect(line).toContain('"value":18446744073709551615}');
    expect(line).toContain('"value":9007199254740993}');
  });

  test("computes epoch ns timestamps exactly, carrying into seconds", () => {
    const p = json([], { bootEpochNs: 1_700_000_000_999_999_999n });
    const ts = (tsSec: number, tsNsec: number) => /"timestamp":(-?\d+),/.exec(p.event(event("close", { tsSec, tsNsec })))![1];
    expect(ts(5, 1)).toBe("1700000006000000000");
    expect(ts(0, 0)).toBe("1700000000999999999");
    for (let i = 0; i < 200; i++) {
      const sec = Math.floor(Math.random() * 10_000_000);
      const nsec = Math.floor(Math.random() * 1e9);
      expect(ts(sec, nsec)).toBe(String(1_700_000_000_999_999_999n + BigInt(sec) * 1_000_000_000n + BigInt(nsec)));
    }
  });

  test("relative-time gives ns since tracee started", () => {
    const p = json(["option:relative-time"]);
    expect(JSON.parse(p.event(README_EVENTS[0])).timestamp).toBe(746515000);
    expect(p.event(event("close", { tsSec: 176752, tsNsec: 5 }))).toContain('"timestamp":1000000005,');
    expect(p.event(event("close", { tsSec: 176750, tsNsec: 999_999_999 }))).toContain('"timestamp":-1,');
  });

  test("keeps raw values by default and parses them with option:parse-arguments", () => {
    const ev = event("mmap", {
      args: [arg("mmap", "addr", 0), arg("mmap", "length", 4096), arg("mmap", "prot", 5), arg("mmap", "flags", 0x22)],
    });
    const raw = JSON.parse(json().event(ev)).args.map((a: { value: unknown }) => a.value);
    expect(raw).toEqual([0, 4096, 5, 34]);
    const named = JSON.parse(json(["option:parse-arguments"]).event(ev)).args.map((a: { value: unknown }) => a.value);
    expect(named).toEqual(["0x0", 4096, "PROT_READ|PROT_EXEC", "MAP_PRIVATE|MAP_ANONYMOUS"]);
    expect(ev.args[2].value).toBe(5);
  });

  test("encodes bytes as base64, sockaddrs as objects and marks truncation", () => {
    const o = JSON.parse(json().event(event("magic_write", {
      args: [arg("magic_write", "pathname", "/tmp/x", true), arg("magic_write", "bytes", new Uint8Array([127, 69, 76, 70]))],
    })));
    expect(o.args[0]).toEqual({ name: "pathname", type: "const char*", value: "/tmp/x", truncated: true });
    expect(o.args[1].value).toBe("f0VMRg==");
    const c = JSON.parse(json().event(event("connect", {
      args: [arg("connect", "addr", { sa_family: "AF_INET6", sin6_port: "53", sin6_addr: "::1", sin6_flowinfo: "0", sin6_scopeid: "0" })],
    })));
    expect(c.args[0].value).toEqual({ sa_family: "AF_INET6", sin6_port: "53", sin6_addr: "::1", sin6_flowinfo: "0", sin6_scopeid: "0" });
  });

  test("escapes hostile strings so every line parses and shows no raw control characters", () => {
    const p = json();
    const hostile = ["evil\n", "\x1b[31mred", "tab\there", "\x00nul", "\x9b2J", "\u202egnp.exe", "\u2028line", "quote\"\\"];
    for (const s of hostile) {
      const line = p.event(event("execve", { processName: s, args: [arg("execve", "pathname", s), arg("execve", "argv", [s, s])] }));
      expect(line.indexOf("\n")).toBe(line.length - 1);
      expect(line.slice(0, -1)).not.toMatch(/[\x00-\x1f\x7f-\x9f\u2028\u2029\u202e]/);
      const o = JSON.parse(line);
      expect(o.processName).toBe(s);
      expect(o.args[1].value).toEqual([s, s]);
    }
    expect(p.event(event("close", { processName: "\x1b" }))).toContain('"processName":"\\u001b"');
    expect(p.event(event("close", { processName: "\x9b" }))).toContain('"processName":"\\u009b"');
  });

  test("with eot ends the stream with an empty event named U+0004", () => {
    const p = json(["eot"]);
    const line = p.end();
    const o = JSON.parse(line);
    expect(o.eventName).toBe("\u0004");
    expect(line).toContain('"eventName":"\\u0004"');
    expect(o).toMatchObject({ timestamp: 0, eventId: "0", argsNum: 0, args: [], stackAddresses: null });
    expect(json().end()).toBe("");
  });

  test("prints the stats as one JSON line for the error stream", () => {
    expect(json().footer({ EventCount: 7, ErrorCount: 0, LostEvCount: 1, LostWrCount: 0, LostNtCount: 0 })).toBe(
      '{"stats":{"EventCount":7,"ErrorCount":0,"LostEvCount":1,"LostWrCount":0,"LostNtCount":0}}\n');
    expect(json().header()).toBeNull();
  });
});
