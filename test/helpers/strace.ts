// Reads `strace -f -X raw` output into calls (pid, name, raw argument texts, return value) and turns the
// argument texts the oracle compares into plain values: integers, strings, int pairs, timespecs, sockaddrs.

export interface StraceCall {
  pid: number;
  name: string;
  args: string[];
  /** The return value; null for a call that never returned (`= ?`). */
  ret: bigint | null;
  line: string;
}

const LINE = /^(\d+)\s+(.*)$/;
const DONE = /^(\w+)\((.*)\)\s+=\s+(\?|-?\d+|0x[0-9a-f]+)(?:\s+(E[A-Z0-9]+)\s+\(.*\))?(?:\s+<.*>)?$/;

/** Parses strace's log; `errno(name)` gives the number of an errno name (strace prints `-1 ENOENT (...)`). */
export function parseStrace(text: string, errno: (name: string) => number): StraceCall[] {
  const out: StraceCall[] = [];
  const pending = new Map<number, string>();
  for (const raw of text.split("\n")) {
    const m = LINE.exec(raw);
    if (!m) continue;
    const pid = Number(m[1]);
    let body = m[2];
    if (body.startsWith("---") || body.startsWith("+++")) continue;
    if (body.endsWith("<unfinished ...>")) {
      pending.set(pid, body.slice(0, -"<unfinished ...>".length).trimEnd());
      continue;
    }
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(body);
    if (resumed) {
      body = (pending.get(pid) ?? `${resumed[1]}(`) + resumed[2];
      pending.delete(pid);
    }
    const d = DONE.exec(body);
    if (!d) throw new Error(`strace line not understood: ${raw}`);
    const ret = d[3] === "?" ? null : d[4] ? -BigInt(errno(d[4])) : BigInt(d[3]);
    out.push({ pid, name: d[1], args: splitArgs(d[2]), ret, line: raw });
  }
  return out;
}

/** Splits an argument list at the commas that are not inside quotes, braces, brackets or parentheses. */
export function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0, quote = false, start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === "{" || c === "[" || c === "(") depth++;
    else if (c === "}" || c === "]" || c === ")") depth--;
    else if (c === "," && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (s.trim()) out.push(s.slice(start).trim());
  return out;
}

/** An integer in strace's raw notation: decimal, 0x hex, 0-prefixed octal, or NULL (0). */
export function int(s: string): bigint {
  if (s === "NULL") return 0n;
  if (/^-?0x[0-9a-f]+$/i.test(s)) return s.startsWith("-") ? -BigInt(s.slice(1)) : BigInt(s);
  if (/^0[0-7]+$/.test(s)) return BigInt("0o" + s.slice(1));
  if (/^-?\d+$/.test(s)) return BigInt(s);
  throw new Error(`not an integer: ${s}`);
}

/** The bytes of a C string literal as strace prints it (\xNN, \NNN octal, \n \t \\ \"). */
export function bytes(s: string): Uint8Array {
  if (!s.startsWith('"')) throw new Error(`not a string: ${s}`);
  const body = s.slice(1, s.lastIndexOf('"'));
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\") {
      out.push(...Buffer.from(c, "utf8"));
      continue;
    }
    const n = body[++i];
    if (n === "x") { out.push(parseInt(body.slice(i + 1, i + 3), 16)); i += 2; }
    else if (/[0-7]/.test(n)) {
      let j = i;
      while (j < i + 3 && /[0-7]/.test(body[j])) j++;
      out.push(parseInt(body.slice(i, j), 8));
      i = j - 1;
    } else out.push({ n: 10, t: 9, r: 13, v: 11, f: 12, "\\": 92, '"': 34 }[n] ?? n.charCodeAt(0));
  }
  return Uint8Array.from(out);
}

export const str = (s: string) => Buffer.from(bytes(s)).toString("utf8");

/** `{k=v, k=v}` into its fields (values as raw texts). */
export function fields(s: string): Record<string, string> {
  if (!s.startsWith("{")) throw new Error(`not a struct: ${s}`);
  return Object.fromEntries(splitArgs(s.slice(1, -1)).map((f) => [f.slice(0, f.indexOf("=")), f.slice(f.indexOf("=") + 1)]));
}

/** A sockaddr as (family number, port, canonical address text), the form both sides are compared in. */
export interface NormAddr { family: number; port?: number; addr?: string; path?: string }

const ipv6Text = (u8: Uint8Array) =>
  new URL(`http://[${Array.from({ length: 8 }, (_, i) => ((u8[2 * i] << 8) | u8[2 * i + 1]).toString(16)).join(":")}]/`).hostname;

export function straceSockaddr(s: string): NormAddr {
  const f = fields(s);
  const family = Number(int(f.sa_family));
  const be16 = (b: Uint8Array) => (b[0] << 8) | b[1];
  if (family === 2) return { family, port: be16(bytes(f.sin_port)), addr: Array.from(bytes(f.sin_addr)).join(".") };
  if (family === 10) return { family, port: be16(bytes(f.sin6_port)), addr: ipv6Text(bytes(f.sin6_addr)) };
  if (family === 1) return { family, path: str(f.sun_path) };
  return { family };
}

const FAMILIES: Record<string, number> = { AF_UNIX: 1, AF_INET: 2, AF_INET6: 10 };

/** tracee's decoded sockaddr map in the same form. */
export function traceeSockaddr(v: Record<string, string>): NormAddr {
  const family = FAMILIES[v.sa_family] ?? Number(v.sa_family);
  if (family === 2) return { family, port: Number(v.sin_port), addr: v.sin_addr };
  if (family === 10) return { family, port: Number(v.sin6_port), addr: new URL(`http://[${v.sin6_addr}]/`).hostname };
  if (family === 1) return { family, path: v.sun_path };
  return { family };
}
