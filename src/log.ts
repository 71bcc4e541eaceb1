// The one consola instance; it writes everything to stderr, because stdout carries events only. It is created on the
// first message that is shown: loading consola (and node:util behind it) is a noticeable part of start-up, and a
// quiet session never needs it.
import type { ConsolaInstance } from "consola";

let instance: ConsolaInstance | null = null;
let level = 3; // info; --debug raises it to 4

function consola(): ConsolaInstance {
  if (instance === null) {
    const { createConsola } = require("consola") as typeof import("consola");
    instance = createConsola({
      stdout: stderr(),
      stderr: stderr(),
      level,
      // the same plain `[debug] ...` lines in every pipe and log file, whatever the environment says (consola would
      // otherwise switch reporters on CI=1 or NODE_ENV=test); the fancy one only for a person at a terminal
      fancy: process.stderr.isTTY === true,
      formatOptions: { date: false, colors: process.stderr.isTTY === true },
    });
  }
  return instance;
}

type LogFn = (message: unknown, ...rest: unknown[]) => void;

export const log = {
  get level(): number {
    return level;
  },
  set level(v: number) {
    level = v;
    if (instance) instance.level = v;
  },
  error: ((...a) => consola().error(...(a as [unknown]))) as LogFn,
  warn: ((...a) => consola().warn(...(a as [unknown]))) as LogFn,
  info: ((...a) => {
    if (level >= 3) consola().info(...(a as [unknown]));
  }) as LogFn,
  debug: ((...a) => {
    if (level >= 4) consola().debug(...(a as [unknown]));
  }) as LogFn,
};

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
// The streams are made on first use, not at start-up: creating process.stdout/stderr loads Node's stream modules,
// tens of milliseconds that a session writing its events through its own sinks never needs.
// Each is made alone: a session's events go to fd 1 through their own sink, and a stream on a stalled stdout pipe
// would hold process.exit() back (a second Ctrl-C must end tracee at once).
const guarded = new Set<NodeJS.WriteStream>();
function guard(s: NodeJS.WriteStream): NodeJS.WriteStream {
  if (!guarded.has(s)) {
    guarded.add(s);
    s.on("error", () => {});
  }
  return s;
}
/** process.stdout, with write errors (a closed pipe) ignored. */
export const stdout = (): NodeJS.WriteStream => guard(process.stdout);
/** process.stderr, with write errors (a closed pipe) ignored. */
export const stderr = (): NodeJS.WriteStream => guard(process.stderr);
