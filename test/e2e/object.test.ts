// The eBPF object end to end: built by an ordinary user, found or refused on disk, built by policy, loaded with
// an external BTF when the kernel's own is hidden, and the readiness file that says tracee is attached.
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtName, CORE_NAME } from "../../src/bpf-object/names.ts";
import { requireRoot, ROOT, TRACEE } from "../helpers/tracee.ts";
import { captureDir, kernelCalls, NOBODY, runToEnd, startWrapped, traceOneOpen } from "../helpers/wrapped.ts";

requireRoot();
const EMBEDDED = new Uint8Array(readFileSync(join(ROOT, "dist/embed/tracee.bpf.o")));
const scratch = mkdtempSync(join(tmpdir(), "tracee-e2e-obj-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const json = (cap: string, ...more: string[]) => [TRACEE, "--output", "json", "--trace", "event=openat", "--debug", ...more, "--capture", `dir:${cap}`];

describe("building the object", () => {
  // /tmp is writable by everyone, so an ordinary user can create a fresh install path there.
  const installPath = `/tmp/tracee-e2e-build-${process.pid}`;
  afterAll(() => rmSync(installPath, { recursive: true, force: true }));

  test("an ordinary user builds it with --build-bpf into a 0700 folder, byte for byte the executable's own object", () => {
    const r = runToEnd([...NOBODY, TRACEE, "--build-bpf", "--install-path", installPath]);
    expect(r.code).toBe(0);
    const path = join(installPath, builtName(readFileSync("/proc/sys/kernel/osrelease", "utf8").trim(), pkgVersion()));
    expect(r.stdout).toBe(`${path}\n`);
    expect(statSync(installPath).uid).toBe(65534);
    expect(statSync(installPath).mode & 0o777).toBe(0o700);
    expect(statSync(path).uid).toBe(65534);
    // same sources, same flags, same clang, same linker: the same bytes
    expect(new Uint8Array(readFileSync(path))).toEqual(EMBEDDED);
  }, 30000);

  test("root loads the user's build through TRACEE_BPF_FILE and traces a child with it", async () => {
    const file = join(installPath, builtName(readFileSync("/proc/sys/kernel/osrelease", "utf8").trim(), pkgVersion()));
    const r = await traceOneOpen((cap) => json(cap), { env: { ...process.env, TRACEE_BPF_FILE: file } as Record<string, string> });
    expect(r.stderr).toContain(`eBPF object: ${file} (named by TRACEE_BPF_FILE; lookup and build skipped)`);
    expect(r.code).toBe(0);
    expect(r.open).toBeDefined();
  }, 30000);

  test("--build-policy always compiles (the compiler without capabilities), installs and traces with the result", async () => {
    const dir = join(scratch, "always");
    const r = await traceOneOpen((cap) => json(cap, "--build-policy", "always", "--install-path", dir));
    const file = join(dir, builtName(readFileSync("/proc/sys/kernel/osrelease", "utf8").trim(), pkgVersion()));
    expect(r.stderr).toMatch(/building the eBPF object in \/tmp\/tracee-make-\S+: \/usr\/bin\/setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all --no-new-privs -- \S*clang /);
    expect(r.stderr).toContain(`eBPF object: ${file} (built now, --build-policy always)`);
    expect(r.code).toBe(0);
    expect(r.open).toBeDefined();
    expect(new Uint8Array(readFileSync(file))).toEqual(EMBEDDED);
  }, 60000);

  test("an ordinary user pointed at a root-owned install path is told to choose another, exit 1, one line", () => {
    const dir = `/tmp/tracee-e2e-root-owned-${process.pid}`;
    mkdirSync(dir, { mode: 0o755 });
    const r = runToEnd([...NOBODY, TRACEE, "--build-bpf", "--install-path", dir]);
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`tracee: ${dir} belongs to root, so tracee's user (uid 65534) cannot use it; choose another --install-path, e.g. one in your home folder\n`);
  });

  test("--build-bpf with no clang on PATH says what to install, exit 1, one line", () => {
    const r = runToEnd([TRACEE, "--build-bpf", "--install-path", join(scratch, "noclang")], { PATH: "/nonexistent" });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("tracee: building the eBPF object needs clang >= 12, found none in PATH; install clang or use the object inside tracee (--build-policy if-needed)\n");
  });

  test("--build-bpf with --build-policy never is a usage error (exit 2)", () => {
    const r = runToEnd([TRACEE, "--build-bpf", "--build-policy", "never"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--build-policy never forbids");
  });
});

describe("objects found on disk", () => {
  test("an object next to the executable is used before the install path, and --debug says so", async () => {
    const bin = join(scratch, "bin");
    mkdirSync(bin, { recursive: true });
    copyFileSync(TRACEE, join(bin, "tracee"));
    copyFileSync(join(ROOT, "dist/embed/tracee.bpf.o"), join(bin, CORE_NAME));
    const r = await traceOneOpen((cap) => [join(bin, "tracee"), ...json(cap).slice(1)]);
    expect(r.stderr).toContain(`eBPF object: ${join(bin, CORE_NAME)} (found next to the executable)`);
    expect(r.code).toBe(0);
    expect(r.open).toBeDefined();
    rmSync(bin, { recursive: true });
  }, 30000);

  test("a corrupt TRACEE_BPF_FILE stops tracee with one line, exit 1, before any bpf() call", () => {
    const bad = join(scratch, "corrupt.o");
    writeFileSync(bad, EMBEDDED.subarray(0, EMBEDDED.length / 2));
    const cap = captureDir();
    const { result, calls } = kernelCalls(["env", `TRACEE_BPF_FILE=${bad}`, TRACEE, "--capture", `dir:${cap}`]);
    rmSync(cap, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`tracee: TRACEE_BPF_FILE ${bad}: truncated: the section table lies past the end of the file; point it at an object built by this tracee (tracee --build-bpf) or unset it\n`);
    expect(calls).toEqual([]);
  });

  test("a foreign object (another program's eBPF) in TRACEE_BPF_FILE is refused by name", () => {
    const foreign = join(scratch, "foreign.o");
    const src = join(scratch, "foreign.c");
    writeFileSync(src, 'char LICENSE[] __attribute__((section("license"))) = "GPL";\nint x;\n');
    expect(Bun.spawnSync(["clang", "-g", "-O2", "-target", "bpf", "-c", src, "-o", foreign]).exitCode).toBe(0);
    const r = runToEnd(["env", `TRACEE_BPF_FILE=${foreign}`, TRACEE]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`TRACEE_BPF_FILE ${foreign}: an eBPF object without tracee's .tracee.abi stamp`);
  });

  test("with --build-policy never, a stale object in the install path is ignored with a warning and the embedded one traces", async () => {
    const dir = join(scratch, "stale");
    mkdirSync(dir, { mode: 0o700 });
    // an object of other sources: the same bytes with another stamp
    const stale = EMBEDDED.slice();
    const at = Buffer.from(stale).indexOf("tracee-abi:") + "tracee-abi:".length;
    stale[at] = stale[at] === 0x30 ? 0x31 : 0x30;
    writeFileSync(join(dir, CORE_NAME), stale);
    const r = await traceOneOpen((cap) => json(cap, "--build-policy", "never", "--install-path", dir));
    expect(r.stderr).toContain(`ignoring the eBPF object ${join(dir, CORE_NAME)}: built from other eBPF sources`);
    expect(r.stderr).toContain("eBPF object: the CO-RE object inside the executable");
    expect(r.code).toBe(0);
    expect(r.open).toBeDefined();
  }, 30000);

  test("an install path planted by another user is refused before tracing", () => {
    const dir = join(scratch, "planted");
    mkdirSync(dir, { mode: 0o700 });
    Bun.spawnSync(["chown", "65534:65534", dir]);
    const r = runToEnd([TRACEE, "--install-path", dir, "--capture", `dir:${join(scratch, "cap-planted")}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`tracee: ${dir} belongs to uid 65534, not to tracee's user (uid 0), refused (it may have been planted); remove it or choose another --install-path\n`);
  });
});

describe("a kernel without BTF (hidden in a private mount namespace)", () => {
  const empty = join(scratch, "empty");
  const btfCopy = join(scratch, "vmlinux.btf");
  writeFileSync(empty, "");
  copyFileSync("/sys/kernel/btf/vmlinux", btfCopy);
  /** unshare -m without --fork execs in place, so the pid tracee writes is the one to signal. */
  const hidden = (cmd: string[]) => ["unshare", "-m", "--propagation", "private", "sh", "-c", `mount --bind ${empty} /sys/kernel/btf/vmlinux && exec "$@"`, "sh", ...cmd];

  test("with no BTF given, tracee says what to provide, exit 1, one line", () => {
    const r = runToEnd(hidden([TRACEE]));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "tracee: this kernel has no BTF (/sys/kernel/btf/vmlinux is missing or empty) and tracee's eBPF objects are CO-RE: give this kernel's BTF with --btf-file FILE or TRACEE_BTF_FILE=FILE (e.g. from BTFHub)\n",
    );
  });

  test("TRACEE_BTF_FILE with a copy of the kernel's BTF lets libbpf relocate, and a child is traced", async () => {
    const r = await traceOneOpen((cap) => hidden(json(cap)), { env: { ...process.env, TRACEE_BTF_FILE: btfCopy } as Record<string, string> });
    expect(r.stderr).toContain(`BTF for CO-RE: TRACEE_BTF_FILE ${btfCopy}`);
    expect(r.stderr).toMatch(/CO-RE relocating \[\d+\] struct task_struct: found target candidate/);
    expect(r.code).toBe(0);
    expect(r.open).toBeDefined();
  }, 30000);

  test("--btf-file does the same", async () => {
    const r = await traceOneOpen((cap) => hidden([...json(cap), "--btf-file", btfCopy]));
    expect(r.stderr).toContain(`BTF for CO-RE: --btf-file ${btfCopy}`);
    expect(r.code).toBe(0);
    expect(r.open).toBeDefined();
  }, 30000);

  test("a --btf-file that is not BTF is refused, exit 1, one line", () => {
    const r = runToEnd(hidden([TRACEE, "--btf-file", join(ROOT, "package.json")]));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`tracee: --btf-file ${join(ROOT, "package.json")}: not BTF (neither raw BTF nor an ELF file with a .BTF section); give this kernel's BTF (e.g. from BTFHub)\n`);
  });
});

describe("the readiness file", () => {
  test("holds tracee's pid once attached, and is gone after it exits", async () => {
    const cap = captureDir();
    const t = await startWrapped(json(cap), cap);
    expect(readFileSync(join(cap, "out/tracee.pid"), "utf8")).toBe(`${t.pid}\n`);
    expect(statSync(join(cap, "out")).mode & 0o777).toBe(0o700);
    const r = await t.stop(true);
    expect(r.code).toBe(0);
    expect(existsSync(join(cap, "out"))).toBe(true);
    expect(existsSync(join(cap, "out/tracee.pid"))).toBe(false);
    rmSync(cap, { recursive: true, force: true });
  }, 30000);
});

function pkgVersion(): string {
  return JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
}
