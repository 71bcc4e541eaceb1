// Seeds `process_tree_map` from /proc: each `tree=`/`tree!=` root and its current descendants.
import { readdirSync, readFileSync } from "node:fs";
import type { TracePlan } from "./plan.ts";
import { u32, verdict, type MapEntry } from "./encode.ts";

/** Parent tgid from /proc/PID/stat; comm (field 2) may hold spaces and ")", so read after the last ")". */
export function ppidOf(stat: string): number | null {
  const close = stat.lastIndexOf(")");
  if (close < 0) return null;
  const ppid = Number(stat.slice(close + 2).split(" ")[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

function parents(procRoot: string): Map<number, number> {
  const out = new Map<number, number>();
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch {
    return out;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = ppidOf(readFileSync(`${procRoot}/${name}/stat`, "latin1"));
      if (ppid !== null) out.set(Number(name), ppid);
    } catch {
      // the process exited between readdir and read
    }
  }
  return out;
}

/**
 * One entry per root and per live descendant (host tgid -> verdict 1 pass / 0 drop). A process
 * takes the verdict of its nearest root, so `tree!=` inside a `tree=` subtree carves it out.
 */
export function treeEntries(plan: TracePlan, procRoot = "/proc"): MapEntry[] {
  const roots = plan.tree.roots;
  if (plan.tree.mode === "off" || roots.size === 0) return [];
  const ppid = parents(procRoot);
  const verdicts = new Map<number, boolean>(roots);
  for (const pid of ppid.keys()) {
    const seen = new Set<number>();
    for (let p: number | undefined = pid; p !== undefined && p > 0 && !seen.has(p); p = ppid.get(p)) {
      seen.add(p);
      const v = roots.get(p);
      if (v !== undefined) {
        verdicts.set(pid, v);
        break;
      }
    }
  }
  return [...verdicts]
    .sort(([a], [b]) => a - b)
    .map(([pid, pass]) => ({ map: "process_tree_map", key: u32(pid), value: verdict(pass) }));
}
