// Plays a container runtime for e2e tests: cgroups named as docker, containerd, cri-o and podman name them, in
// the v1 cpuset and the unified hierarchy, and children started inside them in new pid, mount and uts namespaces.
import { existsSync, mkdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";

export const V1 = "/sys/fs/cgroup/cpuset";
export const V2 = "/sys/fs/cgroup/unified";
export type Tree = typeof V1 | typeof V2;

/** Every test run keeps its cgroups under its own top directory, so runs on the same host never meet. */
export const TOP = `/tracee-e2e-${process.pid}`;

export const LAYOUTS = {
  docker: (id: string) => `/docker/${id}`,
  dockerSystemd: (id: string) => `/system.slice/docker-${id}.scope`,
  containerd: (id: string) => `/kubepods.slice/kubepods-besteffort.slice/cri-containerd-${id}.scope`,
  crio: (id: string) => `/kubepods.slice/kubepods-burstable.slice/crio-${id}.scope`,
  podman: (id: string) => `/machine.slice/libpod-${id}.scope`,
};

export interface FakeContainer {
  id: string;
  /** Hierarchy path (what the kernel and tracee's cgroup_path show), the same in every tree. */
  path: string;
  trees: Tree[];
  /** The cgroup id (directory inode) in a tree. */
  cgroupId(tree: Tree): number;
  /** Starts `argv` inside the container, as a runtime does: join the cgroups, then exec in new namespaces.
   *  Resolves with the pid of the wrapper (the parent of the container's pid 1). */
  run(argv: string[], delaySec?: number): { pid: number; exited: Promise<number> };
  remove(): void;
}

function mkdirCgroup(tree: Tree, path: string): void {
  let cur = tree;
  for (const part of path.split("/").filter(Boolean)) {
    const parent = cur;
    cur = `${cur}/${part}`;
    if (existsSync(cur)) continue;
    mkdirSync(cur);
    // a v1 cpuset admits tasks only once it has cpus and mems (runtimes copy the parent's)
    if (tree === V1) {
      for (const f of ["cpuset.cpus", "cpuset.mems"]) writeFileSync(`${cur}/${f}`, readFileSync(`${parent}/${f}`, "utf8").trim() || "0");
    }
  }
}

/** Removes a cgroup path and its now-empty parents up to (and including) the test's top directory. */
function rmdirCgroup(tree: Tree, path: string): void {
  const parts = path.split("/").filter(Boolean);
  for (let n = parts.length; n > 0; n--) {
    const dir = `${tree}/${parts.slice(0, n).join("/")}`;
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty (another container of this run still lives there) or already gone
    }
  }
}

export const newId = () => randomBytes(32).toString("hex");

export function makeContainer(layout: (id: string) => string, trees: Tree[], id = newId()): FakeContainer {
  const path = TOP + layout(id);
  for (const t of trees) mkdirCgroup(t, path);
  return {
    id,
    path,
    trees,
    cgroupId: (tree) => statSync(tree + path).ino,
    run(argv, delaySec = 0) {
      const procs = trees.map((t) => `${t}${path}/cgroup.procs`).join(" ");
      const script = `for f in ${procs}; do echo $$ > $f || exit 97; done; ` +
        `${delaySec ? `sleep ${delaySec}; ` : ""}exec unshare --fork --pid --mount --uts -- "$@"`;
      const p = Bun.spawn(["sh", "-c", script, "sh", ...argv], { stdout: "ignore", stderr: "inherit" });
      return { pid: p.pid, exited: p.exited };
    },
    remove() {
      for (const t of trees) rmdirCgroup(t, path);
    },
  };
}
