// One test per `--trace` grammar rule: fields, prefixes, operators and accumulation.
import { describe, expect, test } from "bun:test";
import { parseTrace } from "../../src/filter/parse.ts";

describe("numeric fields", () => {
  test("uid=1000 selects one uid in IN mode", () => {
    const { uid } = parseTrace(["uid=1000"]).kernel;
    expect(uid.mode).toBe("in");
    expect([...uid.equal]).toEqual([[1000n, true]]);
  });

  test("uid=0,5 ORs the values", () => {
    expect([...parseTrace(["uid=0,5"]).kernel.uid.equal]).toEqual([[0n, true], [5n, true]]);
  });

  test("uid!=5 is OUT mode with a not-equal entry", () => {
    const { uid } = parseTrace(["uid!=5"]).kernel;
    expect(uid.mode).toBe("out");
    expect(uid.equal.get(5n)).toBe(false);
  });

  test("uid>=5 is accepted as a bound", () => {
    const { uid } = parseTrace(["uid>=5"]).kernel;
    expect(uid).toMatchObject({ mode: "out", gt: 4n, lt: null });
  });

  test("uid<=5 becomes the strict bound < 6", () => {
    expect(parseTrace(["uid<=5"]).kernel.uid).toMatchObject({ mode: "out", lt: 6n, gt: null });
  });

  test("uid>=0 and mntns<=max set no bound but still turn the filter OUT", () => {
    const p = parseTrace(["uid>=0", "mntns<=18446744073709551615"]).kernel;
    expect(p.uid).toMatchObject({ mode: "out", lt: null, gt: null });
    expect(p.mntns).toMatchObject({ mode: "out", lt: null, gt: null });
  });

  test("several > keep the largest and several < the smallest, across flags", () => {
    const { pid } = parseTrace(["pid>3,10", "pid>7", "pid<100", "pid<50,70"]).kernel;
    expect(pid).toMatchObject({ gt: 10n, lt: 50n });
  });

  test("repeated flags accumulate: p=510 --trace p=1709 is pid=510,1709", () => {
    expect(parseTrace(["p=510", "p=1709"]).kernel.pid).toEqual(parseTrace(["pid=510,1709"]).kernel.pid);
  });

  test("= then != on one field turns it OUT", () => {
    const { uid } = parseTrace(["uid=0", "uid!=5"]).kernel;
    expect(uid.mode).toBe("out");
    expect([...uid.equal]).toEqual([[0n, true], [5n, false]]);
  });

  test("a key given with = and != stays excluded whatever the order", () => {
    expect(parseTrace(["uid!=5", "uid=5"]).kernel.uid.equal.get(5n)).toBe(false);
    expect(parseTrace(["uid=5", "uid!=5"]).kernel.uid.equal.get(5n)).toBe(false);
  });

  test("mntns and pidns take 64-bit values", () => {
    const k = parseTrace(["mntns=4026531840", "pidns!=18446744073709551615"]).kernel;
    expect(k.mntns.equal.get(4026531840n)).toBe(true);
    expect(k.pidns.equal.get(18446744073709551615n)).toBe(false);
  });

  test("uid, pid and set accept any prefix of their name", () => {
    expect(parseTrace(["u=1"]).kernel.uid.equal.get(1n)).toBe(true);
    expect(parseTrace(["ui=1"]).kernel.uid.equal.get(1n)).toBe(true);
    expect(parseTrace(["p=2"]).kernel.pid.equal.get(2n)).toBe(true);
    expect(parseTrace(["pi=2"]).kernel.pid.equal.get(2n)).toBe(true);
  });
});

describe("string fields", () => {
  test("comm=ls selects a command name", () => {
    expect([...parseTrace(["comm=ls"]).kernel.comm.equal]).toEqual([["ls", true]]);
  });

  test("command is an alias of comm", () => {
    expect(parseTrace(["command=zsh"]).kernel.comm).toEqual(parseTrace(["comm=zsh"]).kernel.comm);
  });

  test("comm takes exactly 15 characters", () => {
    expect(parseTrace(["comm=abcdefghijklmno"]).kernel.comm.equal.has("abcdefghijklmno")).toBe(true);
  });

  test("uts!=name is OUT mode", () => {
    const { uts } = parseTrace(["uts!=ab356bc4dd554"]).kernel;
    expect(uts.mode).toBe("out");
    expect(uts.equal.get("ab356bc4dd554")).toBe(false);
  });

  test("a comm value may hold a dot without becoming an argument filter", () => {
    expect(parseTrace(["comm=python3.12"]).kernel.comm.equal.get("python3.12")).toBe(true);
  });
});

describe("process switches", () => {
  test("pid=new selects new processes only", () => {
    const p = parseTrace(["pid=new"]);
    expect(p.bools.pidNew).toBe("in");
    expect(p.kernel.pid.mode).toBe("off");
  });

  test("pid!=new selects pre-existing processes only", () => {
    expect(parseTrace(["pid!=new"]).bools.pidNew).toBe("out");
  });

  test("container selects every process in a container and does not imply pid=new", () => {
    const p = parseTrace(["container"]);
    expect(p.bools).toEqual({ container: "in", pidNew: "off", containerNew: "off", follow: "off" });
  });

  test("c, co and cont are prefixes of container", () => {
    for (const e of ["c", "co", "cont"]) expect(parseTrace([e]).bools.container).toBe("in");
  });

  test("!container and !c select processes outside containers", () => {
    expect(parseTrace(["!container"]).bools.container).toBe("out");
    expect(parseTrace(["!c"]).bools.container).toBe("out");
  });

  test("container=new selects new containers only, without pid=new", () => {
    expect(parseTrace(["container=new"]).bools).toEqual({
      container: "off", pidNew: "off", containerNew: "in", follow: "off",
    });
  });

  test("container!=new selects containers that existed before start", () => {
    expect(parseTrace(["container!=new"]).bools).toMatchObject({ container: "in", containerNew: "out" });
  });

  test("container=ID keeps lower-case id prefixes and requires a container", () => {
    const p = parseTrace(["container=3F6AB1C2E85D,abc"]);
    expect(p.containerIds).toEqual(["3f6ab1c2e85d", "abc"]);
    expect(p.bools.container).toBe("in");
  });

  test("follow and any prefix of it turn follow on", () => {
    for (const e of ["follow", "f", "fol"]) expect(parseTrace([e]).bools.follow).toBe("in");
  });

  test("the --follow flag equals --trace follow", () => {
    const p = parseTrace(["command=zsh"], { follow: true });
    expect(p.bools.follow).toBe("in");
    expect(p.kernel.comm.equal.get("zsh")).toBe(true);
  });
});

describe("tree", () => {
  test("tree=PID is IN mode with a passing root", () => {
    const { tree } = parseTrace(["tree=476165"]);
    expect(tree.mode).toBe("in");
    expect([...tree.roots]).toEqual([[476165, true]]);
  });

  test("tree!=PID alone is OUT mode", () => {
    const { tree } = parseTrace(["tree!=5023"]);
    expect(tree.mode).toBe("out");
    expect(tree.roots.get(5023)).toBe(false);
  });

  test("tree=A,B --trace tree!=C stays IN so that C carves a hole", () => {
    const { tree } = parseTrace(["tree=3213,5200", "tree!=3215"]);
    expect(tree.mode).toBe("in");
    expect([...tree.roots]).toEqual([[3213, true], [5200, true], [3215, false]]);
  });
});

describe("operators and splitting", () => {
  test("mntns, pidns, uts, comm and tree need their full names", () => {
    for (const e of ["mnt=1", "pidn=1", "ut=x", "com=x", "tre=1"]) {
      expect(() => parseTrace([e])).toThrow(/unknown field/);
    }
  });


  test("event:openat is the colon form of event=openat", () => {
    expect(parseTrace(["event:openat"]).print).toEqual(parseTrace(["event=openat"]).print);
  });

  test("the expression splits at the first operator, so values may hold operators", () => {
    const p = parseTrace(["openat.pathname=/a=b<c"]);
    expect(p.args[0].equal).toEqual([{ kind: "exact", text: "/a=b<c" }]);
  });

  test("set!= is accepted, ignored and reported as a warning", () => {
    const p = parseTrace(["set!=fs"]);
    expect(p.defaultSet).toBe(true);
    expect(p.warnings).toHaveLength(1);
  });
});
