// The bad-input matrix: every flag with empty, malformed, out-of-range and conflicting values gets one error line that
// names the fix, and exit code 2. Run as an unprivileged user: a check that came after the privilege check (that is,
// after tracee started to load anything) would answer with exit 1 instead.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireRoot, TRACEE } from "../helpers/tracee.ts";

let dir = "";
beforeAll(() => {
  requireRoot();
  dir = mkdtempSync(join(tmpdir(), "tracee-usage-"));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, "bad.tmpl"), "{{ .EventName \n");
  writeFileSync(join(dir, "octal.tmpl"), "{{ printf \"%d\" 0189 }}\n");
  mkdirSync(join(dir, "folder"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOBODY = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"];

/** [what, argv, what the one line must say] */
const MATRIX: [string, () => string[], RegExp][] = [
  // unknown flags, stray words, missing values
  ["an unknown long flag", () => ["--bogus"], /Unknown option '--bogus'.*tracee --help/],
  ["an unknown short flag", () => ["-x"], /Unknown option '-x'/],
  ["a stray word", () => ["openat"], /unexpected argument "openat".*flags only/],
  ["a value given to a boolean flag", () => ["--follow=yes"], /'--follow' does not take an argument/],
  ...["--trace", "--output", "--capture", "-b", "--blob-perf-buffer-size", "--install-path", "--build-policy", "--btf-file"].map(
    (f): [string, () => string[], RegExp] => [`${f} without its value`, () => [f], /argument missing.*tracee --help/]),
  // empty values
  ["an empty --trace", () => ["--trace", ""], /expression "": an expression cannot be empty/],
  ["an empty --output", () => ["--output", ""], /unrecognized output format: .*use table, table-verbose, json/],
  ["an empty --capture", () => ["--capture", ""], /invalid --capture option "": use write/],
  ["an empty --perf-buffer-size", () => ["--perf-buffer-size="], /--perf-buffer-size "": give a power of 2/],
  ["an empty --blob-perf-buffer-size", () => ["--blob-perf-buffer-size", ""], /give a power of 2/],
  ["an empty --install-path", () => ["--install-path", ""], /--install-path cannot be empty: give a folder/],
  ["an empty --build-policy", () => ["--build-policy", ""], /use never, if-needed or always/],
  ["an empty --btf-file", () => ["--btf-file", ""], /--btf-file cannot be empty: give a BTF file/],
  ["an empty event list", () => ["--trace", "event="], /a value must follow "="/],
  ["an empty out-file", () => ["--output", "out-file:"], /out-file needs a path: use out-file:\/path/],
  ["an empty capture dir", () => ["--capture", "dir:"], /dir: cannot be empty: give a folder/],
  ["an empty gotemplate", () => ["--output", "gotemplate="], /use gotemplate=\/path\/to\/file.tmpl/],
  // malformed values
  ["an unknown event", () => ["--trace", "event=nosuch"], /unknown event "nosuch" \(see --list/],
  ["an unknown set", () => ["--trace", "set=nosuch"], /unknown set "nosuch" \(sets: default/],
  ["a word for a number", () => ["--trace", "uid=abc"], /uid takes a number from 0 to 4294967295/],
  ["a bare field", () => ["--trace", "comm"], /comm needs an operator and a value, as in comm=VALUE/],
  ["an expression without field", () => ["--trace", "=x"], /unknown expression \(fields: event/],
  ["an unknown argument", () => ["--trace", "openat.nosuch=1"], /openat has no argument "nosuch" \(arguments: dirfd/],
  ["an ordering on a string argument", () => ["--trace", "openat.pathname>5"], /argument filters take = or !=/],
  ["a newline inside an expression", () => ["--trace", "event=open\nat"], /unknown event "open\\nat"/],
  ["an unknown output format", () => ["--output", "xml"], /unrecognized output format: xml \(use table/],
  ["the Go-only gob format", () => ["--output", "gob"], /gob is not supported.*use json/],
  ["an unknown output option", () => ["--output", "option:nope"], /invalid output option: nope \(use stack-addresses/],
  ["a template that does not exist", () => ["--output", "gotemplate=/nonexistent.tmpl"], /cannot read template file \/nonexistent.tmpl: ENOENT \(give a readable file/],
  ["a template with a syntax error", () => ["--output", `gotemplate=${dir}/bad.tmpl`], /bad.tmpl:2: unclosed action/],
  ["a template with an invalid octal number", () => ["--output", `gotemplate=${dir}/octal.tmpl`], /octal.tmpl:1: illegal number syntax: 0189/],
  ["an out-file that is a folder", () => ["--output", `out-file:${dir}/folder`], /it is a folder; give a file path/],
  ["an err-file that is a folder", () => ["--output", `err-file:${dir}/folder`], /it is a folder; give a file path/],
  ["an unknown capture option", () => ["--capture", "nope"], /invalid --capture option "nope": use write/],
  ["a write filter without *", () => ["--capture", "write=/etc"], /a write filter is a path prefix ending in \*/],
  ["an unknown build policy", () => ["--build-policy", "sometimes"], /use never, if-needed or always/],
  ["a BTF file that does not exist", () => ["--btf-file", "/nonexistent.btf"], /--btf-file \/nonexistent.btf: no such file; give a BTF file/],
  ["a BTF file that is a folder", () => ["--btf-file", dir], /no such file; give a BTF file/],
  // out of range
  ...["0", "3", "2097152", "1e3", "0x10", "-1", "99999999999999999999", " 4"].map((v): [string, () => string[], RegExp] =>
    [`--perf-buffer-size ${JSON.stringify(v)}`, () => [`--perf-buffer-size=${v}`], /give a power of 2 number of pages, e.g. 1024/]),
  ["a negative uid", () => ["--trace", "uid=-1"], /uid takes a number from 0 to 4294967295/],
  ["a uid beyond 32 bits", () => ["--trace", "uid=4294967296"], /filter value is too big: uid takes a number from 0 to 4294967295/],
  ["a mount namespace beyond 64 bits", () => ["--trace", "mntns=18446744073709551616"], /mntns takes a number from 0 to 18446744073709551615/],
  ["too many write filters", () => ["--capture", "write=/a*", "--capture", "write=/b*", "--capture", "write=/c*", "--capture", "write=/d*"], /too many --capture write= filters: at most 3/],
  // conflicting values
  ["two output formats", () => ["--output", "json", "--output", "table"], /conflicting output formats: json and table \(give one format\)/],
  ["container and !container", () => ["--trace", "container", "--trace", "!container"], /contradicts an earlier --trace expression/],
  ["a single-valued flag given twice", () => ["-b", "2", "--perf-buffer-size", "4"], /--perf-buffer-size is given twice \("2" and "4"\): give it once/],
  ["--output help among other values", () => ["--output", "json", "--output", "help"], /give --output help alone/],
  ["--list with a bad --trace", () => ["--list", "--trace", "event=nosuch"], /unknown event "nosuch"/],
];

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn([...NOBODY, TRACEE, ...argv], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } });
  const [stdout, stderr] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { code: await p.exited, stdout, stderr };
}

describe("usage errors, as an unprivileged user", () => {
  const results = new Map<string, Promise<{ code: number; stdout: string; stderr: string }>>();
  beforeAll(async () => {
    // a few at a time: each is a process start of the 100 MiB executable
    for (let i = 0; i < MATRIX.length; i += 4) {
      const batch = MATRIX.slice(i, i + 4).map(([name, argv]) => [name, run(argv())] as const);
      for (const [name, p] of batch) results.set(name, p);
      await Promise.all(batch.map(([, p]) => p));
    }
  }, 120_000);

  for (const [name, , want] of MATRIX) {
    test(`${name}: exit 2 with one line that names the fix`, async () => {
      const r = await results.get(name)!;
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^tracee: [^\n]+\n$/);
      expect(r.stderr).toMatch(want);
      expect(r.code).toBe(2);
    });
  }
});

describe("usage errors touch nothing", () => {
  test("a bad --trace neither creates the out-file nor the capture folder, even as root", async () => {
    const out = join(dir, "new/events.json");
    const cap = join(dir, "capture");
    const p = Bun.spawnSync([TRACEE, "--output", `out-file:${out}`, "--capture", `dir:${cap}`, "--trace", "event=nosuch"], { stderr: "pipe" });
    expect(p.exitCode).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(cap)).toBe(false);
  });

  test("a template that does not parse leaves an existing out-file untouched", async () => {
    const out = join(dir, "keep.json");
    writeFileSync(out, "earlier events\n");
    const p = Bun.spawnSync([TRACEE, "--output", `gotemplate=${dir}/bad.tmpl`, "--output", `out-file:${out}`], { stderr: "pipe" });
    expect(p.exitCode).toBe(2);
    expect(await Bun.file(out).text()).toBe("earlier events\n");
  });
});
