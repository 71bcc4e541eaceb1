// The fuzz targets and their contracts: what must hold for every input, however malformed.
import { Decoder } from "../../src/decode/decoder.ts";
import { PlainDecoder } from "../../src/decode/plain-ts.ts";
import type { DecodeStats } from "../../src/decode/chunk-decoder.ts";
import type { DecodeEngine } from "../../src/decode/chunk-decoder.ts";
import type { TraceEvent } from "../../src/events/types.ts";
import * as T from "../../decoder-as/assembly/tables.ts";
import { parseCli } from "../../src/cli/parse.ts";
import { parseCapture } from "../../src/capture/options.ts";
import { errorLine, UsageError } from "../../src/errors.ts";
import { wantsHelp } from "../../src/filter/help.ts";
import { parseTrace } from "../../src/filter/parse.ts";
import { createPrinter } from "../../src/output/create.ts";
import { parseOutputOptions, wantsOutputHelp } from "../../src/output/options.ts";
import type { Printer } from "../../src/output/printer.ts";
import { compileTemplate, TemplatePrinter } from "../../src/output/template.ts";
import { EventClock } from "../../src/output/time.ts";
import {
  CAPTURE_SEEDS, CLI_SEEDS, CLI_WORDS, OUTPUT_SEEDS, TEMPLATE_SEEDS, TEMPLATE_WORDS, TRACE_SEEDS, TRACE_WORDS, randomChunk,
} from "./corpus.ts";
import { mutateBytes, mutateString, Rng } from "./rand.ts";

export class FuzzFailure extends Error {}

/** One fuzz iteration: generates an input from `r`, checks the target's contract, returns a short description. */
export type Target = (r: Rng) => void;

const fail = (what: string, input: unknown): never => {
  throw new FuzzFailure(`${what}\ninput: ${typeof input === "string" ? JSON.stringify(input) : input instanceof Uint8Array ? Buffer.from(input).toString("hex") : JSON.stringify(input)}`);
};

/** A usage error must say something, and print (as src/cli/main.ts prints it) as one line without raw control bytes. */
function checkUsage(e: unknown, input: unknown): void {
  if (!(e instanceof UsageError)) fail(`threw ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)} instead of a UsageError`, input);
  const m = (e as UsageError).message;
  if (!m.trim()) fail("usage error without a message", input);
  const line = errorLine(m);
  if (line.indexOf("\n") !== line.length - 1 || /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]/.test(line)) fail(`usage error prints as more than one line: ${JSON.stringify(line)}`, input);
}

// ---- the decoder (WASM, with the plain-TS twin as oracle) and the printers behind it ----

function tables(e: DecodeEngine, chunk: Uint8Array, fill: number) {
  const mem = new Uint8Array(e.memory());
  mem.set(chunk, e.inputPtr);
  // a record's u16 size can claim up to 64 KiB past its start: poison everything it could reach
  mem.fill(fill, e.inputPtr + chunk.length, e.inputPtr + chunk.length + 65544);
  const consumed = e.decode(e.inputPtr, chunk.length);
  const u32 = new Uint32Array(e.memory());
  const r = u32.slice(e.resultPtr >>> 2, (e.resultPtr >>> 2) + T.RESULT_WORDS);
  const evs = u32.slice(e.eventsPtr >>> 2, (e.eventsPtr >>> 2) + r[T.R_EVENTS] * T.EV_WORDS);
  const args = u32.slice(e.argsPtr >>> 2, (e.argsPtr >>> 2) + r[T.R_ARGS] * T.ARG_WORDS);
  return { consumed, r, evs, args };
}

function checkTables(e: DecodeEngine, chunk: Uint8Array): void {
  const x = tables(e, chunk, 0x00);
  const y = tables(e, chunk, 0xff);
  if (!Bun.deepEquals(x, y, true)) fail("decoding depends on bytes after the input", chunk);
  if (x.consumed > chunk.length) fail(`consumed ${x.consumed} of ${chunk.length} bytes`, chunk);
  const lo = e.inputPtr, hi = e.inputPtr + chunk.length;
  for (let k = 0; k < x.evs.length; k += T.EV_WORDS) {
    if (x.evs[k + T.EV_OFFSET] < lo || x.evs[k + T.EV_OFFSET] + x.evs[k + T.EV_LENGTH] > hi) fail("an event row points outside the input", chunk);
  }
  for (let k = 0; k < x.args.length; k += T.ARG_WORDS) {
    if (x.args[k + T.A_OFFSET] < lo || x.args[k + T.A_OFFSET] + x.args[k + T.A_LENGTH] > hi) fail("an argument points outside the input", chunk);
  }
}

const CLOCK = { bootEpochNs: 1_700_000_000_000_000_000n, startMonoNs: 1_000_000_000n };
const printers: [string, Printer][] = [
  ["json", createPrinter(parseOutputOptions(["json"]), CLOCK)],
  ["json parse-arguments", createPrinter(parseOutputOptions(["json", "option:parse-arguments"]), CLOCK)],
  ["table", createPrinter(parseOutputOptions(["table"]), CLOCK)],
  ["table-verbose", createPrinter(parseOutputOptions(["table-verbose"]), { ...CLOCK, containerMode: true })],
];
const templates = TEMPLATE_SEEDS.map((t, i) => new TemplatePrinter(compileTemplate(t, `seed${i}.tmpl`), new EventClock(CLOCK.bootEpochNs, CLOCK.startMonoNs, false), { parse: true, eot: false }));

/** One event per line: a JSON object, or a table row without raw control characters. */
function checkPrinted(ev: TraceEvent, input: Uint8Array, r: Rng): void {
  // one printer per event: printing big hostile values is the slow part, and every event type meets each printer
  {
    const [name, p] = r.pick(printers);
    let line: string;
    try {
      line = p.event(ev);
    } catch (e) {
      return fail(`${name} printer threw ${(e as Error).message} on ${ev.eventName}`, input);
    }
    if (!line.endsWith("\n") || line.indexOf("\n") !== line.length - 1) fail(`${name} printed ${ev.eventName} on more than one line`, input);
    if (/[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]/.test(line)) fail(`${name} printed a raw control character for ${ev.eventName}`, input);
    if (name.startsWith("json")) {
      try {
        JSON.parse(line);
      } catch {
        fail(`json printed an invalid line: ${line.slice(0, 300)}`, input);
      }
    }
  }
  if (r.chance(0.3)) try {
    r.pick(templates).event(ev);
  } catch (e) {
    // a template failing on one event is reported and counted; only a non-Error would escape that handling
    if (!(e instanceof Error)) fail(`a template threw a non-Error: ${String(e)}`, input);
  }
}

export async function decoderTarget(wasm: Uint8Array): Promise<Target> {
  const w = new Decoder(wasm), p = new PlainDecoder();
  // Generating records costs more than mutating them: mutate a pool of generated chunks, refreshed now and then.
  const pool: Uint8Array[] = [];
  return (r) => {
    let chunk: Uint8Array;
    const kind = r.int(10);
    if (pool.length < 32 || kind < 2) {
      chunk = randomChunk(r);
      if (pool.length < 32) pool.push(chunk);
      else pool[r.int(pool.length)] = chunk;
    } else if (kind < 9) chunk = mutateBytes(r.pick(pool), r, r.pick(pool));
    else {
      chunk = r.bytes(r.int(512));
      // a plausible header leads random bytes past the framing check
      if (chunk.length >= 8 && r.chance(0.7)) new DataView(chunk.buffer).setUint32(0, 9, true), new DataView(chunk.buffer).setUint16(6, chunk.length & ~7, true);
    }
    const a: TraceEvent[] = [], b: TraceEvent[] = [];
    const before: DecodeStats = { ...w.stats };
    let n: number;
    try {
      n = w.decodeChunk(chunk, a);
      p.decodeChunk(chunk, b);
    } catch (e) {
      return fail(`decodeChunk threw ${(e as Error).stack}`, chunk);
    }
    if (n !== a.length) fail(`decodeChunk returned ${n} but delivered ${a.length}`, chunk);
    if (!Bun.deepEquals(a, b, true)) fail("WASM and plain-TS decoders disagree on the events", chunk);
    if (!Bun.deepEquals(w.stats, p.stats, true)) fail("WASM and plain-TS decoders disagree on the counters", chunk);
    const s = w.stats;
    if (s.errors !== s.malformed + s.framing + s.mismatched + s.unknownEvents) fail("error counters do not add up", chunk);
    if (s.framing - before.framing > 1) fail("more than one framing error for one chunk", chunk);
    if (r.chance(0.5)) checkTables(w.engine, chunk);
    else checkTables(p.engine, chunk);
    for (const ev of a) checkPrinted(ev, chunk, r);
  };
}

// ---- the command line: flags, --trace, --output, --capture ----

function mutateArgv(r: Rng): string[] {
  const argv = [...r.pick(CLI_SEEDS)];
  const edits = 1 + r.int(4);
  for (let k = 0; k < edits; k++) {
    const at = r.int(argv.length + 1);
    switch (r.int(5)) {
      case 0: argv.splice(at, 0, r.pick(CLI_WORDS)); break;
      case 1: if (argv.length) argv[Math.min(at, argv.length - 1)] = mutateString(argv[Math.min(at, argv.length - 1)], r, CLI_WORDS); break;
      case 2: argv.splice(at, 1); break;
      case 3: argv.splice(at, 0, r.pick(["--trace", "--output", "--capture"]), mutateString(r.pick([...TRACE_SEEDS, ...OUTPUT_SEEDS, ...CAPTURE_SEEDS]), r, [...TRACE_WORDS, ...CLI_WORDS])); break;
      case 4: argv.push(...r.pick(CLI_SEEDS)); break;
    }
  }
  return argv;
}

/** Mirrors what src/cli/main.ts does with argv before it touches the system. */
function parseLikeMain(argv: string[]): void {
  const o = parseCli(argv);
  if (o.help || o.version || wantsHelp(o.trace) || wantsOutputHelp(o.output)) return;
  parseOutputOptions(o.output);
  parseTrace(o.trace, { follow: o.follow });
  parseCapture(o.capture);
}

function timed(what: string, input: unknown, fn: () => void): void {
  const t0 = performance.now();
  try {
    fn();
  } catch (e) {
    if (e instanceof FuzzFailure) throw e;
    checkUsage(e, input);
  }
  const ms = performance.now() - t0;
  if (ms > 500) fail(`${what} took ${ms.toFixed(0)} ms on one input`, input);
}

export const cliTarget: Target = (r) => {
  const argv = mutateArgv(r);
  timed("parsing the command line", argv, () => parseLikeMain(argv));
};

export const traceTarget: Target = (r) => {
  const exprs = Array.from({ length: 1 + r.int(4) }, () => (r.chance(0.7) ? mutateString(r.pick(TRACE_SEEDS), r, TRACE_WORDS) : r.pick(TRACE_SEEDS)));
  timed("parsing --trace", exprs, () => {
    if (!wantsHelp(exprs)) parseTrace(exprs, { follow: r.chance(0.2) });
  });
};

export const outputTarget: Target = (r) => {
  const values = Array.from({ length: 1 + r.int(4) }, () => (r.chance(0.7) ? mutateString(r.pick(OUTPUT_SEEDS), r) : r.pick(OUTPUT_SEEDS)));
  timed("parsing --output", values, () => {
    if (!wantsOutputHelp(values)) parseOutputOptions(values);
  });
  const caps = Array.from({ length: 1 + r.int(3) }, () => mutateString(r.pick(CAPTURE_SEEDS), r));
  timed("parsing --capture", caps, () => parseCapture(caps));
};

// ---- gotemplate: parsing any text, and running what parses ----

export async function templateTarget(wasm: Uint8Array): Promise<Target> {
  const events: TraceEvent[] = [];
  const rs = new Rng(7);
  const d = new Decoder(wasm);
  while (events.length < 50) d.decodeChunk(randomChunk(rs), events);
  const clock = new EventClock(CLOCK.bootEpochNs, CLOCK.startMonoNs, false);
  return (r) => {
    let text = r.pick(TEMPLATE_SEEDS);
    text = r.chance(0.9) ? mutateString(text, r, TEMPLATE_WORDS) : text + text;
    let printer: TemplatePrinter | null = null;
    timed("parsing a template", text, () => {
      printer = new TemplatePrinter(compileTemplate(text, "fuzz.tmpl"), clock, { parse: r.chance(0.5), eot: r.chance(0.1) });
    });
    if (!printer) return;
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) {
      try {
        (printer as TemplatePrinter).event(r.pick(events));
      } catch (e) {
        if (!(e instanceof Error)) fail(`running the template threw a non-Error: ${String(e)}`, text);
        if (e instanceof RangeError) fail(`running the template overflowed: ${e.message}`, text);
      }
    }
    const ms = performance.now() - t0;
    if (ms > 500) fail(`running a template took ${ms.toFixed(0)} ms`, text);
  };
}

/**
 * Runs `target` for `seconds` (or `iterations`) from `seed`; a failure names the seed and iteration, which
 * replay it exactly (`bun test/fuzz/run.ts --target NAME --seed S --iterations N`).
 */
export function runTarget(name: string, target: Target, o: { seed: number; seconds?: number; iterations?: number; minIterations?: number }): number {
  const r = new Rng(o.seed);
  const deadline = performance.now() + (o.seconds ?? Infinity) * 1000;
  const max = o.iterations ?? Infinity;
  const min = o.minIterations ?? 0; // on a busy machine the time budget alone may cover too few inputs
  let i = 0;
  for (; i < max && (i < min || performance.now() < deadline); i++) {
    try {
      target(r);
    } catch (e) {
      const why = e instanceof FuzzFailure ? e.message : `uncaught ${(e as Error).stack ?? String(e)}`;
      throw new FuzzFailure(`fuzz ${name}: seed ${o.seed}, iteration ${i + 1}: ${why}`);
    }
  }
  return i;
}
