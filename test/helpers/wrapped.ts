// Runs tracee behind a wrapper (setpriv, unshare, env -i) for e2e tests of privileges, BTF and the release:
// waits for the readiness file, stops tracee by the pid written there, and proves a traced child was seen.
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsonLines, runWorkload } from "./tracee.ts";

export const NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];

export interface Finished { code: number | null; stdout: string; stderr: string }

/** Runs a command to its end (for runs that are expected to stop on their own). */
export function runToEnd(cmd: string[], env?: Record<string, string>): Finished {
  const p = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe", env: env ?? process.env, timeout: 60000 });
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

/** A fresh capture folder for one run; `owner` makes it usable by an unprivileged tracee. */
export function captureDir(owner?: number): string {
  const d = mkdtempSync(join(tmpdir(), "tracee-e2e-cap-"));
  if (owner !== undefined) chownSync(d, owner, owner);
  return d;
}

export interface Wrapped {
  pid: number;
  /** Stops tracee; the capture folder is removed afterwards unless `keep` is set. */
  stop(keep?: boolean): Promise<Finished>;
}

/**
 * Starts `cmd` (whose tracee is given `--capture dir:<cap>`) and resolves once `<cap>/out/tracee.pid` holds a pid.
 */
export async function startWrapped(cmd: string[], cap: string, env?: Record<string, string>, timeoutMs = 30000): Promise<Wrapped> {
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", env: env ?? process.env });
  const stdout = new Response(proc.stdout).text();
  const stderr = new Response(proc.stderr).text();
  const pidFile = join(cap, "out/tracee.pid");
  const t0 = Date.now();
  let pid = 0;
  while (!pid) {
    if (existsSync(pidFile)) pid = Number(readFileSync(pidFile, "utf8").trim());
    else if (proc.exitCode !== null || Date.now() - t0 > timeoutMs) {
      proc.kill("SIGKILL");
      throw new Error(`tracee did not become ready (exit ${proc.exitCode}): ${await stderr}`);
    } else await Bun.sleep(20);
  }
  return {
    pid,
    async stop(keep = false) {
      process.kill(pid, "SIGINT");
      const code = await proc.exited;
      const out = { code, stdout: await stdout, stderr: await stderr };
      if (!keep) rmSync(cap, { recursive: true, force: true });
      return out;
    },
  };
}

/** Starts a wrapped tracee that prints openat as JSON, runs a child that opens a unique path, and returns both. */
export async function traceOneOpen(
  cmd: (cap: string) => string[],
  opts: { owner?: number; env?: Record<string, string>; onReady?: (pid: number) => void } = {},
) {
  const cap = captureDir(opts.owner);
  const t = await startWrapped(cmd(cap), cap, opts.env);
  opts.onReady?.(t.pid);
  const path = `/tmp/tracee-e2e-open-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const child = await runWorkload([`openat:${path}:0:0`]);
  await Bun.sleep(300);
  const r = await t.stop();
  const events = r.code === 0 ? jsonLines(r.stdout) : [];
  const open = events.find((e) => e.hostProcessId === child.pid && e.eventName === "openat" && e.args?.[1]?.value === path);
  return { ...r, traceePid: t.pid, child: child.pid, open };
}

/** Runs `cmd` under strace and returns the bpf() and perf_event_open() calls it made (all threads, children). */
export function kernelCalls(cmd: string[]): { result: Finished; calls: string[] } {
  const log = join(mkdtempSync(join(tmpdir(), "tracee-e2e-strace-")), "calls");
  const result = runToEnd(["strace", "-f", "-qq", "-e", "trace=bpf,perf_event_open", "-o", log, ...cmd]);
  const calls = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter((l) => /\b(bpf|perf_event_open)\(/.test(l)) : [];
  rmSync(join(log, ".."), { recursive: true, force: true });
  return { result, calls };
}
