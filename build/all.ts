// Builds everything `dist/tracee` needs, in order: generated sources, BPF object, WASM decoder, libraries, executable.
const root = new URL("..", import.meta.url).pathname;
const steps = ["build/gen-schema.ts", "build/bpf.ts", "build/wasm.ts", "build/libs.ts", "build/compile.ts"];
for (const step of steps) {
  const p = Bun.spawnSync([process.execPath, root + step], { cwd: root, stdout: "inherit", stderr: "inherit" });
  if (p.exitCode !== 0) {
    console.error(`build: ${step} failed`);
    process.exit(1);
  }
}
