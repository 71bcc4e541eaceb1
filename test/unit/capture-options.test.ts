// --capture grammar: artifacts, write prefixes, dir:, clear-dir, profile, and one-line usage errors.
import { describe, expect, test } from "bun:test";
import { captureHelp, parseCapture } from "../../src/capture/options.ts";
import { UsageError } from "../../src/errors.ts";

function message(...values: string[]): string {
  try {
    parseCapture(values);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const m = (e as Error).message;
    expect(m).not.toContain("\n");
    return m;
  }
  throw new Error(`no error for ${values.join(" ")}`);
}

describe("--capture values", () => {
  test("nothing asked: no artifact, the default folder", () => {
    expect(parseCapture([])).toEqual({ write: false, writePrefixes: [], exec: false, mem: false, profile: false, dir: "/tmp/tracee", clearDir: false });
  });

  test("write, exec and mem, also with the artifact: prefix", () => {
    const c = parseCapture(["artifact:write", "exec", "artifact:mem"]);
    expect([c.write, c.exec, c.mem, c.profile]).toEqual([true, true, true, false]);
    expect(c.writePrefixes).toEqual([]);
  });

  test("write=/prefix* keeps the prefixes without their star, up to three", () => {
    const c = parseCapture(["write=/etc/*", "write=/tmp/x*", "artifact:write=/var/log/*"]);
    expect(c.write).toBe(true);
    expect(c.writePrefixes).toEqual(["/etc/", "/tmp/x", "/var/log/"]);
  });

  test("profile implies exec", () => {
    const c = parseCapture(["profile"]);
    expect(c.profile && c.exec).toBe(true);
  });

  test("dir: and clear-dir", () => {
    const c = parseCapture(["dir:/var/lib/tracee", "clear-dir"]);
    expect(c.dir).toBe("/var/lib/tracee");
    expect(c.clearDir).toBe(true);
  });
});

describe("usage errors", () => {
  test("a write filter without its trailing star", () => {
    expect(message("write=/etc")).toBe("invalid --capture write=/etc: a write filter is a path prefix ending in *, e.g. write=/etc/*");
  });

  test("an empty write filter", () => {
    expect(message("write=*")).toContain("a write filter is a path prefix ending in *");
  });

  test("a fourth write filter", () => {
    expect(message("write=/a*", "write=/b*", "write=/c*", "write=/d*")).toBe("too many --capture write= filters: at most 3");
  });

  test("a prefix longer than the kernel's 50 bytes, counted in bytes", () => {
    expect(message(`write=/${"x".repeat(50)}*`)).toContain("at most 50 bytes");
    expect(() => parseCapture([`write=/${"x".repeat(49)}*`])).not.toThrow();
    expect(message(`write=/${"é".repeat(25)}*`)).toContain("at most 50 bytes");
  });

  test("an empty dir:", () => {
    expect(message("dir:")).toBe("--capture dir: cannot be empty: give a folder, e.g. dir:/tmp/tracee");
  });

  test("an unknown value names what is accepted", () => {
    expect(message("net=eth0")).toBe('invalid --capture option "net=eth0": use write, write=/prefix*, exec, mem, profile, dir:/path or clear-dir (see --capture help)');
    expect(message("artifact:profile")).toContain('"artifact:profile"');
  });
});

test("the help names every option and where artifacts go", () => {
  const h = captureHelp();
  for (const w of ["write=/path/prefix*", "exec", "mem", "profile", "dir:/path", "clear-dir", "write.dev-D.inode-I", "exec.<ts>.<name>", "bin.<ts>", "written_files", ".partial", "--blob-perf-buffer-size"]) {
    expect(h).toContain(w);
  }
});
