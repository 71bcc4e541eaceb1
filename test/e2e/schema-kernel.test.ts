// The schema against the running kernel: every syscall the kernel can trace is an event, with the kernel's
// arity; string and sockaddr arguments are where the kernel has them (read from tracefs: root only).
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { EVENTS } from "../../src/events/schema.ts";
import { requireRoot } from "../helpers/tracee.ts";

const DIR = "/sys/kernel/tracing/events/syscalls";
// the kernel's SYSCALL_DEFINE names where x86-64 (and the schema) use another
const ALIAS: Record<string, string> = { newstat: "stat", newlstat: "lstat", newfstat: "fstat", newuname: "uname", sendfile64: "sendfile" };

interface KernelSyscall { name: string; fields: { type: string; name: string }[] }

function kernelSyscalls(): KernelSyscall[] {
  return readdirSync(DIR).filter((d) => d.startsWith("sys_enter_")).map((d) => {
    const fmt = readFileSync(`${DIR}/${d}/format`, "utf8");
    const fields = [...fmt.matchAll(/field:([^;]+);\s+offset:/g)].map((m) => m[1].trim())
      .filter((f) => !f.includes("common_") && !f.includes("__syscall_nr"))
      .map((f) => {
        const m = /^(.*?)\s*([A-Za-z_0-9]+)$/.exec(f)!;
        return { type: m[1].replace(/\s*\*/g, "*").trim(), name: m[2] };
      });
    const raw = d.slice("sys_enter_".length);
    return { name: ALIAS[raw] ?? raw, fields };
  });
}

describe("the syscall schema against this kernel", () => {
  requireRoot();
  const syscalls = existsSync(DIR) ? kernelSyscalls() : [];
  const byName = new Map(EVENTS.filter((e) => e.id < 1000).map((e) => [e.name, e]));

  test("tracefs lists this kernel's syscalls", () => {
    expect(syscalls.length).toBeGreaterThan(300);
  });

  test("every syscall the kernel traces is in the schema", () => {
    expect(syscalls.filter((s) => !byName.has(s.name)).map((s) => s.name)).toEqual([]);
  });

  test("each has the kernel's number of arguments", () => {
    const wrong = syscalls.filter((s) => byName.get(s.name)!.params.length !== s.fields.length)
      .map((s) => `${s.name}: schema ${byName.get(s.name)!.params.length}, kernel ${s.fields.length}`);
    expect(wrong).toEqual([]);
  });

  test("arguments the kernel declares as sockaddrs or NUL-terminated names are decoded as such", () => {
    const wrong: string[] = [];
    for (const s of syscalls) {
      const e = byName.get(s.name)!;
      s.fields.forEach((f, i) => {
        const p = e.params[i];
        if (f.type.includes("sockaddr*") && p.wire !== "sockaddr") wrong.push(`${s.name}.${p.name}: ${p.wire}`);
        // file names and other strings the kernel reads with strncpy_from_user are `const char*` in tracefs
        if (f.type === "const char*" && /name|path|file|key|type|special|library|fsname/.test(f.name) && p.wire !== "str") {
          wrong.push(`${s.name}.${p.name}: ${p.wire}`);
        }
      });
    }
    expect(wrong).toEqual([]);
  });
});
