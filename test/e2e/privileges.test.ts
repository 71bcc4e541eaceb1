// Privileges: what an ordinary user can do, and the one-line refusal, before any BPF call, for whoever lacks
// the capabilities to trace. This machine's root lacks CAP_SYS_RESOURCE, and tracing works (kernel >= 5.11).
import { describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { requireRoot, TRACEE } from "../helpers/tracee.ts";
import { captureDir, kernelCalls, NOBODY, runToEnd, traceOneOpen } from "../helpers/wrapped.ts";

requireRoot();

describe("as an ordinary user (uid 65534, no capabilities)", () => {
  const answers: [string[], RegExp][] = [
    [["--help"], /--build-policy/],
    [["--version"], /^tracee \d+\.\d+\.\d+\n$/],
    [["--version", "--debug"], /\n  libbpf  1\.\d+ \(embedded libbpf\.so\.1 \(memfd\)\)\n/],
    [["--list"], /openat/],
    [["--list", "--output", "json"], /"name":"openat"/],
    [["--trace", "help"], /event/],
    [["--output", "help"], /json/],
    [["--capture", "help"], /dir:/],
  ];
  for (const [args, want] of answers) {
    test(`tracee ${args.join(" ")} answers on stdout with exit 0`, () => {
      const r = runToEnd([...NOBODY, TRACEE, ...args]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(want);
    });
  }

  test("tracing stops with exit 1 and one line naming CAP_BPF and CAP_PERFMON, before any bpf() or perf_event_open() call", () => {
    const cap = captureDir(65534);
    const { result, calls } = kernelCalls([...NOBODY, TRACEE, "--capture", `dir:${cap}`]);
    rmSync(cap, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith("tracee: insufficient privileges to trace: missing CAP_BPF, CAP_PERFMON; run as root or grant them (sudo setcap cap_bpf,cap_perfmon+ep ");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(calls).toEqual([]);
  });

  test("with only CAP_BPF and CAP_PERFMON (ambient), an ordinary user traces a child", async () => {
    const r = await traceOneOpen(
      (cap) => [...NOBODY, "--inh-caps=+bpf,+perfmon", "--ambient-caps=+bpf,+perfmon", TRACEE, "--output", "json", "--trace", "event=openat", "--perf-buffer-size", "64", "--capture", `dir:${cap}`],
      { owner: 65534 },
    );
    expect(r.stderr).toContain('"stats"');
    expect(r.code).toBe(0);
    expect(r.open).toBeDefined();
    expect(r.open.userId).toBe(0);
  }, 30000);
});

describe("as root with capabilities dropped", () => {
  const drop = (caps: string) => ["setpriv", "--inh-caps=-all", `--bounding-set=${caps}`];

  test("without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN: exit 1, one line naming the first two, no BPF call", () => {
    const cap = captureDir();
    const { result, calls } = kernelCalls([...drop("-bpf,-perfmon,-sys_admin"), TRACEE, "--capture", `dir:${cap}`]);
    rmSync(cap, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toStartWith("tracee: insufficient privileges to trace: missing CAP_BPF, CAP_PERFMON;");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(calls).toEqual([]);
  });

  test("without CAP_PERFMON alone: names only CAP_PERFMON", () => {
    const r = runToEnd([...drop("-perfmon,-sys_admin"), TRACEE]);
    expect(r.code).toBe(1);
    expect(r.stderr).toStartWith("tracee: insufficient privileges to trace: missing CAP_PERFMON; ");
  });

  test("CAP_SYS_ADMIN alone still stands for CAP_BPF and CAP_PERFMON", async () => {
    const r = await traceOneOpen((cap) => [...drop("-bpf,-perfmon"), TRACEE, "--output", "json", "--trace", "event=openat", "--capture", `dir:${cap}`]);
    expect(r.code).toBe(0);
    expect(r.open).toBeDefined();
  }, 30000);

  test("without CAP_SYS_RESOURCE (as this machine's root is), tracing works: BPF memory is charged to the memory cgroup", async () => {
    const r = await traceOneOpen((cap) => [...drop("-sys_resource"), TRACEE, "--output", "json", "--trace", "event=openat", "--capture", `dir:${cap}`]);
    expect(r.code).toBe(0);
    expect(r.open).toBeDefined();
  }, 30000);

  test("the help pages and --list need no capability at all", () => {
    const r = runToEnd([...drop("-all"), TRACEE, "--list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("openat");
  });
});
