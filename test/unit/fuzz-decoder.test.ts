// Bounded fuzzing of the WASM decoder and the printers behind it (npm run fuzz runs the same targets for longer).
import { beforeAll, expect, test } from "bun:test";
import { decoderWasm } from "../helpers/wasm.ts";
import { decoderTarget, runTarget, templateTarget } from "../fuzz/targets.ts";

const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const seconds = Number(process.env.FUZZ_SECONDS ?? 1);
let wasm: Uint8Array;
beforeAll(async () => { wasm = await decoderWasm(); });

test("mutated and random perf records never throw, read outside the input, or break the one-line output", async () => {
  const n = runTarget("decoder", await decoderTarget(wasm), { seed, seconds, minIterations: 200 });
  expect(n).toBeGreaterThanOrEqual(200);
}, 30_000);

test("mutated templates either fail to parse with one usage line or run without escaping the error count", async () => {
  const n = runTarget("template", await templateTarget(wasm), { seed, seconds: seconds / 2, minIterations: 200 });
  expect(n).toBeGreaterThanOrEqual(200);
}, 30_000);
