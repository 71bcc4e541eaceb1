// The cgroup -> container table: seeding from the tree, cgroup_mkdir/rmdir, grace period, on-demand look-ups,
// and the exact kernel map writes that back `container`, `container=new` and `container=ID`.
import { describe, expect, test } from "bun:test";
import type { Hierarchy } from "../../src/containers/hierarchy.ts";
import { ContainerTracker, type ContainerMaps } from "../../src/containers/tracker.ts";
import type { CgroupDir } from "../../src/containers/walk.ts";
import { EVENT_BY_NAME } from "../../src/events/schema.ts";
import type { TraceEvent } from "../../src/events/types.ts";
import { log } from "../../src/log.ts";

const A = "a".repeat(64);
const B = "b0" + "1".repeat(62);
const H: Hierarchy = { version: 2, mount: "/cg", root: "/" };

/** A fake kernel: maps as Map<"map:key", value>, with BPF_NOEXIST/BPF_EXIST semantics. */
class FakeMaps implements ContainerMaps {
  readonly m = new Map<string, number>();
  private k(map: string, key: Uint8Array) {
    return `${map}:${Buffer.from(key).readUInt32LE()}`;
  }
  update(map: string, key: Uint8Array, value: Uint8Array, flags: 0 | 1 | 2 = 0) {
    const k = this.k(map, key);
    if ((flags === 1 && this.m.has(k)) || (flags === 2 && !this.m.has(k))) return false;
    this.m.set(k, Buffer.from(value).readUInt32LE());
    return true;
  }
  lookup(map: string, key: Uint8Array, value: Uint8Array) {
    const v = this.m.get(this.k(map, key));
    if (v === undefined) return false;
    Buffer.from(value.buffer, value.byteOffset).writeUInt32LE(v);
    return true;
  }
  delete(map: string, key: Uint8Array) {
    return this.m.delete(this.k(map, key));
  }
  get(map: string, key: number) {
    return this.m.get(`${map}:${key}`);
  }
}

function event(cgroupId: number | bigint, name = "openat", args: TraceEvent["args"] = [], pid = 100): TraceEvent {
  return {
    tsSec: 0, tsNsec: 0, cgroupId, processId: pid, threadId: pid, parentProcessId: 1, hostProcessId: pid, hostThreadId: pid,
    hostParentProcessId: 1, userId: 0, mountNamespace: 1, pidNamespace: 1, processName: "x", hostName: "h", containerId: "",
    eventId: EVENT_BY_NAME.get(name)!.id, eventName: name, returnValue: 0, stackId: 0, stackAddresses: null, flags: 0, cpu: 0, args,
  };
}
const cgroupEvent = (name: "cgroup_mkdir" | "cgroup_rmdir", id: number | bigint, path: string) => event(1, name, [
  { name: "cgroup_id", type: "u64", wire: "u64", value: id },
  { name: "cgroup_path", type: "const char*", wire: "str", value: path },
]);

function setup(tree: CgroupDir[], prefixes: string[] = [], proc: Record<number, string> = {}, inodes: Record<string, number> = {}) {
  let now = 1000;
  let walks = 0;
  const maps = new FakeMaps();
  const t = new ContainerTracker({
    hierarchy: H, idPrefixes: prefixes, now: () => now,
    walk: () => (walks++, tree),
    readProcCgroup: (pid) => proc[pid] ?? null,
    idOfDir: (dir) => inodes[dir] ?? null,
  });
  t.load(maps);
  return { t, maps, tree, walks: () => walks, advance: (ms: number) => (now += ms) };
}

const TREE: CgroupDir[] = [
  { id: 1, path: "/" },
  { id: 10, path: "/system.slice" },
  { id: 11, path: `/system.slice/docker-${A}.scope` },
  { id: 12, path: `/machine.slice/libpod-${B}.scope` },
];

describe("seeding from the cgroup tree", () => {
  test("container cgroups that exist at start are EXISTED (1) in containers_map, others absent", () => {
    const { maps, t } = setup(TREE);
    expect([...maps.m]).toEqual([["containers_map:11", 1], ["containers_map:12", 1]]);
    expect(t.known(1)).toBe("");
    expect(t.known(11)).toBe(A);
  });

  test("with container=ID only the matching cgroups are ALLOWED (1) in container_ids_map", () => {
    const { maps } = setup(TREE, ["b01"]);
    expect(maps.get("container_ids_map", 12)).toBe(1);
    expect(maps.get("container_ids_map", 11)).toBeUndefined();
  });

  test("settle after attach adds late cgroups without overwriting what the kernel wrote", () => {
    const { t, maps, tree } = setup(TREE);
    maps.m.set("containers_map:13", 3); // the kernel saw it created and started
    tree.push({ id: 13, path: `/docker/${B}` }, { id: 14, path: `/docker/${A}` });
    t.settle();
    expect(maps.get("containers_map", 13)).toBe(3);
    expect(maps.get("containers_map", 14)).toBe(1);
  });

  test("map keys are the low 32 bits of 64-bit cgroup ids", () => {
    const big = (1n << 40n) + 7n;
    const { maps, t } = setup([{ id: big, path: `/docker/${A}` }]);
    expect(maps.get("containers_map", 7)).toBe(1);
    const ev = event(big);
    t.observe(ev);
    expect(ev.containerId).toBe(A);
  });
});

describe("events", () => {
  test("observe fills containerId from the table, \"\" for host cgroups", () => {
    const { t } = setup(TREE);
    const inC = event(11), onHost = event(10);
    t.observe(inC);
    t.observe(onHost);
    expect([inC.containerId, onHost.containerId]).toEqual([A, ""]);
  });

  test("cgroup_mkdir of a container cgroup keeps the kernel's CREATED state and learns the id", () => {
    const { t, maps } = setup(TREE);
    maps.m.set("containers_map:20", 2);
    t.observe(cgroupEvent("cgroup_mkdir", 20, `/kubepods/crio-${B}.scope`));
    expect(maps.get("containers_map", 20)).toBe(2);
    const ev = event(20);
    t.observe(ev);
    expect(ev.containerId).toBe(B);
  });

  test("cgroup_mkdir of a host cgroup takes back the kernel's entries", () => {
    const { t, maps } = setup(TREE, ["b0"]);
    maps.m.set("containers_map:21", 2);
    maps.m.set("container_ids_map:21", 2);
    t.observe(cgroupEvent("cgroup_mkdir", 21, "/system.slice/cron.service"));
    expect(maps.get("containers_map", 21)).toBeUndefined();
    expect(maps.get("container_ids_map", 21)).toBeUndefined();
    expect(t.known(21)).toBe("");
  });

  test("with container=ID a new cgroup's PENDING entry becomes ALLOWED or goes away", () => {
    const { t, maps } = setup(TREE, ["b0"]);
    maps.m.set("container_ids_map:22", 2);
    maps.m.set("container_ids_map:23", 2);
    t.observe(cgroupEvent("cgroup_mkdir", 22, `/docker/${B}`));
    t.observe(cgroupEvent("cgroup_mkdir", 23, `/docker/${A}`));
    expect(maps.get("container_ids_map", 22)).toBe(1);
    expect(maps.get("container_ids_map", 23)).toBeUndefined();
  });

  test("a cgroup already removed in the kernel is not revived by its late cgroup_mkdir", () => {
    const { t, maps } = setup(TREE, ["b0"]);
    t.observe(cgroupEvent("cgroup_mkdir", 24, `/docker/${B}`));
    expect(maps.get("container_ids_map", 24)).toBeUndefined();
  });

  test("after cgroup_rmdir the container id stays for the grace period, then goes", () => {
    const { t, advance } = setup(TREE);
    t.observe(cgroupEvent("cgroup_rmdir", 11, `/system.slice/docker-${A}.scope`));
    advance(4999);
    t.expire();
    expect(t.known(11)).toBe(A);
    advance(1);
    t.expire();
    expect(t.known(11)).toBeUndefined();
  });
});

describe("unknown cgroup ids", () => {
  test("are looked up in the process's /proc/PID/cgroup when the directory there has that id", () => {
    const { t, maps, walks } = setup(TREE, [], { 100: `0::/docker/${B}\n` }, { [`/cg/docker/${B}`]: 30 });
    const ev = event(30);
    t.observe(ev);
    expect(ev.containerId).toBe(B);
    expect(maps.get("containers_map", 30)).toBe(1);
    expect(walks()).toBe(1); // only the seeding walk
  });

  test("otherwise the tree is walked again, at most once per second", () => {
    const { t, tree, walks, advance } = setup(TREE);
    advance(1000);
    const first = event(31);
    t.observe(first);
    expect(first.containerId).toBe("");
    expect(walks()).toBe(2);
    tree.push({ id: 31, path: `/docker/${A}` });
    const again = event(31);
    t.observe(again);
    expect(walks()).toBe(2); // too soon: not found yet
    expect(again.containerId).toBe("");
    advance(1000);
    const later = event(31);
    t.observe(later);
    expect(walks()).toBe(3);
    expect(later.containerId).toBe(A);
  });
});

test("a full kernel map is reported once and does not stop the table", () => {
  const warned: string[] = [];
  const full: ContainerMaps = {
    update: () => { throw new Error("updating containers_map: E2BIG (argument list too long)"); },
    lookup: () => false,
    delete: () => false,
  };
  const t = new ContainerTracker({ hierarchy: H, idPrefixes: [], walk: () => TREE });
  const orig = log.warn;
  log.warn = ((m: string) => warned.push(m)) as typeof log.warn;
  try {
    t.load(full);
  } finally {
    log.warn = orig;
  }
  expect(warned.length).toBe(1);
  expect(warned[0]).toContain("E2BIG");
  expect(t.known(12)).toBe(B);
});
