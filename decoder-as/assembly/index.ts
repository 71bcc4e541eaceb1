// WASM decoder: walks one CPU's perf records and writes the event and argument tables of docs/wire-format.md §4.
import {
  INPUT_CAP, EVENTS_CAP, ARGS_CAP, RESULT_WORDS, R_EVENTS, R_ARGS, R_LOST_LO, R_LOST_HI, R_MALFORMED, R_OTHER,
  R_LAST_ERROR, R_FRAMING, FRAMING_BAD_SIZE, FRAMING_INCOMPLETE, FRAMING_OUT_OF_MEMORY, PERF_RECORD_LOST,
  PERF_RECORD_SAMPLE, PERF_HEADER_SIZE, PERF_LOST_SIZE, ERR_RECORD_BODY,
} from "./tables";
import { decodeSample, MAX_ENTRIES_PER_SAMPLE, setTables, eventCount, argCount, resetTables } from "./sample";

const result: usize = heap.alloc(RESULT_WORDS << 2);
const input: usize = heap.alloc(INPUT_CAP);
const events: usize = heap.alloc(<usize>EVENTS_CAP << 5);
const args: usize = heap.alloc(<usize>ARGS_CAP << 4);
setTables(events, args);

export function alloc(len: usize): usize { return heap.alloc(len); }
export function resultPtr(): usize { return result; }
export function inputPtr(): usize { return input; }
export function inputCap(): u32 { return INPUT_CAP; }
export function eventsPtr(): usize { return events; }
export function eventsCap(): u32 { return EVENTS_CAP; }
export function argsPtr(): usize { return args; }
export function argsCap(): u32 { return ARGS_CAP; }

function setResult(word: u32, value: u32): void { store<u32>(result + (<usize>word << 2), value); }

/** Decodes the perf records in [ptr, ptr+len); returns the bytes consumed (a record boundary). */
export function decode(ptr: usize, len: usize): u32 {
  for (let w: u32 = 0; w < <u32>RESULT_WORDS; w++) setResult(w, 0);
  resetTables();
  const memEnd = <usize>memory.size() << 16;
  if (ptr > memEnd || len > memEnd - ptr) {
    setResult(R_FRAMING, FRAMING_OUT_OF_MEMORY);
    return 0;
  }
  const end = ptr + len;
  let pos = ptr;
  let lost: u64 = 0;
  let malformed: u32 = 0;
  let other: u32 = 0;
  let lastError: u32 = 0;
  let framing: u32 = 0;
  while (pos < end) {
    if (end - pos < <usize>PERF_HEADER_SIZE) { framing = FRAMING_INCOMPLETE; break; }
    const type = load<u32>(pos);
    const size = <usize>load<u16>(pos, 6);
    if (size < <usize>PERF_HEADER_SIZE || (size & 7) != 0) { framing = FRAMING_BAD_SIZE; break; }
    if (size > end - pos) { framing = FRAMING_INCOMPLETE; break; }
    if (type == PERF_RECORD_SAMPLE) {
      // stop before a sample that might not fit; the caller decodes the rest with empty tables
      if (eventCount() >= <u32>EVENTS_CAP || argCount() > <u32>ARGS_CAP - MAX_ENTRIES_PER_SAMPLE) break;
      const err = decodeSample(pos, size);
      if (err != 0) { malformed++; lastError = err; }
    } else if (type == PERF_RECORD_LOST) {
      if (size < <usize>PERF_LOST_SIZE) { malformed++; lastError = ERR_RECORD_BODY; }
      else lost += load<u64>(pos, 16);
    } else {
      other++;
    }
    pos += size;
  }
  setResult(R_EVENTS, eventCount());
  setResult(R_ARGS, argCount());
  setResult(R_LOST_LO, <u32>lost);
  setResult(R_LOST_HI, <u32>(lost >>> 32));
  setResult(R_MALFORMED, malformed);
  setResult(R_OTHER, other);
  setResult(R_LAST_ERROR, lastError);
  setResult(R_FRAMING, framing);
  return <u32>(pos - ptr);
}
