// Encodes a TracePlan as the kernel reads it: config fields and the bytes of the filter map entries.
import { EVENT_FLAG, FILTER } from "../events/schema.ts";
import { U32_MAX, U64_MAX, type Mode, type NumFilter, type StrFilter, type TracePlan } from "./plan.ts";
import { str16, u32, verdict, type MapEntry } from "./encode.ts";

export { treeEntries } from "./tree.ts";
export type { MapEntry } from "./encode.ts";

export interface KernelConfig {
  filter_enabled: number;
  filter_out: number;
  uid_lt: bigint; uid_gt: bigint;
  pid_lt: bigint; pid_gt: bigint;
  mntns_lt: bigint; mntns_gt: bigint;
  pidns_lt: bigint; pidns_gt: bigint;
}

/** Kernel convention: lt = 0 and gt = U64_MAX mean "no bound". */
const NO_LT = 0n;
const NO_GT = U64_MAX;

export function kernelConfig(plan: TracePlan): KernelConfig {
  let enabled = 0, out = 0;
  const mode = (bit: number, m: Mode) => {
    if (m !== "off") enabled |= bit;
    if (m === "out") out |= bit;
  };
  const bounds = (bit: number, f: NumFilter): [bigint, bigint] => {
    // `<0` (lt = 0) or `>MAX` leaves no key to pass the bounds; the kernel cannot write those as
    // bounds, but IN mode means exactly "only the equality entries decide", so it is used instead.
    const nothing = f.lt === 0n || f.gt === U64_MAX;
    mode(bit, f.mode === "out" && nothing ? "in" : f.mode);
    if (f.mode !== "out" || nothing) return [NO_LT, NO_GT];
    return [f.lt ?? NO_LT, f.gt ?? NO_GT];
  };
  const k = plan.kernel;
  const [uid_lt, uid_gt] = bounds(FILTER.uid, k.uid);
  const [pid_lt, pid_gt] = bounds(FILTER.pid, k.pid);
  const [mntns_lt, mntns_gt] = bounds(FILTER.mntns, k.mntns);
  const [pidns_lt, pidns_gt] = bounds(FILTER.pidns, k.pidns);
  mode(FILTER.uts, k.uts.mode);
  mode(FILTER.comm, k.comm.mode);
  mode(FILTER.container, plan.bools.container);
  mode(FILTER.pid_new, plan.bools.pidNew);
  mode(FILTER.container_new, plan.bools.containerNew);
  mode(FILTER.follow, plan.bools.follow);
  mode(FILTER.tree, plan.tree.mode);
  // the allowed cgroups come from the cgroup tree, not from the plan: src/containers writes them
  mode(FILTER.container_id, plan.containerIds.length > 0 ? "in" : "off");
  return {
    filter_enabled: enabled, filter_out: out,
    uid_lt, uid_gt, pid_lt, pid_gt, mntns_lt, mntns_gt, pidns_lt, pidns_gt,
  };
}

function numEntries(map: string, f: NumFilter): MapEntry[] {
  if (f.mode === "off") return [];
  // keys are u32 in the kernel (ids and namespace inode numbers are 32-bit); a larger `=` value
  // can match nothing and a larger `!=` value excludes nothing, so neither needs an entry
  return [...f.equal].filter(([k]) => k <= U32_MAX).map(([k, v]) => ({ map, key: u32(k), value: verdict(v) }));
}

function strEntries(map: string, f: StrFilter): MapEntry[] {
  if (f.mode === "off") return [];
  return [...f.equal].map(([k, v]) => ({ map, key: str16(k), value: verdict(v) }));
}

/** chosen_events_map plus every equality filter map, in a stable order. */
export function kernelMapEntries(plan: TracePlan): MapEntry[] {
  const chosen = plan.events.map((id) => ({
    map: "chosen_events_map",
    key: u32(id),
    value: u32((plan.print.has(id) ? EVENT_FLAG.submit : 0) | (plan.essential.has(id) ? EVENT_FLAG.essential : 0)),
  }));
  const k = plan.kernel;
  return [
    ...chosen,
    ...numEntries("uid_filter_map", k.uid),
    ...numEntries("pid_filter_map", k.pid),
    ...numEntries("mntns_filter_map", k.mntns),
    ...numEntries("pidns_filter_map", k.pidns),
    ...strEntries("uts_filter_map", k.uts),
    ...strEntries("comm_filter_map", k.comm),
  ];
}
