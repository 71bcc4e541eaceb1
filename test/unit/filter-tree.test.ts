// tree= seeding: process_tree_map entries built from a fake /proc in a temp folder.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { treeEntries } from "../../src/filter/kernel.ts";
import { parseTrace } from "../../src/filter/parse.ts";
import { ppidOf } from "../../src/filter/tree.ts";

let proc = "";

// 1 -> 100 -> 200 -> 300 -> 400, 100 -> 210, 1 -> 500
const tasks: [number, number, string][] = [
  [1, 0, "systemd"], [100, 1, "bash"], [200, 100, "make"], [210, 100, "a b) c"], [300, 200, "cc"],
  [400, 300, "ld"], [500, 1, "sshd"],
];

beforeAll(() => {
  proc = mkdtempSync(join(tmpdir(), "fake-proc-"));
  for (const [pid, ppid, comm] of tasks) {
    mkdirSync(join(proc, String(pid)));
    writeFileSync(join(proc, String(pid), "stat"), `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 0 0\n`);
  }
  mkdirSync(join(proc, "self"));
  writeFileSync(join(proc, "uptime"), "1.0 1.0\n");
});
afterAll(() => rmSync(proc, { recursive: true, force: true }));

const decode = (e: { key: Uint8Array; value: Uint8Array }) =>
  [Buffer.from(e.key).readUInt32LE(), Buffer.from(e.value).readUInt32LE()];

describe("treeEntries", () => {
  test("reads the ppid after the last ')' of a comm holding spaces and parentheses", () => {
    expect(ppidOf("210 (a b) c) S 100 210 210 0")).toBe(100);
  });

  test("tree=200 covers 200 and all its current descendants", () => {
    expect(treeEntries(parseTrace(["tree=200"]), proc).map(decode)).toEqual([[200, 1], [300, 1], [400, 1]]);
  });

  test("entries are process_tree_map keys of 4 little-endian bytes", () => {
    const [e] = treeEntries(parseTrace(["tree=500"]), proc);
    expect(e.map).toBe("process_tree_map");
    expect(Buffer.from(e.key).toString("hex")).toBe("f4010000");
    expect(Buffer.from(e.value).toString("hex")).toBe("01000000");
  });

  test("tree=100 --trace tree!=300 gives the nearest root's verdict", () => {
    expect(treeEntries(parseTrace(["tree=100", "tree!=300"]), proc).map(decode)).toEqual([
      [100, 1], [200, 1], [210, 1], [300, 0], [400, 0],
    ]);
  });

  test("a root that is not running still gets its entry", () => {
    expect(treeEntries(parseTrace(["tree!=999"]), proc).map(decode)).toEqual([[999, 0]]);
  });

  test("no tree filter, no entries; a missing /proc gives only the roots", () => {
    expect(treeEntries(parseTrace(["uid=0"]), proc)).toEqual([]);
    expect(treeEntries(parseTrace(["tree=7"]), join(proc, "nope")).map(decode)).toEqual([[7, 1]]);
  });
});
