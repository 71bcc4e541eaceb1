// Loads the libz, libelf and libbpf copies embedded in the executable through memfd, in dependency order,
// so that the host needs nothing but glibc; falls back to the system's libbpf.so.1 when asked to.
import { dlopen } from "bun:ffi";
import { closeFd, memfdWithBytes } from "./libc.ts";
import { openLibbpf } from "./libbpf.ts";

export interface EmbeddedLibs { libz: Uint8Array; libelf: Uint8Array; libbpf: Uint8Array }

/**
 * glibc satisfies libbpf's DT_NEEDED entries by SONAME from copies already loaded, so libz goes first,
 * then libelf, then libbpf. Returns where libbpf came from, for --debug.
 */
export function loadLibbpf(libs: EmbeddedLibs | null, log: (level: number, msg: string) => void): string {
  if (!libs) {
    openLibbpf("libbpf.so.1", log);
    return "system libbpf.so.1";
  }
  for (const [name, bytes] of [["libz.so.1", libs.libz], ["libelf.so.1", libs.libelf]] as const) {
    const path = memfdWithBytes(name, bytes);
    dlopen(path, {});
    closeFd(Number(path.slice(path.lastIndexOf("/") + 1)));
  }
  const path = memfdWithBytes("libbpf.so.1", libs.libbpf);
  openLibbpf(path, log);
  closeFd(Number(path.slice(path.lastIndexOf("/") + 1)));
  return "embedded libbpf.so.1 (memfd)";
}
