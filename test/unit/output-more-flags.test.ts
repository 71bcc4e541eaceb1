// Readable names beyond the reference's list (src/output/more-flags.ts), and the parser table's consistency
// with the schema: every (event, argument) a parser is registered for exists.
import { describe, expect, test } from "bun:test";
import { EVENT_BY_NAME } from "../../src/events/schema.ts";
import {
  accessAtFlags, atFlags, clockId, fcntlCommand, fdFlags, madviseAdvice, memfdFlags, mountFlags, seekWhence, sockFlags,
  umountFlags, waitOptions,
} from "../../src/output/more-flags.ts";
import { PARSERS, parseArguments } from "../../src/output/parse-args.ts";
import { arg, event } from "../helpers/output-events.ts";

describe("more readable arguments", () => {
  test("fd and socket flags", () => {
    expect(fdFlags(0o2000000)).toBe("O_CLOEXEC");
    expect(fdFlags(0o2004000)).toBe("O_NONBLOCK|O_CLOEXEC");
    expect(fdFlags(0)).toBe("0");
    expect(sockFlags(0o2000000)).toBe("SOCK_CLOEXEC");
  });

  test("fcntl commands and lseek whence, unknown values left as numbers", () => {
    expect(fcntlCommand(1030)).toBe("F_DUPFD_CLOEXEC");
    expect(fcntlCommand(4)).toBe("F_SETFL");
    expect(fcntlCommand(999)).toBeUndefined();
    expect(seekWhence(2)).toBe("SEEK_END");
  });

  test("mount flags, with the old magic number named", () => {
    expect(mountFlags(2 | 4)).toBe("MS_NOSUID|MS_NODEV");
    expect(mountFlags(16384 | (1 << 18))).toBe("MS_REC|MS_PRIVATE");
    expect(mountFlags(0xc0ed0000 | 1)).toBe("MS_MGC_VAL|MS_RDONLY");
    expect(umountFlags(2)).toBe("MNT_DETACH");
  });

  test("*at flags: 0x200 is AT_REMOVEDIR, except for faccessat2 where it is AT_EACCESS", () => {
    expect(atFlags(0x200)).toBe("AT_REMOVEDIR");
    expect(atFlags(0x1100)).toBe("AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH");
    expect(accessAtFlags(0x200)).toBe("AT_EACCESS");
  });

  test("madvise advice, wait options, memfd flags, clock ids", () => {
    expect(madviseAdvice(4)).toBe("MADV_DONTNEED");
    expect(waitOptions(0x40000001)).toBe("WNOHANG|__WALL");
    expect(memfdFlags(3)).toBe("MFD_CLOEXEC|MFD_ALLOW_SEALING");
    expect(clockId(1)).toBe("CLOCK_MONOTONIC");
  });

  test("applied by event and argument name", () => {
    const ev = parseArguments(event("dup3", { args: [arg("dup3", "oldfd", 4), arg("dup3", "newfd", 50), arg("dup3", "flags", 0o2000000)] }));
    expect(ev.args.map((a) => a.value)).toEqual([4, 50, "O_CLOEXEC"]);
    const m = parseArguments(event("security_sb_mount", { args: [arg("security_sb_mount", "flags", 6)] }));
    expect(m.args[0].value).toBe("MS_NOSUID|MS_NODEV");
  });

  test("every parser is registered for an argument the schema has", () => {
    const wrong: string[] = [];
    for (const [name, table] of Object.entries(PARSERS)) {
      const def = EVENT_BY_NAME.get(name);
      for (const a of Object.keys(table)) if (!def?.params.some((p) => p.name === a)) wrong.push(`${name}.${a}`);
    }
    expect(wrong).toEqual([]);
  });
});
