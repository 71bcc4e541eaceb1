// The json printer straight from a staged sample: byte for byte what eventJsonInto() writes for the decoded event,
// for samples whose arguments all have wire types in PLAIN_WIRES (the decoder checks that before it sends one here).
import { ArgType as T } from "../events/schema.ts";
import { CTX } from "../events/gen/events.ts";
import { eventInfo } from "../decode/materialise.ts";
import { s64From, u64From } from "../decode/int64.ts";
import { W, type Samples } from "../pipeline/samples.ts";
import { jsonString } from "./json.ts";
import { str } from "./json-bytes.ts";
import { bytes, type OutBuf } from "./out-buf.ts";
import type { EventClock } from "./time.ts";

const K = {
  ts: bytes('{"timestamp":'),
  pid: bytes(',"processId":'),
  tid: bytes(',"threadId":'),
  ppid: bytes(',"parentProcessId":'),
  hpid: bytes(',"hostProcessId":'),
  htid: bytes(',"hostThreadId":'),
  hppid: bytes(',"hostParentProcessId":'),
  uid: bytes(',"userId":'),
  mnt: bytes(',"mountNamespace":'),
  pidns: bytes(',"pidNamespace":'),
  comm: bytes(',"processName":'),
  host: bytes(',"hostName":'),
  cont: bytes(',"containerId":'),
  id: bytes(',"eventId":"'),
  argc: bytes(',"argsNum":'),
  ret: bytes(',"returnValue":'),
  args: bytes(',"stackAddresses":null,"args":['),
  end: bytes("]}\n"),
  trunc: bytes(',"truncated":true}'),
};

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
 * Writes the event of the sample at `off` (4-aligned) as eventJsonInto() would, given its container id.
 * `clock` turns the boot-relative time into the printed one.
 */
export function rawJsonInto(o: OutBuf, s: Samples, off: number, tsSec: number, tsNsec: number, containerId: string, clock: EventClock): void {
  const u32 = s.u32, u8 = s.u8, dv = s.dv;
  const w = off >>> 2;
  const id = u32[w + W.eventId] | 0;
  const eb = eventBytes(id);
  const sec = clock.shiftSec(tsSec, tsNsec);
  const nsec = clock.lastNsec;
  o.raw(K.ts);
  if (sec > 0 && nsec >= 0) {
    o.int(sec);
    o.padded(nsec, 9);
  } else o.utf8(sec === 0 ? String(nsec) : String(BigInt(sec) * 1_000_000_000n + BigInt(nsec)));
  o.raw(K.pid); o.int(u32[w + W.pid]);
  o.raw(K.tid); o.int(u32[w + W.tid]);
  o.raw(K.ppid); o.int(u32[w + W.ppid]);
  o.raw(K.hpid); o.int(u32[w + W.hostPid]);
  o.raw(K.htid); o.int(u32[w + W.hostTid]);
  o.raw(K.hppid); o.int(u32[w + W.hostPpid]);
  o.raw(K.uid); o.int(u32[w + W.uid]);
  o.raw(K.mnt); o.int(u32[w + W.mntNs]);
  o.raw(K.pidns); o.int(u32[w + W.pidNs]);
  o.raw(K.comm); strAt(o, s, off + CTX.comm, s.fixedLen(off + CTX.comm));
  o.raw(K.host); strAt(o, s, off + CTX.uts_name, s.fixedLen(off + CTX.uts_name));
  o.raw(K.cont); str(o, containerId);
  o.raw(K.id); o.int(id);
  o.raw(eb.name);
  const argnum = u8[off + CTX.argnum];
  o.raw(K.argc); o.int(argnum);
  o.raw(K.ret); int64(o, s64From(u32[w + W.retval], u32[w + W.retval + 1]));
  o.raw(K.args);
  let p = off + CTX_SIZE;
  for (let i = 0; i < argnum; i++) {
    const idx = u8[p];
    const type = u8[p + 1];
    p += 2;
    if (i) o.byte(0x2c);
    o.raw(eb.heads[idx]);
    let truncated = false;
    switch (type) {
      case T.int: o.int(dv.getInt32(p, true)); p += 4; break;
      case T.uint: case T.mode_t: case T.dev_t: o.int(dv.getUint32(p, true)); p += 4; break;
      case T.u16: o.int(dv.getUint16(p, true)); p += 2; break;
      case T.long: int64(o, s64From(dv.getUint32(p, true), dv.getUint32(p + 4, true))); p += 8; break;
      case T.ulong: case T.off_t: case T.size_t: case T.pointer: case T.u64:
        int64(o, u64From(dv.getUint32(p, true), dv.getUint32(p + 4, true))); p += 8; break;
      case T.int_arr_2:
        o.byte(0x5b); o.int(dv.getInt32(p, true)); o.byte(0x2c); o.int(dv.getInt32(p + 4, true)); o.byte(0x5d);
        p += 8;
        break;
      case T.str: {
        const word = dv.getUint32(p, true);
        const len = word & 0x7fffffff;
        truncated = word >>> 31 === 1;
        strAt(o, s, p + 4, len);
        p += 4 + len;
        break;
      }
      default: throw new Error(`raw json printer got wire type ${type}`);
    }
    if (truncated) o.raw(K.trunc);
    else o.byte(0x7d);
  }
  o.raw(K.end);
}

const CTX_SIZE = CTX.size;
