// The benchmark itself runs and counts exactly: on a small load, tracee's rows capture every event of the workload
// and lose none (timings are never asserted: they depend on the machine).
import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireRoot, ROOT } from "../helpers/tracee.ts";

test("npm run bench counts every workload event of tracee's configurations, with none lost", async () => {
  requireRoot();
  const dir = mkdtempSync(join(tmpdir(), "tracee-bench-test-"));
  const json = join(dir, "results.json");
  try {
    const p = Bun.spawn([process.execPath, join(ROOT, "test/bench/bench.ts")], {
      env: { ...process.env, BENCH_N: "3000", BENCH_REPEAT: "1", BENCH_ONLY: "tracee", BENCH_SECTIONS: "main,sweep", BENCH_JSON: json },
      stdout: "pipe", stderr: "pipe",
    });
    const [out, err] = [await new Response(p.stdout).text(), await new Response(p.stderr).text()];
    expect({ code: await p.exited, err: err.slice(-2000) }).toEqual({ code: 0, err: expect.any(String) });
    expect(out).toContain("| tracee json, openat host-wide |");
    const r = JSON.parse(readFileSync(json, "utf8"));
    const rows = Object.fromEntries(r.rows.map((x: { name: string }) => [x.name, x]));
    for (const name of ["tracee json, openat host-wide", "tracee table, openat host-wide"]) {
      expect(rows[name].capturedAll).toEqual([3000]);
      expect(rows[name].lostAll).toEqual([0]);
    }
    expect(rows["tracee, filtered out in the kernel (comm=other)"].lostAll).toEqual([0]);
    for (const s of r.sweep) expect(s.captured.every((c: number) => c === s.expected)).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 240_000);
