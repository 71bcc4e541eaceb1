// Escapes control characters so that hostile strings cannot break a table row or drive the terminal.

/** C0, DEL, C1, line/paragraph separators and bidi overrides (which can reorder what a reader sees). */
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, "g");

function escapeChar(c: string): string {
  switch (c) {
    case "\n": return "\\n";
    case "\t": return "\\t";
    case "\r": return "\\r";
  }
  const code = c.charCodeAt(0);
  return code < 0x100 ? "\\x" + code.toString(16).padStart(2, "0") : "\\u" + code.toString(16).padStart(4, "0");
}

/** The string with every unsafe character written as a visible escape (`\n`, `\t`, `\x1b`, `\u202e`). */
export function visible(s: string): string {
  return UNSAFE.test(s) ? s.replace(UNSAFE_ALL, escapeChar) : s;
}
