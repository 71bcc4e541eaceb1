// The shape of a parsed `--trace` command line: what to load, what to print and how to filter.

/** off: no expression for that field; in: only `=` values; out: anything else (reference §6.1). */
export type Mode = "off" | "in" | "out";

/**
 * A numeric filter. Kernel algorithm for a key: a key in `equal` gets its verdict (true = pass);
 * otherwise IN mode drops; otherwise `lt` drops keys >= lt and `gt` drops keys <= gt.
 * `lt`/`gt` are exclusive bounds, null when not set; `lt = 0n` therefore passes no key.
 */
export interface NumFilter {
  mode: Mode;
  equal: Map<bigint, boolean>;
  lt: bigint | null;
  gt: bigint | null;
}

/** A string filter (uts, comm): the same algorithm without bounds. */
export interface StrFilter {
  mode: Mode;
  equal: Map<string, boolean>;
}

/** `tree=`/`tree!=`: roots are host PIDs; IN as soon as one `=` root exists, so `!=` carves holes. */
export interface TreeFilter {
  mode: Mode;
  roots: Map<number, boolean>;
}

/** How one value of an argument filter matches the `%v` text or the raw number of an argument. */
export type Pattern =
  | { kind: "exact" | "prefix" | "suffix" | "contains"; text: string }
  | { kind: "flags"; text: string; mask: bigint; value: bigint }; // (raw & mask) == value

/** `EVENT.ARG=V` / `EVENT.ARG!=V` expressions on one (event, argument), accumulated. */
export interface ArgFilter {
  eventId: number;
  event: string;
  arg: string;
  mode: "in" | "out";
  equal: Pattern[];
  notEqual: Pattern[];
}

/** `EVENT.retval<op>V` expressions on one event, accumulated; signed int64 values. */
export interface RetFilter {
  eventId: number;
  event: string;
  filter: NumFilter;
}

export interface TracePlan {
  /** Every event id the kernel must produce (print ∪ essential), ascending. */
  events: number[];
  /** Events the user asked for: submitted and printed. */
  print: Set<number>;
  /** Events loaded for internal bookkeeping whether or not they are printed. */
  essential: Set<number>;
  /** True when no event=/set=/argument filter chose events and the `default` set was used. */
  defaultSet: boolean;
  kernel: {
    uid: NumFilter;
    pid: NumFilter; // host TID
    mntns: NumFilter;
    pidns: NumFilter;
    uts: StrFilter;
    comm: StrFilter;
  };
  bools: {
    container: Mode;
    pidNew: Mode;
    containerNew: Mode;
    follow: Mode; // only ever "in"
  };
  tree: TreeFilter;
  /** `container=<id prefix>` values, lower-case hex; matched in user space against the container id. */
  containerIds: string[];
  args: ArgFilter[];
  retvals: RetFilter[];
  /** Accepted but ignored expressions (`set!=`), for the caller to log. */
  warnings: string[];
}

export const U32_MAX = 0xffffffffn;
export const U64_MAX = 0xffffffffffffffffn;
export const I64_MIN = -(1n << 63n);
export const I64_MAX = (1n << 63n) - 1n;

export const numFilter = (): NumFilter => ({ mode: "off", equal: new Map(), lt: null, gt: null });
export const strFilter = (): StrFilter => ({ mode: "off", equal: new Map() });
