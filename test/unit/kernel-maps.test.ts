// The kernel's event selection is an array indexed by event id: every id the schema knows must fit in it.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { EVENTS } from "../../src/events/schema.ts";

test("chosen_events_map has a slot for every event id", () => {
  const maps = readFileSync(new URL("../../bpf/maps.bpf.h", import.meta.url), "utf8");
  const max = Number(/#define CHOSEN_EVENTS_MAX (\d+)/.exec(maps)?.[1]);
  expect(max).toBeGreaterThan(0);
  for (const e of EVENTS) expect(e.id).toBeLessThan(max);
});
