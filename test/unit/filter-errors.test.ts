// Bad --trace expressions fail with one UsageError line that names the expression and the fix.
import { describe, expect, test } from "bun:test";
import { UsageError } from "../../src/errors.ts";
import { parseTrace } from "../../src/filter/parse.ts";

function message(...exprs: string[]): string {
  try {
    parseTrace(exprs);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const m = (e as Error).message;
    expect(m).not.toContain("\n");
    return m;
  }
  throw new Error(`no error for ${exprs.join(" ")}`);
}

describe("usage errors", () => {
  const cases: [string, string][] = [
    ["uid>=abc", 'invalid --trace expression "uid>=abc": uid takes a number from 0 to 4294967295'],
    ["uid=4294967296", 'invalid --trace expression "uid=4294967296": filter value is too big: uid takes a number from 0 to 4294967295'],
    ["pid=-1", 'invalid --trace expression "pid=-1": pid takes a number from 0 to 4294967295'],
    ["mntns=18446744073709551616", 'invalid --trace expression "mntns=18446744073709551616": filter value is too big: mntns takes a number from 0 to 18446744073709551615'],
    ["pidns=0x10", 'invalid --trace expression "pidns=0x10": pidns takes a number from 0 to 18446744073709551615'],
    ["comm=abcdefghijklmnop", 'invalid --trace expression "comm=abcdefghijklmnop": comm values are at most 15 bytes (the kernel keeps no more): "abcdefghijklmnop"'],
    ["uts=abcdefghijklmnop", 'invalid --trace expression "uts=abcdefghijklmnop": uts values are at most 15 bytes (the kernel keeps no more): "abcdefghijklmnop"'],
    ["comm>ls", 'invalid --trace expression "comm>ls": comm takes = or != and names of at most 15 characters'],
    ["event=nosuch", 'invalid --trace expression "event=nosuch": unknown event "nosuch" (see --list; NAME* selects a name prefix)'],
    ["event!=nosuch", 'invalid --trace expression "event!=nosuch": unknown event "nosuch" to exclude (see --list; NAME* selects a name prefix)'],
    ["event=zzz*", 'invalid --trace expression "event=zzz*": no event name starts with "zzz" (see --list)'],
    ["event<open", 'invalid --trace expression "event<open": event takes = or != and event names (NAME* selects a name prefix)'],
    ["openat.nosuch=1", 'invalid --trace expression "openat.nosuch=1": openat has no argument "nosuch" (arguments: dirfd, pathname, flags, mode; or retval)'],
    ["nosuch.fd=1", 'invalid --trace expression "nosuch.fd=1": unknown event "nosuch" (see --list)'],
    ["close.fd>1", 'invalid --trace expression "close.fd>1": argument filters take = or != (a value ending in * matches a prefix, one starting with * a suffix)'],
    ["close.retval=x", 'invalid --trace expression "close.retval=x": close.retval takes a number from -9223372036854775808 to 9223372036854775807'],
    ["openat.flags=O_NOPE", "invalid --trace expression \"openat.flags=O_NOPE\": unknown flag \"O_NOPE\" for openat.flags (known: O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC, O_APPEND, O_NONBLOCK, O_DSYNC, O_ASYNC, O_DIRECT, O_LARGEFILE, O_DIRECTORY, O_NOFOLLOW, O_NOATIME, O_CLOEXEC, O_SYNC, O_PATH, O_TMPFILE)"],
    ["uid!5", 'invalid --trace expression "uid!5": "!" must be followed by "=", as in uid!=VALUE'],
    ["uid=", 'invalid --trace expression "uid=": a value must follow "=", as in uid=VALUE'],
    ["uid=1,,2", 'invalid --trace expression "uid=1,,2": a comma-separated list cannot hold an empty value'],
    ["bogus=1", 'invalid --trace expression "bogus=1": unknown field "bogus" (fields: event, set, uid, pid, mntns, pidns, uts, comm, container, tree, follow, EVENT.ARG, EVENT.retval; see --trace help)'],
    ["bogus", 'invalid --trace expression "bogus": unknown expression (fields: event, set, uid, pid, mntns, pidns, uts, comm, container, tree, follow, EVENT.ARG, EVENT.retval; see --trace help)'],
    ["openat", 'invalid --trace expression "openat": to trace this event write event=openat'],
    ["uid", 'invalid --trace expression "uid": uid needs an operator and a value, as in uid=VALUE'],
    ["follow=1", 'invalid --trace expression "follow=1": follow takes no value'],
    ["pid=new,5", 'invalid --trace expression "pid=new,5": pid=new cannot share a list with process ids; give them in separate --trace flags'],
    ["pid<new", 'invalid --trace expression "pid<new": new takes = or !=: pid=new traces new processes, pid!=new old ones'],
    ["container=xyz", 'invalid --trace expression "container=xyz": container takes =new, !=new or =ID (a container id or its prefix, hex); "xyz" is neither'],
    ["container!=abc", 'invalid --trace expression "container!=abc": container takes =new, !=new or =ID (a container id or its prefix, hex)'],
    ["tree<5", 'invalid --trace expression "tree<5": tree takes = or != and host process ids'],
    ["set<fs", 'invalid --trace expression "set<fs": set takes = and set names (see --list)'],
    ["", 'invalid --trace expression "": an expression cannot be empty (see --trace help)'],
    ["uid==5", 'invalid --trace expression "uid==5": uid takes a number from 0 to 4294967295'],
  ];
  for (const [expr, want] of cases) {
    test(`rejects ${JSON.stringify(expr)}`, () => expect(message(expr)).toBe(want));
  }

  test("an unknown set names the known sets", () => {
    expect(message("set=nope")).toStartWith('invalid --trace expression "set=nope": unknown set "nope" (sets: default, fs,');
  });

  test("container and !container contradict each other", () => {
    expect(message("container", "!container")).toBe(
      'invalid --trace expression "!container": contradicts an earlier --trace expression on the same filter',
    );
  });

  test("pid=new and pid!=new contradict each other", () => {
    expect(message("pid=new", "pid!=new")).toContain("contradicts");
  });

  test("the seed README expressions are all accepted", () => {
    for (const e of ["uid=1000", "pid=1234", "event:openat", "openat.pathname=/bin/ls", "follow", "command=zsh",
      "container", "container=new", "pid=new"]) expect(() => parseTrace([e])).not.toThrow();
  });
});
