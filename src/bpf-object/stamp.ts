// Tells whether bytes are a tracee eBPF object built from the same sources as this executable's own object,
// by its ELF structure and the ABI stamp section (bpf/abi.bpf.h), before libbpf or the kernel sees it.
import { ElfError, readSections, sectionBytes } from "./elf.ts";

export const STAMP_SECTION = ".tracee.abi";
const PREFIX = "tracee-abi:";

/** Why an object was refused: `corrupt` (damaged or not an eBPF ELF), `foreign` (not tracee's), `stale` (other sources). */
export class RejectedObject extends Error {
  constructor(readonly kind: "corrupt" | "foreign" | "stale", message: string) {
    super(message);
  }
}

/** The ABI stamp of an object; throws RejectedObject when the bytes are not a whole tracee eBPF object. */
export function readStamp(bytes: Uint8Array): string {
  let sections;
  try {
    sections = readSections(bytes);
  } catch (e) {
    if (e instanceof ElfError) throw new RejectedObject("corrupt", e.message);
    throw e;
  }
  // CO-RE relocation needs the object's own BTF; an object without it cannot be tracee's.
  if (!sections.some((s) => s.name === ".BTF")) throw new RejectedObject("foreign", "an eBPF object without BTF, not one of tracee's");
  const raw = sectionBytes(bytes, sections, STAMP_SECTION);
  if (!raw) throw new RejectedObject("foreign", `an eBPF object without tracee's ${STAMP_SECTION} stamp (another program's object?)`);
  const text = new TextDecoder().decode(raw).replace(/\0+$/, "");
  if (!text.startsWith(PREFIX) || text.length === PREFIX.length) throw new RejectedObject("foreign", `an eBPF object with an unreadable ${STAMP_SECTION} stamp`);
  return text.slice(PREFIX.length);
}

/** The SHA-256 (hex) of an object's bytes: recorded for the embedded object by the build, names its minimal BTF. */
export const objectSha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");

/** Throws RejectedObject unless `bytes` is a tracee object stamped `want`. */
export function checkObject(bytes: Uint8Array, want: string): void {
  const got = readStamp(bytes);
  if (got !== want) {
    throw new RejectedObject("stale", `built from other eBPF sources (abi ${got}; this tracee needs abi ${want}), e.g. by another tracee version`);
  }
}
