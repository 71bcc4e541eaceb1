// Finds the eBPF object to load, in the seed README's order: TRACEE_BPF_FILE, next to the executable, the install
// path, then the CO-RE object embedded in the executable; `--build-policy always` builds one first. Every file
// is checked (ELF structure, ABI stamp, owner) before libbpf sees it, so a corrupt, foreign or planted object is
// refused, never loaded half-way.
import { lstatSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { log } from "../log.ts";
import type { Built } from "../bpf-object/build.ts";
import { objectNames } from "../bpf-object/names.ts";
import { euid, readChecked, trustedDirExists } from "../bpf-object/safe-fs.ts";
import { checkObject, readStamp, RejectedObject } from "../bpf-object/stamp.ts";
import { PreflightError } from "./preflight.ts";

export interface ResolvedObject {
  bytes: Uint8Array;
  source: string;
  /** The executable's own object (whose digest the build recorded). */
  embedded: boolean;
}

export interface ObjectChoice {
  installPath: string;
  buildPolicy: "never" | "if-needed" | "always";
  /** The executable's own object (always present in a built tracee). */
  embedded: () => Promise<Uint8Array>;
  /** Its ABI stamp when known already (recorded by the build), else read from it. */
  embeddedAbi?: string;
  /** Compiles the embedded sources and installs the result in the install path. */
  build: () => Promise<Built>;
  exeDir?: string;
  env?: Record<string, string | undefined>;
}

const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};


export async function resolveObject(o: ObjectChoice): Promise<ResolvedObject> {
  const embedded = await o.embedded();
  const want = o.embeddedAbi ?? readStamp(embedded);
  const env = o.env ?? process.env;

  const explicit = env.TRACEE_BPF_FILE;
  if (explicit) {
    let bytes: Uint8Array;
    try {
      bytes = readChecked(explicit, { noSymlink: false });
      checkObject(bytes, want);
    } catch (e) {
      if (!(e instanceof RejectedObject) && !(e instanceof PreflightError)) throw e;
      const why = e instanceof RejectedObject ? `${explicit}: ${e.message}` : e.message;
      throw new PreflightError(`TRACEE_BPF_FILE ${why}; point it at an object built by this tracee (tracee --build-bpf) or unset it`);
    }
    log.debug(`eBPF object: ${explicit} (named by TRACEE_BPF_FILE; lookup and build skipped)`);
    return { bytes, source: `TRACEE_BPF_FILE ${explicit}`, embedded: false };
  }

  if (o.buildPolicy === "always") {
    const b = await o.build();
    log.debug(`eBPF object: ${b.path} (built now, --build-policy always)`);
    return { bytes: b.bytes, source: `built ${b.path}`, embedded: false };
  }

  const exeDir = o.exeDir ?? dirname(process.execPath);
  // Whoever owns the executable's folder could replace the executable itself, so their files there are trusted.
  const exeDirOwner = statSync(exeDir).uid;
  const places: [string, string, { noSymlink: boolean; owners: number[] }][] = [
    [exeDir, "next to the executable", { noSymlink: false, owners: [0, euid(), exeDirOwner] }],
  ];
  if (trustedDirExists(o.installPath, "--install-path")) {
    places.push([o.installPath, "in the install path", { noSymlink: true, owners: [0, euid()] }]);
  }
  for (const [dir, where, rules] of places) {
    for (const name of objectNames()) {
      const p = join(dir, name);
      if (!exists(p)) continue;
      try {
        const bytes = readChecked(p, rules);
        checkObject(bytes, want);
        log.debug(`eBPF object: ${p} (found ${where})`);
        return { bytes, source: p, embedded: false };
      } catch (e) {
        if (!(e instanceof RejectedObject) && !(e instanceof PreflightError)) throw e;
        const why = e instanceof RejectedObject ? `${p}: ${e.message}` : e.message;
        log.warn(`ignoring the eBPF object ${why}; remove it, or replace it with tracee --build-bpf`);
      }
    }
  }
  log.debug(
    `eBPF object: the CO-RE object inside the executable (abi ${want}), as no usable ${objectNames().join(" or ")} is next to the executable (${exeDir}) or in the install path (${o.installPath})`,
  );
  return { bytes: embedded, source: "embedded CO-RE object", embedded: true };
}
