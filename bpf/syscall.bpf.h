/* Syscall events: arguments encoded by syscall_arg_types from the registers saved at sys_enter. */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "gen/events.h"
#include "maps.bpf.h"
#include "buffer.bpf.h"

/* Whether syscall `id` is chosen for printing (an array lookup: this runs for every syscall of the host). */
static __always_inline bool syscall__chosen(__u32 id)
{
	return id < LIMIT_SYSCALLSLOTS && event__submit(id);
}

/* The six argument registers (di, si, dx, r10, r8, r9), with one read of the part of pt_regs that holds them
 * (r10 .. di on x86-64) rather than six; one read each if a kernel's pt_regs were laid out otherwise. */
static __always_inline void syscall__read_args(struct pt_regs *regs, __u64 *args)
{
	__u64 span[8];
	__u32 base = bpf_core_field_offset(struct pt_regs, r10);
	__u32 di = bpf_core_field_offset(struct pt_regs, di) - base, si = bpf_core_field_offset(struct pt_regs, si) - base;
	__u32 dx = bpf_core_field_offset(struct pt_regs, dx) - base, r8 = bpf_core_field_offset(struct pt_regs, r8) - base;
	__u32 r9 = bpf_core_field_offset(struct pt_regs, r9) - base;

	/* the offsets are constants once relocated: the verifier keeps one of the two ways */
	if (di < sizeof(span) && si < sizeof(span) && dx < sizeof(span) && r8 < sizeof(span) && r9 < sizeof(span) &&
	    !((di | si | dx | r8 | r9) & 7) && !bpf_probe_read_kernel(span, sizeof(span), (void *)regs + base)) {
		args[0] = span[di / 8];
		args[1] = span[si / 8];
		args[2] = span[dx / 8];
		args[3] = span[0];
		args[4] = span[r8 / 8];
		args[5] = span[r9 / 8];
		return;
	}
	args[0] = BPF_CORE_READ(regs, di);
	args[1] = BPF_CORE_READ(regs, si);
	args[2] = BPF_CORE_READ(regs, dx);
	args[3] = BPF_CORE_READ(regs, r10);
	args[4] = BPF_CORE_READ(regs, r8);
	args[5] = BPF_CORE_READ(regs, r9);
}

/* Saves one syscall argument by its wire type (syscall_arg_types) into the event being built; pointers
 * into user memory are read now. Returns like the savers (0: unreadable). A global function: the verifier
 * checks it once, not once per argument and call site. */
__noinline int syscall__save_arg(__u32 index, __u32 type, __u64 v)
{
	struct event_buf *b = buf__get(BUF_EVENT);

	if (!b)
		return 0;
	switch (type) {
	case ARG_INT:
	case ARG_UINT:
	case ARG_MODE_T:
	case ARG_DEV_T:
		return buf__save_num(b, index, type, v, 4);
	case ARG_LONG:
	case ARG_ULONG:
	case ARG_OFF_T:
	case ARG_SIZE_T:
	case ARG_POINTER:
	case ARG_U64:
		return buf__save_num(b, index, type, v, 8);
	case ARG_U16:
		return buf__save_num(b, index, type, v, 2);
	case ARG_STR:
		return buf__save_str(b, index, (const void *)v, true);
	case ARG_STR_ARR:
		return buf__save_str_arr(b, index, (const char *const *)v);
	case ARG_SOCKADDR:
		return buf__save_sockaddr(b, index, (const void *)v);
	case ARG_INT_ARR_2:
		return v && buf__save_user_fixed(b, index, type, (const void *)v, 8);
	case ARG_TIMESPEC:
		return v && buf__save_user_fixed(b, index, type, (const void *)v, 16);
	default: /* ARG_NONE: no such parameter */
		return 1;
	}
}

/* Builds the event of a syscall with its arguments encoded by syscall_arg_types (envp of execve/execveat
 * only with OPT_EXEC_ENV) and submits it, unless an argument was unreadable and `partial` is false.
 * Returns 1 when every argument was read. */
static __always_inline int syscall__emit(void *ctx, struct task_struct *t, struct saved_args *a, __s64 ret, bool partial)
{
	__u32 id = a->id;
	struct event_buf *b;
	int i, complete = 1;

	/* verifier: id indexes syscall_arg_types */
	if (id >= LIMIT_SYSCALLSLOTS)
		return 1;
	b = buf__start(t, id, a->ts, ret);
	if (!b)
		return 1;
#pragma clang loop unroll(disable)
	for (i = 0; i < 6; i++) {
		__u64 row = id;

		/* verifier: the bound checked above does not reach the register clang indexes with */
		VERIFIER_MASK(row, LIMIT_SYSCALLSLOTS - 1);
		if (!(tracee_cfg.options & OPT_EXEC_ENV) &&
		    ((id == EV_EXECVE && i == 2) || (id == EV_EXECVEAT && i == 3)))
			continue;
		if (!syscall__save_arg(i, syscall_arg_types[row][i], a->args[i]))
			complete = 0;
	}
	if (complete || partial)
		buf__submit(ctx, b);
	return complete;
}

/* Emits sys_enter / sys_exit: one int argument, the syscall number. */
static __always_inline void syscall__emit_raw(void *ctx, struct task_struct *t, __s32 event, __u32 id, __u64 ts,
					      __s64 ret)
{
	struct event_buf *b = buf__start(t, event, ts, ret);

	if (!b)
		return;
	buf__save_int(b, 0, id);
	buf__submit(ctx, b);
}
