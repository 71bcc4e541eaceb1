// User-space filters: EVENT.ARG and EVENT.retval on raw values, and container ids.
import { describe, expect, test } from "bun:test";
import { EVENT_BY_NAME } from "../../src/events/schema.ts";
import type { ArgValue, TraceEvent } from "../../src/events/types.ts";
import { parseTrace } from "../../src/filter/parse.ts";
import { goValue, makeEventFilter } from "../../src/filter/userspace.ts";

function event(name: string, args: Record<string, ArgValue>, extra: Partial<TraceEvent> = {}): TraceEvent {
  return {
    tsSec: 0, tsNsec: 0, cgroupId: 0, processId: 1, threadId: 1, parentProcessId: 0, hostProcessId: 1,
    hostThreadId: 1, hostParentProcessId: 0, userId: 0, mountNamespace: 0, pidNamespace: 0, processName: "t",
    hostName: "h", containerId: "", eventId: EVENT_BY_NAME.get(name)!.id, eventName: name, returnValue: 0,
    stackId: 0, stackAddresses: null, flags: 0, cpu: 0,
    args: Object.entries(args).map(([n, value]) => ({ name: n, type: "", wire: "str", value })),
    ...extra,
  };
}

const keeps = (exprs: string[], ev: TraceEvent) => makeEventFilter(parseTrace(exprs))(ev);
const open = (pathname: string, flags = 0) => event("openat", { dirfd: -100, pathname, flags, mode: 0 });

describe("goValue renders raw values like Go's %v", () => {
  test("numbers and bigints in decimal", () => {
    expect(goValue(-100)).toBe("-100");
    expect(goValue(18446744073709551615n)).toBe("18446744073709551615");
  });
  test("string arrays, byte arrays and int pairs as [a b]", () => {
    expect(goValue(["ls", "-l"])).toBe("[ls -l]");
    expect(goValue(new Uint8Array([1, 2]))).toBe("[1 2]");
    expect(goValue([3, 4])).toBe("[3 4]");
  });
  test("a sockaddr as a Go map with sorted keys", () => {
    expect(goValue({ sa_family: "AF_INET", sin_port: "80", sin_addr: "1.2.3.4" }))
      .toBe("map[sa_family:AF_INET sin_addr:1.2.3.4 sin_port:80]");
  });
});

describe("argument filters", () => {
  test("openat.pathname=/bin/ls keeps only that path", () => {
    expect(keeps(["openat.pathname=/bin/ls"], open("/bin/ls"))).toBe(true);
    expect(keeps(["openat.pathname=/bin/ls"], open("/bin/lsx"))).toBe(false);
  });

  test("close.fd=5 compares the decimal rendering", () => {
    expect(keeps(["close.fd=5"], event("close", { fd: 5 }))).toBe(true);
    expect(keeps(["close.fd=5"], event("close", { fd: 50 }))).toBe(false);
  });

  test("a trailing * is a prefix match", () => {
    expect(keeps(["openat.pathname=/tmp*"], open("/tmp/x"))).toBe(true);
    expect(keeps(["openat.pathname=/tmp*"], open("/etc/x"))).toBe(false);
  });

  test("a leading * is a suffix match", () => {
    expect(keeps(["openat.pathname=*.so"], open("/lib/libc.so"))).toBe(true);
    expect(keeps(["openat.pathname=*.so"], open("/lib/libc.so.6"))).toBe(false);
  });

  test("*V* is a substring match", () => {
    expect(keeps(["openat.pathname=*passwd*"], open("/etc/passwd-"))).toBe(true);
  });

  test("!= values are ANDed: openat.pathname!=/tmp/1,/bin/ls", () => {
    const f = ["openat.pathname!=/tmp/1,/bin/ls"];
    expect(keeps(f, open("/tmp/1"))).toBe(false);
    expect(keeps(f, open("/bin/ls"))).toBe(false);
    expect(keeps(f, open("/etc/x"))).toBe(true);
  });

  test("= values are ORed, and repeated flags on one argument accumulate", () => {
    const f = ["openat.pathname=/a", "openat.pathname=/b"];
    expect(keeps(f, open("/a")) && keeps(f, open("/b"))).toBe(true);
    expect(keeps(f, open("/c"))).toBe(false);
  });

  test("filters on different arguments are ANDed", () => {
    const f = ["openat.pathname=/a*", "openat.dirfd=-100"];
    expect(keeps(f, open("/a1"))).toBe(true);
    expect(keeps(f, event("openat", { dirfd: 3, pathname: "/a1" }))).toBe(false);
  });

  test("string arrays match their [a b] rendering", () => {
    const ev = event("execve", { pathname: "/bin/ls", argv: ["ls", "-l"] });
    expect(keeps(["execve.argv=[ls -l]"], ev)).toBe(true);
    expect(keeps(["execve.argv=[ls*"], ev)).toBe(true);
  });

  test("an event without the argument is not filtered", () => {
    expect(keeps(["openat.pathname=/bin/ls"], event("openat", { dirfd: 1 }))).toBe(true);
  });

  test("other events pass an argument filter untouched", () => {
    expect(keeps(["openat.pathname=/bin/ls"], event("close", { fd: 1 }))).toBe(true);
  });

  test("openat.flags=O_CREAT matches when the bit is set", () => {
    expect(keeps(["openat.flags=O_CREAT"], open("/x", 0o101))).toBe(true);
    expect(keeps(["openat.flags=O_CREAT"], open("/x", 0o1))).toBe(false);
  });

  test("O_WRONLY|O_CREAT needs both, and O_RDONLY is the access mode 0", () => {
    expect(keeps(["openat.flags=O_WRONLY|O_CREAT"], open("/x", 0o101))).toBe(true);
    expect(keeps(["openat.flags=O_WRONLY|O_CREAT"], open("/x", 0o102))).toBe(false);
    expect(keeps(["openat.flags=O_RDONLY"], open("/x", 0o2000000))).toBe(true);
    expect(keeps(["openat.flags=O_RDONLY"], open("/x", 0o2))).toBe(false);
  });

  test("openat.flags!=O_CREAT drops creating opens", () => {
    expect(keeps(["openat.flags!=O_CREAT"], open("/x", 0o101))).toBe(false);
    expect(keeps(["openat.flags!=O_CREAT"], open("/x", 0))).toBe(true);
  });

  test("numeric flags still compare as decimal text", () => {
    expect(keeps(["openat.flags=65"], open("/x", 65))).toBe(true);
  });
});

describe("retval filters", () => {
  const ret = (v: number | bigint) => event("close", { fd: 3 }, { returnValue: v });

  test("close.retval=0 keeps successful closes", () => {
    expect(keeps(["close.retval=0"], ret(0))).toBe(true);
    expect(keeps(["close.retval=0"], ret(-9))).toBe(false);
  });

  test("close.retval<0 keeps failures, as signed numbers", () => {
    const f = ["close.retval<0"];
    expect(keeps(f, ret(-2))).toBe(true);
    expect(keeps(f, ret(3))).toBe(false);
    expect(keeps(f, ret(-9223372036854775808n))).toBe(true);
  });

  test("retval >= and <= include their ends", () => {
    const f = ["close.retval>=-1", "close.retval<=1"];
    expect([-2, -1, 0, 1, 2].map((v) => keeps(f, ret(v)))).toEqual([false, true, true, true, false]);
  });

  test("retval != excludes, other values pass", () => {
    expect(keeps(["close.retval!=-9"], ret(-9))).toBe(false);
    expect(keeps(["close.retval!=-9"], ret(0))).toBe(true);
  });

  test("a retval filter leaves other events alone", () => {
    expect(keeps(["close.retval=0"], { ...open("/x"), returnValue: -2 })).toBe(true);
  });
});

describe("container filters in user space", () => {
  const id = "3f6ab1c2e85d" + "0".repeat(52);

  test("container drops events whose container id is unknown", () => {
    expect(keeps(["container"], open("/x"))).toBe(false);
    expect(keeps(["container"], { ...open("/x"), containerId: id })).toBe(true);
  });

  test("container=ID keeps only containers whose id starts with it", () => {
    expect(keeps(["container=3f6ab1"], { ...open("/x"), containerId: id })).toBe(true);
    expect(keeps(["container=abcdef"], { ...open("/x"), containerId: id })).toBe(false);
  });

  test("no user-space filters keeps every event", () => {
    expect(keeps(["uid=0", "!container"], open("/x"))).toBe(true);
  });
});
