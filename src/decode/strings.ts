// UTF-8 strings out of decoder memory: a native slice where Bun offers one, and a cache for the 16-byte comm/uts fields.

interface Utf8Slicer { utf8Slice(start: number, end: number): string }
const nativeSlice = typeof (Buffer.prototype as unknown as Partial<Utf8Slicer>).utf8Slice === "function";
const fallback = new TextDecoder("utf-8", { fatal: false });
const CACHE_SLOTS = 256;

/** Reads strings from one ArrayBuffer; invalid UTF-8 becomes U+FFFD, never an exception. */
export class StringReader {
  private readonly u8: Uint8Array;
  private readonly u32: Uint32Array;
  private readonly slicer: Utf8Slicer | null;
  private readonly keys = new Uint32Array(CACHE_SLOTS * 4);
  private readonly strs: string[] = new Array<string>(CACHE_SLOTS).fill("");

  constructor(buffer: ArrayBuffer) {
    this.u8 = new Uint8Array(buffer);
    this.u32 = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    this.slicer = nativeSlice ? (Buffer.from(buffer) as unknown as Utf8Slicer) : null;
  }

  /** The `len` bytes at `off` as a string. */
  utf8(off: number, len: number): string {
    if (len === 0) return "";
    if (this.slicer !== null) return this.slicer.utf8Slice(off, off + len);
    return fallback.decode(this.u8.subarray(off, off + len));
  }

  /** A NUL-padded 16-byte field at a 4-aligned `off` (comm, uts name), cut at its first NUL; cached by content. */
  fixed16(off: number): string {
    const u32 = this.u32;
    const w = off >>> 2;
    const a = u32[w], b = u32[w + 1], c = u32[w + 2], d = u32[w + 3];
    const slot = Math.imul(a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b) ^ Math.imul(d, 0xc2b2ae35), 0x27d4eb2f) >>> 24;
    const k = slot << 2;
    const keys = this.keys;
    if (keys[k] === a && keys[k + 1] === b && keys[k + 2] === c && keys[k + 3] === d) return this.strs[slot];
    const u8 = this.u8;
    let n = 0;
    while (n < 16 && u8[off + n] !== 0) n++;
    const s = this.utf8(off, n);
    keys[k] = a; keys[k + 1] = b; keys[k + 2] = c; keys[k + 3] = d;
    this.strs[slot] = s;
    return s;
  }
}
