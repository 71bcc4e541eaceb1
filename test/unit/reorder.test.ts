// The ordering window: events of several CPUs come out oldest first, held back only as long as the window says.
import { expect, test } from "bun:test";
import { Reorder } from "../../src/tracer/reorder.ts";
import type { TraceEvent } from "../../src/events/types.ts";

const ev = (ns: number, cpu = 0) => ({ tsSec: Math.floor(ns / 1e9), tsNsec: ns % 1e9, cpu }) as TraceEvent;
const ts = (es: TraceEvent[]) => es.map((e) => e.tsSec * 1e9 + e.tsNsec);

test("releases interleaved CPU streams in timestamp order once the window has passed", () => {
  const r = new Reorder(50);
  expect(r.push([ev(100, 0), ev(300, 0), ev(200, 1), ev(250, 1)], 140)).toEqual([]);
  expect(ts(r.push([], 360))).toEqual([100, 200, 250, 300]);
  expect(r.late).toBe(0);
});

test("holds an event until the drain time has moved a full window past it", () => {
  const r = new Reorder(1000);
  expect(ts(r.push([ev(5000)], 5999))).toEqual([]);
  expect(ts(r.push([ev(5500)], 6000))).toEqual([5000]);
  expect(ts(r.flush())).toEqual([5500]);
});

test("keeps nanosecond order across second boundaries", () => {
  const r = new Reorder(10);
  const out = r.push([ev(2_000_000_001), ev(1_999_999_999), ev(2_000_000_000)], 3_000_000_000);
  expect(ts(out)).toEqual([1_999_999_999, 2_000_000_000, 2_000_000_001]);
});

test("counts an event older than one already released as late, and still delivers it", () => {
  const r = new Reorder(10);
  expect(ts(r.push([ev(100)], 200))).toEqual([100]);
  expect(ts(r.push([ev(50)], 300))).toEqual([50]);
  expect(r.late).toBe(1);
});

test("flush releases everything still held, in order", () => {
  const r = new Reorder(1e9);
  r.push([ev(3), ev(1), ev(2)], 10);
  expect(ts(r.flush())).toEqual([1, 2, 3]);
  expect(r.flush()).toEqual([]);
});
