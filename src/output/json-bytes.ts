// The json printer's fast path: writes one event straight into an OutBuf, byte for byte the same as eventJson().
import type { EventArg, TraceEvent } from "../events/types.ts";
import { jsonString, jsonValue } from "./json.ts";
import { bytes, type OutBuf } from "./out-buf.ts";

/** The json printer's fixed key bytes, shared with the raw printer (raw-json.ts). */
export const K = {
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
  name: bytes('","eventName":'),
  argc: bytes(',"argsNum":'),
  ret: bytes(',"returnValue":'),
  stackNull: bytes(',"stackAddresses":null,"args":['),
  stack: bytes(',"stackAddresses":'),
  args: bytes(',"args":['),
  end: bytes("]}\n"),
  trunc: bytes(',"truncated":true}'),
};

/** `{"name":…,"type":…,"value":` per distinct argument name and type, built once (keyed without concatenating). */
const argHeads = new Map<string, Map<string, Uint8Array>>();
function argHead(a: EventArg): Uint8Array {
  let byType = argHeads.get(a.name);
  if (!byType) argHeads.set(a.name, (byType = new Map()));
  let h = byType.get(a.type);
  if (!h) {
    h = bytes('{"name":' + jsonString(a.name) + ',"type":' + jsonString(a.type) + ',"value":');
    byType.set(a.type, h);
  }
  return h;
}

/** A JSON string: plain printable ASCII is copied as is, anything else goes through the full escaper. */
export function str(o: OutBuf, s: string): void {
  const n = s.length;
  o.ensure(n + 2);
  const buf = o.u8;
  const start = o.off;
  let off = start;
  buf[off++] = 0x22;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      o.off = start;
      o.utf8(jsonString(s));
      return;
    }
    buf[off++] = c;
  }
  buf[off++] = 0x22;
  o.off = off;
}

export function value(o: OutBuf, v: unknown): void {
  if (typeof v === "number" && Number.isSafeInteger(v)) o.int(v);
  else if (typeof v === "string") str(o, v);
  else if (Array.isArray(v) && v.every((x) => typeof x === "string")) {
    o.byte(0x5b);
    for (let i = 0; i < v.length; i++) {
      if (i) o.byte(0x2c);
      str(o, v[i]);
    }
    o.byte(0x5d);
  } else o.utf8(jsonValue(v));
}

/** `{"timestamp":` and the time in ns from exact seconds and nanoseconds (negative: before the epoch or the start). */
export function timestampInto(o: OutBuf, sec: number, nsec: number): void {
  o.raw(K.ts);
  if (sec > 0 && nsec >= 0) {
    o.int(sec);
    o.padded(nsec, 9);
  } else o.utf8(sec === 0 ? String(nsec) : String(BigInt(sec) * 1_000_000_000n + BigInt(nsec)));
}

/** Writes `eventJson(ev, stamp)` into `o`; the timestamp is given as exact seconds and nanoseconds. */
export function eventJsonInto(o: OutBuf, ev: TraceEvent, sec: number, nsec: number): void {
  timestampInto(o, sec, nsec);
  o.raw(K.pid); o.int(ev.processId);
  o.raw(K.tid); o.int(ev.threadId);
  o.raw(K.ppid); o.int(ev.parentProcessId);
  o.raw(K.hpid); o.int(ev.hostProcessId);
  o.raw(K.htid); o.int(ev.hostThreadId);
  o.raw(K.hppid); o.int(ev.hostParentProcessId);
  o.raw(K.uid); o.int(ev.userId);
  o.raw(K.mnt); o.int(ev.mountNamespace);
  o.raw(K.pidns); o.int(ev.pidNamespace);
  o.raw(K.comm); str(o, ev.processName);
  o.raw(K.host); str(o, ev.hostName);
  o.raw(K.cont); str(o, ev.containerId);
  o.raw(K.id); o.int(ev.eventId);
  o.raw(K.name); str(o, ev.eventName);
  o.raw(K.argc); o.int(ev.args.length);
  o.raw(K.ret); value(o, ev.returnValue);
  if (ev.stackAddresses) {
    o.raw(K.stack); o.utf8(jsonValue(ev.stackAddresses)); o.raw(K.args);
  } else o.raw(K.stackNull);
  const args = ev.args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (i) o.byte(0x2c);
    o.raw(argHead(a));
    value(o, a.value);
    if (a.truncated) o.raw(K.trunc);
    else o.byte(0x7d);
  }
  o.raw(K.end);
}
