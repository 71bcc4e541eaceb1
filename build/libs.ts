// Copies the host's libbpf, libelf and zlib shared objects (Debian's, position-independent as shipped)
// into dist/embed so that the executable can carry them.
import { realpathSync, copyFileSync, mkdirSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const dirs = ["/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib"];

export function copyLibs(): void {
  mkdirSync(root + "dist/embed", { recursive: true });
  for (const name of ["libbpf.so.1", "libelf.so.1", "libz.so.1"]) {
    const found = dirs.map((d) => `${d}/${name}`).find((p) => Bun.file(p).size > 0);
    if (!found) throw new Error(`${name} not found; install libbpf1, libelf1 and zlib1g (bash build/setup.sh)`);
    copyFileSync(realpathSync(found), root + "dist/embed/" + name);
  }
}

if (import.meta.main) {
  copyLibs();
  console.error("libs: copied libbpf.so.1, libelf.so.1, libz.so.1 to dist/embed");
}
