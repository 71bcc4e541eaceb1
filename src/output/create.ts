// Builds the printer an OutputConfig asks for.
import { readFileSync } from "node:fs";
import { UsageError } from "../errors.ts";
import { JsonPrinter } from "./json.ts";
import { parsesArguments, type OutputConfig } from "./options.ts";
import { statsText, type Printer, type Stats } from "./printer.ts";
import { TablePrinter } from "./table.ts";
import { compileTemplate, TemplatePrinter } from "./template.ts";
import { EventClock } from "./time.ts";

export interface PrinterContext {
  /** Wall-clock epoch ns of boot: epoch time of an event = bootEpochNs + its boot-relative ns. */
  bootEpochNs: bigint;
  /** Boot-relative ns when tracing started (the zero of option:relative-time). */
  startMonoNs: bigint;
  /** `--trace container`, `container=new` or `container!=new` was given. */
  containerMode?: boolean;
  /** Reads the gotemplate file (tests pass their own); defaults to the file system. */
  readTemplate?: (path: string) => string;
}

class NonePrinter implements Printer {
  header(): null { return null; }
  event(): string { return ""; }
  end(): string { return ""; }
  footer(stats: Stats): string { return statsText(stats) + "\n"; }
}

function readTemplate(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    throw new UsageError(`cannot read template file ${path}: ${code} (give a readable file: gotemplate=/path/to/file.tmpl)`);
  }
}

/** The printer for `cfg`; a gotemplate file is read and parsed here, once (a syntax error is a UsageError). */
export function createPrinter(cfg: OutputConfig, ctx: PrinterContext): Printer {
  const o = cfg.options;
  const clock = new EventClock(ctx.bootEpochNs, ctx.startMonoNs, o.relativeTime);
  switch (cfg.format) {
    case "table":
    case "table-verbose":
      return new TablePrinter(clock, { verbose: cfg.format === "table-verbose", container: ctx.containerMode === true, eot: o.eot });
    case "json":
      return new JsonPrinter(clock, { parse: parsesArguments(cfg), eot: o.eot });
    case "gotemplate": {
      const path = cfg.templatePath!;
      const tpl = compileTemplate((ctx.readTemplate ?? readTemplate)(path), path);
      return new TemplatePrinter(tpl, clock, { parse: parsesArguments(cfg), eot: o.eot });
    }
    case "none":
      return new NonePrinter();
  }
}
