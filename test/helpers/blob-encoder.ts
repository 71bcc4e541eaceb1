// Builds file_writes perf records (capture samples and LOST records) from the generated header offsets, for tests.
import { BLOB } from "../../src/events/gen/events.ts";

export interface BlobFields {
  type: number;
  mntNs: number;
  dev?: number;
  pid?: number;
  id: bigint;
  mode?: number;
  offset?: number;
  total?: number;
  ts?: bigint;
}

/** A PERF_RECORD_SAMPLE carrying one capture sample: header then `data`, padded to 8 bytes like the kernel. */
export function blobRecord(f: BlobFields, data: Uint8Array): Uint8Array {
  const raw = BLOB.size + data.length;
  const size = (8 + 4 + raw + 7) & ~7;
  const rec = new Uint8Array(size);
  const dv = new DataView(rec.buffer);
  dv.setUint32(0, 9, true);
  dv.setUint16(6, size, true);
  dv.setUint32(8, raw, true);
  const h = 12;
  dv.setUint32(h + BLOB.type, f.type, true);
  dv.setUint32(h + BLOB.mnt_ns, f.mntNs, true);
  dv.setUint32(h + BLOB.dev, f.dev ?? 0, true);
  dv.setUint32(h + BLOB.pid, f.pid ?? 0, true);
  dv.setBigUint64(h + BLOB.id, f.id, true);
  dv.setUint32(h + BLOB.mode, f.mode ?? 0o100644, true);
  dv.setUint32(h + BLOB.len, data.length, true);
  dv.setBigUint64(h + BLOB.offset, BigInt(f.offset ?? 0), true);
  dv.setBigUint64(h + BLOB.total, BigInt(f.total ?? 0), true);
  dv.setBigUint64(h + BLOB.ts, f.ts ?? 0n, true);
  rec.set(data, h + BLOB.size);
  return rec;
}

/** A PERF_RECORD_LOST saying `n` samples were dropped. */
export function lostRecord(n: number): Uint8Array {
  const rec = new Uint8Array(24);
  const dv = new DataView(rec.buffer);
  dv.setUint32(0, 2, true);
  dv.setUint16(6, 24, true);
  dv.setBigUint64(16, BigInt(n), true);
  return rec;
}
