// Maps that only some filters and options use are shrunk to one entry when a session does not use them: the kernel
// preallocates hash and stack maps when they are created, and that time counts against start-up.
import { FILTER, OPTION } from "../events/schema.ts";

/** max_entries to set before load, by map name, given the config's filter_enabled and options bits. */
export function unusedMapSizes(filterEnabled: number, options: number): Record<string, number> {
  const sizes: Record<string, number> = {};
  const off = (bit: number) => (filterEnabled & bit) === 0;
  // every write to these is behind the filter's bit (bpf/tracee.bpf.c, cgroup.bpf.h); only deletes are not
  if (off(FILTER.follow)) sizes.traced_pids_map = 1;
  if (off(FILTER.pid_new)) sizes.new_pids_map = 1;
  if (off(FILTER.tree)) sizes.process_tree_map = 1;
  if (off(FILTER.container_id)) sizes.container_ids_map = 1;
  if ((options & OPTION.stack_addresses) === 0) sizes.stack_addresses_map = 1;
  return sizes;
}
