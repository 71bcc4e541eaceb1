// End-to-end, files: security_file_open (paths from the kernel, even when the caller rewrites its buffer),
// security_inode_unlink, security_inode_mknod, security_sb_mount, vfs_write(v) and magic_write.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { argsOf, eventsOf, traceFixture, type TracedRun } from "../helpers/events.ts";
import { requireRoot } from "../helpers/tracee.ts";

const dir = mkdtempSync(join(tmpdir(), "tracee-files-"));
const EVENTS = [
  "openat", "security_file_open", "security_inode_unlink", "security_inode_mknod", "security_sb_mount", "vfs_write",
  "vfs_writev", "magic_write", "unlink", "unlinkat",
];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("file events", () => {
  let run: TracedRun;
  let pid = 0;
  const file = join(dir, "written.bin");

  beforeAll(async () => {
    requireRoot();
    run = await traceFixture([`event=${EVENTS.join(",")}`], [[
      `write:${file}`, `mknod:${join(dir, "fifo")}:fifo`, `mknod:${join(dir, "chr")}:chr`,
      `relunlink:${dir}:relative.txt`, `mount:${dir}`, `toctou:${join(dir, "real")}:${join(dir, "decoy")}`, "ns",
    ]]);
    pid = run.runs[0].pid;
  });

  test("tracee stopped cleanly and decoded every event", () => {
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/"ErrorCount":0,"LostEvCount":0/);
  });

  test("security_file_open carries the opened file's kernel path, flags (create bits included), dev, inode and ctime", () => {
    const st = statSync(file);
    const ev = eventsOf(run.events, "security_file_open", pid).find((e) => argsOf(e).pathname === file);
    expect(ev).toBeDefined();
    const a = argsOf(ev);
    expect(a.flags).toBe(0o100000 | 0o1000 | 0o100 | 0o1); // O_LARGEFILE|O_TRUNC|O_CREAT|O_WRONLY
    expect(a.inode).toBe(st.ino);
    expect(a.dev).toBe(((Math.floor(st.dev / 256) & 0xfff) << 20) | (st.dev & 0xff)); // kernel dev_t encoding
    expect(a.ctime).toBeGreaterThan(0);
    expect(ev.args.map((x: any) => x.name)).toEqual(["pathname", "flags", "dev", "inode", "ctime"]);
  });

  test("security_file_open names the file really opened when the caller rewrote the path during the call", () => {
    // openat's own pathname is read from user memory at exit: the rewrite shows there ...
    const open = eventsOf(run.events, "openat", pid).find((e) => argsOf(e).pathname === join(dir, "decoy"));
    expect(open).toBeDefined();
    expect(open.returnValue).toBeGreaterThanOrEqual(0);
    // ... the security event of the same thread is taken from the kernel's struct file: the real fifo
    const sec = eventsOf(run.events, "security_file_open", pid).filter((e) => e.hostThreadId === open.hostThreadId);
    expect(sec.map((e) => argsOf(e).pathname)).toContain(join(dir, "real"));
    expect(sec.map((e) => argsOf(e).pathname)).not.toContain(join(dir, "decoy"));
  });

  test("vfs_write reports each write with count, position and the write's result; writev its iovec count", () => {
    const writes = eventsOf(run.events, "vfs_write", pid).filter((e) => argsOf(e).pathname === file);
    expect(writes.map((e) => [argsOf(e).count, argsOf(e).pos, e.returnValue])).toEqual([[39, 0, 39], [5, 100, 5]]);
    const v = eventsOf(run.events, "vfs_writev", pid).filter((e) => argsOf(e).pathname === file);
    expect(v.map((e) => [argsOf(e).vlen, argsOf(e).pos, e.returnValue])).toEqual([[2, 39, 15]]);
    expect(argsOf(writes[0]).inode).toBe(statSync(file).ino);
  });

  test("magic_write carries the first 32 bytes of the write at offset 0, and only that one", () => {
    const m = eventsOf(run.events, "magic_write", pid).filter((e) => argsOf(e).pathname === file);
    expect(m).toHaveLength(1);
    const bytes = Buffer.from(argsOf(m[0]).bytes, "base64");
    expect(bytes.toString("latin1")).toBe("\x7fELF-tracee-magic-write-test-012");
    expect(m[0].returnValue).toBe(39);
    expect(eventsOf(run.events, "magic_write", pid).every((e) => argsOf(e).pathname !== "/")).toBe(true); // not for pipes
  });

  test("files without a path are named as /proc shows them: pipes and sockets, namespaces", () => {
    const out = eventsOf(run.events, "vfs_write", pid).filter((e) => argsOf(e).pathname !== file);
    expect(out.length).toBeGreaterThan(0); // the fixture's report lines, written to the pipe tracee's test reads
    for (const e of out) expect(argsOf(e).pathname).toBe(`${/^socket/.test(argsOf(e).pathname) ? "socket" : "pipe"}:[${argsOf(e).inode}]`);
    const ns = eventsOf(run.events, "security_file_open", pid).map((e) => argsOf(e).pathname);
    expect(ns).toContain(`uts:[${run.runs[0].num("uts_before")}]`);
  });

  test("security_inode_mknod reports a fifo and a char device with mode and the kernel's dev encoding", () => {
    const ev = eventsOf(run.events, "security_inode_mknod", pid);
    const fifo = ev.find((e) => argsOf(e).file_name === join(dir, "fifo"));
    const chr = ev.find((e) => argsOf(e).file_name === join(dir, "chr"));
    expect(argsOf(fifo)).toEqual({ file_name: join(dir, "fifo"), mode: 0o010640, dev: 0 });
    expect(argsOf(chr)).toEqual({ file_name: join(dir, "chr"), mode: 0o020600, dev: (1 << 20) | 3 });
    expect(fifo.args.find((a: any) => a.name === "mode").type).toBe("umode_t"); // the u16 wire type
  });

  test("security_inode_unlink reports absolute and cwd-relative unlinks with the full path", () => {
    const paths = eventsOf(run.events, "security_inode_unlink", pid).map((e) => argsOf(e).pathname);
    expect(paths).toContain(join(dir, "fifo"));
    expect(paths).toContain(join(dir, "chr"));
    expect(paths).toContain(join(dir, "relative.txt"));
    const unlink = eventsOf(run.events, "unlink", pid).find((e) => argsOf(e).pathname === "relative.txt");
    expect(unlink).toBeDefined(); // the syscall itself shows what the caller passed
  });

  test("security_sb_mount reports device name, mount point, filesystem type and flags", () => {
    const ev = eventsOf(run.events, "security_sb_mount", pid).find((e) => argsOf(e).dev_name === "tracee-e2e");
    expect(argsOf(ev)).toEqual({ dev_name: "tracee-e2e", path: dir, type: "tmpfs", flags: 2 | 4 }); // MS_NOSUID|MS_NODEV
  });
});

describe("files without a path", () => {
  // named as /proc/PID/fd shows them; the inode number is written by bpf_snprintf (5.13+), or digit by digit
  // where the kernel lacks it (TRACEE_NO_BPF_LOOP=1 takes that way here)
  for (const [way, env] of [["bpf_snprintf", {}], ["digit loops", { TRACEE_NO_BPF_LOOP: "1" }]] as const) {
    test(`a write into a pipe and a socket shows pipe:[INO] and socket:[INO] (${way})`, async () => {
      requireRoot();
      const run = await traceFixture(["event=vfs_write"], [["pipe"]], { env });
      const fix = run.runs[0];
      expect(run.code).toBe(0);
      const names = eventsOf(run.events, "vfs_write", fix.pid).map((e) => [argsOf(e).pathname, argsOf(e).inode]);
      expect(names).toContainEqual([`pipe:[${fix.num("pipe_ino")}]`, fix.num("pipe_ino")]);
      expect(names).toContainEqual([`socket:[${fix.num("socket_ino")}]`, fix.num("socket_ino")]);
    });
  }
});

describe("essential events", () => {
  test("event=magic_write loads the vfs_write programs but prints only magic_write", async () => {
    const file = join(dir, "magic-only.bin");
    const run = await traceFixture(["event=magic_write"], [[`write:${file}`]]);
    const names = new Set(run.events.map((e) => e.eventName));
    expect([...names]).toEqual(["magic_write"]);
    expect(eventsOf(run.events, "magic_write", run.runs[0].pid).some((e) => argsOf(e).pathname === file)).toBe(true);
  });
});
