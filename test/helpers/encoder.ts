// Builds byte-exact raw samples and perf records from the event schema, for decoder tests and benchmarks.
import { ArgType, CONTEXT, CONTEXT_SIZE, EVENT_BY_ID, EVENT_BY_NAME, type ArgTypeName, type EventDef } from "../../src/events/schema.ts";
import type { Cred } from "../../src/events/types.ts";

export type ContextValues = Partial<Record<string, number | bigint | string>>;

/** A value for one argument; its encoding follows the parameter's wire type. */
export type EncodedValue =
  | number | bigint | string | string[] | Uint8Array | null | Cred | [number, number]
  | { tv_sec: number | bigint; tv_nsec: number | bigint }
  | { area: Uint8Array; count: number }; // args_arr given as raw area bytes and element count

export interface SampleSpec {
  event: number | string;
  ctx?: ContextValues;
  args?: Record<string, EncodedValue>;
  /** Sets the truncated bit of these arguments (str, str_arr, bytes, args_arr). */
  truncated?: Record<string, boolean>;
  /** Overrides the argnum byte (default: the number of args written). */
  argnum?: number;
  /** Raw bytes appended after the argument records. */
  tail?: Uint8Array;
}

const enc = new TextEncoder();

/** Grows as bytes are appended; little-endian writers. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private dv = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
      this.dv = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }
  // room() may replace buf and dv, so it runs before they are read
  u8(v: number) { const at = this.room(1); this.buf[at] = v; return this; }
  u16(v: number) { const at = this.room(2); this.dv.setUint16(at, v, true); return this; }
  u32(v: number) { const at = this.room(4); this.dv.setUint32(at, v >>> 0, true); return this; }
  s32(v: number) { const at = this.room(4); this.dv.setInt32(at, v, true); return this; }
  u64(v: number | bigint) { const at = this.room(8); this.dv.setBigUint64(at, BigInt.asUintN(64, BigInt(v)), true); return this; }
  bytes(b: Uint8Array) { const at = this.room(b.length); this.buf.set(b, at); return this; }
  zeros(n: number) { const at = this.room(n); this.buf.fill(0, at, this.length); return this; }
  done(): Uint8Array { return this.buf.slice(0, this.length); }
}

export function eventDef(event: number | string): EventDef {
  const def = typeof event === "number" ? EVENT_BY_ID.get(event) : EVENT_BY_NAME.get(event);
  if (!def) throw new Error(`unknown event ${event}`);
  return def;
}

/** The 104-byte context header; unspecified fields are 0 except event_id and argnum. */
export function contextBytes(values: ContextValues): Uint8Array {
  const w = new ByteWriter();
  for (const f of CONTEXT) {
    const v = values[f.name] ?? 0;
    switch (f.type) {
      case "u8": w.u8(Number(v)); break;
      case "u16": w.u16(Number(v)); break;
      case "u32": w.u32(Number(v)); break;
      case "s32": w.s32(Number(v)); break;
      case "u64": case "s64": w.u64(v as number | bigint); break;
      case "char16": {
        const b = typeof v === "string" ? enc.encode(v) : new Uint8Array(0);
        w.bytes(b.subarray(0, 16)).zeros(16 - Math.min(16, b.length));
        break;
      }
    }
  }
  if (w.length !== CONTEXT_SIZE) throw new Error("context size drift");
  return w.done();
}

const bytesOf = (v: EncodedValue) => (typeof v === "string" ? enc.encode(v) : (v as Uint8Array));
const lenWord = (len: number, trunc: boolean) => (len | (trunc ? 0x80000000 : 0)) >>> 0;

/** Writes one payload of wire type `wire` (without the [index][type] bytes). */
export function writePayload(w: ByteWriter, wire: ArgTypeName, v: EncodedValue, trunc = false): void {
  switch (wire) {
    case "int": w.s32(Number(v)); break;
    case "uint": case "mode_t": case "dev_t": w.u32(Number(v)); break;
    case "u16": w.u16(Number(v)); break;
    case "long": case "ulong": case "off_t": case "size_t": case "pointer": case "u64": w.u64(v as number | bigint); break;
    case "str": case "bytes": { const b = bytesOf(v); w.u32(lenWord(b.length, trunc)).bytes(b); break; }
    case "str_arr": {
      const list = v as string[];
      w.u32(lenWord(list.length, trunc));
      for (const s of list) writePayload(w, "str", s);
      break;
    }
    case "sockaddr": { const b = v === null ? new Uint8Array(0) : (v as Uint8Array); w.u32(b.length).bytes(b); break; }
    case "cred": {
      const c = v as Cred;
      for (const k of ["Uid", "Gid", "Suid", "Sgid", "Euid", "Egid", "Fsuid", "Fsgid", "UserNamespace", "SecureBits"] as const) w.u32(c[k]);
      for (const k of ["CapInheritable", "CapPermitted", "CapEffective", "CapBounding", "CapAmbient"] as const) w.u64(c[k]);
      break;
    }
    case "int_arr_2": { const [a, b] = v as [number, number]; w.s32(a).s32(b); break; }
    case "args_arr": {
      let area: Uint8Array, count: number;
      if (Array.isArray(v)) {
        area = enc.encode((v as string[]).map((s) => s + "\0").join(""));
        count = v.length;
      } else ({ area, count } = v as { area: Uint8Array; count: number });
      w.u32(lenWord(area.length, trunc)).u32(count).bytes(area);
      break;
    }
    case "timespec": { const t = v as { tv_sec: number | bigint; tv_nsec: number | bigint }; w.u64(t.tv_sec).u64(t.tv_nsec); break; }
    case "none": break;
  }
}

/** One argument record `[u8 index][u8 type][payload]`, for hand-made (also malformed) samples. */
export function argRecord(index: number, type: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  return new ByteWriter().u8(index).u8(type).bytes(payload).done();
}

/** A raw sample: context header then the given args in schema order, each with the param's wire type. */
export function encodeSample(spec: SampleSpec): Uint8Array {
  const def = eventDef(spec.event);
  const args = spec.args ?? {};
  for (const name of Object.keys(args)) {
    if (!def.params.some((p) => p.name === name)) throw new Error(`${def.name} has no parameter ${name}`);
  }
  const body = new ByteWriter();
  let n = 0;
  def.params.forEach((p, index) => {
    if (!(p.name in args)) return;
    body.u8(index).u8(ArgType[p.wire]);
    writePayload(body, p.wire, args[p.name], spec.truncated?.[p.name] ?? false);
    n++;
  });
  if (spec.tail) body.bytes(spec.tail);
  const ctx = contextBytes({ ...spec.ctx, event_id: spec.ctx?.event_id ?? def.id, argnum: spec.argnum ?? n });
  return new ByteWriter().bytes(ctx).bytes(body.done()).done();
}

/** A sample with a given header and raw argument bytes (any event id, any argnum). */
export function rawSample(ctx: ContextValues, argBytes: Uint8Array = new Uint8Array(0)): Uint8Array {
  return new ByteWriter().bytes(contextBytes(ctx)).bytes(argBytes).done();
}

/** PERF_RECORD_SAMPLE framing: header, u32 raw_size, raw bytes, padding to 8 (raw_size counts the padding, as the kernel's). */
export function perfSample(raw: Uint8Array, rawSize?: number): Uint8Array {
  const size = (8 + 4 + raw.length + 7) & ~7;
  return new ByteWriter().u32(9).u16(0).u16(size).u32(rawSize ?? size - 12).bytes(raw).zeros(size - 12 - raw.length).done();
}

/** PERF_RECORD_LOST: u64 id, u64 lost. */
export function perfLost(lost: number | bigint, id: number | bigint = 0): Uint8Array {
  return new ByteWriter().u32(2).u16(0).u16(24).u64(id).u64(lost).done();
}

/** Any perf record with the given type and body (padded to 8; `size` overrides the header's size field). */
export function perfRecord(type: number, body: Uint8Array, size?: number): Uint8Array {
  const real = (8 + body.length + 7) & ~7;
  return new ByteWriter().u32(type).u16(0).u16(size ?? real).bytes(body).zeros(real - 8 - body.length).done();
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** struct sockaddr_un bytes (path may start with NUL for abstract sockets). */
export function sockaddrUnix(path: string | Uint8Array): Uint8Array {
  const p = typeof path === "string" ? enc.encode(path) : path;
  return new ByteWriter().u16(1).bytes(p).zeros(108 - p.length).done();
}

/** struct sockaddr_in bytes: port and address in network byte order. */
export function sockaddrInet(port: number, addr: string): Uint8Array {
  const w = new ByteWriter().u16(2).u8(port >> 8).u8(port & 0xff);
  for (const x of addr.split(".")) w.u8(Number(x));
  return w.zeros(8).done();
}

/** struct sockaddr_in6 bytes: port and flowinfo big-endian, 16 address bytes, scope id in host order. */
export function sockaddrInet6(port: number, flowinfo: number, addr: number[], scopeId: number): Uint8Array {
  const w = new ByteWriter().u16(10).u8(port >> 8).u8(port & 0xff);
  w.u8(flowinfo >>> 24).u8((flowinfo >>> 16) & 0xff).u8((flowinfo >>> 8) & 0xff).u8(flowinfo & 0xff);
  return w.bytes(Uint8Array.from(addr)).u32(scopeId).done();
}
