// Loads the libz, libelf and libbpf copies embedded in the executable through memfd, in dependency order,
// so that the host needs nothing but glibc; falls back to the system's libbpf.so.1 when asked to.
import { dlopen, FFIType as T } from "bun:ffi";
import { closeFd, memfdWithBytes } from "./libc.ts";
import { openLibbpf } from "./libbpf.ts";

export interface EmbeddedLibs { libz: Uint8Array; libelf: Uint8Array; libbpf: Uint8Array }

let loadedFrom: string | null = null;

/**
 * glibc satisfies libbpf's DT_NEEDED entries by SONAME from copies already loaded, so libz goes first,
 * then libelf, then libbpf. Returns where libbpf came from, for --debug.
 */
export function loadLibbpf(libs: EmbeddedLibs | null, log: (level: number, msg: string) => void): string {
  // A build before tracing (--build-policy always) loads it first; one copy serves both.
  if (loadedFrom) return loadedFrom;
  if (!libs) {
    openLibbpf("libbpf.so.1", log);
    return (loadedFrom = "system libbpf.so.1");
  }
  // bun:ffi wants one symbol per library; these two exist in every version.
  const probes = [
    ["libz.so.1", libs.libz, { zlibVersion: { args: [], returns: T.cstring } }],
    ["libelf.so.1", libs.libelf, { elf_version: { args: [T.u32], returns: T.u32 } }],
  ] as const;
  // glibc finds already-loaded objects by path name, so no memfd is closed (and its number reused) until all are in.
  const paths: string[] = [];
  for (const [name, bytes, symbols] of probes) {
    paths.push(memfdWithBytes(name, bytes));
    dlopen(paths[paths.length - 1], symbols);
  }
  paths.push(memfdWithBytes("libbpf.so.1", libs.libbpf));
  openLibbpf(paths[paths.length - 1], log);
  for (const p of paths) closeFd(Number(p.slice(p.lastIndexOf("/") + 1)));
  return (loadedFrom = "embedded libbpf.so.1 (memfd)");
}
