// Renders argument values the way Go's `%v` prints them in tracee's table (`[a b]`, `map[k:v]`, `{F:v}`).
import type { EventArg } from "../events/types.ts";

function goList(items: ArrayLike<unknown>, more: boolean): string {
  let s = "[";
  for (let i = 0; i < items.length; i++) s += (i ? " " : "") + goValue(items[i]);
  return s + (more ? (items.length ? " ..." : "...") : "") + "]";
}

/** A Go map: keys sorted, `map[k1:v1 k2:v2]`. */
export function goMap(entries: Iterable<[string, unknown]>): string {
  const list = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return "map[" + list.map(([k, v]) => `${k}:${goValue(v)}`).join(" ") + "]";
}

/** A Go struct printed with field names (`%+v`), which keeps credentials readable. */
export function goStruct(obj: object): string {
  return "{" + Object.entries(obj).map(([k, v]) => `${k}:${goValue(v)}`).join(" ") + "}";
}

/** Go `%v` of a decoded value: numbers in decimal, lists in brackets, objects as structs. */
export function goValue(v: unknown): string {
  switch (typeof v) {
    case "string": return v;
    case "number": return Number.isFinite(v) ? String(v) : v !== v ? "NaN" : v > 0 ? "+Inf" : "-Inf";
    case "bigint": return v.toString();
    case "boolean": return v ? "true" : "false";
    case "undefined": return "<nil>";
  }
  if (v === null) return "<nil>";
  if (Array.isArray(v) || v instanceof Uint8Array) return goList(v, false);
  if (v instanceof Map) return goMap(v.entries());
  return goStruct(v as object);
}

/** One argument's value for a table cell; a value the kernel cut short ends in `...`. */
export function argText(arg: EventArg): string {
  const v = arg.value;
  const more = arg.truncated === true;
  switch (arg.wire) {
    case "str":
      return typeof v === "string" && more ? v + "..." : goValue(v);
    case "str_arr": case "args_arr": case "bytes": case "int_arr_2":
      return Array.isArray(v) || v instanceof Uint8Array ? goList(v, more) : goValue(v);
    case "sockaddr":
      return typeof v === "object" && v !== null ? goMap(Object.entries(v)) : goValue(v);
  }
  return goValue(v);
}
