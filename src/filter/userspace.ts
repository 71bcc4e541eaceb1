// The user-space half of `--trace`: argument, retval and container-id filters over decoded events.
import type { ArgValue, TraceEvent } from "../events/types.ts";
import type { ArgFilter, Pattern, RetFilter, TracePlan } from "./plan.ts";
import { matchNum } from "./values.ts";

/** Go's `%v` of the raw value, which the reference compares argument filters against. */
export function goValue(v: ArgValue): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (Array.isArray(v) || v instanceof Uint8Array) return `[${Array.from(v as ArrayLike<unknown>, String).join(" ")}]`;
  if ("sa_family" in v) {
    // a Go map prints its keys sorted
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${(v as Record<string, string>)[k]}`).join(" ")}]`;
  }
  return `{${Object.values(v).map((x) => String(x)).join(" ")}}`; // a struct prints its fields in order
}

function matches(p: Pattern, raw: ArgValue, text: () => string): boolean {
  switch (p.kind) {
    case "exact": return text() === p.text;
    case "prefix": return text().startsWith(p.text);
    case "suffix": return text().endsWith(p.text);
    case "contains": return text().includes(p.text);
    case "flags":
      if (typeof raw !== "number" && typeof raw !== "bigint") return false;
      return (BigInt.asUintN(64, BigInt(raw)) & p.mask) === p.value;
  }
}

/** Same IN/OUT algorithm as the kernel filters; an event without the argument is not filtered. */
function argPasses(f: ArgFilter, ev: TraceEvent): boolean {
  const arg = ev.args.find((a) => a.name === f.arg);
  if (!arg) return true;
  let cached: string | undefined;
  const text = () => (cached ??= goValue(arg.value));
  if (f.equal.some((p) => matches(p, arg.value, text))) return true;
  if (f.notEqual.some((p) => matches(p, arg.value, text))) return false;
  return f.mode === "out";
}

/** Whether makeEventFilter's predicate can drop anything (else it accepts every event). */
export function filtersInUserSpace(plan: TracePlan): boolean {
  return plan.args.length > 0 || plan.retvals.length > 0 || plan.bools.container === "in" || plan.bools.containerNew === "in";
}

/**
 * A predicate for decoded events: false drops the event. Filters of one event only see that event;
 * container filters drop events without a container id, and `container=ID` keeps matching ids only.
 */
export function makeEventFilter(plan: TracePlan): (ev: TraceEvent) => boolean {
  const args = new Map<number, ArgFilter[]>();
  for (const f of plan.args) args.set(f.eventId, [...(args.get(f.eventId) ?? []), f]);
  const rets = new Map<number, RetFilter>(plan.retvals.map((r) => [r.eventId, r]));
  const ids = plan.containerIds;
  const inContainer = plan.bools.container === "in" || plan.bools.containerNew === "in";
  if (!filtersInUserSpace(plan)) return () => true;
  return (ev) => {
    if (inContainer && ev.containerId === "") return false;
    if (ids.length > 0 && !ids.some((id) => ev.containerId.startsWith(id))) return false;
    const r = rets.get(ev.eventId);
    if (r && !matchNum(r.filter, BigInt(ev.returnValue))) return false;
    const fs = args.get(ev.eventId);
    return !fs || fs.every((f) => argPasses(f, ev));
  };
}
