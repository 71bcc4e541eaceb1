// File names of eBPF objects on disk: the seed README's per-kernel, per-version name, and the CO-RE name.
import { readFileSync } from "node:fs";

export const VERSION = typeof TRACEE_VERSION === "string" ? TRACEE_VERSION : "dev";
export const CORE_NAME = "tracee.bpf.core.o";

export const kernelRelease = () => readFileSync("/proc/sys/kernel/osrelease", "utf8").trim();

/** `tracee.bpf.<release>.v<version>.o` with dots as underscores, e.g. tracee.bpf.6_18_0.v0_1_0.o (seed README). */
export function builtName(release = kernelRelease(), version = VERSION): string {
  return `tracee.bpf.${release.replace(/\./g, "_")}.v${version.replace(/^v/, "").replace(/\./g, "_")}.o`;
}

/** Names looked up in each folder: one built on this host for this kernel and version first, then the CO-RE one. */
export const objectNames = (release = kernelRelease()) => [builtName(release), CORE_NAME];
