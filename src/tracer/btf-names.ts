// Finds which functions and typedefs a kernel BTF blob declares: kprobe targets (FUNC) and raw tracepoints
// (the `btf_trace_<name>` typedef every tracepoint has); a few ms for a whole vmlinux, no privileges needed.
import { readFileSync } from "node:fs";

const BTF_MAGIC = 0xeb9f;
const KIND_TYPEDEF = 8;
const KIND_FUNC = 12;

/** Bytes that follow a type record of each kind (besides its 12-byte header); `vlen` entries where it applies. */
function extraBytes(kind: number, vlen: number): number {
  switch (kind) {
    case 1: case 14: case 17: return 4; // INT, VAR, DECL_TAG
    case 3: return 12; // ARRAY
    case 4: case 5: case 15: case 19: return vlen * 12; // STRUCT, UNION, DATASEC, ENUM64
    case 6: case 13: return vlen * 8; // ENUM, FUNC_PROTO
    default: return 0; // PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG
  }
}

export interface BtfNames {
  funcs: Set<string>;
  typedefs: Set<string>;
}

/**
 * The subset of `wanted` names that the BTF declares as functions and as typedefs. Names are matched by
 * their offset in the (deduplicated) string section, so no string is decoded while walking the types.
 */
export function btfNames(wanted: Iterable<string>, bytes?: Uint8Array, path?: string): BtfNames {
  const out: BtfNames = { funcs: new Set(), typedefs: new Set() };
  let b: Buffer;
  try {
    b = bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : readFileSync(path ?? "/sys/kernel/btf/vmlinux");
  } catch {
    return out;
  }
  if (b.length < 24 || b.readUInt16LE(0) !== BTF_MAGIC) return out;
  const hdrLen = b.readUInt32LE(4);
  const typeOff = hdrLen + b.readUInt32LE(8), typeLen = b.readUInt32LE(12);
  const strOff = hdrLen + b.readUInt32LE(16), strLen = b.readUInt32LE(20);
  const strings = b.subarray(strOff, strOff + strLen);
  const byOffset = new Map<number, string>();
  for (const name of wanted) {
    const at = strings.indexOf(Buffer.from(`\0${name}\0`, "latin1"));
    if (at >= 0) byOffset.set(at + 1, name);
  }
  if (byOffset.size === 0) return out;
  const end = Math.min(b.length, typeOff + typeLen);
  for (let p = typeOff; p + 12 <= end;) {
    const nameOff = b.readUInt32LE(p);
    const info = b.readUInt32LE(p + 4);
    const kind = (info >>> 24) & 0x1f;
    const name = byOffset.get(nameOff);
    if (name !== undefined) {
      if (kind === KIND_FUNC) out.funcs.add(name);
      else if (kind === KIND_TYPEDEF) out.typedefs.add(name);
    }
    p += 12 + extraBytes(kind, info & 0xffff);
  }
  return out;
}
