// A growable byte buffer that printers write events into directly, so a batch becomes one write(2) without
// building (and later flattening and re-encoding) one large JS string.
const INITIAL = 1 << 22;

export class OutBuf {
  buf: Buffer = Buffer.allocUnsafe(INITIAL);
  /** The same bytes as a plain Uint8Array: indexed stores on it stay on the engine's fast path. */
  u8: Uint8Array = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  off = 0;

  /** Makes room for n more bytes. */
  ensure(n: number): void {
    if (this.off + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.off + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
    this.u8 = new Uint8Array(next.buffer, next.byteOffset, next.length);
  }

  /** Constant bytes (prepared once with `bytes()`). */
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    const buf = this.u8;
    let off = this.off;
    if (b.length <= 32) for (let i = 0; i < b.length; i++) buf[off++] = b[i];
    else {
      buf.set(b, off);
      off += b.length;
    }
    this.off = off;
  }

  byte(c: number): void {
    this.ensure(1);
    this.u8[this.off++] = c;
  }

  /** Text that may hold any character, written as UTF-8. */
  utf8(s: string): void {
    this.ensure(s.length * 3);
    this.off += this.buf.utf8Write(s, this.off);
  }

  /** An integer |n| < 2^53 in decimal, without going through a string. */
  int(n: number): void {
    this.ensure(22);
    if (n < 0) {
      this.u8[this.off++] = 0x2d;
      n = -n;
    }
    if (n <= 0x7fffffff) this.small(n | 0);
    else {
      // n = hi * 1e9 + lo with both halves below 2^31, so the digit loops stay in int32 arithmetic
      const hi = Math.floor(n / 1e9);
      this.small(hi | 0);
      this.padded((n - hi * 1e9) | 0, 9);
    }
  }

  /** 0 <= n < 2^31, in int32 arithmetic only. */
  private small(n: number): void {
    let len = 1;
    for (let p = 10; p <= n && len < 10; p *= 10) len++;
    const u8 = this.u8;
    let i = this.off + len;
    this.off = i;
    do {
      const q = (n / 10) | 0;
      u8[--i] = 0x30 + n - q * 10;
      n = q;
    } while (n !== 0);
  }

  /** An integer written with exactly `width` digits, zero-padded (0 <= n < 10^width <= 2^31). */
  padded(n: number, width: number): void {
    this.ensure(width);
    const u8 = this.u8;
    const start = this.off;
    for (let i = start + width - 1; i >= start; i--) {
      const q = (n / 10) | 0;
      u8[i] = 0x30 + n - q * 10;
      n = q;
    }
    this.off = start + width;
  }

  reset(): void {
    this.off = 0;
  }
}

const enc = new TextEncoder();
export const bytes = (s: string): Uint8Array => enc.encode(s);
