// End-to-end, network: the socket LSM events for IPv4, IPv6 and unix sockets with addresses taken from the
// sockets' kernel state, socket_dup, and the sockaddr argument type of the syscalls themselves.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { argsOf, eventsOf, traceFixture, type FixtureRun, type TracedRun } from "../helpers/events.ts";
import { requireRoot } from "../helpers/tracee.ts";

const dir = mkdtempSync(join(tmpdir(), "tracee-net-"));
const sockPath = join(dir, "server.sock");
const EVENTS = [
  "security_socket_create", "security_socket_bind", "security_socket_listen", "security_socket_connect",
  "security_socket_accept", "socket_dup", "bind", "connect", "accept4",
];

const inet = (port: number) => ({ sa_family: "AF_INET", sin_port: String(port), sin_addr: "127.0.0.1" });
const inet6 = (port: number) => ({ sa_family: "AF_INET6", sin6_port: String(port), sin6_flowinfo: "0", sin6_addr: "::1", sin6_scopeid: "0" });

describe("socket events", () => {
  let run: TracedRun;
  let v4: FixtureRun, v6: FixtureRun, unix: FixtureRun;
  const of = (name: string, f: FixtureRun) => eventsOf(run.events, name, f.pid).map(argsOf);

  beforeAll(async () => {
    requireRoot();
    run = await traceFixture([`event=${EVENTS.join(",")}`], [["tcp4"], ["tcp6"], [`unix:${sockPath}`]]);
    [v4, v6, unix] = run.runs;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("security_socket_create reports family, type, protocol and kern of each new socket", () => {
    expect(of("security_socket_create", v4)).toEqual([
      { family: 2, type: 1, protocol: 6, kern: 0 }, { family: 2, type: 1, protocol: 6, kern: 0 },
    ]);
    expect(of("security_socket_create", v6)[0]).toEqual({ family: 10, type: 1, protocol: 6, kern: 0 });
    expect(of("security_socket_create", unix)[0]).toEqual({ family: 1, type: 1, protocol: 0, kern: 0 });
  });

  test("security_socket_bind shows the address the kernel bound (the port it chose for port 0)", () => {
    expect(of("security_socket_bind", v4)).toEqual([{ sockfd: v4.num("listener"), local_addr: inet(v4.num("port")) }]);
    expect(of("security_socket_bind", v6)).toEqual([{ sockfd: v6.num("listener"), local_addr: inet6(v6.num("port")) }]);
    expect(of("security_socket_bind", unix)).toEqual([
      { sockfd: unix.num("listener"), local_addr: { sa_family: "AF_UNIX", sun_path: sockPath } },
    ]);
    // the syscall shows what the caller asked for: port 0
    expect(of("bind", v4)[0].addr).toEqual(inet(0));
  });

  test("security_socket_listen carries the listening address and the backlog", () => {
    expect(of("security_socket_listen", v4)).toEqual([{ sockfd: v4.num("listener"), local_addr: inet(v4.num("port")), backlog: 7 }]);
    expect(of("security_socket_listen", unix)).toEqual([
      { sockfd: unix.num("listener"), local_addr: { sa_family: "AF_UNIX", sun_path: sockPath }, backlog: 3 },
    ]);
  });

  test("security_socket_connect carries the peer's address", () => {
    expect(of("security_socket_connect", v4)).toEqual([{ sockfd: v4.num("client"), remote_addr: inet(v4.num("port")) }]);
    expect(of("security_socket_connect", v6)).toEqual([{ sockfd: v6.num("client"), remote_addr: inet6(v6.num("port")) }]);
    expect(of("security_socket_connect", unix)).toEqual([
      { sockfd: unix.num("client"), remote_addr: { sa_family: "AF_UNIX", sun_path: sockPath } },
    ]);
  });

  test("security_socket_accept carries the listening socket and its address", () => {
    expect(of("security_socket_accept", v4)).toEqual([{ sockfd: v4.num("listener"), local_addr: inet(v4.num("port")) }]);
    expect(of("security_socket_accept", unix)).toEqual([
      { sockfd: unix.num("listener"), local_addr: { sa_family: "AF_UNIX", sun_path: sockPath } },
    ]);
  });

  test("accept4 reports the peer address the kernel wrote back (a sockaddr read at exit)", () => {
    const a = eventsOf(run.events, "accept4", v4.pid)[0];
    expect(a.returnValue).toBe(v4.num("accepted"));
    expect(argsOf(a).addr).toEqual(inet(v4.num("client_port")));
    expect(argsOf(a).flags).toBe(0o2000000); // SOCK_CLOEXEC
  });

  test("socket_dup reports dup and dup3 of a connected socket with its peer", () => {
    expect(of("socket_dup", v4)).toEqual([
      { oldfd: v4.num("client"), newfd: v4.num("dup"), remote_addr: inet(v4.num("port")) },
      { oldfd: v4.num("client"), newfd: 50, remote_addr: inet(v4.num("port")) },
    ]);
    expect(of("socket_dup", v6)[0]).toEqual({ oldfd: v6.num("client"), newfd: v6.num("dup"), remote_addr: inet6(v6.num("port")) });
  });
});

describe("socket_dup alone", () => {
  test("event=socket_dup prints socket_dup without the dup syscalls it depends on", async () => {
    const run = await traceFixture(["event=socket_dup"], [["tcp4"]]);
    expect(new Set(run.events.map((e) => e.eventName))).toEqual(new Set(["socket_dup"]));
    expect(eventsOf(run.events, "socket_dup", run.runs[0].pid)).toHaveLength(2);
  });
});
