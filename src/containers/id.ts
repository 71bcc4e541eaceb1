// Container ids from cgroup paths, as docker, containerd (CRI), cri-o and podman name their cgroups.

export type Runtime = "docker" | "containerd" | "crio" | "podman" | "unknown";

export interface ContainerRef {
  /** 64 lower-case hex characters. */
  id: string;
  runtime: Runtime;
}

// `crio-conmon-<id>` and `libpod-conmon-<id>` (the monitors) keep a word after the prefix, so they are no match.
const PREFIXES: [string, Runtime][] = [
  ["docker-", "docker"],
  ["cri-containerd-", "containerd"],
  ["crio-", "crio"],
  ["libpod-", "podman"],
];
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The container a cgroup path belongs to: a path component of at least 64 characters that is, after a
 * `.scope` suffix and one runtime prefix are taken off, exactly 64 hex digits (`/docker/<id>`,
 * `/system.slice/docker-<id>.scope`, `.../cri-containerd-<id>.scope`, `.../crio-<id>.scope`,
 * `/machine.slice/libpod-<id>.scope`). The deepest such component wins (a container nested in another
 * belongs to the inner one); null outside containers.
 */
export function containerOf(path: string): ContainerRef | null {
  if (path.length < 64) return null;
  let found: ContainerRef | null = null;
  for (const part of path.split("/")) {
    if (part.length < 64) continue;
    let s = part.endsWith(".scope") ? part.slice(0, -6) : part;
    let runtime: Runtime = "unknown";
    for (const [prefix, r] of PREFIXES) {
      if (s.startsWith(prefix)) {
        s = s.slice(prefix.length);
        runtime = r;
        break;
      }
    }
    if (HEX64.test(s)) found = { id: s, runtime };
  }
  return found;
}
