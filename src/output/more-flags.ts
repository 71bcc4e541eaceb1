// Readable names for arguments the reference left as numbers (x86-64 values): fd flags, fcntl commands,
// lseek whence, mount and umount flags, *at flags, madvise advice, wait options, memfd, flock, shutdown,
// msync, mlockall and clock ids.

type Bits = readonly (readonly [number, string])[];

/** Names of the set bits in table order, the rest as one hex value; "0" for no bits. */
function bits(v: number, table: Bits): string {
  if (v < 0) v = v >>> 0;
  const names: string[] = [];
  let rest = v;
  for (const [bit, name] of table) {
    if (bit && ((rest & bit) >>> 0) === bit) {
      names.push(name);
      rest -= bit;
    }
  }
  if (rest) names.push("0x" + rest.toString(16));
  return names.length ? names.join("|") : "0";
}

const named = (table: Record<number, string>) => (v: number): string | undefined => table[v];

/** O_NONBLOCK / O_CLOEXEC flags of dup3, pipe2, eventfd2, signalfd4, inotify_init1, epoll_create1, accept4 ... */
export function fdFlags(v: number): string {
  return bits(v, [[0o4000, "O_NONBLOCK"], [0o2000000, "O_CLOEXEC"]]);
}

/** accept4/socketpair-style SOCK_NONBLOCK / SOCK_CLOEXEC flags. */
export function sockFlags(v: number): string {
  return bits(v, [[0o4000, "SOCK_NONBLOCK"], [0o2000000, "SOCK_CLOEXEC"]]);
}

export const fcntlCommand = named({
  0: "F_DUPFD", 1: "F_GETFD", 2: "F_SETFD", 3: "F_GETFL", 4: "F_SETFL", 5: "F_GETLK", 6: "F_SETLK", 7: "F_SETLKW",
  8: "F_SETOWN", 9: "F_GETOWN", 10: "F_SETSIG", 11: "F_GETSIG", 15: "F_SETOWN_EX", 16: "F_GETOWN_EX",
  17: "F_GETOWNER_UIDS", 36: "F_OFD_GETLK", 37: "F_OFD_SETLK", 38: "F_OFD_SETLKW", 1024: "F_SETLEASE",
  1025: "F_GETLEASE", 1026: "F_NOTIFY", 1029: "F_CANCELLK", 1030: "F_DUPFD_CLOEXEC", 1031: "F_SETPIPE_SZ",
  1032: "F_GETPIPE_SZ", 1033: "F_ADD_SEALS", 1034: "F_GET_SEALS", 1035: "F_GET_RW_HINT", 1036: "F_SET_RW_HINT",
  1037: "F_GET_FILE_RW_HINT", 1038: "F_SET_FILE_RW_HINT",
});

export const seekWhence = named({ 0: "SEEK_SET", 1: "SEEK_CUR", 2: "SEEK_END", 3: "SEEK_DATA", 4: "SEEK_HOLE" });

/** mount(2) flags; the 0xC0ED magic in the top half is dropped by the kernel and named as such. */
export function mountFlags(v: number): string {
  let x = v < 0 ? v >>> 0 : v;
  const magic = ((x & 0xffff0000) >>> 0) === 0xc0ed0000;
  if (magic) x &= 0xffff;
  const s = bits(x, [
    [1, "MS_RDONLY"], [2, "MS_NOSUID"], [4, "MS_NODEV"], [8, "MS_NOEXEC"], [16, "MS_SYNCHRONOUS"], [32, "MS_REMOUNT"],
    [64, "MS_MANDLOCK"], [128, "MS_DIRSYNC"], [256, "MS_NOSYMFOLLOW"], [1024, "MS_NOATIME"], [2048, "MS_NODIRATIME"],
    [4096, "MS_BIND"], [8192, "MS_MOVE"], [16384, "MS_REC"], [32768, "MS_SILENT"], [1 << 16, "MS_POSIXACL"],
    [1 << 17, "MS_UNBINDABLE"], [1 << 18, "MS_PRIVATE"], [1 << 19, "MS_SLAVE"], [1 << 20, "MS_SHARED"],
    [1 << 21, "MS_RELATIME"], [1 << 22, "MS_KERNMOUNT"], [1 << 23, "MS_I_VERSION"], [1 << 24, "MS_STRICTATIME"],
    [1 << 25, "MS_LAZYTIME"],
  ]);
  return magic ? (s === "0" ? "MS_MGC_VAL" : "MS_MGC_VAL|" + s) : s;
}

export function umountFlags(v: number): string {
  return bits(v, [[1, "MNT_FORCE"], [2, "MNT_DETACH"], [4, "MNT_EXPIRE"], [8, "UMOUNT_NOFOLLOW"]]);
}

/** *at(2) flags in their common meaning; unlinkat's 0x200 is AT_REMOVEDIR, faccessat2's is AT_EACCESS. */
export function atFlags(v: number, x200 = "AT_REMOVEDIR"): string {
  return bits(v, [
    [0x100, "AT_SYMLINK_NOFOLLOW"], [0x200, x200], [0x400, "AT_SYMLINK_FOLLOW"], [0x800, "AT_NO_AUTOMOUNT"],
    [0x1000, "AT_EMPTY_PATH"], [0x2000, "AT_STATX_FORCE_SYNC"], [0x4000, "AT_STATX_DONT_SYNC"], [0x8000, "AT_RECURSIVE"],
  ]);
}
export const accessAtFlags = (v: number) => atFlags(v, "AT_EACCESS");

export const madviseAdvice = named({
  0: "MADV_NORMAL", 1: "MADV_RANDOM", 2: "MADV_SEQUENTIAL", 3: "MADV_WILLNEED", 4: "MADV_DONTNEED", 8: "MADV_FREE",
  9: "MADV_REMOVE", 10: "MADV_DONTFORK", 11: "MADV_DOFORK", 12: "MADV_MERGEABLE", 13: "MADV_UNMERGEABLE",
  14: "MADV_HUGEPAGE", 15: "MADV_NOHUGEPAGE", 16: "MADV_DONTDUMP", 17: "MADV_DODUMP", 18: "MADV_WIPEONFORK",
  19: "MADV_KEEPONFORK", 20: "MADV_COLD", 21: "MADV_PAGEOUT", 22: "MADV_POPULATE_READ", 23: "MADV_POPULATE_WRITE",
  24: "MADV_DONTNEED_LOCKED", 25: "MADV_COLLAPSE", 100: "MADV_HWPOISON", 101: "MADV_SOFT_OFFLINE",
});

export function waitOptions(v: number): string {
  return bits(v, [
    [1, "WNOHANG"], [2, "WUNTRACED"], [4, "WEXITED"], [8, "WCONTINUED"], [0x1000000, "WNOWAIT"],
    [0x20000000, "__WNOTHREAD"], [0x40000000, "__WALL"], [0x80000000, "__WCLONE"],
  ]);
}

export function memfdFlags(v: number): string {
  return bits(v, [[1, "MFD_CLOEXEC"], [2, "MFD_ALLOW_SEALING"], [4, "MFD_HUGETLB"], [8, "MFD_NOEXEC_SEAL"], [16, "MFD_EXEC"]]);
}

export function flockOperation(v: number): string {
  return bits(v, [[1, "LOCK_SH"], [2, "LOCK_EX"], [4, "LOCK_NB"], [8, "LOCK_UN"]]);
}

export const shutdownHow = named({ 0: "SHUT_RD", 1: "SHUT_WR", 2: "SHUT_RDWR" });

export function msyncFlags(v: number): string {
  return bits(v, [[1, "MS_ASYNC"], [2, "MS_INVALIDATE"], [4, "MS_SYNC"]]);
}

export function mlockallFlags(v: number): string {
  return bits(v, [[1, "MCL_CURRENT"], [2, "MCL_FUTURE"], [4, "MCL_ONFAULT"]]);
}

export const clockId = named({
  0: "CLOCK_REALTIME", 1: "CLOCK_MONOTONIC", 2: "CLOCK_PROCESS_CPUTIME_ID", 3: "CLOCK_THREAD_CPUTIME_ID",
  4: "CLOCK_MONOTONIC_RAW", 5: "CLOCK_REALTIME_COARSE", 6: "CLOCK_MONOTONIC_COARSE", 7: "CLOCK_BOOTTIME",
  8: "CLOCK_REALTIME_ALARM", 9: "CLOCK_BOOTTIME_ALARM", 11: "CLOCK_TAI",
});
