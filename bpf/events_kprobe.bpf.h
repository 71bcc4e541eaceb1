/* The kprobe way of the kernel-function events: what hosts with kprobes run. Each program reads the hook's
 * own arguments (kernel copies), so paths come from dentry/mount walks and addresses from kernel memory. */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "gen/events.h"
#include "events_common.bpf.h"

/* The first argument of the syscall current is in, when that syscall is one of `a`/`b` (the socket hooks
 * take their fd from there); -1 otherwise (a hook reached from elsewhere, e.g. io_uring). */
static __always_inline long syscall__fd_arg(long a, long b)
{
	struct pt_regs *regs = task__user_regs();
	long nr = BPF_CORE_READ(regs, orig_ax);

	return nr == a || nr == b ? (long)(int)BPF_CORE_READ(regs, di) : -1;
}

/* The security_socket_* events: begun with the socket's fd as argument 0 when the hook was reached from syscall
 * `a` or `b` (left out otherwise); NULL when the event is not to be sent. */
static __always_inline struct event_buf *sock__begin(__u32 id, long a, long b)
{
	struct event_buf *buf = ev__begin(id, 0);
	long fd = syscall__fd_arg(a, b);

	if (buf && fd >= 0)
		buf__save_int(buf, 0, fd);
	return buf;
}

SEC("kprobe/do_exit")
int BPF_KPROBE(kprobe__do_exit, long code)
{
	struct event_buf *b = ev__begin(EV_DO_EXIT, code);

	if (b)
		buf__submit(ctx, b);
	return 0;
}

SEC("kprobe/cap_capable")
int BPF_KPROBE(kprobe__cap_capable, const struct cred *cred, struct user_namespace *ns, int cap, unsigned int opts)
{
	struct event_buf *b;

	if (opts & CAP_OPT_NOAUDIT)
		return 0;
	b = ev__begin(EV_CAP_CAPABLE, 0);
	if (!b)
		return 0;
	buf__save_int(b, 0, cap);
	ev__save_syscall(b, 1, task__syscall_nr());
	buf__submit(ctx, b);
	return 0;
}

static __always_inline void vfs__save_call(struct file *file, __u64 buf, __u64 count, loff_t *pos)
{
	struct vfs_call c = { .file = (__u64)file, .buf = buf, .count = count };
	__u32 tid = current_tid();

	if (!event__flags(EV_VFS_WRITE) && !event__flags(EV_VFS_WRITEV) && !event__flags(EV_MAGIC_WRITE))
		return;
	if (pos)
		bpf_probe_read_kernel(&c.pos, sizeof(c.pos), pos);
	bpf_map_update_elem(&vfs_write_map, &tid, &c, BPF_ANY);
}

static __always_inline void vfs__return(void *ctx, bool vec, __s64 ret)
{
	__u32 tid = current_tid();
	struct vfs_call *c = bpf_map_lookup_elem(&vfs_write_map, &tid);
	struct vfs_call v;

	if (!c)
		return;
	v = *c;
	bpf_map_delete_elem(&vfs_write_map, &tid);
	vfs__emit(ctx, vec, (struct file *)v.file, v.count, v.pos, ret, vec ? iovec__first_base(v.buf) : v.buf);
}

SEC("kprobe/vfs_write")
int BPF_KPROBE(kprobe__vfs_write, struct file *file, const char *buf, size_t count, loff_t *pos)
{
	vfs__save_call(file, (__u64)buf, count, pos);
	return 0;
}

SEC("kretprobe/vfs_write")
int BPF_KRETPROBE(kretprobe__vfs_write, long ret)
{
	vfs__return(ctx, false, ret);
	return 0;
}

SEC("kprobe/vfs_writev")
int BPF_KPROBE(kprobe__vfs_writev, struct file *file, const struct iovec *vec, unsigned long vlen, loff_t *pos)
{
	vfs__save_call(file, (__u64)vec, vlen, pos);
	return 0;
}

SEC("kretprobe/vfs_writev")
int BPF_KRETPROBE(kretprobe__vfs_writev, long ret)
{
	vfs__return(ctx, true, ret);
	return 0;
}

/* mem_prot_alert 1: a mapping asked for with write and execute */
SEC("kprobe/security_mmap_file")
int BPF_KPROBE(kprobe__security_mmap_file, struct file *file, unsigned long prot)
{
	if ((prot & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC))
		alert__emit(ctx, ALERT_MMAP_WX);
	return 0;
}

/* mem_prot_alert 2-4: the VMA's flags before the change against the requested protection */
SEC("kprobe/security_file_mprotect")
int BPF_KPROBE(kprobe__security_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot)
{
	__u32 alert = alert__of_mprotect(BPF_CORE_READ(vma, vm_flags), reqprot);

	if (alert)
		alert__emit(ctx, alert);
	return 0;
}

SEC("kprobe/commit_creds")
int BPF_KPROBE(kprobe__commit_creds, struct cred *new)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct slim_cred old = {}, now = {};

	if (!event__submit(EV_COMMIT_CREDS))
		return 0;
	cred__read(&old, BPF_CORE_READ(t, real_cred));
	cred__read(&now, new);
	creds__emit(ctx, &old, &now, task__syscall_nr());
	return 0;
}

SEC("kprobe/switch_task_namespaces")
int BPF_KPROBE(kprobe__switch_task_namespaces, struct task_struct *p, struct nsproxy *new)
{
	struct ns_ids old = {}, now = {};

	if (!p || !new || !event__submit(EV_SWITCH_TASK_NS))
		return 0;
	ns__read(&old, BPF_CORE_READ(p, nsproxy));
	ns__read(&now, new);
	ns__emit(ctx, BPF_CORE_READ(p, pid), &old, &now);
	return 0;
}

SEC("kprobe/security_bprm_check")
int BPF_KPROBE(kprobe__security_bprm_check, struct linux_binprm *bprm)
{
	bprm__emit_check(ctx, bprm);
	return 0;
}

SEC("kprobe/security_file_open")
int BPF_KPROBE(kprobe__security_file_open, struct file *file)
{
	struct event_buf *b = ev__begin(EV_SECURITY_FILE_OPEN, 0);

	if (!b)
		return 0;
	obj__save_file(0, (__u64)file, FILE_FLAGS | FILE_CTIME, 0);
	ev__save_syscall(b, 5, task__syscall_nr());
	buf__submit(ctx, b);
	return 0;
}

SEC("kprobe/security_inode_unlink")
int BPF_KPROBE(kprobe__security_inode_unlink, struct inode *dir, struct dentry *dentry)
{
	struct event_buf *b = ev__begin(EV_SECURITY_INODE_UNLINK, 0);

	if (!b)
		return 0;
	obj__save_dentry_path(0, (__u64)dentry);
	buf__submit(ctx, b);
	return 0;
}

SEC("kprobe/security_inode_mknod")
int BPF_KPROBE(kprobe__security_inode_mknod, struct inode *dir, struct dentry *dentry, umode_t mode, dev_t dev)
{
	struct event_buf *b = ev__begin(EV_SECURITY_INODE_MKNOD, 0);

	if (!b)
		return 0;
	obj__save_dentry_path(0, (__u64)dentry);
	buf__save_num(b, 1, ARG_U16, mode, 2);
	buf__save_num(b, 2, ARG_DEV_T, dev, 4);
	buf__submit(ctx, b);
	return 0;
}

SEC("kprobe/security_socket_create")
int BPF_KPROBE(kprobe__security_socket_create, int family, int type, int protocol, int kern)
{
	sock__emit_create(ctx, family, type, protocol, kern);
	return 0;
}

SEC("kprobe/security_socket_listen")
int BPF_KPROBE(kprobe__security_socket_listen, struct socket *sock, int backlog)
{
	struct event_buf *b = sock__begin(EV_SECURITY_SOCKET_LISTEN, EV_LISTEN, EV_LISTEN);

	if (!b)
		return 0;
	obj__save_sock_addr(1, (__u64)BPF_CORE_READ(sock, sk), 0);
	buf__save_int(b, 2, backlog);
	buf__submit(ctx, b);
	return 0;
}

SEC("kprobe/security_socket_connect")
int BPF_KPROBE(kprobe__security_socket_connect, struct socket *sock, struct sockaddr *address)
{
	struct event_buf *b = sock__begin(EV_SECURITY_SOCKET_CONNECT, EV_CONNECT, EV_CONNECT);

	if (!b)
		return 0;
	obj__save_sockaddr(1, (__u64)address, 0);
	buf__submit(ctx, b);
	return 0;
}

SEC("kprobe/security_socket_accept")
int BPF_KPROBE(kprobe__security_socket_accept, struct socket *sock)
{
	struct event_buf *b = sock__begin(EV_SECURITY_SOCKET_ACCEPT, EV_ACCEPT, EV_ACCEPT4);

	if (!b)
		return 0;
	obj__save_sock_addr(1, (__u64)BPF_CORE_READ(sock, sk), 0);
	buf__submit(ctx, b);
	return 0;
}

SEC("kprobe/security_socket_bind")
int BPF_KPROBE(kprobe__security_socket_bind, struct socket *sock, struct sockaddr *address)
{
	struct event_buf *b = sock__begin(EV_SECURITY_SOCKET_BIND, EV_BIND, EV_BIND);

	if (!b)
		return 0;
	obj__save_sockaddr(1, (__u64)address, 0);
	buf__submit(ctx, b);
	return 0;
}

SEC("kprobe/security_sb_mount")
int BPF_KPROBE(kprobe__security_sb_mount, const char *dev_name, const struct path *path, const char *type,
	       unsigned long flags)
{
	struct event_buf *b = ev__begin(EV_SECURITY_SB_MOUNT, 0);

	if (!b)
		return 0;
	buf__save_str(b, 0, dev_name, false);
	obj__save_path(1, (__u64)path);
	buf__save_str(b, 2, type, false);
	buf__save_num(b, 3, ARG_ULONG, flags, 8);
	buf__submit(ctx, b);
	return 0;
}

SEC("kprobe/security_bpf")
int BPF_KPROBE(kprobe__security_bpf, int cmd)
{
	struct event_buf *b = ev__begin(EV_SECURITY_BPF, 0);

	if (!b)
		return 0;
	buf__save_int(b, 0, cmd);
	buf__submit(ctx, b);
	return 0;
}

SEC("kprobe/security_bpf_map")
int BPF_KPROBE(kprobe__security_bpf_map, struct bpf_map *map)
{
	bpf__emit_map(ctx, map);
	return 0;
}

SEC("kprobe/security_kernel_read_file")
int BPF_KPROBE(kprobe__security_kernel_read_file, struct file *file, int id)
{
	kread__emit(ctx, file, id, false, 0);
	return 0;
}

SEC("kprobe/security_kernel_post_read_file")
int BPF_KPROBE(kprobe__security_kernel_post_read_file, struct file *file, char *buf, loff_t size, int id)
{
	kread__emit(ctx, file, id, true, size);
	return 0;
}
