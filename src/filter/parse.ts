// Turns `--trace` expressions (reference §1.3, plus `<=`/`>=`, `event:NAME`, `command`, suffix
// matches and container ids) into a TracePlan; every mistake is one UsageError line.
import { EVENT_BY_NAME } from "../events/schema.ts";
import { flagPattern } from "./flags.ts";
import {
  I64_MAX, I64_MIN, U32_MAX, U64_MAX, numFilter, strFilter,
  type ArgFilter, type Mode, type NumFilter, type Pattern, type RetFilter, type StrFilter, type TracePlan,
} from "./plan.ts";
import { checkSet, essentialEvents, eventIds, printedEvents, type Selection } from "./select.ts";
import { addNum, addStr, fail, parseInteger, type Op } from "./values.ts";

interface Split { field: string; op: Op | null; values: string[] }

type Builder = Omit<TracePlan, "events" | "print" | "essential" | "defaultSet" | "args" | "retvals"> & {
  sel: Selection;
  args: Map<string, ArgFilter>;
  retvals: Map<number, RetFilter>;
};

const FIELDS = "event, set, uid, pid, mntns, pidns, uts, comm, container, tree, follow, EVENT.ARG, EVENT.retval";
const isPrefix = (s: string, word: string) => s.length > 0 && word.startsWith(s);

/** Splits at the first operator character after position 0; `:` is read as `=` (`event:openat`). */
function split(expr: string): Split {
  for (let i = 1; i < expr.length; i++) {
    const c = expr[i];
    if (!"=!<>:".includes(c)) continue;
    const field = expr.slice(0, i);
    let op: Op = c === ":" ? "=" : (c as Op);
    let rest = expr.slice(i + 1);
    if (c === "!") {
      if (expr[i + 1] !== "=") fail(expr, `"!" must be followed by "=", as in ${field}!=VALUE`);
      op = "!=";
      rest = expr.slice(i + 2);
    } else if ((c === "<" || c === ">") && expr[i + 1] === "=") {
      op = `${c}=`;
      rest = expr.slice(i + 2);
    }
    if (rest === "") fail(expr, `a value must follow "${op}", as in ${field}${op}VALUE`);
    const values = rest.split(",");
    if (values.includes("")) fail(expr, "a comma-separated list cannot hold an empty value");
    return { field, op, values };
  }
  return { field: expr, op: null, values: [] };
}

function setBool(b: Builder, key: keyof Builder["bools"], mode: Mode, expr: string): void {
  const cur = b.bools[key];
  if (cur !== "off" && cur !== mode) fail(expr, "contradicts an earlier --trace expression on the same filter");
  b.bools[key] = mode;
}

/** An expression without operator: `container`, `!container`, `follow` or a prefix of them. */
function bareWord(b: Builder, expr: string): void {
  if (isPrefix(expr, "container")) return setBool(b, "container", "in", expr);
  if (expr.length > 1 && "!container".startsWith(expr)) return setBool(b, "container", "out", expr);
  if (isPrefix(expr, "follow")) return setBool(b, "follow", "in", expr);
  if (EVENT_BY_NAME.has(expr)) fail(expr, `to trace this event write event=${expr}`);
  const known = ["event", "set", "uid", "pid", "mntns", "pidns", "uts", "comm", "command", "tree"];
  if (known.includes(expr)) fail(expr, `${expr} needs an operator and a value, as in ${expr}=VALUE`);
  fail(expr, `unknown expression (fields: ${FIELDS}; see --trace help)`);
}

function strField(f: StrFilter, expr: string, name: string, op: Op, values: string[]): void {
  if (op !== "=" && op !== "!=") fail(expr, `${name} takes = or != and names of at most 15 characters`);
  for (const v of values) {
    if (Buffer.byteLength(v) > 15) fail(expr, `${name} values are at most 15 bytes (the kernel keeps no more): "${v}"`);
    addStr(f, op, v);
  }
}

function numField(f: NumFilter, expr: string, name: string, op: Op, values: string[], max: bigint): void {
  for (const v of values) addNum(f, op, parseInteger(expr, v, 0n, max, name), 0n, U64_MAX);
}

function pidField(b: Builder, expr: string, op: Op, values: string[]): void {
  if (!values.includes("new")) return numField(b.kernel.pid, expr, "pid", op, values, U32_MAX);
  if (values.length > 1) {
    fail(expr, "pid=new cannot share a list with process ids; give them in separate --trace flags");
  }
  if (op !== "=" && op !== "!=") fail(expr, "new takes = or !=: pid=new traces new processes, pid!=new old ones");
  setBool(b, "pidNew", op === "=" ? "in" : "out", expr);
}

function containerField(b: Builder, expr: string, op: Op, values: string[]): void {
  const usage = "container takes =new, !=new or =ID (a container id or its prefix, hex)";
  if (values.length === 1 && values[0] === "new") {
    if (op === "=") return setBool(b, "containerNew", "in", expr);
    if (op === "!=") {
      setBool(b, "container", "in", expr);
      return setBool(b, "containerNew", "out", expr);
    }
    fail(expr, usage);
  }
  if (op !== "=") fail(expr, usage);
  for (const v of values) {
    const id = v.toLowerCase();
    if (!/^[0-9a-f]{1,64}$/.test(id)) fail(expr, `${usage}; "${v}" is neither`);
    if (!b.containerIds.includes(id)) b.containerIds.push(id);
  }
  setBool(b, "container", "in", expr);
}

function treeField(b: Builder, expr: string, op: Op, values: string[]): void {
  if (op !== "=" && op !== "!=") fail(expr, "tree takes = or != and host process ids");
  for (const v of values) {
    const pid = Number(parseInteger(expr, v, 0n, U32_MAX, "tree"));
    if (op === "!=" || b.tree.roots.get(pid) !== false) b.tree.roots.set(pid, op === "=");
  }
  // any `=` root makes the filter IN, so that `tree!=` carves a subtree out of the `tree=` ones
  b.tree.mode = op === "=" || b.tree.mode === "in" ? "in" : "out";
}

function textPattern(v: string): Pattern {
  if (v.length > 1 && v.startsWith("*") && v.endsWith("*")) return { kind: "contains", text: v.slice(1, -1) };
  if (v.endsWith("*")) return { kind: "prefix", text: v.slice(0, -1) };
  if (v.startsWith("*")) return { kind: "suffix", text: v.slice(1) };
  return { kind: "exact", text: v };
}

/** `EVENT.retval<op>V` and `EVENT.ARG<op>V`; the event also counts as chosen (like `event=EVENT`). */
function eventField(b: Builder, expr: string, field: string, op: Op | null, values: string[]): void {
  const dot = field.indexOf(".");
  const name = field.slice(0, dot);
  const arg = field.slice(dot + 1);
  const ev = EVENT_BY_NAME.get(name) ?? fail(expr, `unknown event "${name}" (see --list)`);
  if (op === null) fail(expr, `${field} needs an operator and a value, as in ${field}=VALUE`);
  b.sel.named.add(ev.id);
  if (arg === "retval") {
    const r = b.retvals.get(ev.id) ?? { eventId: ev.id, event: name, filter: numFilter() };
    b.retvals.set(ev.id, r);
    for (const v of values) addNum(r.filter, op, parseInteger(expr, v, I64_MIN, I64_MAX, field), I64_MIN, I64_MAX);
    return;
  }
  if (!ev.params.some((p) => p.name === arg)) {
    const names = ev.params.map((p) => p.name).join(", ") || "none";
    fail(expr, `${name} has no argument "${arg}" (arguments: ${names}; or retval)`);
  }
  if (op !== "=" && op !== "!=") {
    fail(expr, "argument filters take = or != (a value ending in * matches a prefix, one starting with * a suffix)");
  }
  const key = `${ev.id}.${arg}`;
  const a = b.args.get(key) ?? { eventId: ev.id, event: name, arg, mode: "in", equal: [], notEqual: [] };
  b.args.set(key, a);
  for (const v of values) {
    const flags = flagPattern(name, arg, v);
    if (typeof flags === "string") fail(expr, flags);
    (op === "=" ? a.equal : a.notEqual).push(flags ?? textPattern(v));
  }
  if (op === "!=") a.mode = "out";
}

function parseOne(b: Builder, expr: string): void {
  const { field, op, values } = split(expr);
  if (field.includes(".")) return eventField(b, expr, field, op, values);
  if (op === null) return bareWord(b, expr);
  if (field === "comm" || field === "command") return strField(b.kernel.comm, expr, "comm", op, values);
  if (field === "uts") return strField(b.kernel.uts, expr, "uts", op, values);
  if (field === "mntns" || field === "pidns") return numField(b.kernel[field], expr, field, op, values, U64_MAX);
  if (field === "tree") return treeField(b, expr, op, values);
  if (isPrefix(field, "container")) return containerField(b, expr, op, values);
  if (isPrefix(field, "pid")) return pidField(b, expr, op, values);
  if (isPrefix(field, "uid")) return numField(b.kernel.uid, expr, "uid", op, values, U32_MAX);
  if (isPrefix(field, "event")) {
    if (op !== "=" && op !== "!=") fail(expr, "event takes = or != and event names (NAME* selects a name prefix)");
    for (const v of values) for (const id of eventIds(expr, v, op === "=" ? "trace" : "exclude")) {
      (op === "=" ? b.sel.named : b.sel.excluded).add(id);
    }
    return;
  }
  if (isPrefix(field, "set")) {
    if (op !== "=" && op !== "!=") fail(expr, "set takes = and set names (see --list)");
    for (const v of values) checkSet(expr, v);
    if (op === "=") for (const v of values) b.sel.sets.add(v);
    else b.warnings.push(`--trace ${expr}: set!= is accepted but ignored; use event!= to leave events out`);
    return;
  }
  if (isPrefix(field, "follow") || field === "!container") fail(expr, `${field} takes no value`);
  fail(expr, `unknown field "${field}" (fields: ${FIELDS}; see --trace help)`);
}

/** All expressions ANDed; `opts.follow` is the `--follow` flag, the same as `--trace follow`. */
export function parseTrace(exprs: string[], opts: { follow?: boolean } = {}): TracePlan {
  const b: Builder = {
    sel: { named: new Set(), excluded: new Set(), sets: new Set() },
    kernel: {
      uid: numFilter(), pid: numFilter(), mntns: numFilter(), pidns: numFilter(), uts: strFilter(), comm: strFilter(),
    },
    bools: { container: "off", pidNew: "off", containerNew: "off", follow: opts.follow ? "in" : "off" },
    tree: { mode: "off", roots: new Map() },
    containerIds: [],
    args: new Map(),
    retvals: new Map(),
    warnings: [],
  };
  for (const expr of exprs) {
    if (expr === "") fail(expr, `an expression cannot be empty (see --trace help)`);
    parseOne(b, expr);
  }
  const { print, defaultSet } = printedEvents(b.sel);
  const { sel: _, ...rest } = b;
  return withEssential({
    ...rest, args: [...b.args.values()], retvals: [...b.retvals.values()],
    events: [], print, essential: new Set(), defaultSet,
  });
}

/** Recomputes the essential events, adding `extra` names (capture needs some: §2.3). */
export function withEssential(plan: TracePlan, extra: string[] = []): TracePlan {
  const essential = essentialEvents(plan.print, extra);
  for (const id of plan.essential) essential.add(id);
  const events = [...new Set([...plan.print, ...essential])].sort((x, y) => x - y);
  return { ...plan, essential, events };
}
