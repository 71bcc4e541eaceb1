// The template functions: comparisons, logic, len, index, slice and the print family (Go's builtin set, minus html/js/call).
import { goTypeName, sprint, sprintf, sprintln } from "./printf.ts";

/** Go's truth: false, 0, nil and empty strings, lists and maps are false. */
export function truth(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  switch (typeof v) {
    case "boolean": return v;
    case "number": return v !== 0;
    case "bigint": return v !== 0n;
    case "string": return v.length > 0;
  }
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

type Kind = "num" | "string" | "bool" | "nil" | "other";

function kind(v: unknown): Kind {
  if (v === null || v === undefined) return "nil";
  switch (typeof v) {
    case "number": case "bigint": return "num";
    case "string": return "string";
    case "boolean": return "bool";
  }
  return "other";
}

function equal(a: unknown, b: unknown): boolean {
  const ka = kind(a);
  const kb = kind(b);
  if (ka === "other" || kb === "other") throw new Error(`non-comparable type ${goTypeName(ka === "other" ? a : b)}`);
  if (ka === "nil" || kb === "nil") return ka === kb;
  if (ka !== kb) throw new Error("incompatible types for comparison");
  // Loose equality compares a number with a bigint by value.
  return ka === "num" ? a == b : a === b;
}

function less(a: unknown, b: unknown): boolean {
  const ka = kind(a);
  const kb = kind(b);
  if ((ka !== "num" && ka !== "string") || (kb !== "num" && kb !== "string")) throw new Error("invalid type for comparison");
  if (ka !== kb) throw new Error("incompatible types for comparison");
  return (a as number) < (b as number);
}

function arity(name: string, args: unknown[], n: number): void {
  if (args.length !== n) throw new Error(`wrong number of args for ${name}: want ${n} got ${args.length}`);
}

function length(v: unknown): number {
  if (typeof v === "string") return Buffer.byteLength(v, "utf8");
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length;
  if (v instanceof Map) return v.size;
  throw new Error(`len of type ${goTypeName(v)}`);
}

function toIndex(x: unknown, len: number, cap = len): number {
  if (typeof x !== "number" && typeof x !== "bigint") throw new Error(`cannot index slice/array with type ${goTypeName(x)}`);
  const i = Number(x);
  if (!Number.isInteger(i) || i < 0 || i > cap) throw new Error(`index out of range: ${String(x)}`);
  return i;
}

function index(item: unknown, ...keys: unknown[]): unknown {
  let v = item;
  for (const k of keys) {
    if (v instanceof Map) v = v.has(String(k)) ? v.get(String(k)) : "";
    else if (Array.isArray(v) || v instanceof Uint8Array) {
      const i = toIndex(k, v.length);
      if (i >= v.length) throw new Error(`index out of range: ${i}`);
      v = v[i];
    } else if (typeof v === "string") {
      const bytes = Buffer.from(v, "utf8");
      const i = toIndex(k, bytes.length);
      if (i >= bytes.length) throw new Error(`index out of range: ${i}`);
      v = bytes[i];
    } else if (v === null || v === undefined) throw new Error("index of untyped nil");
    else throw new Error(`can't index item of type ${goTypeName(v)}`);
  }
  return v;
}

function slice(item: unknown, ...bounds: unknown[]): unknown {
  if (bounds.length > 2) throw new Error("too many slice indexes");
  if (typeof item === "string" || Array.isArray(item) || item instanceof Uint8Array) {
    const len = typeof item === "string" ? Buffer.byteLength(item, "utf8") : item.length;
    const lo = bounds.length > 0 ? toIndex(bounds[0], len) : 0;
    const hi = bounds.length > 1 ? toIndex(bounds[1], len) : len;
    if (lo > hi) throw new Error(`invalid slice index: ${lo} > ${hi}`);
    if (typeof item === "string") return Buffer.from(item, "utf8").subarray(lo, hi).toString("utf8");
    return item.slice(lo, hi);
  }
  throw new Error(`can't slice item of type ${goTypeName(item)}`);
}

/** Functions with eagerly evaluated arguments; `and`/`or` are handled by the executor (they short-circuit). */
export const BUILTINS: Record<string, ((...args: unknown[]) => unknown) | null> = {
  and: null,
  or: null,
  not: (...a) => { arity("not", a, 1); return !truth(a[0]); },
  eq: (...a) => {
    if (a.length < 2) throw new Error("missing argument for comparison");
    return a.slice(1).some((b) => equal(a[0], b));
  },
  ne: (...a) => { arity("ne", a, 2); return !equal(a[0], a[1]); },
  lt: (...a) => { arity("lt", a, 2); return less(a[0], a[1]); },
  le: (...a) => { arity("le", a, 2); return less(a[0], a[1]) || equal(a[0], a[1]); },
  gt: (...a) => { arity("gt", a, 2); return !less(a[0], a[1]) && !equal(a[0], a[1]); },
  ge: (...a) => { arity("ge", a, 2); return !less(a[0], a[1]); },
  len: (...a) => { arity("len", a, 1); return length(a[0]); },
  index: (...a) => { if (!a.length) throw new Error("wrong number of args for index: want at least 1 got 0"); return index(a[0], ...a.slice(1)); },
  slice: (...a) => { if (!a.length) throw new Error("wrong number of args for slice: want at least 1 got 0"); return slice(a[0], ...a.slice(1)); },
  print: (...a) => sprint(a),
  println: (...a) => sprintln(a),
  printf: (...a) => {
    if (typeof a[0] !== "string") throw new Error(`printf needs a format string first, got ${goTypeName(a[0])}`);
    return sprintf(a[0], a.slice(1));
  },
};

