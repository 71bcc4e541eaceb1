// Seeded randomness and mutators for the fuzzers: every failure reproduces from its seed and iteration number.

export class Rng {
  private s: number;
  constructor(readonly seed: number) {
    this.s = seed | 0;
  }
  /** mulberry32: [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = Math.imul(this.s ^ (this.s >>> 15), 1 | this.s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

/** Values that sit on edges: sign bits, truncation bits, limits and their neighbours. */
export const EDGE_U32 = [0, 1, 2, 7, 8, 15, 16, 103, 104, 105, 127, 128, 129, 4095, 4096, 4097, 8191, 8192, 8193, 0xffff, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff];

/** Byte-level mutations of a record stream: flips, edge values, truncation, duplication, splicing. */
export function mutateBytes(input: Uint8Array, r: Rng, donor?: Uint8Array): Uint8Array {
  let c = input.slice();
  const edits = 1 + r.int(8);
  for (let k = 0; k < edits; k++) {
    if (c.length === 0) return r.bytes(r.int(64));
    const at = r.int(c.length);
    const dv = new DataView(c.buffer, c.byteOffset, c.byteLength);
    switch (r.int(9)) {
      case 0: c[at] = r.int(256); break;
      case 1: c[at] ^= 1 << r.int(8); break;
      case 2: if (at + 4 <= c.length) dv.setUint32(at & ~3, r.pick(EDGE_U32), true); break;
      case 3: if (at + 2 <= c.length) dv.setUint16(at, r.pick([0, 1, 7, 8, 9, 16, 0xfff8, 0xffff, r.int(65536)]), true); break;
      case 4: return c.subarray(0, at); // cut short
      case 5: { // duplicate a slice
        const len = Math.min(c.length - at, 1 + r.int(64));
        const out = new Uint8Array(c.length + len);
        out.set(c.subarray(0, at + len));
        out.set(c.subarray(at, at + len), at + len);
        out.set(c.subarray(at + len), at + 2 * len);
        c = out;
        break;
      }
      case 6: { // delete a slice
        const len = Math.min(c.length - at, 1 + r.int(32));
        const out = new Uint8Array(c.length - len);
        out.set(c.subarray(0, at));
        out.set(c.subarray(at + len), at);
        c = out;
        break;
      }
      case 7: if (donor && donor.length) { // splice in part of another input
        const from = r.int(donor.length);
        const len = Math.min(donor.length - from, c.length - at, 1 + r.int(128));
        c.set(donor.subarray(from, from + len), at);
      } break;
      case 8: c.fill(r.pick([0, 0xff, 0x0a, 0x1b]), at, Math.min(c.length, at + 1 + r.int(16))); break;
    }
  }
  return c;
}

const SPECIALS = ["", " ", ",", "=", "!=", "<", ">", "<=", ">=", ":", ".", "*", "-", "\n", "\t", "\0", "\x1b[31m", "\u2028",
  "\ud800", "é", "\\", '"', "'", "{{", "}}", "|", "$", "(", ")", "0", "-1", "18446744073709551616", "4294967296", "1e3",
  "0x10", "help", "new", "follow", "container", "%", "/", "//", "..", "9".repeat(40)];

/** String mutations of a command-line word, expression or template. */
export function mutateString(s: string, r: Rng, dictionary: readonly string[] = []): string {
  let out = s;
  const edits = 1 + r.int(4);
  for (let k = 0; k < edits; k++) {
    const at = r.int(out.length + 1);
    const word = r.chance(0.5) && dictionary.length ? r.pick(dictionary) : r.pick(SPECIALS);
    switch (r.int(6)) {
      case 0: out = out.slice(0, at) + word + out.slice(at); break; // insert
      case 1: out = out.slice(0, at) + out.slice(at + 1 + r.int(4)); break; // delete
      case 2: out = out.slice(0, at) + word + out.slice(at + 1 + r.int(4)); break; // replace
      case 3: out = out.slice(0, at); break; // cut
      case 4: out = out.slice(0, at) + String.fromCharCode(r.int(r.chance(0.8) ? 128 : 0x10000)) + out.slice(at); break;
      case 5: out = out + out.slice(at, at + 1 + r.int(16)).repeat(1 + r.int(r.chance(0.1) ? 500 : 3)); break; // repeat
    }
  }
  return out;
}
