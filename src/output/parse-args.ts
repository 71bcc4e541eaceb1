// Turns raw argument values into readable names (reference §4.7, "parse-arguments") without touching the input event.
import { EVENT_BY_ID, MAX_SYSCALL_ID } from "../events/schema.ts";
import type { ArgValue, EventArg, TraceEvent } from "../events/types.ts";
import {
  accessMode, cloneFlags, execveatFlags, fileMode, mmapFlags, namespaceFlags, openFlags, protFlags, socketType,
} from "./flags.ts";
import {
  accessAtFlags, atFlags, clockId, fcntlCommand, fdFlags, flockOperation, madviseAdvice, memfdFlags, mlockallFlags,
  mountFlags, msyncFlags, seekWhence, shutdownHow, sockFlags, umountFlags, waitOptions,
} from "./more-flags.ts";
import {
  ADDRESS_FAMILIES, CAPABILITIES, bpfCommand, memProtAlert, nameAt, prctlOption, ptraceRequest, readFileType, signalName,
} from "./names.ts";

export { errnoName } from "./names.ts";

/** A readable rendering, or undefined to keep the raw number (a value with no name). */
export type Parser = (v: number) => string | undefined;

export const syscallName: Parser = (id) => (id >= 0 && id <= MAX_SYSCALL_ID ? EVENT_BY_ID.get(id)?.name : undefined);
export const capabilityName: Parser = (c) => nameAt(CAPABILITIES, c);
export const addressFamily: Parser = (f) => nameAt(ADDRESS_FAMILIES, f);
const signal: Parser = signalName;
const ptrace: Parser = ptraceRequest;
const prctl: Parser = prctlOption;
const bpfCmd: Parser = bpfCommand;
const readFile: Parser = readFileType;

/** Which argument of which event gets which parser. */
export const PARSERS: Record<string, Record<string, Parser>> = {
  sys_enter: { syscall: syscallName },
  sys_exit: { syscall: syscallName },
  cap_capable: { cap: capabilityName, syscall: syscallName },
  commit_creds: { syscall: syscallName },
  security_file_open: { flags: openFlags, syscall: syscallName },
  open: { flags: openFlags },
  openat: { flags: openFlags },
  mmap: { prot: protFlags, flags: mmapFlags },
  mprotect: { prot: protFlags },
  pkey_mprotect: { prot: protFlags },
  ptrace: { request: ptrace },
  prctl: { option: prctl },
  socket: { domain: addressFamily, type: socketType },
  socketpair: { domain: addressFamily, type: socketType },
  security_socket_create: { family: addressFamily, type: socketType },
  access: { mode: accessMode },
  faccessat: { mode: accessMode },
  execveat: { flags: execveatFlags },
  mknod: { mode: fileMode },
  mknodat: { mode: fileMode },
  chmod: { mode: fileMode },
  fchmod: { mode: fileMode },
  fchmodat: { mode: fileMode },
  security_inode_mknod: { mode: fileMode },
  sched_process_exec: { stdin_type: fileMode },
  clone: { flags: cloneFlags },
  unshare: { flags: namespaceFlags },
  setns: { nstype: namespaceFlags },
  kill: { sig: signal },
  tkill: { sig: signal },
  tgkill: { sig: signal },
  rt_sigqueueinfo: { sig: signal },
  rt_tgsigqueueinfo: { sig: signal },
  pidfd_send_signal: { sig: signal },
  bpf: { cmd: bpfCmd },
  security_bpf: { cmd: bpfCmd },
  mem_prot_alert: { alert: memProtAlert },
  security_kernel_read_file: { type: readFile },
  security_kernel_post_read_file: { type: readFile },
  // beyond the reference's list (src/output/more-flags.ts)
  rt_sigaction: { signum: signal },
  accept4: { flags: sockFlags },
  dup3: { flags: fdFlags },
  pipe2: { flags: fdFlags },
  eventfd2: { flags: fdFlags },
  signalfd4: { flags: fdFlags },
  inotify_init1: { flags: fdFlags },
  epoll_create1: { flags: fdFlags },
  fcntl: { cmd: fcntlCommand },
  lseek: { whence: seekWhence },
  mount: { mountflags: mountFlags },
  security_sb_mount: { flags: mountFlags },
  umount: { flags: umountFlags },
  unlinkat: { flags: atFlags },
  fchownat: { flags: atFlags },
  newfstatat: { flags: atFlags },
  linkat: { flags: atFlags },
  utimensat: { flags: atFlags },
  statx: { flags: atFlags },
  fchmodat2: { mode: fileMode, flags: atFlags },
  faccessat2: { mode: accessMode, flag: accessAtFlags },
  madvise: { advice: madviseAdvice },
  wait4: { options: waitOptions },
  waitid: { options: waitOptions },
  memfd_create: { flags: memfdFlags },
  flock: { operation: flockOperation },
  shutdown: { how: shutdownHow },
  msync: { flags: msyncFlags },
  mlockall: { flags: mlockallFlags },
  clock_nanosleep: { clockid: clockId },
  clock_gettime: { clockid: clockId },
  clock_settime: { clockid: clockId },
  clock_getres: { clockid: clockId },
  timerfd_create: { clockid: clockId, flags: fdFlags },
};

/** The parser parseArguments applies to this argument of this event, if any. */
export function argParser(eventName: string, argName: string): Parser | undefined {
  return PARSERS[eventName]?.[argName];
}

/** A pointer as `0x` + uppercase hex (`0x0` for NULL). */
export function pointerText(v: number | bigint): string {
  return "0x" + v.toString(16).toUpperCase();
}

/** Integers a parser can take exactly; anything else stays raw. */
function asNumber(v: ArgValue): number | undefined {
  if (typeof v === "number") return Number.isInteger(v) ? v : undefined;
  if (typeof v === "bigint") return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  return undefined;
}

function parseArg(arg: EventArg, parser: Parser | undefined): EventArg {
  if (arg.wire === "pointer" && (typeof arg.value === "number" || typeof arg.value === "bigint")) {
    return { ...arg, value: pointerText(arg.value) };
  }
  if (!parser) return arg;
  const n = asNumber(arg.value);
  const text = n === undefined ? undefined : parser(n);
  return text === undefined ? arg : { ...arg, value: text };
}

/** A copy of the event whose args carry readable values; the input event and its args are not modified. */
export function parseArguments(ev: TraceEvent): TraceEvent {
  const table = PARSERS[ev.eventName];
  let args: EventArg[] | undefined;
  for (let i = 0; i < ev.args.length; i++) {
    const arg = ev.args[i];
    const out = parseArg(arg, table?.[arg.name]);
    if (out !== arg) {
      args ??= ev.args.slice();
      args[i] = out;
    }
  }
  return args ? { ...ev, args } : ev;
}
