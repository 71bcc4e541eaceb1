// `--list`: every event with its sets and arguments, in the reference's layout or as JSON.
import { EVENTS, type EventDef } from "../events/schema.ts";

export interface Availability { [event: string]: string | undefined }

const header = (title: string) =>
  `${title}${" ".repeat(9)}Sets:${" ".repeat(36)}Arguments:\n____________  ${" ".repeat(9)}____ ${" ".repeat(36)}_________\n\n`;

const line = (e: EventDef, why?: string) =>
  `${e.name.padEnd(22)} ${`[${e.sets.join(" ")}]`.padEnd(40)} (${e.params.map((p) => `${p.type} ${p.name}`).join(", ")})` +
  (why ? `  [unavailable: ${why}]` : "") + "\n";

/** `unavailable` maps an event name to why the running kernel cannot produce it. */
export function listText(unavailable: Availability = {}): string {
  const sys = EVENTS.filter((e) => e.id < 1000).sort((a, b) => a.id - b.id);
  const other = EVENTS.filter((e) => e.id >= 1000).sort((a, b) => a.id - b.id);
  return (
    header("System Calls: ") + sys.map((e) => line(e, unavailable[e.name])).join("") +
    "\n" + header("Other Events: ") + other.map((e) => line(e, unavailable[e.name])).join("") + "\n"
  );
}

export function listJson(unavailable: Availability = {}): string {
  return EVENTS.map((e) =>
    JSON.stringify({
      id: e.id,
      name: e.name,
      sets: e.sets,
      args: e.params.map((p) => ({ name: p.name, type: p.type })),
      available: !unavailable[e.name],
      ...(unavailable[e.name] ? { reason: unavailable[e.name] } : {}),
    }),
  ).join("\n") + "\n";
}
