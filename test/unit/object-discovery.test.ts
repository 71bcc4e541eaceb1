// Where tracee takes its eBPF object from, and what it refuses: the seed README's order, the build policy,
// and planted, corrupt, foreign or stale files.
import { afterEach, beforeEach, describe, expect, spyOn, test } from "bun:test";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtName, CORE_NAME } from "../../src/bpf-object/names.ts";
import { ensurePrivateDir, installFile, readChecked } from "../../src/bpf-object/safe-fs.ts";
import { log } from "../../src/log.ts";
import { resolveObject, type ObjectChoice } from "../../src/tracer/object.ts";
import { PreflightError } from "../../src/tracer/preflight.ts";
import { stampedObject } from "../helpers/elf.ts";

const isRoot = process.geteuid?.() === 0;
const EMBEDDED = stampedObject("e111");
const GOOD = stampedObject("e111", [{ name: ".text.marker", data: new TextEncoder().encode("on disk") }]);
const STALE = stampedObject("0ld0");

let dir = "";
let exeDir = "";
let installPath = "";
let warnings: string[] = [];
let built = 0;

function choice(over: Partial<ObjectChoice> = {}): ObjectChoice {
  return {
    installPath,
    buildPolicy: "if-needed",
    embedded: async () => EMBEDDED,
    build: async () => {
      built++;
      ensurePrivateDir(installPath);
      const path = installFile(installPath, builtName(), GOOD);
      return { path, bytes: GOOD, abi: "e111" };
    },
    exeDir,
    env: {},
    ...over,
  };
}
const put = (d: string, name: string, bytes: Uint8Array) => {
  mkdirSync(d, { recursive: true, mode: 0o700 });
  writeFileSync(join(d, name), bytes, { mode: 0o644 });
  return join(d, name);
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tracee-unit-obj-"));
  exeDir = join(dir, "bin");
  mkdirSync(exeDir, { mode: 0o755 });
  installPath = join(dir, "install");
  warnings = [];
  built = 0;
  spyOn(log, "warn").mockImplementation(((m: string) => void warnings.push(m)) as never);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("lookup order", () => {
  test("with nothing on disk, the object inside the executable is used and the install path is not created", async () => {
    const r = await resolveObject(choice());
    expect(r.source).toBe("embedded CO-RE object");
    expect(r.bytes).toBe(EMBEDDED);
    expect(existsSync(installPath)).toBe(false);
    expect(warnings).toEqual([]);
  });

  test("TRACEE_BPF_FILE comes first, before the executable's folder and the install path", async () => {
    put(exeDir, CORE_NAME, STALE);
    const p = put(join(dir, "elsewhere"), "any-name.o", GOOD);
    const r = await resolveObject(choice({ env: { TRACEE_BPF_FILE: p } }));
    expect(r.source).toBe(`TRACEE_BPF_FILE ${p}`);
    expect(r.bytes).toEqual(GOOD);
  });

  test("TRACEE_BPF_FILE is taken even with --build-policy always: nothing is built", async () => {
    const p = put(join(dir, "elsewhere"), "x.o", GOOD);
    await resolveObject(choice({ buildPolicy: "always", env: { TRACEE_BPF_FILE: p } }));
    expect(built).toBe(0);
  });

  test("next to the executable comes before the install path", async () => {
    const a = put(exeDir, CORE_NAME, GOOD);
    put(installPath, CORE_NAME, GOOD);
    expect((await resolveObject(choice())).source).toBe(a);
  });

  test("the install path is searched when nothing is next to the executable", async () => {
    const p = put(installPath, builtName(), GOOD);
    expect((await resolveObject(choice())).source).toBe(p);
  });

  test("in one folder, the object built for this kernel and version comes before the CO-RE one", async () => {
    put(installPath, CORE_NAME, GOOD);
    const p = put(installPath, builtName(), GOOD);
    expect((await resolveObject(choice())).source).toBe(p);
  });
});

describe("build policy", () => {
  test("always builds into the install path and uses that, though objects exist elsewhere", async () => {
    put(exeDir, CORE_NAME, GOOD);
    const r = await resolveObject(choice({ buildPolicy: "always" }));
    expect(built).toBe(1);
    expect(r.source).toBe(`built ${join(installPath, builtName())}`);
  });

  test("never and if-needed build nothing when an object is usable", async () => {
    for (const buildPolicy of ["never", "if-needed"] as const) {
      expect((await resolveObject(choice({ buildPolicy }))).source).toBe("embedded CO-RE object");
    }
    expect(built).toBe(0);
  });
});

describe("refusals", () => {
  test("a TRACEE_BPF_FILE that is missing, corrupt, foreign or stale stops tracee with one line naming the file and the fix", async () => {
    const cases: [string, RegExp][] = [
      [join(dir, "missing.o"), /: no such file; point it at an object built by this tracee/],
      [put(dir, "corrupt.o", GOOD.subarray(0, GOOD.length - 3)), /corrupt\.o: truncated/],
      [put(dir, "text.o", new TextEncoder().encode("x".repeat(100))), /text\.o: not an ELF file/],
      [put(dir, "stale.o", STALE), /stale\.o: built from other eBPF sources \(abi 0ld0; this tracee needs abi e111\)/],
    ];
    for (const [p, re] of cases) {
      const err = await resolveObject(choice({ env: { TRACEE_BPF_FILE: p } })).catch((e) => e);
      expect(err).toBeInstanceOf(PreflightError);
      expect(err.message).toStartWith(`TRACEE_BPF_FILE ${p}`);
      expect(err.message).toMatch(re);
      expect(err.message).not.toContain("\n");
    }
  });

  test("a corrupt or stale object found in the lookup is skipped with a warning, never loaded", async () => {
    const bad = put(exeDir, CORE_NAME, GOOD.subarray(0, 200));
    const stale = put(installPath, builtName(), STALE);
    const good = put(installPath, CORE_NAME, GOOD);
    expect((await resolveObject(choice())).source).toBe(good);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toStartWith(`ignoring the eBPF object ${bad}: truncated`);
    expect(warnings[1]).toStartWith(`ignoring the eBPF object ${stale}: built from other eBPF sources`);
    expect(warnings[1]).toEndWith("; remove it, or replace it with tracee --build-bpf");
  });

  test("a symlink in the install path is refused, not followed", async () => {
    const target = put(join(dir, "elsewhere"), "real.o", GOOD);
    mkdirSync(installPath, { mode: 0o700 });
    symlinkSync(target, join(installPath, CORE_NAME));
    expect((await resolveObject(choice())).source).toBe("embedded CO-RE object");
    expect(warnings[0]).toContain(`${join(installPath, CORE_NAME)}: a symlink, refused`);
  });

  test("an install path that is a symlink, or writable by others, is refused with a clear error", async () => {
    const real = join(dir, "real");
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, installPath);
    await expect(resolveObject(choice())).rejects.toThrow(`${installPath} is a symlink, refused (it may have been planted); remove it or choose another --install-path`);
    rmSync(installPath);
    mkdirSync(installPath);
    chmodSync(installPath, 0o777);
    await expect(resolveObject(choice())).rejects.toThrow(`${installPath} can be written by other users (mode 777), refused; run chmod 700 ${installPath} or choose another --install-path`);
  });

  test.if(isRoot)("an install path planted by another user is refused", async () => {
    put(installPath, CORE_NAME, GOOD);
    chownSync(installPath, 65534, 65534);
    await expect(resolveObject(choice())).rejects.toThrow(`${installPath} belongs to uid 65534, not to tracee's user (uid 0), refused`);
  });

  test.if(isRoot)("next to the executable, a file of a user who owns neither the folder nor tracee is refused", async () => {
    const p = put(exeDir, CORE_NAME, GOOD);
    chownSync(p, 65534, 65534);
    expect((await resolveObject(choice())).source).toBe("embedded CO-RE object");
    expect(warnings[0]).toContain(`${p}: belongs to uid 65534, refused`);
  });

  test("a FIFO planted under an object's name is refused without hanging", async () => {
    mkdirSync(installPath, { mode: 0o700 });
    expect(Bun.spawnSync(["mkfifo", join(installPath, CORE_NAME)]).exitCode).toBe(0);
    expect((await resolveObject(choice())).source).toBe("embedded CO-RE object");
    expect(warnings[0]).toContain("not a regular file");
  });
});

describe("private folders and atomic installs", () => {
  test("creates missing folders 0700, parents included", () => {
    const d = join(dir, "a/b/c");
    ensurePrivateDir(d, "--install-path");
    expect(statSync(d).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "a")).mode & 0o777).toBe(0o700);
  });

  test("refuses a folder it cannot create with one line naming the flag", () => {
    const f = put(dir, "file", GOOD);
    expect(() => ensurePrivateDir(join(f, "sub"), "--install-path")).toThrow(/^cannot create .*; choose another --install-path that tracee's user can create$/);
  });

  test("installs by renaming a complete file into place, leaving no temporary file", () => {
    mkdirSync(installPath, { mode: 0o700 });
    const p = installFile(installPath, "x.o", GOOD);
    expect(new Uint8Array(readFileSync(p))).toEqual(GOOD);
    installFile(installPath, "x.o", STALE);
    expect(new Uint8Array(readFileSync(p))).toEqual(STALE);
    expect(Bun.spawnSync(["ls", "-A", installPath]).stdout.toString().trim()).toBe("x.o");
  });

  test("replaces a symlink at the target instead of writing through it", () => {
    mkdirSync(installPath, { mode: 0o700 });
    const victim = put(join(dir, "victim"), "passwd", new TextEncoder().encode("keep me"));
    symlinkSync(victim, join(installPath, "x.o"));
    installFile(installPath, "x.o", GOOD);
    expect(readFileSync(victim, "utf8")).toBe("keep me");
    expect(lstatSync(join(installPath, "x.o")).isFile()).toBe(true);
  });

  test("reads a file refusing files writable by others when owners are checked", () => {
    const p = put(dir, "w.o", GOOD);
    chmodSync(p, 0o666);
    expect(() => readChecked(p, { noSymlink: true, owners: [process.geteuid!()] })).toThrow(`${p}: writable by other users (mode 666), refused`);
    expect(readChecked(p, { noSymlink: true })).toEqual(GOOD);
  });
});
