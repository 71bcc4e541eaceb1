/* Maps and the load-time configuration shared by every program of tracee.bpf.c. */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "gen/events.h"

/* Load-time configuration; user space writes it at offset 0 of the `.rodata.cfg` map before load, so the
 * verifier sees its values as constants and drops the code of filters that are off. */
const volatile struct tracee_config tracee_cfg SEC(".rodata.cfg") = {};

#define MAX_TASKS 16384
#define BUF_EVENT 0 /* bufs_map slot of the event being built */
#define BUF_PATH 1  /* bufs_map slot used as scratch while a path is resolved */

/* One argument list saved at sys_enter for the matching sys_exit. */
struct saved_args {
	__u64 id;
	__u64 args[6];
	__u64 ts;		    /* entry time: syscall events carry it */
	char comm[LIMIT_COMMLEN];   /* execve/execveat only: the comm before the exec */
	__u32 flags;		    /* SAVED_* */
	__u32 pad;
};

/* The exec's entry event could not read its user memory (pages not present, e.g. right after fork): it is
 * sent later, from sched_process_exec (kernel copies) or from sys_exit when the exec failed. */
#define SAVED_EXEC_PENDING 1

/* Per-CPU event buffer: bookkeeping, then the raw sample (context header + argument records). */
struct event_buf {
	__u32 off; /* bytes of data[] in use */
	__u32 pad;
	__u8 data[LIMIT_EVENTBUF - 8];
};

/* events: the perf rings, one per CPU (user space creates and mmaps them) */
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

/* stack_addresses_map: user stacks of events (option stack-addresses); user space reads and deletes each entry */
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 8192);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, LIMIT_STACKDEPTH * sizeof(__u64));
} stack_addresses_map SEC(".maps");

/* chosen_events_map: event id -> EVENT_FLAG_* (SUBMIT = send to user space, ESSENTIAL = bookkeeping); an array,
 * because every syscall of the host looks itself up here and an array lookup is compiled inline (no hashing) */
#define CHOSEN_EVENTS_MAX 4096
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CHOSEN_EVENTS_MAX);
	__type(key, __u32);
	__type(value, __u32);
} chosen_events_map SEC(".maps");

/* stats_map: KSTAT_* counters, per CPU, summed by user space at exit */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KSTAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stats_map SEC(".maps");

/* args_map: host tid -> syscall id, registers and entry time saved at sys_enter */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, __u32);
	__type(value, struct saved_args);
} args_map SEC(".maps");

/* bufs_map: per-CPU scratch, [BUF_EVENT] the sample being built, [BUF_PATH] path resolution */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct event_buf);
} bufs_map SEC(".maps");

/* uid_filter_map: real uid -> verdict (1 = equal: pass, 0 = not equal: drop) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u32);
} uid_filter_map SEC(".maps");

/* pid_filter_map: host tid -> verdict */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u32);
} pid_filter_map SEC(".maps");

/* mntns_filter_map: mount namespace inode -> verdict */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u32);
} mntns_filter_map SEC(".maps");

/* pidns_filter_map: pid namespace inode -> verdict */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u32);
} pidns_filter_map SEC(".maps");

/* uts_filter_map: UTS nodename (16 bytes, NUL padded) -> verdict */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, char[LIMIT_UTSLEN]);
	__type(value, __u32);
} uts_filter_map SEC(".maps");

/* comm_filter_map: task comm (16 bytes, NUL padded) -> verdict */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, char[LIMIT_COMMLEN]);
	__type(value, __u32);
} comm_filter_map SEC(".maps");

/* traced_pids_map (follow): host tid of a traced task or descendant -> its host tgid */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, __u32);
	__type(value, __u32);
} traced_pids_map SEC(".maps");

/* new_pids_map (pid=new): host tgid of a process exec'd (or forked by a traced task) after start -> 1 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, __u32);
	__type(value, __u32);
} new_pids_map SEC(".maps");

/* process_tree_map (tree=): host tgid -> verdict; seeded from /proc, children inherit it at fork */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, __u32);
	__type(value, __u32);
} process_tree_map SEC(".maps");

/* containers_map: low 32 bits of a cgroup id (of the followed hierarchy) -> CONTAINER_* state (schema.ts) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u32);
} containers_map SEC(".maps");

/* container_ids_map (container=ID): low 32 bits of a cgroup id -> CONTAINER_ID_*; user space fills it
 * from the cgroup tree at start and from cgroup_mkdir events */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u32);
} container_ids_map SEC(".maps");

static __always_inline void stats__inc(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&stats_map, &which);

	if (v)
		*v += 1; /* per-CPU slot: no other writer */
}

static __always_inline __u32 event__flags(__u32 id)
{
	__u32 *f = bpf_map_lookup_elem(&chosen_events_map, &id);

	return f ? *f : 0;
}

static __always_inline bool event__submit(__u32 id)
{
	return event__flags(id) & EVENT_FLAG_SUBMIT;
}
