// The kernel encoding of a plan: config fields, exact map bytes, and the IN/OUT matching they produce.
import { describe, expect, test } from "bun:test";
import { EVENT_BY_NAME, FILTER } from "../../src/events/schema.ts";
import { kernelConfig, kernelMapEntries, type KernelConfig, type MapEntry } from "../../src/filter/kernel.ts";
import { parseTrace } from "../../src/filter/parse.ts";

const MAX = 0xffffffffffffffffn;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const rows = (entries: MapEntry[], map: string) =>
  entries.filter((e) => e.map === map).map((e) => [hex(e.key), hex(e.value)]);

/** The kernel's algorithm (reference §6.1) run on the encoded config and map entries. */
function kernelPasses(cfg: KernelConfig, entries: MapEntry[], field: "uid" | "pid" | "mntns" | "pidns", key: number) {
  const bit = FILTER[field];
  if (!(cfg.filter_enabled & bit)) return true;
  const k = Buffer.alloc(4);
  k.writeUInt32LE(key);
  const hit = entries.find((e) => e.map === `${field}_filter_map` && hex(e.key) === k.toString("hex"));
  if (hit) return Buffer.from(hit.value).readUInt32LE() === 1;
  if (!(cfg.filter_out & bit)) return false;
  const lt = cfg[`${field}_lt`], gt = cfg[`${field}_gt`];
  if (lt !== 0n && BigInt(key) >= lt) return false;
  if (gt !== MAX && BigInt(key) <= gt) return false;
  return true;
}

function passing(exprs: string[], field: "uid" | "pid" | "mntns" | "pidns", keys: number[]) {
  const plan = parseTrace(exprs);
  const cfg = kernelConfig(plan), entries = kernelMapEntries(plan);
  return keys.filter((k) => kernelPasses(cfg, entries, field, k));
}

describe("kernelConfig", () => {
  test("no filters: nothing enabled and no bounds", () => {
    expect(kernelConfig(parseTrace([]))).toEqual({
      filter_enabled: 0, filter_out: 0,
      uid_lt: 0n, uid_gt: MAX, pid_lt: 0n, pid_gt: MAX, mntns_lt: 0n, mntns_gt: MAX, pidns_lt: 0n, pidns_gt: MAX,
    });
  });

  test("= filters are enabled in IN mode", () => {
    const c = kernelConfig(parseTrace(["uid=0", "comm=ls", "uts=h"]));
    expect(c.filter_enabled).toBe(FILTER.uid | FILTER.comm | FILTER.uts);
    expect(c.filter_out).toBe(0);
  });

  test("bounds are written and the filter is OUT", () => {
    const c = kernelConfig(parseTrace(["uid>=1000", "pid<=600", "mntns<7", "pidns>9"]));
    expect(c).toMatchObject({ uid_gt: 999n, uid_lt: 0n, pid_lt: 601n, pid_gt: MAX, mntns_lt: 7n, pidns_gt: 9n });
    const all = FILTER.uid | FILTER.pid | FILTER.mntns | FILTER.pidns;
    expect(c.filter_enabled).toBe(all);
    expect(c.filter_out).toBe(all);
  });

  test("boolean filters set their bits; ! forms and != are OUT", () => {
    const c = kernelConfig(parseTrace(["!container", "pid!=new", "follow", "tree=1"]));
    expect(c.filter_enabled).toBe(FILTER.container | FILTER.pid_new | FILTER.follow | FILTER.tree);
    expect(c.filter_out).toBe(FILTER.container | FILTER.pid_new);
  });

  test("container=ID turns on container (IN) and the kernel's container-id filter (IN)", () => {
    const c = kernelConfig(parseTrace(["container=3f6ab1"]));
    expect(c.filter_enabled).toBe(FILTER.container | FILTER.container_id);
    expect(c.filter_out).toBe(0);
    expect(kernelConfig(parseTrace(["container"])).filter_enabled & FILTER.container_id).toBe(0);
  });

  test("container!=new is container IN and container_new OUT", () => {
    const c = kernelConfig(parseTrace(["container!=new"]));
    expect(c.filter_enabled).toBe(FILTER.container | FILTER.container_new);
    expect(c.filter_out).toBe(FILTER.container_new);
  });

  test("uid<0 is encoded as IN mode, since no bound can say 'nothing'", () => {
    const c = kernelConfig(parseTrace(["uid<0"]));
    expect(c.filter_enabled & FILTER.uid).toBe(FILTER.uid);
    expect(c.filter_out & FILTER.uid).toBe(0);
  });
});

describe("kernelMapEntries", () => {
  test("chosen_events_map: u32 id -> submit 1, essential 2, both 3", () => {
    const e = kernelMapEntries(parseTrace(["event=openat,sched_process_exit"]));
    const exit = EVENT_BY_NAME.get("sched_process_exit")!.id; // 1004 = 0x3ec
    expect(exit).toBe(1004);
    expect(rows(e, "chosen_events_map")).toEqual([
      ["01010000", "01000000"], // openat 257
      ["e8030000", "02000000"], // sys_enter
      ["e9030000", "02000000"], // sys_exit
      ["ea030000", "02000000"], // sched_process_fork
      ["eb030000", "02000000"], // sched_process_exec
      ["ec030000", "03000000"], // sched_process_exit: printed and essential
      ["f7030000", "02000000"], // cgroup_mkdir
      ["f8030000", "02000000"], // cgroup_rmdir
    ]);
  });

  test("numeric filter maps: u32 key -> 1 equal / 0 not equal", () => {
    const e = kernelMapEntries(parseTrace(["uid=1000,0", "pid!=1234", "mntns=4026531840", "pidns!=4026531836"]));
    expect(rows(e, "uid_filter_map")).toEqual([["e8030000", "01000000"], ["00000000", "01000000"]]);
    expect(rows(e, "pid_filter_map")).toEqual([["d2040000", "00000000"]]);
    expect(rows(e, "mntns_filter_map")).toEqual([["000000f0", "01000000"]]);
    expect(rows(e, "pidns_filter_map")).toEqual([["fcffffef", "00000000"]]);
  });

  test("namespace values above 32 bits get no entry (no inode number can match them)", () => {
    expect(rows(kernelMapEntries(parseTrace(["mntns=4294967296"])), "mntns_filter_map")).toEqual([]);
  });

  test("comm and uts maps: 16-byte NUL-padded key -> verdict", () => {
    const e = kernelMapEntries(parseTrace(["comm=zsh", "uts!=abcdefghijklmno"]));
    expect(rows(e, "comm_filter_map")).toEqual([["7a736800000000000000000000000000", "01000000"]]);
    expect(rows(e, "uts_filter_map")).toEqual([["6162636465666768696a6b6c6d6e6f00", "00000000"]]);
  });

  test("disabled filters write no entries", () => {
    const maps = new Set(kernelMapEntries(parseTrace([])).map((e) => e.map));
    expect([...maps]).toEqual(["chosen_events_map"]);
  });
});

describe("IN/OUT semantics as the kernel sees them", () => {
  const keys = [0, 1, 5, 6, 999, 1000, 1001];

  test("uid=0,1000 passes only those uids", () => {
    expect(passing(["uid=0,1000"], "uid", keys)).toEqual([0, 1000]);
  });

  test("uid=0 --trace uid!=5 passes every uid except 5", () => {
    expect(passing(["uid=0", "uid!=5"], "uid", keys)).toEqual([0, 1, 6, 999, 1000, 1001]);
  });

  test("u>0 --trace u!=1000 passes uids above 0 except 1000", () => {
    expect(passing(["u>0", "u!=1000"], "uid", keys)).toEqual([1, 5, 6, 999, 1001]);
  });

  test("pid>0 --trace pid<1000 passes 1..999", () => {
    expect(passing(["pid>0", "pid<1000"], "pid", keys)).toEqual([1, 5, 6, 999]);
  });

  test("uid>=5 --trace uid<=1000 includes both ends", () => {
    expect(passing(["uid>=5", "uid<=1000"], "uid", keys)).toEqual([5, 6, 999, 1000]);
  });

  test("an = value survives a bound that excludes it", () => {
    expect(passing(["uid=0", "uid>1000"], "uid", keys)).toEqual([0, 1001]);
  });

  test("uid<0 passes only = keys; with none it passes nothing", () => {
    expect(passing(["uid<0"], "uid", keys)).toEqual([]);
    expect(passing(["uid<0", "uid=5"], "uid", keys)).toEqual([5]);
  });

  test("mntns>max passes nothing", () => {
    expect(passing(["mntns>18446744073709551615"], "mntns", keys)).toEqual([]);
  });

  test("uid>=0 passes everything", () => {
    expect(passing(["uid>=0"], "uid", keys)).toEqual(keys);
  });
});
