// End-to-end, memory, bpf and modules: mem_prot_alert's four codes, security_bpf and security_bpf_map, an
// event this kernel cannot produce (reported, not silently empty), and wire types carried by plain syscalls
// (int[2], timespec, u64, off_t, dev_t, str_arr) with their values.
import { beforeAll, describe, expect, test } from "bun:test";
import { argsOf, eventsOf, traceFixture, type FixtureRun, type TracedRun } from "../helpers/events.ts";
import { requireRoot, TRACEE } from "../helpers/tracee.ts";
import { unavailableEvents } from "../../src/tracer/programs.ts";

const listJson = (): any[] =>
  Bun.spawnSync([TRACEE, "--list", "--output", "json"]).stdout.toString().trim().split("\n").map((l) => JSON.parse(l));

const EVENTS = [
  "mem_prot_alert", "security_bpf", "security_bpf_map", "pipe2", "nanosleep", "clock_nanosleep", "fanotify_mark",
  "lseek", "mknodat", "execve", "mmap", "mprotect",
];

describe("memory, bpf and argument types", () => {
  let run: TracedRun;
  let f: FixtureRun;

  beforeAll(async () => {
    requireRoot();
    run = await traceFixture([`event=${EVENTS.join(",")}`],
      [["wx", "bpfmap", "types", "write:/dev/null", "mknod:/tmp/tracee-e2e-chr-" + process.pid + ":chr", "exec:/bin/true:true:a b"]]);
    f = run.runs[0];
  });

  test("mem_prot_alert reports W+X mmap (1), RW->RX (2), RX->RWX (3) and RWX->RX (4)", () => {
    expect(eventsOf(run.events, "mem_prot_alert", f.pid).map((e) => argsOf(e).alert)).toEqual([1, 2, 3, 4]);
    const mmap = eventsOf(run.events, "mmap", f.pid).find((e) => argsOf(e).prot === 7);
    expect("0x" + BigInt(mmap.returnValue).toString(16)).toBe(f.report.get("mmap_wx")![0]);
  });

  test("security_bpf reports the bpf command, security_bpf_map the new map's id and name", () => {
    expect(eventsOf(run.events, "security_bpf", f.pid).map((e) => argsOf(e).cmd)).toEqual(expect.arrayContaining([0, 15]));
    expect(eventsOf(run.events, "security_bpf_map", f.pid).map(argsOf)).toEqual([{ map_id: f.num("map_id"), map_name: "tracee_e2e" }]);
  });

  test("int[2]: pipe2 reports both fds the kernel wrote", () => {
    const ev = eventsOf(run.events, "pipe2", f.pid)[0];
    expect(argsOf(ev)).toEqual({ pipefd: [f.num("pipe_r"), f.num("pipe_w")], flags: 0o2000000 });
  });

  test("timespec: nanosleep and clock_nanosleep carry the requested time", () => {
    expect(argsOf(eventsOf(run.events, "nanosleep", f.pid)[0])).toEqual({ req: { tv_sec: 0, tv_nsec: 1234567 }, rem: 0 });
    expect(argsOf(eventsOf(run.events, "clock_nanosleep", f.pid)[0])).toEqual({
      clockid: 1, flags: 0, request: { tv_sec: 0, tv_nsec: 7654321 }, remain: 0,
    });
  });

  test("u64: fanotify_mark keeps a mask above 32 bits, and its failure", () => {
    const ev = eventsOf(run.events, "fanotify_mark", f.pid)[0];
    expect(argsOf(ev)).toEqual({ fanotify_fd: f.num("fanotify"), flags: 1, mask: 0x100000020, dirfd: -100, pathname: "/tmp" });
    expect(ev.returnValue).toBe(-22);
  });

  test("off_t and dev_t: lseek's offset and mknodat's user dev_t", () => {
    expect(argsOf(eventsOf(run.events, "lseek", f.pid)[0])).toEqual({ fd: f.num("fd"), offset: 12345, whence: 0 });
    const mk = argsOf(eventsOf(run.events, "mknodat", f.pid)[0]);
    expect(mk.dev).toBe((1 << 8) | 3); // makedev(1, 3) as user space encodes it
    expect(mk.mode).toBe(0o020600);
  });

  test("str_arr: execve's argv, element by element", () => {
    const ev = eventsOf(run.events, "execve", f.pid).find((e) => argsOf(e).pathname === "/bin/true");
    expect(argsOf(ev).argv).toEqual(["true", "a b"]);
  });
});

describe("an event the kernel cannot produce", () => {
  // which events those are depends on the kernel: here (no kprobes, no finit_module) the two kernel_read_file ones
  const unavailable = Object.entries(unavailableEvents());

  test("is reported with the reason as a warning when chosen, and tracing goes on", async () => {
    if (!unavailable.length) return expect(listJson().filter((e) => !e.available)).toEqual([]);
    const [event, reason] = unavailable[0];
    const run = await traceFixture([`event=${event},openat`], [["finit:/etc/hostname"]]);
    expect(run.stderr).toContain(`${event} is unavailable on this kernel and will not be reported: ${reason}`);
    expect(run.code).toBe(0);
    expect(eventsOf(run.events, "openat", run.runs[0].pid).length).toBeGreaterThan(0);
  });

  test("is marked unavailable in --list, with the same reason", () => {
    const list = listJson();
    for (const [event, reason] of unavailable) expect(list.find((e) => e.name === event)).toMatchObject({ available: false, reason });
    expect(list.filter((e) => !e.available).length).toBe(unavailable.length);
  });
});
