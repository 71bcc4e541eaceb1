// `tracee --version`: the version from package.json (stamped at compile time); with --debug also the build
// commit, Bun, the embedded libbpf, the eBPF object's ABI stamp and the kernel, for bug reports.
import { libbpfVersion } from "../../ffi/libbpf.ts";
import { loadLibbpf } from "../../ffi/loader.ts";
import { readStamp } from "../bpf-object/stamp.ts";
import { kernelRelease } from "../bpf-object/names.ts";
import { libbpfLog } from "../log.ts";
import { embeddedLibs, embeddedObject } from "../tracer/assets.ts";
import { KERNEL_BTF } from "../tracer/preflight.ts";
import { existsSync } from "node:fs";

const COMMIT = typeof TRACEE_COMMIT === "string" ? TRACEE_COMMIT : "unknown";

export async function versionText(version: string, verbose: boolean): Promise<string> {
  if (!verbose) return `tracee ${version}\n`;
  const lib = loadLibbpf(await embeddedLibs(), libbpfLog);
  const obj = await embeddedObject();
  const rows: [string, string][] = [
    ["commit", COMMIT],
    ["bun", `${Bun.version} (${Bun.revision.slice(0, 12)})`],
    ["libbpf", `${libbpfVersion()} (${lib})`],
    ["eBPF", `CO-RE object, abi ${readStamp(obj)}, ${obj.length} bytes (embedded)`],
    ["kernel", `${kernelRelease()} ${process.arch === "x64" ? "x86_64" : process.arch}, ${existsSync(KERNEL_BTF) ? `BTF at ${KERNEL_BTF}` : "no BTF"}`],
  ];
  return `tracee ${version}\n` + rows.map(([k, v]) => `  ${k.padEnd(8)}${v}\n`).join("");
}
