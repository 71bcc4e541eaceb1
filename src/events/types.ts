// The decoded event as user space passes it from the decoder through filters to the printers.
import type { ArgTypeName } from "./schema.ts";

/** 64-bit values stay numbers while exact (|v| < 2^53) and become bigints beyond. */
export type Int64 = number | bigint;

export interface SockAddr {
  sa_family: string;
  [key: string]: string;
}

export interface Cred {
  Uid: number; Gid: number; Suid: number; Sgid: number; Euid: number; Egid: number; Fsuid: number; Fsgid: number;
  UserNamespace: number; SecureBits: number;
  CapInheritable: Int64; CapPermitted: Int64; CapEffective: Int64; CapBounding: Int64; CapAmbient: Int64;
}

export type ArgValue =
  | number
  | bigint
  | string
  | string[]
  | Uint8Array
  | SockAddr
  | Cred
  | [number, number]
  | { tv_sec: Int64; tv_nsec: Int64 };

export interface EventArg {
  name: string;
  /** Declared C type, as the reference's JSON `type` field shows it. */
  type: string;
  wire: ArgTypeName;
  value: ArgValue;
  /** Set when the kernel cut the value short (string, array, bytes). */
  truncated?: boolean;
}

export interface TraceEvent {
  /** ns since boot, split so that no precision is lost: ts = tsSec * 1e9 + tsNsec. */
  tsSec: number;
  tsNsec: number;
  cgroupId: bigint | number;
  processId: number;
  threadId: number;
  parentProcessId: number;
  hostProcessId: number;
  hostThreadId: number;
  hostParentProcessId: number;
  userId: number;
  mountNamespace: number;
  pidNamespace: number;
  processName: string;
  hostName: string;
  containerId: string;
  eventId: number;
  eventName: string;
  returnValue: Int64;
  stackId: number;
  stackAddresses: Int64[] | null;
  flags: number;
  cpu: number;
  args: EventArg[];
}
