// Compiles bpf/tracee.bpf.c into the CO-RE object dist/embed/tracee.bpf.o (DWARF stripped, BTF kept by bpftool).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";

const root = new URL("..", import.meta.url).pathname;
const out = root + "dist/embed/tracee.bpf.o";
mkdirSync(root + "dist/embed", { recursive: true });
const tmp = mkdtempSync(tmpdir() + "/tracee-bpf-");
const raw = tmp + "/tracee.bpf.o";

function run(what: string, cmd: string[]): void {
  const p = Bun.spawnSync(cmd, { cwd: root, stdout: "pipe", stderr: "pipe" });
  if (p.exitCode === 0) return;
  const msg = (p.stderr.toString() + p.stdout.toString()).trim();
  console.error(msg || `${cmd[0]} exited with ${p.exitCode}`);
  console.error(`bpf: ${what} failed`);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
}

try {
  run("clang", [
    "clang", "-g", "-O2", "-target", "bpf", "-D__TARGET_ARCH_x86",
    "-I", "bpf/vmlinux/x86", "-I", "bpf", "-c", "bpf/tracee.bpf.c", "-o", raw,
  ]);
  // `gen object` links the one object: drops DWARF and dedups BTF (about 20x smaller), keeps CO-RE relocations.
  run("bpftool gen object", ["bpftool", "gen", "object", out, raw]);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`bpf: ${out.slice(root.length)} (${Bun.file(out).size} bytes)`);
