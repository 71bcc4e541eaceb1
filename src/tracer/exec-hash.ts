// option:exec-hash: appends the sha256 of the executed file to sched_process_exec, cached per mount namespace,
// path and ctime so that an unchanged binary is hashed once.
import { readFileSync } from "node:fs";
import type { TraceEvent } from "../events/types.ts";
import { EventId } from "../events/gen/events.ts";

const MAX_ENTRIES = 4096;

export class ExecHasher {
  private readonly cache = new Map<string, string>();

  /** Adds `sha256` to a sched_process_exec event; other events pass unchanged. */
  enrich(ev: TraceEvent): void {
    if (ev.eventId !== EventId.sched_process_exec) return;
    const arg = (n: string) => ev.args.find((a) => a.name === n)?.value;
    const path = arg("pathname");
    if (typeof path !== "string" || !path.startsWith("/")) return;
    const key = `${ev.mountNamespace}:${path}:${String(arg("ctime") ?? "")}`;
    let hash = this.cache.get(key);
    if (hash === undefined) {
      hash = this.hash(ev.hostProcessId, path);
      if (!hash) return;
      if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, hash);
    }
    ev.args.push({ name: "sha256", type: "const char*", wire: "str", value: hash });
  }

  /** The file as the process saw it (its root may differ from ours), else by path when it is already gone. */
  private hash(pid: number, path: string): string {
    for (const p of [`/proc/${pid}/root${path}`, path]) {
      try {
        return new Bun.CryptoHasher("sha256").update(readFileSync(p)).digest("hex");
      } catch {
        // the process exited or the file vanished: try the next way
      }
    }
    return "";
  }
}
