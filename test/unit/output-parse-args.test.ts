// Unit tests of the readable-argument parsers (reference §4.7) and errno names.
import { describe, expect, test } from "bun:test";
import {
  accessMode, cloneFlags, execveatFlags, fileMode, mmapFlags, namespaceFlags, openFlags, protFlags, socketType,
} from "../../src/output/flags.ts";
import { bpfCommand, prctlOption, ptraceRequest, signalName } from "../../src/output/names.ts";
import { errnoName, parseArguments } from "../../src/output/parse-args.ts";
import { arg, event } from "../helpers/output-events.ts";

const parsed = (name: string, args: [string, unknown][]) =>
  parseArguments(event(name, { args: args.map(([n, v]) => arg(name, n, v as never)) })).args.map((a) => a.value);

describe("argument parsers (reference §4.7)", () => {
  test("open flags: access mode first, then flags in reference order", () => {
    expect(openFlags(0o100000)).toBe("O_RDONLY|O_LARGEFILE");
    expect(openFlags(1 | 0o100 | 0o1000 | 0o2000000)).toBe("O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC");
    expect(openFlags(2 | 0o4010000)).toBe("O_RDWR|O_SYNC");
    expect(openFlags(0o10000)).toBe("O_RDONLY|O_DSYNC");
    expect(openFlags(0o200000 | 0o400000)).toBe("O_RDONLY|O_DIRECTORY|O_NOFOLLOW");
    expect(openFlags(0)).toBe("O_RDONLY");
  });

  test("mmap/mprotect prot", () => {
    expect(protFlags(5)).toBe("PROT_READ|PROT_EXEC");
    expect(protFlags(0)).toBe("PROT_NONE");
    expect(protFlags(7)).toBe("PROT_READ|PROT_WRITE|PROT_EXEC");
  });

  test("mmap flags with map type first and huge page size", () => {
    expect(mmapFlags(0x22)).toBe("MAP_PRIVATE|MAP_ANONYMOUS");
    expect(mmapFlags(0x11)).toBe("MAP_SHARED|MAP_FIXED");
    expect(mmapFlags(0x22 | 0x40000 | (21 << 26))).toBe("MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB");
    expect(mmapFlags(0x802)).toBe("MAP_PRIVATE|MAP_DENYWRITE");
  });

  test("clone flags ignore the exit signal byte", () => {
    expect(cloneFlags(0x1200011)).toBe("CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID");
    expect(cloneFlags(0x3d0f00)).toBe(
      "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID");
    expect(cloneFlags(0x80000000 + 17)).toBe("CLONE_IO");
    expect(cloneFlags(17)).toBe("0");
    expect(namespaceFlags(0x10000000 | 0x20000)).toBe("CLONE_NEWNS|CLONE_NEWUSER");
    expect(namespaceFlags(0x80)).toBe("CLONE_NEWTIME");
  });

  test("socket domain and type", () => {
    expect(parsed("socket", [["domain", 2], ["type", 0o2000001], ["protocol", 0]])).toEqual(["AF_INET", "SOCK_STREAM|SOCK_CLOEXEC", 0]);
    expect(socketType(0o4002)).toBe("SOCK_DGRAM|SOCK_NONBLOCK");
    expect(socketType(9)).toBe("9");
    expect(parsed("socket", [["domain", 10]])).toEqual(["AF_INET6"]);
    expect(parsed("security_socket_create", [["family", 16], ["type", 3]])).toEqual(["AF_NETLINK", "SOCK_RAW"]);
  });

  test("access mode", () => {
    expect(accessMode(6)).toBe("R_OK|W_OK");
    expect(accessMode(0)).toBe("F_OK");
    expect(accessMode(1)).toBe("X_OK");
  });

  test("file modes: type, set-id bits, then per-class permissions", () => {
    expect(fileMode(0o100755)).toBe("S_IFREG|S_IRWXU|S_IRGRP|S_IXGRP|S_IROTH|S_IXOTH");
    expect(fileMode(0o644)).toBe("S_IRUSR|S_IWUSR|S_IRGRP|S_IROTH");
    expect(fileMode(0o4750)).toBe("S_ISUID|S_IRWXU|S_IRGRP|S_IXGRP");
    expect(fileMode(0o020000)).toBe("S_IFCHR");
    expect(fileMode(0o140777)).toBe("S_IFSOCK|S_IRWXU|S_IRWXG|S_IRWXO");
    expect(fileMode(0)).toBe("0");
    expect(parsed("sched_process_exec", [["stdin_type", 0o010000]])).toEqual(["S_IFIFO"]);
  });

  test("execveat flags use the kernel's values", () => {
    expect(execveatFlags(0x1000)).toBe("AT_EMPTY_PATH");
    expect(execveatFlags(0x100)).toBe("AT_SYMLINK_NOFOLLOW");
    expect(execveatFlags(0)).toBe("0");
  });

  test("unknown bits are kept as hex", () => {
    expect(protFlags(0x10 | 1)).toBe("PROT_READ|0x10");
    expect(accessMode(0x20 | 4)).toBe("R_OK|0x20");
  });

  test("capabilities by name up to CAP_CHECKPOINT_RESTORE", () => {
    expect(parsed("cap_capable", [["cap", 0], ["syscall", 59]])).toEqual(["CAP_CHOWN", "execve"]);
    expect(parsed("cap_capable", [["cap", 21]])).toEqual(["CAP_SYS_ADMIN"]);
    expect(parsed("cap_capable", [["cap", 39]])).toEqual(["CAP_BPF"]);
    expect(parsed("cap_capable", [["cap", 40]])).toEqual(["CAP_CHECKPOINT_RESTORE"]);
    expect(parsed("cap_capable", [["cap", 41]])).toEqual([41]);
  });

  test("signals for kill, tkill and tgkill", () => {
    expect(parsed("kill", [["pid", 1], ["sig", 9]])).toEqual([1, "SIGKILL"]);
    expect(parsed("tgkill", [["tgid", 1], ["tid", 2], ["sig", 15]])).toEqual([1, 2, "SIGTERM"]);
    expect(parsed("tkill", [["tid", 1], ["sig", 34]])).toEqual([1, "SIGRTMIN+2"]);
    expect(parsed("kill", [["pid", 1], ["sig", 0]])).toEqual([1, 0]);
    expect(signalName(31)).toBe("SIGSYS");
  });

  test("ptrace requests, prctl options and bpf commands", () => {
    expect(parsed("ptrace", [["request", 16]])).toEqual(["PTRACE_ATTACH"]);
    expect(ptraceRequest(24)).toBe("PTRACE_SYSCALL");
    expect(ptraceRequest(0x4206)).toBe("PTRACE_SEIZE");
    expect(ptraceRequest(0x420d)).toBe("PTRACE_SECCOMP_GET_METADATA");
    expect(parsed("prctl", [["option", 15]])).toEqual(["PR_SET_NAME"]);
    expect(prctlOption(47)).toBe("PR_CAP_AMBIENT");
    expect(prctlOption(50)).toBe("PR_SVE_SET_VL");
    expect(prctlOption(65)).toBe("PR_SET_MDWE");
    expect(prctlOption(0x59616d61)).toBe("PR_SET_PTRACER");
    expect(parsed("bpf", [["cmd", 5]])).toEqual(["BPF_PROG_LOAD"]);
    expect(parsed("security_bpf", [["cmd", 0]])).toEqual(["BPF_MAP_CREATE"]);
    expect(bpfCommand(36)).toBe("BPF_TOKEN_CREATE");
    expect(parsed("ptrace", [["request", 999]])).toEqual([999]);
  });

  test("syscall ids become names for sys_enter, sys_exit and detect-syscall args", () => {
    expect(parsed("sys_enter", [["syscall", 257]])).toEqual(["openat"]);
    expect(parsed("sys_exit", [["syscall", 0]])).toEqual(["read"]);
    expect(parsed("security_file_open", [["flags", 0o2000000], ["syscall", 2]])).toEqual(["O_RDONLY|O_CLOEXEC", "open"]);
    expect(parsed("commit_creds", [["syscall", 105]])).toEqual(["setuid"]);
    expect(parsed("sys_enter", [["syscall", 400]])).toEqual([400]);
  });

  test("mem_prot_alert messages and kernel read file types", () => {
    expect(parsed("mem_prot_alert", [["alert", 1]])).toEqual(["Mmaped region with W+E permissions!"]);
    expect(parsed("mem_prot_alert", [["alert", 4]])).toEqual(["Protection changed from W+E to E!"]);
    expect(parsed("mem_prot_alert", [["alert", 9]])).toEqual(["Unknown alert"]);
    expect(parsed("security_kernel_read_file", [["type", 2]])).toEqual(["kernel-module"]);
    expect(parsed("security_kernel_post_read_file", [["type", 6]])).toEqual(["x509-certificate"]);
  });

  test("pointers become 0x + uppercase hex, NULL 0x0", () => {
    expect(parsed("read", [["fd", 3], ["buf", 0x7ffd1c2a3b40], ["count", 10]])).toEqual([3, "0x7FFD1C2A3B40", 10]);
    expect(parsed("brk", [["addr", 0]])).toEqual(["0x0"]);
    expect(parsed("brk", [["addr", 0xffffffffffffffffn]])).toEqual(["0xFFFFFFFFFFFFFFFF"]);
  });

  test("errno names for negative returns", () => {
    expect(errnoName(-2)).toBe("ENOENT");
    expect(errnoName(-13n)).toBe("EACCES");
    expect(errnoName(-40)).toBe("ELOOP");
    expect(errnoName(-42)).toBe("ENOMSG");
    expect(errnoName(-59)).toBe("EBFONT");
    expect(errnoName(-133)).toBe("EHWPOISON");
    expect(errnoName(-512)).toBe("ERESTARTSYS");
    expect(errnoName(0)).toBeUndefined();
    expect(errnoName(2)).toBeUndefined();
    expect(errnoName(-41)).toBeUndefined();
  });

  test("leaves the input event and its args untouched", () => {
    const ev = event("openat", { args: [arg("openat", "dirfd", -100), arg("openat", "flags", 0o100000)] });
    const before = structuredClone(ev);
    const out = parseArguments(ev);
    expect(ev).toEqual(before);
    expect(out.args[1].value).toBe("O_RDONLY|O_LARGEFILE");
    expect(out.args[0]).toBe(ev.args[0]);
  });

  test("returns the same event when nothing needs parsing", () => {
    const ev = event("close", { args: [arg("close", "fd", 3)] });
    expect(parseArguments(ev)).toBe(ev);
  });
});
