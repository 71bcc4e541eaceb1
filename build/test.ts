// Runs the whole suite (unit tests, then the root-only e2e tests) with bun test and closes with `N passed, N failed`.
const root = new URL("..", import.meta.url).pathname;
const groups = process.argv.slice(2).length ? process.argv.slice(2) : ["test/unit", "test/e2e"];
let passed = 0;
let failed = 0;
let skipped = 0;
let broken = false;

// NO_COLOR keeps log lines plain in captured output; FORCE_COLOR (even "0") would force colors on
const testEnv: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1" };
delete testEnv.FORCE_COLOR;

for (const dir of groups) {
  const p = Bun.spawn([process.execPath, "test", "--timeout", "120000", dir], {
    cwd: root,
    stdout: "inherit",
    stderr: "pipe",
    env: testEnv,
  });
  let text = "";
  const dec = new TextDecoder();
  for await (const chunk of p.stderr) {
    process.stderr.write(chunk);
    text += dec.decode(chunk, { stream: true });
  }
  const code = await p.exited;
  const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  const pass = num(/^\s*(\d+) pass$/m);
  const fail = num(/^\s*(\d+) fail$/m);
  passed += pass;
  failed += fail;
  skipped += num(/^\s*(\d+) skip$/m);
  if (code !== 0 && fail === 0) broken = true; // crashed or ran nothing
  if (pass + fail === 0) broken = true;
}

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed || broken ? 1 : 0);
