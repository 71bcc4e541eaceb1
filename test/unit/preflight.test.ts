// What tracing needs before it touches the kernel: capabilities by kernel version, and a BTF for CO-RE.
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkCapabilities, missingCapabilities, needsKernelBtf, PreflightError, resolveBtf, withoutKernelBtf } from "../../src/tracer/preflight.ts";
import { buildElf } from "../helpers/elf.ts";

const bit = (...caps: number[]) => caps.reduce((m, c) => m | (1n << BigInt(c)), 0n);
const SYS_ADMIN = 21, SYS_RESOURCE = 24, PERFMON = 38, BPF = 39;

describe("capabilities", () => {
  test("on 5.11 and later, CAP_BPF and CAP_PERFMON suffice (no CAP_SYS_RESOURCE: BPF memory is memcg-accounted)", () => {
    expect(missingCapabilities(bit(BPF, PERFMON), "6.18.0")).toEqual([]);
    expect(missingCapabilities(bit(BPF, PERFMON), "5.11.0-1-generic")).toEqual([]);
  });
  test("on 5.8 to 5.10, CAP_SYS_RESOURCE is needed too, to raise RLIMIT_MEMLOCK", () => {
    expect(missingCapabilities(bit(BPF, PERFMON), "5.10.0")).toEqual(["CAP_SYS_RESOURCE"]);
    expect(missingCapabilities(bit(BPF, PERFMON, SYS_RESOURCE), "5.8.0")).toEqual([]);
  });
  test("before 5.8 only CAP_SYS_ADMIN loads programs", () => {
    expect(missingCapabilities(bit(BPF, PERFMON, SYS_RESOURCE), "5.4.0-42-generic")).toEqual(["CAP_SYS_ADMIN"]);
    expect(missingCapabilities(bit(SYS_ADMIN, SYS_RESOURCE), "4.19.0")).toEqual([]);
  });
  test("CAP_SYS_ADMIN still implies CAP_BPF and CAP_PERFMON on new kernels", () => {
    expect(missingCapabilities(bit(SYS_ADMIN), "6.1.0")).toEqual([]);
  });
  test("names exactly what is missing", () => {
    expect(missingCapabilities(0n, "6.1.0")).toEqual(["CAP_BPF", "CAP_PERFMON"]);
    expect(missingCapabilities(bit(BPF), "6.1.0")).toEqual(["CAP_PERFMON"]);
    expect(missingCapabilities(0n, "5.9.0")).toEqual(["CAP_BPF", "CAP_PERFMON", "CAP_SYS_RESOURCE"]);
  });
  test("says so in one line that names the fix", () => {
    let msg = "";
    try {
      checkCapabilities(bit(PERFMON), "6.1.0");
    } catch (e) {
      expect(e).toBeInstanceOf(PreflightError);
      msg = (e as Error).message;
    }
    expect(msg).toStartWith("insufficient privileges to trace: missing CAP_BPF; run as root or grant them (sudo setcap cap_bpf+ep ");
    expect(msg).not.toContain("\n");
    expect(() => checkCapabilities(bit(BPF, PERFMON), "6.1.0")).not.toThrow();
  });
});

describe("BTF for CO-RE", () => {
  const dir = mkdtempSync(join(tmpdir(), "tracee-unit-btf-"));
  const raw = join(dir, "raw.btf");
  writeFileSync(raw, new Uint8Array([0x9f, 0xeb, 1, 0, 24, 0, 0, 0]));
  const empty = join(dir, "empty");
  writeFileSync(empty, "");
  const elfWithBtf = join(dir, "vmlinux");
  writeFileSync(elfWithBtf, buildElf([{ name: ".text", data: new Uint8Array(8) }, { name: ".BTF", data: new Uint8Array([0x9f, 0xeb, 1, 0]) }], 62, 2));
  const elfWithout = join(dir, "vmlinux-nodebug");
  writeFileSync(elfWithout, buildElf([{ name: ".text", data: new Uint8Array(8) }], 62, 2));
  const missing = join(dir, "none");

  test("uses the kernel's own BTF when it has one and nothing is given", () => {
    expect(resolveBtf(undefined, undefined, raw)).toEqual({ kernelBtf: true, source: `the kernel's ${raw}` });
  });
  test("a kernel BTF path that is empty (hidden) or missing counts as no BTF, with a message naming both ways to give one", () => {
    for (const k of [empty, missing]) {
      expect(() => resolveBtf(undefined, undefined, k)).toThrow(
        `this kernel has no BTF (${k} is missing or empty) and tracee's eBPF objects are CO-RE: give this kernel's BTF with --btf-file FILE or TRACEE_BTF_FILE=FILE (e.g. from BTFHub)`,
      );
    }
  });
  test("--btf-file wins over TRACEE_BTF_FILE, which wins over the kernel's", () => {
    expect(resolveBtf(raw, elfWithBtf, raw)).toEqual({ path: raw, kernelBtf: true, source: `--btf-file ${raw}` });
    expect(resolveBtf(undefined, elfWithBtf, empty)).toEqual({ path: elfWithBtf, kernelBtf: false, source: `TRACEE_BTF_FILE ${elfWithBtf}` });
  });
  test("a copy of the kernel's own BTF is accepted as a BTF file", () => {
    const copy = join(dir, "kernel.btf");
    copyFileSync("/sys/kernel/btf/vmlinux", copy);
    expect(resolveBtf(copy, undefined, empty).path).toBe(copy);
  });
  test("refuses a given file that is missing or not BTF, naming where it came from", () => {
    expect(() => resolveBtf(missing, undefined, raw)).toThrow(`--btf-file ${missing}: no such readable file`);
    expect(() => resolveBtf(undefined, empty, raw)).toThrow(`TRACEE_BTF_FILE ${empty}: not BTF`);
    expect(() => resolveBtf(elfWithout, undefined, raw)).toThrow(/not BTF \(neither raw BTF nor an ELF file with a \.BTF section\)/);
    const text = join(dir, "notes.txt");
    writeFileSync(text, "hello");
    expect(() => resolveBtf(text, undefined, raw)).toThrow(/not BTF/);
  });
  test("program kinds typed by the kernel's BTF are told apart from the rest", () => {
    expect(["tp_btf/sched_process_exec", "fentry/vfs_write", "lsm/bprm_check_security", "iter/task"].every(needsKernelBtf)).toBe(true);
    expect(["raw_tracepoint/sys_enter", "tracepoint/syscalls/sys_enter_openat", "kprobe/do_exit", "tp_btfx/y"].some(needsKernelBtf)).toBe(false);
  });
  test("without the kernel's BTF, BTF-typed programs are switched off with a note; the rest follow the selector", () => {
    const notes: string[] = [];
    const want = withoutKernelBtf((name) => name !== "unwanted", false, (m) => notes.push(m));
    expect(want("exec", "tp_btf/sched_process_exec")).toBe(false);
    expect(want("enter", "raw_tracepoint/sys_enter")).toBe(true);
    expect(want("unwanted", "raw_tracepoint/sys_exit")).toBe(false);
    expect(notes).toEqual(["tp_btf/sched_process_exec: needs the kernel's own BTF, which this kernel lacks; its events are unavailable"]);
    expect(withoutKernelBtf(() => true, true, (m) => notes.push(m))("exec", "tp_btf/sched_process_exec")).toBe(true);
  });
  afterAll(() => rmSync(dir, { recursive: true }));
});
