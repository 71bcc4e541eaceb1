// Decodes one raw sample (context header + argument records) into one event-table row and its argument entries.
import {
  ARG_STR, ARG_STR_ARR, ARG_SOCKADDR, ARG_BYTES, ARG_ARGS_ARR, ARG_TYPE_COUNT, ARG_FIXED_SIZE, LIMIT_MAXARGS,
  LIMIT_STRMAX, LIMIT_STRARRMAX, LIMIT_ARGSARRMAX, LIMIT_SOCKADDRMAX, LIMIT_BYTESMAX, CTX_TS, CTX_EVENT_ID,
  CTX_ARGNUM, CTX_SIZE,
} from "./gen/layout";
import {
  EV_OFFSET, EV_LENGTH, EV_FIRST_ARG, EV_ARG_COUNT, EV_TS_SEC, EV_TS_NSEC, EV_ID, EV_FLAGS, EV_FLAG_TRUNCATED,
  A_INFO, A_OFFSET, A_LENGTH, A_COUNT, INFO_TYPE_SHIFT, INFO_TRUNCATED, INFO_ELEMENT, LENGTH_MASK, ERR_SHORT_SAMPLE,
  ERR_ARGNUM, ERR_ARG_HEADER, ERR_WIRE_TYPE, ERR_PAYLOAD, ERR_LIMIT, ERR_INDEX_ORDER, ERR_RECORD_BODY,
} from "./tables";

/** Worst case of argument entries one sample can add: every argument a full str_arr. */
export const MAX_ENTRIES_PER_SAMPLE: u32 = LIMIT_MAXARGS * (1 + LIMIT_STRARRMAX);

let events: usize = 0;
let args: usize = 0;
let nEvents: u32 = 0;
let nArgs: u32 = 0;

export function setTables(ev: usize, ar: usize): void { events = ev; args = ar; }
export function resetTables(): void { nEvents = 0; nArgs = 0; }
export function eventCount(): u32 { return nEvents; }
export function argCount(): u32 { return nArgs; }

// @ts-ignore: decorator
@inline function putArg(info: u32, offset: usize, length: u32, count: u32): void {
  const e = args + (<usize>nArgs << 4);
  store<u32>(e, info, A_INFO << 2);
  store<u32>(e, <u32>offset, A_OFFSET << 2);
  store<u32>(e, length, A_LENGTH << 2);
  store<u32>(e, count, A_COUNT << 2);
  nArgs++;
}

// @ts-ignore: decorator
@inline function limitOf(type: u32): u32 {
  if (type == ARG_STR) return LIMIT_STRMAX;
  if (type == ARG_BYTES) return LIMIT_BYTESMAX;
  if (type == ARG_SOCKADDR) return LIMIT_SOCKADDRMAX;
  return LIMIT_ARGSARRMAX;
}

/**
 * Decodes the PERF_RECORD_SAMPLE at `rec` (record size `size`); returns 0 or a malformed-sample error code.
 * On error the argument entries written so far are taken back and no event row is written.
 */
export function decodeSample(rec: usize, size: usize): u32 {
  if (size < 12) return ERR_RECORD_BODY;
  const rawSize = <usize>load<u32>(rec, 8);
  if (rawSize > size - 12) return ERR_RECORD_BODY;
  const s = rec + 12;
  const end = s + rawSize;
  if (rawSize < <usize>CTX_SIZE) return ERR_SHORT_SAMPLE;
  const argnum = <u32>load<u8>(s, CTX_ARGNUM);
  if (argnum > LIMIT_MAXARGS) return ERR_ARGNUM;

  const firstArg = nArgs;
  let p = s + <usize>CTX_SIZE;
  let prevIndex: i32 = -1;
  let truncatedAny: u32 = 0;
  let err: u32 = 0;
  for (let i: u32 = 0; i < argnum; i++) {
    if (end - p < 2) { err = ERR_ARG_HEADER; break; }
    const index = <u32>load<u8>(p);
    const type = <u32>load<u8>(p, 1);
    p += 2;
    if (<i32>index <= prevIndex) { err = ERR_INDEX_ORDER; break; }
    prevIndex = <i32>index;
    if (type == 0 || type >= <u32>ARG_TYPE_COUNT) { err = ERR_WIRE_TYPE; break; }
    const info = index | (type << INFO_TYPE_SHIFT);
    const fixed = <usize>unchecked(ARG_FIXED_SIZE[type]);
    if (fixed != 0) {
      if (end - p < fixed) { err = ERR_PAYLOAD; break; }
      putArg(info, p, <u32>fixed, 0);
      p += fixed;
      continue;
    }
    if (end - p < 4) { err = ERR_PAYLOAD; break; }
    const word = load<u32>(p);
    p += 4;
    if (type == ARG_STR_ARR) {
      const count = word & LENGTH_MASK;
      if (count > LIMIT_STRARRMAX) { err = ERR_LIMIT; break; }
      let info2 = info;
      if ((word >>> 31) != 0) { info2 |= INFO_TRUNCATED; truncatedAny = 1; }
      putArg(info2, p, 0, count);
      const parent = nArgs - 1;
      const start = p;
      for (let k: u32 = 0; k < count; k++) {
        if (end - p < 4) { err = ERR_PAYLOAD; break; }
        const w = load<u32>(p);
        const len = <usize>(w & LENGTH_MASK);
        p += 4;
        if (len > <usize>LIMIT_STRMAX) { err = ERR_LIMIT; break; }
        if (end - p < len) { err = ERR_PAYLOAD; break; }
        let einfo = index | (<u32>ARG_STR << INFO_TYPE_SHIFT) | INFO_ELEMENT;
        if ((w >>> 31) != 0) { einfo |= INFO_TRUNCATED; truncatedAny = 1; }
        putArg(einfo, p, <u32>len, 0);
        p += len;
      }
      if (err != 0) break;
      // the array's length word: bytes spanned by its elements
      store<u32>(args + (<usize>parent << 4), <u32>(p - start), A_LENGTH << 2);
      continue;
    }
    let len: usize;
    let count: u32 = 0;
    let info2 = info;
    if (type == ARG_SOCKADDR) {
      len = <usize>word; // no truncation bit: a length with bit 31 set is over the limit
    } else {
      len = <usize>(word & LENGTH_MASK);
      if ((word >>> 31) != 0) { info2 |= INFO_TRUNCATED; truncatedAny = 1; }
    }
    if (len > <usize>limitOf(type)) { err = ERR_LIMIT; break; }
    if (type == ARG_ARGS_ARR) {
      if (end - p < 4) { err = ERR_PAYLOAD; break; }
      count = load<u32>(p);
      p += 4;
    }
    if (end - p < len) { err = ERR_PAYLOAD; break; }
    putArg(info2, p, <u32>len, count);
    p += len;
  }
  if (err != 0) {
    nArgs = firstArg;
    return err;
  }
  const ts = load<u64>(s, CTX_TS);
  const e = events + (<usize>nEvents << 5);
  store<u32>(e, <u32>s, EV_OFFSET << 2);
  store<u32>(e, <u32>rawSize, EV_LENGTH << 2);
  store<u32>(e, firstArg, EV_FIRST_ARG << 2);
  store<u32>(e, nArgs - firstArg, EV_ARG_COUNT << 2);
  store<u32>(e, <u32>(ts / 1000000000), EV_TS_SEC << 2);
  store<u32>(e, <u32>(ts % 1000000000), EV_TS_NSEC << 2);
  store<u32>(e, load<u32>(s, CTX_EVENT_ID), EV_ID << 2);
  store<u32>(e, truncatedAny * EV_FLAG_TRUNCATED, EV_FLAGS << 2);
  nEvents++;
  return 0;
}
