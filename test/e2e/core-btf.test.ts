// The minimal BTF cache (src/tracer/core-btf.ts): made by the first start in an install path, used by the next ones,
// and relocating every program exactly as the kernel's whole BTF does (the kernel's tag of each loaded program, a hash
// of its instructions after libbpf's relocations, is the same both ways). A bad cached file is ignored and replaced.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runWorkload, startTracee, TRACEE, WORKLOAD_COMM } from "../helpers/tracee.ts";

let installPath = "";
beforeAll(() => {
  installPath = mkdtempSync(join(tmpdir(), "tracee-core-btf-"));
  chmodSync(installPath, 0o700);
});
afterAll(() => rmSync(installPath, { recursive: true, force: true }));

const cached = () => readdirSync(installPath).filter((f) => f.startsWith("tracee.core-btf."));

/** The kernel's tag of every BPF program the process holds open (from /proc/PID/fdinfo), sorted. */
function programTags(pid: number): string[] {
  const tags: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target = "";
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (target !== "anon_inode:bpf-prog") continue;
    const tag = /^prog_tag:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8"));
    if (tag) tags.push(tag[1]);
  }
  return tags.sort();
}

// every event and every capture: as many programs (and CO-RE relocations) as this kernel loads
const EVERYTHING = ["--trace", "event=*", "--output", "none", "--capture", "write", "--capture", "exec", "--capture", "mem"];

test("the first start makes the minimal BTF; the next relocates against it, to the same instructions", async () => {
  // a file of an earlier boot goes; one another tracee build made this boot stays
  const earlier = join(installPath, "tracee.core-btf.0000000000000000.btf");
  const otherBuild = join(installPath, "tracee.core-btf.1111111111111111.btf");
  writeFileSync(earlier, "old");
  writeFileSync(otherBuild, "other");
  utimesSync(earlier, new Date(Date.now() - 400 * 86400_000), new Date(Date.now() - 400 * 86400_000));
  const first = await startTracee([...EVERYTHING, "--install-path", installPath, "--debug"]);
  const full = programTags(first.pid);
  const a = await first.stop();
  expect(a.code).toBe(0);
  expect(a.stderr).not.toContain("CO-RE relocations: against the minimal BTF");
  expect(a.stderr).toMatch(/minimal BTF: made .*tracee\.core-btf\.[0-9a-f]{16}\.btf/);
  expect(existsSync(earlier)).toBe(false);
  expect(existsSync(otherBuild)).toBe(true);
  rmSync(otherBuild);
  expect(cached().length).toBe(1);
  expect(readdirSync(installPath).filter((f) => f.startsWith("."))).toEqual([]); // no temporary file left

  const second = await startTracee([...EVERYTHING, "--install-path", installPath, "--debug"]);
  const minimal = programTags(second.pid);
  const b = await second.stop();
  expect(b.code).toBe(0);
  expect(b.stderr).toContain("CO-RE relocations: against the minimal BTF");
  expect(full.length).toBeGreaterThan(20);
  expect(minimal).toEqual(full);
}, 120_000);

test("events are traced through the minimal BTF", async () => {
  expect(cached().length).toBe(1);
  const t = await startTracee(["--install-path", installPath, "--debug", "--output", "json", "--trace", `comm=${WORKLOAD_COMM}`, "--trace", "event=openat,sched_process_exec"]);
  await runWorkload(["openat:/etc/hostname:0:0"]);
  await Bun.sleep(300);
  const { code, stdout, stderr } = await t.stop();
  expect(code).toBe(0);
  expect(stderr).toContain("CO-RE relocations: against the minimal BTF");
  const events = stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  const open = events.find((e) => e.eventName === "openat" && e.args.some((a: { value: unknown }) => a.value === "/etc/hostname"));
  expect(open).toBeDefined();
  // fields read through CO-RE relocations: the process's ids and its parent
  expect(open.hostProcessId).toBeGreaterThan(0);
  expect(open.hostParentProcessId).toBe(process.pid);
}, 60_000);

test("a cached file that is not BTF is ignored with a warning, tracing goes on, and it is made again", async () => {
  const [name] = cached();
  writeFileSync(join(installPath, name), "not btf");
  const t = await startTracee(["--install-path", installPath, "--debug", "--output", "none", "--trace", "event=openat"]);
  const { code, stderr } = await t.stop();
  expect(code).toBe(0);
  expect(stderr).toMatch(/\[warn\] ignoring .*tracee\.core-btf\..*: not BTF that libbpf can parse; it is made again/);
  expect(stderr).not.toContain("CO-RE relocations: against the minimal BTF");
  expect(readFileSync(join(installPath, name)).subarray(0, 2)).toEqual(Buffer.from([0x9f, 0xeb]));
}, 60_000);

test("without bpftool nothing is made, and tracing goes on against the kernel's whole BTF", async () => {
  const bpftool = Bun.which("bpftool", { PATH: `${process.env.PATH}:/usr/sbin:/sbin` });
  expect(bpftool).not.toBeNull(); // npm test's setup installs it
  const fresh = mkdtempSync(join(tmpdir(), "tracee-core-btf-none-"));
  const capture = mkdtempSync(join(tmpdir(), "tracee-core-btf-cap-"));
  try {
    chmodSync(fresh, 0o700);
    // a private mount namespace where bpftool is /dev/null (not executable): as on a host without it
    const p = Bun.spawn(["unshare", "-m", "sh", "-c", `mount --bind /dev/null ${bpftool} && exec "$@"`, "sh", TRACEE,
      "--install-path", fresh, "--debug", "--output", "none", "--trace", "event=openat", "--capture", `dir:${capture}`], { stdout: "pipe", stderr: "pipe" });
    const stderr = new Response(p.stderr).text();
    const t0 = Date.now();
    while (!existsSync(join(capture, "out/tracee.pid")) && p.exitCode === null && Date.now() - t0 < 20_000) await Bun.sleep(20);
    p.kill("SIGINT");
    expect(await p.exited).toBe(0);
    expect(await stderr).toContain("minimal BTF: bpftool is not installed");
    expect(readdirSync(fresh)).toEqual([]);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
    rmSync(capture, { recursive: true, force: true });
  }
}, 60_000);
