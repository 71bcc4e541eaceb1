// Starts dist/tracee as a plain child with its own TMPDIR and capture folder, for tests that watch how it ends.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireRoot, TRACEE } from "./tracee.ts";

export interface Launched {
  proc: ReturnType<typeof Bun.spawn>;
  pid: number;
  /** --capture dir: (the readiness file is out/tracee.pid in it). */
  dir: string;
  /** TMPDIR given to tracee: Bun extracts embedded files there, so it must stay empty. */
  tmp: string;
  readiness: string;
  stdout: Promise<string>;
  stderr: Promise<string>;
  cleanup(): void;
}

/** Waits for `file` to exist (tracee's readiness file), failing when `alive` says the process is gone. */
export async function waitFor(file: string, alive: () => boolean, ms = 20000): Promise<void> {
  const t0 = Date.now();
  while (!existsSync(file)) {
    if (!alive() || Date.now() - t0 > ms) throw new Error(`${file} did not appear`);
    await Bun.sleep(20);
  }
}

export async function launch(args: string[], o: { stdout?: number } = {}): Promise<Launched> {
  requireRoot();
  const dir = mkdtempSync(join(tmpdir(), "tracee-rel-"));
  const tmp = mkdtempSync(join(tmpdir(), "tracee-rel-tmp-"));
  const proc = Bun.spawn([TRACEE, ...args, "--capture", `dir:${dir}`], {
    stdout: o.stdout ?? "pipe", stderr: "pipe", env: { ...process.env, TMPDIR: tmp },
  });
  const stdout = o.stdout === undefined ? new Response(proc.stdout as ReadableStream).text() : Promise.resolve("");
  const stderr = new Response(proc.stderr as ReadableStream).text();
  const readiness = join(dir, "out/tracee.pid");
  try {
    await waitFor(readiness, () => proc.exitCode === null && proc.signalCode === null);
  } catch (e) {
    proc.kill("SIGKILL");
    throw new Error(`tracee did not become ready: ${await stderr}`);
  }
  return {
    proc, pid: proc.pid, dir, tmp, readiness, stdout, stderr,
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Files left in a folder (TMPDIR must be empty after tracee: no `.bun-*` extraction, no memfd copy). */
export const filesIn = (d: string) => readdirSync(d);

export const pidIn = (readiness: string) => Number(readFileSync(readiness, "utf8").trim());
