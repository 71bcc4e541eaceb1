// Which maps a session shrinks to one entry before load (src/tracer/map-sizes.ts).
import { expect, test } from "bun:test";
import { FILTER, OPTION } from "../../src/events/schema.ts";
import { EventId } from "../../src/events/gen/events.ts";
import { BPF_F_NO_PREALLOC, mapFlags, unusedMapSizes } from "../../src/tracer/map-sizes.ts";

const CAPTURE_MAPS = ["capture_files_map", "capture_lost_map", "capture_args_map", "vfs_write_map"];

test("without filters, options, capture or write events, every optional map is shrunk", () => {
  const s = unusedMapSizes(0, 0, [EventId.openat]);
  for (const m of ["cred_snap_map", "ns_snap_map", "alert_map", "traced_pids_map", "new_pids_map", "process_tree_map", "container_ids_map", "stack_addresses_map", ...CAPTURE_MAPS]) {
    expect(s[m]).toBe(1);
  }
});

test("a map in use keeps its size", () => {
  expect(unusedMapSizes(FILTER.follow, 0, []).traced_pids_map).toBeUndefined();
  expect(unusedMapSizes(0, OPTION.stack_addresses, []).stack_addresses_map).toBeUndefined();
  for (const opt of [OPTION.capture_write, OPTION.capture_exec, OPTION.capture_mem]) {
    const s = unusedMapSizes(0, opt, []);
    for (const m of CAPTURE_MAPS) expect(s[m]).toBeUndefined();
  }
  expect(unusedMapSizes(0, 0, [EventId.commit_creds]).cred_snap_map).toBeUndefined();
  expect(unusedMapSizes(0, 0, [EventId.switch_task_ns]).ns_snap_map).toBeUndefined();
  expect(unusedMapSizes(0, 0, [EventId.mem_prot_alert]).alert_map).toBeUndefined();
  for (const id of [EventId.vfs_write, EventId.vfs_writev, EventId.magic_write]) {
    const s = unusedMapSizes(0, 0, [EventId.openat, id]);
    expect(s.capture_args_map).toBeUndefined();
    expect(s.vfs_write_map).toBeUndefined();
    expect(s.capture_files_map).toBe(1);
  }
});

test("hash maps are allocated as used from 6.1 (bpf_mem_alloc), preallocated before", () => {
  for (const release of ["6.1.0-13-amd64", "6.18.4"]) {
    const f = mapFlags(release);
    for (const m of ["args_map", "containers_map", "process_tree_map", "comm_filter_map"]) expect(f[m]).toBe(BPF_F_NO_PREALLOC);
    // LRU maps cannot do without preallocation
    for (const m of ["cred_snap_map", "ns_snap_map", "alert_map", "vfs_write_map", "capture_files_map"]) expect(f[m]).toBeUndefined();
  }
  expect(mapFlags("6.0.19")).toEqual({});
  expect(mapFlags("5.15.0-91-generic")).toEqual({});
  expect(mapFlags("4.18.0-553.el8_10.x86_64")).toEqual({});
  expect(mapFlags("garbage")).toEqual({});
});
