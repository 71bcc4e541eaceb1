// The files embedded in the executable (BPF object and its sources, WASM decoder, libbpf and its libraries), read into memory.
import bpfObject from "../../dist/embed/tracee.bpf.o" with { type: "file" };
import bpfSources from "../../dist/embed/bpf-sources.gz" with { type: "file" };
import decoderWasm from "../../dist/embed/decoder.wasm" with { type: "file" };
import libbpf from "../../dist/embed/libbpf.so.1" with { type: "file" };
import libelf from "../../dist/embed/libelf.so.1" with { type: "file" };
import libz from "../../dist/embed/libz.so.1" with { type: "file" };
import type { EmbeddedLibs } from "../../ffi/loader.ts";

const bytes = async (p: string) => new Uint8Array(await Bun.file(p).arrayBuffer());

export const embeddedObject = () => bytes(bpfObject);
/** The embedded object's ABI stamp and SHA-256, as the build computed them; null when running from source. */
export const EMBEDDED_OBJECT_ID: { abi: string; sha256: string } | null =
  typeof TRACEE_OBJECT_ABI === "string" && typeof TRACEE_OBJECT_SHA256 === "string" ? { abi: TRACEE_OBJECT_ABI, sha256: TRACEE_OBJECT_SHA256 } : null;
/** The eBPF sources, gzip'd (src/bpf-object/bundle.ts), for building the object on the host. */
export const embeddedSources = () => bytes(bpfSources);
export const embeddedDecoder = () => bytes(decoderWasm);
export async function embeddedLibs(): Promise<EmbeddedLibs> {
  return { libz: await bytes(libz), libelf: await bytes(libelf), libbpf: await bytes(libbpf) };
}
