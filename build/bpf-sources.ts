// Collects the eBPF sources the executable carries: every .c/.h under bpf/ and libbpf's BPF-side headers.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { LIBBPF_BPF_HEADERS, type BundleFile } from "../src/bpf-object/bundle.ts";

const LIBBPF_INCLUDE = ["/usr/include/bpf", "/usr/local/include/bpf"];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : /\.(c|h)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

export function collectSources(root: string): BundleFile[] {
  const bpfDir = join(root, "bpf");
  const files = walk(bpfDir).sort().map((p) => ({ name: relative(bpfDir, p), bytes: new Uint8Array(readFileSync(p)) }));
  for (const h of LIBBPF_BPF_HEADERS) {
    const dir = LIBBPF_INCLUDE.find((d) => Bun.file(join(d, h)).size > 0);
    if (!dir) throw new Error(`${h} not found in ${LIBBPF_INCLUDE.join(" or ")}; install libbpf-dev (bash build/setup.sh)`);
    files.push({ name: `include/bpf/${h}`, bytes: new Uint8Array(readFileSync(join(dir, h))) });
  }
  return files;
}
