// npm run fuzz: runs every fuzz target for a long time (60 s each by default), each in its own process so that a
// hang is caught by a watchdog; prints the seed and iteration that replay a failure.
// Usage: bun test/fuzz/run.ts [--seconds N] [--seed S] [--target NAME] [--iterations N]
import { parseArgs } from "node:util";
import { decoderWasm } from "../helpers/wasm.ts";
import { cliTarget, decoderTarget, outputTarget, runTarget, templateTarget, traceTarget, type Target } from "./targets.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    seed: { type: "string" },
    target: { type: "string" },
    iterations: { type: "string" },
    child: { type: "boolean" },
  },
});

const TARGETS: Record<string, () => Promise<Target>> = {
  decoder: async () => decoderTarget(await decoderWasm()),
  template: async () => templateTarget(await decoderWasm()),
  cli: async () => cliTarget,
  trace: async () => traceTarget,
  output: async () => outputTarget,
};
const seconds = Number(values.seconds);
const seed = Number(values.seed ?? Math.floor(Math.random() * 2 ** 31));

if (values.child) {
  // one target in this process; the parent's watchdog kills it if an input hangs
  const name = values.target!;
  const t0 = performance.now();
  const n = runTarget(name, await TARGETS[name](), {
    seed, seconds: values.iterations ? undefined : seconds, iterations: values.iterations ? Number(values.iterations) : undefined,
  });
  console.log(`fuzz ${name}: ${n} inputs in ${((performance.now() - t0) / 1000).toFixed(1)} s, seed ${seed}: ok`);
  process.exit(0);
}

const names = values.target ? [values.target] : Object.keys(TARGETS);
let failed = 0;
for (const name of names) {
  if (!TARGETS[name]) throw new Error(`unknown target ${name}: use ${Object.keys(TARGETS).join(", ")}`);
  const args = [process.execPath, import.meta.path, "--child", "--target", name, "--seed", String(seed), "--seconds", String(seconds)];
  if (values.iterations) args.push("--iterations", values.iterations);
  const p = Bun.spawn(args, { stdout: "inherit", stderr: "inherit" });
  const limit = (values.iterations ? 600 : seconds + 60) * 1000;
  const timer = setTimeout(() => {
    console.error(`fuzz ${name}: no result after ${limit / 1000} s: an input hangs (seed ${seed}); replay with --iterations to find it`);
    p.kill("SIGKILL");
  }, limit);
  const code = await p.exited;
  clearTimeout(timer);
  if (code !== 0) failed++;
}
console.log(failed ? `fuzz: ${failed} target(s) failed` : `fuzz: all ${names.length} targets passed`);
process.exit(failed ? 1 : 0);
