// The json printer: one compact object per event in the v0.6 key order, 64-bit values and ns timestamps exact.
import type { EventArg, TraceEvent } from "../events/types.ts";
import { parseArguments } from "./parse-args.ts";
import { eotEvent, type Printer, type Stats } from "./printer.ts";
import type { EventClock } from "./time.ts";
import { eventJsonInto } from "./json-bytes.ts";
import type { OutBuf } from "./out-buf.ts";

/** JSON.stringify leaves these raw; escaping them keeps a line safe to show in a terminal. */
const RAW_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const RAW_UNSAFE_ALL = new RegExp(RAW_UNSAFE.source, "g");
const escapeUnsafe = (c: string) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0");

/** A JSON string; control characters come out as escapes, lone surrogates as \udXXX. */
export function jsonString(s: string): string {
  const q = JSON.stringify(s);
  return RAW_UNSAFE.test(q) ? q.replace(RAW_UNSAFE_ALL, escapeUnsafe) : q;
}

function jsonNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : "null";
}

/** Any decoded value: bigint exact, bytes as base64 (like Go's []byte), objects in their own key order. */
export function jsonValue(v: unknown): string {
  switch (typeof v) {
    case "string": return jsonString(v);
    case "number": return jsonNumber(v);
    case "bigint": return v.toString();
    case "boolean": return v ? "true" : "false";
    case "undefined": return "null";
  }
  if (v === null) return "null";
  if (v instanceof Uint8Array) return jsonString(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64"));
  if (Array.isArray(v)) return "[" + v.map(jsonValue).join(",") + "]";
  if (v instanceof Map) return "{" + [...v].map(([k, x]) => jsonString(String(k)) + ":" + jsonValue(x)).join(",") + "}";
  return "{" + Object.entries(v as object).map(([k, x]) => jsonString(k) + ":" + jsonValue(x)).join(",") + "}";
}

function jsonArg(a: EventArg): string {
  return '{"name":' + jsonString(a.name) + ',"type":' + jsonString(a.type) + ',"value":' + jsonValue(a.value) +
    (a.truncated ? ',"truncated":true}' : "}");
}

/** The event as one JSON line; `stamp` is the already computed timestamp text. */
export function eventJson(ev: TraceEvent, stamp: string): string {
  let args = "";
  for (let i = 0; i < ev.args.length; i++) args += (i ? "," : "") + jsonArg(ev.args[i]);
  return '{"timestamp":' + stamp +
    ',"processId":' + ev.processId +
    ',"threadId":' + ev.threadId +
    ',"parentProcessId":' + ev.parentProcessId +
    ',"hostProcessId":' + ev.hostProcessId +
    ',"hostThreadId":' + ev.hostThreadId +
    ',"hostParentProcessId":' + ev.hostParentProcessId +
    ',"userId":' + ev.userId +
    ',"mountNamespace":' + ev.mountNamespace +
    ',"pidNamespace":' + ev.pidNamespace +
    ',"processName":' + jsonString(ev.processName) +
    ',"hostName":' + jsonString(ev.hostName) +
    ',"containerId":' + jsonString(ev.containerId) +
    ',"eventId":"' + ev.eventId + '"' +
    ',"eventName":' + jsonString(ev.eventName) +
    ',"argsNum":' + ev.args.length +
    ',"returnValue":' + jsonValue(ev.returnValue) +
    ',"stackAddresses":' + (ev.stackAddresses ? jsonValue(ev.stackAddresses) : "null") +
    ',"args":[' + args + "]}\n";
}

export interface JsonOptions { parse: boolean; eot: boolean }

export class JsonPrinter implements Printer {
  constructor(private readonly clock: EventClock, private readonly o: JsonOptions) {}

  header(): null {
    return null;
  }

  event(raw: TraceEvent): string {
    const ev = this.o.parse ? parseArguments(raw) : raw;
    return eventJson(ev, this.clock.stamp(ev));
  }

  eventInto(raw: TraceEvent, o: OutBuf): void {
    const ev = this.o.parse ? parseArguments(raw) : raw;
    const [sec, nsec] = this.clock.shifted(ev);
    eventJsonInto(o, ev, sec, nsec);
  }

  end(): string {
    return this.o.eot ? eventJson(eotEvent(), "0") : "";
  }

  footer(s: Stats): string {
    return '{"stats":{"EventCount":' + s.EventCount + ',"ErrorCount":' + s.ErrorCount + ',"LostEvCount":' +
      s.LostEvCount + ',"LostWrCount":' + s.LostWrCount + ',"LostNtCount":' + s.LostNtCount + "}}\n";
  }
}
