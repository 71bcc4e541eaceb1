// Finds the BPF programs, maps and links one process holds (by id, from /proc/PID/fdinfo) and waits for the kernel
// to free them; bpftool here cannot show owners, and other tracee instances may run at the same time.
import { readdirSync, readFileSync } from "node:fs";

export interface BpfIds { progs: number[]; maps: number[]; links: number[] }

/** The ids behind every BPF fd of `pid` (a link's fdinfo names its program too). */
export function bpfIdsOf(pid: number): BpfIds {
  const ids = { progs: new Set<number>(), maps: new Set<number>(), links: new Set<number>() };
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    let info: string;
    try {
      info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8");
    } catch {
      continue; // closed meanwhile
    }
    const num = (k: string) => { const m = new RegExp(`^${k}:\\s+(\\d+)$`, "m").exec(info); return m ? Number(m[1]) : null; };
    const link = num("link_id"), prog = num("prog_id"), map = num("map_id");
    if (link !== null) ids.links.add(link);
    if (prog !== null) ids.progs.add(prog);
    if (map !== null) ids.maps.add(map);
  }
  return { progs: [...ids.progs], maps: [...ids.maps], links: [...ids.links] };
}

function live(kind: "prog" | "map" | "link"): Set<number> {
  const p = Bun.spawnSync(["bpftool", "-j", kind, "list"], { stdout: "pipe", stderr: "pipe" });
  return new Set((JSON.parse(p.stdout.toString() || "[]") as { id: number }[]).map((x) => x.id));
}

/** Which of `ids` still exist in the kernel. */
export function stillLoaded(ids: BpfIds): BpfIds {
  const progs = live("prog"), maps = live("map"), links = live("link");
  return { progs: ids.progs.filter((i) => progs.has(i)), maps: ids.maps.filter((i) => maps.has(i)), links: ids.links.filter((i) => links.has(i)) };
}

/** The kernel frees closed objects after an RCU grace period (and a deferred work item): poll briefly before judging. */
export async function leftAfterExit(ids: BpfIds, ms = 5000): Promise<BpfIds> {
  const t0 = Date.now();
  let left = stillLoaded(ids);
  while (left.progs.length + left.maps.length + left.links.length > 0 && Date.now() - t0 < ms) {
    await Bun.sleep(100);
    left = stillLoaded(ids);
  }
  return left;
}
