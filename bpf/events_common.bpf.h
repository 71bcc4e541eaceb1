/* What the kprobe and the tracepoint way of the kernel-function events share: starting an event, the maps
 * that carry state from a syscall's entry to its exit or from a kprobe to its kretprobe, and the emitters
 * both ways call with the same kernel objects. */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "gen/events.h"
#include "maps.bpf.h"
#include "buffer.bpf.h"
#include "filters.bpf.h"
#include "objects.bpf.h"

#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define VM_WRITE 0x2
#define VM_EXEC 0x4
#define MAGIC_BYTES 32 /* magic_write: the first bytes of a write at offset 0 */
#define CAP_OPT_NOAUDIT 0x2

/* Alert codes of mem_prot_alert (reference §5.1). */
#define ALERT_MMAP_WX 1
#define ALERT_MPROTECT_X 2
#define ALERT_MPROTECT_E_TO_WE 3
#define ALERT_MPROTECT_WE_TO_E 4

/* cred_snap_map: host tid -> credentials when a syscall that may commit new ones began (tracepoint way) */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct slim_cred);
} cred_snap_map SEC(".maps");

/* ns_snap: the nsproxy of a task when setns/unshare began, and its namespace ids */
struct ns_snap {
	__u64 nsproxy;
	struct ns_ids ids;
};

/* ns_snap_map: host tid -> struct ns_snap (tracepoint way of switch_task_ns) */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct ns_snap);
} ns_snap_map SEC(".maps");

/* alert_map: host tid -> mem_prot_alert code decided at mprotect entry, sent if the call succeeds */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} alert_map SEC(".maps");

/* One vfs_write/vfs_writev call seen at entry, for the return probe (kprobe way). */
struct vfs_call {
	__u64 file;
	__u64 buf; /* vfs_write: the buffer; vfs_writev: the iovec array */
	__u64 count; /* bytes, or iovec count */
	__u64 pos;   /* *pos at entry, 0 for stream files (no position) */
};

/* vfs_write_map: host tid -> struct vfs_call between vfs_write(v) and its return */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct vfs_call);
} vfs_write_map SEC(".maps");

static __always_inline __u32 current_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

/* Starts event `id` of current in BUF_EVENT if it is chosen for submission and current passes the
 * filters; returns 1 when started. Global: the filters and the context header are verified once per
 * program, not once per event a program can send. */
__noinline int ev__open(__u32 id, __s64 retval)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	if (!event__submit(id) || !filter__pass(t))
		return 0;
	return buf__start(t, id, bpf_ktime_get_ns(), retval) != NULL;
}

static __always_inline struct event_buf *ev__begin(__u32 id, __s64 retval)
{
	return ev__open(id, retval) ? buf__get(BUF_EVENT) : NULL;
}

/* option:detect-syscall: the syscall that led to the event, as the argument at `index` (`nr` is evaluated
 * only when the option is on: the load-time constant removes it otherwise) */
#define ev__save_syscall(b, index, nr)                          \
	do {                                                    \
		if (tracee_cfg.options & OPT_DETECT_SYSCALL)    \
			buf__save_int(b, index, nr);            \
	} while (0)

/* mem_prot_alert code of an mprotect from VMA flags `prev` to the requested `prot`, 0 for none; the first
 * of codes 2, 3, 4 that applies (reference §5.1). */
static __always_inline __u32 alert__of_mprotect(__u64 prev, __u64 prot)
{
	bool was_x = prev & VM_EXEC, was_w = prev & VM_WRITE;
	bool x = prot & PROT_EXEC, w = prot & PROT_WRITE;

	if (!was_x && x)
		return ALERT_MPROTECT_X;
	if (was_x && !was_w && x && w)
		return ALERT_MPROTECT_E_TO_WE;
	if (was_x && was_w && x && !w)
		return ALERT_MPROTECT_WE_TO_E;
	return 0;
}

static __always_inline void alert__emit(void *ctx, __u32 alert)
{
	struct event_buf *b = ev__begin(EV_MEM_PROT_ALERT, 0);

	if (!b)
		return;
	buf__save_num(b, 0, ARG_UINT, alert, 4);
	buf__submit(ctx, b);
}

/* Whether writes to this file have a persistent position (regular files, block devices): magic_write
 * skips pipes, sockets and character devices, where every write "starts at 0". */
static __always_inline bool file__positioned(struct file *f)
{
	__u32 type = file__mode(f) & S_IFMT;

	return type == S_IFREG || type == S_IFBLK;
}

/* vfs_write / vfs_writev (pathname, dev, inode, count or vlen, pos; retval = the write's result) and
 * magic_write (pathname, first bytes, dev, inode) when the write started at offset 0 and wrote something.
 * `data` is the first byte written (vfs_writev: the first iovec's base). */
static __always_inline void vfs__emit(void *ctx, bool vec, struct file *f, __u64 count, __u64 pos, __s64 ret,
				      __u64 data)
{
	struct inode *inode = BPF_CORE_READ(f, f_inode);
	struct event_buf *b = ev__begin(vec ? EV_VFS_WRITEV : EV_VFS_WRITE, ret);

	if (b) {
		obj__save_file(0, (__u64)f, 0, 0);
		buf__save_num(b, 3, vec ? ARG_ULONG : ARG_SIZE_T, count, 8);
		buf__save_num(b, 4, ARG_OFF_T, pos, 8);
		buf__submit(ctx, b);
	}
	if (pos != 0 || ret <= 0 || !file__positioned(f))
		return;
	b = ev__begin(EV_MAGIC_WRITE, ret);
	if (!b)
		return;
	obj__save_path(0, (__u64)__builtin_preserve_access_index(&f->f_path));
	buf__save_bytes(b, 1, (void *)data, ret < MAGIC_BYTES ? ret : MAGIC_BYTES, true);
	buf__save_num(b, 2, ARG_DEV_T, BPF_CORE_READ(inode, i_sb, s_dev), 4);
	buf__save_num(b, 3, ARG_ULONG, BPF_CORE_READ(inode, i_ino), 8);
	buf__submit(ctx, b);
}

/* The base of the first iovec of a writev-family call (user memory). */
static __always_inline __u64 iovec__first_base(__u64 iov)
{
	struct iovec v = {};

	bpf_probe_read_user(&v, sizeof(v), (void *)iov);
	return (__u64)v.iov_base;
}

/* commit_creds: old and new credentials, [syscall], sent only when a field of the slim view changed. */
static __always_inline void creds__emit(void *ctx, struct slim_cred *old, struct slim_cred *new, long nr)
{
	struct event_buf *b;

	if (cred__equal(old, new))
		return;
	b = ev__begin(EV_COMMIT_CREDS, 0);
	if (!b)
		return;
	obj__save_slim_cred(0, old);
	obj__save_slim_cred(1, new);
	ev__save_syscall(b, 2, nr);
	buf__submit(ctx, b);
}

/* switch_task_ns: pid, then only the namespaces that changed (absent arguments are unchanged ones). */
static __always_inline void ns__emit(void *ctx, __u32 pid, struct ns_ids *old, struct ns_ids *new)
{
	struct event_buf *b = ev__begin(EV_SWITCH_TASK_NS, 0);

	if (!b)
		return;
	buf__save_int(b, 0, pid);
	if (old->mnt != new->mnt)
		buf__save_num(b, 1, ARG_UINT, new->mnt, 4);
	if (old->pid != new->pid)
		buf__save_num(b, 2, ARG_UINT, new->pid, 4);
	if (old->uts != new->uts)
		buf__save_num(b, 3, ARG_UINT, new->uts, 4);
	if (old->ipc != new->ipc)
		buf__save_num(b, 4, ARG_UINT, new->ipc, 4);
	if (old->net != new->net)
		buf__save_num(b, 5, ARG_UINT, new->net, 4);
	if (old->cgroup != new->cgroup)
		buf__save_num(b, 6, ARG_UINT, new->cgroup, 4);
	buf__submit(ctx, b);
}

/* security_bprm_check: pathname, dev, inode of the binary being executed */
static __always_inline void bprm__emit_check(void *ctx, struct linux_binprm *bprm)
{
	struct event_buf *b = ev__begin(EV_SECURITY_BPRM_CHECK, 0);

	if (!b)
		return;
	obj__save_file(0, (__u64)BPF_CORE_READ(bprm, file), 0, 0);
	buf__submit(ctx, b);
}

/* security_socket_create: family, type, protocol, kern */
static __always_inline void sock__emit_create(void *ctx, int family, int type, int protocol, int kern)
{
	struct event_buf *b = ev__begin(EV_SECURITY_SOCKET_CREATE, 0);

	if (!b)
		return;
	buf__save_int(b, 0, family);
	buf__save_int(b, 1, type);
	buf__save_int(b, 2, protocol);
	buf__save_int(b, 3, kern);
	buf__submit(ctx, b);
}

/* security_bpf_map: map_id, map_name */
static __always_inline void bpf__emit_map(void *ctx, struct bpf_map *map)
{
	struct event_buf *b = ev__begin(EV_SECURITY_BPF_MAP, 0);

	if (!b)
		return;
	buf__save_num(b, 0, ARG_UINT, BPF_CORE_READ(map, id), 4);
	buf__save_str(b, 1, __builtin_preserve_access_index(&map->name), false);
	buf__submit(ctx, b);
}

/* security_kernel_read_file (pathname, dev, inode, type) and security_kernel_post_read_file (pathname,
 * size, type) of a file the kernel reads for itself. */
static __always_inline void kread__emit(void *ctx, struct file *f, int type, bool post, __s64 size)
{
	struct event_buf *b = ev__begin(post ? EV_SECURITY_KERNEL_POST_READ_FILE : EV_SECURITY_KERNEL_READ_FILE, 0);

	if (!b)
		return;
	if (post) {
		obj__save_path(0, (__u64)__builtin_preserve_access_index(&f->f_path));
		buf__save_num(b, 1, ARG_LONG, size, 8);
		buf__save_int(b, 2, type);
	} else {
		obj__save_file(0, (__u64)f, 0, 0);
		buf__save_int(b, 3, type);
	}
	buf__submit(ctx, b);
}
