// Symbolic flag names accepted as argument-filter values (`openat.flags=O_CREAT`), x86-64 values.
import type { Pattern } from "./plan.ts";

/** name -> [mask, value]: an argument matches when (raw & mask) == value. */
type Table = Record<string, [number, number]>;

const bit = (b: number): [number, number] => [b, b];
const O_ACCMODE = 3;

const OPEN: Table = {
  // the access mode is a 2-bit field, not a bit set: O_RDONLY is 0
  O_RDONLY: [O_ACCMODE, 0], O_WRONLY: [O_ACCMODE, 1], O_RDWR: [O_ACCMODE, 2],
  O_CREAT: bit(0o100), O_EXCL: bit(0o200), O_NOCTTY: bit(0o400), O_TRUNC: bit(0o1000), O_APPEND: bit(0o2000),
  O_NONBLOCK: bit(0o4000), O_DSYNC: bit(0o10000), O_ASYNC: bit(0o20000), O_DIRECT: bit(0o40000),
  O_LARGEFILE: bit(0o100000), O_DIRECTORY: bit(0o200000), O_NOFOLLOW: bit(0o400000), O_NOATIME: bit(0o1000000),
  O_CLOEXEC: bit(0o2000000), O_SYNC: bit(0o4010000), O_PATH: bit(0o10000000), O_TMPFILE: bit(0o20200000),
};

const PROT: Table = {
  PROT_NONE: [0xffffffff, 0], PROT_READ: bit(1), PROT_WRITE: bit(2), PROT_EXEC: bit(4), PROT_SEM: bit(8),
  PROT_GROWSDOWN: bit(0x01000000), PROT_GROWSUP: bit(0x02000000),
};

const BY_ARG: Record<string, Table> = {
  "open.flags": OPEN, "openat.flags": OPEN, "security_file_open.flags": OPEN,
  "mmap.prot": PROT, "mprotect.prot": PROT, "pkey_mprotect.prot": PROT,
};

const NAMES = /^[A-Z][A-Z0-9_]*(\|[A-Z][A-Z0-9_]*)*$/;

/**
 * A flags pattern when `text` is a `|`-joined list of names and the argument has a table; null when
 * the value is not written as names; a string error when a name is unknown.
 */
export function flagPattern(event: string, arg: string, text: string): Pattern | null | string {
  const table = BY_ARG[`${event}.${arg}`];
  if (!table || !NAMES.test(text)) return null;
  let mask = 0n, value = 0n;
  for (const name of text.split("|")) {
    const mv = table[name];
    if (!mv) return `unknown flag "${name}" for ${event}.${arg} (known: ${Object.keys(table).join(", ")})`;
    mask |= BigInt(mv[0]);
    value |= BigInt(mv[1]);
  }
  return { kind: "flags", text, mask, value };
}
