// The fixed-width table printers (table, table-verbose, container mode) in the seed's v0.5 layout.
import { MAX_SYSCALL_ID, SYS_EXIT } from "../events/schema.ts";
import type { TraceEvent } from "../events/types.ts";
import { argText } from "./go-value.ts";
import { errnoName, parseArguments } from "./parse-args.ts";
import { statsText, type Printer, type Stats } from "./printer.ts";
import type { EventClock } from "./time.ts";
import { visible } from "./visible.ts";

export interface TableOptions {
  verbose: boolean;
  /** Container mode (`--trace container...`): adds UTS_NAME and CONTAINER_ID, shows namespace/host ids. */
  container: boolean;
  eot: boolean;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** PAD[k] is k spaces: padding is on the hot path, and String.repeat allocates a new string per call. */
const PAD = Array.from({ length: 33 }, (_, k) => " ".repeat(k));

/** Go `%-Ns`: pads to N characters (code points), never cuts. */
function cell(s: string, width: number): string {
  const n = SURROGATE.test(s) ? [...s].length : s.length;
  if (n >= width) return s;
  const k = width - n;
  return s + (k < PAD.length ? PAD[k] : " ".repeat(k));
}

type Col = [title: string, width: number, value: (ev: TraceEvent) => string];

const ids = (ns: number, host: number) => cell(String(ns), 7) + "/" + cell(String(host), 7);

function columns(o: TableOptions, clock: EventClock): Col[] {
  const wide = o.verbose || o.container;
  const cols: Col[] = [["TIME(s)", 14, (ev) => clock.seconds(ev)]];
  if (wide) {
    cols.push(["UTS_NAME", 16, (ev) => visible(ev.hostName)]);
    cols.push(["CONTAINER_ID", 13, (ev) => visible(ev.containerId.slice(0, 12))]);
  }
  if (o.verbose) {
    cols.push(["MNT_NS", 12, (ev) => String(ev.mountNamespace)]);
    cols.push(["PID_NS", 12, (ev) => String(ev.pidNamespace)]);
  }
  cols.push(["UID", 6, (ev) => String(ev.userId)]);
  cols.push(["COMM", 16, (ev) => visible(ev.processName)]);
  if (o.container) {
    cols.push(["PID/host", 15, (ev) => ids(ev.processId, ev.hostProcessId)]);
    cols.push(["TID/host", 15, (ev) => ids(ev.threadId, ev.hostThreadId)]);
    if (o.verbose) cols.push(["PPID/host", 15, (ev) => ids(ev.parentProcessId, ev.hostParentProcessId)]);
  } else {
    cols.push(["PID", 7, (ev) => String(ev.processId)]);
    cols.push(["TID", 7, (ev) => String(ev.threadId)]);
    if (o.verbose) cols.push(["PPID", 7, (ev) => String(ev.parentProcessId)]);
  }
  return cols;
}

/** Syscall returns, where a negative value is an errno. */
const isSyscallReturn = (ev: TraceEvent) => ev.eventId <= MAX_SYSCALL_ID || ev.eventId === SYS_EXIT;

export class TablePrinter implements Printer {
  private readonly cols: Col[];

  constructor(private readonly clock: EventClock, private readonly o: TableOptions) {
    this.cols = columns(o, clock);
  }

  header(): string {
    // RET sits right after the previous column: its first character is the sign position (Go `% -16d`).
    return this.cols.map(([t, w]) => cell(t, w)).join(" ") + cell(" RET", 16) + " " + cell("EVENT", 20) + " ARGS\n";
  }

  private ret(ev: TraceEvent): string {
    const r = ev.returnValue;
    let s = r < 0 ? String(r) : " " + String(r);
    if (this.o.verbose && r < 0 && isSyscallReturn(ev)) {
      const name = errnoName(r);
      if (name) s += " " + name;
    }
    return cell(s, 16);
  }

  event(raw: TraceEvent): string {
    const ev = parseArguments(raw);
    let line = "";
    for (const [, w, value] of this.cols) line += cell(value(ev), w) + " ";
    const name = visible(ev.eventName);
    line = line.slice(0, -1) + this.ret(ev) + " ";
    // Without args the row ends at the event name (no trailing padding).
    if (!ev.args.length) return line + name + "\n";
    line += cell(name, 20) + " ";
    for (let i = 0; i < ev.args.length; i++) {
      const a = ev.args[i];
      line += (i ? ", " : "") + a.name + ": " + visible(argText(a));
    }
    return line + "\n";
  }

  end(): string {
    return this.o.eot ? "End of events stream\n" : "";
  }

  footer(stats: Stats): string {
    return (this.o.eot ? "" : "End of events stream\n") + statsText(stats) + "\n";
  }
}
