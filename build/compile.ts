// Compiles src/main.ts (with the ring-polling and capture workers and the embedded assets) into one executable, dist/tracee.
const root = new URL("..", import.meta.url).pathname;
const pkg = await Bun.file(root + "package.json").json();

const result = await Bun.build({
  entrypoints: [root + "src/main.ts", root + "src/poll-worker.ts", root + "src/capture/blob-worker.ts"],
  compile: {
    outfile: root + "dist/tracee",
    autoloadDotenv: false,
    autoloadBunfig: false,
  },
  minify: true,
  define: { TRACEE_VERSION: JSON.stringify(pkg.version) },
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.error(`compile: dist/tracee ${pkg.version}`);
