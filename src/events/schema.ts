// The one place where events, their ids, sets and arguments are declared; build/gen-schema.ts
// derives the C header, the AssemblyScript constants, the TS types and the precomputed event table from it.
import { EVENT_TABLE } from "./gen/event-table.ts";

/** Wire type codes of arguments (documented in docs/wire-format.md). */
export const ArgType = {
  none: 0,
  int: 1, // s32
  uint: 2, // u32
  long: 3, // s64
  ulong: 4, // u64
  off_t: 5, // u64
  mode_t: 6, // u32
  dev_t: 7, // u32, kernel-internal major<<20|minor
  size_t: 8, // u64
  pointer: 9, // u64
  str: 10, // u32 len|trunc<<31, bytes (no NUL)
  str_arr: 11, // u32 count|trunc<<31, count x str
  sockaddr: 12, // u32 len, raw struct sockaddr bytes
  bytes: 13, // u32 len|trunc<<31, bytes
  u16: 14, // u16
  cred: 15, // 10 x u32 + 5 x u64 = 80 bytes
  int_arr_2: 16, // 2 x s32
  args_arr: 17, // u32 len|trunc<<31, u32 count, NUL-separated bytes
  u64: 18, // u64
  timespec: 19, // s64 sec, s64 nsec
} as const;
export type ArgTypeName = keyof typeof ArgType;

/** Fixed payload sizes; 0 means length-prefixed (variable). */
export const ARG_FIXED_SIZE: Record<ArgTypeName, number> = {
  none: 0, int: 4, uint: 4, long: 8, ulong: 8, off_t: 8, mode_t: 4, dev_t: 4, size_t: 8, pointer: 8,
  str: 0, str_arr: 0, sockaddr: 0, bytes: 0, u16: 2, cred: 80, int_arr_2: 8, args_arr: 0, u64: 8, timespec: 16,
};

/** Limits shared by the kernel side and the decoder. */
export const LIMITS = {
  maxArgs: 10, // per event: the most params any event has (sched_process_exec with env: 9, init_namespaces: 10)
  strMax: 4096, // bytes of one string, NUL excluded
  strArrMax: 128, // elements of argv/envp
  argsArrMax: 8192, // bytes of an exec argv/env area
  sockaddrMax: 128,
  bytesMax: 4096,
  eventBuf: 32768, // per-CPU scratch buffer for one event
  syscallSlots: 512, // syscall ids 0..511
  commLen: 16,
  utsLen: 16,
  pathComponents: 48,
  stackDepth: 20, // user return addresses kept per event (option stack-addresses)
  blobChunk: 16384, // capture: data bytes of one file_writes sample
  capturePrefix: 64, // capture: bytes of one write= path prefix in the kernel map (<= 50 characters + NUL)
  memDumpMax: 16777216, // capture: a memory dump is cut after this many bytes
} as const;

/** Declared C type -> wire type (reference §4.4); anything else travels as a pointer. */
export function argTypeOf(ctype: string): ArgTypeName {
  const t = ctype.replace(/\s+/g, " ").trim();
  switch (t) {
    case "int": case "pid_t": case "uid_t": case "gid_t": case "mqd_t": case "clockid_t": case "const clockid_t":
    case "key_t": case "key_serial_t": case "timer_t":
      return "int";
    case "unsigned int": case "u32": return "uint";
    case "long": return "long";
    case "unsigned long": return "ulong";
    case "u64": return "u64";
    case "off_t": return "off_t";
    case "mode_t": return "mode_t";
    case "dev_t": return "dev_t";
    case "size_t": return "size_t";
    case "char*": case "const char*": return "str";
    case "const char*const*": return "str_arr";
    case "const char**": return "args_arr";
    case "struct sockaddr*": case "const struct sockaddr*": return "sockaddr";
    case "bytes": return "bytes";
    case "umode_t": return "u16";
    case "slim_cred_t": return "cred";
    case "int[2]": return "int_arr_2";
    case "const struct timespec*": return "timespec";
    default: return "pointer";
  }
}

/** One context field of the fixed event header. */
export interface ContextField { name: string; type: "u8" | "u16" | "u32" | "s32" | "u64" | "s64" | "char16"; offset: number }

const ctx = (fields: [string, ContextField["type"]][]): ContextField[] => {
  let off = 0;
  const size = { u8: 1, u16: 2, u32: 4, s32: 4, u64: 8, s64: 8, char16: 16 };
  return fields.map(([name, type]) => {
    const f = { name, type, offset: off };
    off += size[type];
    return f;
  });
};

/** The fixed header every event starts with (little-endian, 104 bytes). */
export const CONTEXT: ContextField[] = ctx([
  ["ts", "u64"], // ns since boot (bpf_ktime_get_ns); syscalls: entry time
  ["cgroup_id", "u64"],
  ["pid", "u32"], // tgid in the task's pid namespace
  ["tid", "u32"],
  ["ppid", "u32"],
  ["host_pid", "u32"],
  ["host_tid", "u32"],
  ["host_ppid", "u32"],
  ["uid", "u32"],
  ["mnt_ns", "u32"],
  ["pid_ns", "u32"],
  ["comm", "char16"],
  ["uts_name", "char16"],
  ["event_id", "s32"],
  ["retval", "s64"],
  ["stack_id", "u32"], // 1 + id in stack_addresses_map, 0 = none
  ["argnum", "u8"],
  ["flags", "u8"], // CTX_FLAG bits
  ["cpu", "u16"],
]);
export const CONTEXT_SIZE = 104;

/** Bits of the context's `flags` byte. */
export const CTX_FLAG = {
  compat: 1 << 0, // 32-bit (compat) task
  container: 1 << 1, // task in a container cgroup (containers_map state existed or started)
  bookkeeping: 1 << 2, // sent for user space's own tables only (e.g. cgroup_mkdir for the container table): not printed
} as const;

export interface Param { type: string; name: string; wire: ArgTypeName }
export type Hook =
  | { kind: "syscall" } // raw_syscalls sys_enter/sys_exit
  | { kind: "raw_tp"; tp: string }
  | { kind: "kprobe"; fn: string; fallback?: string } // fallback: how the tracepoint way derives it (programs: src/tracer/programs.ts)
  | { kind: "derived"; from: string };

export interface EventDef {
  id: number;
  name: string;
  sets: readonly string[];
  params: readonly Param[];
  hook: Hook;
  /** Loaded even when not chosen, because other features depend on it (printed only when chosen). */
  essential?: boolean;
}

function params(list: string): Param[] {
  if (!list.trim()) return [];
  return list.split(",").map((p) => {
    const m = /^(.*?)\s*([A-Za-z_][A-Za-z0-9_]*)$/.exec(p.trim());
    if (!m) throw new Error(`bad parameter in schema: ${p}`);
    const type = m[1].replace(/\s*\*/g, "*").replace(/\*const\*/g, "*const*").trim();
    return { type, name: m[2], wire: argTypeOf(type) };
  });
}

/**
 * x86-64 syscalls: [id, name, sets besides "syscalls", params] (a function: only the build computes from it).
 * Reference §4.8 plus the ones kernels gained since, checked against the running kernel's syscall tracepoints
 * (test/e2e/schema-kernel.test.ts). Where the reference lists a different arity than the kernel's ABI, the kernel
 * wins, because an argument the syscall does not take is a stale register: faccessat, fchmodat and eventfd lose a
 * trailing argument; sysfs, membarrier, close_range, epoll_pwait2 and io_uring_enter gain theirs.
 */
const SYSCALL_TABLE = (): [number, string, string, string][] => [
  [0, "read", "fs fs_read_write", "int fd, void* buf, size_t count"],
  [1, "write", "fs fs_read_write", "int fd, void* buf, size_t count"],
  [2, "open", "default fs fs_file_ops", "const char* pathname, int flags, mode_t mode"],
  [3, "close", "default fs fs_file_ops", "int fd"],
  [4, "stat", "default fs fs_file_attr", "const char* pathname, struct stat* statbuf"],
  [5, "fstat", "default fs fs_file_attr", "int fd, struct stat* statbuf"],
  [6, "lstat", "default fs fs_file_attr", "const char* pathname, struct stat* statbuf"],
  [7, "poll", "fs fs_mux_io", "struct pollfd* fds, unsigned int nfds, int timeout"],
  [8, "lseek", "fs fs_read_write", "int fd, off_t offset, unsigned int whence"],
  [9, "mmap", "proc proc_mem", "void* addr, size_t length, int prot, int flags, int fd, off_t off"],
  [10, "mprotect", "proc proc_mem", "void* addr, size_t len, int prot"],
  [11, "munmap", "proc proc_mem", "void* addr, size_t length"],
  [12, "brk", "proc proc_mem", "void* addr"],
  [13, "rt_sigaction", "signals", "int signum, const struct sigaction* act, struct sigaction* oldact, size_t sigsetsize"],
  [14, "rt_sigprocmask", "signals", "int how, sigset_t* set, sigset_t* oldset, size_t sigsetsize"],
  [15, "rt_sigreturn", "signals", ""],
  [16, "ioctl", "fs fs_fd_ops", "int fd, unsigned long request, unsigned long arg"],
  [17, "pread64", "fs fs_read_write", "int fd, void* buf, size_t count, off_t offset"],
  [18, "pwrite64", "fs fs_read_write", "int fd, const void* buf, size_t count, off_t offset"],
  [19, "readv", "fs fs_read_write", "int fd, const struct iovec* iov, int iovcnt"],
  [20, "writev", "fs fs_read_write", "int fd, const struct iovec* iov, int iovcnt"],
  [21, "access", "default fs fs_file_attr", "const char* pathname, int mode"],
  [22, "pipe", "ipc ipc_pipe", "int[2] pipefd"],
  [23, "select", "fs fs_mux_io", "int nfds, fd_set* readfds, fd_set* writefds, fd_set* exceptfds, struct timeval* timeout"],
  [24, "sched_yield", "proc proc_sched", ""],
  [25, "mremap", "proc proc_mem", "void* old_address, size_t old_size, size_t new_size, int flags, void* new_address"],
  [26, "msync", "fs fs_sync", "void* addr, size_t length, int flags"],
  [27, "mincore", "proc proc_mem", "void* addr, size_t length, unsigned char* vec"],
  [28, "madvise", "proc proc_mem", "void* addr, size_t length, int advice"],
  [29, "shmget", "ipc ipc_shm", "key_t key, size_t size, int shmflg"],
  [30, "shmat", "ipc ipc_shm", "int shmid, const void* shmaddr, int shmflg"],
  [31, "shmctl", "ipc ipc_shm", "int shmid, int cmd, struct shmid_ds* buf"],
  [32, "dup", "default fs fs_fd_ops", "int oldfd"],
  [33, "dup2", "default fs fs_fd_ops", "int oldfd, int newfd"],
  [34, "pause", "signals", ""],
  [35, "nanosleep", "time time_timer", "const struct timespec* req, struct timespec* rem"],
  [36, "getitimer", "time time_timer", "int which, struct itimerval* curr_value"],
  [37, "alarm", "time time_timer", "unsigned int seconds"],
  [38, "setitimer", "time time_timer", "int which, struct itimerval* new_value, struct itimerval* old_value"],
  [39, "getpid", "proc proc_ids", ""],
  [40, "sendfile", "fs fs_read_write", "int out_fd, int in_fd, off_t* offset, size_t count"],
  [41, "socket", "default net net_sock", "int domain, int type, int protocol"],
  [42, "connect", "default net net_sock", "int sockfd, struct sockaddr* addr, int addrlen"],
  [43, "accept", "default net net_sock", "int sockfd, struct sockaddr* addr, int* addrlen"],
  [44, "sendto", "net net_snd_rcv", "int sockfd, void* buf, size_t len, int flags, struct sockaddr* dest_addr, int addrlen"],
  [45, "recvfrom", "net net_snd_rcv", "int sockfd, void* buf, size_t len, int flags, struct sockaddr* src_addr, int* addrlen"],
  [46, "sendmsg", "net net_snd_rcv", "int sockfd, struct msghdr* msg, int flags"],
  [47, "recvmsg", "net net_snd_rcv", "int sockfd, struct msghdr* msg, int flags"],
  [48, "shutdown", "net net_sock", "int sockfd, int how"],
  [49, "bind", "default net net_sock", "int sockfd, struct sockaddr* addr, int addrlen"],
  [50, "listen", "default net net_sock", "int sockfd, int backlog"],
  [51, "getsockname", "default net net_sock", "int sockfd, struct sockaddr* addr, int* addrlen"],
  [52, "getpeername", "net net_sock", "int sockfd, struct sockaddr* addr, int* addrlen"],
  [53, "socketpair", "net net_sock", "int domain, int type, int protocol, int[2] sv"],
  [54, "setsockopt", "net net_sock", "int sockfd, int level, int optname, const void* optval, int optlen"],
  [55, "getsockopt", "net net_sock", "int sockfd, int level, int optname, void* optval, int* optlen"],
  [56, "clone", "default proc proc_life", "unsigned long flags, void* stack, int* parent_tid, int* child_tid, unsigned long tls"],
  [57, "fork", "default proc proc_life", ""],
  [58, "vfork", "default proc proc_life", ""],
  [59, "execve", "default proc proc_life", "const char* pathname, const char*const* argv, const char*const* envp"],
  [60, "exit", "proc proc_life", "int status"],
  [61, "wait4", "proc proc_life", "pid_t pid, int* wstatus, int options, struct rusage* rusage"],
  [62, "kill", "default signals", "pid_t pid, int sig"],
  [63, "uname", "system", "struct utsname* buf"],
  [64, "semget", "ipc ipc_sem", "key_t key, int nsems, int semflg"],
  [65, "semop", "ipc ipc_sem", "int semid, struct sembuf* sops, size_t nsops"],
  [66, "semctl", "ipc ipc_sem", "int semid, int semnum, int cmd, unsigned long arg"],
  [67, "shmdt", "ipc ipc_shm", "const void* shmaddr"],
  [68, "msgget", "ipc ipc_msgq", "key_t key, int msgflg"],
  [69, "msgsnd", "ipc ipc_msgq", "int msqid, struct msgbuf* msgp, size_t msgsz, int msgflg"],
  [70, "msgrcv", "ipc ipc_msgq", "int msqid, struct msgbuf* msgp, size_t msgsz, long msgtyp, int msgflg"],
  [71, "msgctl", "ipc ipc_msgq", "int msqid, int cmd, struct msqid_ds* buf"],
  [72, "fcntl", "fs fs_fd_ops", "int fd, int cmd, unsigned long arg"],
  [73, "flock", "fs fs_fd_ops", "int fd, int operation"],
  [74, "fsync", "fs fs_sync", "int fd"],
  [75, "fdatasync", "fs fs_sync", "int fd"],
  [76, "truncate", "fs fs_file_ops", "const char* path, off_t length"],
  [77, "ftruncate", "fs fs_file_ops", "int fd, off_t length"],
  [78, "getdents", "default fs fs_dir_ops", "int fd, struct linux_dirent* dirp, unsigned int count"],
  [79, "getcwd", "fs fs_dir_ops", "char* buf, size_t size"],
  [80, "chdir", "fs fs_dir_ops", "const char* path"],
  [81, "fchdir", "fs fs_dir_ops", "int fd"],
  [82, "rename", "fs fs_file_ops", "const char* oldpath, const char* newpath"],
  [83, "mkdir", "fs fs_dir_ops", "const char* pathname, mode_t mode"],
  [84, "rmdir", "fs fs_dir_ops", "const char* pathname"],
  [85, "creat", "default fs fs_file_ops", "const char* pathname, mode_t mode"],
  [86, "link", "fs fs_link_ops", "const char* oldpath, const char* newpath"],
  [87, "unlink", "default fs fs_link_ops", "const char* pathname"],
  [88, "symlink", "default fs fs_link_ops", "const char* target, const char* linkpath"],
  [89, "readlink", "fs fs_link_ops", "const char* pathname, char* buf, size_t bufsiz"],
  [90, "chmod", "default fs fs_file_attr", "const char* pathname, mode_t mode"],
  [91, "fchmod", "default fs fs_file_attr", "int fd, mode_t mode"],
  [92, "chown", "default fs fs_file_attr", "const char* pathname, uid_t owner, gid_t group"],
  [93, "fchown", "default fs fs_file_attr", "int fd, uid_t owner, gid_t group"],
  [94, "lchown", "default fs fs_file_attr", "const char* pathname, uid_t owner, gid_t group"],
  [95, "umask", "fs fs_file_attr", "mode_t mask"],
  [96, "gettimeofday", "time time_tod", "struct timeval* tv, struct timezone* tz"],
  [97, "getrlimit", "proc", "int resource, struct rlimit* rlim"],
  [98, "getrusage", "proc", "int who, struct rusage* usage"],
  [99, "sysinfo", "system", "struct sysinfo* info"],
  [100, "times", "proc", "struct tms* buf"],
  [101, "ptrace", "default proc", "long request, pid_t pid, void* addr, void* data"],
  [102, "getuid", "proc proc_ids", ""],
  [103, "syslog", "system", "int type, char* bufp, int len"],
  [104, "getgid", "proc proc_ids", ""],
  [105, "setuid", "default proc proc_ids", "uid_t uid"],
  [106, "setgid", "default proc proc_ids", "gid_t gid"],
  [107, "geteuid", "proc proc_ids", ""],
  [108, "getegid", "proc proc_ids", ""],
  [109, "setpgid", "proc proc_ids", "pid_t pid, pid_t pgid"],
  [110, "getppid", "proc proc_ids", ""],
  [111, "getpgrp", "proc proc_ids", ""],
  [112, "setsid", "proc proc_ids", ""],
  [113, "setreuid", "default proc proc_ids", "uid_t ruid, uid_t euid"],
  [114, "setregid", "default proc proc_ids", "gid_t rgid, gid_t egid"],
  [115, "getgroups", "proc proc_ids", "int size, gid_t* list"],
  [116, "setgroups", "proc proc_ids", "int size, gid_t* list"],
  [117, "setresuid", "proc proc_ids", "uid_t ruid, uid_t euid, uid_t suid"],
  [118, "getresuid", "proc proc_ids", "uid_t* ruid, uid_t* euid, uid_t* suid"],
  [119, "setresgid", "proc proc_ids", "gid_t rgid, gid_t egid, gid_t sgid"],
  [120, "getresgid", "proc proc_ids", "gid_t* rgid, gid_t* egid, gid_t* sgid"],
  [121, "getpgid", "proc proc_ids", "pid_t pid"],
  [122, "setfsuid", "default proc proc_ids", "uid_t fsuid"],
  [123, "setfsgid", "default proc proc_ids", "gid_t fsgid"],
  [124, "getsid", "proc proc_ids", "pid_t pid"],
  [125, "capget", "proc", "cap_user_header_t hdrp, cap_user_data_t datap"],
  [126, "capset", "proc", "cap_user_header_t hdrp, const cap_user_data_t datap"],
  [127, "rt_sigpending", "signals", "sigset_t* set, size_t sigsetsize"],
  [128, "rt_sigtimedwait", "signals", "const sigset_t* set, siginfo_t* info, const struct timespec* timeout, size_t sigsetsize"],
  [129, "rt_sigqueueinfo", "signals", "pid_t tgid, int sig, siginfo_t* info"],
  [130, "rt_sigsuspend", "signals", "sigset_t* mask, size_t sigsetsize"],
  [131, "sigaltstack", "signals", "const stack_t* ss, stack_t* old_ss"],
  [132, "utime", "fs fs_file_attr", "const char* filename, const struct utimbuf* times"],
  [133, "mknod", "default fs fs_file_ops", "const char* pathname, mode_t mode, dev_t dev"],
  [134, "uselib", "proc", "const char* library"],
  [135, "personality", "system", "unsigned long persona"],
  [136, "ustat", "fs fs_info", "dev_t dev, struct ustat* ubuf"],
  [137, "statfs", "fs fs_info", "const char* path, struct statfs* buf"],
  [138, "fstatfs", "fs fs_info", "int fd, struct statfs* buf"],
  [139, "sysfs", "fs fs_info", "int option, unsigned long arg1, unsigned long arg2"],
  [140, "getpriority", "proc proc_sched", "int which, int who"],
  [141, "setpriority", "proc proc_sched", "int which, int who, int prio"],
  [142, "sched_setparam", "proc proc_sched", "pid_t pid, struct sched_param* param"],
  [143, "sched_getparam", "proc proc_sched", "pid_t pid, struct sched_param* param"],
  [144, "sched_setscheduler", "proc proc_sched", "pid_t pid, int policy, struct sched_param* param"],
  [145, "sched_getscheduler", "proc proc_sched", "pid_t pid"],
  [146, "sched_get_priority_max", "proc proc_sched", "int policy"],
  [147, "sched_get_priority_min", "proc proc_sched", "int policy"],
  [148, "sched_rr_get_interval", "proc proc_sched", "pid_t pid, struct timespec* tp"],
  [149, "mlock", "proc proc_mem", "const void* addr, size_t len"],
  [150, "munlock", "proc proc_mem", "const void* addr, size_t len"],
  [151, "mlockall", "proc proc_mem", "int flags"],
  [152, "munlockall", "proc proc_mem", ""],
  [153, "vhangup", "system", ""],
  [154, "modify_ldt", "proc proc_mem", "int func, void* ptr, unsigned long bytecount"],
  [155, "pivot_root", "fs", "const char* new_root, const char* put_old"],
  [156, "sysctl", "system", "struct __sysctl_args* args"],
  [157, "prctl", "default proc", "int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5"],
  [158, "arch_prctl", "proc", "int option, unsigned long addr"],
  [159, "adjtimex", "time time_clock", "struct timex* buf"],
  [160, "setrlimit", "proc", "int resource, const struct rlimit* rlim"],
  [161, "chroot", "fs fs_dir_ops", "const char* path"],
  [162, "sync", "fs fs_sync", ""],
  [163, "acct", "system", "const char* filename"],
  [164, "settimeofday", "time time_tod", "const struct timeval* tv, const struct timezone* tz"],
  [165, "mount", "default fs", "const char* source, const char* target, const char* filesystemtype, unsigned long mountflags, const void* data"],
  [166, "umount", "default fs", "const char* target, int flags"],
  [167, "swapon", "fs", "const char* path, int swapflags"],
  [168, "swapoff", "fs", "const char* path"],
  [169, "reboot", "system", "int magic, int magic2, int cmd, void* arg"],
  [170, "sethostname", "net", "const char* name, size_t len"],
  [171, "setdomainname", "net", "const char* name, size_t len"],
  [172, "iopl", "system", "int level"],
  [173, "ioperm", "system", "unsigned long from, unsigned long num, int turn_on"],
  [174, "create_module", "system system_module", ""],
  [175, "init_module", "default system system_module", "void* module_image, unsigned long len, const char* param_values"],
  [176, "delete_module", "default system system_module", "const char* name, int flags"],
  [177, "get_kernel_syms", "system system_module", ""],
  [178, "query_module", "system system_module", ""],
  [179, "quotactl", "system", "int cmd, const char* special, int id, void* addr"],
  [180, "nfsservctl", "fs", ""],
  [181, "getpmsg", "", ""],
  [182, "putpmsg", "", ""],
  [183, "afs", "", ""],
  [184, "tuxcall", "", ""],
  [185, "security", "", ""],
  [186, "gettid", "proc proc_ids", ""],
  [187, "readahead", "fs", "int fd, off_t offset, size_t count"],
  [188, "setxattr", "fs fs_file_attr", "const char* path, const char* name, const void* value, size_t size, int flags"],
  [189, "lsetxattr", "fs fs_file_attr", "const char* path, const char* name, const void* value, size_t size, int flags"],
  [190, "fsetxattr", "fs fs_file_attr", "int fd, const char* name, const void* value, size_t size, int flags"],
  [191, "getxattr", "fs fs_file_attr", "const char* path, const char* name, void* value, size_t size"],
  [192, "lgetxattr", "fs fs_file_attr", "const char* path, const char* name, void* value, size_t size"],
  [193, "fgetxattr", "fs fs_file_attr", "int fd, const char* name, void* value, size_t size"],
  [194, "listxattr", "fs fs_file_attr", "const char* path, char* list, size_t size"],
  [195, "llistxattr", "fs fs_file_attr", "const char* path, char* list, size_t size"],
  [196, "flistxattr", "fs fs_file_attr", "int fd, char* list, size_t size"],
  [197, "removexattr", "fs fs_file_attr", "const char* path, const char* name"],
  [198, "lremovexattr", "fs fs_file_attr", "const char* path, const char* name"],
  [199, "fremovexattr", "fs fs_file_attr", "int fd, const char* name"],
  [200, "tkill", "signals", "int tid, int sig"],
  [201, "time", "time time_tod", "time_t* tloc"],
  [202, "futex", "ipc ipc_futex", "int* uaddr, int futex_op, int val, const struct timespec* timeout, int* uaddr2, int val3"],
  [203, "sched_setaffinity", "proc proc_sched", "pid_t pid, size_t cpusetsize, unsigned long* mask"],
  [204, "sched_getaffinity", "proc proc_sched", "pid_t pid, size_t cpusetsize, unsigned long* mask"],
  [205, "set_thread_area", "proc", "struct user_desc* u_info"],
  [206, "io_setup", "fs fs_async_io", "unsigned int nr_events, io_context_t* ctx_idp"],
  [207, "io_destroy", "fs fs_async_io", "io_context_t ctx_id"],
  [208, "io_getevents", "fs fs_async_io", "io_context_t ctx_id, long min_nr, long nr, struct io_event* events, struct timespec* timeout"],
  [209, "io_submit", "fs fs_async_io", "io_context_t ctx_id, long nr, struct iocb** iocbpp"],
  [210, "io_cancel", "fs fs_async_io", "io_context_t ctx_id, struct iocb* iocb, struct io_event* result"],
  [211, "get_thread_area", "proc", "struct user_desc* u_info"],
  [212, "lookup_dcookie", "fs fs_dir_ops", "u64 cookie, char* buffer, size_t len"],
  [213, "epoll_create", "fs fs_mux_io", "int size"],
  [214, "epoll_ctl_old", "fs fs_mux_io", ""],
  [215, "epoll_wait_old", "fs fs_mux_io", ""],
  [216, "remap_file_pages", "", "void* addr, size_t size, int prot, size_t pgoff, int flags"],
  [217, "getdents64", "default fs fs_dir_ops", "unsigned int fd, struct linux_dirent64* dirp, unsigned int count"],
  [218, "set_tid_address", "proc", "int* tidptr"],
  [219, "restart_syscall", "signals", ""],
  [220, "semtimedop", "ipc ipc_sem", "int semid, struct sembuf* sops, size_t nsops, const struct timespec* timeout"],
  [221, "fadvise64", "fs", "int fd, off_t offset, size_t len, int advice"],
  [222, "timer_create", "time time_timer", "const clockid_t clockid, struct sigevent* sevp, timer_t* timer_id"],
  [223, "timer_settime", "time time_timer", "timer_t timer_id, int flags, const struct itimerspec* new_value, struct itimerspec* old_value"],
  [224, "timer_gettime", "time time_timer", "timer_t timer_id, struct itimerspec* curr_value"],
  [225, "timer_getoverrun", "time time_timer", "timer_t timer_id"],
  [226, "timer_delete", "time time_timer", "timer_t timer_id"],
  [227, "clock_settime", "time time_clock", "const clockid_t clockid, const struct timespec* tp"],
  [228, "clock_gettime", "time time_clock", "const clockid_t clockid, struct timespec* tp"],
  [229, "clock_getres", "time time_clock", "const clockid_t clockid, struct timespec* res"],
  [230, "clock_nanosleep", "time time_clock", "const clockid_t clockid, int flags, const struct timespec* request, struct timespec* remain"],
  [231, "exit_group", "proc proc_life", "int status"],
  [232, "epoll_wait", "fs fs_mux_io", "int epfd, struct epoll_event* events, int maxevents, int timeout"],
  [233, "epoll_ctl", "fs fs_mux_io", "int epfd, int op, int fd, struct epoll_event* event"],
  [234, "tgkill", "signals", "int tgid, int tid, int sig"],
  [235, "utimes", "fs fs_file_attr", "char* filename, struct timeval* times"],
  [236, "vserver", "", ""],
  [237, "mbind", "system system_numa", "void* addr, unsigned long len, int mode, const unsigned long* nodemask, unsigned long maxnode, unsigned int flags"],
  [238, "set_mempolicy", "system system_numa", "int mode, const unsigned long* nodemask, unsigned long maxnode"],
  [239, "get_mempolicy", "system system_numa", "int* mode, unsigned long* nodemask, unsigned long maxnode, void* addr, unsigned long flags"],
  [240, "mq_open", "ipc ipc_msgq", "const char* name, int oflag, mode_t mode, struct mq_attr* attr"],
  [241, "mq_unlink", "ipc ipc_msgq", "const char* name"],
  [242, "mq_timedsend", "ipc ipc_msgq", "mqd_t mqdes, const char* msg_ptr, size_t msg_len, unsigned int msg_prio, const struct timespec* abs_timeout"],
  [243, "mq_timedreceive", "ipc ipc_msgq", "mqd_t mqdes, char* msg_ptr, size_t msg_len, unsigned int* msg_prio, const struct timespec* abs_timeout"],
  [244, "mq_notify", "ipc ipc_msgq", "mqd_t mqdes, const struct sigevent* sevp"],
  [245, "mq_getsetattr", "ipc ipc_msgq", "mqd_t mqdes, const struct mq_attr* newattr, struct mq_attr* oldattr"],
  [246, "kexec_load", "system", "unsigned long entry, unsigned long nr_segments, struct kexec_segment* segments, unsigned long flags"],
  [247, "waitid", "proc proc_life", "int idtype, pid_t id, struct siginfo* infop, int options, struct rusage* rusage"],
  [248, "add_key", "system system_keys", "const char* type, const char* description, const void* payload, size_t plen, key_serial_t keyring"],
  [249, "request_key", "system system_keys", "const char* type, const char* description, const char* callout_info, key_serial_t dest_keyring"],
  [250, "keyctl", "system system_keys", "int operation, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5"],
  [251, "ioprio_set", "proc proc_sched", "int which, int who, int ioprio"],
  [252, "ioprio_get", "proc proc_sched", "int which, int who"],
  [253, "inotify_init", "fs fs_monitor", ""],
  [254, "inotify_add_watch", "fs fs_monitor", "int fd, const char* pathname, u32 mask"],
  [255, "inotify_rm_watch", "fs fs_monitor", "int fd, int wd"],
  [256, "migrate_pages", "system system_numa", "int pid, unsigned long maxnode, const unsigned long* old_nodes, const unsigned long* new_nodes"],
  [257, "openat", "default fs fs_file_ops", "int dirfd, const char* pathname, int flags, mode_t mode"],
  [258, "mkdirat", "fs fs_dir_ops", "int dirfd, const char* pathname, mode_t mode"],
  [259, "mknodat", "default fs fs_file_ops", "int dirfd, const char* pathname, mode_t mode, dev_t dev"],
  [260, "fchownat", "default fs fs_file_attr", "int dirfd, const char* pathname, uid_t owner, gid_t group, int flags"],
  [261, "futimesat", "fs fs_file_attr", "int dirfd, const char* pathname, struct timeval* times"],
  [262, "newfstatat", "fs fs_file_attr", "int dirfd, const char* pathname, struct stat* statbuf, int flags"],
  [263, "unlinkat", "default fs fs_link_ops", "int dirfd, const char* pathname, int flags"],
  [264, "renameat", "fs fs_file_ops", "int olddirfd, const char* oldpath, int newdirfd, const char* newpath"],
  [265, "linkat", "fs fs_link_ops", "int olddirfd, const char* oldpath, int newdirfd, const char* newpath, unsigned int flags"],
  [266, "symlinkat", "default fs fs_link_ops", "const char* target, int newdirfd, const char* linkpath"],
  [267, "readlinkat", "fs fs_link_ops", "int dirfd, const char* pathname, char* buf, int bufsiz"],
  [268, "fchmodat", "default fs fs_file_attr", "int dirfd, const char* pathname, mode_t mode"],
  [269, "faccessat", "default fs fs_file_attr", "int dirfd, const char* pathname, int mode"],
  [270, "pselect6", "fs fs_mux_io", "int nfds, fd_set* readfds, fd_set* writefds, fd_set* exceptfds, struct timespec* timeout, void* sigmask"],
  [271, "ppoll", "fs fs_mux_io", "struct pollfd* fds, unsigned int nfds, struct timespec* tmo_p, const sigset_t* sigmask, size_t sigsetsize"],
  [272, "unshare", "proc", "int flags"],
  [273, "set_robust_list", "ipc ipc_futex", "struct robust_list_head* head, size_t len"],
  [274, "get_robust_list", "ipc ipc_futex", "int pid, struct robust_list_head** head_ptr, size_t* len_ptr"],
  [275, "splice", "ipc ipc_pipe", "int fd_in, off_t* off_in, int fd_out, off_t* off_out, size_t len, unsigned int flags"],
  [276, "tee", "ipc ipc_pipe", "int fd_in, int fd_out, size_t len, unsigned int flags"],
  [277, "sync_file_range", "fs fs_sync", "int fd, off_t offset, off_t nbytes, unsigned int flags"],
  [278, "vmsplice", "ipc ipc_pipe", "int fd, const struct iovec* iov, unsigned long nr_segs, unsigned int flags"],
  [279, "move_pages", "system system_numa", "int pid, unsigned long count, const void** pages, const int* nodes, int* status, int flags"],
  [280, "utimensat", "fs fs_file_attr", "int dirfd, const char* pathname, struct timespec* times, int flags"],
  [281, "epoll_pwait", "fs fs_mux_io", "int epfd, struct epoll_event* events, int maxevents, int timeout, const sigset_t* sigmask, size_t sigsetsize"],
  [282, "signalfd", "signals", "int fd, sigset_t* mask, int flags"],
  [283, "timerfd_create", "time time_timer", "int clockid, int flags"],
  [284, "eventfd", "signals", "unsigned int initval"],
  [285, "fallocate", "fs fs_file_ops", "int fd, int mode, off_t offset, off_t len"],
  [286, "timerfd_settime", "time time_timer", "int fd, int flags, const struct itimerspec* new_value, struct itimerspec* old_value"],
  [287, "timerfd_gettime", "time time_timer", "int fd, struct itimerspec* curr_value"],
  [288, "accept4", "default net net_sock", "int sockfd, struct sockaddr* addr, int* addrlen, int flags"],
  [289, "signalfd4", "signals", "int fd, const sigset_t* mask, size_t sizemask, int flags"],
  [290, "eventfd2", "signals", "unsigned int initval, int flags"],
  [291, "epoll_create1", "fs fs_mux_io", "int flags"],
  [292, "dup3", "default fs fs_fd_ops", "int oldfd, int newfd, int flags"],
  [293, "pipe2", "ipc ipc_pipe", "int[2] pipefd, int flags"],
  [294, "inotify_init1", "fs fs_monitor", "int flags"],
  [295, "preadv", "fs fs_read_write", "int fd, const struct iovec* iov, unsigned long iovcnt, unsigned long pos_l, unsigned long pos_h"],
  [296, "pwritev", "fs fs_read_write", "int fd, const struct iovec* iov, unsigned long iovcnt, unsigned long pos_l, unsigned long pos_h"],
  [297, "rt_tgsigqueueinfo", "signals", "pid_t tgid, pid_t tid, int sig, siginfo_t* info"],
  [298, "perf_event_open", "system", "struct perf_event_attr* attr, pid_t pid, int cpu, int group_fd, unsigned long flags"],
  [299, "recvmmsg", "net net_snd_rcv", "int sockfd, struct mmsghdr* msgvec, unsigned int vlen, int flags, struct timespec* timeout"],
  [300, "fanotify_init", "fs fs_monitor", "unsigned int flags, unsigned int event_f_flags"],
  [301, "fanotify_mark", "fs fs_monitor", "int fanotify_fd, unsigned int flags, u64 mask, int dirfd, const char* pathname"],
  [302, "prlimit64", "proc", "pid_t pid, int resource, const struct rlimit64* new_limit, struct rlimit64* old_limit"],
  [303, "name_to_handle_at", "fs fs_file_ops", "int dirfd, const char* pathname, struct file_handle* handle, int* mount_id, int flags"],
  [304, "open_by_handle_at", "fs fs_file_ops", "int mount_fd, struct file_handle* handle, int flags"],
  [305, "clock_adjtime", "time time_clock", "const clockid_t clk_id, struct timex* buf"],
  [306, "syncfs", "fs fs_sync", "int fd"],
  [307, "sendmmsg", "net net_snd_rcv", "int sockfd, struct mmsghdr* msgvec, unsigned int vlen, int flags"],
  [308, "setns", "proc", "int fd, int nstype"],
  [309, "getcpu", "system system_numa", "unsigned int* cpu, unsigned int* node, struct getcpu_cache* tcache"],
  [310, "process_vm_readv", "default proc", "pid_t pid, const struct iovec* local_iov, unsigned long liovcnt, const struct iovec* remote_iov, unsigned long riovcnt, unsigned long flags"],
  [311, "process_vm_writev", "default proc", "pid_t pid, const struct iovec* local_iov, unsigned long liovcnt, const struct iovec* remote_iov, unsigned long riovcnt, unsigned long flags"],
  [312, "kcmp", "proc", "pid_t pid1, pid_t pid2, int type, unsigned long idx1, unsigned long idx2"],
  [313, "finit_module", "default system system_module", "int fd, const char* param_values, int flags"],
  [314, "sched_setattr", "proc proc_sched", "pid_t pid, struct sched_attr* attr, unsigned int flags"],
  [315, "sched_getattr", "proc proc_sched", "pid_t pid, struct sched_attr* attr, unsigned int size, unsigned int flags"],
  [316, "renameat2", "fs fs_file_ops", "int olddirfd, const char* oldpath, int newdirfd, const char* newpath, unsigned int flags"],
  [317, "seccomp", "proc", "unsigned int operation, unsigned int flags, const void* args"],
  [318, "getrandom", "fs", "void* buf, size_t buflen, unsigned int flags"],
  [319, "memfd_create", "default fs fs_file_ops", "const char* name, unsigned int flags"],
  [320, "kexec_file_load", "system", "int kernel_fd, int initrd_fd, unsigned long cmdline_len, const char* cmdline, unsigned long flags"],
  [321, "bpf", "default system", "int cmd, union bpf_attr* attr, unsigned int size"],
  [322, "execveat", "default proc proc_life", "int dirfd, const char* pathname, const char*const* argv, const char*const* envp, int flags"],
  [323, "userfaultfd", "system", "int flags"],
  [324, "membarrier", "proc proc_mem", "int cmd, unsigned int flags, int cpu_id"],
  [325, "mlock2", "proc proc_mem", "const void* addr, size_t len, int flags"],
  [326, "copy_file_range", "fs fs_read_write", "int fd_in, off_t* off_in, int fd_out, off_t* off_out, size_t len, unsigned int flags"],
  [327, "preadv2", "fs fs_read_write", "int fd, const struct iovec* iov, unsigned long iovcnt, unsigned long pos_l, unsigned long pos_h, int flags"],
  [328, "pwritev2", "fs fs_read_write", "int fd, const struct iovec* iov, unsigned long iovcnt, unsigned long pos_l, unsigned long pos_h, int flags"],
  [329, "pkey_mprotect", "default proc proc_mem", "void* addr, size_t len, int prot, int pkey"],
  [330, "pkey_alloc", "proc proc_mem", "unsigned int flags, unsigned long access_rights"],
  [331, "pkey_free", "proc proc_mem", "int pkey"],
  [332, "statx", "fs fs_file_attr", "int dirfd, const char* pathname, int flags, unsigned int mask, struct statx* statxbuf"],
  [333, "io_pgetevents", "fs fs_async_io", "aio_context_t ctx_id, long min_nr, long nr, struct io_event* events, struct timespec* timeout, const struct __aio_sigset* usig"],
  [334, "rseq", "", "struct rseq* rseq, u32 rseq_len, int flags, u32 sig"],
  [335, "uretprobe", "", ""],
  [336, "uprobe", "", ""],
  [424, "pidfd_send_signal", "signals", "int pidfd, int sig, siginfo_t* info, unsigned int flags"],
  [425, "io_uring_setup", "", "unsigned int entries, struct io_uring_params* p"],
  [426, "io_uring_enter", "", "unsigned int fd, unsigned int to_submit, unsigned int min_complete, unsigned int flags, const void* argp, size_t argsz"],
  [427, "io_uring_register", "", "unsigned int fd, unsigned int opcode, void* arg, unsigned int nr_args"],
  [428, "open_tree", "", "int dfd, const char* filename, unsigned int flags"],
  [429, "move_mount", "default fs", "int from_dfd, const char* from_path, int to_dfd, const char* to_path, unsigned int flags"],
  [430, "fsopen", "fs", "const char* fsname, unsigned int flags"],
  [431, "fsconfig", "fs", "int* fs_fd, unsigned int cmd, const char* key, const void* value, int aux"],
  [432, "fsmount", "fs", "int fsfd, unsigned int flags, unsigned int ms_flags"],
  [433, "fspick", "fs", "int dirfd, const char* pathname, unsigned int flags"],
  [434, "pidfd_open", "", "pid_t pid, unsigned int flags"],
  [435, "clone3", "default proc proc_life", "struct clone_args* cl_args, size_t size"],
  [436, "close_range", "default fs fs_file_ops", "unsigned int first, unsigned int last, unsigned int flags"],
  [437, "openat2", "default fs fs_file_ops", "int dirfd, const char* pathname, struct open_how* how, size_t size"],
  [438, "pidfd_getfd", "", "int pidfd, int targetfd, unsigned int flags"],
  [439, "faccessat2", "default fs fs_file_attr", "int fd, const char* path, int mode, int flag"],
  [440, "process_madvise", "", "int pidfd, void* addr, size_t length, int advice, unsigned long flags"],
  [441, "epoll_pwait2", "fs fs_mux_io", "int fd, struct epoll_event* events, int maxevents, const struct timespec* timeout, const sigset_t* sigset, size_t sigsetsize"],
  [442, "mount_setattr", "fs", "int dfd, const char* path, unsigned int flags, struct mount_attr* uattr, size_t usize"],
  [443, "quotactl_fd", "system", "unsigned int fd, unsigned int cmd, int id, void* addr"],
  [444, "landlock_create_ruleset", "proc", "const struct landlock_ruleset_attr* attr, size_t size, u32 flags"],
  [445, "landlock_add_rule", "proc", "int ruleset_fd, int rule_type, const void* rule_attr, u32 flags"],
  [446, "landlock_restrict_self", "proc", "int ruleset_fd, u32 flags"],
  [447, "memfd_secret", "proc proc_mem", "unsigned int flags"],
  [448, "process_mrelease", "proc", "int pidfd, unsigned int flags"],
  [449, "futex_waitv", "ipc ipc_futex", "struct futex_waitv* waiters, unsigned int nr_futexes, unsigned int flags, struct __kernel_timespec* timeout, clockid_t clockid"],
  [450, "set_mempolicy_home_node", "system system_numa", "unsigned long start, unsigned long len, unsigned long home_node, unsigned long flags"],
  [451, "cachestat", "fs", "unsigned int fd, struct cachestat_range* cstat_range, struct cachestat* cstat, unsigned int flags"],
  [452, "fchmodat2", "fs fs_file_attr", "int dfd, const char* filename, mode_t mode, unsigned int flags"],
  [453, "map_shadow_stack", "proc proc_mem", "unsigned long addr, unsigned long size, unsigned int flags"],
  [454, "futex_wake", "ipc ipc_futex", "void* uaddr, unsigned long mask, int nr, unsigned int flags"],
  [455, "futex_wait", "ipc ipc_futex", "void* uaddr, unsigned long val, unsigned long mask, unsigned int flags, struct __kernel_timespec* timeout, clockid_t clockid"],
  [456, "futex_requeue", "ipc ipc_futex", "struct futex_waitv* waiters, unsigned int flags, int nr_wake, int nr_requeue"],
  [457, "statmount", "fs", "const struct mnt_id_req* req, struct statmount* buf, size_t bufsize, unsigned int flags"],
  [458, "listmount", "fs", "const struct mnt_id_req* req, u64* mnt_ids, size_t nr_mnt_ids, unsigned int flags"],
  [459, "lsm_get_self_attr", "proc", "unsigned int attr, struct lsm_ctx* ctx, u32* size, u32 flags"],
  [460, "lsm_set_self_attr", "proc", "unsigned int attr, struct lsm_ctx* ctx, u32 size, u32 flags"],
  [461, "lsm_list_modules", "proc", "u64* ids, u32* size, u32 flags"],
  [462, "mseal", "proc proc_mem", "unsigned long start, size_t len, unsigned long flags"],
  [463, "setxattrat", "fs fs_file_attr", "int dfd, const char* pathname, unsigned int at_flags, const char* name, const struct xattr_args* uargs, size_t usize"],
  [464, "getxattrat", "fs fs_file_attr", "int dfd, const char* pathname, unsigned int at_flags, const char* name, struct xattr_args* uargs, size_t usize"],
  [465, "listxattrat", "fs fs_file_attr", "int dfd, const char* pathname, unsigned int at_flags, char* list, size_t size"],
  [466, "removexattrat", "fs fs_file_attr", "int dfd, const char* pathname, unsigned int at_flags, const char* name"],
  [467, "open_tree_attr", "fs", "int dfd, const char* filename, unsigned int flags, struct mount_attr* uattr, size_t usize"],
  [468, "file_getattr", "fs fs_file_attr", "int dfd, const char* filename, struct file_attr* ufattr, size_t usize, unsigned int at_flags"],
  [469, "file_setattr", "fs fs_file_attr", "int dfd, const char* filename, struct file_attr* ufattr, size_t usize, unsigned int at_flags"],
];

const OTHER_EVENTS = (): [number, string, string, string, Hook, boolean?][] => [
  [1000, "sys_enter", "", "int syscall", { kind: "raw_tp", tp: "raw_syscalls:sys_enter" }, true],
  [1001, "sys_exit", "", "int syscall", { kind: "raw_tp", tp: "raw_syscalls:sys_exit" }, true],
  [1002, "sched_process_fork", "", "int parent_tid, int parent_ns_tid, int child_tid, int child_ns_tid", { kind: "raw_tp", tp: "sched:sched_process_fork" }, true],
  [1003, "sched_process_exec", "default proc", "const char* cmdpath, const char* pathname, const char** argv, const char** env, dev_t dev, unsigned long inode, int invoked_from_kernel, unsigned long ctime, umode_t stdin_type", { kind: "raw_tp", tp: "sched:sched_process_exec" }, true],
  [1004, "sched_process_exit", "default proc proc_life", "long exit_code", { kind: "raw_tp", tp: "sched:sched_process_exit" }, true],
  [1005, "sched_switch", "", "int cpu, int prev_tid, const char* prev_comm, int next_tid, const char* next_comm", { kind: "raw_tp", tp: "sched:sched_switch" }],
  [1006, "do_exit", "proc proc_life", "", { kind: "kprobe", fn: "do_exit", fallback: "sched_process_exit" }],
  [1007, "cap_capable", "default", "int cap, int syscall", { kind: "kprobe", fn: "cap_capable", fallback: "capability:cap_capable" }],
  [1008, "vfs_write", "", "const char* pathname, dev_t dev, unsigned long inode, size_t count, off_t pos", { kind: "kprobe", fn: "vfs_write", fallback: "write/pwrite64 exit" }],
  [1009, "vfs_writev", "", "const char* pathname, dev_t dev, unsigned long inode, unsigned long vlen, off_t pos", { kind: "kprobe", fn: "vfs_writev", fallback: "writev/pwritev/pwritev2 exit" }],
  [1010, "mem_prot_alert", "", "u32 alert", { kind: "kprobe", fn: "security_file_mprotect", fallback: "mprotect entry and exit, mmap exit" }],
  [1011, "commit_creds", "", "slim_cred_t old_cred, slim_cred_t new_cred, int syscall", { kind: "kprobe", fn: "commit_creds", fallback: "set*id/capset/prctl/exec/unshare/setns entry and exit" }],
  [1012, "switch_task_ns", "", "pid_t pid, u32 new_mnt, u32 new_pid, u32 new_uts, u32 new_ipc, u32 new_net, u32 new_cgroup", { kind: "kprobe", fn: "switch_task_namespaces", fallback: "setns/unshare entry and exit" }],
  [1013, "magic_write", "", "const char* pathname, bytes bytes, dev_t dev, unsigned long inode", { kind: "derived", from: "vfs_write" }],
  [1014, "cgroup_attach_task", "", "const char* cgroup_path, const char* comm, pid_t pid", { kind: "raw_tp", tp: "cgroup:cgroup_attach_task" }],
  [1015, "cgroup_mkdir", "", "u64 cgroup_id, const char* cgroup_path", { kind: "raw_tp", tp: "cgroup:cgroup_mkdir" }, true],
  [1016, "cgroup_rmdir", "", "u64 cgroup_id, const char* cgroup_path", { kind: "raw_tp", tp: "cgroup:cgroup_rmdir" }, true],
  [1017, "security_bprm_check", "default lsm_hooks proc proc_life", "const char* pathname, dev_t dev, unsigned long inode", { kind: "kprobe", fn: "security_bprm_check", fallback: "sched:sched_process_exec" }],
  [1018, "security_file_open", "default lsm_hooks fs fs_file_ops", "const char* pathname, int flags, dev_t dev, unsigned long inode, unsigned long ctime, int syscall", { kind: "kprobe", fn: "security_file_open", fallback: "open/openat/openat2/creat exit" }],
  [1019, "security_inode_unlink", "default lsm_hooks fs fs_file_ops", "const char* pathname", { kind: "kprobe", fn: "security_inode_unlink", fallback: "unlink/unlinkat exit" }],
  [1020, "security_socket_create", "default lsm_hooks net net_sock", "int family, int type, int protocol, int kern", { kind: "kprobe", fn: "security_socket_create", fallback: "socket/socketpair exit" }],
  [1021, "security_socket_listen", "default lsm_hooks net net_sock", "int sockfd, struct sockaddr* local_addr, int backlog", { kind: "kprobe", fn: "security_socket_listen", fallback: "listen exit" }],
  [1022, "security_socket_connect", "default lsm_hooks net net_sock", "int sockfd, struct sockaddr* remote_addr", { kind: "kprobe", fn: "security_socket_connect", fallback: "connect exit" }],
  [1023, "security_socket_accept", "default lsm_hooks net net_sock", "int sockfd, struct sockaddr* local_addr", { kind: "kprobe", fn: "security_socket_accept", fallback: "accept/accept4 exit" }],
  [1024, "security_socket_bind", "default lsm_hooks net net_sock", "int sockfd, struct sockaddr* local_addr", { kind: "kprobe", fn: "security_socket_bind", fallback: "bind exit" }],
  [1025, "security_sb_mount", "default lsm_hooks fs", "const char* dev_name, const char* path, const char* type, unsigned long flags", { kind: "kprobe", fn: "security_sb_mount", fallback: "mount entry" }],
  [1026, "security_bpf", "lsm_hooks", "int cmd", { kind: "kprobe", fn: "security_bpf", fallback: "bpf entry" }],
  [1027, "security_bpf_map", "lsm_hooks", "unsigned int map_id, const char* map_name", { kind: "kprobe", fn: "security_bpf_map", fallback: "bpf exit" }],
  [1028, "security_kernel_read_file", "lsm_hooks", "const char* pathname, dev_t dev, unsigned long inode, int type", { kind: "kprobe", fn: "security_kernel_read_file", fallback: "finit_module/kexec_file_load exit" }],
  [1029, "security_inode_mknod", "lsm_hooks", "const char* file_name, umode_t mode, dev_t dev", { kind: "kprobe", fn: "security_inode_mknod", fallback: "mknod/mknodat exit" }],
  [1030, "security_kernel_post_read_file", "lsm_hooks", "const char* pathname, long size, int type", { kind: "kprobe", fn: "security_kernel_post_read_file", fallback: "finit_module/kexec_file_load exit" }],
  [1031, "socket_dup", "", "int oldfd, int newfd, struct sockaddr* remote_addr", { kind: "derived", from: "dup/dup2/dup3" }],
  [2000, "init_namespaces", "", "u32 cgroup, u32 ipc, u32 mnt, u32 net, u32 pid, u32 pid_for_children, u32 time, u32 time_for_children, u32 user, u32 uts", { kind: "derived", from: "/proc/1/ns" }],
];

export const SYS_ENTER = 1000;
export const SYS_EXIT = 1001;
export const MAX_SYSCALL_ID = LIMITS.syscallSlots - 1;

/** Set order as the original lists it: default, syscalls, then the rest. */
function syscallSets(sets: string): string[] {
  const rest = sets.split(" ").filter((x) => x && x !== "default");
  return [...(sets.split(" ").includes("default") ? ["default"] : []), "syscalls", ...rest];
}

/** Every event, computed from the tables above: what build/gen-schema.ts writes into gen/event-table.ts. */
export function computeEvents(): EventDef[] {
  return [
    ...SYSCALL_TABLE().map(([id, name, sets, p]): EventDef => ({
      id, name, sets: syscallSets(sets), params: params(p), hook: { kind: "syscall" },
    })),
    ...OTHER_EVENTS().map(([id, name, sets, p, hook, essential]): EventDef => ({
      id, name, sets: sets.split(" ").filter(Boolean), params: params(p), hook, ...(essential ? { essential } : {}),
    })),
  ];
}

/**
 * Every event, as computed by computeEvents() at build time: parsing the ~1,500 parameter declarations at every
 * start took ~13 ms of it (the generated-files unit test fails when the table is stale).
 */
export const EVENTS: readonly EventDef[] = EVENT_TABLE;

const byId = new Map<number, EventDef>();
const byName = new Map<string, EventDef>();
let maxId = 0;
// a plain loop: at start-up, code runs cold, and Map's iterable constructor and a 400-argument spread took ~3 ms
for (let i = 0; i < EVENTS.length; i++) {
  const e = EVENTS[i];
  byId.set(e.id, e);
  byName.set(e.name, e);
  if (e.id > maxId) maxId = e.id;
}
export const EVENT_BY_ID: ReadonlyMap<number, EventDef> = byId;
/** The highest event id: tables indexed by id have MAX_EVENT_ID + 1 entries. */
export const MAX_EVENT_ID = maxId;
export const EVENT_BY_NAME: ReadonlyMap<string, EventDef> = byName;

/** Syscalls whose events are sent at entry (reference §4.3); failed ones get a second event at exit. */
export const SENT_AT_ENTRY = ["execve", "execveat"] as const;
/** Syscalls that never return normally: no syscall event, only sys_enter. */
export const NEVER_RETURN = ["exit", "exit_group", "rt_sigreturn"] as const;

/** Every set name, in the order `--list` shows them. */
export function allSets(): string[] {
  const s = new Set<string>();
  for (const e of EVENTS) for (const x of e.sets) s.add(x);
  return [...s].sort();
}

/** Load-time configuration written into the object's `.rodata.cfg` section before load. */
export const CONFIG: ContextField[] = ctx([
  ["tracee_pid", "u32"], // excluded in the kernel
  ["options", "u32"], // OPTION bits
  ["filter_enabled", "u32"], // FILTER bits: which kernel filters are on
  ["filter_out", "u32"], // FILTER bits: filter in OUT mode (any != < >), else IN mode
  ["uid_lt", "u64"], // < bound (0 = none); events with key >= bound are dropped
  ["uid_gt", "u64"], // > bound (max = none); events with key <= bound are dropped
  ["pid_lt", "u64"],
  ["pid_gt", "u64"],
  ["mntns_lt", "u64"],
  ["mntns_gt", "u64"],
  ["pidns_lt", "u64"],
  ["pidns_gt", "u64"],
  ["start_ns", "u64"], // bpf_ktime at start: pid=new is "exec'd after this"
]);
export const CONFIG_SIZE = 88;

export const FILTER = {
  uid: 1 << 0, pid: 1 << 1, mntns: 1 << 2, pidns: 1 << 3, uts: 1 << 4, comm: 1 << 5,
  container: 1 << 6, pid_new: 1 << 7, container_new: 1 << 8, follow: 1 << 9, tree: 1 << 10,
  container_id: 1 << 11, // container=ID: only cgroups listed in container_ids_map
} as const;

export const OPTION = {
  exec_env: 1 << 0, stack_addresses: 1 << 1, detect_syscall: 1 << 2,
  capture_write: 1 << 3, capture_exec: 1 << 4, capture_mem: 1 << 5,
  cgroup_v1: 1 << 6, // context cgroup_id = the cgroup of the v1 hierarchy cpuset (subsys[0]) is bound to, not the v2 one
  // loops (argv/envp arrays, path walks, a number's digits) as plain bounded loops even where bpf_loop (5.17+) and
  // bpf_snprintf (5.13+) exist: the way older kernels take, kept testable here (TRACEE_NO_BPF_LOOP=1)
  no_bpf_loop: 1 << 7,
} as const;

/** Values of `containers_map` (low 32 bits of a cgroup id -> state), kept by src/containers and bpf/cgroup.bpf.h. */
export const CONTAINER_STATE = {
  existed: 1, // a container cgroup that existed before start (user space writes it)
  created: 2, // created after start, no process started in it yet (cgroup_mkdir)
  started: 3, // a process exec'd inside it in a namespace its parent is not in
} as const;

/** Values of `container_ids_map` (container=ID: low 32 bits of a cgroup id -> verdict). */
export const CONTAINER_ID = {
  allowed: 1, // its container id starts with one of the given prefixes
  pending: 2, // created after start, not yet resolved by user space: passes until then
} as const;

/** Value bits of `chosen_events_map` (event id -> flags). */
export const EVENT_FLAG = { submit: 1 << 0, essential: 1 << 1 } as const;

/** Kernel-side counters in `stats_map` (per-CPU array), reported at exit. */
export const KSTAT = [
  "submitted", // samples written to the events ring
  "lost_output", // bpf_perf_event_output failed (ring full)
  "arg_dropped", // an argument did not fit the event buffer
  "args_missing", // sys_exit without saved sys_enter args
  "compat_dropped", // 32-bit syscall with no 64-bit event
  "blob_submitted", // capture samples written to the file_writes ring
  "blob_lost", // capture sample the file_writes ring could not take (ring full)
  "blob_unreadable", // capture chunk whose user memory could not be read (write: lost; memory: zeros)
  "blob_cut", // capture data left unsent: a write longer than the tail-call chain streams, a dump over memDumpMax
] as const;

/** Capture: the fixed header of every `file_writes` sample (docs/wire-format.md §5); its first 24 bytes
 * (type .. id) name the artifact and are also the key of the kernel's lost-chunk map. */
export const BLOB: ContextField[] = ctx([
  ["type", "u32"], // BLOB_TYPE
  ["mnt_ns", "u32"], // mount namespace of the writer
  ["dev", "u32"], // write: the file's device (kernel dev_t); mem: 0
  ["pid", "u32"], // write to /dev/null: the writer's tgid in its pid namespace; else 0
  ["id", "u64"], // write: inode number; mem: the alert's time (ns since boot)
  ["mode", "u32"], // write: the inode's i_mode; mem: 0
  ["len", "u32"], // data bytes after the header
  ["offset", "u64"], // write: file offset of the data; mem: offset inside the region
  ["total", "u64"], // mem: bytes of the whole dump; write: 0
  ["ts", "u64"], // when the syscall was seen (ns since boot): user space applies samples of all CPUs in this order
]);
export const BLOB_SIZE = 56;
export const BLOB_KEY_SIZE = 24;
export const BLOB_TYPE = { write: 1, mem: 2 } as const;
