// The output layer's public surface: options, printers, argument parsing.
export { outputHelp, parseOutputOptions, parsesArguments, wantsOutputHelp } from "./options.ts";
export type { OutputConfig, OutputFormat, OutputOptions } from "./options.ts";
export { createPrinter, type PrinterContext } from "./create.ts";
export { statsText, type Printer, type Stats } from "./printer.ts";
export { errnoName, parseArguments } from "./parse-args.ts";
export { TemplateError } from "./template.ts";
