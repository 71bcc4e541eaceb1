// End-to-end, processes, credentials and namespaces: fork/exec/exit, do_exit, security_bprm_check,
// sched_switch, cap_capable, commit_creds (the cred type), switch_task_ns and init_namespaces.
import { beforeAll, describe, expect, test } from "bun:test";
import { readlinkSync } from "node:fs";
import { argsOf, eventsOf, traceFixture, type FixtureRun, type TracedRun } from "../helpers/events.ts";
import { requireRoot } from "../helpers/tracee.ts";

const EVENTS = [
  "sched_process_fork", "sched_process_exec", "sched_process_exit", "do_exit", "security_bprm_check", "sched_switch",
  "cap_capable", "commit_creds", "switch_task_ns", "init_namespaces", "exit_group", "sys_enter",
];
const SETRESUID = 117, SETRESGID = 119, EXIT_GROUP = 231;
const nsOf = (name: string) => Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/self/ns/${name}`))![1]);

describe("process, credential and namespace events", () => {
  let run: TracedRun;
  let main: FixtureRun, exec: FixtureRun;
  let credPid = 0, exitChild = 0;

  beforeAll(async () => {
    requireRoot();
    run = await traceFixture([`event=${EVENTS.join(",")}`],
      [["sleep:20", "forkexit:3", "creds:1234", "ns"], ["exec:/bin/true:true"]],
      { comms: ["true"], output: ["option:detect-syscall"] });
    [main, exec] = run.runs;
    credPid = main.num("pid");
    exitChild = main.num("child");
  });

  test("sched_process_fork gives parent and child tids; the child's exit code and wait status follow", () => {
    const fork = eventsOf(run.events, "sched_process_fork", main.pid).find((e) => argsOf(e).child_tid === exitChild);
    expect(argsOf(fork)).toEqual({ parent_tid: main.pid, parent_ns_tid: main.pid, child_tid: exitChild, child_ns_tid: exitChild });
    const exit = eventsOf(run.events, "sched_process_exit", exitChild)[0];
    expect(argsOf(exit)).toEqual({ exit_code: 3 });
    expect(exit.returnValue).toBe(3 << 8);
  });

  test("do_exit reports the exit code the task dies with", () => {
    const ev = eventsOf(run.events, "do_exit", exitChild);
    expect(ev).toHaveLength(1);
    expect(ev[0].returnValue).toBe(3 << 8);
    expect(ev[0].args).toEqual([]);
  });

  test("exit_group never returns, so it has no syscall event; sys_enter still shows it", () => {
    expect(eventsOf(run.events, "exit_group", exitChild)).toHaveLength(0);
    expect(eventsOf(run.events, "sys_enter", exitChild).map((e) => argsOf(e).syscall)).toContain(EXIT_GROUP);
  });

  test("security_bprm_check names the executed binary from the kernel's linux_binprm", () => {
    const ev = eventsOf(run.events, "security_bprm_check", exec.pid).find((e) => argsOf(e).pathname.endsWith("/true"));
    expect(ev).toBeDefined();
    expect(argsOf(ev).pathname).toMatch(/^\/(usr\/)?bin\/true$/);
    expect(argsOf(ev).inode).toBeGreaterThan(0);
    const sched = eventsOf(run.events, "sched_process_exec", exec.pid).find((e) => argsOf(e).cmdpath === "/bin/true");
    expect(argsOf(sched).inode).toBe(argsOf(ev).inode);
  });

  test("sched_switch shows the fixture leaving the CPU while it sleeps", () => {
    const ev = eventsOf(run.events, "sched_switch", main.pid);
    expect(ev.length).toBeGreaterThan(0);
    expect(argsOf(ev[0])).toMatchObject({ prev_tid: main.pid, prev_comm: "evfix" });
    expect(typeof argsOf(ev[0]).next_tid).toBe("number");
    expect(argsOf(ev[0]).cpu).toBeGreaterThanOrEqual(0);
    expect(argsOf(ev[0]).cpu).toBeLessThan(navigator.hardwareConcurrency);
  });

  test("cap_capable reports the capability setresuid and setresgid check, with the syscall (detect-syscall)", () => {
    const caps = eventsOf(run.events, "cap_capable", credPid).map(argsOf);
    expect(caps).toContainEqual({ cap: 7, syscall: SETRESUID }); // CAP_SETUID
    expect(caps).toContainEqual({ cap: 6, syscall: SETRESGID }); // CAP_SETGID
  });

  test("cap_capable leaves out the non-audited memory-accounting check of mmap and fork", () => {
    const all = run.events.filter((e) => e.eventName === "cap_capable").map(argsOf);
    expect(all.filter((a) => a.cap === 21 && [9, 10, 12, 25, 56, 57, 58, 59].includes(a.syscall))).toEqual([]);
    expect(eventsOf(run.events, "sched_process_fork", main.pid).length).toBeGreaterThan(0); // forks did happen
  });

  test("commit_creds reports old and new credentials of each change, and only changes", () => {
    const ev = eventsOf(run.events, "commit_creds", credPid);
    expect(ev.map((e) => argsOf(e).syscall)).toEqual([SETRESUID, SETRESUID, SETRESGID]);
    const [drop, back, gid] = ev.map(argsOf);
    expect(drop.old_cred).toMatchObject({ Uid: 0, Euid: 0, Fsuid: 0, Gid: 0 });
    expect(drop.new_cred).toMatchObject({ Uid: 0, Euid: 1234, Suid: 0, Fsuid: 1234, CapEffective: 0 });
    expect(drop.new_cred.CapPermitted).toBe(drop.old_cred.CapPermitted);
    expect(drop.new_cred.UserNamespace).toBe(nsOf("user"));
    expect(back.old_cred.Euid).toBe(1234);
    expect(back.new_cred).toMatchObject({ Euid: 0, Fsuid: 0 });
    expect(back.new_cred.CapEffective).toBe(drop.old_cred.CapEffective);
    expect(gid.new_cred).toMatchObject({ Gid: 0, Egid: 1234, Fsgid: 1234, Euid: 0 });
  });

  test("switch_task_ns reports the pid and only the namespaces that changed", () => {
    const ev = eventsOf(run.events, "switch_task_ns", main.pid).map(argsOf);
    expect(ev).toEqual([
      { pid: main.pid, new_uts: main.num("uts_new") },
      { pid: main.pid, new_uts: main.num("uts_before") },
    ]);
  });

  test("init_namespaces is sent once, with the host's namespace inode numbers", () => {
    const ev = eventsOf(run.events, "init_namespaces");
    expect(ev).toHaveLength(1);
    expect(argsOf(ev[0])).toMatchObject({ mnt: nsOf("mnt"), net: nsOf("net"), pid: nsOf("pid"), uts: nsOf("uts"), user: nsOf("user") });
    expect(ev[0].eventId).toBe("2000");
  });
});
