// The json printer straight from a staged sample: byte for byte what eventJsonInto() writes for the decoded event,
// for samples whose arguments all have wire types in PLAIN_WIRES (the decoder checks that before it sends one here).
import { ArgType as T } from "../events/schema.ts";
import { CTX } from "../events/gen/events.ts";
import { eventInfo } from "../decode/materialise.ts";
import { s64From, u64From } from "../decode/int64.ts";
import { W, type Samples } from "../pipeline/samples.ts";
import { jsonString } from "./json.ts";
import { K, str, timestampInto } from "./json-bytes.ts";
import { bytes, type OutBuf } from "./out-buf.ts";
import type { EventClock } from "./time.ts";

/** processId .. pidNamespace: the context's u32 fields in key order. */
const CTX_KEYS = [K.pid, K.tid, K.ppid, K.hpid, K.htid, K.hppid, K.uid, K.mnt, K.pidns];
const CTX_INTS = Int32Array.from([W.pid, W.tid, W.ppid, W.hostPid, W.hostTid, W.hostPpid, W.uid, W.mntNs, W.pidNs]);
const STR_KEYS = [K.comm, K.host];
const CTX_STRS = Int32Array.from([CTX.comm, CTX.uts_name]);

interface EventBytes { name: Uint8Array; heads: Uint8Array[] }
const perEvent: (EventBytes | undefined)[] = [];

/** `","eventName":"NAME"` and each parameter's `{"name":…,"type":…,"value":`, built once per event id. */
function eventBytes(id: number): EventBytes {
  let e = perEvent[id];
  if (e === undefined) {
    const info = eventInfo(id)!;
    e = {
      name: bytes('","eventName":' + jsonString(info.name)),
      heads: info.names.map((n, i) => bytes('{"name":' + jsonString(n) + ',"type":' + jsonString(info.types[i]) + ',"value":')),
    };
    perEvent[id] = e;
  }
  return e;
}

/** A JSON string of sample bytes: copied when plain, else decoded and escaped exactly like the decoded string. */
function strAt(o: OutBuf, s: Samples, off: number, len: number): void {
  if (!s.plain(off, len)) {
    str(o, s.strings.utf8(off, len));
    return;
  }
  o.ensure(len + 2);
  const dst = o.u8;
  let p = o.off;
  dst[p++] = 0x22;
  s.copyTo(dst, p, off, len);
  p += len;
  dst[p++] = 0x22;
  o.off = p;
}

function int64(o: OutBuf, v: number | bigint): void {
  if (typeof v === "number") o.int(v);
  else o.utf8(v.toString());
}

/**
 * The context part of the last event written (`,"processId":` .. `"containerId":"…"`), by the sample words it
 * came from: a busy process sends runs of events with the same context, which are then copied, not formatted.
 */
class ContextCache {
  private readonly key = new Uint32Array(CTX_WORDS);
  private container = "";
  /** Exactly the cached bytes: one array per length seen, so that neither copy allocates a view. */
  private bytes: Uint8Array | null = null;
  private readonly byLength = new Map<number, Uint8Array>();

  /** Writes the cached bytes if the sample at word `w` has the cached context; false when it has not. */
  copy(o: OutBuf, u32: Uint32Array, w: number, container: string): boolean {
    const b = this.bytes;
    if (b === null || container !== this.container) return false;
    const key = this.key;
    const base = w + CTX_FIRST_WORD;
    for (let i = 0; i < CTX_WORDS; i++) if (u32[base + i] !== key[i]) return false;
    o.ensure(b.length);
    o.u8.set(b, o.off);
    o.off += b.length;
    return true;
  }

  /** Remembers what was written since `start` as the context of the sample at word `w`. */
  keep(o: OutBuf, start: number, u32: Uint32Array, w: number, container: string): void {
    const n = o.off - start;
    let b = this.byLength.get(n);
    if (b === undefined) {
      if (this.byLength.size >= 64) this.byLength.clear();
      this.byLength.set(n, (b = new Uint8Array(n)));
    }
    const src = o.u8;
    for (let i = 0; i < n; i++) b[i] = src[start + i];
    this.bytes = b;
    const key = this.key;
    const base = w + CTX_FIRST_WORD;
    for (let i = 0; i < CTX_WORDS; i++) key[i] = u32[base + i];
    this.container = container;
  }
}

/** pid .. uts_name: the sample words the context part is made of. */
const CTX_FIRST_WORD = CTX.pid >> 2;
const CTX_WORDS = (CTX.event_id - CTX.pid) >> 2;
const lastContext = new ContextCache();

/** Set by argInto: the argument just written was cut short by the kernel. */
let truncated = false;

/** Writes the value of an argument whose payload starts at `p`; returns where the next argument starts. */
function argInto(o: OutBuf, s: Samples, p: number, type: number): number {
  const dv = s.dv;
  let v: number | bigint;
  let size: number;
  truncated = false;
  switch (type) {
    case T.int: v = dv.getInt32(p, true); size = 4; break;
    case T.uint: case T.mode_t: case T.dev_t: v = dv.getUint32(p, true); size = 4; break;
    case T.u16: v = dv.getUint16(p, true); size = 2; break;
    case T.long: v = s64From(dv.getUint32(p, true), dv.getUint32(p + 4, true)); size = 8; break;
    case T.ulong: case T.off_t: case T.size_t: case T.pointer: case T.u64:
      v = u64From(dv.getUint32(p, true), dv.getUint32(p + 4, true)); size = 8; break;
    case T.int_arr_2:
      o.byte(0x5b); o.int(dv.getInt32(p, true)); o.byte(0x2c); o.int(dv.getInt32(p + 4, true)); o.byte(0x5d);
      return p + 8;
    case T.str: {
      const word = dv.getUint32(p, true);
      const len = word & 0x7fffffff;
      truncated = word >>> 31 === 1;
      strAt(o, s, p + 4, len);
      return p + 4 + len;
    }
    default: throw new Error(`raw json printer got wire type ${type}`);
  }
  int64(o, v);
  return p + size;
}

/**
 * Writes the event of the sample at `off` (4-aligned) as eventJsonInto() would, given its container id.
 * `clock` turns the boot-relative time into the printed one.
 */
export function rawJsonInto(o: OutBuf, s: Samples, off: number, tsSec: number, tsNsec: number, containerId: string, clock: EventClock): void {
  const u32 = s.u32, u8 = s.u8;
  const w = off >>> 2;
  const id = u32[w + W.eventId] | 0;
  const eb = eventBytes(id);
  const sec = clock.shiftSec(tsSec, tsNsec);
  const nsec = clock.lastNsec;
  timestampInto(o, sec, nsec);
  if (!lastContext.copy(o, u32, w, containerId)) {
    const start = o.off;
    // one loop rather than nine unrolled writes: the optimizing JIT's compile time grows with every inlined call
    for (let k = 0; k < CTX_INTS.length; k++) {
      o.raw(CTX_KEYS[k]);
      o.int(u32[w + CTX_INTS[k]]);
    }
    for (let k = 0; k < 2; k++) {
      const at = off + CTX_STRS[k];
      o.raw(STR_KEYS[k]);
      strAt(o, s, at, s.fixedLen(at));
    }
    o.raw(K.cont); str(o, containerId);
    lastContext.keep(o, start, u32, w, containerId);
  }
  o.raw(K.id); o.int(id);
  o.raw(eb.name);
  const argnum = u8[off + CTX.argnum];
  o.raw(K.argc); o.int(argnum);
  o.raw(K.ret); int64(o, s64From(u32[w + W.retval], u32[w + W.retval + 1]));
  o.raw(K.stackNull);
  let p = off + CTX_SIZE;
  for (let i = 0; i < argnum; i++) {
    if (i) o.byte(0x2c);
    o.raw(eb.heads[u8[p]]);
    p = argInto(o, s, p + 2, u8[p + 1]);
    if (truncated) o.raw(K.trunc);
    else o.byte(0x7d);
  }
  o.raw(K.end);
}

const CTX_SIZE = CTX.size;
