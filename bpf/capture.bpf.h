/* Capture (--capture write/mem): streams the bytes traced processes write, and memory regions an unpacker
 * turns from W+X to X, to user space through the file_writes perf rings (docs/wire-format.md §5), and
 * emits vfs_write, vfs_writev and mem_prot_alert. Writes have two ways in: syscall-exit tracepoints of the
 * write family, and kprobes on vfs_write/vfs_writev where the kernel has kprobes (src/tracer/programs.ts). */
#pragma once

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

#define BLOB_CHUNK LIMIT_BLOBCHUNK
/* chunks one sender run streams before it tail-calls itself; the chain allows 33 runs (MAX_TAIL_CALL_CNT),
 * so one syscall streams at most 33 x 256 x 16 KiB = 132 MiB and the rest is counted as cut */
#define SEND_STEPS 256
#define CAPTURE_PREFIXES 3
#define PREFIX_CHARS 50
#define MAX_IOV 1024 /* UIO_MAXIOV */
#define PAGE 4096

#define CAP_S_IFMT 00170000
#define CAP_S_IFCHR 0020000
#define CAP_O_APPEND 02000
#define CAP_RWF_APPEND 0x10
#define CAP_VM_WRITE 0x2
#define CAP_VM_EXEC 0x4
#define CAP_PROT_WRITE 0x2
#define CAP_PROT_EXEC 0x4
#define DEV_NULL_RDEV ((1u << 20) | 3u) /* kernel dev_t of /dev/null: mem 1:3 */

#define ALERT_MMAP_WX 1	       /* mmap with W+X */
#define ALERT_TO_X 2	       /* mprotect adds X */
#define ALERT_X_TO_WX 3	       /* mprotect of an X region to W+X */
#define ALERT_WX_TO_X 4	       /* mprotect of a W+X region to X without W: the unpacker pattern, dumped */

/* Records of the syscalls:sys_enter_* and sys_exit_* tracepoints (their format files: 8 bytes of common
 * fields, the syscall number, then the arguments or the return value). */
struct syscall_enter_ctx {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__u64 args[6];
};
struct syscall_exit_ctx {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__s64 ret;
};

/* One capture sample: the header, then up to BLOB_CHUNK data bytes. */
struct blob_buf {
	struct blob_header h;
	__u8 data[BLOB_CHUNK];
};

/* Where a stream stands; kept per CPU because a tail call leaves the stack behind. */
struct send_state {
	__u64 src;  /* user address of the next byte of the current piece */
	__u64 left; /* bytes left in the current piece */
	__u64 iov;  /* user address of the next struct iovec (vectored writes) */
	__u64 iovs; /* iovecs not read yet */
	__u64 todo; /* bytes not streamed yet */
	__u64 off;  /* file (or region) offset of the next byte */
};

/* One write as the hooks see it, handed to capture__write. */
struct write_req {
	struct file *file;
	__u64 buf;   /* the data, or the struct iovec array of a vectored write */
	__u64 count; /* bytes asked for, or the number of iovecs */
	__s64 ret;   /* bytes written */
	__u64 pos;   /* file offset of the first byte written */
	__u32 vec;   /* writev family */
	__u32 pad;
};

/* Arguments of vfs_write/vfs_writev saved at the kprobe for the kretprobe. */
struct write_args {
	struct file *file;
	__u64 buf;
	__u64 count;
	__u64 ppos; /* loff_t * the function advances */
	__u32 vec;
	__u32 pad;
};

struct file_key {
	__u32 mnt_ns;
	__u32 dev;
	__u64 inode;
};

/* file_writes: the capture perf rings, one per CPU (user space creates and mmaps them) */
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} file_writes SEC(".maps");

/* blob_buf_map: per-CPU scratch holding the sample being sent */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct blob_buf);
} blob_buf_map SEC(".maps");

/* send_state_map: per-CPU state of the stream the sender programs are working on */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct send_state);
} send_state_map SEC(".maps");

/* capture_prefix_map: write= path prefixes, NUL padded; an all-zero entry is unused */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CAPTURE_PREFIXES);
	__type(key, __u32);
	__type(value, char[LIMIT_CAPTUREPREFIX]);
} capture_prefix_map SEC(".maps");

/* capture_ctl_map: [0] = the OPT_CAPTURE_* bits still on; user space clears them to stop capture */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} capture_ctl_map SEC(".maps");

/* capture_files_map: files write capture has seen -> 1 when captured (path matched a write= prefix or
 * none is set), 0 when not; so the path is walked once per file, and the first write of each file sends
 * a vfs_write(v) event, which user space turns into the written_files index */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct file_key);
	__type(value, __u32);
} capture_files_map SEC(".maps");

/* capture_lost_map: artifact (the first BLOB_KEY_SIZE bytes of its sample header) -> chunks of it that did
 * not reach user space (ring full, memory unreadable, stream cut); user space marks those artifacts */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, char[BLOB_KEY_SIZE]);
	__type(value, __u64);
} capture_lost_map SEC(".maps");

/* capture_args_map (kprobe way): host tid -> vfs_write(v) arguments saved at entry */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASKS);
	__type(key, __u32);
	__type(value, struct write_args);
} capture_args_map SEC(".maps");

/* capture_tp_progs / capture_kp_progs: [0] = the sender of that program type (a tail call must stay
 * within one program type); user space fills the slot after load */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} capture_tp_progs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} capture_kp_progs SEC(".maps");

/* Whether capture `opt` (OPT_CAPTURE_*) was asked for (a constant to the verifier) and is still on. */
static __always_inline bool capture__on(__u32 opt)
{
	__u32 zero = 0, *on;

	if (!(tracee_cfg.options & opt))
		return false;
	on = bpf_map_lookup_elem(&capture_ctl_map, &zero);
	return on && (*on & opt);
}

/* Counts one chunk of the artifact in bb->h that user space will not get. */
static __always_inline void capture__lost(struct blob_buf *bb)
{
	__u64 one = 1, *n = bpf_map_lookup_elem(&capture_lost_map, bb);

	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&capture_lost_map, bb, &one, BPF_NOEXIST);
}

/* Sends one chunk (or reads the next iovec); returns 1 when the stream is done. */
static __always_inline int capture__send_step(void *ctx, struct send_state *st, struct blob_buf *bb)
{
	struct iovec io;
	__u64 n;
	int k;

	if (st->todo == 0)
		return 1;
	if (st->left == 0) {
		if (st->iovs == 0 || bpf_probe_read_user(&io, sizeof(io), (void *)st->iov)) {
			/* the iovecs end before the bytes the syscall reported, or cannot be read */
			st->todo = 0;
			stats__inc(KSTAT_BLOB_UNREADABLE);
			capture__lost(bb);
			return 1;
		}
		st->iov += sizeof(io);
		st->iovs -= 1;
		st->src = (__u64)io.iov_base;
		st->left = io.iov_len < st->todo ? io.iov_len : st->todo;
		return 0;
	}
	n = st->left < BLOB_CHUNK ? st->left : BLOB_CHUNK;
	/* verifier: 0 < n <= BLOB_CHUNK */
	barrier_var(n);
	if (n == 0 || n > BLOB_CHUNK)
		return 1;
	bb->h.len = n;
	bb->h.offset = st->off;
	if (bpf_probe_read_user(bb->data, n, (void *)st->src)) {
		stats__inc(KSTAT_BLOB_UNREADABLE);
		if (bb->h.type == BLOB_TYPE_WRITE) {
			capture__lost(bb);
			goto next;
		}
		/* memory: read page by page, so only the pages not present (which read as zeros) are lost */
		for (k = 0; k < BLOB_CHUNK / PAGE; k++) {
			if (k * PAGE < n)
				bpf_probe_read_user(bb->data + k * PAGE, PAGE, (void *)(st->src + k * PAGE));
		}
	}
	if (bpf_perf_event_output(ctx, &file_writes, BPF_F_CURRENT_CPU, bb, sizeof(bb->h) + n) == 0) {
		stats__inc(KSTAT_BLOB_SUBMITTED);
	} else {
		stats__inc(KSTAT_BLOB_LOST);
		capture__lost(bb);
	}
next:
	st->src += n;
	st->left -= n;
	st->todo -= n;
	st->off += n;
	return 0;
}

/* The body of both senders: streams SEND_STEPS chunks, then continues in a fresh run of itself. */
static __always_inline int capture__send(void *ctx, void *progs)
{
	__u32 zero = 0;
	struct send_state *st = bpf_map_lookup_elem(&send_state_map, &zero);
	struct blob_buf *bb = bpf_map_lookup_elem(&blob_buf_map, &zero);
	int i;

	if (!st || !bb)
		return 0;
#pragma clang loop unroll(disable)
	for (i = 0; i < SEND_STEPS; i++) {
		if (capture__send_step(ctx, st, bb))
			return 0;
	}
	if (st->todo == 0)
		return 0;
	bpf_tail_call(ctx, progs, 0);
	/* the tail-call chain is used up: the rest of this stream is not sent */
	stats__inc(KSTAT_BLOB_CUT);
	capture__lost(bb);
	return 0;
}

/* Starts streaming `todo` bytes (from `src`, or from the iovecs at `iov`) as the artifact whose header
 * fields the caller wrote into the per-CPU blob buffer. */
static __always_inline void capture__stream(void *ctx, void *progs, struct blob_buf *bb, __u64 src, __u64 iov,
					    __u64 iovs, __u64 todo, __u64 off)
{
	__u32 zero = 0;
	struct send_state *st = bpf_map_lookup_elem(&send_state_map, &zero);

	if (!st)
		return;
	st->src = iov ? 0 : src;
	st->left = iov ? 0 : todo;
	st->iov = iov;
	st->iovs = iovs > MAX_IOV ? MAX_IOV : iovs;
	st->todo = todo;
	st->off = off;
	bpf_tail_call(ctx, progs, 0);
	/* no sender in the program array */
	stats__inc(KSTAT_BLOB_CUT);
	capture__lost(bb);
}

/* Whether the path path__walk left in s starts with one of the write= prefixes; true when none is set. */
static __always_inline bool capture__prefix_match(struct event_buf *s, int walked)
{
	__u32 key, start = *(volatile __u32 *)&s->off;
	bool any = false;
	char *p;
	int i;

	for (key = 0; key < CAPTURE_PREFIXES; key++) {
		p = bpf_map_lookup_elem(&capture_prefix_map, &key);
		if (!p || !p[0])
			continue;
		any = true;
		if (!walked)
			continue;
#pragma clang loop unroll(disable)
		for (i = 0; i <= PREFIX_CHARS; i++) {
			__u64 at = start + i;

			if (p[i] == 0)
				return true;
			/* verifier: at is masked into the scratch area; a path shorter than the prefix fails here */
			if (at >= PATH_SPAN || s->data[at & PATH_MASK] != p[i])
				break;
		}
	}
	return !any;
}

/* Whether any write= prefix is set. */
static __always_inline bool capture__has_prefixes(void)
{
	__u32 key;
	char *p;

	for (key = 0; key < CAPTURE_PREFIXES; key++) {
		p = bpf_map_lookup_elem(&capture_prefix_map, &key);
		if (p && p[0])
			return true;
	}
	return false;
}

/* The struct file behind fd of task t, or NULL. */
static __always_inline struct file *task__file(struct task_struct *t, __u64 fd)
{
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **fds;
	struct file *f = NULL;

	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]))
		return NULL;
	return f;
}

/* A write of current that the kernel completed (r->ret > 0 bytes): emits vfs_write/vfs_writev when chosen
 * (and once per file for the written_files index), and streams the bytes when write capture is on and the
 * file's path matches. */
static __always_inline void capture__write(void *ctx, struct task_struct *t, struct write_req *r, void *progs)
{
	__u32 id = r->vec ? EV_VFS_WRITEV : EV_VFS_WRITE;
	/* a local: CO-RE relocations must start from a kernel type, not from struct write_req */
	struct file *file = r->file;
	bool want_event = event__submit(id);
	bool capture = capture__on(OPT_CAPTURE_WRITE);
	struct file_key fk = {};
	struct event_buf *s = NULL, *b;
	struct inode *inode;
	struct blob_buf *bb;
	__u32 zero = 0, verdict = 1, *seen, pid = 0, mode;
	bool first = false;
	int walk = -1;

	if (!want_event && !capture)
		return;
	inode = BPF_CORE_READ(file, f_inode);
	fk.mnt_ns = task__mnt_ns(t);
	fk.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	fk.inode = BPF_CORE_READ(inode, i_ino);
	if (capture) {
		seen = bpf_map_lookup_elem(&capture_files_map, &fk);
		if (seen) {
			verdict = *seen;
		} else {
			first = true;
			if (capture__has_prefixes()) {
				s = buf__get(BUF_PATH);
				if (s)
					walk = path__walk(s, __builtin_preserve_access_index(&file->f_path));
				verdict = s && capture__prefix_match(s, 1);
			}
			bpf_map_update_elem(&capture_files_map, &fk, &verdict, BPF_ANY);
		}
	}
	if (want_event || (first && verdict)) {
		b = buf__start(t, id, bpf_ktime_get_ns(), r->ret);
		if (b) {
			if (walk < 0) {
				s = buf__get(BUF_PATH);
				if (s)
					walk = path__walk(s, __builtin_preserve_access_index(&file->f_path));
			}
			if (s && walk >= 0)
				buf__save_walked_path(b, 0, s, walk);
			buf__save_num(b, 1, ARG_DEV_T, fk.dev, 4);
			buf__save_num(b, 2, ARG_ULONG, fk.inode, 8);
			buf__save_num(b, 3, r->vec ? ARG_ULONG : ARG_SIZE_T, r->count, 8);
			buf__save_num(b, 4, ARG_OFF_T, r->pos, 8);
			buf__submit(ctx, b);
		}
	}
	if (!capture || !verdict)
		return;
	bb = bpf_map_lookup_elem(&blob_buf_map, &zero);
	if (!bb)
		return;
	mode = BPF_CORE_READ(inode, i_mode);
	/* writes to /dev/null are kept apart per writer (the reference names them .pid-N) */
	if ((mode & CAP_S_IFMT) == CAP_S_IFCHR && BPF_CORE_READ(inode, i_rdev) == DEV_NULL_RDEV)
		pid = task__ns_tgid(t, task__ns_level(t));
	bb->h.type = BLOB_TYPE_WRITE;
	bb->h.mnt_ns = fk.mnt_ns;
	bb->h.dev = fk.dev;
	bb->h.pid = pid;
	bb->h.id = fk.inode;
	bb->h.mode = mode;
	bb->h.total = 0;
	/* taken after the event: a later syscall of this thread gets a later time only once these bytes are out */
	bb->h.ts = bpf_ktime_get_ns();
	capture__stream(ctx, progs, bb, r->vec ? 0 : r->buf, r->vec ? r->buf : 0, r->vec ? r->count : 0, r->ret, r->pos);
}

/* ---- the tracepoint way: syscall exits of the write family ---- */

/* The syscall's arguments from the task's saved user registers: at the exit tracepoint only the return
 * value is in the record, and the write family leaves its argument registers as the caller set them. */
static __always_inline int capture__tp_write(struct syscall_exit_ctx *ctx, __u32 nr)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct write_req r = {};
	struct pt_regs *regs;
	struct file *file;
	__s64 ret = ctx->ret;
	__u64 pos_arg, rwf = 0;
	bool append;

	if (ret <= 0)
		return 0;
	if (!(tracee_cfg.options & OPT_CAPTURE_WRITE) && !event__submit(nr == EV_WRITE || nr == EV_PWRITE64 ? EV_VFS_WRITE : EV_VFS_WRITEV))
		return 0;
	if (!filter__pass(t))
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	file = task__file(t, BPF_CORE_READ(regs, di));
	if (!file)
		return 0;
	r.file = file;
	r.buf = BPF_CORE_READ(regs, si);
	r.count = BPF_CORE_READ(regs, dx);
	r.ret = ret;
	r.vec = nr == EV_WRITEV || nr == EV_PWRITEV || nr == EV_PWRITEV2;
	pos_arg = BPF_CORE_READ(regs, r10);
	if (nr == EV_PWRITEV2)
		rwf = BPF_CORE_READ(regs, r9);
	if (nr == EV_WRITE || nr == EV_WRITEV || (nr == EV_PWRITEV2 && pos_arg == (__u64)-1)) {
		/* the file position has moved past the bytes just written (O_APPEND included) */
		r.pos = BPF_CORE_READ(file, f_pos) - ret;
	} else {
		/* positioned writes to an O_APPEND file land at the end whatever the offset says */
		append = (BPF_CORE_READ(file, f_flags) & CAP_O_APPEND) || (rwf & CAP_RWF_APPEND);
		r.pos = append ? BPF_CORE_READ(file, f_inode, i_size) - ret : pos_arg;
	}
	/* streams (pipes, sockets) keep no position */
	if ((__s64)r.pos < 0)
		r.pos = 0;
	capture__write(ctx, t, &r, &capture_tp_progs);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_write")
int tracepoint__syscalls__sys_exit_write(struct syscall_exit_ctx *ctx)
{
	return capture__tp_write(ctx, EV_WRITE);
}

SEC("tracepoint/syscalls/sys_exit_pwrite64")
int tracepoint__syscalls__sys_exit_pwrite64(struct syscall_exit_ctx *ctx)
{
	return capture__tp_write(ctx, EV_PWRITE64);
}

SEC("tracepoint/syscalls/sys_exit_writev")
int tracepoint__syscalls__sys_exit_writev(struct syscall_exit_ctx *ctx)
{
	return capture__tp_write(ctx, EV_WRITEV);
}

SEC("tracepoint/syscalls/sys_exit_pwritev")
int tracepoint__syscalls__sys_exit_pwritev(struct syscall_exit_ctx *ctx)
{
	return capture__tp_write(ctx, EV_PWRITEV);
}

SEC("tracepoint/syscalls/sys_exit_pwritev2")
int tracepoint__syscalls__sys_exit_pwritev2(struct syscall_exit_ctx *ctx)
{
	return capture__tp_write(ctx, EV_PWRITEV2);
}

/* Tail-call target (never attached): the sender for tracepoint programs. */
SEC("tracepoint")
int capture__send_tp(void *ctx)
{
	return capture__send(ctx, &capture_tp_progs);
}

/* ---- the kprobe way: vfs_write / vfs_writev ---- */

static __always_inline void capture__kp_save(struct file *file, __u64 buf, __u64 count, __u64 ppos, __u32 vec)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct write_args a = {.file = file, .buf = buf, .count = count, .ppos = ppos, .vec = vec};

	if (!(tracee_cfg.options & OPT_CAPTURE_WRITE) && !event__submit(vec ? EV_VFS_WRITEV : EV_VFS_WRITE))
		return;
	if (!filter__pass((void *)bpf_get_current_task()))
		return;
	bpf_map_update_elem(&capture_args_map, &tid, &a, BPF_ANY);
}

/* At return the function has advanced *ppos past the bytes written, O_APPEND and pwrite included. */
static __always_inline void capture__kp_done(void *ctx, __s64 ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct write_args *a = bpf_map_lookup_elem(&capture_args_map, &tid);
	struct write_req r = {};
	__s64 end = 0;

	if (!a)
		return;
	r.file = a->file;
	r.buf = a->buf;
	r.count = a->count;
	r.vec = a->vec;
	if (bpf_probe_read_kernel(&end, sizeof(end), (void *)a->ppos))
		end = 0;
	bpf_map_delete_elem(&capture_args_map, &tid);
	if (ret <= 0)
		return;
	r.ret = ret;
	/* streams pass no position (ppos NULL) */
	r.pos = end > ret ? end - ret : 0;
	capture__write(ctx, (void *)bpf_get_current_task(), &r, &capture_kp_progs);
}

SEC("kprobe/vfs_write")
int BPF_KPROBE(kprobe__capture_vfs_write, struct file *file, const char *buf, size_t count, loff_t *pos)
{
	capture__kp_save(file, (__u64)buf, count, (__u64)pos, 0);
	return 0;
}

SEC("kretprobe/vfs_write")
int BPF_KRETPROBE(kretprobe__capture_vfs_write, ssize_t ret)
{
	capture__kp_done(ctx, ret);
	return 0;
}

SEC("kprobe/vfs_writev")
int BPF_KPROBE(kprobe__capture_vfs_writev, struct file *file, const struct iovec *vec, unsigned long vlen, loff_t *pos)
{
	capture__kp_save(file, (__u64)vec, vlen, (__u64)pos, 1);
	return 0;
}

SEC("kretprobe/vfs_writev")
int BPF_KRETPROBE(kretprobe__capture_vfs_writev, ssize_t ret)
{
	capture__kp_done(ctx, ret);
	return 0;
}

/* Tail-call target (never attached): the sender for kprobe programs. */
SEC("kprobe")
int capture__send_kp(void *ctx)
{
	return capture__send(ctx, &capture_kp_progs);
}

/* ---- memory protection: mem_prot_alert and the W+X -> X dump (reference §5.1) ---- */

static long mem__vma_flags(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	*(__u64 *)data = vma->vm_flags;
	return 0;
}

static __always_inline void mem__alert(void *ctx, struct task_struct *t, __u32 alert, __u64 ts)
{
	struct event_buf *b = buf__start(t, EV_MEM_PROT_ALERT, ts, 0);

	if (!b)
		return;
	buf__save_num(b, 0, ARG_UINT, alert, 4);
	buf__submit(ctx, b);
}

/* mprotect(start, len, prot) at entry, while the VMA still has its old flags. Only the VMA holding
 * `start` is judged, as the kernel's own per-VMA hook would see the first one. */
static __always_inline int mem__mprotect(void *ctx, __u64 start, __u64 len, __u64 prot)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	bool want_event = event__submit(EV_MEM_PROT_ALERT);
	bool dump = capture__on(OPT_CAPTURE_MEM);
	__u64 prev = 0, ts;
	__u32 zero = 0, alert = 0;
	struct blob_buf *bb;

	if (!want_event && !dump)
		return 0;
	if ((__s64)start <= 0 || !filter__pass(t))
		return 0;
	if (bpf_find_vma(bpf_get_current_task_btf(), start, mem__vma_flags, &prev, 0))
		return 0;
	if (!(prev & CAP_VM_EXEC) && (prot & CAP_PROT_EXEC))
		alert = ALERT_TO_X;
	else if ((prev & CAP_VM_EXEC) && !(prev & CAP_VM_WRITE) && (prot & (CAP_PROT_WRITE | CAP_PROT_EXEC)) == (CAP_PROT_WRITE | CAP_PROT_EXEC))
		alert = ALERT_X_TO_WX;
	else if ((prev & (CAP_VM_WRITE | CAP_VM_EXEC)) == (CAP_VM_WRITE | CAP_VM_EXEC) && (prot & CAP_PROT_EXEC) && !(prot & CAP_PROT_WRITE))
		alert = ALERT_WX_TO_X;
	if (!alert)
		return 0;
	ts = bpf_ktime_get_ns();
	if (want_event)
		mem__alert(ctx, t, alert, ts);
	if (alert != ALERT_WX_TO_X || !dump)
		return 0;
	bb = bpf_map_lookup_elem(&blob_buf_map, &zero);
	if (!bb)
		return 0;
	if (len == 0)
		len = PAGE;
	if (len > LIMIT_MEMDUMPMAX) {
		stats__inc(KSTAT_BLOB_CUT);
		len = LIMIT_MEMDUMPMAX;
	}
	bb->h.type = BLOB_TYPE_MEM;
	bb->h.mnt_ns = task__mnt_ns(t);
	bb->h.dev = 0;
	bb->h.pid = 0;
	bb->h.id = ts;
	bb->h.mode = 0;
	bb->h.total = len;
	bb->h.ts = ts;
	capture__stream(ctx, &capture_tp_progs, bb, start, 0, 0, len, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_mprotect")
int tracepoint__syscalls__sys_enter_mprotect(struct syscall_enter_ctx *ctx)
{
	return mem__mprotect(ctx, ctx->args[0], ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_pkey_mprotect")
int tracepoint__syscalls__sys_enter_pkey_mprotect(struct syscall_enter_ctx *ctx)
{
	return mem__mprotect(ctx, ctx->args[0], ctx->args[1], ctx->args[2]);
}

/* mmap that returned a W+X mapping (alert 1); at exit, so the address is the one the kernel chose. */
SEC("tracepoint/syscalls/sys_exit_mmap")
int tracepoint__syscalls__sys_exit_mmap(struct syscall_exit_ctx *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct pt_regs *regs;
	__u64 prot;

	if (!event__submit(EV_MEM_PROT_ALERT) || ctx->ret <= 0 || (__u64)ctx->ret >= (__u64)-4095)
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	prot = BPF_CORE_READ(regs, dx);
	if ((prot & (CAP_PROT_WRITE | CAP_PROT_EXEC)) != (CAP_PROT_WRITE | CAP_PROT_EXEC) || !filter__pass(t))
		return 0;
	mem__alert(ctx, t, ALERT_MMAP_WX, bpf_ktime_get_ns());
	return 0;
}
