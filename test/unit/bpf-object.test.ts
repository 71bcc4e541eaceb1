// The object checks and the source bundle: what tracee accepts as its eBPF object, and how the sources travel.
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { abiOf, clangArgs, MAIN_SOURCE, packBundle, unpackBundle } from "../../src/bpf-object/bundle.ts";
import { ElfError, readSections, sectionNamesOfFile } from "../../src/bpf-object/elf.ts";
import { builtName, CORE_NAME, objectNames } from "../../src/bpf-object/names.ts";
import { checkObject, readStamp, RejectedObject } from "../../src/bpf-object/stamp.ts";
import { buildElf, stampedObject } from "../helpers/elf.ts";

const rejection = (f: () => unknown): RejectedObject => {
  try {
    f();
  } catch (e) {
    if (e instanceof RejectedObject) return e;
    throw e;
  }
  throw new Error("not rejected");
};

describe("the ELF reader", () => {
  test("lists the sections of an eBPF object with their names and sizes", () => {
    const s = readSections(stampedObject("abc"));
    expect(s.map((x) => x.name)).toEqual(["", ".text", ".BTF", ".tracee.abi", ".shstrtab"]);
    expect(s[1].size).toBe(16);
  });

  test("refuses a file cut short inside its section table or a section", () => {
    const full = stampedObject("abc");
    expect(() => readSections(full.subarray(0, full.length - 10))).toThrow(/truncated/);
    expect(() => readSections(full.subarray(0, 40))).toThrow(/too short/);
    const bad = full.slice();
    // point .text (section 1) far past the end of the file
    new DataView(bad.buffer).setBigUint64(Number(new DataView(bad.buffer).getBigUint64(40, true)) + 64 + 24, 1n << 40n, true);
    expect(() => readSections(bad)).toThrow(/section 1 lies past the end/);
  });

  test("refuses ELF files of other machines and non-ELF bytes", () => {
    expect(() => readSections(buildElf([{ name: ".text", data: new Uint8Array(4) }], 62))).toThrow(/machine 62, not an eBPF object/);
    expect(() => readSections(new TextEncoder().encode("#!/bin/sh\necho not an object at all, but long enough to parse\n"))).toThrow(ElfError);
  });

  test("reads section names of a file without reading it whole", () => {
    const dir = mkdtempSync(join(tmpdir(), "tracee-unit-"));
    try {
      writeFileSync(join(dir, "v"), buildElf([{ name: ".BTF", data: new Uint8Array(8) }], 62, 2));
      expect(sectionNamesOfFile(join(dir, "v"))).toEqual(["", ".BTF", ".shstrtab"]);
      writeFileSync(join(dir, "t"), new Uint8Array(10));
      expect(() => sectionNamesOfFile(join(dir, "t"))).toThrow(ElfError);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe("the ABI stamp", () => {
  test("reads the stamp that bpf/abi.bpf.h puts in the object", () => {
    expect(readStamp(stampedObject("0123456789abcdef"))).toBe("0123456789abcdef");
  });

  test("accepts an object with the wanted stamp and calls another stamp stale", () => {
    expect(() => checkObject(stampedObject("aaaa"), "aaaa")).not.toThrow();
    const e = rejection(() => checkObject(stampedObject("bbbb"), "aaaa"));
    expect(e.kind).toBe("stale");
    expect(e.message).toContain("abi bbbb; this tracee needs abi aaaa");
  });

  test("calls an eBPF object without the stamp, or without BTF, foreign", () => {
    const noStamp = buildElf([{ name: ".BTF", data: new Uint8Array(4) }]);
    expect(rejection(() => readStamp(noStamp)).kind).toBe("foreign");
    const noBtf = buildElf([{ name: ".tracee.abi", data: new TextEncoder().encode("tracee-abi:x\0") }]);
    expect(rejection(() => readStamp(noBtf)).message).toContain("without BTF");
    const unreadable = buildElf([{ name: ".BTF", data: new Uint8Array(4) }, { name: ".tracee.abi", data: new Uint8Array(3) }]);
    expect(rejection(() => readStamp(unreadable)).message).toContain("unreadable");
  });

  test("calls random bytes and a truncated object corrupt", () => {
    expect(rejection(() => readStamp(new Uint8Array(100).fill(0x41))).kind).toBe("corrupt");
    const o = stampedObject("abc");
    expect(rejection(() => readStamp(o.subarray(0, o.length - 1))).kind).toBe("corrupt");
  });

  test("the executable's own object carries the stamp of the sources it carries", () => {
    const root = new URL("../..", import.meta.url).pathname;
    const obj = new Uint8Array(readFileSync(root + "dist/embed/tracee.bpf.o"));
    const bundle = unpackBundle(new Uint8Array(readFileSync(root + "dist/embed/bpf-sources.gz")));
    expect(readStamp(obj)).toBe(bundle.abi);
  });
});

describe("the source bundle", () => {
  const enc = new TextEncoder();
  const files = [
    { name: MAIN_SOURCE, bytes: enc.encode('#include "a.bpf.h"\n') },
    { name: "a.bpf.h", bytes: enc.encode("/* a */\n") },
    { name: "vmlinux/x86/vmlinux.h", bytes: enc.encode("struct task_struct { int pid; };\n") },
  ];

  test("round-trips every file byte for byte, with the hash as the ABI stamp", () => {
    const b = packBundle(files);
    const u = unpackBundle(b.bytes);
    expect(u.abi).toBe(b.abi);
    expect(u.abi).toMatch(/^[0-9a-f]{16}$/);
    expect(u.files.map((f) => [f.name, new TextDecoder().decode(f.bytes)])).toEqual(files.map((f) => [f.name, new TextDecoder().decode(f.bytes)]));
  });

  test("changes the stamp when any source changes, and not when only the order does", () => {
    const changed = files.map((f) => (f.name === "a.bpf.h" ? { ...f, bytes: enc.encode("/* b */\n") } : f));
    expect(abiOf(changed)).not.toBe(abiOf(files));
    expect(abiOf([...files].reverse())).toBe(abiOf(files));
  });

  test("refuses a damaged bundle instead of yielding partial sources", () => {
    const b = packBundle(files);
    const body = Bun.gunzipSync(b.bytes);
    const tampered = body.slice();
    tampered[tampered.length - 2] ^= 1;
    expect(() => unpackBundle(Bun.gzipSync(tampered))).toThrow(/hash mismatch/);
    expect(() => unpackBundle(Bun.gzipSync(body.subarray(0, body.length - 5)))).toThrow(/damaged/);
  });

  test("refuses file names that would escape the build folder", () => {
    for (const name of ["../x.h", "/etc/passwd", "a//b.h", "./a.h"]) {
      expect(() => packBundle([...files, { name, bytes: new Uint8Array(1) }])).toThrow(/refusing file name/);
    }
    expect(() => packBundle(files.slice(1))).toThrow(/tracee.bpf.c is missing/);
  });

  test("compiles without the host's headers, with the stamp and line info free of the build folder", () => {
    const a = clangArgs("feed", "out.o");
    expect(a).toContain("-nostdinc");
    expect(a).toContain('-DTRACEE_BPF_ABI="feed"');
    expect(a.some((x) => x.startsWith("-fdebug-compilation-dir="))).toBe(true);
    expect(a.slice(-4)).toEqual(["-c", MAIN_SOURCE, "-o", "out.o"]);
  });
});

describe("object file names", () => {
  test("follow the seed README: tracee.bpf.<release>.<version>.o with dots as underscores", () => {
    expect(builtName("5.4.0-42-generic", "0.5.0")).toBe("tracee.bpf.5_4_0-42-generic.v0_5_0.o");
    expect(builtName("6.18.0", "v1.2.3")).toBe("tracee.bpf.6_18_0.v1_2_3.o");
  });
  test("are looked up built-for-this-kernel first, then the CO-RE one", () => {
    expect(objectNames("6.1.0")[0]).toMatch(/^tracee\.bpf\.6_1_0\.v.*\.o$/);
    expect(objectNames("6.1.0")[1]).toBe(CORE_NAME);
  });
});
