// SPDX-License-Identifier: GPL-2.0
/* The programs: syscall enter/exit and the sched fork/exec/exit tracepoints (the cgroup ones are in
 * cgroup.bpf.h), each filtering and emitting events in the wire format of docs/wire-format.md. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "gen/events.h"
#include "maps.bpf.h"
#include "task.bpf.h"
#include "buffer.bpf.h"
#include "path.bpf.h"
#include "filters.bpf.h"
#include "syscall.bpf.h"
#include "exec.bpf.h"
#include "cgroup.bpf.h"
#include "abi.bpf.h"
#include "capture.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* What a chosen syscall's entry does once its arguments are in `a` (id, args, ts): execve/execveat are sent now
 * (the old image is gone at exit; a failed one sends again at exit); the rest is saved for the exit. */
static __always_inline void syscall__entered(void *ctx, struct task_struct *t, __u32 tid, struct saved_args *a)
{
	if (SYSCALL_SENT_AT_ENTRY(a->id)) {
		bpf_get_current_comm(a->comm, sizeof(a->comm));
		if (!syscall__emit(ctx, t, a, 0, false))
			a->flags = SAVED_EXEC_PENDING;
	}
	bpf_map_update_elem(&args_map, &tid, a, BPF_ANY);
}

/* What a chosen syscall's exit does (after the filters): its event, with the arguments saved at entry. */
static __always_inline void syscall__exited(void *ctx, struct task_struct *t, __u32 tid, __u32 id, __s64 ret)
{
	struct saved_args a, *saved = bpf_map_lookup_elem(&args_map, &tid);

	if (!saved) {
		/* not missing: a successful exec dropped its entry in sched_process_exec, and a new child leaves
		 * fork/clone through sys_exit (returning 0) without having entered it */
		if (id < LIMIT_SYSCALLSLOTS && event__submit(id) && !(ret == 0 && (SYSCALL_SENT_AT_ENTRY(id) || id == EV_CLONE ||
		    id == EV_FORK || id == EV_VFORK || id == EV_CLONE3)))
			stats__inc(KSTAT_ARGS_MISSING);
		return;
	}
	a = *saved;
	bpf_map_delete_elem(&args_map, &tid);
	/* execve/execveat went out at entry; only a failed one is sent again, with its args re-read (the
	 * kernel has faulted them in by now, so a pending entry event goes out first, late) */
	if (SYSCALL_SENT_AT_ENTRY(a.id)) {
		if (ret >= 0)
			return;
		if (a.flags & SAVED_EXEC_PENDING)
			syscall__emit(ctx, t, &a, 0, true);
	}
	syscall__emit(ctx, t, &a, ret, true);
}

/* The raw way: every syscall of the host runs these two, which also send the sys_enter/sys_exit events.
 * 32-bit (compat) syscalls are not translated: their numbers and registers differ from x86-64, so they
 * are counted in KSTAT_COMPAT_DROPPED at entry and skipped (also for sys_enter/sys_exit events). */
SEC("raw_tracepoint/sys_enter")
int tracepoint__raw_syscalls__sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct pt_regs *regs = (void *)ctx->args[0];
	__u32 id = ctx->args[1];
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	bool enter = event__submit(EV_SYS_ENTER);
	struct saved_args a = {};

	/* every syscall of the host passes here: one array lookup decides for most of them */
	if (!enter && !syscall__chosen(id))
		return 0;
	if (!filter__pass(t))
		return 0;
	if (task__in_compat_syscall(t)) {
		stats__inc(KSTAT_COMPAT_DROPPED);
		return 0;
	}
	a.ts = bpf_ktime_get_ns();
	if (enter)
		syscall__emit_raw(ctx, t, EV_SYS_ENTER, id, a.ts, 0);
	if (!syscall__chosen(id) || SYSCALL_NEVER_RETURNS(id))
		return 0;

	a.id = id;
	syscall__read_args(regs, a.args);
	syscall__entered(ctx, t, tid, &a);
	return 0;
}

SEC("raw_tracepoint/sys_exit")
int tracepoint__raw_syscalls__sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct pt_regs *regs = (void *)ctx->args[0];
	__s64 ret = ctx->args[1];
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 id = BPF_CORE_READ(regs, orig_ax);
	bool exit = event__submit(EV_SYS_EXIT);

	/* every syscall of the host passes here; sys_enter saved arguments only for chosen syscalls */
	if (!exit && !syscall__chosen(id))
		return 0;
	if (!filter__pass(t) || task__in_compat_syscall(t))
		return 0;
	if (exit)
		syscall__emit_raw(ctx, t, EV_SYS_EXIT, id, bpf_ktime_get_ns(), ret);
	syscall__exited(ctx, t, tid, id, ret);
	return 0;
}

/* The tracepoint way (src/tracer/programs.ts, syscallWay): when a few syscalls are chosen and not the
 * sys_enter/sys_exit events, these two are attached to those syscalls' own tracepoints, so the host's other
 * syscalls run no BPF at all. The kernel gives the arguments in the context and never fires these for 32-bit
 * (compat) syscalls. The section names one tracepoint; user space attaches each chosen syscall's. */
SEC("tracepoint/syscalls/sys_enter_openat")
int tracepoint__syscalls__sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 id = ctx->id;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct saved_args a = {};

	if (!syscall__chosen(id) || SYSCALL_NEVER_RETURNS(id) || !filter__pass(t))
		return 0;
	a.ts = bpf_ktime_get_ns();
	a.id = id;
	/* the record holds only this syscall's arguments, and the kernel refuses to attach a program that loads
	 * context bytes past a tracepoint's record: one copy of six, from the trace buffer the record is in (the
	 * event encodes only as many as the syscall has) */
	bpf_probe_read_kernel(a.args, sizeof(a.args), ctx->args);
	syscall__entered(ctx, t, tid, &a);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int tracepoint__syscalls__sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 id = ctx->id;

	if (!syscall__chosen(id) || !filter__pass(t))
		return 0;
	syscall__exited(ctx, t, (__u32)bpf_get_current_pid_tgid(), id, ctx->ret);
	return 0;
}

/* Context: the parent (current). Bookkeeping for the child: tree verdict inherited always; follow and
 * pid=new membership when the parent passes the filters. */
SEC("raw_tracepoint/sched_process_fork")
int tracepoint__sched__sched_process_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *parent = (void *)ctx->args[0];
	struct task_struct *child = (void *)ctx->args[1];
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 parent_tgid = BPF_CORE_READ(parent, tgid);
	__u32 child_tid = BPF_CORE_READ(child, pid);
	__u32 child_tgid = BPF_CORE_READ(child, tgid);
	__u32 one = 1, *verdict;
	struct event_buf *b;

	if (filter__on(FILTER_TREE) && child_tgid != parent_tgid) {
		verdict = bpf_map_lookup_elem(&process_tree_map, &parent_tgid);
		if (verdict)
			bpf_map_update_elem(&process_tree_map, &child_tgid, verdict, BPF_ANY);
	}
	if (!filter__pass(t))
		return 0;
	if (filter__on(FILTER_FOLLOW))
		bpf_map_update_elem(&traced_pids_map, &child_tid, &child_tgid, BPF_ANY);
	/* a new process (not a thread: that would mark the parent's own tgid new) */
	if (filter__on(FILTER_PID_NEW) && child_tgid != parent_tgid)
		bpf_map_update_elem(&new_pids_map, &child_tgid, &one, BPF_ANY);
	if (!event__submit(EV_SCHED_PROCESS_FORK))
		return 0;

	b = buf__start(t, EV_SCHED_PROCESS_FORK, bpf_ktime_get_ns(), 0);
	if (!b)
		return 0;
	buf__save_int(b, 0, BPF_CORE_READ(parent, pid));
	buf__save_int(b, 1, task__ns_tid(parent, task__ns_level(parent)));
	buf__save_int(b, 2, child_tid);
	buf__save_int(b, 3, task__ns_tid(child, task__ns_level(child)));
	buf__submit(ctx, b);
	return 0;
}

/* Bookkeeping first (stale exec args, container start, pid=new), then filters, follow and the event:
 * cmdpath, pathname (kernel path walk), argv, [env], dev, inode, invoked_from_kernel, ctime, stdin_type. */
SEC("raw_tracepoint/sched_process_exec")
int tracepoint__sched__sched_process_exec(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 old_pid = ctx->args[1];
	struct linux_binprm *bprm = (void *)ctx->args[2];
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, tgid = pid_tgid >> 32, one = 1;
	__u64 cgroup_id = task__cgroup_id(t);
	struct task_struct *parent;
	struct file *file;
	struct inode *inode;
	struct mm_struct *mm;
	struct saved_args *saved;
	struct event_buf *b;

	/* the exec succeeded: the args saved at entry (under the pre-exec tid) are needed only by an entry
	 * event still pending; this exec passed the filters at entry, so it goes out whatever they say now */
	saved = bpf_map_lookup_elem(&args_map, &old_pid);
	if (saved) {
		struct saved_args a = *saved;

		bpf_map_delete_elem(&args_map, &old_pid);
		if ((a.flags & SAVED_EXEC_PENDING) && SYSCALL_SENT_AT_ENTRY(a.id))
			exec__emit_pending(ctx, t, &a, bprm);
	}

	container__on_exec(t, cgroup_id);
	if (filter__on(FILTER_PID_NEW))
		bpf_map_update_elem(&new_pids_map, &tgid, &one, BPF_ANY);
	if (!filter__pass(t))
		return 0;
	if (filter__on(FILTER_FOLLOW))
		bpf_map_update_elem(&traced_pids_map, &tid, &tgid, BPF_ANY);
	if (!event__submit(EV_SCHED_PROCESS_EXEC))
		return 0;

	b = buf__start(t, EV_SCHED_PROCESS_EXEC, bpf_ktime_get_ns(), 0);
	if (!b)
		return 0;
	parent = BPF_CORE_READ(t, real_parent);
	file = BPF_CORE_READ(bprm, file);
	inode = BPF_CORE_READ(file, f_inode);
	mm = BPF_CORE_READ(t, mm);
	buf__save_str(b, 0, BPF_CORE_READ(bprm, filename), false);
	buf__save_path(b, 1, __builtin_preserve_access_index(&file->f_path));
	buf__save_args_arr(b, 2, BPF_CORE_READ(mm, arg_start), BPF_CORE_READ(mm, arg_end), BPF_CORE_READ(bprm, argc));
	if (tracee_cfg.options & OPT_EXEC_ENV)
		buf__save_args_arr(b, 3, BPF_CORE_READ(mm, env_start), BPF_CORE_READ(mm, env_end),
				   BPF_CORE_READ(bprm, envc));
	buf__save_num(b, 4, ARG_DEV_T, BPF_CORE_READ(inode, i_sb, s_dev), 4);
	buf__save_num(b, 5, ARG_ULONG, BPF_CORE_READ(inode, i_ino), 8);
	buf__save_int(b, 6, (BPF_CORE_READ(parent, flags) & PF_KTHREAD) ? 1 : 0);
	buf__save_num(b, 7, ARG_ULONG, inode__ctime_ns(inode), 8);
	buf__save_num(b, 8, ARG_U16, task__stdin_type(t), 2);
	buf__submit(ctx, b);
	return 0;
}

/* exit_code argument: the exit status (task->exit_code >> 8); the context retval carries the raw wait
 * status (status << 8 | core-dump bit | terminating signal), so a signal death is not lost. Cleans the
 * exiting thread's entries; its process's pid=new and tree entries when the whole group is gone. */
SEC("raw_tracepoint/sched_process_exit")
int tracepoint__sched__sched_process_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, tgid = pid_tgid >> 32;
	__s64 code = BPF_CORE_READ(t, exit_code);
	bool group_dead = BPF_CORE_READ(t, signal, live.counter) == 0;
	bool pass = filter__pass(t);
	struct event_buf *b;

	bpf_map_delete_elem(&args_map, &tid);
	bpf_map_delete_elem(&traced_pids_map, &tid);
	if (group_dead) {
		bpf_map_delete_elem(&new_pids_map, &tgid);
		bpf_map_delete_elem(&process_tree_map, &tgid);
	}
	if (!pass || !event__submit(EV_SCHED_PROCESS_EXIT))
		return 0;
	b = buf__start(t, EV_SCHED_PROCESS_EXIT, bpf_ktime_get_ns(), code);
	if (!b)
		return 0;
	buf__save_num(b, 0, ARG_LONG, (__u64)(code >> 8), 8);
	buf__submit(ctx, b);
	return 0;
}

/* Every other event: sched_switch, socket_dup and the kernel-function events in their two ways (kprobe, and
 * tracepoints where kprobes cannot attach); user space loads only the programs of the chosen events. */
#include "events_tp.bpf.h"
#include "events_kprobe.bpf.h"
