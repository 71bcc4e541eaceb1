/* Task helpers: namespace ids, cgroup id, compat state and the event context header. */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "gen/events.h"
#include "maps.bpf.h"

#define TS_COMPAT 0x0002      /* thread_info.status: inside a 32-bit syscall (x86) */
#define PF_KTHREAD 0x00200000 /* task_struct.flags: kernel thread */

static __always_inline bool task__in_compat_syscall(struct task_struct *t)
{
	return BPF_CORE_READ(t, thread_info.status) & TS_COMPAT;
}

/* The level whose numbers are reported: pid_ns_for_children, or the task's own deepest level when it
 * unshared a pid namespace it has no number in yet (pid->numbers has only level + 1 entries). */
static __always_inline __u32 task__ns_level(struct task_struct *t)
{
	__u32 level = BPF_CORE_READ(t, nsproxy, pid_ns_for_children, level);
	__u32 own = BPF_CORE_READ(t, thread_pid, level);

	return level > own ? own : level;
}

/* Number of a struct pid at a namespace level, 0 when the pid is not visible there. */
static __always_inline __u32 task__pid_nr_at(struct pid *p, __u32 level)
{
	if (!p || BPF_CORE_READ(p, level) < level)
		return 0;
	/* numbers[] is a flexible array; level was checked against the pid's own depth above */
	return BPF_CORE_READ(p, numbers[level].nr);
}

static __always_inline __u32 task__ns_tid(struct task_struct *t, __u32 level)
{
	return task__pid_nr_at(BPF_CORE_READ(t, thread_pid), level);
}

static __always_inline __u32 task__ns_tgid(struct task_struct *t, __u32 level)
{
	return task__pid_nr_at(BPF_CORE_READ(t, group_leader, thread_pid), level);
}

static __always_inline __u32 task__mnt_ns(struct task_struct *t)
{
	return BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
}

static __always_inline __u32 task__pid_ns(struct task_struct *t)
{
	return BPF_CORE_READ(t, nsproxy, pid_ns_for_children, ns.inum);
}

/* cgroup v2 id of current (the default hierarchy), or with OPT_CGROUP_V1 the id of the cgroup of the
 * first controller (subsys[0], normally cpuset) for hosts where user space reads a v1 hierarchy. */
static __always_inline __u64 task__cgroup_id(struct task_struct *t)
{
	if (tracee_cfg.options & OPT_CGROUP_V1)
		return BPF_CORE_READ(t, cgroups, subsys[0], cgroup, kn, id);
	return bpf_get_current_cgroup_id();
}

static __always_inline __u32 container__state(__u64 cgroup_id)
{
	__u32 key = (__u32)cgroup_id;
	__u32 *s = bpf_map_lookup_elem(&containers_map, &key);

	return s ? *s : 0;
}

/* Fills the fixed header for an event of current; argnum starts at 0 and grows as args are saved. Every event
 * pays for this, so each kernel pointer is read once (nsproxy, pid_ns_for_children, thread_pid are shared by
 * several fields), and in the root pid namespace (level 0, most tasks) the namespace ids are the host ids the
 * helper already gave, so struct pid is not walked. */
static __always_inline void ctx__fill(struct event_context *c, struct task_struct *t, __s32 id, __u64 ts)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct task_struct *parent = BPF_CORE_READ(t, real_parent);
	struct nsproxy *nsp = BPF_CORE_READ(t, nsproxy);
	struct pid_namespace *pidns = BPF_CORE_READ(nsp, pid_ns_for_children);
	struct pid *tpid = BPF_CORE_READ(t, thread_pid);
	__u32 level = BPF_CORE_READ(pidns, level);
	__u32 own = BPF_CORE_READ(tpid, level);
	struct uts_namespace *uts;
	__u32 state;

	/* see task__ns_level */
	if (level > own)
		level = own;
	c->ts = ts;
	c->cgroup_id = task__cgroup_id(t);
	c->host_pid = pid_tgid >> 32;
	c->host_tid = (__u32)pid_tgid;
	c->host_ppid = BPF_CORE_READ(parent, tgid);
	if (level == 0) {
		c->pid = c->host_pid;
		c->tid = c->host_tid;
		c->ppid = c->host_ppid;
	} else {
		c->pid = task__ns_tgid(t, level);
		c->tid = task__pid_nr_at(tpid, level);
		c->ppid = task__ns_tgid(parent, level);
	}
	c->uid = (__u32)bpf_get_current_uid_gid();
	c->mnt_ns = BPF_CORE_READ(nsp, mnt_ns, ns.inum);
	c->pid_ns = BPF_CORE_READ(pidns, ns.inum);
	bpf_get_current_comm(c->comm, sizeof(c->comm));
	/* nodename is 65 bytes; the header keeps the first 15 and a NUL */
	uts = BPF_CORE_READ(nsp, uts_ns);
	BPF_CORE_READ_STR_INTO(&c->uts_name, uts, name.nodename);
	c->event_id = id;
	c->retval = 0;
	c->stack_id = 0;
	c->argnum = 0;
	c->flags = task__in_compat_syscall(t) ? CTX_FLAG_COMPAT : 0;
	state = container__state(c->cgroup_id);
	if (state == CONTAINER_EXISTED || state == CONTAINER_STARTED)
		c->flags |= CTX_FLAG_CONTAINER;
	c->cpu = bpf_get_smp_processor_id();
}
