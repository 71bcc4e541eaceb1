// The json fast path writes byte for byte what the string printer produces, for every kind of value.
import { expect, test } from "bun:test";
import { createPrinter } from "../../src/output/create.ts";
import { parseOutputOptions } from "../../src/output/options.ts";
import { OutBuf } from "../../src/output/out-buf.ts";
import type { TraceEvent } from "../../src/events/types.ts";
import { arg, event, README_EVENTS } from "../helpers/output-events.ts";

const ctx = { bootEpochNs: 1_795_000_000_123_456_789n, startMonoNs: 5_000_000_000n };

function same(evs: TraceEvent[], opts: string[] = []) {
  for (const o of [[], ["option:relative-time"], ["option:parse-arguments"]]) {
    const p = createPrinter(parseOutputOptions(["json", ...opts, ...o]), ctx);
    const out = new OutBuf();
    let text = "";
    for (const ev of evs) {
      text += p.event(ev);
      p.eventInto!(ev, out);
    }
    expect(out.buf.subarray(0, out.off).toString("utf8")).toBe(text);
  }
}

test("writes the README events exactly as the string printer does", () => same(README_EVENTS));

test("writes hostile, non-ASCII and escaped strings exactly as the string printer does", () => {
  same([
    event("openat", { processName: "a\nb\x1b[31m", hostName: "h\"o\\st", args: [arg("openat", "pathname", "/tmp/é/\u202e/\ud800/x\ty")] }),
    event("execve", { args: [arg("execve", "argv", ["ls", "-l\n", "ü", ""])] }),
  ]);
});

test("writes 64-bit, negative and bigint values exactly", () => {
  same([
    event("openat", { returnValue: -2, userId: 4294967295, args: [arg("openat", "dirfd", -100)] }),
    event("mmap", { returnValue: 2n ** 63n - 1n, args: [arg("mmap", "addr", 18446744073709551615n), arg("mmap", "length", 9007199254740993n)] }),
    event("sched_process_exit", { tsSec: 0, tsNsec: 5, stackAddresses: [1, 2n ** 60n], returnValue: 0 }),
  ]);
});

test("writes times before the start (relative time) and at second boundaries exactly", () => {
  same([event("close", { tsSec: 1, tsNsec: 999_999_999 }), event("close", { tsSec: 5, tsNsec: 0 }), event("close", { tsSec: 0, tsNsec: 0 })]);
});

test("writes sockaddr, cred, bytes and truncated values exactly", () => {
  same([
    event("connect", { args: [arg("connect", "addr", { sa_family: "AF_INET", sin_port: "80", sin_addr: "1.2.3.4" })] }),
    event("magic_write", { args: [arg("magic_write", "bytes", new Uint8Array([0, 1, 255])), arg("magic_write", "pathname", "/x", true)] }),
  ]);
});

test("grows past its initial size for a huge event", () => {
  const big = "x".repeat(5_000_000);
  same([event("openat", { args: [arg("openat", "pathname", big)] })]);
});
