// Bounded fuzzing of the command-line parsers: any argv either parses or is one UsageError line (exit 2), quickly.
import { expect, test } from "bun:test";
import { cliTarget, outputTarget, runTarget, traceTarget } from "../fuzz/targets.ts";

const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const seconds = Number(process.env.FUZZ_SECONDS ?? 1) / 2;

test("mutated command lines parse or fail with one usage line", () => {
  expect(runTarget("cli", cliTarget, { seed, seconds, minIterations: 200 })).toBeGreaterThanOrEqual(200);
}, 30_000);

test("mutated --trace expressions parse or fail with one usage line", () => {
  expect(runTarget("trace", traceTarget, { seed, seconds, minIterations: 200 })).toBeGreaterThanOrEqual(200);
}, 30_000);

test("mutated --output and --capture values parse or fail with one usage line", () => {
  expect(runTarget("output", outputTarget, { seed, seconds, minIterations: 200 })).toBeGreaterThanOrEqual(200);
}, 30_000);
