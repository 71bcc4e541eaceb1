// Unit tests of `--output` parsing, its errors and its help text.
import { describe, expect, test } from "bun:test";
import { UsageError } from "../../src/errors.ts";
import { outputHelp, parseOutputOptions, parsesArguments, wantsOutputHelp } from "../../src/output/options.ts";

const usage = (values: string[]) => {
  try {
    parseOutputOptions(values);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${values.join(" ")}`);
};

describe("--output parsing", () => {
  test("defaults to the table with every option off", () => {
    const c = parseOutputOptions([]);
    expect(c.format).toBe("table");
    expect(c.outFile).toBeUndefined();
    expect(Object.values(c.options).every((v) => v === false)).toBe(true);
  });

  test("takes a bare word or format: as the format", () => {
    for (const f of ["table", "table-verbose", "json", "none"] as const) {
      expect(parseOutputOptions([f]).format).toBe(f);
      expect(parseOutputOptions([`format:${f}`]).format).toBe(f);
    }
  });

  test("keeps the template path of gotemplate=PATH", () => {
    const c = parseOutputOptions(["gotemplate=/etc/tracee/row.tmpl"]);
    expect(c.format).toBe("gotemplate");
    expect(c.templatePath).toBe("/etc/tracee/row.tmpl");
    expect(parseOutputOptions(["format:gotemplate=a.tmpl"]).templatePath).toBe("a.tmpl");
  });

  test("reads out-file and err-file destinations", () => {
    const c = parseOutputOptions(["json", "out-file:/tmp/ev.json", "err-file:/tmp/err.log"]);
    expect(c).toMatchObject({ format: "json", outFile: "/tmp/ev.json", errFile: "/tmp/err.log" });
  });

  test("turns on each option:NAME", () => {
    const c = parseOutputOptions([
      "option:stack-addresses", "option:detect-syscall", "option:exec-env", "option:relative-time",
      "option:exec-hash", "option:parse-arguments", "option:eot",
    ]);
    expect(Object.values(c.options).every((v) => v === true)).toBe(true);
  });

  test("accepts the seed README's bare eot and the old exec-info name", () => {
    expect(parseOutputOptions(["eot"]).options.eot).toBe(true);
    expect(parseOutputOptions(["option:exec-info"]).options.execHash).toBe(true);
  });

  test("rejects an unknown format naming the valid ones", () => {
    expect(usage(["xml"])).toBe("unrecognized output format: xml (use table, table-verbose, json, gotemplate=/path or none)");
    expect(usage(["format:yaml"])).toContain("unrecognized output format: yaml");
  });

  test("refuses gob and suggests json", () => {
    expect(usage(["gob"])).toMatch(/gob is not supported.*use json/);
    expect(usage(["format:gob"])).toMatch(/use json/);
  });

  test("rejects unknown options, unknown keys and empty paths", () => {
    expect(usage(["option:colour"])).toMatch(/^invalid output option: colour \(use stack-addresses, .*parse-arguments, eot/);
    expect(usage(["destination:/tmp/x"])).toMatch(/^invalid output value: destination:\/tmp\/x/);
    expect(usage(["out-file:"])).toBe("out-file needs a path: use out-file:/path/to/file");
    expect(usage(["gotemplate="])).toMatch(/gotemplate needs a template file/);
    expect(usage(["gotemplate"])).toMatch(/gotemplate=\/path/);
  });

  test("rejects two different formats but allows repeating one", () => {
    expect(usage(["json", "table"])).toBe("conflicting output formats: json and table (give one format)");
    expect(parseOutputOptions(["json", "format:json"]).format).toBe("json");
  });

  test("recognises help only when given alone", () => {
    expect(wantsOutputHelp(["help"])).toBe(true);
    expect(wantsOutputHelp(["help", "json"])).toBe(false);
    expect(usage(["json", "help"])).toMatch(/give --output help alone/);
  });

  test("parses arguments always in tables and on request elsewhere", () => {
    expect(parsesArguments(parseOutputOptions(["table"]))).toBe(true);
    expect(parsesArguments(parseOutputOptions(["table-verbose"]))).toBe(true);
    expect(parsesArguments(parseOutputOptions(["json"]))).toBe(false);
    expect(parsesArguments(parseOutputOptions(["json", "option:parse-arguments"]))).toBe(true);
  });

  test("help lists every format, destination and option with examples", () => {
    const h = outputHelp();
    for (const w of ["table", "table-verbose", "json", "gotemplate=", "none", "gob", "out-file:", "err-file:",
      "option:stack-addresses", "option:detect-syscall", "option:exec-env", "option:relative-time", "option:exec-hash",
      "option:parse-arguments", "option:eot", "Examples:"]) {
      expect(h).toContain(w);
    }
  });
});
