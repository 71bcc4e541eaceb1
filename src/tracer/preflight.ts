// Checks, before anything touches the kernel, that this process may trace (capabilities) and that CO-RE has
// a BTF to relocate against (the kernel's own, or a file the user gives).
import { closeSync, openSync, readSync } from "node:fs";
import { effectiveCaps } from "../../ffi/libc.ts";
import { ElfError, sectionNamesOfFile } from "../bpf-object/elf.ts";
import { kernelRelease } from "../bpf-object/names.ts";

const CAP = { SYS_ADMIN: 21, SYS_RESOURCE: 24, PERFMON: 38, BPF: 39 } as const;

/** A runtime condition that stops tracee before it starts, with a one-line message that names the fix (exit 1). */
export class PreflightError extends Error {}

/** Whether kernel release `release` ("6.18.44-...") is at least major.minor; false when it cannot be read. */
export function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return !!m && (Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor));
}

/**
 * The capabilities tracing needs that `caps` lacks. From 5.8 CAP_BPF + CAP_PERFMON do (CAP_SYS_ADMIN still
 * implies both); before, CAP_SYS_ADMIN. From 5.11 BPF memory is charged to the memory cgroup instead of
 * RLIMIT_MEMLOCK, so CAP_SYS_RESOURCE (to raise that limit) is needed only before.
 */
export function missingCapabilities(caps: bigint, release: string): string[] {
  const has = (c: number) => (caps & (1n << BigInt(c))) !== 0n;
  const missing: string[] = [];
  if (kernelAtLeast(release, 5, 8)) {
    if (!has(CAP.BPF) && !has(CAP.SYS_ADMIN)) missing.push("CAP_BPF");
    if (!has(CAP.PERFMON) && !has(CAP.SYS_ADMIN)) missing.push("CAP_PERFMON");
  } else if (!has(CAP.SYS_ADMIN)) missing.push("CAP_SYS_ADMIN");
  if (!has(CAP.SYS_RESOURCE) && !kernelAtLeast(release, 5, 11)) missing.push("CAP_SYS_RESOURCE");
  return missing;
}

/** Throws a one-line PreflightError naming what is missing and how to grant it. */
export function checkCapabilities(caps: bigint = effectiveCaps(), release = kernelRelease()): void {
  const missing = missingCapabilities(caps, release);
  if (!missing.length) return;
  const setcap = missing.map((c) => c.toLowerCase()).join(",");
  throw new PreflightError(
    `insufficient privileges to trace: missing ${missing.join(", ")}; run as root or grant them (sudo setcap ${setcap}+ep ${process.execPath}); --help, --list and --build-bpf need none`,
  );
}

export const KERNEL_BTF = "/sys/kernel/btf/vmlinux";

export interface BtfChoice {
  /** Given to libbpf as btf_custom_path; undefined means the kernel's own. */
  path?: string;
  /** Whether the kernel exposes its own BTF (programs typed by it, like tp_btf, need that). */
  kernelBtf: boolean;
  /** For --debug. */
  source: string;
}

function head(path: string, n: number): Uint8Array | null {
  try {
    const fd = openSync(path, "r");
    try {
      const b = new Uint8Array(n);
      return b.subarray(0, readSync(fd, b, 0, n, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

/** Raw BTF starts with the magic 0xeB9F (little-endian here). */
const isRawBtf = (b: Uint8Array | null) => !!b && b.length >= 4 && b[0] === 0x9f && b[1] === 0xeb;

/** Raw BTF, or an ELF file (a vmlinux with debug info) that holds a .BTF section: both are what libbpf parses. */
function isBtfFile(path: string): boolean {
  const b = head(path, 4);
  if (isRawBtf(b)) return true;
  if (!b || b[0] !== 0x7f) return false;
  try {
    return sectionNamesOfFile(path).includes(".BTF");
  } catch (e) {
    if (e instanceof ElfError) return false;
    throw e;
  }
}

/** The BTF for CO-RE: --btf-file, else TRACEE_BTF_FILE, else the kernel's own; none of them is a clear error. */
export function resolveBtf(flag?: string, env = process.env.TRACEE_BTF_FILE, kernelPath = KERNEL_BTF): BtfChoice {
  const kernelBtf = isRawBtf(head(kernelPath, 4));
  const given = flag ?? env;
  if (given) {
    const origin = flag ? "--btf-file" : "TRACEE_BTF_FILE";
    if (!head(given, 1)) throw new PreflightError(`${origin} ${given}: no such readable file; give this kernel's BTF (e.g. from BTFHub)`);
    if (!isBtfFile(given)) throw new PreflightError(`${origin} ${given}: not BTF (neither raw BTF nor an ELF file with a .BTF section); give this kernel's BTF (e.g. from BTFHub)`);
    return { path: given, kernelBtf, source: `${origin} ${given}` };
  }
  if (kernelBtf) return { kernelBtf, source: `the kernel's ${kernelPath}` };
  throw new PreflightError(
    `this kernel has no BTF (${kernelPath} is missing or empty) and tracee's eBPF objects are CO-RE: give this kernel's BTF with --btf-file FILE or TRACEE_BTF_FILE=FILE (e.g. from BTFHub)`,
  );
}

/** Program kinds that the kernel types through its own BTF, which a BTF file cannot stand in for. */
export function needsKernelBtf(section: string): boolean {
  return /^(tp_btf|fentry|fexit|fmod_ret|lsm|lsm\.s|iter|iter\.s|struct_ops)(\/|$)/.test(section);
}

/** Without the kernel's own BTF (a BTF file stands in for CO-RE only), BTF-typed program kinds are not loaded. */
export function withoutKernelBtf(
  want: (name: string, section: string) => boolean,
  kernelBtf: boolean,
  note: (msg: string) => void,
): (name: string, section: string) => boolean {
  return (name, section) => {
    if (kernelBtf || !needsKernelBtf(section)) return want(name, section);
    note(`${section}: needs the kernel's own BTF, which this kernel lacks; its events are unavailable`);
    return false;
  };
}
