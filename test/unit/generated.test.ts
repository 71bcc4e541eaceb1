// The generated views of the schema must match it: a stale generated file fails the suite.
import { expect, test } from "bun:test";
import { computeEvents, EVENTS } from "../../src/events/schema.ts";

test("generated C header, AssemblyScript constants, TS types and event table are up to date with schema.ts", () => {
  const root = new URL("../..", import.meta.url).pathname;
  const r = Bun.spawnSync([process.execPath, root + "build/gen-schema.ts", "--check"], { stderr: "pipe" });
  expect(r.stderr.toString()).toBe("");
  expect(r.exitCode).toBe(0);
});

test("the precomputed event table that loads at start-up is what the schema's tables compute", () => {
  expect(EVENTS).toEqual(computeEvents());
  expect(EVENTS.length).toBeGreaterThan(400);
});
