// Packs the release: dist/tracee-<version>-linux-x86_64.tar.gz (the executable, the prebuilt CO-RE object next
// to it, LICENSE, README, man page, bash and zsh completions, SHA256SUMS) and dist/SHA256SUMS for the tarball.
// Run after build/all.ts (npm run release does both). Packing the same build twice gives the same bytes.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { bashCompletion, zshCompletion } from "./release/completions.ts";
import { manPage } from "./release/man.ts";

const root = new URL("..", import.meta.url).pathname;
const outDir = process.argv.includes("--out") ? process.argv[process.argv.indexOf("--out") + 1] : join(root, "dist");
const version: string = (await Bun.file(join(root, "package.json")).json()).version;
const name = `tracee-${version}-linux-x86_64`;

function fail(msg: string): never {
  console.error(`release: ${msg}`);
  process.exit(1);
}

/** Time stamps inside the tarball: SOURCE_DATE_EPOCH, else the commit's time, so a commit packs the same bytes. */
function epoch(): number {
  if (process.env.SOURCE_DATE_EPOCH) return Number(process.env.SOURCE_DATE_EPOCH);
  const p = Bun.spawnSync(["git", "-C", root, "log", "-1", "--format=%ct"], { stdout: "pipe", stderr: "pipe" });
  return p.exitCode === 0 ? Number(p.stdout.toString().trim()) : Math.floor(Date.now() / 1000);
}

function sha256(path: string): string {
  const h = new Bun.CryptoHasher("sha256");
  h.update(new Uint8Array(readFileSync(path)));
  return h.digest("hex");
}

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)])).sort();

const exe = join(root, "dist/tracee");
const obj = join(root, "dist/embed/tracee.bpf.o");
for (const p of [exe, obj]) if (!statSync(p, { throwIfNoEntry: false })) fail(`${relative(root, p)} is missing: run bun build/all.ts first`);
// The version is stamped once, at compile time, from package.json: the executable must say the same.
const said = Bun.spawnSync([exe, "--version"], { stdout: "pipe" }).stdout.toString().trim();
if (said !== `tracee ${version}`) fail(`dist/tracee --version says "${said}", package.json says ${version}: rebuild with bun build/all.ts`);

const stageRoot = mkdtempSync(join(tmpdir(), "tracee-release-"));
try {
  const stage = join(stageRoot, name);
  const when = epoch();
  const put = (rel: string, from: { copy: string } | { text: string }, mode: number) => {
    const to = join(stage, rel);
    mkdirSync(dirname(to), { recursive: true, mode: 0o755 });
    if ("copy" in from) copyFileSync(from.copy, to);
    else writeFileSync(to, from.text);
    chmodSync(to, mode);
  };
  put("bin/tracee", { copy: exe }, 0o755);
  // next to the executable, where tracee looks before falling back to its embedded copy of the same bytes
  put("bin/tracee.bpf.core.o", { copy: obj }, 0o644);
  put("LICENSE", { copy: join(root, "LICENSE") }, 0o644);
  put("README.md", { copy: join(root, "README.md") }, 0o644);
  put("share/man/man1/tracee.1", { text: manPage(version, new Date(when * 1000).toISOString().slice(0, 10)) }, 0o644);
  put("share/bash-completion/completions/tracee", { text: bashCompletion() }, 0o644);
  put("share/zsh/site-functions/_tracee", { text: zshCompletion() }, 0o644);
  const sums = files(stage).map((p) => `${sha256(p)}  ${relative(stage, p)}\n`).join("");
  put("SHA256SUMS", { text: sums }, 0o644);
  for (const d of [stage, ...readdirSync(stage, { recursive: true, withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(e.parentPath, e.name))]) chmodSync(d, 0o755);

  mkdirSync(outDir, { recursive: true });
  const tarball = join(outDir, `${name}.tar.gz`);
  const tar = Bun.spawnSync(
    ["sh", "-c", `tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@${when} --format=gnu -C "$1" -cf - "$2" | gzip -n -6 > "$3"`, "sh", stageRoot, name, tarball],
    { stderr: "pipe" },
  );
  if (tar.exitCode !== 0) fail(`tar failed: ${tar.stderr.toString().trim()}`);
  writeFileSync(join(outDir, "SHA256SUMS"), `${sha256(tarball)}  ${name}.tar.gz\n`);
  console.error(`release: ${relative(root, tarball) || tarball} (${(statSync(tarball).size / 1048576).toFixed(1)} MiB), SHA256SUMS`);
} finally {
  rmSync(stageRoot, { recursive: true, force: true });
}
