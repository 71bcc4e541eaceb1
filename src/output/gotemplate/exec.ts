// Executes a parsed template against one data value, with Go's rules for fields, variables, pipelines and ranges.
import { BUILTINS, truth } from "./funcs.ts";
import type { Node, Operand, Pipeline, Template } from "./parse.ts";

type ControlNode = Extract<Node, { list: Node[] }>;
import { goTypeName, sprint } from "./printf.ts";

/** A failure while running a template on an event (the event is skipped, the error reported). */
export class TemplateError extends Error {}

const MISSING = Symbol("missing");
const BREAK = Symbol("break");
const CONTINUE = Symbol("continue");

class Exec {
  out = "";
  private vars: [string, unknown][];

  constructor(private readonly name: string, data: unknown) {
    this.vars = [["$", data]];
  }

  fail(line: number, msg: string): never {
    throw new TemplateError(`${this.name}:${line}: ${msg}`);
  }

  walk(nodes: Node[], dot: unknown): void {
    for (const n of nodes) {
      switch (n.k) {
        case "text": this.out += n.s; break;
        case "action": {
          const v = this.pipeline(n.pipe, dot);
          if (!n.pipe.decl.length) this.out += v === undefined ? "<no value>" : sprint([v]);
          break;
        }
        case "if": case "with": {
          const mark = this.vars.length;
          const v = this.pipeline(n.pipe, dot);
          if (truth(v)) this.walk(n.list, n.k === "with" ? v : dot);
          else if (n.else) this.walk(n.else, dot);
          this.vars.length = mark;
          break;
        }
        case "range": this.range(n, dot); break;
        case "break": throw BREAK;
        case "continue": throw CONTINUE;
      }
    }
  }

  private range(n: ControlNode, dot: unknown): void {
    const mark = this.vars.length;
    const v = this.pipeline({ ...n.pipe, decl: [] }, dot);
    let items: [unknown, unknown][];
    if (Array.isArray(v) || v instanceof Uint8Array) items = Array.from(v, (x, i) => [i, x]);
    else if (v instanceof Map) items = [...v.keys()].sort().map((k) => [k, v.get(k)]);
    else if (typeof v === "number" && Number.isInteger(v)) items = Array.from({ length: Math.max(0, v) }, (_, i) => [i, i]);
    else if (v === null || v === undefined) items = [];
    else this.fail(n.line, `range can't iterate over ${sprint([v])}`);
    for (const [key, elem] of items!) {
      const decl = n.pipe.decl;
      if (decl.length === 1) this.vars.push([decl[0], elem]);
      else if (decl.length === 2) this.vars.push([decl[0], key], [decl[1], elem]);
      try {
        this.walk(n.list, elem);
      } catch (e) {
        if (e === BREAK) { this.vars.length = mark; return; }
        if (e !== CONTINUE) throw e;
      } finally {
        this.vars.length = mark;
      }
    }
    if (!items!.length && n.else) this.walk(n.else, dot);
  }

  private lookup(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i][0] === name) return this.vars[i][1];
    return undefined;
  }

  private pipeline(p: Pipeline, dot: unknown): unknown {
    let v: unknown = MISSING;
    for (const cmd of p.cmds) {
      const [first, ...rest] = cmd.args;
      if (first.k === "func") v = this.call(first.name, rest, dot, v, cmd.line);
      else {
        if (rest.length || v !== MISSING) this.fail(cmd.line, `can't give argument to non-function ${describe(first)}`);
        v = this.operand(first, dot, cmd.line);
      }
    }
    if (p.decl.length) {
      const name = p.decl[0];
      if (p.assign) {
        for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i][0] === name) { this.vars[i][1] = v; break; }
      } else this.vars.push([name, v]);
    }
    return v;
  }

  private call(name: string, ops: Operand[], dot: unknown, final: unknown, line: number): unknown {
    if (name === "and" || name === "or") {
      const n = ops.length + (final === MISSING ? 0 : 1);
      if (!n) this.fail(line, `wrong number of args for ${name}: want at least 1 got 0`);
      let v: unknown;
      for (let i = 0; i < n; i++) {
        v = i < ops.length ? this.operand(ops[i], dot, line) : final;
        if (truth(v) === (name === "or")) return v;
      }
      return v;
    }
    const args = ops.map((o) => this.operand(o, dot, line));
    if (final !== MISSING) args.push(final);
    try {
      return BUILTINS[name]!(...args);
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      return this.fail(line, `error calling ${name}: ${(e as Error).message}`);
    }
  }

  private operand(o: Operand, dot: unknown, line: number): unknown {
    switch (o.k) {
      case "field": return this.chain(dot, o.chain, line);
      case "var": return this.chain(this.lookup(o.name), o.chain, line);
      case "const": return o.v;
      case "nil": return null;
      case "func": return this.call(o.name, [], dot, MISSING, line);
      case "pipe": return this.chain(this.pipeline(o.pipe, dot), o.chain, line);
    }
  }

  private chain(v: unknown, chain: string[], line: number): unknown {
    for (const name of chain) {
      if (v instanceof Map) v = v.has(name) ? v.get(name) : "";
      else if (typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && Object.hasOwn(v, name)) {
        v = (v as Record<string, unknown>)[name];
      } else if (v === null || v === undefined) this.fail(line, `nil pointer evaluating .${name}`);
      else this.fail(line, `can't evaluate field ${name} in type ${goTypeName(v)}`);
    }
    return v;
  }
}

function describe(o: Operand): string {
  switch (o.k) {
    case "field": return "." + o.chain.join(".");
    case "var": return o.name + o.chain.map((c) => "." + c).join("");
    case "const": return typeof o.v === "string" ? JSON.stringify(o.v) : String(o.v);
    case "nil": return "nil";
    default: return "(pipeline)";
  }
}

/** Runs the template with `data` as dot; a run-time failure throws TemplateError `NAME:LINE: message`. */
export function execute(t: Template, data: unknown): string {
  const x = new Exec(t.name, data);
  x.walk(t.root, data);
  return x.out;
}

