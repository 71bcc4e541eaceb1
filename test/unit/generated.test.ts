// The generated views of the schema must match it: a stale generated file fails the suite.
import { expect, test } from "bun:test";

test("generated C header, AssemblyScript constants and TS types are up to date with schema.ts", () => {
  const root = new URL("../..", import.meta.url).pathname;
  const r = Bun.spawnSync([process.execPath, root + "build/gen-schema.ts", "--check"], { stderr: "pipe" });
  expect(r.stderr.toString()).toBe("");
  expect(r.exitCode).toBe(0);
});
