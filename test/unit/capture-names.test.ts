// Artifact names: fixed shapes from kernel numbers, and basenames from traced processes that cannot leave the folder.
import { describe, expect, test } from "bun:test";
import { execName, memName, profileKey, safeBasename, u64Text, writeName } from "../../src/capture/names.ts";

describe("safeBasename", () => {
  test("keeps ordinary names", () => {
    expect(safeBasename("/usr/bin/ls")).toBe("ls");
    expect(safeBasename("/opt/app/python3.11")).toBe("python3.11");
  });

  test("never yields a separator, a parent or an empty name", () => {
    for (const p of ["/", "/x/..", "/x/.", "..", "", "/a/b/"]) {
      const n = safeBasename(p);
      expect(n).not.toContain("/");
      expect(["", ".", ".."]).not.toContain(n);
    }
  });

  test("replaces control characters, spaces and non-ASCII bytes", () => {
    expect(safeBasename("/tmp/evil\nname\x00 é")).toBe("evil_name___");
  });

  test("cuts names to 200 characters", () => {
    expect(safeBasename("/" + "a".repeat(300)).length).toBe(200);
  });
});

test("artifact names follow the reference", () => {
  expect(writeName(266338304, "2147825", 0)).toBe("write.dev-266338304.inode-2147825");
  expect(writeName(5, "6", 42)).toBe("write.dev-5.inode-6.pid-42");
  expect(memName("1795860322648183781")).toBe("bin.1795860322648183781");
  expect(execName("17", "/tmp/../x/my tool")).toBe("exec.17.my_tool");
  expect(profileKey("/tmp/tracee/out", 4026531840, "/bin/ls", "1663687647000000000")).toBe("/tmp/tracee/out/4026531840/exec.ls:1663687647000000000");
});

test("u64 halves become exact decimal text", () => {
  expect(u64Text(5, 0)).toBe("5");
  expect(u64Text(0xffffffff, 0xffffffff)).toBe("18446744073709551615");
  expect(u64Text(1, 1)).toBe("4294967297");
});
