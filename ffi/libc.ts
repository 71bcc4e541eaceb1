// The few libc calls tracee needs (memfd, errno, epoll, clocks, capabilities, vsnprintf, openat2, fcntl), through bun:ffi.
import { dlopen, FFIType as T, read, ptr, type Pointer } from "bun:ffi";
import { BpfError } from "./errors.ts";

const libc = dlopen("libc.so.6", {
  __errno_location: { args: [], returns: T.ptr },
  memfd_create: { args: [T.cstring, T.u32], returns: T.i32 },
  epoll_wait: { args: [T.i32, T.ptr, T.i32, T.i32], returns: T.i32 },
  clock_gettime: { args: [T.i32, T.ptr], returns: T.i32 },
  vsnprintf: { args: [T.ptr, T.usize, T.ptr, T.ptr], returns: T.i32 },
  syscall: { args: [T.i64, T.ptr, T.ptr], returns: T.i64 },
  close: { args: [T.i32], returns: T.i32 },
  fcntl: { args: [T.i32, T.i32, T.i32], returns: T.i32 },
});
const f = libc.symbols;

/** errno of the calling thread; read it right after the failing call. */
export function errno(): number {
  const p = f.__errno_location();
  return p ? read.i32(p, 0) : 0;
}

const MFD_CLOEXEC = 1;
/** An anonymous in-memory file holding `bytes`; returns its /proc/self/fd path (nothing touches the disk). */
export function memfdWithBytes(name: string, bytes: Uint8Array): string {
  const fd = f.memfd_create(Buffer.from(name + "\0"), MFD_CLOEXEC);
  if (fd < 0) throw new BpfError(`memfd_create(${name})`, errno());
  const fs = require("node:fs") as typeof import("node:fs");
  let off = 0;
  while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
  return `/proc/self/fd/${fd}`;
}

const EPOLLEV_SIZE = 12; // struct epoll_event is packed on x86-64: u32 events, u64 data
/** Blocks up to timeoutMs for any of the epoll set's fds; returns the number ready (0 on timeout or EINTR). */
export function epollWait(epfd: number, scratch: Uint8Array, timeoutMs: number): number {
  const n = f.epoll_wait(epfd, scratch, Math.floor(scratch.length / EPOLLEV_SIZE), timeoutMs);
  if (n < 0) {
    const e = errno();
    if (e === 4) return 0;
    throw new BpfError("epoll_wait", e);
  }
  return n;
}

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const ts = new BigInt64Array(2);
function clockNs(id: number): bigint {
  f.clock_gettime(id, ts);
  return ts[0] * 1_000_000_000n + ts[1];
}
/** bpf_ktime_get_ns() uses CLOCK_MONOTONIC. */
export const monotonicNs = () => clockNs(CLOCK_MONOTONIC);
export const realtimeNs = () => clockNs(CLOCK_REALTIME);
/** CPU time of the calling thread. */
export const threadCpuNs = () => clockNs(3); // CLOCK_THREAD_CPUTIME_ID

/** Formats a printf-style message whose va_list comes from C (libbpf's print callback). */
// One buffer for every message: libbpf prints a failed program's whole verifier log in a single call.
let formatBuf: Uint8Array | null = null;
export function vformat(fmt: Pointer, ap: Pointer): string {
  const buf = (formatBuf ??= new Uint8Array(1 << 20));
  const n = f.vsnprintf(buf, buf.length, fmt, ap);
  return Buffer.from(buf.subarray(0, Math.max(0, Math.min(n, buf.length - 1)))).toString("utf8");
}

const SYS_capget = 125;
/** Effective capability mask of this process (64 bits as bigint). */
export function effectiveCaps(): bigint {
  const hdr = new Uint32Array([0x20080522, 0]); // _LINUX_CAPABILITY_VERSION_3, pid 0 = self
  const data = new Uint32Array(6); // 2 x {effective, permitted, inheritable}
  const r = f.syscall(SYS_capget, ptr(hdr), ptr(data));
  if (Number(r) !== 0) throw new BpfError("capget", errno());
  return (BigInt(data[3]) << 32n) | BigInt(data[0]);
}

export function closeFd(fd: number): void {
  f.close(fd);
}

const F_GETFL = 3, F_SETFL = 4, O_NONBLOCK = 0o4000;
/**
 * Sets O_NONBLOCK on fd (on its open file description, shared with whoever else holds it); returns a function that
 * puts the flags back as they were.
 */
export function setNonBlocking(fd: number): () => void {
  const flags = f.fcntl(fd, F_GETFL, 0);
  if (flags < 0 || f.fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) throw new BpfError(`fcntl(${fd}, O_NONBLOCK)`, errno());
  return () => void f.fcntl(fd, F_SETFL, flags);
}

// syscall(2) again, with room for openat2's four arguments (a second handle: one signature per symbol)
const sys4 = dlopen("libc.so.6", { syscall: { args: [T.i64, T.i64, T.ptr, T.ptr, T.u64], returns: T.i64 } }).symbols;
const SYS_openat2 = 437;
export const RESOLVE_NO_MAGICLINKS = 0x02;
export const RESOLVE_IN_ROOT = 0x10;

/** openat2(dirfd, path, {flags, resolve}) (Linux 5.6+): the new fd, or -errno (-38 ENOSYS before 5.6). */
export function openat2(dirfd: number, path: string, flags: number, resolve: number): number {
  const how = new BigUint64Array([BigInt(flags), 0n, BigInt(resolve)]); // struct open_how
  const r = Number(sys4.syscall(SYS_openat2, dirfd, Buffer.from(path + "\0"), how, 24n));
  return r < 0 ? -errno() : r;
}
