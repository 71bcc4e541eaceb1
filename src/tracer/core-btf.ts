// A minimal BTF for CO-RE: only the kernel types and members this object's relocations use (BTFGen), made by
// `bpftool gen min_core_btf` once per boot and kept in the install path. libbpf then relocates against ~13 KB instead
// of parsing and searching the kernel's ~5 MB BTF, which was more than half of the load's time. It is a cache: when
// it is missing, unusable or bpftool is absent, libbpf uses the kernel's BTF as before, and nothing else changes.
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { btfParses } from "../../ffi/libbpf.ts";
import { memfdWithBytes } from "../../ffi/libc.ts";
import { ensurePrivateDir, euid, installFile, readChecked, trustedDirExists } from "../bpf-object/safe-fs.ts";
import { log } from "../log.ts";
import { KERNEL_BTF, PreflightError } from "./preflight.ts";

const PREFIX = "tracee.core-btf.";

/**
 * The cache file's name for this boot and this object. The kernel's BTF cannot change while it runs, so the boot id
 * (with the kernel's version string and BTF size, for clarity) names it without reading 5 MB from sysfs on every
 * start; after a reboot the file is made again, and those of earlier boots are removed.
 */
export function coreBtfName(objectSha256: string, kernelBtf = KERNEL_BTF): string {
  const h = new Bun.CryptoHasher("sha256");
  h.update(readFileSync("/proc/sys/kernel/random/boot_id"));
  h.update(readFileSync("/proc/version"));
  h.update(String(statSync(kernelBtf).size));
  h.update(objectSha256);
  return `${PREFIX}${h.digest("hex").slice(0, 16)}.btf`;
}

/**
 * The cached minimal BTF, checked (a regular file of root's or ours, not a link, that libbpf parses) and copied into
 * a memfd so that what libbpf opens is what was checked; its /proc/self/fd path, or null to use the kernel's BTF.
 */
export function cachedCoreBtf(installPath: string, name: string): string | null {
  const path = join(installPath, name);
  try {
    if (!trustedDirExists(installPath, "--install-path") || !existsSync(path)) return null;
    const fdPath = memfdWithBytes("tracee-core-btf", readChecked(path, { noSymlink: true, owners: [0, euid()] }));
    if (btfParses(fdPath)) return fdPath;
    log.warn(`ignoring ${path}: not BTF that libbpf can parse; it is made again`);
  } catch (e) {
    if (!(e instanceof PreflightError)) throw e;
    log.warn(`ignoring the cached minimal BTF: ${e.message}`);
  }
  return null;
}

function findBpftool(): string | null {
  const path = [process.env.PATH ?? "", "/usr/local/sbin", "/usr/sbin", "/sbin"].join(":");
  return Bun.which("bpftool", { PATH: path });
}

/** A minimal BTF being made in the background (started once tracing runs, so start-up does not wait for it). */
export interface CoreBtfJob {
  /** Waits for it (at most `timeoutMs`, then stops it); leaves no temporary file behind. */
  finish(timeoutMs?: number): Promise<void>;
}

/** Starts making `installPath/name` from the object; null (with a debug note) when it cannot be made here. */
export function makeCoreBtf(installPath: string, name: string, object: Uint8Array): CoreBtfJob | null {
  const bpftool = findBpftool();
  if (!bpftool) {
    log.debug("minimal BTF: bpftool is not installed, so libbpf relocates against the kernel's whole BTF (install bpftool for faster starts)");
    return null;
  }
  // the folder is private to us: these names cannot have been planted
  const objectFile = join(installPath, `.core-btf.${process.pid}.o`);
  const out = join(installPath, `.core-btf.${process.pid}.btf`);
  const cleanUp = () => {
    rmSync(objectFile, { force: true });
    rmSync(out, { force: true });
  };
  const started = performance.now();
  let child: Bun.Subprocess<"ignore", "ignore", "pipe">;
  let ours = false;
  try {
    ensurePrivateDir(installPath, "--install-path");
    ours = true;
    installFile(installPath, `.core-btf.${process.pid}.o`, object, 0o600);
    child = Bun.spawn([bpftool, "gen", "min_core_btf", KERNEL_BTF, out, objectFile], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  } catch (e) {
    if (ours) cleanUp();
    log.debug(`minimal BTF: not made (${e instanceof Error ? e.message : String(e)})`);
    return null;
  }
  // an exit without finish() (a second Ctrl-C) leaves no bpftool running and no temporary file either
  const onExit = () => {
    child.kill();
    cleanUp();
  };
  process.once("exit", onExit);
  const done = child.exited.then(async (code) => {
    if (code !== 0) {
      const why = (await new Response(child.stderr).text()).trim().split("\n").pop();
      log.debug(`minimal BTF: bpftool gen min_core_btf failed (exit ${code}${why ? `: ${why}` : ""}); the kernel's BTF stays in use`);
      return;
    }
    const bytes = readChecked(out, { noSymlink: true, owners: [euid()] });
    if (!btfParses(out)) {
      log.debug("minimal BTF: bpftool's output does not parse as BTF; not kept");
      return;
    }
    installFile(installPath, name, bytes, 0o644);
    // files of earlier boots are of no more use (another tracee build's file of this boot is left to it)
    const bootMs = Date.now() - Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) * 1000;
    for (const f of readdirSync(installPath)) {
      const p = join(installPath, f);
      if (f.startsWith(PREFIX) && f !== name && lstatSync(p).mtimeMs < bootMs) rmSync(p, { force: true });
    }
    log.debug(`minimal BTF: made ${join(installPath, name)} (${bytes.length} bytes, ${(performance.now() - started).toFixed(0)} ms); later starts load faster`);
  }).catch((e) => log.debug(`minimal BTF: not kept (${e instanceof Error ? e.message : String(e)})`)).finally(() => {
    process.off("exit", onExit);
    cleanUp();
  });
  return {
    async finish(timeoutMs = 5000) {
      let timer: Timer | undefined;
      const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), timeoutMs)));
      if ((await Promise.race([done, late])) === "late") {
        child.kill();
        log.debug(`minimal BTF: bpftool took over ${timeoutMs} ms; stopped`);
      }
      clearTimeout(timer);
      await done;
    },
  };
}
