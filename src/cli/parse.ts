// Strict parsing of argv against the flag definitions: unknown flags, missing values and stray words are usage errors.
import { parseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import { ARGS, REPEATABLE } from "./args.ts";

export interface CliOptions {
  list: boolean;
  trace: string[];
  capture: string[];
  output: string[];
  follow: boolean;
  perfBufferSize: number;
  blobPerfBufferSize: number;
  installPath: string;
  buildPolicy: "never" | "if-needed" | "always";
  buildBpf: boolean;
  btfFile?: string;
  debug: boolean;
  version: boolean;
  help: boolean;
}

function pages(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 1 << 20 || (n & (n - 1)) !== 0) {
    throw new UsageError(`invalid --${flag} ${JSON.stringify(v)}: give a power of 2 number of pages, e.g. 1024`);
  }
  return n;
}

export function parseCli(argv: string[]): CliOptions {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [name, def] of Object.entries(ARGS)) {
    const short = "alias" in def ? def.alias.find((a) => a.length === 1) : undefined;
    options[name] = { type: def.type, ...(short ? { short } : {}), ...(REPEATABLE.has(name) ? { multiple: true } : {}) };
  }
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true }));
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional.*$/s, "").replace(/\s+/g, " ");
    throw new UsageError(`${msg} (see tracee --help)`);
  }
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}: tracee takes flags only (see tracee --help)`);
  const str = (k: keyof typeof ARGS) => (values[k] as string | undefined) ?? ("default" in ARGS[k] ? (ARGS[k] as { default: string }).default : undefined);
  const list = (k: string) => (values[k] as string[] | undefined) ?? [];
  const policy = str("build-policy")!;
  if (policy !== "never" && policy !== "if-needed" && policy !== "always") {
    throw new UsageError(`invalid --build-policy ${JSON.stringify(policy)}: use never, if-needed or always`);
  }
  if (values["build-bpf"] === true && values["build-policy"] === "never") {
    throw new UsageError("--build-bpf builds the eBPF object, which --build-policy never forbids: drop one of them");
  }
  const installPath = str("install-path")!;
  if (!installPath) throw new UsageError("--install-path cannot be empty: give a folder, e.g. /tmp/tracee");
  return {
    list: values.list === true,
    trace: list("trace"),
    capture: list("capture"),
    output: list("output"),
    follow: values.follow === true,
    perfBufferSize: pages("perf-buffer-size", str("perf-buffer-size")!),
    blobPerfBufferSize: pages("blob-perf-buffer-size", str("blob-perf-buffer-size")!),
    installPath,
    buildPolicy: policy,
    buildBpf: values["build-bpf"] === true,
    btfFile: values["btf-file"] as string | undefined,
    debug: values.debug === true,
    version: values.version === true,
    help: values.help === true,
  };
}
