// The artifact writer: offsets mirrored, streams appended, dumps complete only when whole, fds bounded, and a
// refused write leaves a marked artifact and one CaptureIoError.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeBlobRecord, type BlobSample } from "../../src/capture/blob.ts";
import { CaptureIoError } from "../../src/capture/fsafe.ts";
import { ArtifactWriter } from "../../src/capture/writer.ts";
import { BLOB_TYPE } from "../../src/events/schema.ts";
import { blobRecord, type BlobFields } from "../helpers/blob-encoder.ts";

let out = "";
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), "tracee-writer-"));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

const NS = 4026531840;
/** One sample as the worker hands it over: written, then flushed before its memory is reused. */
function put(w: ArtifactWriter, s: BlobSample): void {
  w.write(s);
  w.flush();
}
function sample(f: Partial<BlobFields> & { data: string | Uint8Array }): BlobSample {
  const data = typeof f.data === "string" ? new TextEncoder().encode(f.data) : f.data;
  const r = decodeBlobRecord(blobRecord({ type: BLOB_TYPE.write, mntNs: NS, dev: 7, id: 99n, ...f }, data));
  if (r.kind !== "sample") throw new Error(r.kind);
  return r.sample;
}

describe("written files", () => {
  test("chunks land at their offsets in any order; a later overwrite wins", () => {
    const w = new ArtifactWriter(out, (ns) => ns);
    put(w, sample({ offset: 6, data: "world" }));
    put(w, sample({ offset: 0, data: "hello " }));
    put(w, sample({ offset: 0, data: "HE" }));
    const sum = w.close();
    expect(readFileSync(join(out, `${NS}/write.dev-7.inode-99`), "utf8")).toBe("HEllo world");
    expect(sum.artifacts).toEqual([{ key: `1:${NS}:7:0:99`, kind: "write", rel: `${NS}/write.dev-7.inode-99`, mntNs: NS, dev: 7, inode: "99", bytes: 13, total: 0, complete: true }]);
    expect(sum.samples).toBe(3);
    expect(statSync(join(out, String(NS))).mode & 0o777).toBe(0o700);
    expect(statSync(join(out, `${NS}/write.dev-7.inode-99`)).mode & 0o777).toBe(0o600);
  });

  test("contiguous samples gathered into one write keep their bytes and order", () => {
    const w = new ArtifactWriter(out, (ns) => ns);
    const big = new Uint8Array(3 * 16384).map((_, i) => i % 251);
    for (let off = 0; off < big.length; off += 16384) w.write(sample({ offset: off, data: big.subarray(off, off + 16384) }));
    w.write(sample({ offset: 5, data: "xyz" }));
    w.write(sample({ id: 100n, offset: 0, data: "other" }));
    w.flush();
    const got = readFileSync(join(out, `${NS}/write.dev-7.inode-99`));
    big.set(new TextEncoder().encode("xyz"), 5);
    expect(Buffer.compare(got, Buffer.from(big))).toBe(0);
    expect(readFileSync(join(out, `${NS}/write.dev-7.inode-100`), "utf8")).toBe("other");
    expect(w.close().samples).toBe(5);
  });

  test("sockets, FIFOs and char devices are appended whatever the offset", () => {
    const w = new ArtifactWriter(out, (ns) => ns);
    put(w, sample({ mode: 0o140777, offset: 100, data: "ab" }));
    put(w, sample({ mode: 0o140777, offset: 0, data: "cd" }));
    w.close();
    expect(readFileSync(join(out, `${NS}/write.dev-7.inode-99`), "utf8")).toBe("abcd");
  });

  test("writes to /dev/null are kept apart per writer", () => {
    const w = new ArtifactWriter(out, (ns) => ns);
    put(w, sample({ mode: 0o020666, dev: 6, id: 5n, pid: 11, data: "x" }));
    put(w, sample({ mode: 0o020666, dev: 6, id: 5n, pid: 12, data: "y" }));
    w.close();
    expect(readdirSync(join(out, String(NS))).sort()).toEqual(["write.dev-6.inode-5.pid-11", "write.dev-6.inode-5.pid-12"]);
  });

  test("more files than open fds: evicted files are reopened and continue at their offsets", () => {
    const w = new ArtifactWriter(out, (ns) => ns, 2);
    for (let round = 0; round < 3; round++) {
      for (let f = 0; f < 5; f++) put(w, sample({ id: BigInt(f), offset: round * 2, data: `${f}${round}` }));
    }
    w.close();
    for (let f = 0; f < 5; f++) expect(readFileSync(join(out, `${NS}/write.dev-7.inode-${f}`), "utf8")).toBe(`${f}0${f}1${f}2`);
  });

  test("a symlink planted at an artifact's name is refused, not followed", () => {
    mkdirSync(join(out, String(NS)), { mode: 0o700 });
    const victim = join(out, "victim");
    writeFileSync(victim, "keep");
    symlinkSync(victim, join(out, `${NS}/write.dev-7.inode-99`));
    const w = new ArtifactWriter(out, (ns) => ns);
    expect(() => put(w, sample({ data: "evil" }))).toThrow(CaptureIoError);
    expect(readFileSync(victim, "utf8")).toBe("keep");
  });

  test("a symlink planted at the namespace folder is refused", () => {
    symlinkSync(tmpdir(), join(out, String(NS)));
    const w = new ArtifactWriter(out, (ns) => ns);
    expect(() => put(w, sample({ data: "x" }))).toThrow(/capture stopped: .* is not a folder/);
  });
});

describe("memory dumps", () => {
  const mem = (offset: number, data: string, total: number) =>
    sample({ type: BLOB_TYPE.mem, dev: 0, id: 1795860322648183781n, offset, total, data });

  test("stay .partial until their last byte arrived, then take their final name", () => {
    const w = new ArtifactWriter(out, (ns) => `stamp${ns}`);
    put(w, mem(0, "abc", 6));
    expect(existsSync(join(out, `${NS}/bin.stamp1795860322648183781.partial`))).toBe(true);
    put(w, mem(3, "def", 6));
    expect(readFileSync(join(out, `${NS}/bin.stamp1795860322648183781`), "utf8")).toBe("abcdef");
    expect(existsSync(join(out, `${NS}/bin.stamp1795860322648183781.partial`))).toBe(false);
    expect(w.close().artifacts[0]).toMatchObject({ kind: "mem", complete: true, rel: `${NS}/bin.stamp1795860322648183781` });
  });

  test("a dump that never completes is left marked .partial", () => {
    const w = new ArtifactWriter(out, (ns) => ns);
    put(w, mem(0, "abc", 16384));
    const a = w.close().artifacts[0];
    expect(a).toMatchObject({ complete: false, rel: `${NS}/bin.1795860322648183781.partial` });
    expect(readFileSync(join(out, a.rel), "utf8")).toBe("abc");
  });
});
