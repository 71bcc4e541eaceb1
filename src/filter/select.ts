// Event selection: `event=`/`event!=` names and name prefixes, `set=`, the default set and essential events.
import { EVENTS, EVENT_BY_NAME, allSets } from "../events/schema.ts";
import { fail } from "./values.ts";

/** Events another chosen event depends on (reference §2.3, v0.6.5, the rows that `--trace` controls). */
const NEEDS: Record<string, string[]> = {
  magic_write: ["vfs_write", "vfs_writev"],
  mem_prot_alert: ["mmap", "mprotect"],
  socket_dup: ["dup", "dup2", "dup3"],
};

/** Ids named by one `event` value: an exact name, or every name starting with `x` for `x*`. */
export function eventIds(expr: string, value: string, verb: "trace" | "exclude"): number[] {
  if (value.endsWith("*")) {
    const prefix = value.slice(0, -1);
    const ids = EVENTS.filter((e) => e.name.startsWith(prefix)).map((e) => e.id);
    if (ids.length === 0) fail(expr, `no event name starts with "${prefix}" (see --list)`);
    return ids;
  }
  const ev = EVENT_BY_NAME.get(value);
  const what = verb === "exclude" ? `"${value}" to exclude` : `"${value}"`;
  if (!ev) fail(expr, `unknown event ${what} (see --list; NAME* selects a name prefix)`);
  return [ev.id];
}

export function checkSet(expr: string, name: string): void {
  const sets = allSets();
  if (!sets.includes(name)) fail(expr, `unknown set "${name}" (sets: ${sets.join(", ")})`);
}

export interface Selection {
  named: Set<number>; // event=, and events of argument/retval filters
  excluded: Set<number>; // event!=
  sets: Set<string>; // set=
}

/**
 * The printed events: members of the chosen sets (`default` when nothing was chosen) minus the
 * excluded ones, plus the named ones, which `event!=` never removes.
 */
export function printedEvents(s: Selection): { print: Set<number>; defaultSet: boolean } {
  const defaultSet = s.named.size === 0 && s.sets.size === 0;
  const sets = defaultSet ? new Set(["default"]) : s.sets;
  const print = new Set<number>();
  for (const e of EVENTS) if (!s.excluded.has(e.id) && e.sets.some((x) => sets.has(x))) print.add(e.id);
  for (const id of s.named) print.add(id);
  return { print, defaultSet };
}

/** Always-essential events from the schema plus the ones the printed events depend on. */
export function essentialEvents(print: Set<number>, extra: string[] = []): Set<number> {
  const out = new Set<number>();
  const names = [...extra];
  for (const e of EVENTS) {
    if (e.essential) out.add(e.id);
    if (print.has(e.id)) names.push(...(NEEDS[e.name] ?? []));
  }
  for (const n of names) {
    const ev = EVENT_BY_NAME.get(n);
    if (!ev) throw new Error(`essential event "${n}" is not in the schema`);
    out.add(ev.id);
  }
  return out;
}
