// Builds the eBPF object on this host from the sources inside the executable: unpack to a private temporary
// folder, compile with the host's clang (without capabilities), link with libbpf, check, install atomically.
// Needs no privileges and never touches the kernel.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { effectiveCaps } from "../../ffi/libc.ts";
import { log } from "../log.ts";
import { PreflightError } from "../tracer/preflight.ts";
import { clangArgs, unpackBundle } from "./bundle.ts";
import { builtName } from "./names.ts";
import { ensurePrivateDir, euid, installFile } from "./safe-fs.ts";
import { checkObject } from "./stamp.ts";

/** CO-RE field relocations as tracee's sources use them need clang 12 (the minimum of the reference too). */
export const MIN_CLANG = 12;
const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

export interface Clang { path: string; major: number }

function clangMajor(path: string): number | null {
  const p = Bun.spawnSync([path, "--version"], { stdout: "pipe", stderr: "pipe", env: { PATH: DEFAULT_PATH } });
  const m = /clang version (\d+)\./.exec(p.stdout.toString());
  return p.exitCode === 0 && m ? Number(m[1]) : null;
}

/** `CLANG` (a clang binary or the folder holding it) wins; else `clang`, then `clang-NN`, along PATH. */
export function findClang(env: Record<string, string | undefined> = process.env): Clang {
  let candidates: string[];
  if (env.CLANG) {
    const c = existsSync(env.CLANG) && statSync(env.CLANG).isDirectory() ? join(env.CLANG, "clang") : env.CLANG;
    if (!existsSync(c)) throw new PreflightError(`CLANG=${env.CLANG} names no clang binary; fix it or unset it`);
    candidates = [c];
  } else {
    const names = ["clang", ...Array.from({ length: 12 }, (_, i) => `clang-${21 - i}`)];
    const dirs = (env.PATH || DEFAULT_PATH).split(":").filter(Boolean);
    candidates = names.flatMap((n) => dirs.map((d) => join(d, n))).filter((p) => existsSync(p));
  }
  let old: string | null = null;
  for (const path of candidates) {
    const major = clangMajor(path);
    if (major === null) continue;
    if (major >= MIN_CLANG) return { path, major };
    old ??= `${path} is clang ${major}`;
  }
  throw new PreflightError(
    old
      ? `building the eBPF object needs clang >= ${MIN_CLANG}, but ${old}; install a newer clang (point CLANG at it) or use the object inside tracee (--build-policy if-needed)`
      : `building the eBPF object needs clang >= ${MIN_CLANG}, found none in ${env.CLANG ? "CLANG" : "PATH"}; install clang or use the object inside tracee (--build-policy if-needed)`,
  );
}

const CAP_SETPCAP = 8;

/**
 * The compiler needs no capability, so it gets none: root's children would get the whole bounding set, and an
 * ordinary user's would keep ambient ones. Dropping the bounding set needs CAP_SETPCAP (root has it).
 */
function withoutCapabilities(cmd: string[]): string[] {
  const caps = effectiveCaps();
  const root = euid() === 0;
  if (!root && caps === 0n) return cmd;
  const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => existsSync(p));
  if (!setpriv) {
    log.debug("setpriv not found: the compiler runs with tracee's capabilities");
    return cmd;
  }
  const drop = ["--inh-caps=-all", "--ambient-caps=-all"];
  if (caps & (1n << BigInt(CAP_SETPCAP))) drop.push("--bounding-set=-all");
  else if (root) log.debug("no CAP_SETPCAP to empty the bounding set: the compiler keeps root's capabilities");
  return [setpriv, ...drop, "--no-new-privs", "--", ...cmd];
}

export interface BuildOptions {
  /** The gzip'd bundle carried by the executable. */
  sources: Uint8Array;
  installPath: string;
  /** Links the compiler's output into the final object (libbpf's linker). */
  link: (out: string, inputs: string[]) => void;
  /** Keep the temporary build folder for inspection (--debug). */
  keepTemp?: boolean;
  env?: Record<string, string | undefined>;
}

export interface Built { path: string; bytes: Uint8Array; abi: string }

export function buildObject(o: BuildOptions): Built {
  const bundle = unpackBundle(o.sources);
  const clang = findClang(o.env);
  ensurePrivateDir(o.installPath, "--install-path");
  const tmp = mkdtempSync(join(tmpdir(), "tracee-make-"));
  try {
    const src = join(tmp, "src");
    for (const f of bundle.files) {
      mkdirSync(dirname(join(src, f.name)), { recursive: true, mode: 0o700 });
      writeFileSync(join(src, f.name), f.bytes, { mode: 0o600 });
    }
    const raw = join(tmp, "raw.o");
    const linked = join(tmp, "tracee.bpf.o");
    const cmd = withoutCapabilities([clang.path, ...clangArgs(bundle.abi, raw)]);
    log.debug(`building the eBPF object in ${tmp}: ${cmd.join(" ")}`);
    const t0 = performance.now();
    const p = Bun.spawnSync(cmd, { cwd: src, stdout: "pipe", stderr: "pipe", env: { PATH: o.env?.PATH || process.env.PATH || DEFAULT_PATH } });
    const output = (p.stderr.toString() + p.stdout.toString()).trim();
    if (output) log.debug(`clang: ${output}`);
    if (p.exitCode !== 0) {
      const first = output.split("\n").find((l) => /error/.test(l)) ?? output.split("\n")[0] ?? `exit ${p.exitCode}`;
      throw new PreflightError(`clang failed to compile the eBPF object: ${first.trim()}; run with --debug for the whole output`);
    }
    o.link(linked, [raw]);
    const bytes = new Uint8Array(readFileSync(linked));
    checkObject(bytes, bundle.abi);
    const path = installFile(o.installPath, builtName(), bytes);
    log.debug(`built the eBPF object with ${clang.path} (clang ${clang.major}) in ${Math.round(performance.now() - t0)} ms: ${path}, abi ${bundle.abi}`);
    return { path, bytes, abi: bundle.abi };
  } finally {
    if (o.keepTemp) log.debug(`kept the build folder ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}
