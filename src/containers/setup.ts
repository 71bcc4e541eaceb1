// Container awareness for a session: picks the cgroup hierarchy, the kernel option it implies, and the table.
import { OPTION } from "../events/schema.ts";
import type { TracePlan } from "../filter/plan.ts";
import { log } from "../log.ts";
import { detectHierarchy, type Hierarchy } from "./hierarchy.ts";
import { ContainerTracker } from "./tracker.ts";

export interface ContainerSupport {
  hierarchy: Hierarchy | null;
  /** OPTION bits for the kernel: cgroup_v1 when the followed hierarchy is v1. */
  options: number;
  /** null when no cgroup hierarchy is mounted: every containerId stays "". */
  tracker: ContainerTracker | null;
}

export function containerFilterOn(plan: TracePlan): boolean {
  return plan.bools.container !== "off" || plan.bools.containerNew !== "off" || plan.containerIds.length > 0;
}

export function containerSupport(plan: TracePlan, env: Record<string, string | undefined> = process.env): ContainerSupport {
  const h = detectHierarchy(env);
  if (!h) {
    if (containerFilterOn(plan)) {
      throw new Error("container filters need a cgroup hierarchy and none is mounted: mount cgroup2 on /sys/fs/cgroup " +
        "(or give one with TRACEE_CGROUP_MOUNT)");
    }
    log.warn("no cgroup hierarchy is mounted: events carry no container ids");
    return { hierarchy: null, options: 0, tracker: null };
  }
  log.debug(`containers: following cgroup v${h.version} at ${h.mount}${h.root === "/" ? "" : ` (root ${h.root})`}`);
  if (h.root !== "/") {
    log.warn(`the cgroup mount ${h.mount} shows only ${h.root} of its hierarchy (a cgroup namespace or bind mount): ` +
      "containers outside it are not recognised; run tracee's container with --cgroupns=host");
  }
  return {
    hierarchy: h,
    options: h.version === 1 ? OPTION.cgroup_v1 : 0,
    tracker: new ContainerTracker({ hierarchy: h, idPrefixes: plan.containerIds }),
  };
}
