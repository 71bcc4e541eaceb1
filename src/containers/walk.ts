// Reads the cgroup tree of the followed hierarchy: every directory's cgroup id and hierarchy path.
import { readdirSync, statSync } from "node:fs";
import type { Hierarchy } from "./hierarchy.ts";
import { pathOf } from "./hierarchy.ts";

/** A cgroup id as events carry it: a number while exact (always, in practice), else a bigint. */
export type CgroupId = number | bigint;

export interface CgroupDir {
  id: CgroupId;
  /** Path from the hierarchy's root, as the kernel writes it: "/", "/system.slice/docker-<id>.scope". */
  path: string;
}

export function normId(v: bigint | number): CgroupId {
  return typeof v === "bigint" && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** The low 32 bits, which key containers_map and container_ids_map. */
export function mapKey(id: CgroupId): number {
  return typeof id === "bigint" ? Number(id & 0xffffffffn) : id >>> 0;
}

/** The cgroup id of a cgroupfs directory: on 64-bit kernels its inode number is the kernfs node id. */
export function idOfDir(dir: string): CgroupId | null {
  try {
    return normId(statSync(dir, { bigint: true }).ino);
  } catch {
    return null; // removed meanwhile
  }
}

const MAX_DEPTH = 64;

/** Depth-first over the directories under the mount; ones removed while walking are skipped. */
export function* walkCgroups(h: Hierarchy): Generator<CgroupDir> {
  const stack: [string, number][] = [[h.mount, 0]];
  while (stack.length) {
    const [dir, depth] = stack.pop()!;
    const id = idOfDir(dir);
    if (id === null) continue;
    yield { id, path: pathOf(h, dir) };
    if (depth >= MAX_DEPTH) continue;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) if (e.isDirectory()) stack.push([`${dir}/${e.name}`, depth + 1]);
  }
}
