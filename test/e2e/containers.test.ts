// E2E container awareness: cgroups named as runtimes name them, children started in them in new namespaces,
// and several tracee instances at once, each with one container filter, on each cgroup hierarchy of this host.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { LAYOUTS, makeContainer, newId, V1, V2, type FakeContainer } from "../helpers/cgroups.ts";
import { jsonLines, requireRoot, runWorkload, startTracee, workload, WORKLOAD_COMM, type TraceeRun } from "../helpers/tracee.ts";

const EVENTS = ["--trace", "event=openat,sched_process_exec", "--trace", `comm=${WORKLOAD_COMM}`];
const file = (tag: string) => `/tmp/tracee-e2e-ct-${process.pid}-${tag}`;
type Output = { code: number | null; stdout: string; stderr: string };

const opened = (events: any[], path: string) => events.filter((e) => e.eventName === "openat" && e.args[1]?.value === path);
const idsOf = (events: any[], path: string) => [...new Set(opened(events, path).map((e) => e.containerId))];

async function startAll(specs: Record<string, string[]>, env: Record<string, string> = {}): Promise<Record<string, TraceeRun>> {
  const names = Object.keys(specs);
  const runs = await Promise.all(names.map((n) => startTracee(specs[n], 30000, env)));
  return Object.fromEntries(names.map((n, i) => [n, runs[i]]));
}

async function stopAll(runs: Record<string, TraceeRun>): Promise<Record<string, Output>> {
  const names = Object.keys(runs);
  const outs = await Promise.all(names.map((n) => runs[n].stop("SIGINT")));
  return Object.fromEntries(names.map((n, i) => [n, outs[i]]));
}

/** A container whose child is already running (held at a gate) before tracee starts. */
async function startedBefore(c: FakeContainer, gate: string, path: string) {
  const r = c.run([workload(), `wait:${gate}`, `openat:${path}:0:0`]);
  // the child counts as running in the container once the wrapper (unshare) and its child are both in there
  const procs = `${c.trees[0]}${c.path}/cgroup.procs`;
  const t0 = Date.now();
  while (readFileSync(procs, "utf8").trim().split("\n").filter(Boolean).length < 2) {
    if (Date.now() - t0 > 5000) throw new Error(`the child did not start in ${procs}`);
    await Bun.sleep(20);
  }
  return r;
}

describe("containers on the cgroup v1 cpuset hierarchy (this host's default)", () => {
  const made: FakeContainer[] = [];
  let out: Record<string, Output> = {};
  let json: Record<string, any[]> = {};
  let existing: FakeContainer, fresh: FakeContainer, crio: FakeContainer;
  let freshIds = { v1: 0, v2: 0 };
  let freshWrapper = 0;
  const freshId = newId();

  beforeAll(async () => {
    requireRoot();
    const gate = file("gate");
    existing = makeContainer(LAYOUTS.dockerSystemd, [V1, V2]);
    made.push(existing);
    const held = await startedBefore(existing, gate, file("old"));

    const runs = await startAll({
      plain: ["--output", "json", ...EVENTS],
      container: ["--output", "json", ...EVENTS, "--trace", "container"],
      newOnly: ["--output", "json", ...EVENTS, "--trace", "container=new"],
      oldOnly: ["--output", "json", ...EVENTS, "--trace", "container!=new"],
      outside: ["--output", "json", ...EVENTS, "--trace", "!container"],
      byId: ["--debug", "--output", "table-verbose", ...EVENTS, "--trace", `container=${freshId.slice(0, 10).toUpperCase()}`],
      cgroupEvents: ["--output", "json", "--trace", "event=cgroup_mkdir,cgroup_rmdir,cgroup_attach_task"],
    });

    // new containers: their children wait a little before exec so that user space has seen the cgroups
    fresh = makeContainer(LAYOUTS.containerd, [V1, V2], freshId);
    crio = makeContainer(LAYOUTS.crio, [V1, V2]);
    made.push(fresh, crio);
    freshIds = { v1: fresh.cgroupId(V1), v2: fresh.cgroupId(V2) };
    const f = fresh.run([workload(), `openat:${file("new")}:0:0`], 0.4);
    freshWrapper = f.pid;
    const c = crio.run([workload(), `openat:${file("crio")}:0:0`], 0.4);
    await Promise.all([f.exited, c.exited]);
    await runWorkload([`openat:${file("host")}:0:0`]);
    writeFileSync(gate, "");
    await held.exited;
    rmSync(gate, { force: true });
    fresh.remove();
    crio.remove();
    await Bun.sleep(400);
    out = await stopAll(runs);
    for (const [k, o] of Object.entries(out)) if (k !== "byId") json[k] = jsonLines(o.stdout);
  }, 90000);

  afterAll(() => {
    for (const c of made) c.remove();
  });

  test("every instance exits 0", () => {
    for (const [k, o] of Object.entries(out)) expect({ k, code: o.code, err: o.code === 0 ? "" : o.stderr }).toEqual({ k, code: 0, err: "" });
  });

  test("events carry the container id from the cgroup path, and \"\" outside containers", () => {
    expect(idsOf(json.plain, file("old"))).toEqual([existing.id]);
    expect(idsOf(json.plain, file("new"))).toEqual([fresh.id]);
    expect(idsOf(json.plain, file("crio"))).toEqual([crio.id]);
    expect(idsOf(json.plain, file("host"))).toEqual([""]);
  });

  test("a container's child reports its own pid namespace ids and the host ids", () => {
    const exec = json.plain.find((e) => e.eventName === "sched_process_exec" && e.hostParentProcessId === freshWrapper);
    expect(exec).toBeDefined();
    expect(exec.containerId).toBe(fresh.id);
    expect(exec.processId).toBe(1);
    expect(exec.hostProcessId).not.toBe(1);
  });

  test("container traces containers that existed before start and new ones, not the host", () => {
    expect(idsOf(json.container, file("old"))).toEqual([existing.id]);
    expect(idsOf(json.container, file("new"))).toEqual([fresh.id]);
    expect(idsOf(json.container, file("crio"))).toEqual([crio.id]);
    expect(opened(json.container, file("host"))).toEqual([]);
    expect(json.container.every((e) => e.containerId !== "")).toBe(true);
  });

  test("container=new traces only containers created after start", () => {
    expect(idsOf(json.newOnly, file("new"))).toEqual([fresh.id]);
    expect(idsOf(json.newOnly, file("crio"))).toEqual([crio.id]);
    expect(opened(json.newOnly, file("old"))).toEqual([]);
    expect(opened(json.newOnly, file("host"))).toEqual([]);
  });

  test("container!=new traces only containers that existed before start", () => {
    expect(idsOf(json.oldOnly, file("old"))).toEqual([existing.id]);
    expect(opened(json.oldOnly, file("new"))).toEqual([]);
    expect(opened(json.oldOnly, file("host"))).toEqual([]);
  });

  test("!container traces processes outside containers only", () => {
    expect(idsOf(json.outside, file("host"))).toEqual([""]);
    for (const tag of ["old", "new", "crio"]) expect(opened(json.outside, file(tag))).toEqual([]);
  });

  test("container=ID prefix shows that container only, with a CONTAINER_ID column, filtered in the kernel", () => {
    const lines = out.byId.stdout.split("\n");
    expect(lines[0]).toContain("CONTAINER_ID");
    const rows = lines.filter((l) => l.includes(" openat "));
    const row = rows.find((l) => l.includes(file("new")));
    expect(row).toBeDefined();
    expect(row!.split(/\s+/)[2]).toBe(fresh.id.slice(0, 12));
    expect(rows.every((l) => l.includes(fresh.id.slice(0, 12)))).toBe(true);
    expect(rows.some((l) => l.includes(file("crio")) || l.includes(file("old")))).toBe(false);
    // nothing of the other containers reached user space: the kernel dropped them, user space had nothing to drop
    const line = /user space: .*/.exec(out.byId.stderr)?.[0] ?? "(no user-space line in the --debug log)";
    expect(line).toMatch(/^user space: \d+ bookkeeping events, 0 events dropped by user-space filters$/);
  });

  test("cgroup_mkdir and cgroup_rmdir report the followed hierarchy's cgroup id and path, once", () => {
    const ev = json.cgroupEvents;
    const mk = ev.filter((e) => e.eventName === "cgroup_mkdir" && e.args[1].value === fresh.path);
    expect(mk.length).toBe(1);
    expect(mk[0].args).toEqual([
      { name: "cgroup_id", type: "u64", value: freshIds.v1 },
      { name: "cgroup_path", type: "const char*", value: fresh.path },
    ]);
    const rm = ev.filter((e) => e.eventName === "cgroup_rmdir" && e.args[1].value === fresh.path);
    expect(rm.map((e) => e.args[0].value)).toEqual([freshIds.v1]);
  });

  test("cgroup_attach_task reports the path, comm and pid of the task moved", () => {
    const at = json.cgroupEvents.filter((e) => e.eventName === "cgroup_attach_task" && e.args[0].value === fresh.path);
    expect(at.map((e) => e.args)).toEqual([[
      { name: "cgroup_path", type: "const char*", value: fresh.path },
      { name: "comm", type: "const char*", value: "sh" },
      { name: "pid", type: "pid_t", value: freshWrapper },
    ]]);
  });
});

describe("containers on the unified (cgroup v2) hierarchy, chosen with TRACEE_CGROUP_MOUNT", () => {
  const made: FakeContainer[] = [];
  let out: Record<string, Output> = {};
  let json: Record<string, any[]> = {};
  let existing: FakeContainer, fresh: FakeContainer, v1only: FakeContainer;
  let freshV2Id = 0;

  beforeAll(async () => {
    requireRoot();
    const gate = file("gate2");
    existing = makeContainer(LAYOUTS.podman, [V1, V2]);
    made.push(existing);
    const held = await startedBefore(existing, gate, file("old2"));
    const env = { TRACEE_CGROUP_MOUNT: V2 };
    fresh = makeContainer(LAYOUTS.crio, [V1, V2], newId());
    const runs = await startAll({
      container: ["--output", "json", ...EVENTS, "--trace", "container"],
      newOnly: ["--output", "json", ...EVENTS, "--trace", "container=new"],
      byId: ["--output", "json", ...EVENTS, "--trace", `container=${existing.id.slice(0, 8)}`],
      cgroupEvents: ["--output", "json", "--trace", "event=cgroup_mkdir"],
    }, env);
    made.push(fresh);
    // recreated after start, so that it is new to tracee; v1only lives in the cpuset tree alone
    fresh.remove();
    fresh = makeContainer(LAYOUTS.crio, [V1, V2], fresh.id);
    freshV2Id = fresh.cgroupId(V2);
    v1only = makeContainer(LAYOUTS.docker, [V1]);
    made.push(fresh, v1only);
    const f = fresh.run([workload(), `openat:${file("new2")}:0:0`], 0.3);
    const v = v1only.run([workload(), `openat:${file("v1only")}:0:0`], 0.3);
    await Promise.all([f.exited, v.exited]);
    writeFileSync(gate, "");
    await held.exited;
    rmSync(gate, { force: true });
    await Bun.sleep(400);
    out = await stopAll(runs);
    for (const [k, o] of Object.entries(out)) json[k] = jsonLines(o.stdout);
    fresh.remove();
    v1only.remove();
  }, 90000);

  afterAll(() => {
    for (const c of made) c.remove();
  });

  test("every instance exits 0", () => {
    for (const [k, o] of Object.entries(out)) expect({ k, code: o.code, err: o.code === 0 ? "" : o.stderr }).toEqual({ k, code: 0, err: "" });
  });

  test("container sees containers of the unified tree, existing and new, and not a cpuset-only one", () => {
    expect(idsOf(json.container, file("old2"))).toEqual([existing.id]);
    expect(idsOf(json.container, file("new2"))).toEqual([fresh.id]);
    expect(opened(json.container, file("v1only"))).toEqual([]);
  });

  test("container=new sees only the container created after start", () => {
    expect(idsOf(json.newOnly, file("new2"))).toEqual([fresh.id]);
    expect(opened(json.newOnly, file("old2"))).toEqual([]);
  });

  test("container=ID matches a container that existed before start", () => {
    expect(idsOf(json.byId, file("old2"))).toEqual([existing.id]);
    expect(opened(json.byId, file("new2"))).toEqual([]);
  });

  test("cgroup_mkdir reports the unified tree's cgroup id", () => {
    const mk = json.cgroupEvents.filter((e) => e.eventName === "cgroup_mkdir" && e.args[1].value === fresh.path);
    expect(mk.map((e) => e.args[0].value)).toEqual([freshV2Id]);
  });
});
