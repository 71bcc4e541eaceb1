// The main thread's event path: staged ring bytes -> decoder tables -> ordering window -> printer -> sink. Events a
// raw printer can write are printed straight from their staged bytes; the others become TraceEvent objects.
import { EV_WORDS, EV_OFFSET, EV_TS_SEC, EV_TS_NSEC, EV_ID } from "../../decoder-as/assembly/tables.ts";
import type { ChunkDecoder } from "../decode/chunk-decoder.ts";
import { ROW_OTHER, type Materialiser } from "../decode/materialise.ts";
import { u64From } from "../decode/int64.ts";
import type { ContainerTracker } from "../containers/tracker.ts";
import { CTX } from "../events/gen/events.ts";
import { EventId } from "../events/gen/events.ts";
import { CTX_FLAG, EVENTS } from "../events/schema.ts";
import type { TraceEvent } from "../events/types.ts";
import { OutBuf } from "../output/out-buf.ts";
import type { Printer, Stats } from "../output/printer.ts";
import { rawJsonInto } from "../output/raw-json.ts";
import { rawTableInto } from "../output/raw-table.ts";
import type { EventClock } from "../output/time.ts";
import type { RingBatch } from "../tracer/poller-protocol.ts";
import { EventSlots, OrderWindow } from "./order.ts";
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
  stats: Stats;
  /** Writes one batch's printed bytes; `fail` gets the message of an event the printer could not print. */
  write: (bytes: Uint8Array) => void;
  fail: (message: string) => void;
  /** Events are held this long after the rings were drained past them, to come out in timestamp order. */
  windowNs: number;
}

const BOOKKEEPING = CTX_FLAG.bookkeeping;
const MAX_ID = Math.max(...EVENTS.map((e) => e.id));
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
  private readonly printable = new Uint8Array(MAX_ID + 1);
  private readonly asObject = new Uint8Array(MAX_ID + 1);
  private samples: Samples | null = null;
  /** Batches whose staged bytes raw events still point into, oldest first: [sequence, raw events not printed, release]. */
  private readonly batches: { seq: number; remaining: number; release: (() => void) | null }[] = [];
  private nextSeq = 0;
  private batchRaw = 0;
  private batchSeq = 0;
  private batchBase = 0;
  private readonly visit: (mat: Materialiser, evPtr: number, argPtr: number, n: number, delta: number) => void;

  constructor(private readonly o: PipelineOptions) {
    this.order = new OrderWindow(this.slots, o.windowNs);
    for (const id of o.print) if (id >= 0 && id <= MAX_ID) this.printable[id] = 1;
    for (const id of TRACKER_EVENTS) this.asObject[id] = 1;
    this.visit = (mat, evPtr, argPtr, n, delta) => this.ingest(mat, evPtr, argPtr, n, delta);
  }

  /** Takes in one drained batch and prints what the ordering window releases. */
  onBatch(batch: RingBatch): void {
    this.o.tracker?.expire();
    this.batchSeq = this.nextSeq++;
    this.batchRaw = 0;
    for (const c of batch.chunks) {
      if (this.o.raw !== null && (this.samples === null || this.samples.buffer !== c.bytes.buffer)) this.samples = new Samples(c.bytes.buffer);
      this.batchBase = c.bytes.byteOffset;
      this.order.startRun();
      this.o.decoder.scanChunk(c.bytes, this.visit);
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
    const o = this.o, stats = o.decoder.stats, slots = this.slots, order = this.order;
    const u32 = mat.u32;
    const raw = o.raw !== null;
    for (let i = 0; i < n; i++) {
      const e = (evPtr >>> 2) + i * EV_WORDS;
      const kind = raw ? mat.check(evPtr, argPtr, i, stats) : ROW_OTHER;
      if (kind < 0) continue;
      const id = u32[e + EV_ID];
      let slot: number;
      if (kind === ROW_OTHER || this.asObject[id] === 1) {
        const ev = mat.row(evPtr, argPtr, i, stats);
        if (ev === null) continue;
        o.tracker?.observe(ev);
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
        if (o.tracker !== null) {
          const w = off >>> 2;
          slots.container[slot] = o.tracker.containerOf(u64From(u32[w + W.cgroup], u32[w + W.cgroup + 1]), u32[w + W.hostPid]);
        } else slots.container[slot] = "";
        this.batchRaw++;
      }
      stats.events++;
      order.add(slot);
    }
  }

  private emit(n: number): void {
    const o = this.o, slots = this.slots, buf = this.out, stats = o.stats;
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
        if (this.printable[ev.eventId] !== 1 || !o.accept(ev)) {
          this.droppedInUser++;
          continue;
        }
        if (o.enrich) o.enrich(ev);
        const at = buf.off;
        try {
          if (o.printer.eventInto) o.printer.eventInto(ev, buf);
          else buf.utf8(o.printer.event(ev));
          stats.EventCount++;
        } catch (e) {
          // a template that fails on one event: report it, count it, go on with the next
          buf.off = at;
          stats.ErrorCount++;
          o.fail((e as Error).message);
        }
        continue;
      }
      const s = this.samples!;
      const off = slots.off[slot];
      if ((s.u8[off + CTX.flags] & BOOKKEEPING) !== 0) this.bookkeeping++;
      else if (this.printable[s.u32[(off >>> 2) + W.eventId]] !== 1) this.droppedInUser++;
      else {
        if (o.raw === "json") rawJsonInto(buf, s, off, slots.sec[slot], slots.nsec[slot], slots.container[slot], o.clock);
        else rawTableInto(buf, s, off, slots.sec[slot], slots.nsec[slot], o.clock);
        stats.EventCount++;
      }
      this.printedRaw(slots.batch[slot]);
      slots.release(slot);
    }
    this.afterBatch?.();
    if (buf.off) o.write(buf.buf.subarray(0, buf.off));
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
