// Decoding file_writes records: capture samples (every header field, data as a view), LOST records, bad framing.
import { describe, expect, test } from "bun:test";
import { blobKey, blobKeyFromBytes, decodeBlobRecord, mergeInOrder, recordTs } from "../../src/capture/blob.ts";
import { BLOB } from "../../src/events/gen/events.ts";
import { BLOB_TYPE } from "../../src/events/schema.ts";
import { blobRecord, lostRecord } from "../helpers/blob-encoder.ts";

describe("decodeBlobRecord", () => {
  test("reads every header field of a write sample and keeps the data as a view", () => {
    const data = new Uint8Array([1, 2, 3, 4, 5]);
    const rec = blobRecord({ type: BLOB_TYPE.write, mntNs: 4026531840, dev: 266338304, pid: 7, id: 2147825n, mode: 0o100600,
      offset: 2 ** 40 + 3, ts: 123456789012345n }, data);
    const r = decodeBlobRecord(rec);
    if (r.kind !== "sample") throw new Error(r.kind);
    const { data: got, ...rest } = r.sample;
    expect(rest).toEqual({ type: 1, mntNs: 4026531840, dev: 266338304, pid: 7, id: "2147825", mode: 0o100600, offset: 2 ** 40 + 3, total: 0 });
    expect([...got]).toEqual([1, 2, 3, 4, 5]);
    expect(got.buffer).toBe(rec.buffer);
    expect(recordTs(rec)).toBe(123456789012345);
  });

  test("a memory sample carries its alert time as the id and the dump's total size", () => {
    const r = decodeBlobRecord(blobRecord({ type: BLOB_TYPE.mem, mntNs: 1, id: 18446744073709551615n, offset: 16384, total: 12288 }, new Uint8Array(8)));
    if (r.kind !== "sample") throw new Error(r.kind);
    expect(r.sample.id).toBe("18446744073709551615");
    expect(r.sample.total).toBe(12288);
    expect(r.sample.offset).toBe(16384);
  });

  test("a LOST record gives its count and sorts first", () => {
    expect(decodeBlobRecord(lostRecord(42))).toEqual({ kind: "lost", count: 42 });
    expect(recordTs(lostRecord(1))).toBe(-1);
  });

  test("bad framing is reported, never thrown", () => {
    const rec = blobRecord({ type: BLOB_TYPE.write, mntNs: 1, id: 1n }, new Uint8Array(16));
    new DataView(rec.buffer).setUint32(12 + BLOB.len, 1 << 20, true);
    expect(decodeBlobRecord(rec).kind).toBe("bad");
    const odd = blobRecord({ type: 9, mntNs: 1, id: 1n }, new Uint8Array(1));
    expect(decodeBlobRecord(odd)).toEqual({ kind: "bad", why: "unknown sample type 9" });
    expect(decodeBlobRecord(new Uint8Array(4)).kind).toBe("bad");
    const other = new Uint8Array(16);
    other[0] = 3;
    expect(decodeBlobRecord(other)).toEqual({ kind: "other" });
  });
});

test("the lost-map key bytes name the same artifact as a decoded sample", () => {
  const rec = blobRecord({ type: BLOB_TYPE.write, mntNs: 9, dev: 8, pid: 0, id: 2n ** 40n + 5n }, new Uint8Array(1));
  const key = rec.subarray(12, 12 + BLOB.keySize);
  const r = decodeBlobRecord(rec);
  if (r.kind !== "sample") throw new Error(r.kind);
  expect(blobKeyFromBytes(key)).toBe(blobKey(r.sample.type, r.sample.mntNs, r.sample.dev, r.sample.pid, r.sample.id));
});

test("records of all CPUs' rings are applied in syscall-time order, each ring's order kept", () => {
  const rec = (n: number) => new Uint8Array([n]);
  const recs = [[rec(1), rec(4), rec(5)], [rec(2), rec(3)], [], [rec(6)]];
  const stamps = [[10, 40, 40], [20, 30], [], [5]];
  const seen: number[] = [];
  mergeInOrder(recs, stamps, (r) => seen.push(r[0]));
  expect(seen).toEqual([6, 1, 2, 3, 4, 5]);
});
