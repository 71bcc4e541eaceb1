/* Kernel paths: a struct path resolved to an absolute path by walking dentries and mounts. */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "gen/events.h"
#include "maps.bpf.h"
#include "buffer.bpf.h"

#define PATH_SPAN LIMIT_STRMAX /* the path is built backwards in scratch data[0, PATH_SPAN) */
#define PATH_MASK (PATH_SPAN - 1)
#define NAME_MAX 255

_Static_assert((PATH_SPAN & PATH_MASK) == 0, "PATH_SPAN is a power of two");

struct path_loop {
	struct event_buf *s;
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	int ret;
};

/* One step of the walk up from l's dentry; 0 continues, 1 stops with l->ret set (0 done, 1 cut short). */
static __always_inline long path__step(struct path_loop *l)
{
	struct event_buf *s = l->s;
	/* plain copies: BPF_CORE_READ(l->x, ...) would relocate l's own (local) struct against the kernel's BTF */
	struct dentry *dentry = l->dentry, *root, *parent;
	struct vfsmount *vfsmnt = l->vfsmnt;
	struct mount *mnt = l->mnt, *up;
	struct qstr name;
	__u64 pos;
	__u32 len;

	root = BPF_CORE_READ(vfsmnt, mnt_root);
	parent = BPF_CORE_READ(dentry, d_parent);
	if (dentry == root || dentry == parent) {
		up = BPF_CORE_READ(mnt, mnt_parent);
		/* the root of the namespace (or of a detached tree): done */
		if (dentry != root || up == mnt) {
			l->ret = 0;
			return 1;
		}
		/* the root of a mount: continue from its mountpoint in the parent mount */
		l->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		l->mnt = up;
		l->vfsmnt = (void *)up + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	name = BPF_CORE_READ(dentry, d_name);
	len = name.len > NAME_MAX ? NAME_MAX : name.len;
	/* pos lives in map memory: an unknown scalar each iteration, so the loop states prune */
	pos = *(volatile __u32 *)&s->off;
	if (pos > PATH_SPAN || pos < len + 1) {
		l->ret = 1;
		return 1;
	}
	pos -= len;
	/* verifier: (pos & PATH_MASK) + len <= PATH_MASK + NAME_MAX < sizeof(data) */
	len &= NAME_MAX;
	bpf_probe_read_kernel(s->data + (pos & PATH_MASK), len, name.name);
	pos -= 1;
	s->data[pos & PATH_MASK] = '/';
	s->off = pos;
	l->dentry = parent;
	return 0;
}

/* bpf_loop body of path__walk */
static long path__loop_step(__u32 i, void *ctx)
{
	return path__step(ctx);
}

/* Writes the path backwards into s->data, ending at PATH_SPAN, and leaves its start in s->off;
 * returns 1 when the walk stopped early (too deep or too long), else 0. */
static __always_inline int path__walk(struct event_buf *s, const struct path *path)
{
	struct vfsmount *vfsmnt = BPF_CORE_READ(path, mnt);
	/* struct mount embeds the vfsmount: container_of with the running kernel's offset */
	struct path_loop l = {
		.s = s,
		.dentry = BPF_CORE_READ(path, dentry),
		.vfsmnt = vfsmnt,
		.mnt = (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt),
		.ret = 1, /* too deep, unless a step finds the root */
	};
	int i;

	s->off = PATH_SPAN;
	if (LOOP_HELPER) {
		bpf_loop(LIMIT_PATHCOMPONENTS, path__loop_step, &l, 0);
		return l.ret;
	}
	for (i = 0; i < LIMIT_PATHCOMPONENTS; i++)
		if (path__step(&l))
			return l.ret;
	return 1;
}

/* str: [index][ARG_STR][u32 len | truncated << 31][len bytes] with a path path__walk left in s (scratch
 * BUF_PATH); `walk` is what path__walk returned (1: truncated). */
static __always_inline int buf__save_walked_path(struct event_buf *b, __u8 index, struct event_buf *s, int walk)
{
	__u8 *p = buf__open(b, index, ARG_STR);
	__u32 trunc = walk ? TRUNCATED : 0;
	__u64 start, len;

	if (!p)
		return SAVE_DROPPED;
	start = *(volatile __u32 *)&s->off;
	if (start >= PATH_SPAN) {
		/* nothing above the root: the path is "/" */
		p[ARG_HDR + 4] = '/';
		*(__u32 *)(p + ARG_HDR) = 1 | trunc;
		buf__close(b, ARG_HDR + 4 + 1);
		return 1;
	}
	len = PATH_SPAN - start;
	/* verifier: 0 < len <= PATH_SPAN */
	barrier_var(len);
	if (len > PATH_SPAN)
		return 0;
	if (bpf_probe_read_kernel(p + ARG_HDR + 4, len, s->data + (start & PATH_MASK)))
		return 0;
	*(__u32 *)(p + ARG_HDR) = len | trunc;
	buf__close(b, ARG_HDR + 4 + len);
	return 1;
}

/* str: [index][ARG_STR][u32 len | truncated << 31][len bytes] with the absolute path of a kernel struct
 * path; truncated when the walk ran out of components or space (the path then lacks its start). */
static __always_inline int buf__save_path(struct event_buf *b, __u8 index, const struct path *path)
{
	struct event_buf *s = buf__get(BUF_PATH);

	if (!s)
		return buf__open(b, index, ARG_STR) ? 0 : SAVE_DROPPED;
	return buf__save_walked_path(b, index, s, path__walk(s, path));
}
