// The command: parses argv, answers --help, --version, --list and the help pages, or runs a tracing session.
import { BpfError } from "../../ffi/errors.ts";
import { captureHelp, parseCapture } from "../capture/options.ts";
import { captureEvents } from "../capture/session.ts";
import { errorLine, UsageError } from "../errors.ts";
import { traceHelp, wantsHelp } from "../filter/help.ts";
import { parseTrace, withEssential } from "../filter/parse.ts";
import { log, setDebug, stderr, stdout } from "../log.ts";
import { outputHelp, parseOutputOptions, wantsOutputHelp } from "../output/options.ts";
import { PreflightError } from "../tracer/preflight.ts";
import { runSession } from "../tracer/session.ts";
import { unavailableEvents } from "../tracer/programs.ts";
import { ARGS, EXAMPLES } from "./args.ts";
import { listJson, listText } from "./list.ts";
import { buildCommand } from "../bpf-object/host.ts";
import { versionText } from "./version.ts";
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
  return stdout().isTTY ? text : text.replace(/\x1b\[[0-9;]*m/g, "");
}

const write = (s: string) => stdout().write(s);

export async function main(argv: string[], workerUrl: string): Promise<number> {
  try {
    const o = parseCli(argv);
    if (o.help) return write(await usage()), 0;
    if (o.version) return write(await versionText(VERSION, o.debug)), 0;
    if (wantsHelp(o.trace)) return write(traceHelp()), 0;
    if (wantsOutputHelp(o.output)) return write(outputHelp()), 0;
    if (o.capture.length === 1 && o.capture[0] === "help") return write(captureHelp()), 0;
    setDebug(o.debug);
    if (o.buildBpf) return await buildCommand(o.installPath, o.debug);
    // every flag is checked before anything runs, --list included: a mistake is never silently ignored
    const output = parseOutputOptions(o.output);
    const capture = parseCapture(o.capture);
    const plan = withEssential(parseTrace(o.trace, { follow: o.follow }), captureEvents(capture));
    if (o.list) {
      const unavailable = unavailableEvents();
      return write(output.format === "json" ? listJson(unavailable) : listText(unavailable)), 0;
    }
    for (const w of plan.warnings) log.warn(w);
    return await runSession({
      plan, output, capture, workerUrl,
      perfPages: o.perfBufferSize,
      blobPages: o.blobPerfBufferSize,
      installPath: o.installPath,
      buildPolicy: o.buildPolicy,
      btfFile: o.btfFile,
    });
  } catch (e) {
    if (e instanceof UsageError) {
      stderr().write(errorLine(e.message));
      return 2;
    }
    if (e instanceof PreflightError || e instanceof BpfError) {
      stderr().write(errorLine(e.message));
      return 1;
    }
    stderr().write(errorLine(e instanceof Error ? e.message : String(e)));
    if (e instanceof Error && e.stack) log.debug(e.stack);
    return 1;
  }
}
