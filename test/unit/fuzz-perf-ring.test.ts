// Fuzzes the perf ring reader's bounded drain over a simulated ring: whatever the sizes, wrap points and limits,
// the chunks are whole records, in order, nothing skipped or repeated, and the kernel gets its space back.
import { expect, test } from "bun:test";
import { ptr } from "bun:ffi";
import { PerfRing } from "../../ffi/perf-ring.ts";
import { Rng } from "../fuzz/rand.ts";

const PAGE = 4096;

/** Appends each record's size to `out`, checking that records are whole and numbered in sequence. */
function readRecords(chunk: Uint8Array, out: number[]): void {
  const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  for (let off = 0; off < chunk.length; ) {
    const len = dv.getUint16(off + 6, true);
    if (dv.getUint32(off + 8, true) !== out.length || off + len > chunk.length) throw new Error(`record ${out.length} cut or out of order`);
    out.push(len);
    off += len;
  }
}

test("bounded drains of a wrapping ring return whole records in order and free exactly what they return", () => {
  const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const r = new Rng(seed);
  for (let round = 0; round < 20; round++) {
    const size = PAGE << r.int(3);
    const mem = new Uint8Array(PAGE + size);
    const ctl = new BigUint64Array(mem.buffer, 0, PAGE / 8);
    const data = mem.subarray(PAGE);
    const start = BigInt(r.int(1 << 20) * 8); // head/tail are free-running byte counters
    ctl[128] = start;
    ctl[129] = start;
    const ring = new PerfRing(ptr(mem) as unknown as number, size);
    const written: number[] = []; // record sizes in order
    const read: number[] = []; // record sizes as drained
    let serial = 0;
    for (let step = 0; step < 200; step++) {
      // the "kernel" writes records while there is room: 8-aligned, size at byte 6, a serial number at byte 8
      let room = size - Number(ctl[128] - ctl[129]);
      for (let k = r.int(20); k > 0; k--) {
        const len = 16 + 8 * r.int(r.chance(0.1) ? 200 : 20);
        if (len > room) break;
        const head = Number(ctl[128] % BigInt(size));
        const rec = new Uint8Array(len);
        new DataView(rec.buffer).setUint16(6, len, true);
        new DataView(rec.buffer).setUint32(8, serial++, true);
        for (let i = 0; i < len; i++) data[(head + i) % size] = rec[i];
        ctl[128] += BigInt(len);
        room -= len;
        written.push(len);
      }
      const before = ctl[129];
      const chunk = ring.drain(r.chance(0.3) ? Infinity : 8 + r.int(size));
      if (!chunk) {
        if (ctl[128] !== ctl[129]) throw new Error(`seed ${seed}: data left but nothing drained`);
        continue;
      }
      if (ctl[129] - before !== BigInt(chunk.length)) throw new Error(`seed ${seed}: freed ${ctl[129] - before}, returned ${chunk.length}`);
      readRecords(chunk, read);
    }
    for (let c = ring.drain(64); c; c = ring.drain(64)) readRecords(c, read); // the rest, in small pieces
    expect(ctl[129]).toBe(ctl[128]);
    expect(read).toEqual(written);
  }
}, 20_000);
