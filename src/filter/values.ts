// Operators, number parsing and the accumulation rules shared by every `--trace` field.
import { UsageError } from "../errors.ts";
import type { Mode, NumFilter, StrFilter } from "./plan.ts";

export type Op = "=" | "!=" | "<" | ">" | "<=" | ">=";

export function fail(expr: string, why: string): never {
  throw new UsageError(`invalid --trace expression "${expr}": ${why}`);
}

/** `=` alone keeps a filter IN; any other operator turns it OUT for good. */
export const nextMode = (m: Mode, op: Op): Mode => (op === "=" && m !== "out" ? "in" : "out");

/** Decimal integer in [min, max], or a thrown UsageError that says so. */
export function parseInteger(expr: string, text: string, min: bigint, max: bigint, what: string): bigint {
  const range = `${what} takes a number from ${min} to ${max}`;
  if (!(min < 0n ? /^-?\d+$/ : /^\d+$/).test(text)) fail(expr, range);
  const v = BigInt(text);
  if (v > max || v < min) fail(expr, `filter value is too big: ${range}`);
  return v;
}

/**
 * Folds one operator and value into a numeric filter. Several `<` keep the smallest bound, several `>`
 * the largest; `<=`/`>=` become the neighbouring strict bound (none at the ends of [lo, hi]).
 * A key given both with `=` and `!=` stays excluded, whatever the order.
 */
export function addNum(f: NumFilter, op: Op, v: bigint, lo: bigint, hi: bigint): void {
  f.mode = nextMode(f.mode, op);
  const lower = (b: bigint) => { f.lt = f.lt === null || b < f.lt ? b : f.lt; };
  const raise = (b: bigint) => { f.gt = f.gt === null || b > f.gt ? b : f.gt; };
  switch (op) {
    case "=": if (f.equal.get(v) !== false) f.equal.set(v, true); break;
    case "!=": f.equal.set(v, false); break;
    case "<": lower(v); break;
    case "<=": if (v < hi) lower(v + 1n); break;
    case ">": raise(v); break;
    case ">=": if (v > lo) raise(v - 1n); break;
  }
}

export function addStr(f: StrFilter, op: "=" | "!=", v: string): void {
  f.mode = nextMode(f.mode, op);
  if (op === "!=") f.equal.set(v, false);
  else if (f.equal.get(v) !== false) f.equal.set(v, true);
}

/** The kernel's matching algorithm (reference §6.1), also used in user space for retval filters. */
export function matchNum(f: NumFilter, key: bigint): boolean {
  if (f.mode === "off") return true;
  const verdict = f.equal.get(key);
  if (verdict !== undefined) return verdict;
  if (f.mode === "in") return false;
  if (f.lt !== null && key >= f.lt) return false;
  if (f.gt !== null && key <= f.gt) return false;
  return true;
}

export function matchStr(f: StrFilter, key: string): boolean {
  if (f.mode === "off") return true;
  return f.equal.get(key) ?? f.mode === "out";
}
