// The kernel's verifier accepts every program of the object, kprobe ones included, although this kernel can
// attach no kprobe: each is loaded (never attached) with every filter and option off, and with all of them on,
// so the code the load-time constants remove in one setting is verified in the other (with the option no_bpf_loop,
// which all-on includes, the plain loops that kernels before 5.17 take).
import { readFileSync } from "node:fs";
import { describe, expect, test } from "bun:test";
import { loadLibbpf } from "../../ffi/loader.ts";
import * as bpf from "../../ffi/libbpf.ts";
import { FILTER, OPTION } from "../../src/events/schema.ts";
import { PROGRAMS } from "../../src/tracer/programs.ts";
import { encodeConfig } from "../../src/tracer/config.ts";
import { requireRoot, ROOT } from "../helpers/tracee.ts";

const OBJECT = ROOT + "dist/embed/tracee.bpf.o";
const log: string[] = [];

interface Loaded { programs: { name: string; section: string; fd: number; verifiedInsns: number }[] }

/** Instructions the verifier processed for a loaded program (fdinfo's verified_insns, from 5.16). */
const verifiedInsns = (fd: number) => Number(/^verified_insns:\s*(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"))?.[1] ?? NaN);

/** Opens the object, keeps autoload only for programs `pick` accepts, loads, reports, closes. */
async function loadOnly(pick: (section: string) => boolean, config: Uint8Array): Promise<Loaded> {
  const bytes = new Uint8Array(await Bun.file(OBJECT).arrayBuffer());
  const obj = bpf.openObject(bytes, { objectName: "verify" });
  try {
    bpf.setInitialValue(bpf.findMap(obj, ".rodata.cfg"), config);
    const progs = [...bpf.programs(obj)];
    for (const p of progs) bpf.setAutoload(p, pick(bpf.programSection(p)));
    log.length = 0;
    try {
      bpf.loadObject(obj);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${log.filter((l) => !l.includes("relocat")).slice(-30).join("\n")}`);
    }
    return {
      programs: progs.filter((p) => bpf.programAutoload(p))
        .map((p) => ({ name: bpf.programName(p), section: bpf.programSection(p), fd: bpf.programFd(p), verifiedInsns: verifiedInsns(bpf.programFd(p)) })),
    };
  } finally {
    bpf.closeObject(obj);
  }
}

const allOff = () => encodeConfig({ tracee_pid: 1 });
const allOn = () => encodeConfig({
  tracee_pid: 1,
  options: Object.values(OPTION).reduce((a, b) => a | b, 0) & ~OPTION.cgroup_v1,
  filter_enabled: Object.values(FILTER).reduce((a, b) => a | b, 0),
  filter_out: FILTER.uid | FILTER.pid | FILTER.tree,
  uid_lt: 1000n, pid_gt: 1n,
});
const isKprobe = (s: string) => /^k(ret)?probe(\/|$)/.test(s); // "kprobe" alone: a tail-call target

describe("the verifier", () => {
  test("accepts every kprobe program with everything off and with everything on", async () => {
    requireRoot();
    loadLibbpf(null, (_l, m) => log.push(m));
    for (const cfg of [allOff(), allOn()]) {
      const r = await loadOnly(isKprobe, cfg);
      const expected = Object.keys(PROGRAMS).filter((n) => PROGRAMS[n].way === "kprobe");
      expect(r.programs.map((p) => p.name)).toEqual(expect.arrayContaining(expected));
      for (const p of r.programs) expect(p.fd).toBeGreaterThan(0);
    }
  });

  test("accepts every other program (tracepoint ways included) in both settings", async () => {
    requireRoot();
    loadLibbpf(null, (_l, m) => log.push(m));
    for (const cfg of [allOff(), allOn()]) {
      const r = await loadOnly((s) => !isKprobe(s), cfg);
      const expected = Object.keys(PROGRAMS).filter((n) => PROGRAMS[n].way !== "kprobe");
      expect(r.programs.map((p) => p.name)).toEqual(expect.arrayContaining(expected));
      for (const p of r.programs) expect(p.fd).toBeGreaterThan(0);
    }
  });

  test("with bpf_loop (5.17+) the argv/envp and path loops are verified once, not once per iteration", async () => {
    requireRoot();
    loadLibbpf(null, (_l, m) => log.push(m));
    const heavy = ["tracepoint__raw_syscalls__sys_enter", "tracepoint__raw_syscalls__sys_exit", "tracepoint__sched__sched_process_exec"];
    const pick = (s: string) => ["raw_tracepoint/sys_enter", "raw_tracepoint/sys_exit", "raw_tracepoint/sched_process_exec"].includes(s);
    const count = async (options: number) => {
      const r = await loadOnly(pick, encodeConfig({ tracee_pid: 1, options }));
      return Object.fromEntries(r.programs.map((p) => [p.name, p.verifiedInsns]));
    };
    const loop = await count(0);
    const plain = await count(OPTION.no_bpf_loop);
    for (const name of heavy) {
      expect(loop[name]).toBeGreaterThan(0);
      // 4-5k instead of 26-32k on 6.18: a loop helper that silently fell back would fail here
      expect(loop[name] * 3).toBeLessThan(plain[name]);
    }
  });
});
