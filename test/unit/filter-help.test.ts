// `--trace help`: the examples it shows all parse, and the shell-quoting note ends it.
import { describe, expect, test } from "bun:test";
import { traceHelp, wantsHelp } from "../../src/filter/help.ts";
import { parseTrace } from "../../src/filter/parse.ts";

/** The expressions of one example line, with the shell's single quotes removed. */
function exampleExprs(line: string): { exprs: string[]; follow: boolean } {
  const cmd = line.split("|")[0].trim();
  const words = cmd.split(/\s+/).map((w) => w.replace(/^'(.*)'$/, "$1"));
  const exprs: string[] = [];
  let follow = false;
  for (let i = 0; i < words.length; i++) {
    if (words[i] === "--trace") exprs.push(words[++i]);
    else if (words[i] === "--follow") follow = true;
  }
  return { exprs, follow };
}

describe("traceHelp", () => {
  const examples = traceHelp().split("\n").filter((l) => l.trimStart().startsWith("--trace "));

  test("shows the reference's examples and this project's additions", () => {
    const text = traceHelp();
    for (const e of ["pid=new", "pid=510,1709", "p=510 --trace p=1709", "container=new", "'!container'", "uid=0",
      "mntns=4026531840", "pidns!=4026531836", "'uid>0'", "'pid>0' --trace 'pid<1000'", "'u>0' --trace u!=1000",
      "event=execve,open", "set=fs", "s=fs --trace e!=open,openat", "uts!=ab356bc4dd554", "comm=ls", "close.fd=5",
      "openat.pathname=/tmp*", "openat.pathname!=/tmp/1,/bin/ls", "comm=bash --trace follow", "event=open*",
      "event!=open*,dup*", "tree=476165", "tree!=5023", "tree=3213,5200 --trace tree!=3215", "'uid>=1000'",
      "'pid<=600'", "event:openat", "command=zsh --follow", "container=3f6ab1c2e85d", "'openat.pathname=*.so'"]) {
      expect(text).toContain(`--trace ${e}`);
    }
  });

  test(`every example parses`, () => {
    expect(examples.length).toBeGreaterThan(30);
    for (const line of examples) {
      const { exprs, follow } = exampleExprs(line);
      expect(() => parseTrace(exprs, { follow })).not.toThrow();
    }
  });

  test("ends with the note about quoting shell metacharacters", () => {
    expect(traceHelp().trimEnd().split("\n").slice(-2).join(" ")).toContain("single quotes");
  });

  test("help is recognised only as the sole value", () => {
    expect(wantsHelp(["help"])).toBe(true);
    expect(wantsHelp(["help", "uid=0"])).toBe(false);
    expect(wantsHelp(["uid=0"])).toBe(false);
  });
});
