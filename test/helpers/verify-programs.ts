// Loads (verifies) chosen programs of the built BPF object without attaching them, so that programs this
// kernel cannot attach (kprobes) are still checked by its verifier. Run as root: bun verify-programs.ts NAME...
import { loadLibbpf } from "../../ffi/loader.ts";
import * as bpf from "../../ffi/libbpf.ts";
import { encodeConfig } from "../../src/tracer/config.ts";

export interface VerifyResult { loaded: string[]; log: string }

let log = "";

/** Loads the programs named in `names` (and only those) with `options` (OPTION bits) in the config. */
export async function verifyPrograms(objectPath: string, names: string[], options = 0): Promise<VerifyResult> {
  log = "";
  loadLibbpf(null, (_level, msg) => {
    log += msg + "\n";
  });
  const obj = bpf.openObject(new Uint8Array(await Bun.file(objectPath).arrayBuffer()), { objectName: "tracee" });
  try {
    bpf.setInitialValue(bpf.findMap(obj, ".rodata.cfg"), encodeConfig({ options }));
    const loaded: string[] = [];
    for (const p of bpf.programs(obj)) {
      const want = names.includes(bpf.programName(p));
      bpf.setAutoload(p, want);
      if (want) loaded.push(bpf.programName(p));
    }
    bpf.loadObject(obj);
    return { loaded, log };
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${log.slice(-4000)}`);
  } finally {
    bpf.closeObject(obj);
  }
}

if (import.meta.main) {
  const r = await verifyPrograms(new URL("../../dist/embed/tracee.bpf.o", import.meta.url).pathname, process.argv.slice(2),
    Number(process.env.OPTIONS ?? 0));
  console.log(`verified: ${r.loaded.join(", ")}`);
}
