// The release tarball is self-contained: unpacked into an empty folder, its bin/tracee traces a child with a
// cleared environment while the system's libbpf, libelf and zlib are hidden; ldd shows only glibc. The slim
// image's runtime stage is exactly this tarball's contents (test/unit/release.test.ts checks the Dockerfile).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { requireRoot, ROOT } from "../helpers/tracee.ts";
import { runToEnd, traceOneOpen } from "../helpers/wrapped.ts";

requireRoot();
const version: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
const NAME = `tracee-${version}-linux-x86_64`;
const TARBALL = join(ROOT, "dist", `${NAME}.tar.gz`);
const GLIBC = new Set(["linux-vdso.so.1", "libc.so.6", "libpthread.so.0", "libdl.so.2", "libm.so.6", "ld-linux-x86-64.so.2"]);
const LIB_DIRS = ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib", "/lib/x86_64-linux-gnu"];

let dir = "";
let top = "";
let exe = "";

beforeAll(() => {
  // npm test packs the release before the tests; a developer running this file alone gets it packed here
  const stale = !existsSync(TARBALL) || statSync(TARBALL).mtimeMs < statSync(join(ROOT, "dist/tracee")).mtimeMs;
  if (stale) expect(runToEnd([process.execPath, join(ROOT, "build/release.ts")]).code).toBe(0);
  dir = mkdtempSync(join(tmpdir(), "tracee-e2e-release-"));
  expect(runToEnd(["tar", "-xzf", TARBALL, "-C", dir]).code).toBe(0);
  top = join(dir, NAME);
  exe = join(top, "bin/tracee");
}, 120000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every regular file of libbpf, libelf or zlib in the library folders, whatever its version suffix. */
function systemLibs(): string[] {
  const found = new Set<string>();
  for (const d of LIB_DIRS) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) {
      if (/^lib(bpf|elf|z)[.-].*so/.test(f) || /^lib(bpf|elf|z)\.so(\.|$)/.test(f)) {
        const real = realpathSync(join(d, f));
        if (statSync(real).isFile()) found.add(real);
      }
    }
  }
  return [...found];
}

describe("the release tarball", () => {
  test("holds the executable, the prebuilt object, LICENSE, README, man page, completions and checksums, nothing else", () => {
    const files = runToEnd(["find", top, "-type", "f"]).stdout.trim().split("\n").map((p) => relative(top, p)).sort();
    expect(files).toEqual([
      "LICENSE",
      "README.md",
      "SHA256SUMS",
      "bin/tracee",
      "bin/tracee.bpf.core.o",
      "share/bash-completion/completions/tracee",
      "share/man/man1/tracee.1",
      "share/zsh/site-functions/_tracee",
    ]);
    expect(readFileSync(join(top, "LICENSE"), "utf8")).toContain("Apache License\n                           Version 2.0, January 2004");
  });

  test("its checksums verify, inside and beside it", () => {
    expect(runToEnd(["sh", "-c", `cd "${top}" && sha256sum -c --strict SHA256SUMS`]).code).toBe(0);
    expect(runToEnd(["sh", "-c", `cd "${join(ROOT, "dist")}" && sha256sum -c --strict SHA256SUMS`]).code).toBe(0);
  });

  test("ldd lists only glibc's libraries", () => {
    const r = runToEnd(["ldd", exe]);
    expect(r.code).toBe(0);
    const libs = r.stdout.trim().split("\n").map((l) => l.trim().split(/\s+/)[0].replace(/^.*\//, ""));
    expect(libs.filter((l) => !GLIBC.has(l))).toEqual([]);
    expect(libs).toContain("libc.so.6");
  });

  test("--version prints package.json's version; --version --debug adds libbpf, Bun, the object and the kernel", () => {
    expect(runToEnd(["env", "-i", exe, "--version"]).stdout).toBe(`tracee ${version}\n`);
    const v = runToEnd(["env", "-i", exe, "--version", "--debug"]).stdout;
    expect(v).toStartWith(`tracee ${version}\n  commit  `);
    expect(v).toMatch(/\n {2}bun {5}\d+\.\d+\.\d+ /);
    expect(v).toMatch(/\n {2}libbpf {2}1\.\d+ \(embedded libbpf\.so\.1 \(memfd\)\)\n/);
    expect(v).toMatch(/\n {2}eBPF {4}CO-RE object, abi [0-9a-f]{16}, \d+ bytes/);
    expect(v).toContain(`\n  kernel  ${readFileSync("/proc/sys/kernel/osrelease", "utf8").trim()} x86_64`);
  });

  test("with a cleared environment and the system's libbpf, libelf and zlib hidden, bin/tracee traces a child", async () => {
    const libs = systemLibs();
    expect(libs.some((l) => l.includes("libbpf"))).toBe(true); // the hiding is real only if there was something to hide
    const hide = libs.map((l) => `mount --bind /dev/null '${l}' && test ! -s '${l}'`).join(" && ");
    let maps = "";
    const r = await traceOneOpen((cap) => [
      "unshare", "-m", "--propagation", "private", "sh", "-c", `${hide} && exec env -i "$@"`, "sh",
      exe, "--output", "json", "--trace", "event=openat", "--debug", "--capture", `dir:${cap}`,
    ], { onReady: (pid) => (maps = readFileSync(`/proc/${pid}/maps`, "utf8")) });
    expect(r.stderr).toContain(`eBPF object: ${join(top, "bin/tracee.bpf.core.o")} (found next to the executable)`);
    expect(r.stderr).toContain("libbpf 1.1 from embedded libbpf.so.1 (memfd)");
    expect(r.code).toBe(0);
    expect(r.open).toBeDefined();
    // the libraries in use are the embedded copies, loaded from memory
    expect(maps).toContain("/memfd:libbpf.so.1");
    expect(maps).toContain("/memfd:libelf.so.1");
    expect(maps).toContain("/memfd:libz.so.1");
    for (const l of libs) expect(maps).not.toContain(l);
  }, 60000);

  test("the man page renders without warnings and documents every flag; the bash completion loads", () => {
    const man = runToEnd(["sh", "-c", `groff -man -Tutf8 -ww -z "${join(top, "share/man/man1/tracee.1")}" 2>&1; MANWIDTH=120 man -l "${join(top, "share/man/man1/tracee.1")}"`]);
    expect(man.code).toBe(0);
    expect(man.stdout).toStartWith("TRACEE(1)");
    for (const flag of ["--build-policy", "--install-path", "--btf-file", "--build-bpf", "TRACEE_BPF_FILE", "TRACEE_BTF_FILE"]) expect(man.stdout).toContain(flag);
    const bash = runToEnd(["bash", "-c", `source "${join(top, "share/bash-completion/completions/tracee")}" && complete -p tracee`]);
    expect(bash.stdout.trim()).toBe("complete -F _tracee tracee");
  });
});
