// The eBPF sources carried inside the executable (bpf/**/*.{c,h}, the pinned vmlinux.h and libbpf's BPF-side
// headers) as one gzip'd bundle, and the ABI stamp: a hash of those sources and the compiler flags.

/** One bundle layout: gzip( JSON header line "\n" file bytes back to back ). */
const FORMAT = 1;

export interface BundleFile { name: string; bytes: Uint8Array }
export interface Bundle { abi: string; files: BundleFile[] }

/** The file the compiler is pointed at; everything else is reached through #include. */
export const MAIN_SOURCE = "tracee.bpf.c";

/**
 * clang's arguments, run inside the unpacked bundle. -nostdinc keeps the host's headers out, so what
 * compiles here compiles on any host with clang: every header must be in the bundle.
 */
export function clangArgs(abi: string, out: string): string[] {
  return [
    // The build folder's name must not reach the object's line info: the same sources give the same bytes.
    "-g", "-fdebug-compilation-dir=/tracee-bpf", "-O2", "-target", "bpf", "-nostdinc", "-D__TARGET_ARCH_x86", `-DTRACEE_BPF_ABI="${abi}"`,
    "-I", "vmlinux/x86", "-I", ".", "-I", "include", "-c", MAIN_SOURCE, "-o", out,
  ];
}

/** libbpf's headers meant for BPF programs (the rest of /usr/include/bpf is user-space API). */
export const LIBBPF_BPF_HEADERS = ["bpf_helpers.h", "bpf_helper_defs.h", "bpf_core_read.h", "bpf_tracing.h", "bpf_endian.h"];

/** 16 hex digits of SHA-256 over the flags and every file, in name order. */
export function abiOf(files: BundleFile[]): string {
  const h = new Bun.CryptoHasher("sha256");
  h.update(`tracee-bpf-sources/${FORMAT}\0${clangArgs("ABI", "OUT").join(" ")}\0`);
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    h.update(`${f.name}\0${f.bytes.length}\0`);
    h.update(f.bytes);
  }
  return h.digest("hex").slice(0, 16);
}

export function packBundle(files: BundleFile[]): { bytes: Uint8Array; abi: string } {
  const names = new Set<string>();
  for (const f of files) {
    if (!safeName(f.name)) throw new Error(`bundle: refusing file name ${JSON.stringify(f.name)}`);
    if (names.has(f.name)) throw new Error(`bundle: ${f.name} given twice`);
    names.add(f.name);
  }
  if (!names.has(MAIN_SOURCE)) throw new Error(`bundle: ${MAIN_SOURCE} is missing`);
  const abi = abiOf(files);
  const header = new TextEncoder().encode(JSON.stringify({ format: FORMAT, abi, files: files.map((f) => [f.name, f.bytes.length]) }) + "\n");
  const body = new Uint8Array(header.length + files.reduce((n, f) => n + f.bytes.length, 0));
  body.set(header, 0);
  let off = header.length;
  for (const f of files) {
    body.set(f.bytes, off);
    off += f.bytes.length;
  }
  return { bytes: Bun.gzipSync(body, { level: 9 }), abi };
}

/** Unpacks and verifies a bundle; a damaged one throws rather than yielding partial sources. */
export function unpackBundle(gz: Uint8Array): Bundle {
  const body = Bun.gunzipSync(gz);
  const nl = body.indexOf(10);
  if (nl < 0) throw new Error("the embedded eBPF sources are damaged (no header)");
  const header = JSON.parse(new TextDecoder().decode(body.subarray(0, nl))) as { format: number; abi: string; files: [string, number][] };
  if (header.format !== FORMAT) throw new Error(`the embedded eBPF sources have format ${header.format}, expected ${FORMAT}`);
  const files: BundleFile[] = [];
  let off = nl + 1;
  for (const [name, size] of header.files) {
    if (!safeName(name) || off + size > body.length) throw new Error("the embedded eBPF sources are damaged (bad entry)");
    files.push({ name, bytes: body.subarray(off, off + size) });
    off += size;
  }
  if (off !== body.length || abiOf(files) !== header.abi) throw new Error("the embedded eBPF sources are damaged (hash mismatch)");
  return { abi: header.abi, files };
}

/** Relative paths below the bundle root only: no absolute paths, no `..`, no empty parts. */
function safeName(name: string): boolean {
  return name.length > 0 && !name.startsWith("/") && name.split("/").every((p) => p !== "" && p !== "." && p !== "..");
}
