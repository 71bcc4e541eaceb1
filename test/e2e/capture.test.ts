// End-to-end --capture: real children write files, execute binaries (also in another mount namespace) and unpack
// memory under dist/tracee; the artifacts are compared byte for byte, and a full disk or a planted folder is handled.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsonLines, requireRoot, startTracee, TRACEE, workload } from "../helpers/tracee.ts";
import { verifyPrograms } from "../helpers/verify-programs.ts";
import { OPTION } from "../../src/events/schema.ts";

const sha256 = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
const ownNs = () => Number(/\[(\d+)\]/.exec(readlinkSync("/proc/self/ns/mnt"))![1]);

/** A copy of the workload named `capwl`, so that `--trace comm=capwl --follow` selects only this file's children. */
function capwl(dir: string): string {
  const p = join(dir, "capwl");
  copyFileSync(workload(), p);
  chmodSync(p, 0o755);
  return p;
}

async function run(bin: string, steps: string[]): Promise<string> {
  const p = Bun.spawn([bin, ...steps], { stdout: "pipe", stderr: "inherit" });
  const out = await new Response(p.stdout).text();
  await p.exited;
  return out;
}

/** The exact `timestamp` of each JSON line (a JSON number of 19 digits does not survive JSON.parse). */
function stamps(stdout: string): string[] {
  return stdout.split("\n").filter(Boolean).map((l) => /"timestamp":(\d+)/.exec(l)![1]);
}

/** Every file under `dir`, relative. */
function files(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...files(dir, r));
    else out.push(r);
  }
  return out;
}

describe("capture of written files, executed binaries and unpacked memory", () => {
  let work = "";
  let cap = "";
  let events: any[] = [];
  let ts: string[] = [];
  let stderr = "";
  let code: number | null = null;
  let written = 0;
  let marker = "";
  let wxAddr = "";
  const bin = () => join(work, "capt-true");

  beforeAll(async () => {
    requireRoot();
    work = mkdtempSync(join(tmpdir(), "tracee-cap-"));
    const wl = capwl(work);
    copyFileSync("/bin/true", bin());
    chmodSync(bin(), 0o755);
    const t = await startTracee([
      "--output", "json", "--trace", "comm=capwl", "--follow",
      "--trace", "event=vfs_write,vfs_writev,mem_prot_alert,sched_process_exec",
      "--capture", `write=${work}/data*`, "--capture", "exec", "--capture", "mem", "--capture", "profile",
      // the file goes out in one burst faster than the disk takes it: rings that hold all of it
      "--blob-perf-buffer-size", "4096",
    ], 20000, {}, { keepDir: true });
    cap = t.dir;
    written = Number((await run(wl, [`randwrite:${work}/data.bin:6000000:12345`])).split(" ")[2]);
    await run(wl, [`randwrite:${work}/other.bin:100000:1`]);
    await run(wl, [`exec:${bin()}:capt-true`]);
    await run(wl, [`exec:${bin()}:capt-true`]);
    marker = `UNPACKED-${process.pid}-${Date.now()}`;
    wxAddr = (await run(wl, [`wxmem:${marker}`])).split(" ")[1];
    // a binary that exists only inside a private mount namespace, run and gone while its shell still sleeps
    await run(wl, ["exec:/usr/bin/unshare:unshare:-m:--propagation:private:sh:-c:mount -t tmpfs none /mnt && cp /bin/true /mnt/nstrue && /mnt/nstrue && sleep 1"]);
    await Bun.sleep(300);
    const r = await t.stop("SIGINT");
    code = r.code;
    stderr = r.stderr;
    events = jsonLines(r.stdout);
    ts = stamps(r.stdout);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    if (cap) rmSync(cap, { recursive: true, force: true });
  });

  test("exits 0 with nothing lost and no artifact left incomplete", () => {
    expect(code).toBe(0);
    expect(stderr).toMatch(/"LostEvCount":0,"LostWrCount":0/);
    expect(files(join(cap, "out")).filter((f) => f.endsWith(".partial"))).toEqual([]);
  });

  test("a multi-megabyte file written in uneven chunks, with seeks and overwrites, is captured byte for byte", () => {
    const index = readFileSync(join(cap, "out/written_files"), "utf8").trim().split("\n");
    const line = index.find((l) => l.endsWith(` ${work}/data.bin`));
    expect(line).toBeDefined();
    const rel = line!.split(" ")[0];
    expect(rel).toMatch(new RegExp(`^${ownNs()}/write\\.dev-\\d+\\.inode-\\d+$`));
    expect(sha256(join(cap, "out", rel))).toBe(sha256(join(work, "data.bin")));
  });

  test("files outside the write= prefix are not captured", () => {
    const index = readFileSync(join(cap, "out/written_files"), "utf8");
    expect(index).not.toContain("other.bin");
    expect(index.trim().split("\n").length).toBe(1);
  });

  test("vfs_write and vfs_writev events carry the path, the bytes and their file offsets", () => {
    const evs = events.filter((e) => (e.eventName === "vfs_write" || e.eventName === "vfs_writev") && e.args[0].value === `${work}/data.bin`);
    expect(evs.some((e) => e.eventName === "vfs_write") && evs.some((e) => e.eventName === "vfs_writev")).toBe(true);
    expect(evs.reduce((n, e) => n + e.returnValue, 0)).toBe(written);
    for (const e of evs) {
      const pos = e.args.find((a: any) => a.name === "pos").value;
      expect(pos + e.returnValue).toBeLessThanOrEqual(6000000);
      expect(e.args.map((a: any) => a.name)).toEqual(["pathname", "dev", "inode", e.eventName === "vfs_write" ? "count" : "vlen", "pos"]);
    }
  });

  test("an executed binary is copied byte for byte although it exited at once, and a second exec is not copied again", () => {
    const copies = files(join(cap, "out")).filter((f) => f.endsWith(".capt-true"));
    expect(copies.length).toBe(1);
    expect(copies[0]).toMatch(new RegExp(`^${ownNs()}/exec\\.\\d+\\.capt-true$`));
    expect(Buffer.compare(readFileSync(join(cap, "out", copies[0])), readFileSync(bin()))).toBe(0);
    const exec = events.map((e, i) => [e, ts[i]]).filter(([e]) => e.eventName === "sched_process_exec" && e.args.find((a: any) => a.name === "pathname").value === bin());
    expect(exec.length).toBe(2);
    expect(copies[0].split(".")[1]).toBe(exec[0][1]);
  });

  test("a binary executed inside another mount namespace is copied through a process of that namespace", () => {
    const copies = files(join(cap, "out")).filter((f) => f.endsWith(".nstrue"));
    expect(copies.length).toBe(1);
    expect(copies[0].startsWith(`${ownNs()}/`)).toBe(false);
    expect(Buffer.compare(readFileSync(join(cap, "out", copies[0])), readFileSync("/bin/true"))).toBe(0);
  });

  test("the profile counts every execution and hashes the binary", () => {
    const profile = JSON.parse(readFileSync(join(cap, "out/tracee.profile"), "utf8"));
    const key = Object.keys(profile).find((k) => k.startsWith(`${join(cap, "out")}/${ownNs()}/exec.capt-true:`));
    expect(key).toBeDefined();
    expect(profile[key!]).toEqual({ times: 2, file_hash: sha256(bin()) });
  });

  test("memory turned from W+X to X is dumped to bin.<ts>, stamped like its mem_prot_alert", () => {
    const alerts = events.map((e, i) => [e, ts[i]]).filter(([e]) => e.eventName === "mem_prot_alert");
    expect(alerts.map(([e]) => e.args[0].value)).toEqual([1, 4]);
    const dump = `${ownNs()}/bin.${alerts[1][1]}`;
    expect(files(join(cap, "out"))).toContain(dump);
    const bytes = readFileSync(join(cap, "out", dump));
    expect(bytes.length).toBe(3 * 4096);
    expect(bytes.subarray(0, marker.length).toString()).toBe(marker);
    expect(bytes.subarray(marker.length).every((b) => b === 0)).toBe(true);
    expect(wxAddr).toMatch(/^0x[0-9a-f]+$/);
  });

  test("the capture folders are 0700 and the artifacts 0600", () => {
    const { statSync } = require("node:fs") as typeof import("node:fs");
    expect(statSync(join(cap, "out")).mode & 0o777).toBe(0o700);
    expect(statSync(join(cap, `out/${ownNs()}`)).mode & 0o777).toBe(0o700);
    for (const f of files(join(cap, "out")).filter((x) => x.includes("/"))) expect(statSync(join(cap, "out", f)).mode & 0o777).toBe(0o600);
  });
});

describe("when the disk is full", () => {
  test("capture stops with one clear error, the file is marked .partial, and tracing goes on", async () => {
    requireRoot();
    const work = mkdtempSync(join(tmpdir(), "tracee-full-"));
    const cap = join(work, "cap");
    mkdirSync(cap);
    const mount = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", cap]);
    expect(mount.exitCode).toBe(0);
    try {
      const wl = capwl(work);
      const t = await startTracee(["--output", "json", "--trace", "comm=capwl", "--trace", "event=openat", "--capture", `write=${work}/big*`], 20000, {}, { dir: cap });
      await run(wl, [`randwrite:${work}/big.bin:4000000:3`]);
      await Bun.sleep(300);
      await run(wl, [`openat:${work}/after-the-failure:0:0`]);
      await Bun.sleep(200);
      const partial = files(join(cap, "out")).filter((f) => f.endsWith(".partial"));
      const r = await t.stop("SIGINT");
      expect(r.code).toBe(0);
      const lines = r.stderr.split("\n").filter((l) => l.includes("capture stopped"));
      expect(lines.length).toBe(1);
      expect(lines[0]).toMatch(/capture stopped: writing \S+\/write\.dev-\d+\.inode-\d+: ENOSPC \(no space left on device\) \(kept as write\.dev-\d+\.inode-\d+\.partial\); tracing goes on$/);
      expect(partial.length).toBe(1);
      expect(partial[0]).toMatch(/^\d+\/write\.dev-\d+\.inode-\d+\.partial$/);
      expect(jsonLines(r.stdout).some((e) => e.eventName === "openat" && e.args[1].value === `${work}/after-the-failure`)).toBe(true);
    } finally {
      Bun.spawnSync(["umount", cap]);
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("when the capture rings overflow", () => {
  test("the lost chunks are counted in LostWrCount and the file is marked .partial", async () => {
    requireRoot();
    const work = mkdtempSync(join(tmpdir(), "tracee-lost-"));
    try {
      const wl = capwl(work);
      const t = await startTracee(["--output", "none", "--trace", "comm=capwl", "--capture", `write=${work}/burst*`, "--blob-perf-buffer-size", "8"], 20000, {}, { keepDir: true });
      await run(wl, [`randwrite:${work}/burst.bin:3000000:9`]);
      await Bun.sleep(300);
      const r = await t.stop("SIGINT");
      expect(r.code).toBe(0);
      const lost = Number(/LostWrCount:(\d+)/.exec(r.stderr)?.[1]);
      expect(lost).toBeGreaterThan(0);
      const partial = files(join(t.dir, "out")).filter((f) => f.includes("write."));
      expect(partial.length).toBe(1);
      expect(partial[0]).toEndWith(".partial");
      expect(r.stderr).toContain(`capture: 1 artifacts are incomplete (marked .partial): ${partial[0]}`);
      expect(readFileSync(join(t.dir, "out/written_files"), "utf8")).toBe(`${partial[0]} ${work}/burst.bin\n`);
      rmSync(t.dir, { recursive: true, force: true });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("a capture folder planted by someone else", () => {
  const runTracee = (args: string[]) => {
    const p = Bun.spawnSync([TRACEE, ...args], { stdout: "pipe", stderr: "pipe", timeout: 20000 });
    return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
  };

  test("a symlink at the folder's path is refused, not followed", () => {
    requireRoot();
    const d = mkdtempSync(join(tmpdir(), "tracee-plant-"));
    try {
      mkdirSync(join(d, "elsewhere"));
      symlinkSync(join(d, "elsewhere"), join(d, "cap"));
      const r = runTracee(["--capture", "exec", "--capture", `dir:${join(d, "cap")}`]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n").length).toBe(1);
      expect(r.stderr).toStartWith(`tracee: ${join(d, "cap")} is a symlink, refused`);
      expect(readdirSync(join(d, "elsewhere"))).toEqual([]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  test("an out folder owned by another user is refused", () => {
    requireRoot();
    const d = mkdtempSync(join(tmpdir(), "tracee-plant-"));
    try {
      mkdirSync(join(d, "out"));
      chownSync(join(d, "out"), 65534, 65534);
      const r = runTracee(["--capture", "write", "--capture", `dir:${d}`, "--capture", "clear-dir"]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n").length).toBe(1);
      expect(r.stderr).toContain(`${d}/out is not tracee's folder`);
      expect(existsSync(join(d, "out"))).toBe(true);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe("command line", () => {
  const cli = (args: string[]) => {
    const p = Bun.spawnSync([TRACEE, ...args], { stdout: "pipe", stderr: "pipe" });
    return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
  };

  test("--capture help prints the options to stdout and exits 0", () => {
    const r = cli(["--capture", "help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("write=/path/prefix*");
    expect(r.stderr).toBe("");
  });

  test("a bad --capture value is one line and exit 2", () => {
    for (const v of ["write=/etc", "bogus", "dir:"]) {
      const r = cli(["--capture", v]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n").length).toBe(1);
      expect(r.stderr).toStartWith("tracee: ");
    }
  });

  test("--blob-perf-buffer-size must be a power of 2", () => {
    const r = cli(["--blob-perf-buffer-size", "3", "--capture", "write"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('tracee: invalid --blob-perf-buffer-size "3": give a power of 2 number of pages, e.g. 1024\n');
  });
});

describe("the kprobe way", () => {
  test("vfs_write/vfs_writev kprobes, kretprobes and their sender pass this kernel's verifier", async () => {
    requireRoot();
    const names = ["kprobe__capture_vfs_write", "kretprobe__capture_vfs_write", "kprobe__capture_vfs_writev", "kretprobe__capture_vfs_writev", "capture__send_kp"];
    const obj = new URL("../../dist/embed/tracee.bpf.o", import.meta.url).pathname;
    for (const options of [0, OPTION.capture_write]) expect((await verifyPrograms(obj, names, options)).loaded.sort()).toEqual([...names].sort());
  });
});
