// Which cgroup hierarchy tracee follows for container ids: its mount, version and the part of it visible here.
import { readFileSync } from "node:fs";
import { UsageError } from "../errors.ts";

export interface Hierarchy {
  /** 2: the unified (cgroup2) hierarchy; 1: the v1 hierarchy the cpuset controller is bound to. */
  version: 1 | 2;
  /** Where the hierarchy is mounted in tracee's mount namespace. */
  mount: string;
  /** The hierarchy's directory that the mount shows: "/" unless a cgroup namespace or a bind mount narrows it. */
  root: string;
}

export interface CgroupMount {
  mountPoint: string;
  root: string;
  fsType: string;
  superOptions: string[];
}

// mountinfo escapes space, tab, newline and backslash as \ooo
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** The cgroup and cgroup2 mounts of a /proc/self/mountinfo text. */
export function cgroupMounts(mountinfo: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of mountinfo.split("\n")) {
    // id parent major:minor root mount-point options [optional fields] - fstype source super-options
    const f = line.split(" ");
    const dash = f.indexOf("-");
    if (dash < 6 || f.length < dash + 4) continue;
    const fsType = f[dash + 1];
    if (fsType !== "cgroup" && fsType !== "cgroup2") continue;
    out.push({ mountPoint: unescape(f[4]), root: unescape(f[3]), fsType, superOptions: f[dash + 3].split(",") });
  }
  return out;
}

/** The first controller of /proc/cgroups, which lists them in the kernel's subsystem order. */
export function firstController(procCgroups: string): string | null {
  for (const line of procCgroups.split("\n")) {
    if (line.startsWith("#") || !line.trim()) continue;
    return line.split(/\s+/)[0];
  }
  return null;
}

const isV1Cpuset = (m: CgroupMount) => m.fsType === "cgroup" && m.superOptions.includes("cpuset");
const trim = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);

/** Among mounts of one hierarchy, the one that shows all of it, else the first. */
function best(ms: CgroupMount[]): CgroupMount | undefined {
  return ms.find((m) => m.root === "/") ?? ms[0];
}

/**
 * The hierarchy to follow. `override` (TRACEE_CGROUP_MOUNT) names a mount; otherwise, as the reference does:
 * the unified hierarchy when it is mounted at /sys/fs/cgroup (a cgroup v2 host), else the v1 cpuset hierarchy
 * (where every runtime puts a container on a v1 or hybrid host), else any cgroup2 mount; null when none.
 * The kernel reads the v1 id through subsys[0], so v1 needs cpuset to be the first controller.
 */
export function chooseHierarchy(mounts: CgroupMount[], firstCtrl: string | null, override?: string): Hierarchy | null {
  const of = (m: CgroupMount): Hierarchy => ({ version: m.fsType === "cgroup2" ? 2 : 1, mount: trim(m.mountPoint), root: m.root });
  const v1ok = firstCtrl === "cpuset";
  if (override) {
    const want = trim(override);
    const m = best(mounts.filter((x) => trim(x.mountPoint) === want));
    const known = mounts.map((x) => x.mountPoint).join(", ") || "none";
    if (!m) throw new UsageError(`TRACEE_CGROUP_MOUNT=${override} is not a cgroup mount (cgroup mounts here: ${known})`);
    if (m.fsType === "cgroup" && !isV1Cpuset(m)) {
      throw new UsageError(`TRACEE_CGROUP_MOUNT=${override}: tracee follows cgroup v1 through the cpuset hierarchy; ` +
        `give the cpuset mount or a cgroup2 mount`);
    }
    if (m.fsType === "cgroup" && !v1ok) {
      throw new UsageError(`TRACEE_CGROUP_MOUNT=${override}: cpuset is not this kernel's first cgroup controller; give a cgroup2 mount`);
    }
    return of(m);
  }
  const v2 = mounts.filter((m) => m.fsType === "cgroup2");
  const atRoot = best(v2.filter((m) => trim(m.mountPoint) === "/sys/fs/cgroup"));
  if (atRoot) return of(atRoot);
  const cpuset = best(mounts.filter(isV1Cpuset));
  if (cpuset && v1ok) return of(cpuset);
  const anyV2 = best(v2);
  return anyV2 ? of(anyV2) : null;
}

/** Reads this host's mounts and controllers; TRACEE_CGROUP_MOUNT overrides the choice. */
export function detectHierarchy(env: Record<string, string | undefined> = process.env): Hierarchy | null {
  const read = (p: string) => {
    try {
      return readFileSync(p, "utf8");
    } catch {
      return "";
    }
  };
  return chooseHierarchy(cgroupMounts(read("/proc/self/mountinfo")), firstController(read("/proc/cgroups")), env.TRACEE_CGROUP_MOUNT || undefined);
}

/** The directory of a hierarchy path (as the kernel and /proc/PID/cgroup write it) under the mount; null outside it. */
export function dirOf(h: Hierarchy, path: string): string | null {
  if (h.root === "/") return h.mount + (path === "/" ? "" : path);
  if (path !== h.root && !path.startsWith(h.root + "/")) return null;
  return h.mount + path.slice(h.root.length);
}

/** The hierarchy path of a directory under the mount (the inverse of dirOf). */
export function pathOf(h: Hierarchy, dir: string): string {
  const rel = dir.slice(h.mount.length);
  if (h.root === "/") return rel || "/";
  return h.root + rel;
}

/** The process's cgroup path in the hierarchy, from a /proc/PID/cgroup text; null when it has none there. */
export function pathInProcCgroup(h: Hierarchy, text: string): string | null {
  for (const line of text.split("\n")) {
    const a = line.indexOf(":");
    const b = line.indexOf(":", a + 1);
    if (a < 0 || b < 0) continue;
    const ctrls = line.slice(a + 1, b);
    if (h.version === 2 ? line.slice(0, a) === "0" && ctrls === "" : ctrls.split(",").includes("cpuset")) return line.slice(b + 1);
  }
  return null;
}
