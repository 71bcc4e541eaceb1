// A bounds-checked reader of the ELF section table, enough to tell a tracee eBPF object from anything else
// before libbpf sees it (libbpf trusts what it parses; a truncated file must be refused here).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

export const EM_BPF = 247;
const ET_REL = 1;

export interface ElfSection { name: string; type: number; offset: number; size: number }

export class ElfError extends Error {}

/**
 * Parses the section table of a little-endian ELF64 file (by default: a relocatable eBPF object; pass `{}` to
 * accept any machine and type); throws ElfError naming what is wrong.
 */
export function readSections(bytes: Uint8Array, want: { machine?: number; type?: number } = { machine: EM_BPF, type: ET_REL }): ElfSection[] {
  if (bytes.length < 64) throw new ElfError("too short to be an ELF object");
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) throw new ElfError("not an ELF file");
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new ElfError("not a 64-bit little-endian ELF file");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (want.machine !== undefined && machine !== want.machine) throw new ElfError(`an ELF file for machine ${machine}, not an eBPF object (machine ${want.machine})`);
  if (want.type !== undefined && type !== want.type) throw new ElfError(`an ELF file of type ${type}, not a relocatable eBPF object`);
  const shoff = Number(dv.getBigUint64(40, true));
  const shentsize = dv.getUint16(58, true);
  const shnum = dv.getUint16(60, true);
  const shstrndx = dv.getUint16(62, true);
  if (shentsize !== 64 || shnum === 0 || shstrndx >= shnum) throw new ElfError("corrupt ELF header (section table)");
  if (shoff + shnum * 64 > bytes.length) throw new ElfError("truncated: the section table lies past the end of the file");

  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * 64;
    const shType = dv.getUint32(h + 4, true);
    const offset = Number(dv.getBigUint64(h + 24, true));
    const size = Number(dv.getBigUint64(h + 32, true));
    // SHT_NOBITS (8) occupies no file bytes; every other section must lie inside the file.
    if (shType !== 8 && shType !== 0 && offset + size > bytes.length) throw new ElfError(`truncated: section ${i} lies past the end of the file`);
    raw.push({ nameOff: dv.getUint32(h, true), type: shType, offset, size });
  }
  const strtab = raw[shstrndx];
  const names = bytes.subarray(strtab.offset, strtab.offset + strtab.size);
  return raw.map((s) => {
    if (s.nameOff >= names.length) throw new ElfError("corrupt ELF section name table");
    const end = names.indexOf(0, s.nameOff);
    if (end < 0) throw new ElfError("corrupt ELF section name table");
    return { name: new TextDecoder().decode(names.subarray(s.nameOff, end)), type: s.type, offset: s.offset, size: s.size };
  });
}

/** The bytes of the named section, or null when the object has none. */
export function sectionBytes(bytes: Uint8Array, sections: ElfSection[], name: string): Uint8Array | null {
  const s = sections.find((x) => x.name === name);
  return s ? bytes.subarray(s.offset, s.offset + s.size) : null;
}

/**
 * Section names of an ELF64 file read through positional reads, so a large file (a vmlinux with debug
 * info runs to hundreds of MiB) is not read whole just to find out whether it has a `.BTF` section.
 */
export function sectionNamesOfFile(path: string): string[] {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const at = (off: number, len: number) => {
      if (off + len > size) throw new ElfError("truncated ELF file");
      const b = new Uint8Array(len);
      readSync(fd, b, 0, len, off);
      return b;
    };
    const hdr = at(0, 64);
    if (hdr[0] !== 0x7f || hdr[1] !== 0x45 || hdr[2] !== 0x4c || hdr[3] !== 0x46 || hdr[4] !== 2 || hdr[5] !== 1) {
      throw new ElfError("not a 64-bit little-endian ELF file");
    }
    const dv = new DataView(hdr.buffer);
    const shoff = Number(dv.getBigUint64(40, true));
    const shnum = dv.getUint16(60, true);
    const shstrndx = dv.getUint16(62, true);
    if (dv.getUint16(58, true) !== 64 || shstrndx >= shnum) throw new ElfError("corrupt ELF header (section table)");
    const table = new DataView(at(shoff, shnum * 64).buffer);
    const strOff = Number(table.getBigUint64(shstrndx * 64 + 24, true));
    const strSize = Number(table.getBigUint64(shstrndx * 64 + 32, true));
    const names = at(strOff, strSize);
    const out: string[] = [];
    for (let i = 0; i < shnum; i++) {
      const n = table.getUint32(i * 64, true);
      const end = names.indexOf(0, n);
      if (n >= names.length || end < 0) throw new ElfError("corrupt ELF section name table");
      out.push(new TextDecoder().decode(names.subarray(n, end)));
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
