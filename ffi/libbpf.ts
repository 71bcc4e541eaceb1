// The one dlopen table for libbpf, with thin typed wrappers that turn failures into BpfError.
import { dlopen, FFIType as T, CString, JSCallback, ptr, type Pointer } from "bun:ffi";
import { BpfError } from "./errors.ts";
import { errno, vformat } from "./libc.ts";

const SYMBOLS = {
  libbpf_set_print: { args: [T.ptr], returns: T.ptr },
  libbpf_num_possible_cpus: { args: [], returns: T.i32 },
  bpf_object__open_mem: { args: [T.ptr, T.usize, T.ptr], returns: T.ptr },
  bpf_object__load: { args: [T.ptr], returns: T.i32 },
  bpf_object__close: { args: [T.ptr], returns: T.void },
  bpf_object__find_map_by_name: { args: [T.ptr, T.cstring], returns: T.ptr },
  bpf_object__next_program: { args: [T.ptr, T.ptr], returns: T.ptr },
  bpf_object__next_map: { args: [T.ptr, T.ptr], returns: T.ptr },
  bpf_program__name: { args: [T.ptr], returns: T.cstring },
  bpf_program__section_name: { args: [T.ptr], returns: T.cstring },
  bpf_program__set_autoload: { args: [T.ptr, T.bool], returns: T.i32 },
  bpf_program__autoload: { args: [T.ptr], returns: T.bool },
  bpf_program__attach: { args: [T.ptr], returns: T.ptr },
  bpf_program__attach_tracepoint: { args: [T.ptr, T.cstring, T.cstring], returns: T.ptr },
  bpf_program__fd: { args: [T.ptr], returns: T.i32 },
  bpf_link__destroy: { args: [T.ptr], returns: T.i32 },
  bpf_map__name: { args: [T.ptr], returns: T.cstring },
  bpf_map__fd: { args: [T.ptr], returns: T.i32 },
  bpf_map__set_initial_value: { args: [T.ptr, T.ptr, T.usize], returns: T.i32 },
  bpf_map__set_max_entries: { args: [T.ptr, T.u32], returns: T.i32 },
  bpf_map__map_flags: { args: [T.ptr], returns: T.u32 },
  bpf_map__set_map_flags: { args: [T.ptr, T.u32], returns: T.i32 },
  bpf_map_update_elem: { args: [T.i32, T.ptr, T.ptr, T.u64], returns: T.i32 },
  bpf_map_lookup_elem: { args: [T.i32, T.ptr, T.ptr], returns: T.i32 },
  bpf_map_delete_elem: { args: [T.i32, T.ptr], returns: T.i32 },
  bpf_map_get_next_key: { args: [T.i32, T.ptr, T.ptr], returns: T.i32 },
  perf_buffer__new_raw: { args: [T.i32, T.usize, T.ptr, T.ptr, T.ptr, T.ptr], returns: T.ptr },
  perf_buffer__free: { args: [T.ptr], returns: T.void },
  perf_buffer__epoll_fd: { args: [T.ptr], returns: T.i32 },
  perf_buffer__buffer_cnt: { args: [T.ptr], returns: T.usize },
  perf_buffer__buffer: { args: [T.ptr, T.i32, T.ptr, T.ptr], returns: T.i32 },
  libbpf_major_version: { args: [], returns: T.u32 },
  libbpf_minor_version: { args: [], returns: T.u32 },
  bpf_linker__new: { args: [T.cstring, T.ptr], returns: T.ptr },
  bpf_linker__add_file: { args: [T.ptr, T.cstring, T.ptr], returns: T.i32 },
  bpf_linker__finalize: { args: [T.ptr], returns: T.i32 },
  bpf_linker__free: { args: [T.ptr], returns: T.void },
  btf__parse: { args: [T.cstring, T.ptr], returns: T.ptr },
  btf__free: { args: [T.ptr], returns: T.void },
} as const;

type Lib = ReturnType<typeof dlopen<typeof SYMBOLS>>["symbols"];
let lib: Lib | null = null;
let printCb: JSCallback | null = null;
let printLog: ((level: number, msg: string) => void) | null = null;
/** libbpf's print levels (enum libbpf_print_level). */
export const LIBBPF_WARN = 0, LIBBPF_INFO = 1, LIBBPF_DEBUG = 2;
let printMax = LIBBPF_DEBUG;

/**
 * Messages above `level` are dropped before they are formatted: libbpf prints thousands of debug lines while it
 * loads an object, and formatting each through vsnprintf costs start-up time when nobody reads them.
 */
export function setPrintLevel(level: number): void {
  printMax = level;
}

/** Opens libbpf from `path` (an embedded copy behind /proc/self/fd, or the system's). */
export function openLibbpf(path: string, log: (level: number, msg: string) => void): void {
  if (lib) return;
  lib = dlopen(path, SYMBOLS).symbols;
  printLog = log;
  // libbpf calls this synchronously on the calling thread; va_list arrives as a pointer on x86-64.
  printCb = new JSCallback((level: number, fmt: Pointer, ap: Pointer) => {
    if (level <= printMax) log(level, vformat(fmt, ap).replace(/\n$/, ""));
    return 0;
  }, { args: [T.i32, T.ptr, T.ptr], returns: T.i32 });
  lib.libbpf_set_print(printCb.ptr);
}

function L(): Lib {
  if (!lib) throw new Error("libbpf is not loaded");
  return lib;
}

const cstr = (s: string) => Buffer.from(s + "\0");

/** int-returning libbpf calls give -errno; pointer-returning ones give NULL and set errno. */
function checkInt(op: string, r: number): number {
  if (r < 0) throw new BpfError(op, -r);
  return r;
}
function checkPtr(op: string, p: Pointer | null): Pointer {
  if (!p) throw new BpfError(op, errno() || 22);
  return p;
}

export const libbpfVersion = () => `${L().libbpf_major_version()}.${L().libbpf_minor_version()}`;
export const possibleCpus = () => checkInt("libbpf_num_possible_cpus", L().libbpf_num_possible_cpus());

export interface OpenOptions { objectName?: string; btfPath?: string }

/** Opens an object from memory; `bytes` must stay referenced until load returns (libbpf 1.1 does not copy). */
export function openObject(bytes: Uint8Array, o: OpenOptions = {}): Pointer {
  const keep: Buffer[] = [];
  const opts = new BigUint64Array(10); // struct bpf_object_open_opts, 80 bytes in libbpf 1.1
  opts[0] = 80n;
  if (o.objectName) opts[1] = BigInt(ptr(keep[keep.push(cstr(o.objectName)) - 1]));
  if (o.btfPath) opts[6] = BigInt(ptr(keep[keep.push(cstr(o.btfPath)) - 1])); // btf_custom_path
  const obj = checkPtr("opening BPF object", L().bpf_object__open_mem(bytes, bytes.length, opts));
  keep.length = 0;
  return obj;
}

/** Whether libbpf can parse `path` as BTF (raw, or the .BTF of an ELF file). */
export function btfParses(path: string): boolean {
  const btf = L().btf__parse(cstr(path), null);
  if (!btf) return false;
  L().btf__free(btf);
  return true;
}

export const loadObject = (obj: Pointer) => checkInt("loading BPF object", L().bpf_object__load(obj));

export const closeObject = (obj: Pointer) => L().bpf_object__close(obj);

export function findMap(obj: Pointer, name: string): Pointer {
  return checkPtr(`finding map ${name}`, L().bpf_object__find_map_by_name(obj, cstr(name)));
}
export const mapFd = (map: Pointer) => checkInt("bpf_map__fd", L().bpf_map__fd(map));
export const mapName = (map: Pointer) => String(L().bpf_map__name(map));

export function setInitialValue(map: Pointer, data: Uint8Array): void {
  checkInt(`setting initial value of ${mapName(map)}`, L().bpf_map__set_initial_value(map, data, data.length));
}

export function setMaxEntries(map: Pointer, n: number): void {
  checkInt(`sizing ${mapName(map)}`, L().bpf_map__set_max_entries(map, n));
}

/** Adds BPF_F_* creation flags to a map, before load. */
export function addMapFlags(map: Pointer, flags: number): void {
  checkInt(`setting flags of ${mapName(map)}`, L().bpf_map__set_map_flags(map, (L().bpf_map__map_flags(map) | flags) >>> 0));
}

export function* programs(obj: Pointer): Generator<Pointer> {
  let p: Pointer | null = null;
  while ((p = L().bpf_object__next_program(obj, p))) yield p;
}
export function* maps(obj: Pointer): Generator<Pointer> {
  let m: Pointer | null = null;
  while ((m = L().bpf_object__next_map(obj, m))) yield m;
}
export const programName = (p: Pointer) => String(L().bpf_program__name(p));
export const programSection = (p: Pointer) => String(L().bpf_program__section_name(p));
export const programAutoload = (p: Pointer) => L().bpf_program__autoload(p);
export const programFd = (p: Pointer) => checkInt(`bpf_program__fd(${programName(p)})`, L().bpf_program__fd(p));
export function setAutoload(p: Pointer, on: boolean): void {
  checkInt(`setting autoload of ${programName(p)}`, L().bpf_program__set_autoload(p, on));
}

/** Attaches by the program's section name; returns the link to destroy at detach. */
export function attachProgram(p: Pointer): Pointer {
  return checkPtr(`attaching ${programName(p)}`, L().bpf_program__attach(p));
}
/** Attaches a tracepoint program to one more tracepoint than its section names. */
export function attachTracepoint(p: Pointer, category: string, name: string): Pointer {
  return checkPtr(`attaching ${programName(p)} to ${category}/${name}`, L().bpf_program__attach_tracepoint(p, cstr(category), cstr(name)));
}
export const destroyLink = (link: Pointer) => L().bpf_link__destroy(link);

/** flags: 0 BPF_ANY, 1 BPF_NOEXIST, 2 BPF_EXIST. */
export function mapUpdate(fd: number, key: Uint8Array, value: Uint8Array, what = "map", flags = 0): void {
  checkInt(`updating ${what}`, L().bpf_map_update_elem(fd, key, value, BigInt(flags)));
}
/** Returns false when the key is absent. */
export function mapLookup(fd: number, key: Uint8Array, value: Uint8Array): boolean {
  return L().bpf_map_lookup_elem(fd, key, value) === 0;
}
export const mapDelete = (fd: number, key: Uint8Array) => L().bpf_map_delete_elem(fd, key) === 0;
/** Every key of a hash map (a snapshot: keys added or removed meanwhile may be missed). */
export function* mapKeys(fd: number, keySize: number): Generator<Uint8Array> {
  let prev: Uint8Array | null = null;
  for (;;) {
    const next = new Uint8Array(keySize);
    if (L().bpf_map_get_next_key(fd, prev, next) !== 0) return;
    yield next;
    prev = next;
  }
}

export interface PerfBuffer {
  pb: Pointer;
  epollFd: number;
  rings: { base: number; size: number }[];
}

let noopEventCb: JSCallback | null = null;

/**
 * Per-CPU perf rings for `mapFdNum` that wake the reader only once `watermarkBytes` are pending,
 * not on every sample; the rings are read raw (perf-ring.ts), never through libbpf's callbacks.
 */
export function openPerfBuffer(mapFdNum: number, pages: number, watermarkBytes: number): PerfBuffer {
  const attr = new Uint8Array(136); // struct perf_event_attr
  const dv = new DataView(attr.buffer);
  dv.setUint32(0, 1, true); // type = PERF_TYPE_SOFTWARE
  dv.setUint32(4, 128, true); // size = PERF_ATTR_SIZE_VER7
  dv.setBigUint64(8, 10n, true); // config = PERF_COUNT_SW_BPF_OUTPUT
  dv.setBigUint64(16, 1n, true); // sample_period
  dv.setBigUint64(24, 1n << 10n, true); // sample_type = PERF_SAMPLE_RAW
  dv.setBigUint64(40, 1n << 14n, true); // flags: watermark
  dv.setUint32(48, watermarkBytes, true); // wakeup_watermark
  // libbpf 1.1 requires an event callback; it is only called by perf_buffer__poll, which tracee never uses.
  noopEventCb ??= new JSCallback(() => -2, { args: [T.ptr, T.i32, T.ptr], returns: T.i32 });
  const pb = checkPtr("creating perf buffer", L().perf_buffer__new_raw(mapFdNum, pages, attr, noopEventCb.ptr, null, null));
  const n = Number(L().perf_buffer__buffer_cnt(pb));
  const base = new BigUint64Array(1);
  const size = new BigUint64Array(1);
  const rings = [];
  for (let i = 0; i < n; i++) {
    checkInt("perf_buffer__buffer", L().perf_buffer__buffer(pb, i, base, size));
    rings.push({ base: Number(base[0]), size: Number(size[0]) });
  }
  return { pb, epollFd: checkInt("perf_buffer__epoll_fd", L().perf_buffer__epoll_fd(pb)), rings };
}
/** Links BPF object files into `out` as `bpftool gen object` does: DWARF dropped, BTF deduplicated, CO-RE kept. */
export function linkObjects(out: string, inputs: string[]): void {
  const linker = checkPtr("bpf_linker__new", L().bpf_linker__new(cstr(out), null));
  try {
    for (const f of inputs) checkInt(`linking ${f}`, L().bpf_linker__add_file(linker, cstr(f), null));
    checkInt("bpf_linker__finalize", L().bpf_linker__finalize(linker));
  } finally {
    L().bpf_linker__free(linker);
  }
}

export const freePerfBuffer = (b: PerfBuffer) => L().perf_buffer__free(b.pb);
