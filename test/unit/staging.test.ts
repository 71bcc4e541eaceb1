// Where the poll worker puts ring bytes in the shared staging area: never over bytes still in use, and from the
// start whenever it can (so that pages beyond what the events in flight need are never touched).
import { expect, test } from "bun:test";
import { batchHolds, placeChunk, STAGING_PREFERRED } from "../../src/tracer/poller-protocol.ts";

const CAP = 32 << 20;
const MB = 1 << 20;

test("an empty area is filled from its start", () => {
  expect(placeChunk(MB, 7 * MB, 3 * MB, true, CAP)).toBe(0);
  expect(placeChunk(CAP + 1, 0, 0, true, CAP)).toBe(-1);
});

test("appends after the bytes in use while within the preferred part", () => {
  expect(placeChunk(MB, 2 * MB, 0, false, CAP)).toBe(2 * MB);
});

test("goes back to the start once past the preferred part, when the start is free", () => {
  expect(placeChunk(MB, STAGING_PREFERRED, 2 * MB, false, CAP)).toBe(0);
});

test("grows past the preferred part only when the start is still in use", () => {
  expect(placeChunk(MB, STAGING_PREFERRED, MB / 2, false, CAP)).toBe(STAGING_PREFERRED);
  expect(placeChunk(MB, CAP - MB / 2, MB / 2, false, CAP)).toBe(-1);
});

test("after wrapping, fills only the gap before the oldest bytes in use", () => {
  expect(placeChunk(MB, MB, 3 * MB, false, CAP)).toBe(MB);
  expect(placeChunk(MB, 2 * MB + 1, 3 * MB, false, CAP)).toBe(-1);
  expect(placeChunk(1, 3 * MB, 3 * MB, false, CAP)).toBe(-1); // completely full
});

test("a batch's bytes are freed once, when its last holder lets go, not when the first does", () => {
  let freed = 0;
  const h = batchHolds(() => freed++);
  const a = h.hold();
  const b = h.hold();
  h.done();
  a();
  a(); // a second call of the same release counts once
  expect(freed).toBe(0);
  b();
  expect(freed).toBe(1);
  const lone = batchHolds(() => freed++);
  lone.done();
  expect(freed).toBe(2);
});
