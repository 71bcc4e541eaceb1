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

/* Writes the path backwards into s->data, ending at PATH_SPAN, and leaves its start in s->off;
 * returns 1 when the walk stopped early (too deep or too long), else 0. */
static __always_inline int path__walk(struct event_buf *s, const struct path *path)
{
	struct dentry *dentry = BPF_CORE_READ(path, dentry);
	struct vfsmount *vfsmnt = BPF_CORE_READ(path, mnt);
	/* struct mount embeds the vfsmount: container_of with the running kernel's offset */
	struct mount *mnt = (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt);
	struct dentry *root, *parent;
	struct mount *up;
	struct qstr name;
	__u64 pos;
	__u32 len;
	int i;

	s->off = PATH_SPAN;
	for (i = 0; i < LIMIT_PATHCOMPONENTS; i++) {
		root = BPF_CORE_READ(vfsmnt, mnt_root);
		parent = BPF_CORE_READ(dentry, d_parent);
		if (dentry == root || dentry == parent) {
			up = BPF_CORE_READ(mnt, mnt_parent);
			/* the root of the namespace (or of a detached tree): done */
			if (dentry != root || up == mnt)
				return 0;
			/* the root of a mount: continue from its mountpoint in the parent mount */
			dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = up;
			vfsmnt = (void *)up + bpf_core_field_offset(struct mount, mnt);
			continue;
		}
		name = BPF_CORE_READ(dentry, d_name);
		len = name.len > NAME_MAX ? NAME_MAX : name.len;
		/* pos lives in map memory: an unknown scalar each iteration, so the loop states prune */
		pos = *(volatile __u32 *)&s->off;
		if (pos > PATH_SPAN || pos < len + 1)
			return 1;
		pos -= len;
		/* verifier: (pos & PATH_MASK) + len <= PATH_MASK + NAME_MAX < sizeof(data) */
		len &= NAME_MAX;
		bpf_probe_read_kernel(s->data + (pos & PATH_MASK), len, name.name);
		pos -= 1;
		s->data[pos & PATH_MASK] = '/';
		s->off = pos;
		dentry = parent;
	}
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
