// Building on this host with what the executable carries: its eBPF sources, and its own libbpf as the linker.
// Also the `tracee --build-bpf` command, which builds, installs, prints the path and exits, as any user.
import { linkObjects } from "../../ffi/libbpf.ts";
import { loadLibbpf } from "../../ffi/loader.ts";
import { libbpfLog, log, stdout } from "../log.ts";
import { embeddedLibs, embeddedSources } from "../tracer/assets.ts";
import { buildObject, type Built } from "./build.ts";

export async function buildOnHost(installPath: string, keepTemp: boolean): Promise<Built> {
  loadLibbpf(await embeddedLibs(), libbpfLog);
  return buildObject({ sources: await embeddedSources(), installPath, link: linkObjects, keepTemp });
}

/** Prints the installed object's path on stdout (for scripts), the rest on stderr. */
export async function buildCommand(installPath: string, debug: boolean): Promise<number> {
  const b = await buildOnHost(installPath, debug);
  log.info(`built the eBPF object (abi ${b.abi}, ${b.bytes.length} bytes); tracee finds it in ${installPath}, or name it in TRACEE_BPF_FILE`);
  stdout().write(`${b.path}\n`);
  return 0;
}
