/* The tracepoint way of the kernel-function events (used where kprobes cannot attach), and the events
 * that only ever come from tracepoints: sched_switch and socket_dup. Syscall exits read the syscall's
 * arguments from the saved user registers and the objects they produced (fds) from the kernel's tables,
 * so paths and addresses come from kernel structures, not from user memory a caller may rewrite. */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "gen/events.h"
#include "events_common.bpf.h"

#define EINPROGRESS 115
#define AT_REMOVEDIR 0x200
#define BPF_OBJ_GET_CMD 7
#define KEXEC_FILE_NO_INITRAMFS 0x4
#define CAP_SYS_ADMIN 21
/* CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME */
#define CLONE_NEW_ANY (0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x80)

/* sched_switch: cpu, prev_tid, prev_comm, next_tid, next_comm (host tids); current is prev */
SEC("raw_tracepoint/sched_switch")
int tracepoint__sched__sched_switch(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *prev = (void *)ctx->args[1];
	struct task_struct *next = (void *)ctx->args[2];
	struct event_buf *b = ev__begin(EV_SCHED_SWITCH, 0);

	if (!b)
		return 0;
	buf__save_int(b, 0, bpf_get_smp_processor_id());
	buf__save_int(b, 1, BPF_CORE_READ(prev, pid));
	buf__save_str(b, 2, __builtin_preserve_access_index(&prev->comm), false);
	buf__save_int(b, 3, BPF_CORE_READ(next, pid));
	buf__save_str(b, 4, __builtin_preserve_access_index(&next->comm), false);
	buf__submit(ctx, b);
	return 0;
}

/* do_exit: sched_process_exit fires inside do_exit once exit_code holds do_exit's argument */
SEC("raw_tracepoint/sched_process_exit")
int tracepoint__sched__do_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct event_buf *b = ev__begin(EV_DO_EXIT, BPF_CORE_READ(t, exit_code));

	if (b)
		buf__submit(ctx, b);
	return 0;
}

/* Whether a CAP_SYS_ADMIN check in syscall `nr` can only be the memory accounting of a writable private
 * mapping (asked without auditing on every mmap, and for every such mapping a fork copies or an exec sets
 * up): those calls make no audited CAP_SYS_ADMIN check, except a clone that creates namespaces. */
static __always_inline bool cap__accounting_only(long nr)
{
	__u64 flags = 0;

	if (nr == EV_MMAP || nr == EV_MPROTECT || nr == EV_PKEY_MPROTECT || nr == EV_BRK || nr == EV_MREMAP ||
	    nr == EV_FORK || nr == EV_VFORK || nr == EV_EXECVE || nr == EV_EXECVEAT)
		return true;
	if (nr == EV_CLONE)
		flags = BPF_CORE_READ(task__user_regs(), di);
	else if (nr == EV_CLONE3)
		bpf_probe_read_user(&flags, sizeof(flags), (void *)BPF_CORE_READ(task__user_regs(), di)); /* clone_args.flags */
	else
		return false;
	return !(flags & CLONE_NEW_ANY);
}

/* cap_capable: cap, [syscall]. The tracepoint (6.14+) has no audit options, so checks made without
 * auditing (which the kprobe way skips) are reported too, except the memory-accounting one that would flood
 * the output (cap__accounting_only). */
SEC("raw_tracepoint/cap_capable")
int tracepoint__capability__cap_capable(struct bpf_raw_tracepoint_args *ctx)
{
	int cap = ctx->args[3];
	long nr = task__syscall_nr();
	struct event_buf *b;

	if (cap == CAP_SYS_ADMIN && cap__accounting_only(nr))
		return 0;
	b = ev__begin(EV_CAP_CAPABLE, 0);
	if (!b)
		return 0;
	buf__save_int(b, 0, cap);
	ev__save_syscall(b, 1, nr);
	buf__submit(ctx, b);
	return 0;
}

/* security_bprm_check: pathname, dev, inode of the binary, from the linux_binprm at exec */
SEC("raw_tracepoint/sched_process_exec")
int tracepoint__sched__security_bprm_check(struct bpf_raw_tracepoint_args *ctx)
{
	bprm__emit_check(ctx, (struct linux_binprm *)ctx->args[2]);
	return 0;
}

/* security_file_open at the exit of open, openat, openat2, creat and open_by_handle_at: the struct file
 * behind the returned fd gives pathname, flags, dev, inode, ctime, [syscall]. The kernel has cleared the
 * create-time flags from f_flags by then; they are taken back from the call's own flags. */
SEC("tracepoint/syscalls/sys_exit_openat")
int tracepoint__syscalls__security_file_open(struct trace_event_raw_sys_exit *ctx)
{
	long fd = ctx->ret, nr = ctx->id;
	struct pt_regs *regs;
	struct event_buf *b;
	__u64 flags = 0;

	if (fd < 0)
		return 0;
	b = ev__begin(EV_SECURITY_FILE_OPEN, 0);
	if (!b)
		return 0;
	regs = task__user_regs();
	if (nr == EV_OPEN)
		flags = BPF_CORE_READ(regs, si);
	else if (nr == EV_OPENAT)
		flags = BPF_CORE_READ(regs, dx);
	else if (nr == EV_CREAT)
		flags = O_CREAT | O_WRONLY | O_TRUNC;
	else if (nr == EV_OPENAT2)
		bpf_probe_read_user(&flags, sizeof(flags), (void *)BPF_CORE_READ(regs, dx)); /* open_how.flags */
	obj__save_file(0, (__u64)fd__file(fd), FILE_FLAGS | FILE_CTIME, flags & O_OPEN_ONLY);
	ev__save_syscall(b, 5, nr);
	buf__submit(ctx, b);
	return 0;
}

/* security_inode_unlink at the exit of a successful unlink/unlinkat (not AT_REMOVEDIR, which is rmdir):
 * pathname = the directory from the kernel (dirfd or cwd) and the name the caller gave. */
SEC("tracepoint/syscalls/sys_exit_unlinkat")
int tracepoint__syscalls__security_inode_unlink(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs;
	struct event_buf *b;
	int dirfd = AT_FDCWD;
	__u64 name;

	if (ctx->ret != 0)
		return 0;
	regs = task__user_regs();
	if (ctx->id == EV_UNLINKAT) {
		if (BPF_CORE_READ(regs, dx) & AT_REMOVEDIR)
			return 0;
		dirfd = BPF_CORE_READ(regs, di);
		name = BPF_CORE_READ(regs, si);
	} else {
		name = BPF_CORE_READ(regs, di);
	}
	b = ev__begin(EV_SECURITY_INODE_UNLINK, 0);
	if (!b)
		return 0;
	obj__save_at_path(0, dirfd, name);
	buf__submit(ctx, b);
	return 0;
}

/* security_inode_mknod at the exit of a successful mknod/mknodat of a device, fifo or socket (regular
 * files go through security_inode_create): file_name, mode (after the umask), dev (kernel encoding). */
SEC("tracepoint/syscalls/sys_exit_mknodat")
int tracepoint__syscalls__security_inode_mknod(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct pt_regs *regs;
	struct event_buf *b;
	__u64 name, mode, udev;
	__u32 major, minor;
	int dirfd = AT_FDCWD;

	if (ctx->ret != 0)
		return 0;
	regs = task__user_regs();
	if (ctx->id == EV_MKNODAT) {
		dirfd = BPF_CORE_READ(regs, di);
		name = BPF_CORE_READ(regs, si);
		mode = BPF_CORE_READ(regs, dx);
		udev = BPF_CORE_READ(regs, r10);
	} else {
		name = BPF_CORE_READ(regs, di);
		mode = BPF_CORE_READ(regs, si);
		udev = BPF_CORE_READ(regs, dx);
	}
	if ((mode & S_IFMT) == 0 || (mode & S_IFMT) == S_IFREG)
		return 0;
	b = ev__begin(EV_SECURITY_INODE_MKNOD, 0);
	if (!b)
		return 0;
	mode = (mode & S_IFMT) | (mode & 07777 & ~BPF_CORE_READ(t, fs, umask));
	/* user dev_t (new_encode_dev) to the kernel's major << 20 | minor */
	major = (udev & 0xfff00) >> 8;
	minor = (udev & 0xff) | ((udev >> 12) & 0xfff00);
	obj__save_at_path(0, dirfd, name);
	buf__save_num(b, 1, ARG_U16, mode, 2);
	buf__save_num(b, 2, ARG_DEV_T, (major << 20) | minor, 4);
	buf__submit(ctx, b);
	return 0;
}

/* The socket LSM events at the exit of socket, socketpair, bind, listen, connect, accept and accept4, from
 * the socket behind the fd: its family/type/protocol, and addresses from its kernel state where it has them
 * (a bound name, a connected peer); the caller's sockaddr only when the call failed before setting them. */
SEC("tracepoint/syscalls/sys_exit_socket")
int tracepoint__syscalls__security_socket(struct trace_event_raw_sys_exit *ctx)
{
	long nr = ctx->id, ret = ctx->ret;
	struct pt_regs *regs = task__user_regs();
	struct socket *sock;
	struct sock *sk;
	struct event_buf *b;
	int fd, sv[2];

	if (nr == EV_SOCKET || nr == EV_SOCKETPAIR) {
		if (ret < 0)
			return 0;
		if (nr == EV_SOCKET) {
			sv[0] = ret;
			sv[1] = -1;
		} else if (bpf_probe_read_user(sv, sizeof(sv), (void *)BPF_CORE_READ(regs, r10))) {
			return 0;
		}
#pragma clang loop unroll(full)
		for (int i = 0; i < 2; i++) {
			sock = file__socket(fd__file(sv[i]));
			if (!sock)
				continue;
			sk = BPF_CORE_READ(sock, sk);
			sock__emit_create(ctx, BPF_CORE_READ(sk, __sk_common.skc_family), BPF_CORE_READ(sock, type),
					  BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol), 0);
		}
		return 0;
	}
	fd = BPF_CORE_READ(regs, di);
	sock = file__socket(fd__file(fd));
	if (!sock)
		return 0;
	sk = BPF_CORE_READ(sock, sk);
	if (nr == EV_BIND) {
		b = ev__begin(EV_SECURITY_SOCKET_BIND, 0);
		if (!b)
			return 0;
		buf__save_int(b, 0, fd);
		if (ret == 0)
			obj__save_sock_addr(1, (__u64)sk, 0);
		else
			obj__save_sockaddr(1, BPF_CORE_READ(regs, si), 1);
	} else if (nr == EV_LISTEN) {
		b = ev__begin(EV_SECURITY_SOCKET_LISTEN, 0);
		if (!b)
			return 0;
		buf__save_int(b, 0, fd);
		obj__save_sock_addr(1, (__u64)sk, 0);
		buf__save_int(b, 2, BPF_CORE_READ(regs, si));
	} else if (nr == EV_CONNECT) {
		b = ev__begin(EV_SECURITY_SOCKET_CONNECT, 0);
		if (!b)
			return 0;
		buf__save_int(b, 0, fd);
		if (ret == 0 || ret == -EINPROGRESS)
			obj__save_sock_addr(1, (__u64)sk, 1);
		else
			obj__save_sockaddr(1, BPF_CORE_READ(regs, si), 1);
	} else if (nr == EV_ACCEPT || nr == EV_ACCEPT4) {
		b = ev__begin(EV_SECURITY_SOCKET_ACCEPT, 0);
		if (!b)
			return 0;
		buf__save_int(b, 0, fd);
		obj__save_sock_addr(1, (__u64)sk, 0);
	} else {
		return 0;
	}
	buf__submit(ctx, b);
	return 0;
}

/* security_sb_mount at the entry of mount(2), like the hook before the mount happens: dev_name, path (the
 * cwd from the kernel for a relative target), type, flags */
SEC("tracepoint/syscalls/sys_enter_mount")
int tracepoint__syscalls__security_sb_mount(struct trace_event_raw_sys_enter *ctx)
{
	struct event_buf *b = ev__begin(EV_SECURITY_SB_MOUNT, 0);

	if (!b)
		return 0;
	buf__save_str(b, 0, (void *)ctx->args[0], true);
	obj__save_at_path(1, AT_FDCWD, ctx->args[1]);
	buf__save_str(b, 2, (void *)ctx->args[2], true);
	buf__save_num(b, 3, ARG_ULONG, ctx->args[3], 8);
	buf__submit(ctx, b);
	return 0;
}

/* security_bpf: cmd, at the entry of bpf(2) */
SEC("tracepoint/syscalls/sys_enter_bpf")
int tracepoint__syscalls__security_bpf(struct trace_event_raw_sys_enter *ctx)
{
	struct event_buf *b = ev__begin(EV_SECURITY_BPF, 0);

	if (!b)
		return 0;
	buf__save_int(b, 0, ctx->args[0]);
	buf__submit(ctx, b);
	return 0;
}

/* security_bpf_map when bpf(2) handed out a map fd: BPF_MAP_CREATE, BPF_MAP_GET_FD_BY_ID, or BPF_OBJ_GET
 * of a pinned map (its anon inode is named "bpf-map") */
SEC("tracepoint/syscalls/sys_exit_bpf")
int tracepoint__syscalls__security_bpf_map(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = task__user_regs();
	long cmd = BPF_CORE_READ(regs, di);
	struct file *f;
	char name[8] = {};

	if (ctx->ret < 0)
		return 0;
	if (cmd != BPF_MAP_CREATE && cmd != BPF_MAP_GET_FD_BY_ID && cmd != BPF_OBJ_GET_CMD)
		return 0;
	f = fd__file(ctx->ret);
	if (!f)
		return 0;
	if (cmd == BPF_OBJ_GET_CMD) {
		bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(f, f_path.dentry, d_name.name));
		if (name[0] != 'b' || name[3] != '-' || name[4] != 'm' || name[5] != 'a' || name[6] != 'p')
			return 0;
	}
	bpf__emit_map(ctx, BPF_CORE_READ(f, private_data));
	return 0;
}

/* security_kernel_read_file and security_kernel_post_read_file for the files the kernel reads on behalf of
 * finit_module (a module) and kexec_file_load (a kernel and an initramfs), from their fds at exit */
SEC("tracepoint/syscalls/sys_exit_finit_module")
int tracepoint__syscalls__security_kernel_read_file(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = task__user_regs();
	struct file *f;
	int type;

	if (ctx->id == EV_KEXEC_FILE_LOAD) {
		f = fd__file(BPF_CORE_READ(regs, di));
		type = bpf_core_enum_value(enum kernel_read_file_id, READING_KEXEC_IMAGE);
	} else {
		f = fd__file(BPF_CORE_READ(regs, di));
		type = bpf_core_enum_value(enum kernel_read_file_id, READING_MODULE);
	}
	if (!f)
		return 0;
	kread__emit(ctx, f, type, false, 0);
	kread__emit(ctx, f, type, true, BPF_CORE_READ(f, f_inode, i_size));
	if (ctx->id == EV_KEXEC_FILE_LOAD && !(BPF_CORE_READ(regs, r8) & KEXEC_FILE_NO_INITRAMFS)) {
		f = fd__file(BPF_CORE_READ(regs, si));
		type = bpf_core_enum_value(enum kernel_read_file_id, READING_KEXEC_INITRAMFS);
		if (!f)
			return 0;
		kread__emit(ctx, f, type, false, 0);
		kread__emit(ctx, f, type, true, BPF_CORE_READ(f, f_inode, i_size));
	}
	return 0;
}

/* vfs_write, vfs_writev and magic_write at the exit of write, pwrite64, writev, pwritev and pwritev2 (the
 * syscalls that reach vfs_write/vfs_writev); pos is where the write began: the offset argument, or the
 * file position minus what was written for files that have one. */
SEC("tracepoint/syscalls/sys_exit_write")
int tracepoint__syscalls__vfs_write(struct trace_event_raw_sys_exit *ctx)
{
	long nr = ctx->id, ret = ctx->ret;
	struct pt_regs *regs;
	struct file *f;
	bool vec = nr == EV_WRITEV || nr == EV_PWRITEV || nr == EV_PWRITEV2;
	__s64 pos;
	__u64 data;

	if (!event__flags(EV_VFS_WRITE) && !event__flags(EV_VFS_WRITEV) && !event__flags(EV_MAGIC_WRITE))
		return 0;
	regs = task__user_regs();
	f = fd__file(BPF_CORE_READ(regs, di));
	if (!f)
		return 0;
	pos = BPF_CORE_READ(regs, r10);
	if (nr == EV_WRITE || nr == EV_WRITEV || (nr == EV_PWRITEV2 && pos == -1)) {
		pos = BPF_CORE_READ(f, f_pos);
		if (ret > 0 && file__positioned(f) && pos >= ret)
			pos -= ret;
	}
	data = BPF_CORE_READ(regs, si);
	if (vec)
		data = iovec__first_base(data);
	vfs__emit(ctx, vec, f, BPF_CORE_READ(regs, dx), pos, ret, data);
	return 0;
}

/* commit_creds, tracepoint way: the credentials at the entry of every syscall that can commit new ones
 * (the set*id family, capset, prctl, execve/execveat, unshare, setns) ... */
SEC("tracepoint/syscalls/sys_enter_setuid")
int tracepoint__syscalls__commit_creds_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct slim_cred s = {};
	__u32 tid = current_tid();

	if (!event__submit(EV_COMMIT_CREDS) || !filter__pass(t))
		return 0;
	cred__read(&s, BPF_CORE_READ(t, real_cred));
	bpf_map_update_elem(&cred_snap_map, &tid, &s, BPF_ANY);
	return 0;
}

/* ... compared with the ones at its exit: a difference is a commit_creds */
SEC("tracepoint/syscalls/sys_exit_setuid")
int tracepoint__syscalls__commit_creds_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 tid = current_tid();
	struct slim_cred *old, now = {};

	old = bpf_map_lookup_elem(&cred_snap_map, &tid);
	if (!old)
		return 0;
	cred__read(&now, BPF_CORE_READ(t, real_cred));
	creds__emit(ctx, old, &now, ctx->id);
	bpf_map_delete_elem(&cred_snap_map, &tid);
	return 0;
}

/* switch_task_ns, tracepoint way: the nsproxy at the entry of setns/unshare ... */
SEC("tracepoint/syscalls/sys_enter_setns")
int tracepoint__syscalls__switch_task_ns_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct ns_snap s = {};
	__u32 tid = current_tid();
	struct nsproxy *p;

	if (!event__submit(EV_SWITCH_TASK_NS) || !filter__pass(t))
		return 0;
	p = BPF_CORE_READ(t, nsproxy);
	s.nsproxy = (__u64)p;
	ns__read(&s.ids, p);
	bpf_map_update_elem(&ns_snap_map, &tid, &s, BPF_ANY);
	return 0;
}

/* ... and at its exit: a new nsproxy means the task switched namespaces */
SEC("tracepoint/syscalls/sys_exit_setns")
int tracepoint__syscalls__switch_task_ns_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 tid = current_tid();
	struct ns_snap *old;
	struct ns_ids now = {};
	struct nsproxy *p;

	old = bpf_map_lookup_elem(&ns_snap_map, &tid);
	if (!old)
		return 0;
	p = BPF_CORE_READ(t, nsproxy);
	if ((__u64)p != old->nsproxy) {
		ns__read(&now, p);
		ns__emit(ctx, BPF_CORE_READ(t, pid), &old->ids, &now);
	}
	bpf_map_delete_elem(&ns_snap_map, &tid);
	return 0;
}

static long alert__vma_flags(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	*(__u64 *)data = BPF_CORE_READ(vma, vm_flags);
	return 0;
}

/* mem_prot_alert, tracepoint way: at the entry of mprotect/pkey_mprotect the VMA at the start address
 * still has its old flags; the alert is kept for the exit ... */
SEC("tracepoint/syscalls/sys_enter_mprotect")
int tracepoint__syscalls__mem_prot_alert_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 tid = current_tid(), alert;
	__u64 prev = 0;

	if (!event__submit(EV_MEM_PROT_ALERT) || !filter__pass(t))
		return 0;
	if (bpf_find_vma(bpf_get_current_task_btf(), ctx->args[0], alert__vma_flags, &prev, 0))
		return 0;
	alert = alert__of_mprotect(prev, ctx->args[2]);
	if (alert)
		bpf_map_update_elem(&alert_map, &tid, &alert, BPF_ANY);
	return 0;
}

/* ... and sent when the call succeeded; mmap (PROT_WRITE|PROT_EXEC asked for) is judged at its exit */
SEC("tracepoint/syscalls/sys_exit_mprotect")
int tracepoint__syscalls__mem_prot_alert_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = current_tid(), *alert;
	__u64 prot;

	if (ctx->id == EV_MMAP) {
		prot = BPF_CORE_READ(task__user_regs(), dx);
		/* a successful mmap returns an address, a failed one -errno */
		if ((prot & (PROT_WRITE | PROT_EXEC)) == (PROT_WRITE | PROT_EXEC) && (unsigned long)ctx->ret < -4095UL)
			alert__emit(ctx, ALERT_MMAP_WX);
		return 0;
	}
	alert = bpf_map_lookup_elem(&alert_map, &tid);
	if (!alert)
		return 0;
	if (ctx->ret == 0)
		alert__emit(ctx, *alert);
	bpf_map_delete_elem(&alert_map, &tid);
	return 0;
}

/* socket_dup at the exit of dup/dup2/dup3 whose new fd is a socket: oldfd, newfd, remote_addr */
SEC("tracepoint/syscalls/sys_exit_dup")
int tracepoint__syscalls__socket_dup(struct trace_event_raw_sys_exit *ctx)
{
	struct socket *sock;
	struct event_buf *b;

	if (ctx->ret < 0)
		return 0;
	sock = file__socket(fd__file(ctx->ret));
	if (!sock)
		return 0;
	b = ev__begin(EV_SOCKET_DUP, 0);
	if (!b)
		return 0;
	buf__save_int(b, 0, BPF_CORE_READ(task__user_regs(), di));
	buf__save_int(b, 1, ctx->ret);
	obj__save_sock_addr(2, (__u64)BPF_CORE_READ(sock, sk), 1);
	buf__submit(ctx, b);
	return 0;
}
