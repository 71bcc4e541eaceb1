// The gotemplate printer: runs a Go text/template subset once per event with the Go Event struct's field names.
import type { ArgValue, EventArg, TraceEvent } from "../events/types.ts";
import { execute } from "./gotemplate/exec.ts";
import { parseTemplate, type Template } from "./gotemplate/parse.ts";
import { GO_TYPE } from "./gotemplate/printf.ts";
import { parseArguments } from "./parse-args.ts";
import { eotEvent, statsText, type Printer, type Stats } from "./printer.ts";
import type { EventClock } from "./time.ts";

export { TemplateError } from "./gotemplate/exec.ts";
export { parseTemplate, type Template } from "./gotemplate/parse.ts";

/** Go's view of a value: sockaddrs are maps (map[string]string), everything else keeps its shape. */
function goArgValue(arg: EventArg): ArgValue | Map<string, string> {
  const v = arg.value;
  return arg.wire === "sockaddr" && typeof v === "object" && v !== null ? new Map(Object.entries(v as Record<string, string>)) : v;
}

/** The data a template sees for one event: the fields of tracee's Go `Event` struct. */
export function templateData(ev: TraceEvent, timestamp: bigint): Record<string, unknown> {
  return {
    Timestamp: timestamp,
    ProcessID: ev.processId,
    ThreadID: ev.threadId,
    ParentProcessID: ev.parentProcessId,
    HostProcessID: ev.hostProcessId,
    HostThreadID: ev.hostThreadId,
    HostParentProcessID: ev.hostParentProcessId,
    UserID: ev.userId,
    MountNS: ev.mountNamespace,
    PIDNS: ev.pidNamespace,
    ProcessName: ev.processName,
    HostName: ev.hostName,
    ContainerID: ev.containerId,
    EventID: ev.eventId,
    EventName: ev.eventName,
    ArgsNum: ev.args.length,
    ReturnValue: ev.returnValue,
    StackAddresses: ev.stackAddresses ?? [],
    Args: ev.args.map((a) => ({ Name: a.name, Type: a.type, Value: goArgValue(a), [GO_TYPE]: "trace.Argument" })),
    [GO_TYPE]: "trace.Event",
  };
}

export interface TemplateOptions { parse: boolean; eot: boolean }

export class TemplatePrinter implements Printer {
  constructor(private readonly tpl: Template, private readonly clock: EventClock, private readonly o: TemplateOptions) {}

  header(): null {
    return null;
  }

  /** Throws TemplateError when the template fails on this event; report it and go on. */
  event(raw: TraceEvent): string {
    const ev = this.o.parse ? parseArguments(raw) : raw;
    return execute(this.tpl, templateData(ev, BigInt(this.clock.stamp(ev))));
  }

  end(): string {
    return this.o.eot ? execute(this.tpl, templateData(eotEvent(), 0n)) : "";
  }

  footer(stats: Stats): string {
    return statsText(stats) + "\n";
  }
}

/** Compiles template text; `name` (the file) prefixes syntax errors: `name:LINE: message`. */
export function compileTemplate(text: string, name: string): Template {
  return parseTemplate(text, name);
}
