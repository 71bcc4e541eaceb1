// The cgroup id -> container id table: seeded from the cgroup tree, kept by cgroup_mkdir/rmdir events, and the
// user-space half of the kernel's containers_map and container_ids_map.
import { readFileSync } from "node:fs";
import { EventId } from "../events/gen/events.ts";
import { CONTAINER_ID, CONTAINER_STATE } from "../events/schema.ts";
import type { TraceEvent } from "../events/types.ts";
import { u32 } from "../filter/encode.ts";
import { log } from "../log.ts";
import { containerOf } from "./id.ts";
import { dirOf, pathInProcCgroup, type Hierarchy } from "./hierarchy.ts";
import { idOfDir, mapKey, normId, walkCgroups, type CgroupDir, type CgroupId } from "./walk.ts";

/** The part of the tracer's live map access the table needs (src/tracer/run.ts MapAccess). */
export interface ContainerMaps {
  /** flags: 0 any, 1 only if absent, 2 only if present; false when the flag made it a no-op. */
  update(map: string, key: Uint8Array, value: Uint8Array, flags?: 0 | 1 | 2): boolean;
  lookup(map: string, key: Uint8Array, value: Uint8Array): boolean;
  delete(map: string, key: Uint8Array): boolean;
}

export interface TrackerOptions {
  hierarchy: Hierarchy;
  /** container=ID values (lower-case hex prefixes); empty when that filter is off. */
  idPrefixes: string[];
  /** How long a removed cgroup's container id is kept for events still on their way (ms). */
  graceMs?: number;
  /** Least time between two on-demand walks of the tree (ms). */
  rewalkMs?: number;
  now?: () => number;
  walk?: (h: Hierarchy) => Iterable<CgroupDir>;
  readProcCgroup?: (pid: number) => string | null;
  idOfDir?: (dir: string) => CgroupId | null;
}

const ANY = 0, NOEXIST = 1, EXIST = 2;
const EXISTED = u32(CONTAINER_STATE.existed);
const ALLOWED = u32(CONTAINER_ID.allowed);
const MKDIR = EventId.cgroup_mkdir;
const RMDIR = EventId.cgroup_rmdir;

function readProc(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cgroup`, "utf8");
  } catch {
    return null;
  }
}

export class ContainerTracker {
  /** cgroup id -> container id, "" for a cgroup outside containers. */
  private readonly ids = new Map<CgroupId, string>();
  /** Removed cgroups, oldest first: [id, forget at]. */
  private readonly removed: [CgroupId, number][] = [];
  /** Unknown ids not found on the last walk -> when another walk may be tried for them. */
  private readonly misses = new Map<CgroupId, number>();
  private maps: ContainerMaps | null = null;
  private mapFailed = false;
  private lastId: CgroupId = -1;
  private lastContainer = "";
  private lastWalk = -Infinity;
  private readonly h: Hierarchy;
  private readonly prefixes: string[];
  private readonly graceMs: number;
  private readonly rewalkMs: number;
  private readonly now: () => number;
  private readonly walk: (h: Hierarchy) => Iterable<CgroupDir>;
  private readonly readProcCgroup: (pid: number) => string | null;
  private readonly idOf: (dir: string) => CgroupId | null;

  constructor(o: TrackerOptions) {
    this.h = o.hierarchy;
    this.prefixes = o.idPrefixes;
    this.graceMs = o.graceMs ?? 5000;
    this.rewalkMs = o.rewalkMs ?? 1000;
    this.now = o.now ?? Date.now;
    this.walk = o.walk ?? walkCgroups;
    this.readProcCgroup = o.readProcCgroup ?? readProc;
    this.idOf = o.idOfDir ?? idOfDir;
  }

  /** After load, before attach: every container cgroup that exists now is marked EXISTED (and allowed). */
  load(maps: ContainerMaps): void {
    // a full map (more container cgroups than it holds) must not end the session: warn once, go on
    const guard = <T>(f: () => T, none: T): T => {
      try {
        return f();
      } catch (e) {
        if (!this.mapFailed) log.warn(`container bookkeeping in the kernel failed (${(e as Error).message}); container filters may miss cgroups`);
        this.mapFailed = true;
        return none;
      }
    };
    this.maps = {
      update: (map, key, value, flags) => guard(() => maps.update(map, key, value, flags), false),
      lookup: (map, key, value) => guard(() => maps.lookup(map, key, value), false),
      delete: (map, key) => guard(() => maps.delete(map, key), false),
    };
    this.sweep(ANY);
  }

  /** After attach: cgroups made between the first walk and attach were seen by neither; the kernel's
   *  own entries (cgroups it saw created) are left alone. */
  settle(): void {
    this.sweep(NOEXIST);
  }

  /** Fills ev.containerId and applies cgroup_mkdir/cgroup_rmdir; call for every event, in time order. */
  observe(ev: TraceEvent): void {
    ev.containerId = this.containerOf(ev.cgroupId, ev.hostProcessId);
    if (ev.eventId === MKDIR) this.onMkdir(ev);
    else if (ev.eventId === RMDIR) this.onRmdir(ev);
  }

  /** The container id of an event from cgroup `id` and process `pid` (host ids), in time order like observe(). */
  containerOf(id: CgroupId, pid: number): string {
    // runs of events from one cgroup are the common case; the table only changes in the calls below
    if (id === this.lastId) return this.lastContainer;
    const c = this.ids.get(id);
    if (c === undefined) return this.resolve(id, pid);
    this.lastId = id;
    this.lastContainer = c;
    return c;
  }

  /** Forgets removed cgroups whose grace period is over; cheap when there are none. */
  expire(now = this.now()): void {
    const r = this.removed;
    while (r.length && r[0][1] <= now) {
      const id = r.shift()![0];
      this.ids.delete(id);
      if (id === this.lastId) this.lastId = -1;
    }
  }

  /** The container id known for a cgroup id, or undefined (for tests and diagnostics). */
  known(id: CgroupId): string | undefined {
    return this.ids.get(id);
  }

  get size(): number {
    return this.ids.size;
  }

  private matches(container: string): boolean {
    return this.prefixes.some((p) => container.startsWith(p));
  }

  /** A container cgroup that was there before tracing: EXISTED, and allowed when container=ID matches. */
  private markExisting(id: CgroupId, container: string, flags: number): void {
    const m = this.maps;
    if (!m) return;
    const key = u32(mapKey(id));
    m.update("containers_map", key, EXISTED, flags as 0 | 1);
    if (this.prefixes.length === 0) return;
    if (this.matches(container)) m.update("container_ids_map", key, ALLOWED);
    else m.delete("container_ids_map", key);
  }

  private sweep(flags: number): void {
    this.lastWalk = this.now();
    this.misses.clear();
    for (const d of this.walk(this.h)) {
      if (this.ids.has(d.id)) continue;
      const c = containerOf(d.path)?.id ?? "";
      this.ids.set(d.id, c);
      if (c) this.markExisting(d.id, c, flags);
    }
  }

  /** An id the table does not know: the process's own cgroup file first, then (rate-limited) a new walk. */
  private resolve(id: CgroupId, pid: number): string {
    const now = this.now();
    const retryAt = this.misses.get(id);
    if (retryAt !== undefined && now < retryAt) return "";
    const text = this.readProcCgroup(pid);
    const path = text === null ? null : pathInProcCgroup(this.h, text);
    const dir = path === null ? null : dirOf(this.h, path);
    if (path !== null && dir !== null && this.idOf(dir) === id) {
      const c = containerOf(path)?.id ?? "";
      this.ids.set(id, c);
      if (c) this.markExisting(id, c, NOEXIST);
      return c;
    }
    if (now - this.lastWalk >= this.rewalkMs) {
      this.sweep(NOEXIST);
      const c = this.ids.get(id);
      if (c !== undefined) return c;
    }
    this.misses.set(id, this.lastWalk + this.rewalkMs);
    return "";
  }

  private cgroupArg(ev: TraceEvent): { id: CgroupId; path: string } | null {
    let id: CgroupId | null = null;
    let path: string | null = null;
    for (const a of ev.args) {
      if (a.name === "cgroup_id" && (typeof a.value === "number" || typeof a.value === "bigint")) id = normId(a.value);
      else if (a.name === "cgroup_path" && typeof a.value === "string") path = a.value;
    }
    return id === null || path === null ? null : { id, path };
  }

  /** The kernel marked the new cgroup CREATED (or inherited) and, with container=ID, PENDING: keep what is
   *  a container, allow what matches, and take back the rest. EXIST: never revive an entry rmdir removed. */
  private onMkdir(ev: TraceEvent): void {
    const a = this.cgroupArg(ev);
    if (!a) return;
    const c = containerOf(a.path)?.id ?? "";
    this.ids.set(a.id, c);
    this.misses.delete(a.id);
    const m = this.maps;
    if (!m) return;
    const key = u32(mapKey(a.id));
    if (!c) m.delete("containers_map", key);
    if (this.prefixes.length === 0) return;
    if (c && this.matches(c)) m.update("container_ids_map", key, ALLOWED, EXIST);
    else m.delete("container_ids_map", key);
  }

  private onRmdir(ev: TraceEvent): void {
    const a = this.cgroupArg(ev);
    if (a) this.removed.push([a.id, this.now() + this.graceMs]);
  }
}
