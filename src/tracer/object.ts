// Finds the eBPF object to load, in the seed README's order: TRACEE_BPF_FILE, next to the executable, the install
// path, then the CO-RE object embedded in the executable.
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { embeddedObject } from "./assets.ts";
import { PreflightError } from "./preflight.ts";

export interface ResolvedObject { bytes: Uint8Array; source: string }

const version = typeof TRACEE_VERSION === "string" ? TRACEE_VERSION : "dev";
/** File names looked up in each folder: the CO-RE object, then the per-kernel one of the reference. */
export function objectNames(release = readFileSync("/proc/sys/kernel/osrelease", "utf8").trim()): string[] {
  return ["tracee.bpf.core.o", `tracee.bpf.${release.replace(/\./g, "_")}.v${version.replace(/\./g, "_")}.o`];
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
function readObject(path: string, why: string): ResolvedObject {
  const st = lstatSync(path);
  if (!st.isFile()) throw new PreflightError(`${why} ${path} is not a regular file; point it at a tracee.bpf.*.o object`);
  const bytes = new Uint8Array(readFileSync(path));
  if (!ELF_MAGIC.every((b, i) => bytes[i] === b)) throw new PreflightError(`${path} is not an ELF eBPF object; rebuild it or remove it`);
  return { bytes, source: `${why} ${path}` };
}

export async function resolveObject(o: { installPath: string; buildPolicy: string }): Promise<ResolvedObject> {
  const env = process.env.TRACEE_BPF_FILE;
  if (env) {
    if (!existsSync(env)) throw new PreflightError(`could not open TRACEE_BPF_FILE ${env}: no such file; fix the path or unset it`);
    return readObject(env, "TRACEE_BPF_FILE");
  }
  if (o.buildPolicy !== "always") {
    const exeDir = dirname(process.execPath);
    for (const [dir, why] of [[exeDir, "next to the executable:"], [o.installPath, "install path:"]] as const) {
      for (const name of objectNames()) {
        const p = join(dir, name);
        if (existsSync(p)) return readObject(p, why);
      }
    }
  }
  return { bytes: await embeddedObject(), source: "embedded CO-RE object" };
}
