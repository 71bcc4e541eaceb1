// Decides whether a session's events can be printed straight from their staged bytes, and by which printer.
import type { TracePlan } from "../filter/plan.ts";
import { filtersInUserSpace } from "../filter/userspace.ts";
import { parsesArguments, type OutputConfig } from "../output/options.ts";
import type { RawFormat } from "./pipeline.ts";

/**
 * The raw printer for this output, or null when events must go through TraceEvent objects: other formats
 * (templates, table-verbose, the container table, json with parse-arguments), user-space filters, or options
 * that add to each event (exec-hash, stack-addresses). A new per-event consumer of objects belongs here too.
 */
export function rawFormat(output: OutputConfig, plan: TracePlan, containerMode: boolean): RawFormat | null {
  const opt = output.options;
  if (opt.execHash || opt.stackAddresses || filtersInUserSpace(plan)) return null;
  if (output.format === "json" && !parsesArguments(output)) return "json";
  if (output.format === "table" && !containerMode) return "table";
  return null;
}
