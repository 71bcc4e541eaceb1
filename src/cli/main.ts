// The command: parses argv, answers --help, --version, --list and the help pages, or runs a tracing session.
import { BpfError } from "../../ffi/errors.ts";
import { captureHelp, parseCapture } from "../capture/options.ts";
import { UsageError } from "../errors.ts";
import { traceHelp, wantsHelp } from "../filter/help.ts";
import { parseTrace } from "../filter/parse.ts";
import { log, setDebug } from "../log.ts";
import { outputHelp, parseOutputOptions, wantsOutputHelp } from "../output/options.ts";
import { PreflightError } from "../tracer/preflight.ts";
import { runSession } from "../tracer/session.ts";
import { ARGS, EXAMPLES } from "./args.ts";
import { listJson, listText } from "./list.ts";
import { parseCli } from "./parse.ts";

export const VERSION = typeof TRACEE_VERSION === "string" ? TRACEE_VERSION : "dev";

export const command = {
  meta: { name: "tracee", version: VERSION, description: "Trace OS events and syscalls using eBPF" },
  args: ARGS,
};

export async function usage(): Promise<string> {
  // loaded here, not at start-up: only --help needs it
  const { renderUsage } = require("citty") as typeof import("citty");
  const text = (await renderUsage(command as never)) + "\n\n" + EXAMPLES + "\n";
  return process.stdout.isTTY ? text : text.replace(/\x1b\[[0-9;]*m/g, "");
}

const write = (s: string) => process.stdout.write(s);

export async function main(argv: string[], workerUrl: string): Promise<number> {
  try {
    const o = parseCli(argv);
    if (o.help) return write(await usage()), 0;
    if (o.version) return write(`tracee ${VERSION}\n`), 0;
    if (wantsHelp(o.trace)) return write(traceHelp()), 0;
    if (wantsOutputHelp(o.output)) return write(outputHelp()), 0;
    if (o.capture.length === 1 && o.capture[0] === "help") return write(captureHelp()), 0;
    setDebug(o.debug);
    const output = parseOutputOptions(o.output);
    if (o.list) return write(output.format === "json" ? listJson() : listText()), 0;
    const plan = parseTrace(o.trace, { follow: o.follow });
    for (const w of plan.warnings) log.warn(w);
    const capture = parseCapture(o.capture);
    if (capture.write || capture.exec || capture.mem) {
      throw new UsageError("--capture write/exec/mem is not available in this build yet; only dir: and clear-dir are accepted");
    }
    return await runSession({
      plan, output, capture, workerUrl,
      perfPages: o.perfBufferSize,
      installPath: o.installPath,
      buildPolicy: o.buildPolicy,
      btfFile: o.btfFile,
    });
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`tracee: ${e.message}\n`);
      return 2;
    }
    if (e instanceof PreflightError || e instanceof BpfError) {
      process.stderr.write(`tracee: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`tracee: ${e instanceof Error ? e.message : String(e)}\n`);
    if (e instanceof Error && e.stack) log.debug(e.stack);
    return 1;
  }
}
