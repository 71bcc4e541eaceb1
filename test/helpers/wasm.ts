// Loads dist/embed/decoder.wasm for tests, (re)building it with build/wasm.ts when it is missing or older than its sources.
import { readdirSync, statSync } from "node:fs";

const root = new URL("../..", import.meta.url).pathname;
const wasmPath = root + "dist/embed/decoder.wasm";
const sources = root + "decoder-as/assembly";

function newestSource(): number {
  let newest = 0;
  for (const f of readdirSync(sources, { recursive: true, encoding: "utf8" })) {
    if (f.endsWith(".ts")) newest = Math.max(newest, statSync(`${sources}/${f}`).mtimeMs);
  }
  return newest;
}

export async function decoderWasm(): Promise<Uint8Array> {
  const file = Bun.file(wasmPath);
  if (!(await file.exists()) || file.lastModified < newestSource()) {
    const p = Bun.spawnSync([process.execPath, root + "build/wasm.ts"], { cwd: root, stdout: "pipe", stderr: "pipe" });
    if (p.exitCode !== 0) throw new Error(`building the decoder failed:\n${p.stderr.toString()}`);
  }
  return Bun.file(wasmPath).bytes();
}
