// Where printed events and end-of-run text go: stdout/stderr or a file (parent folders created), written in batches.
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { UsageError } from "../errors.ts";

export class Sink {
  private readonly fd: number;
  private readonly owned: boolean;
  /** Set once the reader went away (EPIPE): further writes are dropped and tracing should stop. */
  closedByReader = false;

  constructor(path: string | null, fallbackFd: 1 | 2) {
    if (!path) {
      this.fd = fallbackFd;
      this.owned = false;
      return;
    }
    if (existsSync(path) && statSync(path).isDirectory()) {
      throw new UsageError(`cannot write events to ${path}: it is a folder; give a file path`);
    }
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "w", 0o640);
    this.owned = true;
  }

  write(text: string): void {
    if (!text || this.closedByReader) return;
    this.writeBytes(Buffer.from(text, "utf8"));
  }

  writeBytes(buf: Uint8Array): void {
    if (!buf.length || this.closedByReader) return;
    let off = 0;
    try {
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EPIPE") this.closedByReader = true;
      else if ((e as NodeJS.ErrnoException).code === "EAGAIN") this.writeBytes(buf.subarray(off));
      else throw e;
    }
  }

  close(): void {
    if (this.owned) closeSync(this.fd);
  }
}
