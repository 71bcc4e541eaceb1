/* Container bookkeeping: cgroup_mkdir/cgroup_rmdir keep containers_map in step with the tracked cgroup
 * hierarchy, cgroup_attach_task reports moves, and an exec decides when a new container has started. */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "gen/events.h"
#include "maps.bpf.h"
#include "task.bpf.h"
#include "buffer.bpf.h"
#include "filters.bpf.h"

/* The hierarchy whose ids the event context carries (task__cgroup_id): the default (v2) hierarchy, whose
 * id is 0, or with OPT_CGROUP_V1 the v1 hierarchy that cpuset (subsys[0]) is bound to. The other
 * hierarchies' ids would collide with these in the u32-keyed maps, so their cgroups are ignored. */
static __always_inline bool cgroup__tracked(struct cgroup *cgrp, struct task_struct *t)
{
	int hid = BPF_CORE_READ(cgrp, root, hierarchy_id);

	if (tracee_cfg.options & OPT_CGROUP_V1)
		return hid == BPF_CORE_READ(t, cgroups, subsys[0], cgroup, root, hierarchy_id);
	return hid == 0;
}

/* An exec of current: a cgroup created after start becomes a started container when the exec runs in a
 * namespace its parent is not in: a new mount namespace (a runtime's container init) or a new pid
 * namespace (`unshare --fork --pid --mount`, whose parent moved to the new mount namespace itself). */
static __always_inline void container__on_exec(struct task_struct *t, __u64 cgroup_id)
{
	struct task_struct *parent = BPF_CORE_READ(t, real_parent);
	__u32 key = (__u32)cgroup_id, started = CONTAINER_STARTED;

	if (container__state(key) != CONTAINER_CREATED)
		return;
	if (task__mnt_ns(t) == task__mnt_ns(parent) &&
	    BPF_CORE_READ(t, thread_pid, level) == BPF_CORE_READ(parent, thread_pid, level))
		return;
	bpf_map_update_elem(&containers_map, &key, &started, BPF_EXIST);
}

/* Args: u64 cgroup_id, const char* cgroup_path (relative to the hierarchy's root). Always sent while the
 * event is chosen at all (it is essential: user space keeps its cgroup -> container table with it);
 * marked bookkeeping when it is not printed or current does not pass the filters. */
static __always_inline void cgroup__emit(void *ctx, struct task_struct *t, __u32 id, __u64 cgroup_id, const char *path)
{
	__u32 flags = event__flags(id);
	struct event_buf *b;

	if (!(flags & (EVENT_FLAG_SUBMIT | EVENT_FLAG_ESSENTIAL)))
		return;
	b = buf__start(t, id, bpf_ktime_get_ns(), 0);
	if (!b)
		return;
	if (!(flags & EVENT_FLAG_SUBMIT) || !filter__pass(t))
		((struct event_context *)b->data)->flags |= CTX_FLAG_BOOKKEEPING;
	buf__save_num(b, 0, ARG_U64, cgroup_id, 8);
	buf__save_str(b, 1, path, false);
	buf__submit(ctx, b);
}

/* A new cgroup starts as CREATED, or inherits EXISTED/STARTED from its parent (a cgroup nested in a
 * running container is part of it); with container=ID it passes as PENDING until user space has read
 * its path. User space removes both entries again when the path holds no container id. */
SEC("raw_tracepoint/cgroup_mkdir")
int tracepoint__cgroup__cgroup_mkdir(struct bpf_raw_tracepoint_args *ctx)
{
	struct cgroup *cgrp = (void *)ctx->args[0];
	const char *path = (void *)ctx->args[1];
	struct task_struct *t = (void *)bpf_get_current_task();
	__u64 cgroup_id;
	__u32 key, parent_key, state = CONTAINER_CREATED, pending = CONTAINER_ID_PENDING, *parent_state;

	if (!cgroup__tracked(cgrp, t))
		return 0;
	cgroup_id = BPF_CORE_READ(cgrp, kn, id);
	key = (__u32)cgroup_id;
	parent_key = (__u32)BPF_CORE_READ(cgrp, self.parent, cgroup, kn, id);
	parent_state = bpf_map_lookup_elem(&containers_map, &parent_key);
	if (parent_state && (*parent_state == CONTAINER_EXISTED || *parent_state == CONTAINER_STARTED))
		state = *parent_state;
	bpf_map_update_elem(&containers_map, &key, &state, BPF_ANY);
	if (filter__on(FILTER_CONTAINER_ID))
		bpf_map_update_elem(&container_ids_map, &key, &pending, BPF_ANY);
	cgroup__emit(ctx, t, EV_CGROUP_MKDIR, cgroup_id, path);
	return 0;
}

/* No process is left in a removed cgroup, so its entries go at once; user space keeps the container id a
 * few seconds longer for events still on their way. */
SEC("raw_tracepoint/cgroup_rmdir")
int tracepoint__cgroup__cgroup_rmdir(struct bpf_raw_tracepoint_args *ctx)
{
	struct cgroup *cgrp = (void *)ctx->args[0];
	const char *path = (void *)ctx->args[1];
	struct task_struct *t = (void *)bpf_get_current_task();
	__u64 cgroup_id;
	__u32 key;

	if (!cgroup__tracked(cgrp, t))
		return 0;
	cgroup_id = BPF_CORE_READ(cgrp, kn, id);
	key = (__u32)cgroup_id;
	bpf_map_delete_elem(&containers_map, &key);
	if (filter__on(FILTER_CONTAINER_ID))
		bpf_map_delete_elem(&container_ids_map, &key);
	cgroup__emit(ctx, t, EV_CGROUP_RMDIR, cgroup_id, path);
	return 0;
}

/* Args: const char* cgroup_path, const char* comm, pid_t pid (host tid of the task moved, which need not
 * be current). Reported for the tracked hierarchy only: a v1 host repeats every move once per controller. */
SEC("raw_tracepoint/cgroup_attach_task")
int tracepoint__cgroup__cgroup_attach_task(struct bpf_raw_tracepoint_args *ctx)
{
	struct cgroup *cgrp = (void *)ctx->args[0];
	const char *path = (void *)ctx->args[1];
	struct task_struct *task = (void *)ctx->args[2];
	struct task_struct *t = (void *)bpf_get_current_task();
	struct event_buf *b;

	if (!event__submit(EV_CGROUP_ATTACH_TASK) || !cgroup__tracked(cgrp, t) || !filter__pass(t))
		return 0;
	b = buf__start(t, EV_CGROUP_ATTACH_TASK, bpf_ktime_get_ns(), 0);
	if (!b)
		return 0;
	buf__save_str(b, 0, path, false);
	buf__save_str(b, 1, __builtin_preserve_access_index(&task->comm), false);
	buf__save_int(b, 2, BPF_CORE_READ(task, pid));
	buf__submit(ctx, b);
	return 0;
}
