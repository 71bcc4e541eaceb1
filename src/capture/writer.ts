// Writes capture samples into their artifacts: written files mirror the original offsets (streams are
// appended), memory dumps grow under `.partial` until their last byte arrived. Keeps a bounded set of open fds.
import { writeSync, writevSync } from "node:fs";
import { BLOB_TYPE } from "../events/schema.ts";
import { blobKey, type BlobSample } from "./blob.ts";
import { CaptureIoError, closeQuietly, errText, NsDirs, openArtifact, settle } from "./fsafe.ts";
import { memName, PARTIAL, writeName } from "./names.ts";

const S_IFMT = 0o170000;
const STREAMS = new Set([0o140000, 0o010000, 0o020000]); // socket, FIFO, char device: no offsets, appended
const MAX_GATHER = 64; // samples per pwritev: 1 MiB of 16 KiB chunks (IOV_MAX is 1024)

/** One artifact as the writer knows it; `rel` is its name under the out folder, e.g. `4026531840/bin.17...`. */
export interface Artifact {
  key: string;
  kind: "write" | "mem";
  rel: string;
  mntNs: number;
  dev: number;
  inode: string;
  bytes: number;
  /** mem: size of the whole dump; complete once `bytes` reaches it */
  total: number;
  complete: boolean;
}

interface Open extends Artifact { fd: number; append: boolean; path: string }

export interface WriterSummary { artifacts: Artifact[]; samples: number; bytes: number }

export class ArtifactWriter {
  private readonly dirs: NsDirs;
  private readonly all = new Map<string, Open>();
  /** Open fds in least-recently-used order (a Map keeps insertion order). */
  private readonly lru = new Map<string, Open>();
  private samples = 0;
  private bytes = 0;
  private pend: { a: Open; pos: number; bufs: Uint8Array[]; bytes: number } | null = null;

  /** `stamp` turns a time in ns since boot (decimal text) into the text events show as their timestamp. */
  constructor(readonly out: string, private readonly stamp: (ns: string) => string, private readonly maxOpen = 64) {
    this.dirs = new NsDirs(out);
  }

  /**
   * Takes one sample; contiguous samples of one artifact are gathered and written with one pwritev at
   * flush(). The sample's data must stay valid until flush(). Throws CaptureIoError (the artifact left
   * marked) when the disk refuses bytes.
   */
  write(s: BlobSample): void {
    const key = blobKey(s.type, s.mntNs, s.dev, s.pid, s.id);
    let a = this.all.get(key);
    if (!a) a = this.create(key, s);
    if (a.kind === "mem" && a.complete) return; // a duplicate of a finished dump cannot arrive; ignore defensively
    const p = this.pend;
    if (p && p.a === a && (a.append || p.pos + p.bytes === s.offset) && p.bufs.length < MAX_GATHER) {
      p.bufs.push(s.data);
      p.bytes += s.data.length;
    } else {
      this.flush();
      this.pend = { a, pos: s.offset, bufs: [s.data], bytes: s.data.length };
    }
    this.samples++;
  }

  /** Writes what write() gathered; call before the samples' memory is reused. */
  flush(): void {
    const p = this.pend;
    if (!p) return;
    this.pend = null;
    const a = p.a;
    if (a.fd < 0) this.reopen(a);
    else this.touch(a);
    try {
      const done = writevSync(a.fd, p.bufs, a.append ? null : p.pos);
      if (done < p.bytes) {
        // a short write: the rest buffer by buffer, from where it stopped
        let at = 0;
        for (const b of p.bufs) {
          for (let off = Math.max(0, done - at); off < b.length; ) {
            off += writeSync(a.fd, b, off, b.length - off, a.append ? null : p.pos + at + off);
          }
          at += b.length;
        }
      }
    } catch (e) {
      this.fail(a, e);
    }
    a.bytes += p.bytes;
    this.bytes += p.bytes;
    if (a.kind === "mem" && a.bytes >= a.total) this.finishDump(a);
  }

  private create(key: string, s: BlobSample): Open {
    let dir: string;
    try {
      dir = this.dirs.dir(s.mntNs);
    } catch (e) {
      throw new CaptureIoError(`capture stopped: ${(e as Error).message}`);
    }
    const mem = s.type === BLOB_TYPE.mem;
    const name = mem ? memName(this.stamp(s.id)) : writeName(s.dev, s.id, s.pid);
    const rel = `${s.mntNs}/${name}`;
    const a: Open = {
      key, kind: mem ? "mem" : "write", rel, mntNs: s.mntNs, dev: s.dev, inode: mem ? "" : s.id, bytes: 0,
      total: mem ? s.total : 0, complete: !mem, fd: -1, append: !mem && STREAMS.has(s.mode & S_IFMT),
      path: `${dir}/${name}${mem ? PARTIAL : ""}`,
    };
    this.all.set(key, a);
    return a;
  }

  private reopen(a: Open): void {
    try {
      a.fd = openArtifact(a.path, a.append);
    } catch (e) {
      throw new CaptureIoError(`capture stopped: opening ${a.path}: ${errText(e)}`);
    }
    this.lru.set(a.key, a);
    if (this.lru.size > this.maxOpen) {
      const [oldest] = this.lru.values();
      this.lru.delete(oldest.key);
      closeQuietly(oldest.fd);
      oldest.fd = -1;
    }
  }

  private touch(a: Open): void {
    this.lru.delete(a.key);
    this.lru.set(a.key, a);
  }

  private finishDump(a: Open): void {
    this.closeFd(a);
    const final = a.path.slice(0, -PARTIAL.length);
    if (!settle(a.path, final)) throw new CaptureIoError(`capture stopped: renaming ${a.path}: it was removed`);
    a.path = final;
    a.complete = true;
  }

  /** Marks the artifact as incomplete (`.partial`) and stops with one clear error. */
  private fail(a: Open, e: unknown): never {
    const path = a.path;
    this.closeFd(a);
    if (a.kind === "write") {
      if (settle(a.path, a.path + PARTIAL)) {
        a.path += PARTIAL;
        a.rel += PARTIAL;
      }
      a.complete = false;
    }
    const kept = a.path.endsWith(PARTIAL) ? ` (kept as ${a.path.slice(a.path.lastIndexOf("/") + 1)})` : "";
    throw new CaptureIoError(`capture stopped: writing ${path}: ${errText(e)}${kept}; tracing goes on`);
  }

  private closeFd(a: Open): void {
    if (a.fd >= 0) closeQuietly(a.fd);
    a.fd = -1;
    this.lru.delete(a.key);
  }

  /** Flushes and closes every fd; dumps still waiting for bytes stay `.partial`. */
  close(): WriterSummary {
    this.flush();
    for (const a of this.all.values()) {
      this.closeFd(a);
      if (a.kind === "mem" && !a.complete) a.rel = `${a.mntNs}/${a.path.slice(a.path.lastIndexOf("/") + 1)}`;
    }
    return {
      artifacts: [...this.all.values()].map(({ fd: _f, append: _a, path: _p, ...rest }) => rest),
      samples: this.samples,
      bytes: this.bytes,
    };
  }
}
