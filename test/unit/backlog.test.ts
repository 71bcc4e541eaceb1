// Batches wait unhandled while the output is backed up, in order, holding their staging bytes (src/pipeline/backlog.ts).
import { expect, test } from "bun:test";
import { Backlog } from "../../src/pipeline/backlog.ts";
import type { RingBatch } from "../../src/tracer/poller-protocol.ts";

function setup() {
  const handled: number[] = [];
  const held = new Set<number>();
  let pending = 0;
  let drain: (() => void) | null = null;
  const backlog = new Backlog({
    handle: (b) => {
      handled.push(b.drainNs);
      pending += 10; // each batch prints 10 bytes the output cannot take yet
    },
    backedUp: () => pending > 15,
    drained: () => new Promise<void>((r) => (drain = r)),
  });
  const batch = (n: number): RingBatch => ({
    chunks: [], drainNs: n,
    hold: () => {
      held.add(n);
      return () => held.delete(n);
    },
  });
  const writeAll = async () => {
    pending = 0;
    drain?.();
    drain = null;
    await Bun.sleep(0);
  };
  return { backlog, batch, handled, held, writeAll };
}

test("batches are handled at once until the output backs up, then wait in order holding their bytes", async () => {
  const { backlog, batch, handled, held, writeAll } = setup();
  for (let i = 1; i <= 5; i++) backlog.push(batch(i));
  expect(handled).toEqual([1, 2]); // 20 bytes pending after the second: backed up
  expect([...held]).toEqual([3, 4, 5]);
  expect(backlog.size).toBe(3);
  await writeAll(); // the reader caught up: handled in order until backed up again
  expect(handled).toEqual([1, 2, 3, 4]);
  expect([...held]).toEqual([5]);
  backlog.push(batch(6)); // still waits behind 5, never overtakes it
  expect(handled).toEqual([1, 2, 3, 4]);
  await writeAll();
  expect(handled).toEqual([1, 2, 3, 4, 5, 6]);
  expect(held.size).toBe(0);
});

test("flush handles every waiting batch at the end, whatever the output", () => {
  const { backlog, batch, handled, held } = setup();
  for (let i = 1; i <= 4; i++) backlog.push(batch(i));
  backlog.flush();
  expect(handled).toEqual([1, 2, 3, 4]);
  expect(held.size).toBe(0);
});

test("an error while handling a waiting batch is thrown by the next push, not lost", async () => {
  let fail = false;
  let pending = 20;
  let drain: (() => void) | null = null;
  const backlog = new Backlog({
    handle: () => {
      if (fail) throw new Error("printer broke");
    },
    backedUp: () => pending > 15,
    drained: () => new Promise<void>((r) => (drain = r)),
  });
  const b: RingBatch = { chunks: [], drainNs: 1, hold: () => () => {} };
  backlog.push(b);
  fail = true;
  pending = 0;
  drain!();
  await Bun.sleep(0);
  expect(() => backlog.push(b)).toThrow("printer broke");
});
