// Compiles src/main.ts (with the ring-polling and capture workers and the embedded assets) into one executable, dist/tracee.
const root = new URL("..", import.meta.url).pathname;
const pkg = await Bun.file(root + "package.json").json();

/** The git commit built, with `-dirty` when the tree has changes; "unknown" outside a git checkout. */
function commit(): string {
  const git = (...args: string[]) => Bun.spawnSync(["git", "-C", root, ...args], { stdout: "pipe", stderr: "pipe" });
  const head = git("rev-parse", "--short=12", "HEAD");
  if (head.exitCode !== 0) return "unknown";
  const dirty = git("status", "--porcelain", "--untracked-files=no").stdout.toString().trim() !== "";
  return head.stdout.toString().trim() + (dirty ? "-dirty" : "");
}

// The embedded object's ABI stamp and digest, known now: start-up need not parse and hash 0.9 MB to learn them.
const { objectSha256, readStamp } = await import("../src/bpf-object/stamp.ts");
const object = await Bun.file(root + "dist/embed/tracee.bpf.o").bytes();
const objectDefines = {
  TRACEE_OBJECT_ABI: JSON.stringify(readStamp(object)),
  TRACEE_OBJECT_SHA256: JSON.stringify(objectSha256(object)),
};

const result = await Bun.build({
  entrypoints: [root + "src/main.ts", root + "src/poll-worker.ts", root + "src/capture/blob-worker.ts"],
  compile: {
    outfile: root + "dist/tracee",
    autoloadDotenv: false,
    autoloadBunfig: false,
  },
  minify: process.env.TRACEE_MINIFY !== "0", // TRACEE_MINIFY=0: readable stack traces while debugging
  // precompiled JavaScriptCore bytecode for the bundled code: start-up skips parsing it (about 30 ms to readiness)
  bytecode: true,
  define: { TRACEE_VERSION: JSON.stringify(pkg.version), TRACEE_COMMIT: JSON.stringify(commit()), ...objectDefines },
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.error(`compile: dist/tracee ${pkg.version} (${commit()})`);
