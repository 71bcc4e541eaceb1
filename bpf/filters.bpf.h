/* Kernel-side filters (reference §6.1), checked in v0.6.5 order before any event work is done. */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "gen/events.h"
#include "maps.bpf.h"
#include "task.bpf.h"

#define NO_GT_BOUND (~0ULL) /* user space writes gt = U64_MAX (and lt = 0) for "no bound" */

static __always_inline bool filter__on(__u32 bit)
{
	return tracee_cfg.filter_enabled & bit;
}

static __always_inline bool filter__out_mode(__u32 bit)
{
	return tracee_cfg.filter_out & bit;
}

/* Numeric filter: the equality map's verdict (1 pass, 0 drop) if the key is listed; else IN mode drops,
 * OUT mode drops keys >= lt (when lt != 0) or <= gt (when gt != U64_MAX) and passes the rest. */
static __always_inline bool filter__match_num(void *map, __u32 key, __u32 bit, __u64 lt, __u64 gt)
{
	__u32 *verdict;

	if (!filter__on(bit))
		return true;
	verdict = bpf_map_lookup_elem(map, &key);
	if (verdict)
		return *verdict != 0;
	if (!filter__out_mode(bit))
		return false;
	if (lt && key >= lt)
		return false;
	if (gt != NO_GT_BOUND && key <= gt)
		return false;
	return true;
}

/* String filter (uts, comm): the listed verdict, else IN mode drops and OUT mode passes. */
static __always_inline bool filter__match_str(void *map, const char *key, __u32 bit)
{
	__u32 *verdict;

	if (!filter__on(bit))
		return true;
	verdict = bpf_map_lookup_elem(map, key);
	if (verdict)
		return *verdict != 0;
	return filter__out_mode(bit);
}

/* Boolean filter (container, container=new, pid=new): IN means "must be true", OUT "must be false". */
static __always_inline bool filter__match_bool(bool value, __u32 bit)
{
	if (!filter__on(bit))
		return true;
	return filter__out_mode(bit) ? !value : value;
}

/* Whether events of current pass the filters: follow -> self -> container=new -> pid=new -> container ->
 * container=ID -> uid -> mntns -> pidns -> pid (host tid) -> uts -> comm -> tree. Keys are read only for
 * filters that are on (tracee_cfg is constant to the verifier, so the code of the others is dropped). */
static __always_inline bool filter__pass(struct task_struct *t)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, tgid = pid_tgid >> 32;
	__u32 state = 0, cgroup_key = 0;
	char key[LIMIT_COMMLEN];

	if (filter__on(FILTER_FOLLOW) && bpf_map_lookup_elem(&traced_pids_map, &tid))
		return true;
	if (tracee_cfg.tracee_pid && tgid == tracee_cfg.tracee_pid)
		return false;
	if (filter__on(FILTER_CONTAINER_NEW | FILTER_CONTAINER | FILTER_CONTAINER_ID)) {
		cgroup_key = (__u32)task__cgroup_id(t);
		state = container__state(cgroup_key);
	}
	if (!filter__match_bool(state == CONTAINER_STARTED, FILTER_CONTAINER_NEW))
		return false;
	if (filter__on(FILTER_PID_NEW) &&
	    !filter__match_bool(bpf_map_lookup_elem(&new_pids_map, &tgid) != NULL, FILTER_PID_NEW))
		return false;
	if (!filter__match_bool(state == CONTAINER_EXISTED || state == CONTAINER_STARTED, FILTER_CONTAINER))
		return false;
	if (filter__on(FILTER_CONTAINER_ID) && !bpf_map_lookup_elem(&container_ids_map, &cgroup_key))
		return false;
	if (filter__on(FILTER_UID) && !filter__match_num(&uid_filter_map, (__u32)bpf_get_current_uid_gid(), FILTER_UID,
							  tracee_cfg.uid_lt, tracee_cfg.uid_gt))
		return false;
	if (filter__on(FILTER_MNTNS) && !filter__match_num(&mntns_filter_map, task__mnt_ns(t), FILTER_MNTNS,
							    tracee_cfg.mntns_lt, tracee_cfg.mntns_gt))
		return false;
	if (filter__on(FILTER_PIDNS) && !filter__match_num(&pidns_filter_map, task__pid_ns(t), FILTER_PIDNS,
							    tracee_cfg.pidns_lt, tracee_cfg.pidns_gt))
		return false;
	if (!filter__match_num(&pid_filter_map, tid, FILTER_PID, tracee_cfg.pid_lt, tracee_cfg.pid_gt))
		return false;
	if (filter__on(FILTER_UTS)) {
		struct uts_namespace *uts = BPF_CORE_READ(t, nsproxy, uts_ns);

		__builtin_memset(key, 0, sizeof(key));
		BPF_CORE_READ_STR_INTO(&key, uts, name.nodename);
		if (!filter__match_str(&uts_filter_map, key, FILTER_UTS))
			return false;
	}
	if (filter__on(FILTER_COMM)) {
		__builtin_memset(key, 0, sizeof(key));
		bpf_get_current_comm(key, sizeof(key));
		if (!filter__match_str(&comm_filter_map, key, FILTER_COMM))
			return false;
	}
	if (filter__on(FILTER_TREE)) {
		__u32 *verdict = bpf_map_lookup_elem(&process_tree_map, &tgid);

		if (verdict ? *verdict == 0 : !filter__out_mode(FILTER_TREE))
			return false;
	}
	return true;
}
