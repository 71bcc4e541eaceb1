// Hand-built decoded events for the output tests (the seed README's sample rows and hostile variants).
import { EVENT_BY_NAME, argTypeOf } from "../../src/events/schema.ts";
import type { ArgValue, EventArg, TraceEvent } from "../../src/events/types.ts";

/** An argument typed from the schema's declaration of `event`'s parameter `name`. */
export function arg(event: string, name: string, value: ArgValue, truncated?: boolean): EventArg {
  const p = EVENT_BY_NAME.get(event)?.params.find((x) => x.name === name);
  const type = p?.type ?? "int";
  return { name, type, wire: p?.wire ?? argTypeOf(type), value, ...(truncated ? { truncated } : {}) };
}

export function event(eventName: string, over: Partial<TraceEvent> = {}): TraceEvent {
  return {
    tsSec: 176751, tsNsec: 746515000, cgroupId: 0,
    processId: 14726, threadId: 14726, parentProcessId: 14700,
    hostProcessId: 14726, hostThreadId: 14726, hostParentProcessId: 14700,
    userId: 1000, mountNamespace: 4026531840, pidNamespace: 4026531836,
    processName: "zsh", hostName: "laptop", containerId: "",
    eventId: EVENT_BY_NAME.get(eventName)?.id ?? 0, eventName,
    returnValue: 0, stackId: 0, stackAddresses: null, flags: 0, cpu: 0, args: [],
    ...over,
  };
}

/** The four rows of the seed README's "Understanding the output" sample. */
export const README_EVENTS: TraceEvent[] = [
  event("execve", { args: [arg("execve", "pathname", "/usr/bin/ls"), arg("execve", "argv", ["ls"])] }),
  event("security_bprm_check", {
    tsNsec: 746772000,
    args: [arg("security_bprm_check", "pathname", "/usr/bin/ls"), arg("security_bprm_check", "dev", 8388610),
      arg("security_bprm_check", "inode", 777)],
  }),
  event("access", {
    tsNsec: 747044000, processName: "ls", returnValue: -2,
    args: [arg("access", "pathname", "/etc/ld.so.preload"), arg("access", "mode", 4)],
  }),
  event("security_file_open", {
    tsNsec: 747077000, processName: "ls",
    args: [arg("security_file_open", "pathname", "/etc/ld.so.cache"), arg("security_file_open", "flags", 0o100000),
      arg("security_file_open", "dev", 8388610), arg("security_file_open", "inode", 533737)],
  }),
];

export const README_TABLE = `TIME(s)        UID    COMM             PID     TID     RET             EVENT                ARGS
176751.746515  1000   zsh              14726   14726   0               execve               pathname: /usr/bin/ls, argv: [ls]
176751.746772  1000   zsh              14726   14726   0               security_bprm_check  pathname: /usr/bin/ls, dev: 8388610, inode: 777
176751.747044  1000   ls               14726   14726  -2               access               pathname: /etc/ld.so.preload, mode: R_OK
176751.747077  1000   ls               14726   14726   0               security_file_open   pathname: /etc/ld.so.cache, flags: O_RDONLY|O_LARGEFILE, dev: 8388610, inode: 533737
`;
