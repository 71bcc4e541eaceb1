/* Kernel objects behind the security events: fds to files and sockets, credentials, namespaces, and the
 * global savers that put them into the event being built (one verification per program, not per call). */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "gen/events.h"
#include "maps.bpf.h"
#include "buffer.bpf.h"
#include "path.bpf.h"
#include "exec.bpf.h"

#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define AT_FDCWD (-100)
#define O_CREAT 0100
#define O_EXCL 0200
#define O_NOCTTY 0400
#define O_TRUNC 01000
#define O_WRONLY 01
/* open flags the kernel clears from f_flags after security_file_open has seen them */
#define O_OPEN_ONLY (O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC)

/* The credential fields of the `cred` wire type (80 bytes, docs/wire-format.md). */
struct slim_cred {
	__u32 uid, gid, suid, sgid, euid, egid, fsuid, fsgid, user_ns, securebits;
	__u64 cap_inheritable, cap_permitted, cap_effective, cap_bounding, cap_ambient;
};
_Static_assert(sizeof(struct slim_cred) == 80, "slim_cred is the 80-byte cred payload");

/* Namespace inode numbers of an nsproxy, in switch_task_ns argument order. */
struct ns_ids {
	__u32 mnt, pid, uts, ipc, net, cgroup;
};

#define THREAD_SIZE (4096 << 2) /* x86-64 kernel stack (without KASAN) */

/* The user registers of current, where the syscall's arguments still are at its exit (x86-64 keeps them).
 * Kernels before 5.15 lack bpf_task_pt_regs; the registers sit at the top of the task's kernel stack there.
 * The unused branch is dead once CO-RE resolves the enum, so the verifier never sees a missing helper. */
static __always_inline struct pt_regs *task__user_regs(void)
{
	struct task_struct *t;

	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_task_pt_regs))
		return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	t = (void *)bpf_get_current_task();
	return (struct pt_regs *)((__u64)BPF_CORE_READ(t, stack) + THREAD_SIZE) - 1;
}

/* The syscall current is in (-1 outside a syscall). */
static __always_inline long task__syscall_nr(void)
{
	return BPF_CORE_READ(task__user_regs(), orig_ax);
}

/* The struct file behind fd in current's table, NULL when the fd is not open. */
static __always_inline struct file *fd__file(long fd)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

static __always_inline __u32 file__mode(struct file *f)
{
	return BPF_CORE_READ(f, f_inode, i_mode);
}

/* The socket of a file, NULL when the file is not one (sockets keep it in private_data). */
static __always_inline struct socket *file__socket(struct file *f)
{
	if (!f || (file__mode(f) & S_IFMT) != S_IFSOCK)
		return NULL;
	return BPF_CORE_READ(f, private_data);
}

static __always_inline void cred__read(struct slim_cred *s, const struct cred *c)
{
	s->uid = BPF_CORE_READ(c, uid.val);
	s->gid = BPF_CORE_READ(c, gid.val);
	s->suid = BPF_CORE_READ(c, suid.val);
	s->sgid = BPF_CORE_READ(c, sgid.val);
	s->euid = BPF_CORE_READ(c, euid.val);
	s->egid = BPF_CORE_READ(c, egid.val);
	s->fsuid = BPF_CORE_READ(c, fsuid.val);
	s->fsgid = BPF_CORE_READ(c, fsgid.val);
	s->user_ns = BPF_CORE_READ(c, user_ns, ns.inum);
	s->securebits = BPF_CORE_READ(c, securebits);
	/* kernel_cap_t is one u64 since 6.3 and u32[2] before: the same 8 little-endian bytes either way */
	bpf_core_read(&s->cap_inheritable, 8, &c->cap_inheritable);
	bpf_core_read(&s->cap_permitted, 8, &c->cap_permitted);
	bpf_core_read(&s->cap_effective, 8, &c->cap_effective);
	bpf_core_read(&s->cap_bounding, 8, &c->cap_bset);
	bpf_core_read(&s->cap_ambient, 8, &c->cap_ambient);
}

static __always_inline bool cred__equal(const struct slim_cred *a, const struct slim_cred *b)
{
	return a->uid == b->uid && a->gid == b->gid && a->suid == b->suid && a->sgid == b->sgid && a->euid == b->euid &&
	       a->egid == b->egid && a->fsuid == b->fsuid && a->fsgid == b->fsgid && a->user_ns == b->user_ns &&
	       a->securebits == b->securebits && a->cap_inheritable == b->cap_inheritable &&
	       a->cap_permitted == b->cap_permitted && a->cap_effective == b->cap_effective &&
	       a->cap_bounding == b->cap_bounding && a->cap_ambient == b->cap_ambient;
}

static __always_inline void ns__read(struct ns_ids *n, struct nsproxy *p)
{
	n->mnt = BPF_CORE_READ(p, mnt_ns, ns.inum);
	n->pid = BPF_CORE_READ(p, pid_ns_for_children, ns.inum);
	n->uts = BPF_CORE_READ(p, uts_ns, ns.inum);
	n->ipc = BPF_CORE_READ(p, ipc_ns, ns.inum);
	n->net = BPF_CORE_READ(p, net_ns, ns.inum);
	n->cgroup = BPF_CORE_READ(p, cgroup_ns, ns.inum);
}

/* cred: [index][ARG_CRED][struct slim_cred] of a kernel struct cred */
__noinline int obj__save_cred(__u32 index, __u64 cred)
{
	struct event_buf *b = buf__get(BUF_EVENT);
	struct slim_cred *s;
	__u8 *p;

	if (!b)
		return 0;
	p = buf__open(b, index, ARG_CRED);
	if (!p)
		return SAVE_DROPPED;
	s = (struct slim_cred *)(p + ARG_HDR);
	cred__read(s, (const struct cred *)cred);
	buf__close(b, ARG_HDR + sizeof(*s));
	return 1;
}

/* cred: the same record from a slim_cred on the stack or in a map (the credentials before a syscall) */
static __always_inline int obj__save_slim_cred(__u32 index, const struct slim_cred *slim)
{
	struct event_buf *b = buf__get(BUF_EVENT);
	__u8 *p;

	if (!b)
		return 0;
	p = buf__open(b, index, ARG_CRED);
	if (!p)
		return SAVE_DROPPED;
	if (bpf_probe_read_kernel(p + ARG_HDR, sizeof(struct slim_cred), slim))
		return 0;
	buf__close(b, ARG_HDR + sizeof(struct slim_cred));
	return 1;
}

/* str: the absolute path of a kernel struct path (dentry and mount walk, never user memory) */
__noinline int obj__save_path(__u32 index, __u64 path)
{
	struct event_buf *b = buf__get(BUF_EVENT);

	if (!b || !path)
		return 0;
	return buf__save_path(b, index, (const struct path *)path);
}

#define PIPEFS_MAGIC 0x50495045
#define SOCKFS_MAGIC 0x534F434B
#define NSFS_MAGIC 0x6e736673
#define ANON_INODE_FS_MAGIC 0x09041934
#define PSEUDO_NAME_MAX 64 /* prefix (a namespace type or an anon inode's name) */

/* str: what /proc/PID/fd shows for a file of a pseudo filesystem, which has no path: "pipe:[INO]",
 * "socket:[INO]", "<ns type>:[INO]" (nsfs) or "anon_inode:NAME". Returns 0 for other files. */
static __always_inline int obj__save_pseudo_name(struct event_buf *b, __u8 index, struct file *f)
{
	struct dentry *d = BPF_CORE_READ(f, f_path.dentry);
	__u64 magic = BPF_CORE_READ(d, d_sb, s_magic);
	__u64 ino = BPF_CORE_READ(f, f_inode, i_ino);
	const char *name = NULL;
	char digits[20];
	__u32 len = 0, n = 0, i;
	long r;
	__u8 *p, *s;

	if (magic != PIPEFS_MAGIC && magic != SOCKFS_MAGIC && magic != NSFS_MAGIC && magic != ANON_INODE_FS_MAGIC)
		return 0;
	p = buf__open(b, index, ARG_STR);
	if (!p)
		return SAVE_DROPPED;
	s = p + ARG_HDR + 4;
	if (magic == PIPEFS_MAGIC) {
		__builtin_memcpy(s, "pipe", 4);
		len = 4;
	} else if (magic == SOCKFS_MAGIC) {
		__builtin_memcpy(s, "socket", 6);
		len = 6;
	} else {
		if (magic == NSFS_MAGIC) {
			/* an nsfs inode's i_private is the namespace; its operations carry the type name */
			struct ns_common *ns = BPF_CORE_READ(f, f_inode, i_private);

			name = BPF_CORE_READ(ns, ops, name);
		} else {
			__builtin_memcpy(s, "anon_inode:", 11);
			len = 11;
			name = (const char *)BPF_CORE_READ(d, d_name.name);
		}
		r = bpf_probe_read_kernel_str(s + len, PSEUDO_NAME_MAX, name);
		if (r > 0)
			len += r - 1;
		/* anon inodes show their name only */
		if (magic == ANON_INODE_FS_MAGIC)
			goto done;
	}
	/* verifier: len <= 11 + PSEUDO_NAME_MAX */
	len &= 127;
	s[len] = ':';
	s[len + 1] = '[';
	len += 2;
	if (SNPRINTF_HELPER) {
		/* "INO]" in one helper call: the loops below cost the verifier ~9,000 instructions per program */
		static const char fmt[] = "%llu]";
		__u64 data[1] = { ino };

		r = bpf_snprintf((char *)s + len, 22, fmt, data, sizeof(data)); /* 20 digits, ']', NUL */
		if (r > 1)
			len += r - 1;
		goto done;
	}
	do {
		digits[n++] = '0' + ino % 10;
		ino /= 10;
	} while (ino && n < sizeof(digits));
#pragma clang loop unroll(disable)
	for (i = 0; i < sizeof(digits); i++) {
		if (i >= n)
			break;
		s[(len + i) & 255] = digits[(n - 1 - i) & 31];
	}
	len += n;
	s[len & 255] = ']';
	len += 1;
done:
	len &= 255;
	*(__u32 *)(p + ARG_HDR) = len;
	buf__close(b, ARG_HDR + 4 + len);
	return 1;
}

/* pathname, [flags], dev, inode, [ctime] of a file at consecutive indexes from `index`; `what` picks the
 * optional ones: FILE_FLAGS (flags after the path, extra bits OR-ed in), FILE_CTIME (ctime after inode). */
#define FILE_FLAGS 1
#define FILE_CTIME 2
__noinline int obj__save_file(__u32 index, __u64 file, __u32 what, __u32 extra_flags)
{
	struct event_buf *b = buf__get(BUF_EVENT);
	struct file *f = (struct file *)file;
	struct inode *inode;

	if (!b || !f)
		return 0;
	inode = BPF_CORE_READ(f, f_inode);
	if (!obj__save_pseudo_name(b, index, f))
		buf__save_path(b, index, __builtin_preserve_access_index(&f->f_path));
	index++;
	if (what & FILE_FLAGS) {
		buf__save_num(b, index, ARG_INT, BPF_CORE_READ(f, f_flags) | extra_flags, 4);
		index++;
	}
	buf__save_num(b, index, ARG_DEV_T, BPF_CORE_READ(inode, i_sb, s_dev), 4);
	buf__save_num(b, index + 1, ARG_ULONG, BPF_CORE_READ(inode, i_ino), 8);
	if (what & FILE_CTIME)
		buf__save_num(b, index + 2, ARG_ULONG, inode__ctime_ns(inode), 8);
	return 1;
}

/* str: the path of a dentry up to the root of its filesystem (a hook that has no vfsmount, as the
 * reference does for security_inode_unlink and security_inode_mknod) */
__noinline int obj__save_dentry_path(__u32 index, __u64 dentry)
{
	struct event_buf *b = buf__get(BUF_EVENT);
	struct dentry *d = (struct dentry *)dentry;
	struct path p = {};

	if (!b || !d)
		return 0;
	/* a path whose mount is the dentry's own super block root: the walk stops at the filesystem root */
	p.dentry = d;
	p.mnt = NULL;
	return buf__save_path(b, index, &p);
}

/* str: an at-style path, "<directory from the kernel>/<name from user memory>": the directory of a
 * relative name is the struct path of dirfd (or the cwd for AT_FDCWD), walked in the kernel; an absolute
 * name is taken as is. For the tracepoint way of hooks whose dentry no tracepoint exposes. */
__noinline int obj__save_at_path(__u32 index, int dirfd, __u64 name)
{
	struct event_buf *b = buf__get(BUF_EVENT);
	struct event_buf *s = buf__get(BUF_PATH);
	struct task_struct *t = (void *)bpf_get_current_task();
	const struct path *dir;
	struct file *f;
	__u64 start, len, n;
	__u32 trunc;
	__u8 *p;
	char first = 0;

	if (!b || !s || !name)
		return 0;
	if (bpf_probe_read_user(&first, 1, (void *)name))
		return 0;
	if (first == '/')
		return buf__save_str(b, index, (void *)name, true);
	if (dirfd == AT_FDCWD) {
		/* &current->fs->pwd, with the running kernel's offset */
		dir = (const struct path *)((void *)BPF_CORE_READ(t, fs) + bpf_core_field_offset(struct fs_struct, pwd));
	} else {
		f = fd__file(dirfd);
		if (!f)
			return 0;
		dir = __builtin_preserve_access_index(&f->f_path);
	}
	p = buf__open(b, index, ARG_STR);
	if (!p)
		return SAVE_DROPPED;
	trunc = path__walk(s, dir) ? TRUNCATED : 0;
	start = *(volatile __u32 *)&s->off;
	/* the name goes right after the directory: data[PATH_SPAN] = '/', then the name */
	s->data[PATH_SPAN] = '/';
	n = bpf_probe_read_user_str(s->data + PATH_SPAN + 1, STR_READ, (void *)name);
	if ((long)n <= 0)
		return 0;
	if (start > PATH_SPAN)
		start = PATH_SPAN;
	len = PATH_SPAN - start + n; /* directory, '/', name (n counts its NUL, which replaces the '/') */
	if (len > LIMIT_STRMAX) {
		start += len - LIMIT_STRMAX; /* keep the end: the name matters most */
		len = LIMIT_STRMAX;
		trunc = TRUNCATED;
	}
	/* verifier: 0 < len <= LIMIT_STRMAX and start < PATH_SPAN + STR_READ */
	barrier_var(len);
	if (len > LIMIT_STRMAX || len == 0)
		return 0;
	if (bpf_probe_read_kernel(p + ARG_HDR + 4, len, s->data + (start & (2 * PATH_SPAN - 1))))
		return 0;
	*(__u32 *)(p + ARG_HDR) = len | trunc;
	buf__close(b, ARG_HDR + 4 + len);
	return 1;
}

/* sockaddr built from a socket's kernel state: [index][ARG_SOCKADDR][u32 len][struct sockaddr_*]; the
 * local address, or with `peer` the remote one (for AF_UNIX: the peer's bound name). len 2 (the family
 * only) for other families or when nothing is bound/connected. */
__noinline int obj__save_sock_addr(__u32 index, __u64 sock, __u32 peer)
{
	struct event_buf *b = buf__get(BUF_EVENT);
	struct sock *sk = (struct sock *)sock;
	__u16 family;
	__u8 *p, *d;
	__u32 len = 2;

	if (!b || !sk)
		return 0;
	p = buf__open(b, index, ARG_SOCKADDR);
	if (!p)
		return SAVE_DROPPED;
	d = p + ARG_HDR + 4;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__builtin_memset(d, 0, 28);
	*(__u16 *)d = family;
	if (family == AF_INET) {
		*(__u16 *)(d + 2) = peer ? BPF_CORE_READ(sk, __sk_common.skc_dport)
					 : bpf_htons(BPF_CORE_READ(sk, __sk_common.skc_num));
		*(__u32 *)(d + 4) = peer ? BPF_CORE_READ(sk, __sk_common.skc_daddr)
					 : BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		len = 16;
	} else if (family == AF_INET6) {
		*(__u16 *)(d + 2) = peer ? BPF_CORE_READ(sk, __sk_common.skc_dport)
					 : bpf_htons(BPF_CORE_READ(sk, __sk_common.skc_num));
		if (peer)
			bpf_core_read(d + 8, 16, &sk->__sk_common.skc_v6_daddr);
		else
			bpf_core_read(d + 8, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		len = 28;
	} else if (family == AF_UNIX) {
		struct unix_sock *u = (struct unix_sock *)sk;
		struct unix_address *a;
		int alen;

		if (peer)
			u = (struct unix_sock *)BPF_CORE_READ(u, peer);
		a = BPF_CORE_READ(u, addr);
		alen = BPF_CORE_READ(a, len);
		/* verifier: alen is the bound name's length, at most a sockaddr_un */
		if (a && alen > 2 && alen <= 110) {
			if (!bpf_probe_read_kernel(d, alen & 127, (void *)a + bpf_core_field_offset(struct unix_address, name)))
				len = alen;
		}
	}
	*(__u32 *)(p + ARG_HDR) = len;
	buf__close(b, ARG_HDR + 4 + len);
	return 1;
}

/* sockaddr: the same record from a struct sockaddr in kernel memory (what an LSM hook is handed), or with
 * `user` from the caller's memory; the family decides the length as in buf__save_sockaddr. */
__noinline int obj__save_sockaddr(__u32 index, __u64 addr, __u32 user)
{
	struct event_buf *b = buf__get(BUF_EVENT);
	__u16 family = 0;
	__u32 len;
	__u8 *p;
	long err;

	if (!b)
		return 0;
	if (user)
		return buf__save_sockaddr(b, index, (const void *)addr);
	p = buf__open(b, index, ARG_SOCKADDR);
	if (!p)
		return SAVE_DROPPED;
	if (!addr || bpf_probe_read_kernel(&family, sizeof(family), (void *)addr))
		return 0;
	len = family == AF_UNIX ? 110 : family == AF_INET ? 16 : family == AF_INET6 ? 28 : 2;
	err = bpf_probe_read_kernel(p + ARG_HDR + 4, len, (void *)addr);
	if (err) {
		len = 2;
		*(__u16 *)(p + ARG_HDR + 4) = family;
	}
	*(__u32 *)(p + ARG_HDR) = len;
	buf__close(b, ARG_HDR + 4 + len);
	return 1;
}
