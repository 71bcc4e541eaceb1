// Overload: with one-page rings, a burst far beyond what user space drains loses samples; tracee keeps running, counts
// exactly what the kernel dropped (its LOST records against the kernel's own failed-output counter) and recovers.
import { describe, expect, test } from "bun:test";
import { launch } from "../helpers/launch.ts";
import { jsonLines, runWorkload } from "../helpers/tracee.ts";

const BURST = 200_000;

describe("a burst beyond the rings", () => {
  test("LostEvCount equals the kernel's lost_output, every close is printed or counted, and events after the burst arrive", async () => {
    const comm = `relov${process.pid % 100000}`;
    const t = await launch(["--perf-buffer-size", "1", "--debug", "--output", "json", "--trace", "event=close,openat", "--trace", `comm=${comm}`]);
    // all on one CPU, so that the marker after the pause flushes that ring's pending LOST record
    const { pid } = await runWorkload([`comm:${comm}`, "cpu:0", `closebad:${BURST}`, "sleep:500", "openat:/etc/hostname:0:0"]);
    await Bun.sleep(300);
    t.proc.kill("SIGINT");
    expect(await t.proc.exited).toBe(0);
    const stderr = await t.stderr;
    const evs = jsonLines(await t.stdout);
    const stats = JSON.parse(/^(\{"stats":.*\})$/m.exec(stderr)![1]).stats;
    const kernel = JSON.parse(/kernel: (\{.*\})/.exec(stderr)![1]);
    const rings = JSON.parse(/decoder: (\{.*\})/.exec(stderr)![1]);

    expect(kernel.lost_output).toBeGreaterThan(BURST / 2); // the burst did overflow
    expect(stats.LostEvCount).toBe(kernel.lost_output);
    expect(rings.lost).toBe(kernel.lost_output); // the rings' LOST records said exactly as much
    expect(stats.EventCount).toBe(kernel.submitted);
    expect(evs.length).toBe(stats.EventCount);
    expect(stats.ErrorCount).toBe(0);

    const closes = evs.filter((e) => e.hostProcessId === pid && e.eventName === "close" && e.args[0].value === -1);
    expect(closes.every((e) => e.returnValue === -9)).toBe(true); // EBADF
    expect(closes.length + stats.LostEvCount).toBe(BURST);

    const marker = evs.find((e) => e.hostProcessId === pid && e.eventName === "openat" && e.args[1].value === "/etc/hostname");
    expect(marker).toBeDefined();
    expect(evs.some((e) => e.hostProcessId === pid && e.eventName === "close" && e.args[0].value === marker.returnValue)).toBe(true);
    t.cleanup();
  }, 60_000);
});
