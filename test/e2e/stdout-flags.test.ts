// tracee makes a stdout pipe non-blocking while it runs (a full pipe must not freeze it) and puts the pipe's flags
// back at exit: the shell may hand the same pipe to the next command, which would otherwise get EAGAIN.
import { expect, test } from "bun:test";
import { closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireRoot, TRACEE } from "../helpers/tracee.ts";

const flagsOf = (fd: number) => parseInt(/^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"))![1], 8);

test("a stdout pipe is non-blocking only while tracee runs", async () => {
  requireRoot();
  const dir = mkdtempSync(join(tmpdir(), "tracee-flags-"));
  const fifo = join(dir, "out.fifo");
  expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, "w"); // one open file description, shared with tracee's fd 1
  try {
    expect(flagsOf(writer) & constants.O_NONBLOCK).toBe(0);
    const p = Bun.spawn([TRACEE, "--output", "json", "--trace", "event=openat", "--trace", "comm=no-such-comm", "--capture", `dir:${dir}`], { stdout: writer, stderr: "pipe" });
    while (!existsSync(join(dir, "out/tracee.pid")) && p.exitCode === null) await Bun.sleep(20);
    expect(flagsOf(writer) & constants.O_NONBLOCK).toBe(constants.O_NONBLOCK);
    p.kill("SIGINT");
    expect(await p.exited).toBe(0);
    expect(flagsOf(writer) & constants.O_NONBLOCK).toBe(0);
  } finally {
    closeSync(writer);
    closeSync(reader);
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
