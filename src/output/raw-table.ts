// The default table printer straight from a staged sample: byte for byte what TablePrinter.event() returns for the
// decoded event (plain `table`, no container columns), for samples whose arguments all have PLAIN_WIRES types.
import { ArgType as T } from "../events/schema.ts";
import { CTX } from "../events/gen/events.ts";
import { eventInfo } from "../decode/materialise.ts";
import { s64From, u64From } from "../decode/int64.ts";
import { W, type Samples } from "../pipeline/samples.ts";
import { bytes, type OutBuf } from "./out-buf.ts";
import { argParser, type Parser } from "./parse-args.ts";
import { secondsText, type EventClock } from "./time.ts";
import { visible } from "./visible.ts";

const SURROGATE = /[\uD800-\uDFFF]/;
const SEP = bytes(", ");
const MORE = bytes("...");
const HEX = bytes("0123456789ABCDEF");

/** Parsed names of one argument by raw value, as the bytes of visible(name); null when the value has no name. */
class NameCache {
  private readonly map = new Map<number, Uint8Array | null>();
  constructor(private readonly parse: Parser) {}
  get(n: number): Uint8Array | null {
    let b = this.map.get(n);
    if (b === undefined) {
      const text = this.parse(n);
      b = text === undefined ? null : bytes(visible(text));
      if (this.map.size >= 4096) this.map.clear(); // values are few in practice; a flood must not grow it without end
      this.map.set(n, b);
    }
    return b;
  }
}

interface EventBytes {
  /** `visible(name)` padded to 20 and a space; and `visible(name)\n` for an event without arguments. */
  cell: Uint8Array;
  bare: Uint8Array;
  heads: Uint8Array[];
  names: (NameCache | null)[];
}
const perEvent: (EventBytes | undefined)[] = [];

function cellText(s: string, width: number): string {
  const n = SURROGATE.test(s) ? [...s].length : s.length;
  return n >= width ? s : s + " ".repeat(width - n);
}

function eventBytes(id: number): EventBytes {
  let e = perEvent[id];
  if (e === undefined) {
    const info = eventInfo(id)!;
    const name = visible(info.name);
    e = {
      cell: bytes(cellText(name, 20) + " "),
      bare: bytes(name + "\n"),
      heads: info.names.map((n) => bytes(n + ": ")),
      names: info.names.map((n) => {
        const p = argParser(info.name, n);
        return p ? new NameCache(p) : null;
      }),
    };
    perEvent[id] = e;
  }
  return e;
}

/** Spaces up to `width` characters after the ASCII text written since `start`. */
function padFrom(o: OutBuf, start: number, width: number): void {
  const k = width - (o.off - start);
  if (k <= 0) return;
  o.ensure(k);
  const u8 = o.u8;
  let p = o.off;
  for (let i = 0; i < k; i++) u8[p++] = 0x20;
  o.off = p;
}

/** Text that may hold any character, padded like the table's cell(). */
function textCell(o: OutBuf, s: string, width: number): void {
  o.utf8(cellText(s, width));
}

function hex(o: OutBuf, v: number): void {
  o.byte(0x30); o.byte(0x78);
  let digits = 1;
  for (let x = v; x >= 16; x = Math.floor(x / 16)) digits++;
  o.ensure(digits);
  const u8 = o.u8;
  let i = o.off + digits;
  o.off = i;
  do {
    const q = Math.floor(v / 16);
    u8[--i] = HEX[v - q * 16];
    v = q;
  } while (v !== 0);
}

/** An unsigned 32-bit number, padded to `width`, then a space. */
function intCell(o: OutBuf, v: number, width: number): void {
  const start = o.off;
  o.int(v);
  padFrom(o, start, width);
  o.byte(0x20);
}

/** Writes the value of argument `idx` (payload at `p`) as the table shows it; returns where the next one starts. */
function argInto(o: OutBuf, s: Samples, eb: EventBytes, idx: number, p: number, type: number): number {
  const dv = s.dv;
  let v: number | bigint;
  let size: number;
  switch (type) {
    case T.int: v = dv.getInt32(p, true); size = 4; break;
    case T.uint: case T.mode_t: case T.dev_t: v = dv.getUint32(p, true); size = 4; break;
    case T.u16: v = dv.getUint16(p, true); size = 2; break;
    case T.long: v = s64From(dv.getUint32(p, true), dv.getUint32(p + 4, true)); size = 8; break;
    case T.ulong: case T.off_t: case T.size_t: case T.u64:
      v = u64From(dv.getUint32(p, true), dv.getUint32(p + 4, true)); size = 8; break;
    case T.pointer: {
      const x = u64From(dv.getUint32(p, true), dv.getUint32(p + 4, true));
      if (typeof x === "number") hex(o, x);
      else o.utf8("0x" + x.toString(16).toUpperCase());
      return p + 8;
    }
    case T.int_arr_2:
      o.byte(0x5b); o.int(dv.getInt32(p, true)); o.byte(0x20); o.int(dv.getInt32(p + 4, true)); o.byte(0x5d);
      return p + 8;
    case T.str: {
      const word = dv.getUint32(p, true);
      const len = word & 0x7fffffff;
      const more = word >>> 31 === 1;
      if (s.printable(p + 4, len)) {
        o.ensure(len);
        s.copyTo(o.u8, o.off, p + 4, len);
        o.off += len;
        if (more) o.raw(MORE);
      } else {
        const text = s.strings.utf8(p + 4, len);
        o.utf8(visible(more ? text + "..." : text));
      }
      return p + 4 + len;
    }
    default: throw new Error(`raw table printer got wire type ${type}`);
  }
  const names = eb.names[idx];
  const name = names !== null && typeof v === "number" ? names.get(v) : null;
  if (name !== null) o.raw(name);
  else if (typeof v === "number") o.int(v);
  else o.utf8(v.toString());
  return p + size;
}

/** TIME(s): seconds with 6 decimals, padded to 14, then a space. */
function timeCell(o: OutBuf, sec: number, nsec: number): void {
  if (sec < 0) {
    textCell(o, secondsText(sec, nsec), 14);
  } else {
    const start = o.off;
    let us = Math.round(nsec / 1000);
    if (us === 1_000_000) { sec += 1; us = 0; }
    o.int(sec);
    o.byte(0x2e);
    o.padded(us, 6);
    padFrom(o, start, 14);
  }
  o.byte(0x20);
}

/**
 * Writes the row of the sample at `off` (4-aligned) as the default table printer would. `clock` turns the
 * boot-relative time into the printed one.
 */
export function rawTableInto(o: OutBuf, s: Samples, off: number, tsSec: number, tsNsec: number, clock: EventClock): void {
  const u32 = s.u32, u8 = s.u8;
  const w = off >>> 2;
  const eb = eventBytes(u32[w + W.eventId] | 0);
  if (clock.relative) timeCell(o, clock.shiftSec(tsSec, tsNsec), clock.lastNsec);
  else timeCell(o, tsSec, tsNsec);
  intCell(o, u32[w + W.uid], 6);
  const comm = off + CTX.comm;
  const commLen = s.fixedLen(comm);
  if (s.printable(comm, commLen)) {
    const start = o.off;
    o.ensure(commLen);
    s.copyTo(o.u8, o.off, comm, commLen);
    o.off += commLen;
    padFrom(o, start, 16);
  } else textCell(o, visible(s.strings.fixed16(comm)), 16);
  o.byte(0x20);
  intCell(o, u32[w + W.pid], 7);
  // RET follows TID without a space: its first character is the sign position
  const start = o.off;
  o.int(u32[w + W.tid]);
  padFrom(o, start, 7);
  retCell(o, s64From(u32[w + W.retval], u32[w + W.retval + 1]));

  const argnum = u8[off + CTX.argnum];
  if (argnum === 0) {
    o.raw(eb.bare);
    return;
  }
  o.raw(eb.cell);
  let p = off + CTX.size;
  for (let i = 0; i < argnum; i++) {
    if (i) o.raw(SEP);
    const idx = u8[p];
    o.raw(eb.heads[idx]);
    p = argInto(o, s, eb, idx, p + 2, u8[p + 1]);
  }
  o.byte(0x0a);
}

/** RET: a space where a minus sign would be, padded to 16, then a space. */
function retCell(o: OutBuf, r: number | bigint): void {
  if (typeof r === "number") {
    const start = o.off;
    if (r >= 0) o.byte(0x20);
    o.int(r);
    padFrom(o, start, 16);
  } else textCell(o, r < 0n ? r.toString() : " " + r.toString(), 16);
  o.byte(0x20);
}
