// Splits a Go text/template into text and action tokens, applying `{{-`/`-}}` trimming and dropping comments.
import { UsageError } from "../../errors.ts";

export type Tok =
  | { t: "text"; s: string; line: number }
  | { t: "open" | "close" | "pipe" | "lparen" | "rparen" | "comma" | "declare" | "assign" | "eof"; line: number; sp: boolean }
  | { t: "field"; chain: string[]; line: number; sp: boolean }
  | { t: "var"; name: string; chain: string[]; line: number; sp: boolean }
  | { t: "ident"; s: string; line: number; sp: boolean }
  | { t: "const"; v: string | number | bigint; line: number; sp: boolean };

const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\r" || c === "\n";
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*)?\.\d+(?:[eE][+-]?\d+)?|\d[\d_]*\.?(?:[eE][+-]?\d+)?)/y;
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", "\\": "\\", '"': '"', "'": "'" };

export function syntaxError(name: string, line: number, msg: string): UsageError {
  return new UsageError(`${name}:${line}: ${msg}`);
}

/** The value of a number literal, or null when its digits do not fit its base. */
function parseNumber(src: string): number | bigint | null {
  const s = src.replace(/_/g, "");
  if (/[.eE]/.test(s) && !/^[+-]?0[xX]/.test(s)) return Number(s);
  const neg = s.startsWith("-");
  const body = s.replace(/^[+-]/, "");
  const legacyOctal = /^0\d+$/.test(body);
  // like Go: a leading 0 means octal, so 8 and 9 are not digits there (BigInt would throw a SyntaxError)
  if (legacyOctal && /[89]/.test(body)) return null;
  const big = legacyOctal ? BigInt("0o" + body.slice(1)) : BigInt(body.replace(/^0([XBO])/, (_, p) => "0" + p.toLowerCase()));
  const v = neg ? -big : big;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Tokens of the whole template; comments are removed and trim markers applied to the neighbouring text. */
export function lex(src: string, name: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  let trimNext = false;
  const fail = (msg: string): never => { throw syntaxError(name, line, msg); };
  const advanceTo = (j: number) => {
    for (let k = i; k < j; k++) if (src.charCodeAt(k) === 10) line++;
    i = j;
  };

  while (i < src.length) {
    const open = src.indexOf("{{", i);
    const end = open < 0 ? src.length : open;
    let text = src.slice(i, end);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, "");
    trimNext = false;
    const textLine = line;
    advanceTo(end);
    if (open < 0) { if (text) toks.push({ t: "text", s: text, line: textLine }); break; }

    let k = open + 2;
    if (src[k] === "-" && isSpace(src[k + 1])) {
      text = text.replace(/[ \t\r\n]+$/, "");
      k += 2;
    }
    if (text) toks.push({ t: "text", s: text, line: textLine });
    if (src.startsWith("/*", k)) {
      const close = src.indexOf("*/", k + 2);
      if (close < 0) fail("unclosed comment");
      let q = close + 2;
      if (isSpace(src[q]) && src.startsWith("-}}", q + 1)) { trimNext = true; q += 4; }
      else if (src.startsWith("}}", q)) q += 2;
      else { advanceTo(q); fail("comment ends before closing delimiter"); }
      advanceTo(q);
      continue;
    }

    toks.push({ t: "open", line, sp: false });
    advanceTo(k);
    let sp = true;
    for (;;) {
      if (i >= src.length) fail("unclosed action");
      const c = src[i];
      if (isSpace(c)) {
        if (src.startsWith("-}}", i + 1)) {
          toks.push({ t: "close", line, sp: true });
          advanceTo(i + 4);
          trimNext = true;
          break;
        }
        advanceTo(i + 1);
        sp = true;
        continue;
      }
      if (src.startsWith("}}", i)) {
        toks.push({ t: "close", line, sp });
        advanceTo(i + 2);
        break;
      }
      const at = line;
      const simple = ({ "|": "pipe", "(": "lparen", ")": "rparen", ",": "comma", "=": "assign" } as const)[c as "|"];
      if (simple) {
        toks.push({ t: simple, line: at, sp });
        advanceTo(i + 1);
      } else if (c === ":") {
        if (src[i + 1] !== "=") fail("expected :=");
        toks.push({ t: "declare", line: at, sp });
        advanceTo(i + 2);
      } else if (c === '"' || c === "'") {
        let s = "";
        let j = i + 1;
        for (;;) {
          const d = src[j];
          if (d === undefined || d === "\n") fail(c === '"' ? "unterminated quoted string" : "unterminated character constant");
          if (d === c) break;
          if (d === "\\") {
            const e = src[j + 1];
            if (e !== undefined && ESCAPES[e] !== undefined) { s += ESCAPES[e]; j += 2; continue; }
            const hex = e === "x" ? /^[0-9a-fA-F]{2}/ : e === "u" ? /^[0-9a-fA-F]{4}/ : e === "U" ? /^[0-9a-fA-F]{8}/ : null;
            const m = hex?.exec(src.slice(j + 2));
            if (m && parseInt(m[0], 16) <= 0x10ffff) { s += String.fromCodePoint(parseInt(m[0], 16)); j += 2 + m[0].length; continue; }
            const oct = /^[0-7]{3}/.exec(src.slice(j + 1));
            if (oct) { s += String.fromCharCode(parseInt(oct[0], 8)); j += 4; continue; }
            fail(`invalid escape \\${e ?? ""} in quoted string`);
          }
          s += d;
          j++;
        }
        if (c === "'") {
          const cps = [...s];
          if (cps.length !== 1) fail("malformed character constant");
          toks.push({ t: "const", v: cps[0].codePointAt(0)!, line: at, sp });
        } else toks.push({ t: "const", v: s, line: at, sp });
        advanceTo(j + 1);
      } else if (c === "`") {
        const close = src.indexOf("`", i + 1);
        if (close < 0) fail("unterminated raw quoted string");
        toks.push({ t: "const", v: src.slice(i + 1, close), line: at, sp });
        advanceTo(close + 1);
      } else if (c === "." || c === "$") {
        let j = i + 1;
        let varName = "";
        if (c === "$") {
          const m = /[A-Za-z0-9_]*/y;
          m.lastIndex = j;
          varName = "$" + m.exec(src)![0];
          j = m.lastIndex;
        } else if (/\d/.test(src[j] ?? "")) {
          NUMBER.lastIndex = i;
          const m = NUMBER.exec(src)!;
          toks.push({ t: "const", v: parseNumber(m[0]) ?? fail(`illegal number syntax: ${m[0]}`), line: at, sp });
          advanceTo(NUMBER.lastIndex);
          sp = false;
          continue;
        }
        const chain: string[] = [];
        let first = c === ".";
        while (first || src[j] === ".") {
          const start = first ? j : j + 1;
          IDENT.lastIndex = start;
          const m = IDENT.exec(src);
          if (!m) {
            if (first && (isSpace(src[start]) || src.startsWith("}}", start) || ")|".includes(src[start] ?? "x"))) break;
            advanceTo(start);
            fail(`bad character ${JSON.stringify(src[start] ?? "EOF")} after "."`);
          }
          chain.push(m![0]);
          j = IDENT.lastIndex;
          first = false;
        }
        toks.push(c === "$" ? { t: "var", name: varName, chain, line: at, sp } : { t: "field", chain, line: at, sp });
        advanceTo(j);
      } else if (/[0-9+-]/.test(c)) {
        NUMBER.lastIndex = i;
        const m = NUMBER.exec(src);
        if (!m || /[A-Za-z0-9_.]/.test(src[NUMBER.lastIndex] ?? "")) fail(`bad number syntax: ${src.slice(i).split(/[\s}|)]/)[0]}`);
        toks.push({ t: "const", v: parseNumber(m![0]) ?? fail(`illegal number syntax: ${m![0]}`), line: at, sp });
        advanceTo(NUMBER.lastIndex);
      } else if (/[A-Za-z_]/.test(c)) {
        IDENT.lastIndex = i;
        const m = IDENT.exec(src)!;
        toks.push({ t: "ident", s: m[0], line: at, sp });
        advanceTo(IDENT.lastIndex);
      } else {
        fail(`unrecognized character in action: ${JSON.stringify(c)}`);
      }
      sp = false;
    }
  }
  toks.push({ t: "eof", line, sp: true });
  return toks;
}
