// Compiles the AssemblyScript decoder (decoder-as/assembly) to dist/embed/decoder.wasm with asc, in-process under Bun.
import asc from "assemblyscript/asc";
import { mkdirSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const out = root + "dist/embed/decoder.wasm";
mkdirSync(root + "dist/embed", { recursive: true });

const errors: string[] = [];
const sink = { write(chunk: Uint8Array | string) { errors.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk)); return true; } };
// --noAssert is safe only because the decoder bounds-checks every load itself; memory is allocated at start.
const { error } = await asc.main(
  [root + "decoder-as/assembly/index.ts", "-O3", "--runtime", "stub", "--noAssert", "--outFile", out],
  { stdout: sink, stderr: sink },
);
if (error) {
  console.error(errors.join("").trim() || String(error));
  console.error(`wasm: asc failed: ${error.message}`);
  process.exit(1);
}
console.log(`wasm: ${out.slice(root.length)} (${Bun.file(out).size} bytes)`);
