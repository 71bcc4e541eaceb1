// Which cgroup hierarchy is followed on v2, hybrid and v1 hosts and inside containers, and how paths map to it.
import { describe, expect, test } from "bun:test";
import {
  cgroupMounts, chooseHierarchy, dirOf, firstController, pathInProcCgroup, pathOf, type Hierarchy,
} from "../../src/containers/hierarchy.ts";
import { UsageError } from "../../src/errors.ts";

const line = (id: number, root: string, mnt: string, fs: string, sup: string) =>
  `${id} 20 0:${id} ${root} ${mnt} rw,nosuid,nodev,noexec,relatime shared:${id} - ${fs} ${fs} ${sup}`;

// this project's machines: v1 controllers plus cgroup2 at /sys/fs/cgroup/unified
const HYBRID = [
  "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
  "23 22 0:20 / /sys/fs/cgroup rw,nosuid shared:2 - tmpfs tmpfs rw,mode=755",
  line(24, "/", "/sys/fs/cgroup/cpu", "cgroup", "rw,cpu"),
  line(25, "/", "/sys/fs/cgroup/cpuset", "cgroup", "rw,cpuset"),
  line(26, "/", "/sys/fs/cgroup/memory", "cgroup", "rw,memory"),
  line(27, "/", "/sys/fs/cgroup/systemd", "cgroup", "rw,xattr,name=systemd"),
  line(28, "/", "/sys/fs/cgroup/unified", "cgroup2", "rw,nsdelegate"),
].join("\n");
const V2 = [
  "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
  line(30, "/", "/sys/fs/cgroup", "cgroup2", "rw,nsdelegate,memory_recursiveprot"),
].join("\n");
const PROC_CGROUPS = "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t3\t1\t1\ncpu\t1\t1\t1\nmemory\t4\t23\t1\n";

describe("cgroupMounts", () => {
  test("reads cgroup and cgroup2 mounts with their root and super options, skipping the rest", () => {
    const ms = cgroupMounts(HYBRID);
    expect(ms.map((m) => m.mountPoint)).toEqual([
      "/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpuset", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified"]);
    expect(ms[1]).toEqual({ mountPoint: "/sys/fs/cgroup/cpuset", root: "/", fsType: "cgroup", superOptions: ["rw", "cpuset"] });
  });

  test("undoes mountinfo's octal escapes and copes with optional fields", () => {
    const ms = cgroupMounts("40 1 0:40 /a\\040b /mnt/my\\040cg rw master:3 shared:9 - cgroup2 none rw");
    expect(ms).toEqual([{ mountPoint: "/mnt/my cg", root: "/a b", fsType: "cgroup2", superOptions: ["rw"] }]);
  });
});

describe("chooseHierarchy", () => {
  test("a hybrid host follows the v1 cpuset hierarchy", () => {
    expect(chooseHierarchy(cgroupMounts(HYBRID), "cpuset")).toEqual({ version: 1, mount: "/sys/fs/cgroup/cpuset", root: "/" });
  });

  test("a cgroup v2 host follows the unified hierarchy at /sys/fs/cgroup", () => {
    expect(chooseHierarchy(cgroupMounts(V2), "cpuset")).toEqual({ version: 2, mount: "/sys/fs/cgroup", root: "/" });
  });

  test("v1 needs cpuset as the first controller, else the unified hierarchy is used", () => {
    expect(chooseHierarchy(cgroupMounts(HYBRID), "cpu")).toEqual({ version: 2, mount: "/sys/fs/cgroup/unified", root: "/" });
  });

  test("no cgroup mount at all gives null", () => {
    expect(chooseHierarchy(cgroupMounts("22 1 8:1 / / rw - ext4 /dev/sda1 rw"), "cpuset")).toBeNull();
  });

  test("TRACEE_CGROUP_MOUNT picks a mount, with or without a trailing slash", () => {
    expect(chooseHierarchy(cgroupMounts(HYBRID), "cpuset", "/sys/fs/cgroup/unified/")).toEqual({
      version: 2, mount: "/sys/fs/cgroup/unified", root: "/",
    });
  });

  test("TRACEE_CGROUP_MOUNT must name a cgroup2 or the cpuset mount", () => {
    expect(() => chooseHierarchy(cgroupMounts(HYBRID), "cpuset", "/sys/fs/cgroup/memory")).toThrow(
      new UsageError("TRACEE_CGROUP_MOUNT=/sys/fs/cgroup/memory: tracee follows cgroup v1 through the cpuset hierarchy; " +
        "give the cpuset mount or a cgroup2 mount"));
    expect(() => chooseHierarchy(cgroupMounts(HYBRID), "cpuset", "/tmp")).toThrow(/TRACEE_CGROUP_MOUNT=\/tmp is not a cgroup mount \(cgroup mounts here: \/sys\/fs\/cgroup\/cpu, /);
  });

  test("inside a container with its own cgroup namespace the mount's root is kept", () => {
    const inner = line(50, "/system.slice/docker-abc.scope", "/sys/fs/cgroup", "cgroup2", "rw");
    expect(chooseHierarchy(cgroupMounts(inner), null)).toEqual({ version: 2, mount: "/sys/fs/cgroup", root: "/system.slice/docker-abc.scope" });
  });

  test("of several mounts of one hierarchy, the one showing all of it wins", () => {
    const two = [line(60, "/sub", "/sys/fs/cgroup", "cgroup2", "rw"), line(61, "/", "/sys/fs/cgroup", "cgroup2", "rw")].join("\n");
    expect(chooseHierarchy(cgroupMounts(two), null)?.root).toBe("/");
  });
});

describe("paths", () => {
  const h: Hierarchy = { version: 1, mount: "/sys/fs/cgroup/cpuset", root: "/" };
  const narrowed: Hierarchy = { version: 2, mount: "/sys/fs/cgroup", root: "/kubepods" };

  test("firstController reads the kernel's subsystem order", () => {
    expect(firstController(PROC_CGROUPS)).toBe("cpuset");
    expect(firstController("#subsys_name\n")).toBeNull();
  });

  test("hierarchy paths and directories map both ways, also under a narrowed root", () => {
    expect(dirOf(h, "/")).toBe("/sys/fs/cgroup/cpuset");
    expect(dirOf(h, "/docker/x")).toBe("/sys/fs/cgroup/cpuset/docker/x");
    expect(pathOf(h, "/sys/fs/cgroup/cpuset")).toBe("/");
    expect(pathOf(h, "/sys/fs/cgroup/cpuset/docker/x")).toBe("/docker/x");
    expect(dirOf(narrowed, "/kubepods/pod1")).toBe("/sys/fs/cgroup/pod1");
    expect(dirOf(narrowed, "/system.slice")).toBeNull();
    expect(pathOf(narrowed, "/sys/fs/cgroup/pod1")).toBe("/kubepods/pod1");
  });

  test("pathInProcCgroup takes the cpuset line on v1 and the 0:: line on v2", () => {
    const text = "9:name=systemd:/init.scope\n3:cpuset:/docker/abc\n1:cpu,cpuacct:/x\n0::/system.slice/docker-abc.scope\n";
    expect(pathInProcCgroup(h, text)).toBe("/docker/abc");
    expect(pathInProcCgroup({ ...h, version: 2 }, text)).toBe("/system.slice/docker-abc.scope");
    expect(pathInProcCgroup(h, "0::/\n")).toBeNull();
  });
});
