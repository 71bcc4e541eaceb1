// What the benchmark reads about a running process from /proc: CPU time, peak memory, and its BPF programs' run time.
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";

const TICK = 100; // USER_HZ

/** utime + stime of every thread of `pid`, in seconds (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) / TICK;
  } catch {
    return 0;
  }
}

/** Peak resident set (VmHWM) of `pid` in KiB. */
export function peakRssKiB(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Whether `pid` holds a BPF link or a perf event fd: its programs are attached, not only loaded. */
export function hooked(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        const l = readlinkSync(`/proc/${pid}/fd/${fd}`);
        return l === "anon_inode:bpf_link" || l === "anon_inode:[perf_event]";
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/** Sum of run_time_ns and run_cnt over the BPF programs `pid` holds (kernel.bpf_stats_enabled must be on). */
export function bpfRunTime(pid: number): { ns: number; runs: number } {
  let ns = 0, runs = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== "anon_inode:bpf-prog") continue;
      const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8");
      ns += Number(/run_time_ns:\s+(\d+)/.exec(info)?.[1] ?? 0);
      runs += Number(/run_cnt:\s+(\d+)/.exec(info)?.[1] ?? 0);
    } catch {
      // the fd went away between listing and reading
    }
  }
  return { ns, runs };
}

/** Turns kernel.bpf_stats_enabled on for the duration of `fn` and back to what it was. */
export async function withBpfStats<T>(fn: () => Promise<T>): Promise<T> {
  const path = "/proc/sys/kernel/bpf_stats_enabled";
  const before = readFileSync(path, "utf8").trim();
  writeFileSync(path, "1");
  try {
    return await fn();
  } finally {
    writeFileSync(path, before);
  }
}
