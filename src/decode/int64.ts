// 64-bit values from two u32 halves without BigInt on the common path: numbers while |v| < 2^53, bigints beyond.
import type { Int64 } from "../events/types.ts";

const TWO32 = 4294967296;
const HI53 = 0x200000; // 2^53 / 2^32

/** Unsigned 64-bit value from its low and high u32 halves. */
export function u64From(lo: number, hi: number): Int64 {
  if (hi < HI53) return hi * TWO32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Signed 64-bit value from its low u32 half and its high half (read as u32 or s32). */
export function s64From(lo: number, hi: number): Int64 {
  hi |= 0;
  // |v| < 2^53 <=> -2^21 <= hi < 2^21, except v = -2^53 itself (hi = -2^21, lo = 0)
  if (hi < HI53 && (hi > -HI53 || (hi === -HI53 && lo !== 0))) return hi * TWO32 + lo;
  return (BigInt(hi) << 32n) + BigInt(lo);
}

/**
 * Splits a u64 nanosecond count into [seconds mod 2^32, nanoseconds], as the WASM decoder's u32 table words do.
 * The double estimate of the seconds is off by at most one; the exact remainder, computed mod 2^32, corrects it.
 */
export function splitNs(lo: number, hi: number, out: Uint32Array): void {
  let sec = Math.floor((hi * TWO32 + lo) / 1e9);
  let rem = (lo - Math.imul(sec >>> 0, 1000000000)) | 0;
  if (rem < 0) { sec -= 1; rem += 1000000000; }
  else if (rem >= 1000000000) { sec += 1; rem -= 1000000000; }
  out[0] = sec >>> 0;
  out[1] = rem;
}
