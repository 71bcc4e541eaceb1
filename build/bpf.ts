// Compiles the eBPF sources into the CO-RE object dist/embed/tracee.bpf.o (DWARF stripped, BTF kept by bpftool),
// from the very bundle the executable carries (dist/embed/bpf-sources.gz), so `tracee --build-bpf` on a host
// compiles exactly what was compiled here, with the same flags and the same ABI stamp.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { clangArgs, packBundle, unpackBundle } from "../src/bpf-object/bundle.ts";
import { collectSources } from "./bpf-sources.ts";

const root = new URL("..", import.meta.url).pathname;
const out = root + "dist/embed/tracee.bpf.o";
mkdirSync(root + "dist/embed", { recursive: true });
const tmp = mkdtempSync(tmpdir() + "/tracee-bpf-");
const raw = tmp + "/tracee.bpf.o";

function run(what: string, cmd: string[], cwd = root): void {
  const p = Bun.spawnSync(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  if (p.exitCode === 0) return;
  const msg = (p.stderr.toString() + p.stdout.toString()).trim();
  console.error(msg || `${cmd[0]} exited with ${p.exitCode}`);
  console.error(`bpf: ${what} failed`);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
}

try {
  const bundle = packBundle(collectSources(root));
  writeFileSync(root + "dist/embed/bpf-sources.gz", bundle.bytes);
  const src = join(tmp, "src");
  for (const f of unpackBundle(bundle.bytes).files) {
    mkdirSync(dirname(join(src, f.name)), { recursive: true });
    writeFileSync(join(src, f.name), f.bytes);
  }
  run("clang", ["clang", ...clangArgs(bundle.abi, raw)], src);
  // `gen object` links the one object: drops DWARF and dedups BTF (about 20x smaller), keeps CO-RE relocations.
  run("bpftool gen object", ["bpftool", "gen", "object", out, raw]);
  console.log(`bpf: ${out.slice(root.length)} (${Bun.file(out).size} bytes, abi ${bundle.abi}), sources ${bundle.bytes.length} bytes gzip'd`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
