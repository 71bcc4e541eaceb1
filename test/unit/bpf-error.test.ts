// The one-line messages of failed libbpf calls name the likely fix for each errno.
import { expect, test } from "bun:test";
import { BpfError } from "../../ffi/errors.ts";

test("a refused load points at the verifier's log; other EACCES/EPERM at privileges", () => {
  expect(new BpfError("loading BPF object", -13).message).toBe(
    "loading BPF object: EACCES (permission denied); the kernel refused a program (its verifier, or a security policy such as lockdown); run with --debug to see the verifier's log",
  );
  expect(new BpfError("attaching x to syscalls/sys_enter_openat", -13).message).toContain("run as root or grant CAP_BPF, CAP_PERFMON");
  expect(new BpfError("loading BPF object", -1).message).toContain("run as root or grant CAP_BPF, CAP_PERFMON");
  expect(new BpfError("attaching x", -2).message).toContain("this kernel lacks the hook");
});
