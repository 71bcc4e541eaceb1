// The main thread's event path: staged ring bytes -> decoder tables -> ordering window -> printer -> sink. Events a
// raw printer can write are printed straight from their staged bytes; the others become TraceEvent objects.
import { EV_WORDS, EV_OFFSET, EV_TS_SEC, EV_TS_NSEC, EV_ID } from "../../decoder-as/assembly/tables.ts";
import type { ChunkDecoder } from "../decode/chunk-decoder.ts";
import { ROW_OTHER, type Materialiser } from "../decode/materialise.ts";
import { u64From } from "../decode/int64.ts";
import type { ContainerTracker } from "../containers/tracker.ts";
import { CTX } from "../events/gen/events.ts";
import { EventId } from "../events/gen/events.ts";
import { CTX_FLAG, MAX_EVENT_ID } from "../events/schema.ts";
import type { TraceEvent } from "../events/types.ts";
import { OutBuf } from "../output/out-buf.ts";
import type { Printer, Stats } from "../output/printer.ts";
import { rawJsonInto } from "../output/raw-json.ts";
import { rawTableInto } from "../output/raw-table.ts";
import type { EventClock } from "../output/time.ts";
import type { RingBatch } from "../tracer/poller-protocol.ts";
import { byTime, EventSlots, OrderWindow } from "./order.ts";
import { Samples, W } from "./samples.ts";

/** A printer that writes from staged bytes: the default table, or json without parse-arguments. */
export type RawFormat = "json" | "table";

export interface PipelineOptions {
  decoder: ChunkDecoder;
  printer: Printer;
  /** Raw printer for events whose arguments it can write; null prints every event through TraceEvent objects. */
  raw: RawFormat | null;
  clock: EventClock;
  /** Event ids to print (the others are bookkeeping or chosen only for the kernel's sake). */
  print: Set<number>;
  /** User-space filters; must accept every event when `raw` is set (raw events are not offered to it). */
  accept: (ev: TraceEvent) => boolean;
  /** Enrichment of decoded events before printing (exec hashes, stacks): only without `raw`. */
  enrich: ((ev: TraceEvent) => void) | null;
  tracker: ContainerTracker | null;
  /**
   * Sees every decoded event of a batch on arrival, in time order across the batch's chunks, before the ordering
   * window holds it back (capture: a process whose binary is copied may exit any moment); needs `raw` null.
   */
  arrival?: ((ev: TraceEvent) => void) | null;
  stats: Stats;
  /** Writes one batch's printed bytes; `fail` gets the message of an event the printer could not print. */
  write: (bytes: Uint8Array) => void;
  fail: (message: string) => void;
  /** Events are held this long after the rings were drained past them, to come out in timestamp order. */
  windowNs: number;
}

const BOOKKEEPING = CTX_FLAG.bookkeeping;
/** Printed bytes are written out in pieces of about this size: the buffer's pages stay few and warm. */
const FLUSH_BYTES = 256 << 10;
/** Events the container table reads the arguments of: always decoded into objects. */
const TRACKER_EVENTS = [EventId.cgroup_mkdir, EventId.cgroup_rmdir];

export class EventPipeline {
  /** Events decoded but not printed because they are bookkeeping only, or dropped by user-space filters. */
  bookkeeping = 0;
  droppedInUser = 0;
  /** Called after each batch was written (e.g. to flush stacks). */
  afterBatch: (() => void) | null = null;
  private readonly slots = new EventSlots();
  private readonly order: OrderWindow;
  private readonly out = new OutBuf();
  private readonly printable = new Uint8Array(MAX_EVENT_ID + 1);
  private readonly asObject = new Uint8Array(MAX_EVENT_ID + 1);
  private samples: Samples | null = null;
  /** Batches whose staged bytes raw events still point into, oldest first: [sequence, raw events not printed, release]. */
  private readonly batches: { seq: number; remaining: number; release: (() => void) | null }[] = [];
  private nextSeq = 0;
  private batchRaw = 0;
  private batchSeq = 0;
  private batchBase = 0;
  /** Set while warming up: nothing is written and the container table is not asked about made-up cgroups. */
  private discard = false;
  private readonly visit: (mat: Materialiser, evPtr: number, argPtr: number, n: number, delta: number) => void;
  // the options, as fields in one fixed order: the object literals callers pass have shapes of their own, and the
  // compiled event path should not depend on which literal built this pipeline (see warm-up.ts)
  private readonly decoder: ChunkDecoder;
  private readonly printer: Printer;
  readonly raw: RawFormat | null;
  private readonly clock: EventClock;
  private readonly accept: (ev: TraceEvent) => boolean;
  private readonly enrich: ((ev: TraceEvent) => void) | null;
  private readonly tracker: ContainerTracker | null;
  private readonly arrival: ((ev: TraceEvent) => void) | null;
  private readonly arrived: TraceEvent[] = [];
  private readonly containerOf: (cgroupId: number | bigint, hostPid: number) => string;
  private readonly stats: Stats;
  private readonly write: (bytes: Uint8Array) => void;
  private readonly fail: (message: string) => void;

  constructor(o: PipelineOptions) {
    this.decoder = o.decoder;
    this.printer = o.printer;
    this.raw = o.raw;
    this.clock = o.clock;
    this.accept = o.accept;
    this.enrich = o.enrich;
    const tracker = (this.tracker = o.tracker);
    this.arrival = o.arrival ?? null;
    if (o.arrival && o.raw !== null) throw new Error("an arrival hook needs every event as an object (raw: null)");
    this.containerOf = tracker ? (id, pid) => tracker.containerOf(id, pid) : () => "";
    this.stats = o.stats;
    this.write = o.write;
    this.fail = o.fail;
    this.order = new OrderWindow(this.slots, o.windowNs);
    for (const id of o.print) if (id >= 0 && id <= MAX_EVENT_ID) this.printable[id] = 1;
    for (const id of TRACKER_EVENTS) this.asObject[id] = 1;
    this.visit = (mat, evPtr, argPtr, n, delta) => this.ingest(mat, evPtr, argPtr, n, delta);
  }

  /**
   * Runs `batches` batches of made-up records (warm-up.ts) through this very pipeline, so that what the engine
   * compiles is specialised to its real callbacks; nothing is written and every counter is left as it was.
   */
  warmUp(records: { bytes: Uint8Array; ids: number[] }, batches: number): void {
    const saved = { ...this.stats }, decoded = { ...this.decoder.stats };
    const counts = [this.bookkeeping, this.droppedInUser, this.order.late];
    const printable = this.printable.slice();
    for (const id of records.ids) this.printable[id] = 1;
    this.discard = true;
    try {
      const hold = () => () => {};
      for (let b = 0; b < batches; b++) {
        // the same bytes each time: the window lets them go as soon as the next batch's drain time has passed them
        this.onBatch({ chunks: [{ ring: 0, bytes: records.bytes }], drainNs: Number.MAX_SAFE_INTEGER, hold });
      }
      this.finish();
    } finally {
      this.discard = false;
      this.printable.set(printable);
      Object.assign(this.stats, saved);
      Object.assign(this.decoder.stats, decoded);
      [this.bookkeeping, this.droppedInUser, this.order.late] = counts;
    }
  }

  /** Takes in one drained batch and prints what the ordering window releases. */
  onBatch(batch: RingBatch): void {
    this.tracker?.expire();
    this.batchSeq = this.nextSeq++;
    this.batchRaw = 0;
    for (const c of batch.chunks) {
      if (this.raw !== null && (this.samples === null || this.samples.buffer !== c.bytes.buffer)) this.samples = new Samples(c.bytes.buffer);
      this.batchBase = c.bytes.byteOffset;
      this.order.startRun();
      this.decoder.scanChunk(c.bytes, this.visit);
    }
    if (this.arrival !== null && this.arrived.length) {
      const evs = this.arrived.sort(byTime);
      for (const ev of evs) this.arrival(ev);
      evs.length = 0;
    }
    this.batches.push({ seq: this.batchSeq, remaining: this.batchRaw, release: this.batchRaw ? batch.hold() : null });
    this.releaseDone();
    this.emit(this.order.push(batch.drainNs));
  }

  /** Prints everything still held (at the end of the stream). */
  finish(): void {
    this.emit(this.order.flush());
  }

  /** Events that came out after a later one had (syscalls that outlived the window). */
  get late(): number {
    return this.order.late;
  }

  private ingest(mat: Materialiser, evPtr: number, argPtr: number, n: number, delta: number): void {
    const stats = this.decoder.stats, slots = this.slots, order = this.order, tracker = this.tracker;
    const u32 = mat.u32;
    const raw = this.raw !== null;
    for (let i = 0; i < n; i++) {
      const e = (evPtr >>> 2) + i * EV_WORDS;
      const kind = raw ? mat.check(evPtr, argPtr, i, stats) : ROW_OTHER;
      if (kind < 0) continue;
      const id = u32[e + EV_ID];
      let slot: number;
      if (kind === ROW_OTHER || this.asObject[id] === 1) {
        const ev = mat.row(evPtr, argPtr, i, stats);
        if (ev === null) continue;
        if (!this.discard) {
          tracker?.observe(ev);
          if (this.arrival !== null) this.arrived.push(ev);
        }
        slot = slots.alloc();
        slots.obj[slot] = ev;
        slots.sec[slot] = ev.tsSec;
        slots.nsec[slot] = ev.tsNsec;
      } else {
        const off = u32[e + EV_OFFSET];
        slot = slots.alloc();
        slots.sec[slot] = u32[e + EV_TS_SEC];
        slots.nsec[slot] = u32[e + EV_TS_NSEC];
        slots.off[slot] = off + delta + this.batchBase;
        slots.batch[slot] = this.batchSeq;
        const w = off >>> 2;
        slots.container[slot] = this.discard ? "" : this.containerOf(u64From(u32[w + W.cgroup], u32[w + W.cgroup + 1]), u32[w + W.hostPid]);
        this.batchRaw++;
      }
      stats.events++;
      order.add(slot);
    }
  }

  private emit(n: number): void {
    const slots = this.slots, buf = this.out, stats = this.stats, clock = this.clock;
    const list = this.order.out;
    buf.reset();
    for (let k = 0; k < n; k++) {
      const slot = list[k];
      const ev = slots.obj[slot];
      if (ev !== null) {
        slots.release(slot);
        if ((ev.flags & BOOKKEEPING) !== 0) {
          this.bookkeeping++;
          continue;
        }
        if (this.printable[ev.eventId] !== 1 || !this.accept(ev)) {
          this.droppedInUser++;
          continue;
        }
        if (this.enrich) this.enrich(ev);
        const at = buf.off;
        try {
          const printer = this.printer;
          if (printer.eventInto) printer.eventInto(ev, buf);
          else buf.utf8(printer.event(ev));
          stats.EventCount++;
        } catch (e) {
          // a template that fails on one event: report it, count it, go on with the next
          buf.off = at;
          stats.ErrorCount++;
          this.fail((e as Error).message);
        }
        continue;
      }
      const s = this.samples!;
      const off = slots.off[slot];
      if ((s.u8[off + CTX.flags] & BOOKKEEPING) !== 0) this.bookkeeping++;
      else if (this.printable[s.u32[(off >>> 2) + W.eventId]] !== 1) this.droppedInUser++;
      else {
        if (this.raw === "json") rawJsonInto(buf, s, off, slots.sec[slot], slots.nsec[slot], slots.container[slot], clock);
        else rawTableInto(buf, s, off, slots.sec[slot], slots.nsec[slot], clock);
        stats.EventCount++;
      }
      this.printedRaw(slots.batch[slot]);
      slots.release(slot);
      if (buf.off >= FLUSH_BYTES) this.flushOut();
    }
    this.afterBatch?.();
    this.flushOut();
  }

  private flushOut(): void {
    const buf = this.out;
    if (buf.off && !this.discard) this.write(buf.buf.subarray(0, buf.off));
    buf.reset();
  }

  /** One more raw event of batch `seq` is out; staged bytes go back in order once their batches are done. */
  private printedRaw(seq: number): void {
    const q = this.batches;
    q[seq - q[0].seq].remaining--;
    this.releaseDone();
  }

  private releaseDone(): void {
    const q = this.batches;
    while (q.length && q[0].remaining === 0) q.shift()!.release?.();
  }
}
