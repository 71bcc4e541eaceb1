// init_namespaces (2000): the namespaces of PID 1 (the host's), sent once when tracing starts, from /proc/1/ns.
import { readlinkSync } from "node:fs";
import type { EventArg, TraceEvent } from "./types.ts";
import { EVENT_BY_NAME } from "./schema.ts";

const DEF = EVENT_BY_NAME.get("init_namespaces")!;
// argument name -> /proc/1/ns entry
const ENTRY: Record<string, string> = { pid_for_children: "pid_for_children", time_for_children: "time_for_children" };

/** The inode number of a namespace link ("mnt:[4026531841]"), or null when the kernel lacks it. */
function nsInode(name: string, root: string): number | null {
  try {
    const m = /\[(\d+)\]$/.exec(readlinkSync(`${root}/${ENTRY[name] ?? name}`));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * The event, timed `bootNs` (ns since boot, like kernel events); namespaces the kernel lacks are absent.
 * Where PID 1's links cannot be read (a sandbox that hides PID 1 even from root), tracee's own namespaces
 * are used: tracing host-wide means running in the host's namespaces.
 */
export function initNamespacesEvent(bootNs: bigint, roots = ["/proc/1/ns", "/proc/self/ns"]): TraceEvent {
  const args: EventArg[] = [];
  const root = roots.find((r) => nsInode("mnt", r) !== null) ?? roots[0];
  for (const p of DEF.params) {
    const v = nsInode(p.name, root);
    if (v !== null) args.push({ name: p.name, type: p.type, wire: p.wire, value: v });
  }
  return {
    tsSec: Number(bootNs / 1_000_000_000n), tsNsec: Number(bootNs % 1_000_000_000n),
    cgroupId: 0, processId: 0, threadId: 0, parentProcessId: 0, hostProcessId: 0, hostThreadId: 0,
    hostParentProcessId: 0, userId: 0, mountNamespace: 0, pidNamespace: 0, processName: "tracee", hostName: "",
    containerId: "", eventId: DEF.id, eventName: DEF.name, returnValue: 0, stackId: 0, stackAddresses: null,
    flags: 0, cpu: 0, args,
  };
}
