// Turns decoder tables (docs/wire-format.md §4) into TraceEvent objects; shared by the WASM and plain-TS decoders.
import { ArgType, EVENT_BY_ID, LIMITS, MAX_EVENT_ID, type ArgTypeName, type EventDef } from "../events/schema.ts";
import { CTX } from "../events/gen/events.ts";
import type { ArgValue, Cred, EventArg, TraceEvent } from "../events/types.ts";
import {
  EV_WORDS, EV_OFFSET, EV_FIRST_ARG, EV_ARG_COUNT, EV_TS_SEC, EV_TS_NSEC, EV_ID, ARG_WORDS, A_OFFSET, A_LENGTH,
  A_COUNT, INFO_INDEX_MASK, INFO_TYPE_SHIFT, INFO_TRUNCATED, INFO_ELEMENT,
} from "../../decoder-as/assembly/tables.ts";
import { s64From, u64From } from "./int64.ts";
import { StringReader } from "./strings.ts";
import { decodeSockaddr } from "./sockaddr.ts";

export type EventSink = TraceEvent[] | ((ev: TraceEvent) => void);

/** Cumulative counters of one decoder; errors = malformed + framing + mismatched + unknownEvents. */
export interface DecodeStats {
  events: number;
  lost: number;
  errors: number;
  malformed: number;
  framing: number;
  mismatched: number;
  unknownEvents: number;
  otherRecords: number;
  lastError: number;
}

export function newStats(): DecodeStats {
  return { events: 0, lost: 0, errors: 0, malformed: 0, framing: 0, mismatched: 0, unknownEvents: 0, otherRecords: 0, lastError: 0 };
}

interface EventInfo { name: string; names: string[]; types: string[]; wires: ArgTypeName[]; codes: Uint8Array }

// Built on the first event of each id, not for all ~400 at start-up (interpreted code there delays readiness).
const INFOS: (EventInfo | null | undefined)[] = new Array(MAX_EVENT_ID + 1).fill(undefined); // null: no such event

function makeInfo(id: number): EventInfo | null {
  const e = EVENT_BY_ID.get(id) as EventDef | undefined;
  const info = e === undefined ? null : {
    name: e.name,
    names: e.params.map((p) => p.name),
    types: e.params.map((p) => p.type),
    wires: e.params.map((p) => p.wire),
    codes: Uint8Array.from(e.params.map((p) => ArgType[p.wire])),
  };
  INFOS[id] = info;
  return info;
}

/** Names, declared types and wire types of an event's parameters, by event id (undefined for an unknown id). */
export function eventInfo(id: number): Readonly<EventInfo> | undefined {
  if (id < 0 || id > MAX_EVENT_ID) return undefined;
  const info = INFOS[id];
  return (info === undefined ? makeInfo(id) : info) ?? undefined;
}

// word indices of context fields in a sample (samples sit at 4-aligned offsets)
const W_CGROUP = CTX.cgroup_id >> 2, W_PID = CTX.pid >> 2, W_TID = CTX.tid >> 2, W_PPID = CTX.ppid >> 2;
const W_HPID = CTX.host_pid >> 2, W_HTID = CTX.host_tid >> 2, W_HPPID = CTX.host_ppid >> 2, W_UID = CTX.uid >> 2;
const W_MNTNS = CTX.mnt_ns >> 2, W_PIDNS = CTX.pid_ns >> 2, W_RETVAL = CTX.retval >> 2, W_STACK = CTX.stack_id >> 2;
const ARGS_ARR_PAD_MAX = LIMITS.argsArrMax;

const T = ArgType;

/** Results of Materialiser.check(). */
export const ROW_UNKNOWN = -2, ROW_MISMATCH = -1, ROW_PLAIN = 0, ROW_OTHER = 1;

/** Wire types the raw printers (src/output/raw-*.ts) write straight from sample bytes: fixed-size numbers and str. */
export const PLAIN_WIRES = new Uint8Array(32);
for (const t of [T.int, T.uint, T.long, T.ulong, T.off_t, T.mode_t, T.dev_t, T.size_t, T.pointer, T.u16, T.u64, T.str, T.int_arr_2]) {
  PLAIN_WIRES[t] = 1;
}

/** Reads one memory (WASM or plain) through typed-array views; re-create it when the ArrayBuffer changes. */
export class Materialiser {
  readonly buffer: ArrayBuffer;
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  /** The memory as u32 words (event and argument table rows are read through it). */
  readonly u32: Uint32Array;
  private readonly dv: DataView;
  private readonly strings: StringReader;

  constructor(buffer: ArrayBuffer) {
    this.buffer = buffer;
    this.u8 = new Uint8Array(buffer);
    this.u16 = new Uint16Array(buffer, 0, buffer.byteLength >>> 1);
    this.u32 = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
    this.dv = new DataView(buffer);
    this.strings = new StringReader(buffer);
  }

  /** Materialises `n` event rows at `evPtr` (args at `argPtr`) into `sink`; returns how many were delivered. */
  run(evPtr: number, argPtr: number, n: number, sink: EventSink, stats: DecodeStats): number {
    const list = Array.isArray(sink) ? sink : null;
    const fn = list === null ? (sink as (ev: TraceEvent) => void) : null;
    let delivered = 0;
    for (let i = 0; i < n; i++) {
      const ev = this.row(evPtr, argPtr, i, stats);
      if (ev === null) continue;
      delivered++;
      if (list !== null) list.push(ev);
      else fn!(ev);
    }
    stats.events += delivered;
    return delivered;
  }

  /**
   * Row `i` of the event table as a TraceEvent, or null when its id is unknown or an argument disagrees with the
   * schema (counted in `stats`; `stats.events` is left to the caller).
   */
  row(evPtr: number, argPtr: number, i: number, stats: DecodeStats): TraceEvent | null {
    const u32 = this.u32, u8 = this.u8;
    const e = (evPtr >>> 2) + i * EV_WORDS;
    const id = u32[e + EV_ID] | 0;
    const info = eventInfo(id);
    if (info === undefined) { stats.unknownEvents++; stats.errors++; return null; }
    const args = this.args(info, argPtr >>> 2, u32[e + EV_FIRST_ARG], u32[e + EV_ARG_COUNT]);
    if (args === null) { stats.mismatched++; stats.errors++; return null; }
    const off = u32[e + EV_OFFSET];
    const w = off >>> 2;
    return {
      tsSec: u32[e + EV_TS_SEC],
      tsNsec: u32[e + EV_TS_NSEC],
      cgroupId: u64From(u32[w + W_CGROUP], u32[w + W_CGROUP + 1]),
      processId: u32[w + W_PID],
      threadId: u32[w + W_TID],
      parentProcessId: u32[w + W_PPID],
      hostProcessId: u32[w + W_HPID],
      hostThreadId: u32[w + W_HTID],
      hostParentProcessId: u32[w + W_HPPID],
      userId: u32[w + W_UID],
      mountNamespace: u32[w + W_MNTNS],
      pidNamespace: u32[w + W_PIDNS],
      processName: this.strings.fixed16(off + CTX.comm),
      hostName: this.strings.fixed16(off + CTX.uts_name),
      containerId: "",
      eventId: id,
      eventName: info.name,
      returnValue: s64From(u32[w + W_RETVAL], u32[w + W_RETVAL + 1]),
      stackId: u32[w + W_STACK],
      stackAddresses: null,
      flags: u8[off + CTX.flags],
      cpu: this.u16[(off + CTX.cpu) >>> 1],
      args,
    };
  }

  /**
   * Checks row `i` the way row() would, without building anything: ROW_UNKNOWN or ROW_MISMATCH (counted in
   * `stats` like row() counts them), ROW_PLAIN when every argument has a wire type in PLAIN_WIRES (printable
   * straight from the sample bytes), else ROW_OTHER.
   */
  check(evPtr: number, argPtr: number, i: number, stats: DecodeStats): number {
    const u32 = this.u32;
    const e = (evPtr >>> 2) + i * EV_WORDS;
    const id = u32[e + EV_ID] | 0;
    const info = eventInfo(id);
    if (info === undefined) { stats.unknownEvents++; stats.errors++; return ROW_UNKNOWN; }
    const base = argPtr >>> 2;
    const first = u32[e + EV_FIRST_ARG];
    const end = first + u32[e + EV_ARG_COUNT];
    let plain = true;
    for (let j = first; j < end; j++) {
      const a = base + j * ARG_WORDS;
      const word = u32[a];
      const idx = word & INFO_INDEX_MASK;
      const type = (word >>> INFO_TYPE_SHIFT) & 0xff;
      if (idx >= info.codes.length || info.codes[idx] !== type || (word & INFO_ELEMENT) !== 0) {
        stats.mismatched++; stats.errors++; return ROW_MISMATCH;
      }
      if (type === T.str_arr) {
        const n = u32[a + A_COUNT];
        if (j + n >= end) { stats.mismatched++; stats.errors++; return ROW_MISMATCH; }
        for (let k = 0; k < n; k++) {
          const ew = u32[a + (k + 1) * ARG_WORDS];
          if ((ew & INFO_ELEMENT) === 0 || ((ew >>> INFO_TYPE_SHIFT) & 0xff) !== T.str) {
            stats.mismatched++; stats.errors++; return ROW_MISMATCH;
          }
        }
        j += n;
        plain = false;
      } else if (PLAIN_WIRES[type] === 0) plain = false;
    }
    return plain ? ROW_PLAIN : ROW_OTHER;
  }

  /** The event's arguments, or null when an entry disagrees with the schema (the event is then dropped). */
  private args(info: EventInfo, base: number, first: number, count: number): EventArg[] | null {
    const u32 = this.u32;
    const out: EventArg[] = [];
    const end = first + count;
    for (let j = first; j < end; j++) {
      const a = base + j * ARG_WORDS;
      const word = u32[a];
      const idx = word & INFO_INDEX_MASK;
      const type = (word >>> INFO_TYPE_SHIFT) & 0xff;
      if (idx >= info.codes.length || info.codes[idx] !== type || (word & INFO_ELEMENT) !== 0) return null;
      let truncated = (word & INFO_TRUNCATED) !== 0;
      let value: ArgValue;
      if (type === T.str_arr) {
        const n = u32[a + A_COUNT];
        if (j + n >= end) return null;
        const arr = new Array<string>(n);
        for (let k = 0; k < n; k++) {
          const el = a + (k + 1) * ARG_WORDS;
          const ew = u32[el];
          if ((ew & INFO_ELEMENT) === 0 || ((ew >>> INFO_TYPE_SHIFT) & 0xff) !== T.str) return null;
          if ((ew & INFO_TRUNCATED) !== 0) truncated = true;
          arr[k] = this.strings.utf8(u32[el + A_OFFSET], u32[el + A_LENGTH]);
        }
        j += n;
        value = arr;
      } else {
        value = this.value(type, u32[a + A_OFFSET], u32[a + A_LENGTH], u32[a + A_COUNT]);
      }
      out.push(truncated
        ? { name: info.names[idx], type: info.types[idx], wire: info.wires[idx], value, truncated: true }
        : { name: info.names[idx], type: info.types[idx], wire: info.wires[idx], value });
    }
    return out;
  }

  private value(type: number, off: number, len: number, count: number): ArgValue {
    const dv = this.dv;
    switch (type) {
      case T.int: return dv.getInt32(off, true);
      case T.uint: case T.mode_t: case T.dev_t: return dv.getUint32(off, true);
      case T.u16: return dv.getUint16(off, true);
      case T.long: return s64From(dv.getUint32(off, true), dv.getUint32(off + 4, true));
      case T.ulong: case T.off_t: case T.size_t: case T.pointer: case T.u64:
        return u64From(dv.getUint32(off, true), dv.getUint32(off + 4, true));
      case T.str: return this.strings.utf8(off, len);
      case T.bytes: return this.u8.slice(off, off + len);
      case T.sockaddr: return decodeSockaddr(this.u8, this.strings, off, len);
      case T.int_arr_2: return [dv.getInt32(off, true), dv.getInt32(off + 4, true)];
      case T.timespec: return {
        tv_sec: s64From(dv.getUint32(off, true), dv.getUint32(off + 4, true)),
        tv_nsec: s64From(dv.getUint32(off + 8, true), dv.getUint32(off + 12, true)),
      };
      case T.cred: return this.cred(off);
      case T.args_arr: return this.argsArr(off, len, count);
      default: throw new Error(`decoder table holds unknown wire type ${type}`);
    }
  }

  private cred(off: number): Cred {
    const dv = this.dv;
    const u = (i: number) => dv.getUint32(off + i * 4, true);
    const cap = (i: number) => u64From(dv.getUint32(off + 40 + i * 8, true), dv.getUint32(off + 44 + i * 8, true));
    return {
      Uid: u(0), Gid: u(1), Suid: u(2), Sgid: u(3), Euid: u(4), Egid: u(5), Fsuid: u(6), Fsgid: u(7),
      UserNamespace: u(8), SecureBits: u(9),
      CapInheritable: cap(0), CapPermitted: cap(1), CapEffective: cap(2), CapBounding: cap(3), CapAmbient: cap(4),
    };
  }

  /**
   * An exec's argv/env area: `count` NUL-terminated strings in `len` bytes. A cut-off last string still counts;
   * elements the area lost to truncation show as "?" (as Tracee does), at most LIMITS.argsArrMax in all.
   */
  private argsArr(off: number, len: number, count: number): string[] {
    if (count === 0) return [];
    const parts = len === 0 ? [] : this.strings.utf8(off, len).split("\0");
    if (len > 0 && this.u8[off + len - 1] === 0) parts.pop();
    if (parts.length > count) parts.length = count;
    const want = Math.min(count, ARGS_ARR_PAD_MAX);
    while (parts.length < want) parts.push("?");
    return parts;
  }
}
