// The same table builder as decoder-as/assembly in plain TypeScript, for benchmarks and as a cross-check in tests.
import { ArgType, ARG_FIXED_SIZE, CONTEXT_SIZE, LIMITS, type ArgTypeName } from "../events/schema.ts";
import { CTX } from "../events/gen/events.ts";
import {
  INPUT_CAP, EVENTS_CAP, ARGS_CAP, RESULT_WORDS, R_EVENTS, R_ARGS, R_LOST_LO, R_LOST_HI, R_MALFORMED, R_OTHER,
  R_LAST_ERROR, R_FRAMING, FRAMING_BAD_SIZE, FRAMING_INCOMPLETE, FRAMING_OUT_OF_MEMORY, PERF_RECORD_LOST,
  PERF_RECORD_SAMPLE, PERF_HEADER_SIZE, PERF_LOST_SIZE, EV_WORDS, EV_OFFSET, EV_LENGTH, EV_FIRST_ARG, EV_ARG_COUNT,
  EV_TS_SEC, EV_TS_NSEC, EV_ID, EV_FLAGS, EV_FLAG_TRUNCATED, ARG_WORDS, A_INFO, A_OFFSET, A_LENGTH, A_COUNT,
  INFO_TYPE_SHIFT, INFO_TRUNCATED, INFO_ELEMENT, LENGTH_MASK, ERR_SHORT_SAMPLE, ERR_ARGNUM, ERR_ARG_HEADER,
  ERR_WIRE_TYPE, ERR_PAYLOAD, ERR_LIMIT, ERR_INDEX_ORDER, ERR_RECORD_BODY,
} from "../../decoder-as/assembly/tables.ts";
import { ChunkDecoder, type DecodeEngine } from "./chunk-decoder.ts";
import { splitNs } from "./int64.ts";

const FIXED = Uint8Array.from(Object.keys(ArgType).map((k) => ARG_FIXED_SIZE[k as ArgTypeName]));
const TYPE_COUNT = FIXED.length;
const MAX_ENTRIES_PER_SAMPLE = LIMITS.maxArgs * (1 + LIMITS.strArrMax);
const LIMIT_OF: Record<number, number> = {
  [ArgType.str]: LIMITS.strMax, [ArgType.bytes]: LIMITS.bytesMax, [ArgType.sockaddr]: LIMITS.sockaddrMax,
  [ArgType.args_arr]: LIMITS.argsArrMax,
};

/** Plain-TS engine: one ArrayBuffer laid out like the WASM memory (result block, input area, tables). */
export class TsEngine implements DecodeEngine {
  readonly resultPtr = 16;
  readonly inputPtr = 128;
  readonly inputCap: number;
  readonly eventsPtr: number;
  readonly argsPtr: number;
  private readonly buf: ArrayBuffer;
  private readonly u8: Uint8Array;
  private readonly u32: Uint32Array;
  private readonly dv: DataView;
  private readonly ts = new Uint32Array(2);
  private nEvents = 0;
  private nArgs = 0;

  constructor(inputCap: number = INPUT_CAP) {
    this.inputCap = inputCap;
    this.eventsPtr = this.inputPtr + ((inputCap + 15) & ~15);
    this.argsPtr = this.eventsPtr + EVENTS_CAP * EV_WORDS * 4;
    this.buf = new ArrayBuffer(this.argsPtr + ARGS_CAP * ARG_WORDS * 4);
    this.u8 = new Uint8Array(this.buf);
    this.u32 = new Uint32Array(this.buf);
    this.dv = new DataView(this.buf);
  }

  memory(): ArrayBuffer { return this.buf; }

  decode(ptr: number, len: number): number {
    const u32 = this.u32, dv = this.dv;
    const r = this.resultPtr >>> 2;
    u32.fill(0, r, r + RESULT_WORDS);
    this.nEvents = 0;
    this.nArgs = 0;
    if (ptr > this.buf.byteLength || len > this.buf.byteLength - ptr) {
      u32[r + R_FRAMING] = FRAMING_OUT_OF_MEMORY;
      return 0;
    }
    const end = ptr + len;
    let pos = ptr, lostLo = 0, lostHi = 0, malformed = 0, other = 0, lastError = 0, framing = 0;
    while (pos < end) {
      if (end - pos < PERF_HEADER_SIZE) { framing = FRAMING_INCOMPLETE; break; }
      const type = dv.getUint32(pos, true);
      const size = dv.getUint16(pos + 6, true);
      if (size < PERF_HEADER_SIZE || (size & 7) !== 0) { framing = FRAMING_BAD_SIZE; break; }
      if (size > end - pos) { framing = FRAMING_INCOMPLETE; break; }
      if (type === PERF_RECORD_SAMPLE) {
        if (this.nEvents >= EVENTS_CAP || this.nArgs > ARGS_CAP - MAX_ENTRIES_PER_SAMPLE) break;
        const err = this.sample(pos, size);
        if (err !== 0) { malformed++; lastError = err; }
      } else if (type === PERF_RECORD_LOST) {
        if (size < PERF_LOST_SIZE) { malformed++; lastError = ERR_RECORD_BODY; }
        else {
          // u64 sum kept exact (and wrapping) as two u32 halves, as the WASM decoder's i64 does
          lostLo += dv.getUint32(pos + 16, true);
          const carry = lostLo >= 4294967296 ? 1 : 0;
          lostLo -= carry * 4294967296;
          lostHi = (lostHi + dv.getUint32(pos + 20, true) + carry) >>> 0;
        }
      } else {
        other++;
      }
      pos += size;
    }
    u32[r + R_EVENTS] = this.nEvents;
    u32[r + R_ARGS] = this.nArgs;
    u32[r + R_LOST_LO] = lostLo;
    u32[r + R_LOST_HI] = lostHi;
    u32[r + R_MALFORMED] = malformed;
    u32[r + R_OTHER] = other;
    u32[r + R_LAST_ERROR] = lastError;
    u32[r + R_FRAMING] = framing;
    return pos - ptr;
  }

  private putArg(info: number, offset: number, length: number, count: number): void {
    const a = (this.argsPtr >>> 2) + this.nArgs * ARG_WORDS;
    const u32 = this.u32;
    u32[a + A_INFO] = info;
    u32[a + A_OFFSET] = offset;
    u32[a + A_LENGTH] = length;
    u32[a + A_COUNT] = count;
    this.nArgs++;
  }

  /** One PERF_RECORD_SAMPLE; returns 0 or a malformed-sample error code (then nothing is kept). */
  private sample(rec: number, size: number): number {
    const u8 = this.u8, dv = this.dv;
    if (size < 12) return ERR_RECORD_BODY;
    const rawSize = dv.getUint32(rec + 8, true);
    if (rawSize > size - 12) return ERR_RECORD_BODY;
    const s = rec + 12;
    const end = s + rawSize;
    if (rawSize < CONTEXT_SIZE) return ERR_SHORT_SAMPLE;
    const argnum = u8[s + CTX.argnum];
    if (argnum > LIMITS.maxArgs) return ERR_ARGNUM;
    const firstArg = this.nArgs;
    let p = s + CONTEXT_SIZE, prevIndex = -1, truncatedAny = 0, err = 0;
    for (let i = 0; i < argnum && err === 0; i++) {
      if (end - p < 2) { err = ERR_ARG_HEADER; break; }
      const index = u8[p], type = u8[p + 1];
      p += 2;
      if (index <= prevIndex) { err = ERR_INDEX_ORDER; break; }
      prevIndex = index;
      if (type === 0 || type >= TYPE_COUNT) { err = ERR_WIRE_TYPE; break; }
      const info = index | (type << INFO_TYPE_SHIFT);
      const fixed = FIXED[type];
      if (fixed !== 0) {
        if (end - p < fixed) { err = ERR_PAYLOAD; break; }
        this.putArg(info, p, fixed, 0);
        p += fixed;
        continue;
      }
      if (end - p < 4) { err = ERR_PAYLOAD; break; }
      const word = dv.getUint32(p, true);
      p += 4;
      if (type === ArgType.str_arr) {
        const count = word & LENGTH_MASK;
        if (count > LIMITS.strArrMax) { err = ERR_LIMIT; break; }
        let pinfo = info;
        if (word >>> 31) { pinfo |= INFO_TRUNCATED; truncatedAny = 1; }
        this.putArg(pinfo, p, 0, count);
        const parent = this.nArgs - 1;
        const start = p;
        for (let k = 0; k < count; k++) {
          if (end - p < 4) { err = ERR_PAYLOAD; break; }
          const w = dv.getUint32(p, true);
          const len = w & LENGTH_MASK;
          p += 4;
          if (len > LIMITS.strMax) { err = ERR_LIMIT; break; }
          if (end - p < len) { err = ERR_PAYLOAD; break; }
          let einfo = index | (ArgType.str << INFO_TYPE_SHIFT) | INFO_ELEMENT;
          if (w >>> 31) { einfo |= INFO_TRUNCATED; truncatedAny = 1; }
          this.putArg(einfo, p, len, 0);
          p += len;
        }
        if (err !== 0) break;
        this.u32[(this.argsPtr >>> 2) + parent * ARG_WORDS + A_LENGTH] = p - start;
        continue;
      }
      let len: number, count = 0, vinfo = info;
      if (type === ArgType.sockaddr) {
        len = word;
      } else {
        len = word & LENGTH_MASK;
        if (word >>> 31) { vinfo |= INFO_TRUNCATED; truncatedAny = 1; }
      }
      if (len > LIMIT_OF[type]) { err = ERR_LIMIT; break; }
      if (type === ArgType.args_arr) {
        if (end - p < 4) { err = ERR_PAYLOAD; break; }
        count = dv.getUint32(p, true);
        p += 4;
      }
      if (end - p < len) { err = ERR_PAYLOAD; break; }
      this.putArg(vinfo, p, len, count);
      p += len;
    }
    if (err !== 0) {
      this.nArgs = firstArg;
      return err;
    }
    splitNs(dv.getUint32(s + CTX.ts, true), dv.getUint32(s + CTX.ts + 4, true), this.ts);
    const e = (this.eventsPtr >>> 2) + this.nEvents * EV_WORDS;
    const u32 = this.u32;
    u32[e + EV_OFFSET] = s;
    u32[e + EV_LENGTH] = rawSize;
    u32[e + EV_FIRST_ARG] = firstArg;
    u32[e + EV_ARG_COUNT] = this.nArgs - firstArg;
    u32[e + EV_TS_SEC] = this.ts[0];
    u32[e + EV_TS_NSEC] = this.ts[1];
    u32[e + EV_ID] = dv.getUint32(s + CTX.event_id, true);
    u32[e + EV_FLAGS] = truncatedAny * EV_FLAG_TRUNCATED;
    this.nEvents++;
    return 0;
  }
}

/** Decodes perf chunks with the plain-TS table builder; same API and output as Decoder. */
export class PlainDecoder extends ChunkDecoder {
  constructor(inputCap?: number) {
    super(new TsEngine(inputCap));
  }
}
