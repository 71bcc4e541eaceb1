// Checks, before anything touches the kernel, that this process may trace: capabilities and kernel BTF.
import { existsSync, readFileSync } from "node:fs";
import { effectiveCaps } from "../../ffi/libc.ts";

const CAP = { SYS_ADMIN: 21, SYS_RESOURCE: 24, PERFMON: 38, BPF: 39 } as const;

export class PreflightError extends Error {}

function kernelAtLeast(major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(readFileSync("/proc/sys/kernel/osrelease", "utf8"));
  return !!m && (Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor));
}

/** Throws a one-line PreflightError naming what is missing and how to fix it. */
export function checkCapabilities(caps: bigint = effectiveCaps()): void {
  const has = (c: number) => (caps & (1n << BigInt(c))) !== 0n;
  const missing: string[] = [];
  if (kernelAtLeast(5, 8)) {
    if (!has(CAP.BPF) && !has(CAP.SYS_ADMIN)) missing.push("CAP_BPF");
    if (!has(CAP.PERFMON) && !has(CAP.SYS_ADMIN)) missing.push("CAP_PERFMON");
  } else if (!has(CAP.SYS_ADMIN)) missing.push("CAP_SYS_ADMIN");
  // Since 5.11 BPF memory is charged to the memory cgroup, not RLIMIT_MEMLOCK, so raising limits is not needed.
  if (!has(CAP.SYS_RESOURCE) && !kernelAtLeast(5, 11)) missing.push("CAP_SYS_RESOURCE");
  if (missing.length) {
    throw new PreflightError(
      `insufficient privileges to trace: missing ${missing.join(", ")}; run as root or grant them (e.g. sudo setcap cap_bpf,cap_perfmon,cap_sys_resource+ep tracee)`,
    );
  }
}

/** The BTF to give libbpf for CO-RE: the kernel's own, else --btf-file / TRACEE_BTF_FILE. */
export function resolveBtf(flag?: string, env = process.env.TRACEE_BTF_FILE): string | undefined {
  const given = flag ?? env;
  if (given) {
    if (!existsSync(given)) throw new PreflightError(`BTF file ${given} does not exist; give a readable BTF file (BTFHub) with --btf-file`);
    return given;
  }
  if (existsSync("/sys/kernel/btf/vmlinux")) return undefined;
  throw new PreflightError(
    "this kernel has no BTF (/sys/kernel/btf/vmlinux is missing): give a BTF file for it with --btf-file or TRACEE_BTF_FILE (e.g. from BTFHub)",
  );
}
