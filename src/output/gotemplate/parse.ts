// Builds the syntax tree of a Go text/template subset and reports syntax errors with file and line.
import { BUILTINS } from "./funcs.ts";
import { lex, syntaxError, type Tok } from "./lex.ts";

export type Operand =
  | { k: "field"; chain: string[] }
  | { k: "var"; name: string; chain: string[] }
  | { k: "const"; v: string | number | bigint | boolean }
  | { k: "nil" }
  | { k: "func"; name: string }
  | { k: "pipe"; pipe: Pipeline; chain: string[] };

export interface Command { line: number; args: Operand[] }
export interface Pipeline { line: number; decl: string[]; assign: boolean; cmds: Command[] }

export type Node =
  | { k: "text"; s: string }
  | { k: "action"; line: number; pipe: Pipeline }
  | { k: "if" | "with" | "range"; line: number; pipe: Pipeline; list: Node[]; else: Node[] | null }
  | { k: "break" | "continue"; line: number };

export interface Template { name: string; root: Node[] }

const KEYWORDS = new Set(["if", "else", "end", "range", "with", "break", "continue", "define", "template", "block"]);

type Stop = "end" | "else" | "eof";

class Parser {
  private pos = 0;
  private vars: string[] = ["$"];
  private loops = 0;

  constructor(private readonly toks: Tok[], private readonly name: string) {}

  private fail(line: number, msg: string): never {
    throw syntaxError(this.name, line, msg);
  }

  private peek(): Tok { return this.toks[this.pos]; }
  private next(): Tok { return this.toks[this.pos++]; }

  private expectClose(what: string): void {
    const t = this.next();
    if (t.t !== "close") this.fail(t.line, `unexpected ${describe(t)} in ${what}`);
  }

  parseTemplate(): Node[] {
    const { nodes, stop, line } = this.parseList();
    if (stop === "end") this.fail(line, "unexpected {{end}}");
    if (stop === "else") this.fail(line, "unexpected {{else}}");
    return nodes;
  }

  private parseList(): { nodes: Node[]; stop: Stop; line: number } {
    const nodes: Node[] = [];
    for (;;) {
      const t = this.next();
      if (t.t === "eof") return { nodes, stop: "eof", line: t.line };
      if (t.t === "text") { nodes.push({ k: "text", s: t.s }); continue; }
      // t is an "open" token: look at the first word of the action.
      const w = this.peek();
      if (w.t === "ident" && KEYWORDS.has(w.s)) {
        this.pos++;
        switch (w.s) {
          case "end": this.expectClose("{{end}}"); return { nodes, stop: "end", line: w.line };
          case "else": return { nodes, stop: "else", line: w.line };
          case "if": case "with": case "range": nodes.push(this.parseControl(w.s, w.line)); continue;
          case "break": case "continue":
            if (!this.loops) this.fail(w.line, `{{${w.s}}} outside {{range}}`);
            this.expectClose(`{{${w.s}}}`);
            nodes.push({ k: w.s, line: w.line });
            continue;
          default:
            this.fail(w.line, `{{${w.s}}} is not supported (see docs/gotemplate.md for the supported subset)`);
        }
      }
      const pipe = this.parsePipeline("command", "close", false);
      nodes.push({ k: "action", line: pipe.line, pipe });
    }
  }

  private parseControl(kw: "if" | "with" | "range", line: number): Node {
    const mark = this.vars.length;
    const pipe = this.parsePipeline(kw, "close", kw === "range");
    if (kw === "range") this.loops++;
    const body = this.parseList();
    if (kw === "range") this.loops--;
    let elseList: Node[] | null = null;
    if (body.stop === "eof") this.fail(body.line, `unexpected EOF: {{${kw}}} on line ${line} has no {{end}}`);
    if (body.stop === "else") {
      const t = this.peek();
      if (t.t === "ident" && (t.s === "if" || t.s === "with") && kw !== "range") {
        // `{{else if ...}}` opens a nested control that shares this one's {{end}}.
        this.pos++;
        elseList = [this.parseControl(t.s, t.line)];
      } else {
        this.expectClose("{{else}}");
        const rest = this.parseList();
        if (rest.stop === "else") this.fail(rest.line, "expected {{end}}; found {{else}}");
        if (rest.stop === "eof") this.fail(rest.line, `unexpected EOF: {{${kw}}} on line ${line} has no {{end}}`);
        elseList = rest.nodes;
      }
    }
    this.vars.length = mark;
    return { k: kw, line, pipe, list: body.nodes, else: elseList };
  }

  private parseDecl(pipe: Pipeline, rangeVars: boolean): void {
    const a = this.toks[this.pos];
    const b = this.toks[this.pos + 1];
    if (a.t !== "var" || a.chain.length) return;
    if (b.t === "comma" && rangeVars) {
      const c = this.toks[this.pos + 2];
      const d = this.toks[this.pos + 3];
      if (c.t !== "var" || c.chain.length || d.t !== "declare") this.fail(b.line, "range can only initialize variables as $i, $e :=");
      pipe.decl = [a.name, c.name];
      this.pos += 4;
    } else if (b.t === "declare" || b.t === "assign") {
      if (b.t === "assign" && !this.vars.includes(a.name)) this.fail(a.line, `undefined variable "${a.name}"`);
      pipe.decl = [a.name];
      pipe.assign = b.t === "assign";
      this.pos += 2;
    }
  }

  private parsePipeline(ctx: string, end: "close" | "rparen", rangeVars: boolean): Pipeline {
    const pipe: Pipeline = { line: this.peek().line, decl: [], assign: false, cmds: [] };
    if (end === "close") this.parseDecl(pipe, rangeVars);
    for (;;) {
      const t = this.peek();
      if (t.t === end) { this.pos++; break; }
      if (t.t === "pipe") {
        if (!pipe.cmds.length) this.fail(t.line, "missing command before |");
        this.pos++;
      }
      const cmd = this.parseCommand(end);
      if (!cmd.args.length) this.fail(cmd.line, pipe.cmds.length ? "missing command after |" : `missing value for ${ctx}`);
      pipe.cmds.push(cmd);
    }
    if (!pipe.cmds.length) this.fail(pipe.line, `missing value for ${ctx}`);
    if (pipe.decl.length && !pipe.assign) this.vars.push(...pipe.decl);
    return pipe;
  }

  private parseCommand(end: "close" | "rparen"): Command {
    const cmd: Command = { line: this.peek().line, args: [] };
    for (;;) {
      const t = this.peek();
      if (t.t === end || t.t === "pipe") return cmd;
      if (t.t === "eof" || t.t === "close" || t.t === "rparen") this.fail(t.line, `unexpected ${describe(t)} in command`);
      cmd.args.push(this.parseOperand());
    }
  }

  private parseOperand(): Operand {
    const t = this.next();
    switch (t.t) {
      case "field": return { k: "field", chain: t.chain };
      case "var":
        if (!this.vars.includes(t.name)) this.fail(t.line, `undefined variable "${t.name}"`);
        return { k: "var", name: t.name, chain: t.chain };
      case "const": return { k: "const", v: t.v };
      case "lparen": {
        const pipe = this.parsePipeline("parenthesized pipeline", "rparen", false);
        const after = this.peek();
        let chain: string[] = [];
        if (after.t === "field" && !after.sp && after.chain.length) { this.pos++; chain = after.chain; }
        return { k: "pipe", pipe, chain };
      }
      case "ident":
        if (t.s === "true" || t.s === "false") return { k: "const", v: t.s === "true" };
        if (t.s === "nil") return { k: "nil" };
        if (KEYWORDS.has(t.s)) this.fail(t.line, `unexpected {{${t.s}}} in command`);
        if (!Object.hasOwn(BUILTINS, t.s)) this.fail(t.line, `function "${t.s}" not defined`);
        return { k: "func", name: t.s };
    }
    return this.fail(t.line, `unexpected ${describe(t)} in operand`);
  }
}

function describe(t: Tok): string {
  switch (t.t) {
    case "close": return "}}";
    case "rparen": return ")";
    case "lparen": return "(";
    case "pipe": return "|";
    case "eof": return "EOF";
    case "comma": return ",";
    case "declare": return ":=";
    case "assign": return "=";
    case "ident": return `"${t.s}"`;
    case "const": return typeof t.v === "string" ? JSON.stringify(t.v) : String(t.v);
    case "field": return "." + t.chain.join(".");
    case "var": return t.name + t.chain.map((c) => "." + c).join("");
    default: return t.t;
  }
}

/** Parses template text once; a syntax error is a UsageError `NAME:LINE: message`. */
export function parseTemplate(text: string, name: string): Template {
  return { name, root: new Parser(lex(text, name), name).parseTemplate() };
}
