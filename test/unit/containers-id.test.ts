// Container ids from cgroup paths: every runtime's naming, both hierarchies' shapes, and look-alikes that are not ids.
import { describe, expect, test } from "bun:test";
import { containerOf } from "../../src/containers/id.ts";

const ID = "3f6ab1c2e85d4f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a";
const ID2 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

describe("containerOf", () => {
  test.each([
    ["docker, cgroupfs driver (v1 and v2)", `/docker/${ID}`, "unknown"],
    ["docker, systemd driver", `/system.slice/docker-${ID}.scope`, "docker"],
    ["containerd under Kubernetes", `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1a2b.slice/cri-containerd-${ID}.scope`, "containerd"],
    ["containerd, cgroupfs driver", `/kubepods/besteffort/pod1a2b3c4d/${ID}`, "unknown"],
    ["cri-o", `/kubepods.slice/kubepods-burstable.slice/crio-${ID}.scope`, "crio"],
    ["podman", `/machine.slice/libpod-${ID}.scope`, "podman"],
    ["podman's nested payload cgroup", `/machine.slice/libpod-${ID}.scope/container`, "podman"],
  ])("finds the id of %s", (_, path, runtime) => {
    expect(containerOf(path)).toEqual({ id: ID, runtime });
  });

  test("a container nested in another belongs to the inner one", () => {
    expect(containerOf(`/docker/${ID}/docker/${ID2}`)).toEqual({ id: ID2, runtime: "unknown" });
  });

  test("host cgroups and short or non-hex names are no container", () => {
    for (const p of ["/", "/system.slice/sshd.service", "/user.slice/user-1000.slice/session-2.scope", `/docker/${ID.slice(1)}`,
      `/docker/${ID.slice(0, 63)}g`, `/docker/${ID.toUpperCase()}`, `/docker/${ID}0`]) {
      expect(containerOf(p)).toBeNull();
    }
  });

  test("the runtimes' monitor cgroups (conmon) are not the container", () => {
    expect(containerOf(`/machine.slice/libpod-conmon-${ID}.scope`)).toBeNull();
    expect(containerOf(`/kubepods.slice/crio-conmon-${ID}.scope`)).toBeNull();
  });
});
