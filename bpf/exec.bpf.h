/* sched_process_exec helpers: inode ctime, stdin type, and the exec entry event sent late. */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "gen/events.h"
#include "maps.bpf.h"
#include "buffer.bpf.h"

#define S_IFMT 00170000

/* since 6.13 the top bit of i_ctime_nsec flags a queried multigrain ctime; nanoseconds never reach it */
#define CTIME_NSEC_MASK 0x7fffffffu

/* inode ctime in ns: i_ctime_sec/i_ctime_nsec since 6.11, the __i_ctime / i_ctime timespec before */
struct inode___ctime_ts {
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));
struct inode___ctime_old {
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

static __always_inline __u64 inode__ctime_ns(struct inode *inode)
{
	if (bpf_core_field_exists(inode->i_ctime_sec))
		return BPF_CORE_READ(inode, i_ctime_sec) * 1000000000ULL +
		       (BPF_CORE_READ(inode, i_ctime_nsec) & CTIME_NSEC_MASK);
	if (bpf_core_field_exists(((struct inode___ctime_ts *)inode)->__i_ctime)) {
		struct inode___ctime_ts *i = (void *)inode;

		return BPF_CORE_READ(i, __i_ctime.tv_sec) * 1000000000ULL + BPF_CORE_READ(i, __i_ctime.tv_nsec);
	}
	struct inode___ctime_old *o = (void *)inode;

	return BPF_CORE_READ(o, i_ctime.tv_sec) * 1000000000ULL + BPF_CORE_READ(o, i_ctime.tv_nsec);
}

/* File-type bits of the inode behind fd 0 of current (0 when there is none). */
static __always_inline __u16 task__stdin_type(struct task_struct *t)
{
	struct file **fds = BPF_CORE_READ(t, files, fdt, fd);
	struct file *f = NULL;

	if (!fds || bpf_probe_read_kernel(&f, sizeof(f), &fds[0]) || !f)
		return 0;
	return BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT;
}

/* The execve/execveat entry event that could not read user memory at entry, built from the kernel's
 * copies: pathname = bprm->filename (for execveat with a relative path: "/dev/fd/N/path"), argv/envp
 * from the new image's argv/env area; comm is the one before the exec. */
static __always_inline void exec__emit_pending(void *ctx, struct task_struct *t, struct saved_args *a,
					       struct linux_binprm *bprm)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	struct event_buf *b = buf__start(t, a->id, a->ts, 0);
	__u8 at = a->id == EV_EXECVEAT; /* execveat has dirfd first */

	if (!b)
		return;
	__builtin_memcpy(((struct event_context *)b->data)->comm, a->comm, sizeof(a->comm));
	if (at)
		buf__save_int(b, 0, a->args[0]);
	buf__save_str(b, at, BPF_CORE_READ(bprm, filename), false);
	buf__save_str_area(b, at + 1, BPF_CORE_READ(mm, arg_start), BPF_CORE_READ(mm, arg_end), BPF_CORE_READ(bprm, argc));
	if (tracee_cfg.options & OPT_EXEC_ENV)
		buf__save_str_area(b, at + 2, BPF_CORE_READ(mm, env_start), BPF_CORE_READ(mm, env_end),
				   BPF_CORE_READ(bprm, envc));
	if (at)
		buf__save_int(b, 4, a->args[4]);
	buf__submit(ctx, b);
}
