// The one interface every output format implements, and the statistics printed when the stream ends.
import type { TraceEvent } from "../events/types.ts";
import type { OutBuf } from "./out-buf.ts";

export interface Stats {
  EventCount: number;
  ErrorCount: number;
  LostEvCount: number;
  LostWrCount: number;
  LostNtCount: number;
}

export interface Printer {
  /** Text for the output stream before the first event (the table header), or null. */
  header(): string | null;
  /** One event's text for the output stream, line end included where the format has one. */
  event(ev: TraceEvent): string;
  /** Fast path where a format has one: writes exactly the bytes of event(ev) into `o`. */
  eventInto?(ev: TraceEvent, o: OutBuf): void;
  /** Text for the output stream after the last event: the end-of-transmission marker with option:eot, else "". */
  end(): string;
  /** Text for the error stream when tracing stops: the statistics. */
  footer(stats: Stats): string;
}

/** `Stats: {EventCount:N ErrorCount:N LostEvCount:N LostWrCount:N LostNtCount:N}` (Go `%+v`). */
export function statsText(s: Stats): string {
  return `Stats: {EventCount:${s.EventCount} ErrorCount:${s.ErrorCount} LostEvCount:${s.LostEvCount} ` +
    `LostWrCount:${s.LostWrCount} LostNtCount:${s.LostNtCount}}`;
}

/** An event carrying nothing but the EOT name (U+0004), the stream terminator json and templates print. */
export function eotEvent(): TraceEvent {
  return {
    tsSec: 0, tsNsec: 0, cgroupId: 0, processId: 0, threadId: 0, parentProcessId: 0, hostProcessId: 0,
    hostThreadId: 0, hostParentProcessId: 0, userId: 0, mountNamespace: 0, pidNamespace: 0, processName: "",
    hostName: "", containerId: "", eventId: 0, eventName: "\u0004", returnValue: 0, stackId: 0,
    stackAddresses: null, flags: 0, cpu: 0, args: [],
  };
}
