// Decodes one perf record of the `file_writes` rings: a capture sample (header + data, docs/wire-format.md §5)
// or a LOST record; the data stays a view into the record, nothing is copied.
import { BLOB } from "../events/gen/events.ts";
import { BLOB_TYPE } from "../events/schema.ts";
import { u64Text } from "./names.ts";

const PERF_RECORD_SAMPLE = 9;
const PERF_RECORD_LOST = 2;

export interface BlobSample {
  type: number; // BLOB_TYPE
  mntNs: number;
  dev: number;
  pid: number;
  /** inode (write) or alert time in ns since boot (mem), as decimal text */
  id: string;
  mode: number;
  offset: number;
  total: number;
  data: Uint8Array;
}

export type BlobRecord = { kind: "sample"; sample: BlobSample } | { kind: "lost"; count: number } | { kind: "other" } | { kind: "bad"; why: string };

/** `rec` is one whole perf record: {u32 type, u16 misc, u16 size} then its body. */
export function decodeBlobRecord(rec: Uint8Array): BlobRecord {
  const dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  if (rec.length < 8) return { kind: "bad", why: "record shorter than its header" };
  const type = dv.getUint32(0, true);
  if (type === PERF_RECORD_LOST) {
    if (rec.length < 24) return { kind: "bad", why: "LOST record too short" };
    return { kind: "lost", count: Number(dv.getBigUint64(16, true)) };
  }
  if (type !== PERF_RECORD_SAMPLE) return { kind: "other" };
  if (rec.length < 12) return { kind: "bad", why: "SAMPLE record too short" };
  const raw = dv.getUint32(8, true);
  if (12 + raw > rec.length || raw < BLOB.size) return { kind: "bad", why: "sample size does not fit its record" };
  const h = 12;
  const size = dv.getUint32(h + BLOB.len, true);
  if (BLOB.size + size > raw) return { kind: "bad", why: `data size ${size} runs past the sample` };
  const sampleType = dv.getUint32(h + BLOB.type, true);
  if (sampleType !== BLOB_TYPE.write && sampleType !== BLOB_TYPE.mem) return { kind: "bad", why: `unknown sample type ${sampleType}` };
  const u64 = (off: number) => dv.getUint32(h + off, true) + dv.getUint32(h + off + 4, true) * 2 ** 32;
  return {
    kind: "sample",
    sample: {
      type: sampleType,
      mntNs: dv.getUint32(h + BLOB.mnt_ns, true),
      dev: dv.getUint32(h + BLOB.dev, true),
      pid: dv.getUint32(h + BLOB.pid, true),
      id: u64Text(dv.getUint32(h + BLOB.id, true), dv.getUint32(h + BLOB.id + 4, true)),
      mode: dv.getUint32(h + BLOB.mode, true),
      offset: u64(BLOB.offset),
      total: u64(BLOB.total),
      data: rec.subarray(h + BLOB.size, h + BLOB.size + size),
    },
  };
}

/**
 * The order key of a record: a sample's syscall time (ns since boot, as a double: exact for 104 days of
 * uptime, and off by a few ns at most beyond); -1 for anything else, which goes first.
 */
export function recordTs(rec: Uint8Array): number {
  if (rec.length < 12 + BLOB.size) return -1;
  const dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  if (dv.getUint32(0, true) !== PERF_RECORD_SAMPLE) return -1;
  return dv.getUint32(12 + BLOB.ts, true) + dv.getUint32(12 + BLOB.ts + 4, true) * 2 ** 32;
}

/** The artifact a sample belongs to, as decoded from the first BLOB.keySize bytes of a header. */
export function blobKey(type: number, mntNs: number, dev: number, pid: number, id: string): string {
  return `${type}:${mntNs}:${dev}:${pid}:${id}`;
}

/** The same key from the raw bytes of a kernel lost-map key. */
export function blobKeyFromBytes(k: Uint8Array): string {
  const dv = new DataView(k.buffer, k.byteOffset, k.byteLength);
  return blobKey(dv.getUint32(BLOB.type, true), dv.getUint32(BLOB.mnt_ns, true), dv.getUint32(BLOB.dev, true),
    dv.getUint32(BLOB.pid, true), u64Text(dv.getUint32(BLOB.id, true), dv.getUint32(BLOB.id + 4, true)));
}

/**
 * Visits the records of several rings in ascending order of their stamps (each ring's own records are
 * already in that order); ties go to the lower ring, and each ring's order is kept.
 */
export function mergeInOrder(recs: Uint8Array[][], stamps: number[][], visit: (rec: Uint8Array) => void): void {
  const at = recs.map(() => 0);
  for (;;) {
    let best = -1;
    for (let i = 0; i < recs.length; i++) {
      if (at[i] < recs[i].length && (best < 0 || stamps[i][at[i]] < stamps[best][at[best]])) best = i;
    }
    if (best < 0) return;
    visit(recs[best][at[best]++]);
  }
}
