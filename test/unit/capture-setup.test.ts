// What capture asks of the kernel: essential events, option bits, prefix map values, sched_process_exec sent,
// and which programs load on kernels with and without kprobes.
import { describe, expect, test } from "bun:test";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareOutDir } from "../../src/capture/fsafe.ts";
import { parseCapture } from "../../src/capture/options.ts";
import { captureEvents, captureOptions, CaptureSession, prefixEntries } from "../../src/capture/session.ts";
import { EVENT_BY_NAME, EVENT_FLAG, OPTION } from "../../src/events/schema.ts";
import { PreflightError } from "../../src/tracer/preflight.ts";
import { kernelAtLeast, PROGRAMS, programSelector, selectPrograms } from "../../src/tracer/programs.ts";
import type { Hook, KernelFeatures } from "../../src/tracer/kernel-probe.ts";

const id = (n: string) => EVENT_BY_NAME.get(n)!.id;
const u32 = (v: number) => new Uint8Array(new Uint32Array([v]).buffer);

describe("kernel setup", () => {
  test("each artifact makes its events essential and sets its option bit", () => {
    const c = parseCapture(["write=/etc/*", "exec", "mem"]);
    expect(captureEvents(c)).toEqual(["sched_process_exec", "vfs_write", "vfs_writev", "mem_prot_alert"]);
    expect(captureOptions(c)).toBe(OPTION.capture_write | OPTION.capture_exec | OPTION.capture_mem);
    expect(captureEvents(parseCapture(["dir:/x"]))).toEqual([]);
  });

  test("prefixes become NUL-padded 64-byte map values at keys 0..n-1", () => {
    const e = prefixEntries(["/etc/", "/tmp/é"]);
    expect(e.map((x) => x.map)).toEqual(["capture_prefix_map", "capture_prefix_map"]);
    expect([...e[1].key]).toEqual([1, 0, 0, 0]);
    expect(e[1].value.length).toBe(64);
    expect(Buffer.from(e[1].value).toString("utf8").replace(/\0+$/, "")).toBe("/tmp/é");
  });

  test("exec capture has sched_process_exec sent even when it is not printed; the switch map holds the options", () => {
    const s = new CaptureSession({ config: parseCapture(["exec", "write"]), out: "/nonexistent", blobWorkerUrl: "", blobPages: 8,
      bootEpochNs: 0n, startMonoNs: 0n, relativeTime: false });
    const base = [{ map: "chosen_events_map", key: u32(id("sched_process_exec")), value: u32(EVENT_FLAG.essential) },
      { map: "chosen_events_map", key: u32(id("openat")), value: u32(EVENT_FLAG.submit) }];
    const got = s.mapEntries(base);
    expect([...got[0].value]).toEqual([...u32(EVENT_FLAG.essential | EVENT_FLAG.submit)]);
    expect(got[1]).toBe(base[1]);
    expect(got.find((e) => e.map === "capture_ctl_map")!.value).toEqual(u32(OPTION.capture_write | OPTION.capture_exec));
    expect(s.extraRings?.map).toBe("file_writes");
  });

  test("exec-only capture needs no capture rings", () => {
    const s = new CaptureSession({ config: parseCapture(["exec"]), out: "/x", blobWorkerUrl: "", blobPages: 8, bootEpochNs: 0n, startMonoNs: 0n, relativeTime: false });
    expect(s.extraRings).toBeUndefined();
  });
});

describe("program choice", () => {
  const chosen = new Set([id("vfs_write"), id("vfs_writev"), id("mem_prot_alert")]);
  const kernel = (kprobes: boolean, missing: string[] = []): KernelFeatures => ({
    kprobes, tracefs: "/sys/kernel/tracing", has: (h: Hook) => !missing.some((m) => h.endsWith(m)),
  });
  const both = { write: true, mem: true };
  const capturing = (s: ReturnType<typeof selectPrograms>) => [...s.load].filter((n) => PROGRAMS[n].capture || PROGRAMS[n].helper).sort();

  test("without kprobes: the syscall tracepoints of the write family, the tracepoint sender, the memory hooks", () => {
    expect(capturing(selectPrograms(chosen, kernel(false), both, "6.18.4"))).toEqual([
      "capture__send_tp", "tracepoint__syscalls__sys_enter_mprotect", "tracepoint__syscalls__sys_enter_pkey_mprotect",
      "tracepoint__syscalls__sys_exit_mmap", "tracepoint__syscalls__sys_exit_pwrite64", "tracepoint__syscalls__sys_exit_pwritev",
      "tracepoint__syscalls__sys_exit_pwritev2", "tracepoint__syscalls__sys_exit_write", "tracepoint__syscalls__sys_exit_writev",
    ]);
  });

  test("with kprobes: vfs_write/vfs_writev kprobes and their sender instead of the tracepoints", () => {
    expect(capturing(selectPrograms(chosen, kernel(true), { write: true }, "5.10.0"))).toEqual([
      "capture__send_kp", "kprobe__capture_vfs_write", "kprobe__capture_vfs_writev", "kretprobe__capture_vfs_write", "kretprobe__capture_vfs_writev",
    ]);
  });

  test("nothing of capture loads when capture is off, even with its events chosen", () => {
    expect(capturing(selectPrograms(chosen, kernel(false), {}, "6.18"))).toEqual([]);
  });

  test("while capture runs, the event-only programs of its events stay unloaded (no event is sent twice)", () => {
    const s = selectPrograms(chosen, kernel(false), both, "6.18");
    expect(s.load.has("tracepoint__syscalls__vfs_write")).toBe(false);
    expect(s.load.has("tracepoint__syscalls__mem_prot_alert_exit")).toBe(false);
    const withMagic = selectPrograms(new Set([...chosen, id("magic_write")]), kernel(false), both, "6.18");
    expect(withMagic.load.has("tracepoint__syscalls__vfs_write")).toBe(true);
    const off = selectPrograms(chosen, kernel(false), {}, "6.18");
    expect(off.load.has("tracepoint__syscalls__vfs_write")).toBe(true);
  });

  test("a kernel with kprobes but without vfs_writev (inlined) captures every write through the tracepoints", () => {
    expect(capturing(selectPrograms(chosen, kernel(true, ["vfs_writev"]), { write: true }, "6.8.0"))).toEqual([
      "capture__send_tp", "tracepoint__syscalls__sys_exit_pwrite64", "tracepoint__syscalls__sys_exit_pwritev",
      "tracepoint__syscalls__sys_exit_pwritev2", "tracepoint__syscalls__sys_exit_write", "tracepoint__syscalls__sys_exit_writev",
    ]);
  });

  test("capture that no program on this kernel serves is said in one warning each", () => {
    const s = new CaptureSession({ config: parseCapture(["write", "mem"]), out: "/x", blobWorkerUrl: "", blobPages: 8, bootEpochNs: 0n, startMonoNs: 0n, relativeTime: false });
    const want = (release: string) => programSelector(selectPrograms(chosen, kernel(false), both, release));
    expect([...s.unavailable(want("5.10.0"))]).toEqual([
      "--capture write: this kernel has no way in (kprobes, or syscall tracepoints on 5.15+); no file will be captured",
      "--capture mem: needs kernel 5.17+ (bpf_find_vma); no memory will be dumped",
    ]);
    expect(s.unavailable(want("6.18.0"))).toEqual([]);
  });

  test("kernel releases compare by major and minor", () => {
    expect(kernelAtLeast("5.17.0-1-amd64", "5.17")).toBe(true);
    expect(kernelAtLeast("5.16.20", "5.17")).toBe(false);
    expect(kernelAtLeast("6.1.0", "5.17")).toBe(true);
    expect(kernelAtLeast("4.19.0", "5.15")).toBe(false);
    expect(kernelAtLeast(undefined, "5.15")).toBe(true);
  });
});

describe("the capture folder", () => {
  test("is created 0700; an existing looser out folder is tightened", () => {
    const d = mkdtempSync(join(tmpdir(), "tracee-dir-"));
    try {
      expect(prepareOutDir(join(d, "t"), false)).toBe(join(d, "t/out"));
      expect(statSync(join(d, "t")).mode & 0o777).toBe(0o700);
      expect(statSync(join(d, "t/out")).mode & 0o777).toBe(0o700);
      mkdirSync(join(d, "u/out"), { recursive: true, mode: 0o755 });
      prepareOutDir(join(d, "u"), false);
      expect(statSync(join(d, "u/out")).mode & 0o777).toBe(0o700);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  test("clear-dir empties out/ first", () => {
    const d = mkdtempSync(join(tmpdir(), "tracee-dir-"));
    try {
      mkdirSync(join(d, "out/4026531840"), { recursive: true });
      writeFileSync(join(d, "out/4026531840/old"), "x");
      prepareOutDir(d, true);
      expect(readdirSync(join(d, "out"))).toEqual([]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  test("a symlink planted at out/ is refused, with or without clear-dir, and what it points to is untouched", () => {
    const d = mkdtempSync(join(tmpdir(), "tracee-dir-"));
    const target = mkdtempSync(join(tmpdir(), "tracee-target-"));
    try {
      writeFileSync(join(target, "precious"), "x");
      symlinkSync(target, join(d, "out"));
      for (const clear of [false, true]) {
        expect(() => prepareOutDir(d, clear)).toThrow(PreflightError);
      }
      expect(readdirSync(target)).toEqual(["precious"]);
      expect(lstatSync(join(d, "out")).isSymbolicLink()).toBe(true);
    } finally {
      rmSync(d, { recursive: true, force: true });
      rmSync(target, { recursive: true, force: true });
    }
  });
});
