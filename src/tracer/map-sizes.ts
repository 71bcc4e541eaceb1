// Maps that only some filters, options and events use are shrunk to one entry when a session does not use them: the
// kernel preallocates hash, LRU and stack maps when they are created, and that time counts against start-up.
import { FILTER, OPTION } from "../events/schema.ts";
import { EventId } from "../events/gen/events.ts";
import { kernelAtLeast } from "./preflight.ts";

/** BPF_F_NO_PREALLOC: hash map elements allocated on update instead of all at creation. */
export const BPF_F_NO_PREALLOC = 1;

const CAPTURE_ANY = OPTION.capture_write | OPTION.capture_exec | OPTION.capture_mem;
/** The events whose programs save vfs write calls (bpf/events_kprobe.bpf.h, capture.bpf.h's kprobe way). */
const WRITE_CALL_EVENTS: number[] = [EventId.vfs_write, EventId.vfs_writev, EventId.magic_write];

/** Maps that hold a task's state between a syscall's entry and exit for one event only (bpf/events_tp.bpf.h). */
const SNAPSHOT_MAPS: [string, number][] = [
  ["cred_snap_map", EventId.commit_creds],
  ["ns_snap_map", EventId.switch_task_ns],
  ["alert_map", EventId.mem_prot_alert],
];

/** max_entries to set before load, by map name, given the config's filter_enabled and options bits and the events. */
export function unusedMapSizes(filterEnabled: number, options: number, events: readonly number[]): Record<string, number> {
  const sizes: Record<string, number> = {};
  const off = (bit: number) => (filterEnabled & bit) === 0;
  // every write to these is behind the filter's bit (bpf/tracee.bpf.c, cgroup.bpf.h); only deletes are not
  if (off(FILTER.follow)) sizes.traced_pids_map = 1;
  if (off(FILTER.pid_new)) sizes.new_pids_map = 1;
  if (off(FILTER.tree)) sizes.process_tree_map = 1;
  if (off(FILTER.container_id)) sizes.container_ids_map = 1;
  if ((options & OPTION.stack_addresses) === 0) sizes.stack_addresses_map = 1;
  for (const [map, id] of SNAPSHOT_MAPS) if (!events.includes(id)) sizes[map] = 1;
  // capture's own maps are written only by capture (capture__on, capture__send); the saved vfs write calls also for
  // the write events
  if ((options & CAPTURE_ANY) === 0) {
    sizes.capture_files_map = 1;
    sizes.capture_lost_map = 1;
    if (!WRITE_CALL_EVENTS.some((id) => events.includes(id))) {
      sizes.capture_args_map = 1;
      sizes.vfs_write_map = 1;
    }
  }
  return sizes;
}

/**
 * The hash maps (LRU maps are always preallocated): per-thread syscall arguments, the filters' values (written by user
 * space), the container table and the process tables of follow, pid=new and tree (written by the programs).
 */
const HASH_MAPS = [
  "args_map", "uid_filter_map", "pid_filter_map", "mntns_filter_map", "pidns_filter_map", "uts_filter_map", "comm_filter_map",
  "traced_pids_map", "new_pids_map", "process_tree_map", "containers_map", "container_ids_map",
];

/**
 * Creation flags to add before load, by map name, for the running kernel. The kernel preallocates a hash map's
 * elements when it creates the map: args_map alone (16,384 threads inside a syscall) is 2.6 MB and took ~7 ms of
 * every start, containers_map ~3 ms, a process table in use ~4 ms. From 6.1 the kernel allocates hash elements for
 * tracing programs from per-CPU caches (bpf_mem_alloc), so these maps are created empty and hold only what is in
 * them; a failed allocation is an update that fails (for args_map counted at exit as args_missing, as a full map
 * is). Before 6.1 run-time allocation from tracing programs is unsafe (and warned about), so they stay preallocated.
 */
export function mapFlags(release: string): Record<string, number> {
  return kernelAtLeast(release, 6, 1) ? Object.fromEntries(HASH_MAPS.map((m) => [m, BPF_F_NO_PREALLOC])) : {};
}
