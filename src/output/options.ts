// Parses the repeated `--output` values (format, destinations, options) into one OutputConfig.
import { UsageError } from "../errors.ts";

export { outputHelp } from "./help.ts";

export type OutputFormat = "table" | "table-verbose" | "json" | "gotemplate" | "none";

export interface OutputOptions {
  stackAddresses: boolean;
  detectSyscall: boolean;
  execEnv: boolean;
  relativeTime: boolean;
  execHash: boolean;
  parseArguments: boolean;
  eot: boolean;
}

export interface OutputConfig {
  format: OutputFormat;
  /** Template file of `gotemplate=PATH`. */
  templatePath?: string;
  /** Events go here instead of stdout. */
  outFile?: string;
  /** Errors and statistics go here instead of stderr. */
  errFile?: string;
  options: OutputOptions;
}

const OPTION_KEYS: Record<string, keyof OutputOptions> = {
  "stack-addresses": "stackAddresses",
  "detect-syscall": "detectSyscall",
  "exec-env": "execEnv",
  "relative-time": "relativeTime",
  "exec-hash": "execHash",
  "exec-info": "execHash", // v0.6.2-v0.6.4 name of exec-hash
  "parse-arguments": "parseArguments",
  eot: "eot",
};

const FORMAT_HINT = "use table, table-verbose, json, gotemplate=/path or none";

/** True when `--output help` was given alone: print outputHelp() and exit 0. */
export function wantsOutputHelp(values: readonly string[]): boolean {
  return values.length === 1 && values[0] === "help";
}

function parseFormat(word: string): { format: OutputFormat; templatePath?: string } {
  switch (word) {
    case "table": case "table-verbose": case "json": case "none":
      return { format: word };
    case "gob":
      throw new UsageError("output format gob is not supported: it is Go's own encoding; use json (one object per line) instead");
    case "gotemplate":
      throw new UsageError("gotemplate needs a template file: use gotemplate=/path/to/file.tmpl");
  }
  if (word.startsWith("gotemplate=")) {
    const templatePath = word.slice("gotemplate=".length);
    if (!templatePath) throw new UsageError("gotemplate needs a template file: use gotemplate=/path/to/file.tmpl");
    return { format: "gotemplate", templatePath };
  }
  throw new UsageError(`unrecognized output format: ${word} (${FORMAT_HINT})`);
}

/** Folds every `--output` value, in order, into one configuration (table when no format is given). */
export function parseOutputOptions(values: readonly string[]): OutputConfig {
  const options: OutputOptions = {
    stackAddresses: false, detectSyscall: false, execEnv: false, relativeTime: false,
    execHash: false, parseArguments: false, eot: false,
  };
  const cfg: OutputConfig = { format: "table", options };
  let chosen: string | undefined;
  const setFormat = (word: string) => {
    const f = parseFormat(word);
    if (chosen !== undefined && chosen !== word) {
      throw new UsageError(`conflicting output formats: ${chosen} and ${word} (give one format)`);
    }
    chosen = word;
    cfg.format = f.format;
    if (f.templatePath) cfg.templatePath = f.templatePath;
  };

  for (const raw of values) {
    const value = raw.trim();
    if (value === "help") throw new UsageError("give --output help alone to list the output options");
    if (value === "eot") { options.eot = true; continue; }
    const colon = value.indexOf(":");
    if (colon < 0) { setFormat(value); continue; }
    const key = value.slice(0, colon);
    const arg = value.slice(colon + 1);
    switch (key) {
      case "format":
        setFormat(arg);
        break;
      case "out-file":
      case "err-file":
        if (!arg) throw new UsageError(`${key} needs a path: use ${key}:/path/to/file`);
        if (key === "out-file") cfg.outFile = arg; else cfg.errFile = arg;
        break;
      case "option": {
        const opt = OPTION_KEYS[arg];
        if (!opt) {
          throw new UsageError(`invalid output option: ${arg} (use ${Object.keys(OPTION_KEYS).filter((k) => k !== "exec-info").join(", ")}; see --output help)`);
        }
        options[opt] = true;
        break;
      }
      default:
        throw new UsageError(`invalid output value: ${value} (use format:, out-file:, err-file: or option:; see --output help)`);
    }
  }
  return cfg;
}

/** Whether a printer turns raw argument values into readable names: always in tables, on request elsewhere. */
export function parsesArguments(cfg: OutputConfig): boolean {
  return cfg.format === "table" || cfg.format === "table-verbose" || cfg.options.parseArguments;
}
