// BpfError: every failed libbpf or libc call becomes one of these, carrying a hint that names the fix.

const NAMES: Record<number, [string, string]> = {
  1: ["EPERM", "operation not permitted"],
  2: ["ENOENT", "no such file or directory"],
  3: ["ESRCH", "no such process"],
  4: ["EINTR", "interrupted system call"],
  5: ["EIO", "input/output error"],
  7: ["E2BIG", "argument list too long"],
  9: ["EBADF", "bad file descriptor"],
  11: ["EAGAIN", "resource temporarily unavailable"],
  12: ["ENOMEM", "cannot allocate memory"],
  13: ["EACCES", "permission denied"],
  14: ["EFAULT", "bad address"],
  16: ["EBUSY", "device or resource busy"],
  17: ["EEXIST", "file exists"],
  19: ["ENODEV", "no such device"],
  22: ["EINVAL", "invalid argument"],
  24: ["EMFILE", "too many open files"],
  28: ["ENOSPC", "no space left on device"],
  95: ["EOPNOTSUPP", "operation not supported"],
  524: ["ENOTSUPP", "operation not supported by the kernel"],
  4001: ["LIBBPF_ERRNO__FORMAT", "not a BPF object (bad ELF format)"],
  4002: ["LIBBPF_ERRNO__KVERSION", "kernel version mismatch"],
  4003: ["LIBBPF_ERRNO__ENDIAN", "wrong endianness"],
  4006: ["LIBBPF_ERRNO__RELOC", "relocation failed"],
  4007: ["LIBBPF_ERRNO__LOAD", "the verifier rejected a program"],
  4008: ["LIBBPF_ERRNO__VERIFY", "the kernel verifier rejected a program"],
  4009: ["LIBBPF_ERRNO__PROG2BIG", "program too big"],
  4010: ["LIBBPF_ERRNO__KVER", "incorrect kernel version"],
  4011: ["LIBBPF_ERRNO__PROGTYPE", "program type not supported by this kernel"],
};

export function errnoText(errno: number): string {
  const n = NAMES[Math.abs(errno)];
  return n ? `${n[0]} (${n[1]})` : `errno ${Math.abs(errno)}`;
}

const PRIVILEGE_HINT = "run as root or grant CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE";

function hintFor(op: string, errno: number): string {
  switch (Math.abs(errno)) {
    case 13:
      // privileges are checked before anything is loaded, so a load refused now is the verifier's (or a policy's) no
      if (op.startsWith("loading")) return "the kernel refused a program (its verifier, or a security policy such as lockdown); run with --debug to see the verifier's log";
      return PRIVILEGE_HINT;
    case 1:
      return PRIVILEGE_HINT;
    case 12:
      return "raise RLIMIT_MEMLOCK (ulimit -l unlimited) or lower --perf-buffer-size";
    case 4001:
      return "the eBPF object file is corrupt or not a BPF object; rebuild it (--build-policy always) or unset TRACEE_BPF_FILE";
    case 2:
      return op.includes("attach") ? "this kernel lacks the hook; the event is unavailable here" : "check that the file exists";
    default:
      return "run with --debug to see libbpf's log";
  }
}

export class BpfError extends Error {
  constructor(
    readonly op: string,
    readonly errno: number,
    readonly hint: string = hintFor(op, errno),
  ) {
    super(`${op}: ${errnoText(errno)}; ${hint}`);
    this.name = "BpfError";
  }
}
