// A subset of Go's fmt for templates: Sprintf verbs (%v %+v %s %d %x %X %o %b %q %c %t %f %e %g), Sprint and Sprintln.

/** Go type tag that template data objects carry, so that messages can name `trace.Event`. */
export const GO_TYPE = Symbol.for("tracee.goType");

interface Spec { minus: boolean; plus: boolean; sharp: boolean; space: boolean; zero: boolean; width?: number; prec?: number }

const PRINTABLE_EXCEPT = /[\p{C}\p{Z}]/u;

/** Go strconv.Quote: double-quoted with Go escapes; non-printable characters escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case "\\": out += "\\\\"; continue;
      case "\x07": out += "\\a"; continue;
      case "\b": out += "\\b"; continue;
      case "\f": out += "\\f"; continue;
      case "\n": out += "\\n"; continue;
      case "\r": out += "\\r"; continue;
      case "\t": out += "\\t"; continue;
      case "\v": out += "\\v"; continue;
    }
    if (ch === " " || !PRINTABLE_EXCEPT.test(ch)) out += ch;
    else if (cp < 0x80) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp < 0x10000) out += "\\u" + cp.toString(16).padStart(4, "0");
    else out += "\\U" + cp.toString(16).padStart(8, "0");
  }
  return out + '"';
}

const isInt = (v: unknown): v is number | bigint => typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v));
const isStruct = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof Map);

/** The Go type name shown in `%!d(string=x)` messages. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  switch (typeof v) {
    case "string": return "string";
    case "boolean": return "bool";
    case "bigint": return "int64";
    case "number": return Number.isInteger(v) ? "int" : "float64";
  }
  if (v instanceof Uint8Array) return "[]uint8";
  if (Array.isArray(v)) return v.length && v.every((x) => typeof x === "string") ? "[]string" : "[]interface {}";
  if (v instanceof Map) return "map[string]string";
  return ((v as Record<symbol, string>)[GO_TYPE]) ?? "struct";
}

function runeLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function pad(s: string, f: Spec): string {
  if (f.width === undefined) return s;
  const n = runeLength(s);
  if (n >= f.width) return s;
  return f.minus ? s + " ".repeat(f.width - n) : " ".repeat(f.width - n) + s;
}

function fmtInt(v: number | bigint, verb: string, f: Spec): string {
  const big = BigInt(v);
  const neg = big < 0n;
  const abs = neg ? -big : big;
  const base = verb === "x" || verb === "X" ? 16 : verb === "o" || verb === "O" ? 8 : verb === "b" ? 2 : 10;
  let digits = abs.toString(base);
  if (verb === "X") digits = digits.toUpperCase();
  if (f.prec !== undefined) digits = f.prec === 0 && abs === 0n ? "" : digits.padStart(f.prec, "0");
  let prefix = "";
  if (verb === "O") prefix = "0o";
  else if (f.sharp) prefix = base === 16 ? (verb === "X" ? "0X" : "0x") : base === 8 && digits[0] !== "0" ? "0" : base === 2 ? "0b" : "";
  const sign = neg ? "-" : f.plus ? "+" : f.space ? " " : "";
  if (f.zero && !f.minus && f.prec === undefined && f.width !== undefined) {
    digits = digits.padStart(f.width - sign.length - prefix.length, "0");
  }
  return pad(sign + prefix + digits, f);
}

function fmtFloat(v: number, verb: string, f: Spec): string {
  let s: string;
  if (!Number.isFinite(v)) s = Number.isNaN(v) ? "NaN" : v > 0 ? (f.plus ? "+Inf" : "Inf") : "-Inf";
  else if (verb === "f" || verb === "F") s = v.toFixed(f.prec ?? 6);
  else if (verb === "e" || verb === "E") {
    s = v.toExponential(f.prec ?? 6).replace(/e([+-])(\d)$/, "e$10$2");
    if (verb === "E") s = s.toUpperCase();
  } else {
    s = f.prec !== undefined ? String(Number(v.toPrecision(f.prec || 1))) : String(v);
    s = s.replace(/e([+-])(\d)$/, "e$10$2");
    const exp = Math.abs(v) >= 1e21 || (v !== 0 && Math.abs(v) < 1e-4);
    if (exp && !s.includes("e")) s = v.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  if (Number.isFinite(v) && v >= 0) s = (f.plus ? "+" : f.space ? " " : "") + s;
  if (f.zero && !f.minus && f.width !== undefined && Number.isFinite(v)) {
    const sign = /^[+\- ]/.test(s) ? s[0] : "";
    s = sign + s.slice(sign.length).padStart(f.width - sign.length, "0");
  }
  return pad(s, f);
}

const bad = (verb: string, v: unknown) => `%!${verb}(${goTypeName(v)}=${fmtValue(v, "v", NO_SPEC)})`;
const NO_SPEC: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

function hexBytes(bytes: Uint8Array, verb: string, f: Spec): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  if (verb === "X") s = s.toUpperCase();
  return pad((f.sharp && s ? (verb === "X" ? "0X" : "0x") : "") + s, f);
}

/** One operand under one verb; containers apply the verb to each element, as Go does. */
export function fmtValue(v: unknown, verb: string, f: Spec): string {
  if (v === null || v === undefined) return verb === "v" ? pad("<nil>", f) : `%!${verb}(<nil>)`;
  switch (typeof v) {
    case "boolean":
      return verb === "v" || verb === "t" ? pad(v ? "true" : "false", f) : bad(verb, v);
    case "string":
      switch (verb) {
        case "v": case "s": return pad(f.prec !== undefined ? [...v].slice(0, f.prec).join("") : v, f);
        case "q": return pad(goQuote(v), f);
        case "x": case "X": return hexBytes(utf8.encode(v), verb, f);
      }
      return bad(verb, v);
    case "number": case "bigint":
      if (isInt(v)) {
        switch (verb) {
          case "v": return fmtInt(v, "d", { ...f, plus: false }); // %+v shows field names, not signs
          case "d": return fmtInt(v, "d", f);
          case "x": case "X": case "o": case "O": case "b": return fmtInt(v, verb, f);
          case "c": return pad(String.fromCodePoint(Number(v)), f);
          case "q": return pad("'" + goQuote(String.fromCodePoint(Number(v))).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'") + "'", f);
          case "U": return pad("U+" + Number(v).toString(16).toUpperCase().padStart(4, "0"), f);
        }
        return bad(verb, v);
      }
      return "vfFeEgG".includes(verb) ? fmtFloat(v as number, verb === "v" ? "g" : verb, f) : bad(verb, v);
  }
  if (v instanceof Uint8Array) {
    if (verb === "s") return pad(utf8Decoder.decode(v), f);
    if (verb === "q") return pad(goQuote(utf8Decoder.decode(v)), f);
    if (verb === "x" || verb === "X") return hexBytes(v, verb, f);
    return "[" + [...v].map((b) => fmtValue(b, verb, f)).join(" ") + "]";
  }
  if (Array.isArray(v)) return "[" + v.map((x) => fmtValue(x, verb, f)).join(" ") + "]";
  if (v instanceof Map) {
    const keys = [...v.keys()].sort();
    return "map[" + keys.map((k) => fmtValue(k, verb, f) + ":" + fmtValue(v.get(k), verb, f)).join(" ") + "]";
  }
  if (isStruct(v)) {
    return "{" + Object.entries(v).map(([k, x]) => (f.plus && verb === "v" ? k + ":" : "") + fmtValue(x, verb, f)).join(" ") + "}";
  }
  return bad(verb, v);
}

/** Go's parsenum gives up on a number once it passed 1e6 before its next digit. */
function tooLarge(digits: string): boolean {
  let n = 0;
  for (const c of digits) {
    if (n > 1e6) return true;
    n = n * 10 + (c.charCodeAt(0) - 48);
  }
  return false;
}

const SPEC = /%([-+# 0]*)(\*|\d+)?(?:\.(\*|\d*))?(.)?/y;

/** Go fmt.Sprintf for the verbs above, with Go's `%!verb(MISSING)` and `%!(EXTRA ...)` markers. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = "";
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf("%", i);
    if (pct < 0) { out += format.slice(i); break; }
    out += format.slice(i, pct);
    SPEC.lastIndex = pct;
    const m = SPEC.exec(format)!;
    i = SPEC.lastIndex;
    const [, flags, w, p, verb] = m;
    if (verb === undefined) { out += "%!(NOVERB)"; break; }
    if (verb === "%" && !flags && w === undefined && p === undefined) { out += "%"; continue; }
    const f: Spec = {
      minus: flags.includes("-"), plus: flags.includes("+"), sharp: flags.includes("#"),
      space: flags.includes(" "), zero: flags.includes("0"),
    };
    // Go's limits: a width or precision beyond 1e6 written out makes the rest of the format "%!(NOVERB)"; one
    // taken from an argument (`*`) that is not an int in range is "%!(BADWIDTH)" / "%!(BADPREC)" and ignored
    // (so a template cannot ask for a string of gigabytes per event)
    if ((w !== undefined && w !== "*" && tooLarge(w)) || (p !== undefined && p !== "*" && tooLarge(p))) {
      out += "%!(NOVERB)";
      break;
    }
    const fromArg = (): number | undefined => {
      const a = args[argi++];
      return isInt(a) && Math.abs(Number(a)) <= 1e6 ? Number(a) : undefined;
    };
    if (w === "*") {
      f.width = fromArg();
      if (f.width === undefined) out += "%!(BADWIDTH)";
    } else f.width = w === undefined ? undefined : Number(w);
    if (f.width !== undefined && f.width < 0) { f.minus = true; f.width = -f.width; }
    if (p === "*") {
      f.prec = fromArg();
      if (f.prec !== undefined && f.prec < 0) f.prec = undefined;
      if (f.prec === undefined) out += "%!(BADPREC)";
    } else f.prec = p === undefined ? undefined : p === "" ? 0 : Number(p);
    if (verb === "%") { out += "%"; continue; }
    if (argi >= args.length) { out += `%!${verb}(MISSING)`; continue; }
    out += fmtValue(args[argi++], verb, f);
  }
  if (argi < args.length) {
    out += "%!(EXTRA " + args.slice(argi).map((a) => `${goTypeName(a)}=${fmtValue(a, "v", NO_SPEC)}`).join(", ") + ")";
  }
  return out;
}

/** Go fmt.Sprint: operands in `%v`, a space between two operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = "";
  for (let i = 0; i < args.length; i++) {
    if (i && typeof args[i] !== "string" && typeof args[i - 1] !== "string") out += " ";
    out += fmtValue(args[i], "v", NO_SPEC);
  }
  return out;
}

/** Go fmt.Sprintln: operands in `%v` separated by spaces, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  return args.map((a) => fmtValue(a, "v", NO_SPEC)).join(" ") + "\n";
}
