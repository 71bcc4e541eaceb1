// Tests of the gotemplate subset: each construct, printf, errors with line numbers and the printer around it.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { UsageError } from "../../src/errors.ts";
import { createPrinter, type PrinterContext } from "../../src/output/create.ts";
import { execute } from "../../src/output/gotemplate/exec.ts";
import { sprintf } from "../../src/output/gotemplate/printf.ts";
import { parseOutputOptions } from "../../src/output/options.ts";
import { compileTemplate, templateData, TemplateError } from "../../src/output/template.ts";
import { arg, event, README_EVENTS } from "../helpers/output-events.ts";

const TS = 1700176751869971789n;
const run = (text: string, ev = README_EVENTS[0]) => execute(compileTemplate(text, "t.tmpl"), templateData(ev, TS));
const syntax = (text: string) => {
  try {
    compileTemplate(text, "template.tmpl");
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error("no syntax error");
};
const CTX: PrinterContext = { bootEpochNs: 1_700_000_000_123_456_789n, startMonoNs: 0n };

describe("gotemplate", () => {
  test("exposes the Go Event field names", () => {
    const ev = event("openat", {
      processId: 1, threadId: 2, parentProcessId: 3, hostProcessId: 4, hostThreadId: 5, hostParentProcessId: 6,
      userId: 7, mountNamespace: 8, pidNamespace: 9, processName: "cat", hostName: "h", containerId: "c1",
      returnValue: -2, stackAddresses: [10, 11], args: [arg("openat", "pathname", "/etc/passwd")],
    });
    expect(run("{{.Timestamp}} {{.ProcessID}} {{.ThreadID}} {{.ParentProcessID}} {{.HostProcessID}} {{.HostThreadID}} " +
      "{{.HostParentProcessID}} {{.UserID}} {{.MountNS}} {{.PIDNS}} {{.ProcessName}} {{.HostName}} {{.ContainerID}} " +
      "{{.EventID}} {{.EventName}} {{.ArgsNum}} {{.ReturnValue}} {{.StackAddresses}}", ev))
      .toBe("1700176751869971789 1 2 3 4 5 6 7 8 9 cat h c1 257 openat 1 -2 [10 11]");
  });

  test("adds no newline after an event", () => {
    expect(run("{{.EventName}}")).toBe("execve");
  });

  test("ranges over args with dot and with variables", () => {
    expect(run("{{range .Args}}{{.Name}}({{.Type}})={{.Value}};{{end}}"))
      .toBe("pathname(const char*)=/usr/bin/ls;argv(const char*const*)=[ls];");
    expect(run("{{range $i, $a := .Args}}{{if $i}}, {{end}}{{$i}}:{{$a.Name}}{{end}}")).toBe("0:pathname, 1:argv");
    expect(run("{{range $a := .Args}}{{$a.Name}} {{end}}")).toBe("pathname argv ");
    expect(run("{{range .StackAddresses}}x{{else}}no stack{{end}}")).toBe("no stack");
    expect(run("{{range 3}}{{.}}{{end}}")).toBe("012");
  });

  test("supports break and continue in range", () => {
    expect(run(`{{range .Args}}{{if eq .Name "pathname"}}{{continue}}{{end}}{{.Name}}{{end}}`)).toBe("argv");
    expect(run(`{{range .Args}}{{if eq .Name "argv"}}{{break}}{{end}}{{.Name}}{{end}}`)).toBe("pathname");
  });

  test("branches with if, else if, else and the comparison functions", () => {
    const t = `{{if eq .UserID 0}}root{{else if and (ge .UserID 1000) (lt .UserID 60000)}}user{{else}}system{{end}}`;
    expect(run(t)).toBe("user");
    expect(run(t, event("close", { userId: 0 }))).toBe("root");
    expect(run(t, event("close", { userId: 101 }))).toBe("system");
    expect(run(`{{if eq .EventName "open" "execve"}}y{{end}} {{if ne .ProcessName "zsh"}}n{{else}}z{{end}}`)).toBe("y z");
    expect(run(`{{if gt .ProcessID 100}}a{{end}}{{if le 1 1}}b{{end}}{{if not .ContainerID}}c{{end}}`)).toBe("abc");
    expect(run(`{{or .ContainerID "host"}} {{and 1 0}} {{and 1 "x"}}`)).toBe("host 0 x");
  });

  test("sets dot with with", () => {
    expect(run(`{{with .HostName}}on {{.}}{{end}}`)).toBe("on laptop");
    expect(run(`{{with .ContainerID}}{{.}}{{else}}no container{{end}}`)).toBe("no container");
  });

  test("formats with printf verbs, widths and flags", () => {
    expect(run(`{{printf "%s %d %x %-10s| %5d %q" .EventName .ProcessID 255 .ProcessName .UserID .ProcessName}}`))
      .toBe(`execve 14726 ff zsh       |  1000 "zsh"`);
    expect(run(`{{printf "%08.3f|%X|%#x|%+d|%o|%t|%c|%v|%+v" 3.14159 255 255 5 8 true 65 .Args .ReturnValue}}`))
      .toBe("0003.142|FF|0xff|+5|10|true|A|[{pathname const char* /usr/bin/ls} {argv const char*const* [ls]}]|0");
    expect(run(`{{printf "%d" .Timestamp}}`)).toBe("1700176751869971789");
    expect(sprintf("%d %s", [1])).toBe("1 %!s(MISSING)");
    expect(sprintf("%d", ["x"])).toBe("%!d(string=x)");
    expect(sprintf("%d", [1, 2])).toBe("1%!(EXTRA int=2)");
    expect(sprintf("%5.2s|%-4d|%%", ["abc", 7])).toBe("   ab|7   |%");
    // Go's limits on widths and precisions (fmt's tooLarge: 1e6)
    expect(sprintf("a%42967296s|b", ["x"])).toBe("a%!(NOVERB)%!(EXTRA string=x)");
    expect(sprintf("%.99999999d", [1])).toBe("%!(NOVERB)%!(EXTRA int=1)");
    expect(sprintf("%1000000s|", ["x"]).length).toBe(1000001);
    expect(sprintf("%*s|", [2000000, "x"])).toBe("%!(BADWIDTH)x|");
    expect(sprintf("%*s|", ["w", "x"])).toBe("%!(BADWIDTH)x|");
    expect(sprintf("%-*d|", [3, 7])).toBe("7  |");
    expect(sprintf("%.*s|", [-1, "abc"])).toBe("%!(BADPREC)abc|");
    expect(sprintf("%.*s|", [2, "abc"])).toBe("ab|");
    expect(sprintf("%q", ["a\n\x1b\u202e"])).toBe('"a\\n\\x1b\\u202e"');
  });

  test("pipes values into the last argument and chains fields of parenthesised results", () => {
    expect(run(`{{.ProcessID | printf "pid=%d"}}`)).toBe("pid=14726");
    expect(run(`{{(index .Args 0).Value}} {{(index .Args 1).Value | len}}`)).toBe("/usr/bin/ls 1");
    expect(run(`{{index (index .Args 1).Value 0}}`)).toBe("ls");
  });

  test("counts with len and reads maps by key", () => {
    expect(run(`{{len .Args}} {{len .ProcessName}} {{len "é"}}`)).toBe("2 3 2");
    const ev = event("connect", { args: [arg("connect", "addr", { sa_family: "AF_INET", sin_port: "80", sin_addr: "1.2.3.4" })] });
    expect(run(`{{range .Args}}{{.Value.sin_addr}}:{{.Value.sin_port}} {{index .Value "sa_family"}} {{.Value}}{{end}}`, ev))
      .toBe("1.2.3.4:80 AF_INET map[sa_family:AF_INET sin_addr:1.2.3.4 sin_port:80]");
  });

  test("declares and assigns variables", () => {
    expect(run(`{{$n := 0}}{{range .Args}}{{$n = len .Name}}{{end}}{{$n}} {{$.EventName}}`)).toBe("4 execve");
    expect(run(`{{range .Args}}{{$.ProcessName}}{{end}}`)).toBe("zshzsh");
  });

  test("trims white space around {{- and -}} and drops comments", () => {
    expect(run("a  \n {{- .EventName -}} \n  b")).toBe("aexecveb");
    expect(run("{{/* a\nmultiline comment */}}x{{- /* trimmed */ -}}  \n y")).toBe("xy");
    expect(run("{{.ArgsNum}} {{- 3}}")).toBe("23");
    expect(run("{{ -3 }}")).toBe("-3");
  });

  test("prints literals and print/println like Go", () => {
    expect(run(`{{"a\\tb"}} {{\`raw\\n\`}} {{'A'}} {{0x10}} {{true}} {{print 1 2 "s" 3}}`)).toBe("a\tb raw\\n 65 16 true 1 2s3");
    expect(run(`{{println "a" 1}}`)).toBe("a 1\n");
  });

  test("reports syntax errors with the file and line", () => {
    expect(syntax("line1\nline2\n{{end}}")).toBe("template.tmpl:3: unexpected {{end}}");
    expect(syntax("{{if .ProcessID}}\nx")).toBe("template.tmpl:2: unexpected EOF: {{if}} on line 1 has no {{end}}");
    expect(syntax("a\n{{.EventName")).toBe("template.tmpl:2: unclosed action");
    expect(syntax("{{frobnicate .X}}")).toBe('template.tmpl:1: function "frobnicate" not defined');
    expect(syntax("\n{{$x}}")).toBe('template.tmpl:2: undefined variable "$x"');
    expect(syntax("{{else}}")).toBe("template.tmpl:1: unexpected {{else}}");
    expect(syntax('{{"abc}}')).toBe("template.tmpl:1: unterminated quoted string");
    expect(syntax("{{/* never closed")).toBe("template.tmpl:1: unclosed comment");
    expect(syntax("{{break}}")).toBe("template.tmpl:1: {{break}} outside {{range}}");
    expect(syntax('{{define "x"}}{{end}}')).toMatch(/^template.tmpl:1: {{define}} is not supported/);
    expect(syntax("{{.A |}}")).toBe("template.tmpl:1: missing command after |");
    expect(syntax("{{}}")).toBe("template.tmpl:1: missing value for command");
    expect(syntax("{{range $i, $e := .Args}}{{end}}{{$e}}")).toBe('template.tmpl:1: undefined variable "$e"');
  });

  test("reports run-time errors with the line and skips nothing else", () => {
    const t = compileTemplate("ok\n{{.NoSuchField}}", "t.tmpl");
    expect(() => execute(t, templateData(README_EVENTS[0], TS))).toThrow(TemplateError);
    expect(() => execute(t, templateData(README_EVENTS[0], TS))).toThrow("t.tmpl:2: can't evaluate field NoSuchField in type trace.Event");
    expect(() => run("{{index .Args 5}}")).toThrow("t.tmpl:1: error calling index: index out of range: 5");
    expect(() => run(`{{eq .ProcessID "x"}}`)).toThrow("error calling eq: incompatible types for comparison");
  });

  test("the printer reads the file once, honours parse-arguments and eot", () => {
    let reads = 0;
    const readTemplate = (path: string) => { reads++; expect(path).toBe("/t/row.tmpl"); return "{{.EventName}} {{range .Args}}{{.Value}} {{end}}\n"; };
    const ev = event("access", { args: [arg("access", "pathname", "/x"), arg("access", "mode", 4)] });
    const raw = createPrinter(parseOutputOptions(["gotemplate=/t/row.tmpl", "eot"]), { ...CTX, readTemplate });
    expect(raw.header()).toBeNull();
    expect(raw.event(ev)).toBe("access /x 4 \n");
    expect(raw.event(ev)).toBe("access /x 4 \n");
    expect(raw.end()).toBe("\u0004 \n");
    expect(reads).toBe(1);
    const parsed = createPrinter(parseOutputOptions(["gotemplate=/t/row.tmpl", "option:parse-arguments"]), { ...CTX, readTemplate });
    expect(parsed.event(ev)).toBe("access /x R_OK \n");
    expect(parsed.end()).toBe("");
    expect(parsed.footer({ EventCount: 1, ErrorCount: 0, LostEvCount: 0, LostWrCount: 0, LostNtCount: 0 })).toStartWith("Stats: {EventCount:1");
  });

  test("Timestamp is exact epoch ns, or ns since start with relative-time", () => {
    const readTemplate = () => "{{.Timestamp}}";
    const abs = createPrinter(parseOutputOptions(["gotemplate=x"]), { ...CTX, readTemplate });
    expect(abs.event(README_EVENTS[0])).toBe("1700176751869971789");
    const rel = createPrinter(parseOutputOptions(["gotemplate=x", "option:relative-time"]), { ...CTX, startMonoNs: 176751000000000n, readTemplate });
    expect(rel.event(README_EVENTS[0])).toBe("746515000");
  });

  test("a missing template file or a syntax error stops start-up with a usage error", () => {
    expect(() => createPrinter(parseOutputOptions(["gotemplate=/nonexistent/x.tmpl"]), CTX))
      .toThrow("cannot read template file /nonexistent/x.tmpl: ENOENT");
    expect(() => createPrinter(parseOutputOptions(["gotemplate=bad.tmpl"]), { ...CTX, readTemplate: () => "\n{{end}}" }))
      .toThrow(new UsageError("bad.tmpl:2: unexpected {{end}}"));
  });

  test("the documented example templates parse and print", () => {
    const table = compileTemplate(readFileSync(new URL("../../docs/examples/table.tmpl", import.meta.url), "utf8"), "table.tmpl");
    expect(execute(table, templateData(README_EVENTS[0], TS)))
      .toBe('1700176751869971789 "zsh"            14726   14726   execve               pathname: /usr/bin/ls, argv: [ls]\n');
    const execs = compileTemplate(readFileSync(new URL("../../docs/examples/execs.tmpl", import.meta.url), "utf8"), "execs.tmpl");
    expect(execute(execs, templateData(README_EVENTS[0], TS))).toBe('14726 "zsh" -> "ls"\n');
    expect(execute(execs, templateData(README_EVENTS[2], TS))).toBe("");
  });
});
