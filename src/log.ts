// The one consola instance; it writes everything to stderr, because stdout carries events only.
import { createConsola, type ConsolaInstance } from "consola";

export const log: ConsolaInstance = createConsola({
  stdout: process.stderr,
  stderr: process.stderr,
  level: 3, // info; --debug raises it to 4
  // the same plain `[debug] ...` lines in every pipe and log file, whatever the environment says (consola would
  // otherwise switch reporters on CI=1 or NODE_ENV=test); the fancy one only for a person at a terminal
  fancy: process.stderr.isTTY === true,
  formatOptions: { date: false, colors: process.stderr.isTTY === true },
});

export function setDebug(on: boolean): void {
  log.level = on ? 4 : 3;
}

/** libbpf's own messages: warnings stay visible, the rest only with --debug. */
export function libbpfLog(level: number, msg: string): void {
  if (level === 0) log.warn(`libbpf: ${msg}`);
  else log.debug(`libbpf: ${msg}`);
}

// With stderr (or stdout, for --help and --list) gone, as in `tracee 2>&1 | head`, a log line has nowhere to go:
// that must neither crash tracee nor skip its cleanup (an unhandled EPIPE error event ended it with exit 1).
process.stderr.on("error", () => {});
process.stdout.on("error", () => {});
