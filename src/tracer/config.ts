// Encodes struct tracee_config (the `.rodata.cfg` section) from named fields, at the generated offsets.
import { CONFIG } from "../events/schema.ts";
import { CFG } from "../events/gen/events.ts";

export type ConfigValues = Partial<Record<(typeof CONFIG)[number]["name"], number | bigint>>;

export function encodeConfig(v: ConfigValues): Uint8Array {
  const out = new Uint8Array(CFG.size);
  const dv = new DataView(out.buffer);
  for (const f of CONFIG) {
    const x = v[f.name] ?? (f.name.endsWith("_gt") ? 0xffffffffffffffffn : 0);
    if (f.type === "u32") dv.setUint32(f.offset, Number(x), true);
    else if (f.type === "u64") dv.setBigUint64(f.offset, BigInt(x), true);
    else throw new Error(`config field ${f.name}: type ${f.type} not handled`);
  }
  return out;
}
