// The main-thread event path: the raw printers write exactly what the object printers write, in the same order,
// with the same counts, and staged bytes are handed back in order once their events are out.
import { expect, test } from "bun:test";
import { EVENTS, CTX_FLAG, type ArgTypeName } from "../../src/events/schema.ts";
import { PlainDecoder } from "../../src/decode/plain-ts.ts";
import { createPrinter } from "../../src/output/create.ts";
import { parseOutputOptions } from "../../src/output/options.ts";
import { EventClock } from "../../src/output/time.ts";
import type { Stats } from "../../src/output/printer.ts";
import { EventPipeline, type RawFormat } from "../../src/pipeline/pipeline.ts";
import { EventSlots, OrderWindow } from "../../src/pipeline/order.ts";
import { syntheticRecords } from "../../src/pipeline/warm-up.ts";
import type { RingBatch } from "../../src/tracer/poller-protocol.ts";
import type { ContainerTracker } from "../../src/containers/tracker.ts";
import { concat, encodeSample, perfLost, perfSample, type EncodedValue } from "../helpers/encoder.ts";

/** xorshift32: the same "random" samples on every run. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}

const STRINGS = [
  "", "/etc/hostname", "/usr/lib/x86_64-linux-gnu/libc.so.6", 'quo"te', "back\\slash", "tab\there", "new\nline",
  "esc\x1b[31m", "del\x7f", "naïve", "日本語のパス", "emoji 😀", "\u202eevil", "x".repeat(300), "/proc/self/fd/3",
];
const INTS = [0, 1, -1, 3, -100, 2147483647, -2147483648, 0o2000000, 0o101, 4096, 0x1ff, 9];
const BIGS: (number | bigint)[] = [0, 1, 4096, 2 ** 32, 2 ** 53 - 1, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, 0x7ffde0001000];
const SIGNED: (number | bigint)[] = [0, -1, -2, 3, -(2 ** 53) + 1, -(2n ** 53n), -(2n ** 63n), 2n ** 62n, 1e15];
const COMMS = ["bash", "wl-1234", "kworker/0:1", "naïve-prog", "a\x1bb", 'q"uote', "sixteen-chars-xx", "日本語ツール"];

type R = ReturnType<typeof rng>;

function valueFor(wire: ArgTypeName, r: R): EncodedValue | undefined {
  switch (wire) {
    case "int": return r.pick(INTS);
    case "uint": case "mode_t": case "dev_t": return r.pick(INTS) >>> 0;
    case "u16": return r.int(65536);
    case "long": return r.pick(SIGNED);
    case "ulong": case "off_t": case "size_t": case "pointer": case "u64": return r.pick(BIGS);
    case "str": return r.pick(STRINGS);
    case "int_arr_2": return [r.pick(INTS), r.pick(INTS)];
    case "str_arr": return [r.pick(STRINGS), r.pick(STRINGS)];
    case "args_arr": return ["ls", "-la"];
    case "bytes": return new Uint8Array([1, 2, 255]);
    case "sockaddr": return new Uint8Array([2, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    case "timespec": return { tv_sec: 5, tv_nsec: 999 };
    case "cred": return {
      Uid: 0, Gid: 0, Suid: 0, Sgid: 0, Euid: 0, Egid: 0, Fsuid: 0, Fsgid: 0, UserNamespace: 4026531837, SecureBits: 0,
      CapInheritable: 0, CapPermitted: 2n ** 40n - 1n, CapEffective: 2n ** 40n - 1n, CapBounding: 2n ** 40n - 1n, CapAmbient: 0,
    };
  }
  return undefined;
}

/** One random sample of `def` at time `ns`; some arguments left out, some strings marked truncated. */
function sample(def: (typeof EVENTS)[number], ns: number, r: R, extra: Record<string, number | string> = {}): Uint8Array {
  const args: Record<string, EncodedValue> = {};
  const truncated: Record<string, boolean> = {};
  for (const p of def.params) {
    if (r.next() < 0.1) continue;
    const v = valueFor(p.wire, r);
    if (v === undefined) continue;
    args[p.name] = v;
    if ((p.wire === "str" || p.wire === "str_arr") && r.next() < 0.2) truncated[p.name] = true;
  }
  const pid = 1 + r.int(70000);
  const ctx = {
    ts: BigInt(ns), cgroup_id: r.pick([1, 4242, 2 ** 40]), pid, tid: pid + r.int(3), ppid: r.int(5000), host_pid: pid,
    host_tid: pid, host_ppid: r.int(5000), uid: r.pick([0, 1000, 65534, 4294967295]), mnt_ns: 4026531840,
    pid_ns: 4026531836, comm: r.pick(COMMS), uts_name: r.pick(["vm", "build-host-0001", "hôte"]),
    retval: r.pick(SIGNED), cpu: r.int(2), ...extra,
  };
  return perfSample(encodeSample({ event: def.name, ctx, args, truncated }));
}

interface Run { text: string; stats: Stats; bookkeeping: number; dropped: number; late: number; errors: number }

/** Runs batches of perf bytes (one chunk per ring each) through a pipeline, staged in one shared buffer. */
/** A stand-in for the container table: cgroup 4242 is a container, every other cgroup is not. */
const containerOf = (id: number | bigint) => (id === 4242 ? "3f6ab1c2e85d".padEnd(64, "0") : "");
const fakeTracker = {
  containerOf,
  observe(ev: { containerId: string; cgroupId: number | bigint }) {
    ev.containerId = containerOf(ev.cgroupId);
  },
  expire() {},
} as unknown as ContainerTracker;

function runPipeline(
  batches: { chunks: Uint8Array[]; drainNs: number }[], format: string[], raw: RawFormat | null, print: Set<number>,
  before?: (p: EventPipeline) => void,
): Run {
  const cfg = parseOutputOptions(format);
  const boot = 1_700_000_000_123_456_789n, start = 5_000_000_000n;
  const printer = createPrinter(cfg, { bootEpochNs: boot, startMonoNs: start });
  const decoder = new PlainDecoder();
  const stats: Stats = { EventCount: 0, ErrorCount: 0, LostEvCount: 0, LostWrCount: 0, LostNtCount: 0 };
  const parts: Uint8Array[] = [];
  const p = new EventPipeline({
    decoder, printer, raw, clock: new EventClock(boot, start, cfg.options.relativeTime), print, accept: () => true,
    enrich: null, tracker: fakeTracker, stats, write: (b) => parts.push(new Uint8Array(b)), fail: () => {}, windowNs: 50_000_000,
  });
  before?.(p);
  const staging = new SharedArrayBuffer(8 << 20);
  const view = new Uint8Array(staging);
  let at = 0;
  for (const b of batches) {
    const chunks: RingBatch["chunks"] = b.chunks.map((c, ring) => {
      view.set(c, at);
      const bytes = view.subarray(at, at + c.length);
      at += (c.length + 7) & ~7;
      return { ring, bytes };
    });
    p.onBatch({ chunks, drainNs: b.drainNs, hold: () => () => {} });
  }
  p.finish();
  return {
    text: Buffer.concat(parts).toString("utf8"), stats, bookkeeping: p.bookkeeping, dropped: p.droppedInUser,
    late: p.late, errors: decoder.stats.errors,
  };
}

/** Two CPUs' worth of random events over several batches, some out of order, some bookkeeping, one lost record. */
function workload(seed: number, events = EVENTS, sameContext = false): { chunks: Uint8Array[]; drainNs: number }[] {
  const r = rng(seed);
  const batches = [];
  let ns = 7_000_000_000 - 3000;
  for (let b = 0; b < 6; b++) {
    const chunks: Uint8Array[] = [];
    for (let cpu = 0; cpu < 2; cpu++) {
      const parts: Uint8Array[] = [];
      for (let i = 0; i < 150; i++) {
        ns += 1 + r.int(400_000);
        // a syscall that slept carries its entry time: older than what came before it
        const t = r.next() < 0.05 ? ns - r.int(30_000_000) : ns;
        const extra: Record<string, number | string> = r.next() < 0.03 ? { flags: CTX_FLAG.bookkeeping } : {};
        if (sameContext) {
          // runs of one thread's events, now and then another thread or the same one in another cgroup
          const other = r.next() < 0.1;
          Object.assign(extra, { pid: other ? 77 : 76, tid: 76, host_pid: 76, host_tid: 76, ppid: 1, host_ppid: 1, uid: 0, comm: "busy", uts_name: "vm" });
          extra.cgroup_id = r.next() < 0.2 ? 4242 : 1;
        }
        parts.push(sample(r.pick(events), t, r, extra));
      }
      if (b === 2 && cpu === 1) parts.push(perfLost(7));
      chunks.push(concat(parts));
    }
    batches.push({ chunks, drainNs: ns + 1_000_000 });
  }
  return batches;
}

const ALL = new Set(EVENTS.map((e) => e.id));

for (const [label, format, raw] of [
  ["json", ["json"], "json"],
  ["json with relative time", ["json", "option:relative-time"], "json"],
  ["table", ["table"], "table"],
  ["table with relative time", ["table", "option:relative-time"], "table"],
] as const) {
  test(`raw ${label} printer writes the same bytes as the object printer for every event`, () => {
    for (const [seed, same] of [[1, false], [2, false], [3, true], [4, true]] as const) {
      const batches = workload(seed, EVENTS, same);
      const a = runPipeline(batches, [...format], null, ALL);
      const b = runPipeline(batches, [...format], raw, ALL);
      expect(b.stats).toEqual(a.stats);
      expect(b.bookkeeping).toBe(a.bookkeeping);
      expect(b.late).toBe(a.late);
      expect(b.errors).toBe(a.errors);
      expect(a.stats.EventCount).toBeGreaterThan(1500);
      expect(b.text).toBe(a.text);
      const lines = b.text.split("\n");
      expect(lines.pop()).toBe("");
      if (raw === "json") for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    }
  });
}

test("raw and object paths print, skip and count the same events when only some are chosen for printing", () => {
  const print = new Set(EVENTS.filter((e) => e.id % 3 === 0).map((e) => e.id));
  const batches = workload(9);
  const a = runPipeline(batches, ["json"], null, print);
  const b = runPipeline(batches, ["json"], "json", print);
  expect(b.dropped).toBe(a.dropped);
  expect(a.dropped).toBeGreaterThan(0);
  expect(b.text).toBe(a.text);
});

test("events come out in timestamp order across rings and batches", () => {
  const openat = EVENTS.find((e) => e.name === "openat")!;
  const batches = workload(4, [openat]);
  const out = runPipeline(batches, ["json"], "json", ALL);
  const stamps = out.text.trim().split("\n").map((l) => BigInt(/"timestamp":(\d+)/.exec(l)![1]));
  expect(stamps.length).toBe(out.stats.EventCount);
  // events already older than the window when they arrive are late; every other one is in order
  let inversions = 0;
  for (let i = 1; i < stamps.length; i++) if (stamps[i] < stamps[i - 1]) inversions++;
  expect(inversions).toBeLessThanOrEqual(out.late);
  expect(out.late).toBeLessThan(stamps.length / 20);
});

test("a held batch's staging bytes are released only after its events are printed, oldest batch first", () => {
  const openat = EVENTS.find((e) => e.name === "openat")!;
  const r = rng(11);
  const cfg = parseOutputOptions(["json"]);
  const clock = new EventClock(0n, 0n, false);
  const released: number[] = [];
  let printed = 0;
  const p = new EventPipeline({
    decoder: new PlainDecoder(), printer: createPrinter(cfg, { bootEpochNs: 0n, startMonoNs: 0n }), raw: "json", clock,
    print: ALL, accept: () => true, enrich: null, tracker: null,
    stats: { EventCount: 0, ErrorCount: 0, LostEvCount: 0, LostWrCount: 0, LostNtCount: 0 },
    write: (b) => { printed += b.toString().split("\n").length - 1; }, fail: () => {}, windowNs: 1000,
  });
  const staging = new Uint8Array(new SharedArrayBuffer(1 << 20));
  let at = 0;
  const batch = (seq: number, ns: number[], drainNs: number) => {
    const bytes = concat(ns.map((t) => sample(openat, t, r)));
    staging.set(bytes, at);
    const view = staging.subarray(at, at + bytes.length);
    at += bytes.length;
    p.onBatch({ chunks: [{ ring: 0, bytes: view }], drainNs, hold: () => () => released.push(seq) });
  };
  batch(0, [10_000, 20_000], 20_500); // held: within the window
  expect(released).toEqual([]);
  batch(1, [15_000], 22_000); // releases 10_000, 15_000, 20_000 (<= 21_000): both batches done
  expect(printed).toBe(3);
  expect(released).toEqual([0, 1]);
  batch(2, [30_000], 30_500);
  batch(3, [29_000], 30_600); // batch 3's event is older than batch 2's and both are held
  expect(released).toEqual([0, 1]);
  p.finish();
  expect(released).toEqual([0, 1, 2, 3]);
  expect(printed).toBe(5);
});

// The ordering window on its own (what the reorder step guaranteed before the pipeline held events as slots).
function window(windowNs: number) {
  const slots = new EventSlots(4);
  const w = new OrderWindow(slots, windowNs);
  const add = (ns: number[]) => {
    w.startRun();
    for (const t of ns) {
      const s = slots.alloc();
      slots.sec[s] = Math.floor(t / 1e9);
      slots.nsec[s] = t % 1e9;
      w.add(s);
    }
  };
  const take = (n: number) => {
    const out = Array.from(w.out.subarray(0, n), (s) => slots.sec[s] * 1e9 + slots.nsec[s]);
    for (const s of w.out.subarray(0, n)) slots.release(s);
    return out;
  };
  return { w, slots, add, push: (ns: number) => take(w.push(ns)), flush: () => take(w.flush()) };
}

test("releases interleaved CPU streams in timestamp order once the window has passed", () => {
  const x = window(50);
  x.add([100, 300]);
  x.add([200, 250]);
  expect(x.push(140)).toEqual([]);
  expect(x.push(360)).toEqual([100, 200, 250, 300]);
  expect(x.w.late).toBe(0);
});

test("holds an event until the drain time has moved a full window past it", () => {
  const x = window(1000);
  x.add([5000]);
  expect(x.push(5999)).toEqual([]);
  x.add([5500]);
  expect(x.push(6000)).toEqual([5000]);
  expect(x.flush()).toEqual([5500]);
});

test("keeps nanosecond order across second boundaries", () => {
  const x = window(10);
  x.add([2_000_000_001, 1_999_999_999, 2_000_000_000]);
  expect(x.push(3_000_000_000)).toEqual([1_999_999_999, 2_000_000_000, 2_000_000_001]);
});

test("counts an event older than one already released as late, and still delivers it", () => {
  const x = window(10);
  x.add([100]);
  expect(x.push(200)).toEqual([100]);
  x.add([50]);
  expect(x.push(300)).toEqual([50]);
  expect(x.w.late).toBe(1);
});

test("flush releases everything still held, in order, and slots are reused as the store grows", () => {
  const x = window(1e9);
  x.add([3, 1, 2]);
  x.add([9, 4]);
  x.add([]);
  x.add([8, 7, 6, 5]);
  expect(x.push(10)).toEqual([]);
  expect(x.flush()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(x.flush()).toEqual([]);
  expect(x.slots.size).toBe(0);
});

test("equal timestamps keep their arrival order", () => {
  const slots = new EventSlots(4);
  const w = new OrderWindow(slots, 0);
  const ids: number[] = [];
  for (const run of [[5, 5], [5, 1], [5]]) {
    w.startRun();
    for (const t of run) {
      const s = slots.alloc();
      slots.sec[s] = 0;
      slots.nsec[s] = t;
      slots.off[s] = ids.length;
      ids.push(t);
      w.add(s);
    }
  }
  const n = w.flush();
  expect(Array.from(w.out.subarray(0, n), (s) => slots.off[s])).toEqual([3, 0, 1, 2, 4]);
});

test("warming up prints nothing, changes no counter and leaves the output of real events as it was", () => {
  const batches = workload(21);
  const cold = runPipeline(batches, ["json"], "json", ALL);
  const warm = runPipeline(batches, ["json"], "json", ALL, (p) => p.warmUp(syntheticRecords(50), 20));
  expect(warm.text).toBe(cold.text);
  expect(warm.stats).toEqual(cold.stats);
  expect([warm.bookkeeping, warm.dropped, warm.late, warm.errors]).toEqual([cold.bookkeeping, cold.dropped, cold.late, cold.errors]);
});

test("the window's arrays grow past their first size: thousands held across pushes come out in order", () => {
  const slots = new EventSlots(8);
  const w = new OrderWindow(slots, 1000);
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const seen: number[] = [];
  let now = 0;
  for (let round = 0; round < 6; round++) {
    for (let r = 0; r < 3; r++) {
      w.startRun();
      // each run nearly in time order, as a ring's are
      for (let i = 0; i < 1500; i++) {
        const s = slots.alloc();
        slots.sec[s] = 0;
        slots.nsec[s] = now + i * 2 + Math.floor(rnd() * 5);
        w.add(s);
      }
    }
    now += 3000;
    const n = w.push(now);
    for (let i = 0; i < n; i++) {
      seen.push(slots.nsec[w.out[i]]);
      slots.release(w.out[i]);
    }
  }
  const n = w.flush();
  for (let i = 0; i < n; i++) seen.push(slots.nsec[w.out[i]]);
  expect(seen.length).toBe(6 * 3 * 1500);
  for (let i = 1; i < seen.length; i++) if (seen[i] < seen[i - 1]) throw new Error(`out of order at ${i}: ${seen[i - 1]} then ${seen[i]}`);
});
