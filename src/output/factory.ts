// Builds the printer the output configuration asks for.
import { EventClock } from "./time.ts";
import { JsonPrinter } from "./json.ts";
import { TablePrinter } from "./table.ts";
import type { OutputConfig } from "./options.ts";
import type { Printer } from "./printer.ts";

export interface PrinterContext { bootEpochNs: bigint; startMonoNs: bigint; containerMode: boolean }

export async function createPrinter(cfg: OutputConfig, ctx: PrinterContext): Promise<Printer> {
  const clock = new EventClock(ctx.bootEpochNs, ctx.startMonoNs, cfg.options.relativeTime);
  switch (cfg.format) {
    case "json":
      return new JsonPrinter(clock, { parse: cfg.options.parseArguments, eot: cfg.options.eot });
    case "table":
    case "table-verbose":
      return new TablePrinter(clock, { verbose: cfg.format === "table-verbose", container: ctx.containerMode, eot: cfg.options.eot });
    default:
      throw new Error(`output format ${cfg.format} is not wired yet`);
  }
}
