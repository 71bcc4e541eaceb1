// The release's generated documents and the slim image's shape: the man page and the completions come from
// the flag definitions and help pages and offer only what tracee accepts; the image is the tarball's contents.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bashCompletion, helpWords, valueWords, zshCompletion } from "../../build/release/completions.ts";
import { manPage, roff } from "../../build/release/man.ts";
import { parseCapture } from "../../src/capture/options.ts";
import { ARGS } from "../../src/cli/args.ts";
import { parseCli } from "../../src/cli/parse.ts";
import { parseTrace } from "../../src/filter/parse.ts";
import { parseOutputOptions } from "../../src/output/options.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "tracee-unit-release-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const has = (cmd: string) => Bun.spawnSync(["sh", "-c", `command -v ${cmd}`]).exitCode === 0;

describe("the man page", () => {
  const page = manPage("9.8.7", "2030-01-02");
  const file = join(dir, "tracee.1");
  writeFileSync(file, page);

  test("renders with groff without a single warning", () => {
    const r = Bun.spawnSync(["groff", "-man", "-Tutf8", "-ww", "-z", file], { stderr: "pipe" });
    expect(r.stderr.toString()).toBe("");
    expect(r.exitCode).toBe(0);
  });

  test("documents every flag of --help with its aliases, value and default", () => {
    const text = Bun.spawnSync(["man", "-l", file], { stdout: "pipe", env: { MANWIDTH: "200", PATH: process.env.PATH! } }).stdout.toString();
    expect(text).toContain("tracee 9.8.7");
    for (const [name, d] of Object.entries(ARGS)) {
      const aliases = "alias" in d ? d.alias.map((a) => `-${a}, `).join("") : "";
      const value = d.type === "string" ? ` ${d.valueHint}` : "";
      expect(text).toContain(`${aliases}--${name}${value}\n`);
      expect(text.replace(/\s+/g, " ")).toContain(d.description.replace(/\s+/g, " "));
      if ("default" in d) expect(text).toContain(`Default: ${d.default}.`);
    }
  });

  test("carries the --trace, --output and --capture help pages and the environment variables", () => {
    for (const s of ["TRACE EXPRESSIONS", "OUTPUT OPTIONS", "CAPTURE OPTIONS", "TRACEE_BPF_FILE", "TRACEE_BTF_FILE", "tracee.pid", "CAP_PERFMON"]) expect(page).toContain(s);
    expect(page).toContain(roff("option:parse-arguments"));
  });

  test("escapes roff: backslashes, hyphens and lines starting with a control character", () => {
    expect(roff("a\\b")).toBe("a\\eb");
    expect(roff("--x")).toBe("\\-\\-x");
    expect(roff(".TH\n'x")).toBe("\\&.TH\n\\&'x");
  });
});

describe("completion words", () => {
  test("are the first word of each help line, cut before placeholders, examples left out", () => {
    const help = "Formats:\n  json       Print JSON\n  out-file:/path  Write\n  option:eot, eot   End\n  uid    user id   = != < >\n  follow   also\nExamples:\n  --output json\n  tracee --x\n";
    expect(helpWords(help)).toEqual(["json", "out-file:", "option:eot", "uid=", "follow"]);
  });

  test("every --output, --trace and --capture word is accepted by that flag's own parser", () => {
    const v = valueWords();
    const filled = (w: string, sample: string) => (/[=:]$/.test(w) ? w + sample : w);
    for (const w of v.output!) expect(() => parseOutputOptions([filled(w, "/tmp/tracee-x")])).not.toThrow();
    for (const w of v.trace!.filter((x) => x !== "help")) {
      const sample = w === "event=" ? "openat" : w === "set=" ? "fs" : w === "container=" ? "3f6ab1c2e85d" : "1";
      expect(() => parseTrace([filled(w, sample)])).not.toThrow();
    }
    for (const w of v.capture!) {
      const sample = w === "write=" ? "/etc/*" : w === "artifact:" ? "exec" : "/tmp/tracee-x";
      expect(() => parseCapture([filled(w, sample)])).not.toThrow();
    }
    for (const p of v["build-policy"]!) expect(parseCli(["--build-policy", p]).buildPolicy).toBe(p as never);
  });

  test("offer every event by name after event= and every set after set=", () => {
    const t = valueWords().trace!;
    expect(t).toContain("event=openat");
    expect(t).toContain("event=sched_process_exec");
    expect(t).toContain("set=default");
  });
});

describe("the bash completion", () => {
  const script = join(dir, "tracee.bash");
  beforeAll(() => writeFileSync(script, bashCompletion()));

  /** Completes `line` as bash would: COMP_WORDS split at blanks and at = and : (COMP_WORDBREAKS). */
  function complete(line: string): string[] {
    const words = line.split(/\s+/).flatMap((w) => w.split(/([=:])/).filter((x) => x !== ""));
    if (/\s$/.test(line)) words.push("");
    const arr = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(" ");
    const prog = `source '${script}'; COMP_LINE='${line}'; COMP_POINT=\${#COMP_LINE}; COMP_WORDS=(${arr}); COMP_CWORD=${words.length - 1}; _tracee; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = Bun.spawnSync(["bash", "--norc", "-c", prog], { stdout: "pipe", stderr: "pipe" });
    expect(r.stderr.toString()).toBe("");
    return r.stdout.toString().split("\n").filter(Boolean);
  }

  test("completes flag names", () => {
    expect(complete("tracee --bu")).toEqual(["--build-policy", "--build-bpf"]);
    expect(complete("tracee --list --tr")).toEqual(["--trace"]);
  });
  test("completes the build policies", () => {
    expect(complete("tracee --build-policy ")).toEqual(["never", "if-needed", "always"]);
    expect(complete("tracee --build-policy if")).toEqual(["if-needed"]);
  });
  test("completes event names after event=, handing back only the part after the =", () => {
    expect(complete("tracee -t event=opena")).toEqual(["openat", "openat2"].filter((e) => valueWords().trace!.includes(`event=${e}`)));
    expect(complete("tracee --trace event=")).toContain("=openat");
    expect(complete("tracee --trace ev")).toContain("event=");
  });
  test("completes --output options after option:", () => {
    expect(complete("tracee --output option:rel")).toEqual(["relative-time"]);
    expect(complete("tracee -o js")).toEqual(["json"]);
  });
  test("completes folders for --install-path", () => {
    expect(complete("tracee --install-path /us")).toEqual(["/usr"]);
  });
});

describe("the zsh completion", () => {
  test.if(has("zsh"))("is valid zsh and defines a spec for every flag", () => {
    const file = join(dir, "_tracee");
    writeFileSync(file, zshCompletion());
    const r = Bun.spawnSync(["zsh", "-n", file], { stderr: "pipe" });
    expect(r.stderr.toString()).toBe("");
    expect(r.exitCode).toBe(0);
    for (const name of Object.keys(ARGS)) expect(zshCompletion()).toContain(`--${name}`);
    expect(zshCompletion()).toContain(":policy:(never if-needed always)");
  });
});

describe("the slim image", () => {
  const docker = readFileSync(join(ROOT, "Dockerfile.slim"), "utf8");
  const stages = docker.split(/^FROM /m).slice(1);

  test("builds with the project's own release script", () => {
    expect(stages[0]).toMatch(/RUN npm run release && mkdir \/release && tar -xzf dist\/tracee-\*-linux-x86_64\.tar\.gz -C \/release --strip-components=1/);
  });

  test("its runtime stage is a slim Debian base plus exactly the tarball's contents, entered at bin/tracee", () => {
    const runtime = stages[stages.length - 1].split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    expect(runtime).toEqual(["debian:bookworm-slim", "COPY --from=build /release/ /opt/tracee/", 'ENTRYPOINT ["/opt/tracee/bin/tracee"]']);
  });

  test("does not copy host build products into the build", () => {
    expect(readFileSync(join(ROOT, ".dockerignore"), "utf8").split("\n")).toEqual(expect.arrayContaining(["node_modules", "dist"]));
  });
});
