// The chunk loop both decoders share: copy a CPU's perf bytes into the engine's input area, decode, materialise, count.
import {
  R_EVENTS, R_LOST_LO, R_LOST_HI, R_MALFORMED, R_OTHER, R_LAST_ERROR, R_FRAMING, FRAMING_NONE,
  FRAMING_INCOMPLETE,
} from "../../decoder-as/assembly/tables.ts";
import { Materialiser, newStats, type DecodeStats, type EventSink } from "./materialise.ts";

/** One table builder (WASM or plain TS) with the memory layout of docs/wire-format.md §4. */
export interface DecodeEngine {
  /** The memory the offsets refer to (may be replaced when a WASM memory grows). */
  memory(): ArrayBuffer;
  readonly inputPtr: number;
  readonly inputCap: number;
  readonly resultPtr: number;
  readonly eventsPtr: number;
  readonly argsPtr: number;
  /** Decodes the perf records in [ptr, ptr+len) into the tables; returns the bytes consumed. */
  decode(ptr: number, len: number): number;
}

export class ChunkDecoder {
  readonly engine: DecodeEngine;
  /** Cumulative counters since construction. */
  readonly stats: DecodeStats = newStats();
  private mat: Materialiser;
  private u8: Uint8Array;
  private u32: Uint32Array;

  constructor(engine: DecodeEngine) {
    this.engine = engine;
    const buf = engine.memory();
    this.mat = new Materialiser(buf);
    this.u8 = new Uint8Array(buf);
    this.u32 = new Uint32Array(buf, 0, buf.byteLength >>> 2);
  }

  /**
   * Decodes one CPU's chunk of raw perf bytes (whole records, as copied out of the ring) and hands each event to
   * `sink` (pushed onto an array or passed to a callback, which must not throw). Returns the events delivered.
   * A framing error drops the rest of the chunk and counts one error.
   */
  decodeChunk(chunk: Uint8Array, sink: EventSink): number {
    let delivered = 0;
    this.scanChunk(chunk, (mat, evPtr, argPtr, n) => {
      delivered += mat.run(evPtr, argPtr, n, sink, this.stats);
    });
    return delivered;
  }

  /**
   * The chunk loop under decodeChunk: copies the chunk into the engine piece by piece, decodes, counts lost
   * samples and malformed records, and calls `visit` with each piece's tables (n event rows at evPtr, arguments
   * at argPtr). An offset in engine memory plus `delta` is the same byte's offset in `chunk`. The tables are
   * valid only during the call.
   */
  scanChunk(chunk: Uint8Array, visit: (mat: Materialiser, evPtr: number, argPtr: number, n: number, delta: number) => void): void {
    const e = this.engine;
    const stats = this.stats;
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(e.inputCap, chunk.length - off);
      this.refreshViews();
      this.u8.set(n === chunk.length ? chunk : chunk.subarray(off, off + n), e.inputPtr);
      const consumed = e.decode(e.inputPtr, n);
      this.refreshViews();
      const r = e.resultPtr >>> 2;
      const u32 = this.u32;
      stats.lost += u32[r + R_LOST_LO] + u32[r + R_LOST_HI] * 4294967296;
      const malformed = u32[r + R_MALFORMED];
      if (malformed !== 0) {
        stats.malformed += malformed;
        stats.errors += malformed;
        stats.lastError = u32[r + R_LAST_ERROR];
      }
      stats.otherRecords += u32[r + R_OTHER];
      visit(this.mat, e.eventsPtr, e.argsPtr, u32[r + R_EVENTS], off - e.inputPtr);
      const framing = u32[r + R_FRAMING];
      // a record cut by the input area's end is not an error when the chunk goes on
      const more = off + n < chunk.length;
      off += consumed;
      if (framing === FRAMING_INCOMPLETE && more && consumed > 0) continue;
      if (framing !== FRAMING_NONE || consumed === 0) {
        stats.framing++;
        stats.errors++;
        break;
      }
    }
  }

  private refreshViews(): void {
    // a grown WASM memory detaches its old buffer; asking the engine for its memory costs more than this check
    if (this.mat.buffer.byteLength !== 0) return;
    const buf = this.engine.memory();
    if (buf === this.mat.buffer) return;
    this.mat = new Materialiser(buf);
    this.u8 = new Uint8Array(buf);
    this.u32 = new Uint32Array(buf, 0, buf.byteLength >>> 2);
  }
}

export type { DecodeStats, EventSink };
