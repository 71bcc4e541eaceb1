// Little-endian byte encodings of filter map keys and values.

export interface MapEntry { map: string; key: Uint8Array; value: Uint8Array }

export function u32(n: number | bigint): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, Number(n), true);
  return b;
}

/** 16 bytes: the name's UTF-8 bytes (at most 15), NUL padded, as the kernel's comm/nodename buffers. */
export function str16(s: string): Uint8Array {
  const b = new Uint8Array(16);
  b.set(new TextEncoder().encode(s).subarray(0, 15));
  return b;
}

export const verdict = (pass: boolean): Uint8Array => u32(pass ? 1 : 0);
