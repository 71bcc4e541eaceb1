// Layout of the decoder's output tables (docs/wire-format.md §4), written in the TypeScript subset that
// AssemblyScript also compiles, so the WASM decoder and src/decode/ import this one file.

/** Capacities, allocated once at start so memory never grows during decode. */
export const INPUT_CAP = 8 << 20;
export const EVENTS_CAP = 65536;
export const ARGS_CAP = 262144;

/** Result block: RESULT_WORDS x u32. */
export const RESULT_WORDS = 16;
export const R_EVENTS = 0;
export const R_ARGS = 1;
export const R_LOST_LO = 2;
export const R_LOST_HI = 3;
export const R_MALFORMED = 4;
export const R_OTHER = 5;
export const R_LAST_ERROR = 6;
export const R_FRAMING = 7;

/** Values of R_FRAMING. */
export const FRAMING_NONE = 0;
export const FRAMING_BAD_SIZE = 1; // size < 8 or not a multiple of 8
export const FRAMING_INCOMPLETE = 2; // the record (or its header) runs past the end of the bytes given
export const FRAMING_OUT_OF_MEMORY = 3; // [ptr, ptr+len) is not inside the module's memory

/** Event table: EV_WORDS x u32 per event. */
export const EV_WORDS = 8;
export const EV_OFFSET = 0;
export const EV_LENGTH = 1;
export const EV_FIRST_ARG = 2;
export const EV_ARG_COUNT = 3;
export const EV_TS_SEC = 4;
export const EV_TS_NSEC = 5;
export const EV_ID = 6;
export const EV_FLAGS = 7;
export const EV_FLAG_TRUNCATED = 1;

/** Argument table: ARG_WORDS x u32 per entry. */
export const ARG_WORDS = 4;
export const A_INFO = 0;
export const A_OFFSET = 1;
export const A_LENGTH = 2;
export const A_COUNT = 3;
export const INFO_INDEX_MASK = 0xff;
export const INFO_TYPE_SHIFT = 8;
export const INFO_TRUNCATED = 1 << 16;
export const INFO_ELEMENT = 1 << 17;

/** Perf record types the decoder reads. */
export const PERF_RECORD_LOST = 2;
export const PERF_RECORD_SAMPLE = 9;
export const PERF_HEADER_SIZE = 8;
export const PERF_LOST_SIZE = 24;

/** Malformed-sample error codes (R_LAST_ERROR). */
export const ERR_SHORT_SAMPLE = 1;
export const ERR_ARGNUM = 2;
export const ERR_ARG_HEADER = 3;
export const ERR_WIRE_TYPE = 4;
export const ERR_PAYLOAD = 5;
export const ERR_LIMIT = 6;
export const ERR_INDEX_ORDER = 7;
export const ERR_RECORD_BODY = 8;

/** Flag on a length/count word: the kernel cut the value short. */
export const TRUNCATED_BIT = 0x80000000;
export const LENGTH_MASK = 0x7fffffff;
