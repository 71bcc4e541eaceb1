// Events of a busy host while tracee attaches: the rings exist before the first program is attached, so the kernel
// never fails an output for want of a ring (such failures used to count as lost at every start on a busy host).
import { expect, test } from "bun:test";
import { startTracee, workload } from "../helpers/tracee.ts";

test("a host busy with syscalls during start-up: no output fails, nothing is lost", async () => {
  // 20,000 open/close pairs a second (far below what tracee keeps up with), from before tracee starts until after
  // it is attached
  const busy = Bun.spawn([workload(), "rate:100000:20000:/etc/hostname"], { stdout: "ignore", stderr: "ignore" });
  try {
    const t = await startTracee(["--debug", "--output", "none", "--trace", "event=openat,close"]);
    await Bun.sleep(300);
    const { code, stderr } = await t.stop();
    expect(code).toBe(0);
    const kernel = JSON.parse(/^\[debug\] kernel: (\{.*\})$/m.exec(stderr)![1]);
    expect(kernel.submitted).toBeGreaterThan(1000);
    expect(kernel.lost_output).toBe(0);
    expect(/LostEvCount"?:0\b/.test(stderr)).toBe(true);
  } finally {
    busy.kill();
  }
}, 60_000);

test("json output: the event path is compiled right after attaching while events wait; none is lost or cut", async () => {
  const busy = Bun.spawn([workload(), "rate:100000:20000:/etc/hostname"], { stdout: "ignore", stderr: "ignore" });
  try {
    const t = await startTracee(["--debug", "--output", "json", "--trace", "event=openat,close"]);
    await Bun.sleep(300);
    const { code, stdout, stderr } = await t.stop();
    expect(code).toBe(0);
    const kernel = JSON.parse(/^\[debug\] kernel: (\{.*\})$/m.exec(stderr)![1]);
    expect(kernel.lost_output).toBe(0);
    const lines = stdout.split("\n").filter(Boolean);
    for (const l of lines) JSON.parse(l); // every line whole
    // every sample the kernel submitted was printed: the made-up warm-up events never reach the output
    expect(lines.length).toBe(kernel.submitted);
    expect(/"EventCount":(\d+)/.exec(stderr)?.[1]).toBe(String(kernel.submitted));
    expect(/LostEvCount"?:0\b/.test(stderr)).toBe(true);
  } finally {
    busy.kill();
  }
}, 60_000);
