// Decoder tests: every context field and wire type, perf framing, malformed input, fuzzing, WASM vs plain-TS agreement.
import { beforeAll, describe, expect, test } from "bun:test";
import { Decoder } from "../../src/decode/decoder.ts";
import { PlainDecoder } from "../../src/decode/plain-ts.ts";
import type { DecodeStats } from "../../src/decode/chunk-decoder.ts";
import type { Cred, EventArg, TraceEvent } from "../../src/events/types.ts";
import { ArgType, LIMITS } from "../../src/events/schema.ts";
import * as T from "../../decoder-as/assembly/tables.ts";
import {
  ByteWriter, argRecord, concat, encodeSample, perfLost, perfRecord, perfSample, rawSample, sockaddrInet,
  sockaddrInet6, sockaddrUnix, writePayload, type SampleSpec,
} from "../helpers/encoder.ts";
import { decoderWasm } from "../helpers/wasm.ts";

let wasm: Uint8Array;
beforeAll(async () => { wasm = await decoderWasm(); });

interface Decoded { events: TraceEvent[]; stats: DecodeStats }

/** Decodes with fresh WASM and plain-TS decoders, asserts they agree, returns the WASM result. */
function decode(...chunks: Uint8Array[]): Decoded {
  const w = new Decoder(wasm), p = new PlainDecoder();
  const a: TraceEvent[] = [], b: TraceEvent[] = [];
  for (const c of chunks) { w.decodeChunk(c, a); p.decodeChunk(c, b); }
  expect(a).toStrictEqual(b);
  expect(w.stats).toStrictEqual(p.stats);
  return { events: a, stats: w.stats };
}

const sample = (spec: SampleSpec) => perfSample(encodeSample(spec));
const one = (spec: SampleSpec): TraceEvent => {
  const { events, stats } = decode(sample(spec));
  expect(stats.errors).toBe(0);
  expect(events).toHaveLength(1);
  return events[0];
};
const argOf = (ev: TraceEvent, name: string): EventArg => {
  const a = ev.args.find((x) => x.name === name);
  if (!a) throw new Error(`no arg ${name}`);
  return a;
};
const value = (spec: SampleSpec, name: string) => argOf(one(spec), name).value;

describe("context header", () => {
  test("decodes every context field of a sample", () => {
    const ev = one({
      event: "openat",
      ctx: {
        ts: 5_123_456_789n, cgroup_id: 77, pid: 11, tid: 12, ppid: 13, host_pid: 21, host_tid: 22, host_ppid: 23,
        uid: 1000, mnt_ns: 4026531840, pid_ns: 4026531836, comm: "cat", uts_name: "myhost", retval: 3,
        stack_id: 99, flags: 3, cpu: 513,
      },
      args: { dirfd: -100, pathname: "/etc/hosts", flags: 0, mode: 0 },
    });
    expect(ev).toStrictEqual({
      tsSec: 5, tsNsec: 123456789, cgroupId: 77, processId: 11, threadId: 12, parentProcessId: 13,
      hostProcessId: 21, hostThreadId: 22, hostParentProcessId: 23, userId: 1000, mountNamespace: 4026531840,
      pidNamespace: 4026531836, processName: "cat", hostName: "myhost", containerId: "", eventId: 257,
      eventName: "openat", returnValue: 3, stackId: 99, stackAddresses: null, flags: 3, cpu: 513,
      args: [
        { name: "dirfd", type: "int", wire: "int", value: -100 },
        { name: "pathname", type: "const char*", wire: "str", value: "/etc/hosts" },
        { name: "flags", type: "int", wire: "int", value: 0 },
        { name: "mode", type: "mode_t", wire: "mode_t", value: 0 },
      ],
    });
  });

  test("reads u32 context fields as unsigned", () => {
    const ev = one({ event: "getpid", ctx: { uid: 0xffffffff, pid: 0x80000000, mnt_ns: 0xfffffffe, stack_id: 0xffffffff } });
    expect([ev.userId, ev.processId, ev.mountNamespace, ev.stackId]).toEqual([0xffffffff, 0x80000000, 0xfffffffe, 0xffffffff]);
  });

  test("splits timestamps beyond 2^53 ns exactly into seconds and nanoseconds", () => {
    const values = [0n, 999_999_999n, 1_000_000_000n, 2n ** 53n + 1n, 9_007_199_254_740_993n, 123_456_789_012_345_678n,
      4_294_967_295_999_999_999n, 4_294_967_296_000_000_001n];
    for (let i = 0; i < 200; i++) values.push(BigInt.asUintN(63, BigInt(Math.floor(Math.random() * 2 ** 52)) * 2049n + BigInt(i)));
    const { events } = decode(concat(values.map((ts) => sample({ event: "getpid", ctx: { ts } }))));
    values.forEach((ts, i) => {
      expect(events[i].tsSec).toBe(Number((ts / 1_000_000_000n) % 2n ** 32n));
      expect(events[i].tsNsec).toBe(Number(ts % 1_000_000_000n));
    });
  });

  test("keeps cgroup ids below 2^53 as numbers and larger ones as bigints", () => {
    expect(one({ event: "getpid", ctx: { cgroup_id: 2 ** 53 - 1 } }).cgroupId).toBe(2 ** 53 - 1);
    expect(one({ event: "getpid", ctx: { cgroup_id: 2n ** 53n } }).cgroupId).toBe(2n ** 53n);
    expect(one({ event: "getpid", ctx: { cgroup_id: 2n ** 64n - 1n } }).cgroupId).toBe(2n ** 64n - 1n);
  });

  test("decodes negative return values, as bigints below -2^53", () => {
    expect(one({ event: "openat", ctx: { retval: -2 } }).returnValue).toBe(-2);
    expect(one({ event: "openat", ctx: { retval: -(2 ** 53) + 1 } }).returnValue).toBe(-(2 ** 53) + 1);
    expect(one({ event: "openat", ctx: { retval: BigInt.asUintN(64, -(2n ** 53n)) } }).returnValue).toBe(-(2n ** 53n));
    expect(one({ event: "openat", ctx: { retval: 2n ** 63n } }).returnValue).toBe(-(2n ** 63n));
  });

  test("cuts comm and uts name at the first NUL and uses all 16 bytes when there is none", () => {
    const ctx = rawSample({ event_id: 39, comm: "0123456789abcdef", uts_name: "h" });
    ctx[68 + 3] = 0x41; // garbage after the NUL terminator of uts_name
    const { events } = decode(perfSample(ctx));
    expect(events[0].processName).toBe("0123456789abcdef");
    expect(events[0].hostName).toBe("h");
  });

  test("decodes invalid UTF-8 in comm without throwing", () => {
    const raw = rawSample({ event_id: 39 });
    raw.set([0x61, 0xff, 0xc3, 0x62], 52);
    expect(decode(perfSample(raw)).events[0].processName).toBe("a\ufffd\ufffdb");
  });

  test("gives the same comm string for repeated and for differing comms", () => {
    const names = ["bash", "python3", "bash", "sshd", "python3", "kworker/u16:2"];
    const { events } = decode(concat(names.map((comm) => sample({ event: "getpid", ctx: { comm } }))));
    expect(events.map((e) => e.processName)).toEqual(names);
  });
});

describe("argument wire types", () => {
  test("decodes int as signed 32-bit", () => {
    for (const v of [0, -1, -100, 2 ** 31 - 1, -(2 ** 31)]) expect(value({ event: "close", args: { fd: v } }, "fd")).toBe(v);
  });

  test("decodes uint, mode_t and dev_t as unsigned 32-bit", () => {
    expect(value({ event: "alarm", args: { seconds: 0xffffffff } }, "seconds")).toBe(0xffffffff);
    expect(value({ event: "chmod", args: { pathname: "/x", mode: 0o104755 } }, "mode")).toBe(0o104755);
    const ev = one({ event: "security_inode_mknod", args: { file_name: "/dev/x", mode: 0o20644, dev: (8 << 20) | 1 } });
    expect(argOf(ev, "dev").value).toBe((8 << 20) | 1);
    expect(argOf(ev, "mode")).toStrictEqual({ name: "mode", type: "umode_t", wire: "u16", value: 0o20644 });
  });

  test("decodes u16 over its full range", () => {
    expect(value({ event: "security_inode_mknod", args: { mode: 0xffff } }, "mode")).toBe(0xffff);
  });

  test("decodes long as signed 64-bit, as bigint beyond 2^53", () => {
    const v = (size: number | bigint) => value({ event: "security_kernel_post_read_file", args: { size } }, "size");
    expect(v(-5)).toBe(-5);
    expect(v(2 ** 53 - 1)).toBe(2 ** 53 - 1);
    expect(v(2n ** 53n)).toBe(2n ** 53n);
    expect(v(BigInt.asUintN(64, -(2n ** 63n)))).toBe(-(2n ** 63n));
  });

  test("decodes u64 values above 2^53 as bigint for ulong, off_t, size_t, pointer and u64", () => {
    const big = 0xfedcba9876543210n;
    expect(value({ event: "ioctl", args: { request: big } }, "request")).toBe(big);
    expect(value({ event: "lseek", args: { offset: big } }, "offset")).toBe(big);
    expect(value({ event: "read", args: { count: big } }, "count")).toBe(big);
    expect(value({ event: "mmap", args: { addr: 0x7f0000001000 } }, "addr")).toBe(0x7f0000001000);
    expect(value({ event: "mmap", args: { addr: 0xffff888000000000n } }, "addr")).toBe(0xffff888000000000n);
    expect(value({ event: "cgroup_mkdir", args: { cgroup_id: 2 ** 53 - 1 } }, "cgroup_id")).toBe(2 ** 53 - 1);
    expect(value({ event: "cgroup_mkdir", args: { cgroup_id: 2n ** 53n } }, "cgroup_id")).toBe(2n ** 53n);
  });

  test("decodes a string argument", () => {
    expect(argOf(one({ event: "unlink", args: { pathname: "/tmp/x y" } }), "pathname"))
      .toStrictEqual({ name: "pathname", type: "const char*", wire: "str", value: "/tmp/x y" });
  });

  test("decodes an empty string", () => {
    expect(value({ event: "unlink", args: { pathname: "" } }, "pathname")).toBe("");
  });

  test("decodes UTF-8 strings and replaces invalid bytes", () => {
    expect(value({ event: "unlink", args: { pathname: "/tmp/žluťoučký 🐎" } }, "pathname")).toBe("/tmp/žluťoučký 🐎");
    expect(value({ event: "unlink", args: { pathname: Uint8Array.from([0x2f, 0xe2, 0x82, 0x2f, 0xff]) as never } }, "pathname"))
      .toBe("/\ufffd/\ufffd");
  });

  test("decodes openat with a path longer than the string cap", () => {
    const path = "/" + "a".repeat(LIMITS.strMax - 1);
    const arg = argOf(one({ event: "openat", args: { pathname: path }, truncated: { pathname: true } }), "pathname");
    expect(arg.value).toBe(path);
    expect(arg.truncated).toBe(true);
  });

  test("decodes execve argv and an empty envp", () => {
    const ev = one({ event: "execve", args: { pathname: "/bin/ls", argv: ["ls", "-l", ""], envp: [] } });
    expect(ev.args).toStrictEqual([
      { name: "pathname", type: "const char*", wire: "str", value: "/bin/ls" },
      { name: "argv", type: "const char*const*", wire: "str_arr", value: ["ls", "-l", ""] },
      { name: "envp", type: "const char*const*", wire: "str_arr", value: [] },
    ]);
  });

  test("marks a str_arr truncated when the kernel dropped elements", () => {
    const argv = Array.from({ length: LIMITS.strArrMax }, (_, i) => `arg${i}`);
    const arg = argOf(one({ event: "execve", args: { argv }, truncated: { argv: true } }), "argv");
    expect(arg.value).toEqual(argv);
    expect(arg.truncated).toBe(true);
  });

  test("marks a str_arr truncated when one element was cut", () => {
    const w = new ByteWriter().u32(2);
    writePayload(w, "str", "ls");
    w.u32((3 | 0x80000000) >>> 0).bytes(new TextEncoder().encode("abc"));
    const raw = rawSample({ event_id: 59, argnum: 1 }, concat([argRecord(1, ArgType.str_arr), w.done()]));
    const arg = decode(perfSample(raw)).events[0].args[0];
    expect(arg).toStrictEqual({ name: "argv", type: "const char*const*", wire: "str_arr", value: ["ls", "abc"], truncated: true });
  });

  test("decodes an AF_UNIX sockaddr path", () => {
    expect(value({ event: "connect", args: { addr: sockaddrUnix("/run/dbus/system_bus_socket") } }, "addr"))
      .toStrictEqual({ sa_family: "AF_UNIX", sun_path: "/run/dbus/system_bus_socket" });
  });

  test("trims the leading NUL of an abstract AF_UNIX sockaddr", () => {
    const path = concat([new Uint8Array(1), new TextEncoder().encode("@dbus-abc")]);
    expect(value({ event: "bind", args: { addr: sockaddrUnix(path) } }, "addr"))
      .toStrictEqual({ sa_family: "AF_UNIX", sun_path: "@dbus-abc" });
  });

  test("decodes an AF_INET sockaddr with big-endian port and address", () => {
    expect(value({ event: "connect", args: { addr: sockaddrInet(8080, "192.168.1.20") } }, "addr"))
      .toStrictEqual({ sa_family: "AF_INET", sin_port: "8080", sin_addr: "192.168.1.20" });
  });

  test("decodes an AF_INET6 sockaddr", () => {
    const addr = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    expect(value({ event: "connect", args: { addr: sockaddrInet6(443, 0x12345, addr, 2) } }, "addr")).toStrictEqual({
      sa_family: "AF_INET6", sin6_port: "443", sin6_flowinfo: String(0x12345), sin6_addr: "2001:db8::1", sin6_scopeid: "2",
    });
  });

  test("prints IPv6 addresses as Go does: zero runs, single zero groups, v4-mapped, all zero", () => {
    const cases: [number[], string][] = [
      [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "::"],
      [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], "::1"],
      [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 7], "10.0.0.7"],
      [[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], "2001:db8:0:1:1:1:1:1"],
      [[0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], "2001:0:0:1::1"],
      [[0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1], "2001::1:0:0:1:1"],
      [[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0, 0, 0, 0, 0, 0], "fe80::abcd:0:0:0"],
    ];
    for (const [bytes, want] of cases) {
      const sa = value({ event: "connect", args: { addr: sockaddrInet6(0, 0, bytes, 0) } }, "addr") as Record<string, string>;
      expect(sa.sin6_addr).toBe(want);
    }
  });

  test("decodes other address families as sa_family only", () => {
    const netlink = new ByteWriter().u16(16).u16(0).u32(1234).u32(0).done();
    expect(value({ event: "bind", args: { addr: netlink } }, "addr")).toStrictEqual({ sa_family: "AF_NETLINK" });
    const unknown = new ByteWriter().u16(200).zeros(14).done();
    expect(value({ event: "bind", args: { addr: unknown } }, "addr")).toStrictEqual({ sa_family: "200" });
  });

  test("decodes a NULL sockaddr as AF_UNSPEC", () => {
    expect(value({ event: "accept", args: { addr: null } }, "addr")).toStrictEqual({ sa_family: "AF_UNSPEC" });
  });

  test("leaves out sockaddr fields the bytes do not reach", () => {
    expect(value({ event: "connect", args: { addr: sockaddrInet(80, "1.2.3.4").subarray(0, 4) } }, "addr"))
      .toStrictEqual({ sa_family: "AF_INET", sin_port: "80" });
  });

  test("decodes bytes into a copy that outlives the decoder's memory", () => {
    const d = new Decoder(wasm);
    const out: TraceEvent[] = [];
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    d.decodeChunk(sample({ event: "magic_write", args: { bytes: payload }, truncated: { bytes: true } }), out);
    d.decodeChunk(sample({ event: "magic_write", args: { bytes: new Uint8Array(300).fill(9) } }), out);
    const arg = argOf(out[0], "bytes");
    expect(arg.value).toBeInstanceOf(Uint8Array);
    expect(arg.value).toEqual(payload);
    expect(arg.truncated).toBe(true);
    expect(argOf(out[1], "bytes").truncated).toBeUndefined();
  });

  test("decodes cred structs with capability sets beyond 2^53", () => {
    const cred: Cred = {
      Uid: 1000, Gid: 1001, Suid: 1002, Sgid: 1003, Euid: 0, Egid: 0, Fsuid: 0xffffffff, Fsgid: 5,
      UserNamespace: 4026531837, SecureBits: 0x2f,
      CapInheritable: 0, CapPermitted: 0x1ffffffffff, CapEffective: 2n ** 63n, CapBounding: 2 ** 53 - 1, CapAmbient: 2n ** 53n,
    };
    const ev = one({ event: "commit_creds", args: { old_cred: { ...cred, Uid: 7 }, new_cred: cred, syscall: 105 } });
    expect(argOf(ev, "old_cred").value).toStrictEqual({ ...cred, Uid: 7 });
    expect(argOf(ev, "new_cred")).toStrictEqual({ name: "new_cred", type: "slim_cred_t", wire: "cred", value: cred });
  });

  test("decodes int_arr_2 as a pair of signed ints", () => {
    expect(value({ event: "pipe", args: { pipefd: [3, -1] } }, "pipefd")).toStrictEqual([3, -1]);
  });

  test("decodes args_arr by splitting the area at NULs", () => {
    const ev = one({ event: "sched_process_exec", args: { argv: ["ls", "-la", "", "/tmp"], env: [] } });
    expect(argOf(ev, "argv")).toStrictEqual({ name: "argv", type: "const char**", wire: "args_arr", value: ["ls", "-la", "", "/tmp"] });
    expect(argOf(ev, "env").value).toEqual([]);
  });

  test("fills args_arr elements lost to truncation with ? and keeps a cut last string", () => {
    const area = new TextEncoder().encode("a\0bb\0cc");
    const arg = argOf(one({ event: "sched_process_exec", args: { argv: { area, count: 5 } }, truncated: { argv: true } }), "argv");
    expect(arg.value).toEqual(["a", "bb", "cc", "?", "?"]);
    expect(arg.truncated).toBe(true);
  });

  test("caps ? padding of args_arr at the area limit", () => {
    const arg = argOf(one({ event: "sched_process_exec", args: { argv: { area: new Uint8Array(0), count: 0xffffffff } } }), "argv");
    expect((arg.value as string[]).length).toBe(LIMITS.argsArrMax);
  });

  test("ignores args_arr strings beyond its element count", () => {
    const area = new TextEncoder().encode("a\0b\0c\0");
    expect(value({ event: "sched_process_exec", args: { argv: { area, count: 2 } } }, "argv")).toEqual(["a", "b"]);
  });

  test("decodes timespec as signed seconds and nanoseconds", () => {
    expect(value({ event: "nanosleep", args: { req: { tv_sec: 5, tv_nsec: 500 } } }, "req")).toStrictEqual({ tv_sec: 5, tv_nsec: 500 });
    expect(value({ event: "nanosleep", args: { req: { tv_sec: BigInt.asUintN(64, -1n), tv_nsec: 2n ** 62n } } }, "req"))
      .toStrictEqual({ tv_sec: -1, tv_nsec: 2n ** 62n });
  });

  test("keeps the schema names of arguments when earlier ones are absent", () => {
    const ev = one({ event: "openat", args: { flags: 0o100, mode: 0o644 } });
    expect(ev.args.map((a) => [a.name, a.value])).toEqual([["flags", 0o100], ["mode", 0o644]]);
  });

  test("decodes an event with every parameter of sched_process_exec", () => {
    const ev = one({
      event: "sched_process_exec",
      args: {
        cmdpath: "/usr/bin/env", pathname: "/usr/bin/python3", argv: ["python3", "-c", "pass"], env: ["A=1"],
        dev: 2049, inode: 2n ** 60n, invoked_from_kernel: 0, ctime: 1_700_000_000_123_456_789n, stdin_type: 0o20000,
      },
    });
    expect(ev.args.map((a) => a.value)).toEqual([
      "/usr/bin/env", "/usr/bin/python3", ["python3", "-c", "pass"], ["A=1"], 2049, 2n ** 60n, 0, 1_700_000_000_123_456_789n, 0o20000,
    ]);
  });
});

describe("perf records", () => {
  test("decodes several events from one chunk in order", () => {
    const { events, stats } = decode(concat([
      sample({ event: "openat", ctx: { pid: 1 }, args: { pathname: "/a" } }),
      sample({ event: "close", ctx: { pid: 2 }, args: { fd: 3 } }),
      sample({ event: "execve", ctx: { pid: 3 }, args: { argv: ["x"] } }),
    ]));
    expect(events.map((e) => [e.processId, e.eventName])).toEqual([[1, "openat"], [2, "close"], [3, "execve"]]);
    expect(stats).toMatchObject({ events: 3, errors: 0, lost: 0 });
  });

  test("adds up lost samples from LOST records, also beyond 2^32", () => {
    const { events, stats } = decode(concat([perfLost(5), sample({ event: "getpid" }), perfLost(2 ** 33 + 1, 7)]), perfLost(10));
    expect(events).toHaveLength(1);
    expect(stats.lost).toBe(2 ** 33 + 16);
    expect(stats.errors).toBe(0);
  });

  test("skips records of other types by their size", () => {
    const { events, stats } = decode(concat([perfRecord(3, new Uint8Array(40)), sample({ event: "getpid" }), perfRecord(14, new Uint8Array(4))]));
    expect(events).toHaveLength(1);
    expect(stats.otherRecords).toBe(2);
    expect(stats.errors).toBe(0);
  });

  test("decodes into a callback as well as an array", () => {
    const d = new Decoder(wasm);
    const names: string[] = [];
    const n = d.decodeChunk(concat([sample({ event: "getpid" }), sample({ event: "close" })]), (ev) => names.push(ev.eventName));
    expect(n).toBe(2);
    expect(names).toEqual(["getpid", "close"]);
  });

  test("returns nothing for an empty chunk", () => {
    const { events, stats } = decode(new Uint8Array(0));
    expect(events).toHaveLength(0);
    expect(stats.errors).toBe(0);
  });

  test("decodes a chunk larger than the input area", () => {
    const d = new Decoder(wasm);
    const shapes = Array.from({ length: 300 }, (_, i) => sample({ event: "openat", args: { pathname: "/p/" + "x".repeat(i) } }));
    const parts: Uint8Array[] = [];
    let size = 0;
    for (let i = 0; size <= d.engine.inputCap + 100_000; i++) {
      const s = shapes[i % 300].slice();
      new DataView(s.buffer).setUint32(12 + 16, i, true); // context pid
      parts.push(s);
      size += s.length;
    }
    const out: TraceEvent[] = [];
    expect(d.decodeChunk(concat(parts), out)).toBe(parts.length);
    expect(d.stats.errors).toBe(0);
    expect(out.every((e, i) => e.processId === i && (e.args[0].value as string).length === 3 + (i % 300))).toBe(true);
  });

  test("carries records cut by the input area's end over to the next piece", () => {
    const p = new PlainDecoder(1000);
    const specs = Array.from({ length: 200 }, (_, i) => sample({ event: "execve", ctx: { pid: i }, args: { argv: ["a".repeat(i % 97)] } }));
    const out: TraceEvent[] = [];
    p.decodeChunk(concat(specs), out);
    expect(p.stats.errors).toBe(0);
    expect(out.map((e) => e.processId)).toEqual(specs.map((_, i) => i));
  });

  test("continues after the event table fills", () => {
    const one = sample({ event: "getpid", ctx: { ts: 1 } });
    const n = T.EVENTS_CAP + 500;
    const chunk = new Uint8Array(one.length * n);
    for (let i = 0; i < n; i++) chunk.set(one, i * one.length);
    const d = new Decoder(wasm);
    const e = d.engine;
    new Uint8Array(e.memory()).set(chunk, e.inputPtr);
    const consumed = e.decode(e.inputPtr, chunk.length);
    expect(consumed).toBe(T.EVENTS_CAP * one.length);
    expect(new Uint32Array(e.memory(), e.resultPtr, 8)[T.R_EVENTS]).toBe(T.EVENTS_CAP);
    let count = 0;
    expect(d.decodeChunk(chunk, () => count++)).toBe(n);
    expect(count).toBe(n);
    expect(d.stats.errors).toBe(0);
  });

  test("continues after the argument table fills", () => {
    const argv = Array.from({ length: LIMITS.strArrMax }, (_, i) => String(i));
    const rec = sample({ event: "execve", args: { pathname: "/x", argv, envp: argv } });
    const perEvent = 3 + 2 * LIMITS.strArrMax;
    const n = Math.ceil(T.ARGS_CAP / perEvent) + 10;
    const chunk = concat(Array.from({ length: n }, () => rec));
    expect(chunk.length).toBeLessThan(T.INPUT_CAP);
    const { events, stats } = decode(chunk);
    expect(events).toHaveLength(n);
    expect(stats.errors).toBe(0);
    expect(events[n - 1].args[2].value).toEqual(argv);
  });
});

describe("malformed samples", () => {
  const good = () => sample({ event: "close", args: { fd: 1 } });
  /** A malformed sample between two good ones: the bad one is dropped with its code, the others survive. */
  function expectMalformed(bad: Uint8Array, code: number) {
    const { events, stats } = decode(concat([good(), bad, good()]));
    expect(events).toHaveLength(2);
    expect(stats).toMatchObject({ malformed: 1, errors: 1, lastError: code, framing: 0 });
  }
  // raw_size without the padding, so that the sample ends right after the given bytes
  const exact = (raw: Uint8Array) => perfSample(raw, raw.length);
  const withArgs = (argnum: number, ...records: Uint8Array[]) => exact(rawSample({ event_id: 257, argnum }, concat(records)));
  const str = (s: string | Uint8Array, trunc = false) => { const w = new ByteWriter(); writePayload(w, "str", s, trunc); return w.done(); };

  test("rejects a sample shorter than the context header (code 1)", () => {
    expectMalformed(exact(rawSample({ event_id: 3 }).subarray(0, 100)), T.ERR_SHORT_SAMPLE);
  });

  test("rejects an argnum over the limit (code 2)", () => {
    expectMalformed(withArgs(LIMITS.maxArgs + 1), T.ERR_ARGNUM);
  });

  test("rejects an argument header beyond the sample (code 3)", () => {
    expectMalformed(withArgs(2, argRecord(0, ArgType.int, new Uint8Array(4))), T.ERR_ARG_HEADER);
    expectMalformed(withArgs(1, Uint8Array.of(0)), T.ERR_ARG_HEADER);
  });

  test("rejects unknown wire types (code 4)", () => {
    expectMalformed(withArgs(1, argRecord(0, 0)), T.ERR_WIRE_TYPE);
    expectMalformed(withArgs(1, argRecord(0, 20)), T.ERR_WIRE_TYPE);
    expectMalformed(withArgs(1, argRecord(0, 255)), T.ERR_WIRE_TYPE);
  });

  test("rejects payloads beyond the sample (code 5)", () => {
    expectMalformed(withArgs(1, argRecord(0, ArgType.int, new Uint8Array(3))), T.ERR_PAYLOAD);
    expectMalformed(withArgs(1, argRecord(1, ArgType.str, str("abc").subarray(0, 6))), T.ERR_PAYLOAD);
    expectMalformed(withArgs(1, argRecord(1, ArgType.str, new Uint8Array(2))), T.ERR_PAYLOAD);
    expectMalformed(exact(rawSample({ event_id: 59, argnum: 1 }, concat([argRecord(1, ArgType.str_arr), new ByteWriter().u32(2).done(), str("a")]))), T.ERR_PAYLOAD);
    expectMalformed(exact(rawSample({ event_id: 1003, argnum: 1 }, concat([argRecord(2, ArgType.args_arr), new ByteWriter().u32(4).done()]))), T.ERR_PAYLOAD);
  });

  test("rejects lengths over their limits (code 6)", () => {
    expectMalformed(withArgs(1, argRecord(1, ArgType.str, str("a".repeat(LIMITS.strMax + 1)))), T.ERR_LIMIT);
    expectMalformed(exact(rawSample({ event_id: 59, argnum: 1 }, concat([argRecord(1, ArgType.str_arr), new ByteWriter().u32(LIMITS.strArrMax + 1).done()]))), T.ERR_LIMIT);
    expectMalformed(exact(rawSample({ event_id: 42, argnum: 1 }, concat([argRecord(1, ArgType.sockaddr), new ByteWriter().u32(LIMITS.sockaddrMax + 1).zeros(LIMITS.sockaddrMax + 1).done()]))), T.ERR_LIMIT);
    expectMalformed(exact(rawSample({ event_id: 1013, argnum: 1 }, concat([argRecord(1, ArgType.bytes), new ByteWriter().u32(LIMITS.bytesMax + 1).zeros(LIMITS.bytesMax + 1).done()]))), T.ERR_LIMIT);
    expectMalformed(exact(rawSample({ event_id: 1003, argnum: 1 }, concat([argRecord(2, ArgType.args_arr), new ByteWriter().u32(LIMITS.argsArrMax + 1).u32(1).zeros(LIMITS.argsArrMax + 1).done()]))), T.ERR_LIMIT);
  });

  test("rejects argument indices that do not increase (code 7)", () => {
    const i32 = new Uint8Array(4);
    expectMalformed(withArgs(2, argRecord(2, ArgType.int, i32), argRecord(0, ArgType.int, i32)), T.ERR_INDEX_ORDER);
    expectMalformed(withArgs(2, argRecord(0, ArgType.int, i32), argRecord(0, ArgType.int, i32)), T.ERR_INDEX_ORDER);
  });

  test("rejects a sample whose raw size runs past its perf record (code 8)", () => {
    const rec = sample({ event: "close", args: { fd: 1 } });
    new DataView(rec.buffer).setUint32(8, rec.length - 8, true);
    expectMalformed(rec, T.ERR_RECORD_BODY);
  });

  test("rejects a LOST record too short for its counter (code 8)", () => {
    expectMalformed(perfRecord(2, new Uint8Array(8)), T.ERR_RECORD_BODY);
  });

  test("reads the declared argnum records and ignores bytes after them", () => {
    const ev = one({ event: "close", args: { fd: 4 }, tail: Uint8Array.of(0, 255, 1, 2, 3) });
    expect(ev.args).toHaveLength(1);
  });
});

describe("schema checks", () => {
  test("drops an event whose wire type disagrees with the schema and counts an error", () => {
    const bad = perfSample(rawSample({ event_id: 3, argnum: 1 }, argRecord(0, ArgType.uint, new Uint8Array(4))));
    const { events, stats } = decode(concat([bad, sample({ event: "getpid" })]));
    expect(events.map((e) => e.eventName)).toEqual(["getpid"]);
    expect(stats).toMatchObject({ mismatched: 1, errors: 1, malformed: 0 });
  });

  test("drops an event with an argument index beyond its parameters", () => {
    const bad = perfSample(rawSample({ event_id: 3, argnum: 1 }, argRecord(1, ArgType.int, new Uint8Array(4))));
    expect(decode(bad).stats).toMatchObject({ mismatched: 1, errors: 1, events: 0 });
  });

  test("drops an event with an unknown id and counts an error", () => {
    const { events, stats } = decode(concat([
      perfSample(rawSample({ event_id: 999 })), perfSample(rawSample({ event_id: -1 })), perfSample(rawSample({ event_id: 3000 })),
      sample({ event: "getpid" }),
    ]));
    expect(events).toHaveLength(1);
    expect(stats).toMatchObject({ unknownEvents: 3, errors: 3 });
  });
});

describe("framing", () => {
  const header = (type: number, size: number) => new ByteWriter().u32(type).u16(0).u16(size).done();
  function expectFramingError(bad: Uint8Array) {
    const { events, stats } = decode(concat([sample({ event: "getpid" }), bad, sample({ event: "getpid" })]));
    expect(events).toHaveLength(1);
    expect(stats).toMatchObject({ framing: 1, errors: 1 });
  }

  test("stops the chunk at a record size that is not a multiple of 8", () => expectFramingError(concat([header(9, 20), new Uint8Array(12)])));
  test("stops the chunk at a record size below 8", () => {
    expectFramingError(concat([header(9, 0), new Uint8Array(8)]));
    expectFramingError(concat([header(3, 4), new Uint8Array(8)]));
  });
  test("stops the chunk at a record that runs past its end", () => {
    const { events, stats } = decode(concat([sample({ event: "getpid" }), sample({ event: "close" }).subarray(0, 40)]));
    expect(events).toHaveLength(1);
    expect(stats).toMatchObject({ framing: 1, errors: 1 });
  });
  test("reports trailing bytes shorter than a record header", () => {
    const { events, stats } = decode(concat([sample({ event: "getpid" }), new Uint8Array(5)]));
    expect(events).toHaveLength(1);
    expect(stats).toMatchObject({ framing: 1, errors: 1 });
  });
  test("keeps decoding later chunks after a framing error", () => {
    const { events, stats } = decode(header(9, 4), sample({ event: "getpid" }));
    expect(events).toHaveLength(1);
    expect(stats.framing).toBe(1);
  });
  test("refuses a range outside the module's memory without reading it", () => {
    for (const d of [new Decoder(wasm), new PlainDecoder()]) {
      const e = d.engine;
      const size = e.memory().byteLength;
      for (const [ptr, len] of [[size - 4, 100], [size + 8, 8], [0xfffffff0, 0x20]]) {
        expect(e.decode(ptr, len)).toBe(0);
        expect(new Uint32Array(e.memory(), e.resultPtr, 8)[T.R_FRAMING]).toBe(T.FRAMING_OUT_OF_MEMORY);
      }
    }
  });
});

/** A deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function realChunk(rand: () => number): Uint8Array {
  const specs: SampleSpec[] = [
    { event: "openat", ctx: { pid: 5, comm: "cat" }, args: { dirfd: -100, pathname: "/etc/passwd", flags: 0, mode: 0 } },
    { event: "execve", args: { pathname: "/bin/sh", argv: ["sh", "-c", "true"], envp: ["A=B"] }, truncated: { envp: true } },
    { event: "connect", args: { sockfd: 3, addr: sockaddrInet6(53, 0, [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 0), addrlen: 28 } },
    { event: "bind", args: { sockfd: 3, addr: sockaddrUnix("/tmp/s") } },
    { event: "commit_creds", args: { old_cred: { Uid: 1, Gid: 2, Suid: 3, Sgid: 4, Euid: 5, Egid: 6, Fsuid: 7, Fsgid: 8, UserNamespace: 9, SecureBits: 10, CapInheritable: 1, CapPermitted: 2n ** 60n, CapEffective: 3, CapBounding: 4, CapAmbient: 5 } } },
    { event: "sched_process_exec", args: { cmdpath: "/bin/ls", argv: ["ls", "-l"], env: { area: new TextEncoder().encode("X=1\0Y"), count: 4 }, inode: 77 } },
    { event: "magic_write", args: { pathname: "/bin/x", bytes: Uint8Array.of(0x7f, 0x45, 0x4c, 0x46) } },
    { event: "pipe", args: { pipefd: [3, 4] } },
    { event: "nanosleep", args: { req: { tv_sec: 1, tv_nsec: 2 } } },
  ];
  const parts: Uint8Array[] = [];
  const n = 1 + Math.floor(rand() * 8);
  for (let i = 0; i < n; i++) {
    const r = rand();
    parts.push(r < 0.1 ? perfLost(Math.floor(rand() * 100)) : sample(specs[Math.floor(rand() * specs.length)]));
  }
  return concat(parts);
}

function mutate(chunk: Uint8Array, rand: () => number): Uint8Array {
  const c = chunk.slice();
  const dv = new DataView(c.buffer);
  const edits = 1 + Math.floor(rand() * 6);
  for (let k = 0; k < edits && c.length > 0; k++) {
    const at = Math.floor(rand() * c.length);
    const r = rand();
    if (r < 0.4) c[at] = Math.floor(rand() * 256);
    else if (r < 0.6 && at + 4 <= c.length) dv.setUint32(at, [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 4096, 4097][Math.floor(rand() * 7)], true);
    else if (r < 0.75 && at + 2 <= c.length) dv.setUint16(at, Math.floor(rand() * 65536), true);
    else if (r < 0.9) c[at] ^= 1 << Math.floor(rand() * 8);
    else return c.subarray(0, at);
  }
  return c;
}

function counterInvariants(s: DecodeStats) {
  expect(s.errors).toBe(s.malformed + s.framing + s.mismatched + s.unknownEvents);
}

describe("robustness", () => {
  test("survives random and mutated chunks with WASM and plain TS agreeing", () => {
    const rand = rng(12345);
    const w = new Decoder(wasm), p = new PlainDecoder();
    let delivered = 0, chunks = 0;
    for (let i = 0; i < 4000; i++) {
      let chunk: Uint8Array;
      if (i % 4 === 0) {
        chunk = Uint8Array.from({ length: Math.floor(rand() * 600) }, () => Math.floor(rand() * 256));
        // plausible headers make random bytes reach the sample decoder
        if (chunk.length >= 8 && rand() < 0.7) new DataView(chunk.buffer).setUint32(0, 9, true), new DataView(chunk.buffer).setUint16(6, chunk.length & ~7, true);
      } else {
        chunk = mutate(realChunk(rand), rand);
      }
      const a: TraceEvent[] = [], b: TraceEvent[] = [];
      const before = w.stats.framing;
      const n = w.decodeChunk(chunk, a);
      p.decodeChunk(chunk, b);
      expect(n).toBe(a.length);
      expect(w.stats.framing - before).toBeLessThanOrEqual(1);
      expect(a).toStrictEqual(b);
      delivered += n;
      chunks++;
    }
    expect(w.stats).toStrictEqual(p.stats);
    expect(w.stats.events).toBe(delivered);
    counterInvariants(w.stats);
    expect(chunks).toBe(4000);
    expect(delivered).toBeGreaterThan(1000);
    expect(w.stats.malformed).toBeGreaterThan(100);
  });

  test("never reads outside the given bytes: tables point inside them and ignore what follows", () => {
    const rand = rng(777);
    for (const d of [new Decoder(wasm), new PlainDecoder()]) {
      const e = d.engine;
      for (let i = 0; i < 1500; i++) {
        const chunk = mutate(realChunk(rand), rand);
        const snapshot = (fill: number) => {
          const mem = new Uint8Array(e.memory());
          mem.set(chunk, e.inputPtr);
          mem.fill(fill, e.inputPtr + chunk.length, e.inputPtr + chunk.length + 70000);
          const consumed = e.decode(e.inputPtr, chunk.length);
          const u32 = new Uint32Array(e.memory());
          const r = u32.slice(e.resultPtr >>> 2, (e.resultPtr >>> 2) + 8);
          const evs = u32.slice(e.eventsPtr >>> 2, (e.eventsPtr >>> 2) + r[T.R_EVENTS] * T.EV_WORDS);
          const args = u32.slice(e.argsPtr >>> 2, (e.argsPtr >>> 2) + r[T.R_ARGS] * T.ARG_WORDS);
          return { consumed, r, evs, args };
        };
        const x = snapshot(0x00), y = snapshot(0xff);
        expect(y).toStrictEqual(x);
        const lo = e.inputPtr, hi = e.inputPtr + chunk.length;
        expect(x.consumed).toBeLessThanOrEqual(chunk.length);
        for (let k = 0; k < x.evs.length; k += T.EV_WORDS) {
          expect(x.evs[k] >= lo && x.evs[k] + x.evs[k + 1] <= hi).toBe(true);
        }
        for (let k = 0; k < x.args.length; k += T.ARG_WORDS) {
          expect(x.args[k + 1] >= lo && x.args[k + 1] + x.args[k + 2] <= hi).toBe(true);
        }
      }
    }
  });
});

describe("WASM and plain TS", () => {
  test("produce identical tables for the same bytes", () => {
    const rand = rng(99);
    const w = new Decoder(wasm).engine, p = new PlainDecoder().engine;
    for (let i = 0; i < 300; i++) {
      const chunk = i % 2 ? realChunk(rand) : mutate(realChunk(rand), rand);
      const tables = (e: typeof w) => {
        new Uint8Array(e.memory()).set(chunk, e.inputPtr);
        const consumed = e.decode(e.inputPtr, chunk.length);
        const u32 = new Uint32Array(e.memory());
        const r = u32.slice(e.resultPtr >>> 2, (e.resultPtr >>> 2) + 16);
        const rel = (v: number) => v - e.inputPtr;
        const evs = Array.from(u32.slice(e.eventsPtr >>> 2, (e.eventsPtr >>> 2) + r[0] * 8)).map((v, k) => (k % 8 === 0 ? rel(v) : v));
        const args = Array.from(u32.slice(e.argsPtr >>> 2, (e.argsPtr >>> 2) + r[1] * 4)).map((v, k) => (k % 4 === 1 ? rel(v) : v));
        return { consumed, r: Array.from(r), evs, args };
      };
      expect(tables(w)).toStrictEqual(tables(p));
    }
  });
});
