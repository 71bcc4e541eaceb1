// Where printed events and end-of-run text go: stdout/stderr or a file (parent folders created), written without
// ever blocking the event loop, so that a stalled reader neither freezes signal handling nor grows memory unseen.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, statSync, writeSync, type Stats } from "node:fs";
import { setNonBlocking } from "../../ffi/libc.ts";
import { dirname } from "node:path";
import { UsageError } from "../errors.ts";

const encoder = new TextEncoder();
const scratch = new Uint8Array(1 << 20);
const RETRY_MIN_MS = 1;
const RETRY_MAX_MS = 50;

/**
 * A copy of bytes[from..]: callers pass views of buffers they reuse for the next batch, and Buffer#slice would
 * return another view of the same memory (a queued batch would then be overwritten before it is written).
 */
function copyOf(bytes: Uint8Array, from: number): Uint8Array {
  const c = new Uint8Array(bytes.length - from);
  c.set(bytes.subarray(from));
  return c;
}

export class Sink {
  private readonly fd: number;
  private readonly owned: boolean;
  private readonly name: string;
  /** Bytes a full pipe did not take yet, in order; the first may be partly written (`headOff`). */
  private queue: Uint8Array[] = [];
  private headOff = 0;
  private queued = 0;
  private waiters: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = RETRY_MIN_MS;
  /** Set once the reader went away (EPIPE): further writes are dropped and tracing should stop. */
  closedByReader = false;
  /** A write error other than EPIPE (disk full, I/O error): tracing should stop and report it. */
  error: Error | null = null;
  /** Bytes given after a write error that never reached the file (reported with the error). */
  lostBytes = 0;
  /** Puts back the descriptor's flags (when this sink made a pipe non-blocking). */
  private restoreFlags: (() => void) | null = null;

  constructor(path: string | null, fallbackFd: 1 | 2) {
    if (!path) {
      this.fd = fallbackFd;
      this.owned = false;
      this.name = fallbackFd === 1 ? "stdout" : "stderr";
      // A pipe or socket is made non-blocking, as Bun does for the process.stdout/stderr streams it makes (which a
      // session does not create): a full pipe then refuses bytes (queued here) instead of freezing the event loop.
      // The flag belongs to the pipe, which the shell may hand to the next command: it is put back at close or exit.
      let st: Stats | null = null;
      try {
        st = fstatSync(fallbackFd);
      } catch {
        // closed: writes fail and are reported like any other
      }
      if (st && (st.isFIFO() || st.isSocket())) {
        this.restoreFlags = setNonBlocking(fallbackFd);
        process.once("exit", this.restoreFlags);
      }
      return;
    }
    Sink.check(path);
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "w", 0o640);
    this.owned = true;
    this.name = path;
  }

  /** Refuses, as a usage error, an output path that cannot be a file. */
  static check(path: string | undefined): void {
    if (path && existsSync(path) && statSync(path).isDirectory()) {
      throw new UsageError(`cannot write to ${path}: it is a folder; give a file path`);
    }
  }

  /** Bytes accepted but not yet written. */
  get pending(): number {
    return this.queued;
  }

  /** Writes what the descriptor takes now and queues the rest (pipes are non-blocking, see the constructor). */
  write(text: string): void {
    if (text.length === 0 || this.closedByReader) return;
    // Encode through one reused buffer: a fresh Buffer per batch is garbage the GC collects late, which shows as
    // hundreds of MiB of resident memory under load. Only bytes a full pipe refuses are copied and queued.
    let rest = text;
    while (rest.length && !this.closedByReader) {
      const { read, written } = encoder.encodeInto(rest, scratch);
      rest = read === rest.length ? "" : rest.slice(read);
      this.writeBytes(scratch.subarray(0, written));
    }
  }

  /** The same for bytes a printer wrote into its own buffer; they are copied only when they must be queued. */
  writeBytes(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.closedByReader) return;
    if (this.error) {
      this.lostBytes += bytes.length;
      return;
    }
    if (this.queued > 0) {
      this.enqueue(copyOf(bytes, 0));
      return;
    }
    const n = this.writeSome(bytes, 0);
    if (this.error) this.lostBytes += bytes.length - n;
    if (this.closedByReader || this.error) return;
    if (n < bytes.length) {
      this.enqueue(copyOf(bytes, n));
      this.schedule();
    }
  }

  private enqueue(bytes: Uint8Array): void {
    this.queue.push(bytes);
    this.queued += bytes.length;
  }

  /** Resolves once every queued byte is written (or can never be: reader gone, write error). */
  drained(): Promise<void> {
    if (this.queued === 0 || this.closedByReader || this.error) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.owned) closeSync(this.fd);
    if (this.restoreFlags) {
      process.off("exit", this.restoreFlags);
      this.restoreFlags();
      this.restoreFlags = null;
    }
  }

  /** Writes from `buf[off]` until done or the descriptor is full; returns the offset reached. */
  private writeSome(buf: Uint8Array, off: number): number {
    try {
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EPIPE") this.closedByReader = true;
      else if (code !== "EAGAIN" && code !== "EINTR") this.error = new Error(`writing to ${this.name} failed: ${(e as Error).message}`);
    }
    return off;
  }

  private flush(): void {
    this.timer = null;
    let progressed = false;
    while (this.queue.length && !this.closedByReader && !this.error) {
      const head = this.queue[0];
      const n = this.writeSome(head, this.headOff);
      progressed ||= n > this.headOff;
      this.queued -= n - this.headOff;
      if (n < head.length) {
        this.headOff = n;
        break;
      }
      this.queue.shift();
      this.headOff = 0;
    }
    if (this.closedByReader || this.error) {
      if (this.error) this.lostBytes += this.queued;
      this.queue = [];
      this.queued = 0;
    }
    if (this.queued === 0) {
      for (const w of this.waiters.splice(0)) w();
      return;
    }
    // Back off while the reader is stalled, to not wake up hundreds of times a second for nothing.
    this.retryMs = progressed ? RETRY_MIN_MS : Math.min(RETRY_MAX_MS, this.retryMs * 2);
    this.schedule();
  }

  private schedule(): void {
    if (!this.timer) this.timer = setTimeout(() => this.flush(), this.retryMs);
  }
}
