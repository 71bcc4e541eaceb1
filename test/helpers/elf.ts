// Builds small ELF64 files section by section, so tests can make valid, truncated and foreign objects.

export interface Section { name: string; data: Uint8Array; type?: number }

/** An ET_REL file for `machine` (247 = eBPF) holding `sections` plus the section-name table. */
export function buildElf(sections: Section[], machine = 247, type = 1): Uint8Array {
  const names = ["", ...sections.map((s) => s.name), ".shstrtab"];
  const enc = new TextEncoder();
  const strtab: number[] = [];
  const nameOff = names.map((n) => {
    const off = strtab.length;
    strtab.push(...enc.encode(n), 0);
    return off;
  });
  const bodies = [...sections.map((s) => s.data), new Uint8Array(strtab)];
  let off = 64;
  const offsets = bodies.map((b) => {
    const o = off;
    off += b.length;
    return o;
  });
  const shoff = (off + 7) & ~7;
  const shnum = names.length;
  const out = new Uint8Array(shoff + shnum * 64);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  dv.setUint16(16, type, true);
  dv.setUint16(18, machine, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(40, BigInt(shoff), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(58, 64, true);
  dv.setUint16(60, shnum, true);
  dv.setUint16(62, shnum - 1, true);
  bodies.forEach((b, i) => {
    out.set(b, offsets[i]);
    const h = shoff + (i + 1) * 64;
    dv.setUint32(h, nameOff[i + 1], true);
    dv.setUint32(h + 4, i === bodies.length - 1 ? 3 : sections[i].type ?? 1, true);
    dv.setBigUint64(h + 24, BigInt(offsets[i]), true);
    dv.setBigUint64(h + 32, BigInt(b.length), true);
  });
  return out;
}

/** A stand-in tracee object: BTF present and the ABI stamp section, as bpf/abi.bpf.h lays it out. */
export function stampedObject(abi: string, extra: Section[] = []): Uint8Array {
  const enc = new TextEncoder();
  return buildElf([
    { name: ".text", data: new Uint8Array(16) },
    { name: ".BTF", data: new Uint8Array([0x9f, 0xeb, 1, 0]) },
    { name: ".tracee.abi", data: enc.encode(`tracee-abi:${abi}\0`) },
    ...extra,
  ]);
}
