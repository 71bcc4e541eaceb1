// A slow reader on stdout: the batches queued while the pipe is full must come out whole and in order.
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireRoot, TRACEE } from "../helpers/tracee.ts";

test("every JSON line parses when the reader drains stdout slower than tracee writes it", async () => {
  requireRoot();
  const dir = mkdtempSync(join(tmpdir(), "tracee-slow-"));
  const p = Bun.spawn([TRACEE, "--output", "json", "--trace", "event=openat,close,read,write", "--capture", `dir:${dir}`], { stdout: "pipe", stderr: "pipe" });
  const reader = p.stdout.getReader();
  const dec = new TextDecoder();
  let text = "";
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += dec.decode(value, { stream: true });
      await Bun.sleep(5); // slower than the writer: the pipe fills and tracee queues batches
    }
  })();
  while (!existsSync(join(dir, "out/tracee.pid"))) await Bun.sleep(20);
  const load = Bun.spawn(["bash", "-c", "for i in $(seq 1 20); do cat /etc/hostname /etc/os-release >/dev/null; done; dd if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null"]);
  await load.exited;
  await Bun.sleep(300);
  p.kill("SIGINT");
  expect(await p.exited).toBe(0);
  await reading;
  const lines = text.split("\n").filter(Boolean);
  expect(lines.length).toBeGreaterThan(10000);
  const bad = lines.filter((l) => {
    try {
      JSON.parse(l);
      return false;
    } catch {
      return true;
    }
  });
  expect(bad.slice(0, 2)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
}, 60_000);
