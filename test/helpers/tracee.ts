// Starts the real dist/tracee as root for e2e tests, waits until it is attached, and stops it with a signal.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = new URL("../..", import.meta.url).pathname;
export const TRACEE = join(ROOT, "dist/tracee");

export interface TraceeRun {
  pid: number;
  dir: string;
  /** Sends `signal` (default SIGINT) and resolves with everything tracee printed. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error("e2e tests load real eBPF and must run as root (npm test as root)");
  if (!existsSync(TRACEE)) throw new Error("dist/tracee is missing: run npm run build first");
}

export interface StartOptions {
  /** Capture folder to use instead of a fresh one (it is then left in place at stop). */
  dir?: string;
  /** Leave the fresh capture folder at stop, for the test to inspect and remove. */
  keepDir?: boolean;
}

/** Runs tracee with `args` (and extra environment variables); `--capture dir:` points at a fresh folder so
 *  the readiness file is its own. */
export async function startTracee(args: string[], timeoutMs = 20000, env: Record<string, string> = {}, opts: StartOptions = {}): Promise<TraceeRun> {
  requireRoot();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "tracee-e2e-"));
  const proc = Bun.spawn([TRACEE, ...args, "--capture", `dir:${dir}`], {
    stdout: "pipe", stderr: "pipe", env: { ...process.env, ...env },
  });
  const stdout = new Response(proc.stdout).text();
  const stderr = new Response(proc.stderr).text();
  const pidFile = join(dir, "out/tracee.pid");
  const t0 = Date.now();
  while (!existsSync(pidFile)) {
    if (proc.exitCode !== null || Date.now() - t0 > timeoutMs) {
      proc.kill("SIGKILL");
      throw new Error(`tracee did not become ready (exit ${proc.exitCode}): ${await stderr}`);
    }
    await Bun.sleep(20);
  }
  return {
    pid: proc.pid,
    dir,
    async stop(signal: NodeJS.Signals = "SIGINT") {
      proc.kill(signal);
      const code = await proc.exited;
      const out = { code, stdout: await stdout, stderr: await stderr };
      if (!opts.dir && !opts.keepDir) rmSync(dir, { recursive: true, force: true });
      return out;
    },
  };
}

let workloadPath: string | null = null;
/**
 * The workload's process name: unique per test process, so that filters on it never catch the workloads of
 * another test run on the same host (comm is at most 15 characters).
 */
export const WORKLOAD_COMM = `wl-${process.pid}`.slice(0, 15);
/** Compiles test/fixtures/workload.c once per run. */
export function workload(): string {
  if (workloadPath) return workloadPath;
  const dir = mkdtempSync(join(tmpdir(), "tracee-wl-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, WORKLOAD_COMM);
  const cc = Bun.spawnSync(["cc", "-O1", "-o", out, join(ROOT, "test/fixtures/workload.c")], { stderr: "pipe" });
  if (cc.exitCode !== 0) throw new Error(`compiling the workload failed: ${cc.stderr.toString()}`);
  workloadPath = out;
  return out;
}

/** Runs the workload with `steps` and resolves with its pid once it exited. */
export async function runWorkload(steps: string[]): Promise<{ pid: number; stdout: string }> {
  const p = Bun.spawn([workload(), ...steps], { stdout: "pipe", stderr: "inherit" });
  const stdout = await new Response(p.stdout).text();
  await p.exited;
  return { pid: p.pid, stdout };
}

/** Parses tracee's JSON lines, failing loudly on any line that does not parse. */
export function jsonLines(stdout: string): any[] {
  return stdout.split("\n").filter(Boolean).map((l) => {
    try {
      return JSON.parse(l);
    } catch {
      throw new Error(`tracee printed a line that is not JSON: ${l.slice(0, 200)}`);
    }
  });
}
