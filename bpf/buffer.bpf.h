/* The per-CPU event buffer: starting an event, the argument savers (wire format §3) and submission. */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "gen/events.h"
#include "maps.bpf.h"
#include "task.bpf.h"

/* An argument record may start only in the first half of the buffer and no record is longer than the
 * second half, so `off & BUF_MASK` plus any record stays inside data[]; a record that would start later
 * is dropped and counted (KSTAT_ARG_DROPPED). */
#define BUF_HALF (LIMIT_EVENTBUF / 2)
#define BUF_MASK (BUF_HALF - 1)
#define ARG_HDR 2 /* [u8 index][u8 type] */
#define STR_READ (LIMIT_STRMAX + 1) /* bytes read for a string: LIMIT_STRMAX characters and the NUL */
#define TRUNCATED (1u << 31)
/* Savers return 1 when the argument was saved, 0 when its memory could not be read (it is absent) and
 * SAVE_DROPPED when it did not fit the buffer (absent too, counted in KSTAT_ARG_DROPPED). */
#define SAVE_DROPPED (-1)
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10

_Static_assert(ARG_HDR + 8 + LIMIT_ARGSARRMAX <= sizeof(((struct event_buf *)0)->data) - BUF_HALF, "args_arr fits");
_Static_assert(ARG_HDR + 4 + STR_READ <= sizeof(((struct event_buf *)0)->data) - BUF_HALF, "str fits");

/* verifier: clang drops (or moves away from the access) an AND it can prove redundant; done in asm, the
 * bound reaches the verifier on the very register used for the access. */
#define VERIFIER_MASK(v, m) asm volatile("%0 &= %1" : "+r"(v) : "i"(m))

static __always_inline __u64 buf__mask(__u64 off)
{
	VERIFIER_MASK(off, BUF_MASK);
	return off;
}

/* Offsets live in map memory, which the verifier does not track: every saver starts from an unknown
 * scalar, so the states after different argument types look alike and are pruned. */
static __always_inline __u64 buf__off(struct event_buf *b)
{
	return *(volatile __u32 *)&b->off;
}

/* bpf_loop (5.17+) has the verifier check a loop body once, where a bounded loop is checked once per iteration: for
 * the 128-element argv/envp arrays and 48-component path walks that was most of the load time (sys_enter, sys_exit
 * and sched_process_exec: ~35 ms of verification). libbpf resolves the helper's existence at load time and the
 * verifier skips the way not taken, so older kernels verify (and run) the plain loops. Loop-carried offsets stay in
 * map memory or in scalars nothing bounds, so the body's states after one iteration match those before it. */
#define LOOP_HELPER (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_loop) && !(tracee_cfg.options & OPT_NO_BPF_LOOP))
/* bpf_snprintf (5.13+) likewise spares the verifier a number's digit loops; the same option turns it off. */
#define SNPRINTF_HELPER (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_snprintf) && !(tracee_cfg.options & OPT_NO_BPF_LOOP))

static __always_inline struct event_buf *buf__get(__u32 slot)
{
	return bpf_map_lookup_elem(&bufs_map, &slot);
}

/* Starts an event of current in BUF_EVENT: context header filled, no arguments yet. */
static __always_inline struct event_buf *buf__start(struct task_struct *t, __s32 id, __u64 ts, __s64 retval)
{
	struct event_buf *b = buf__get(BUF_EVENT);

	if (!b)
		return NULL;
	ctx__fill((struct event_context *)b->data, t, id, ts);
	((struct event_context *)b->data)->retval = retval;
	b->off = sizeof(struct event_context);
	return b;
}

/* Opens a record at the current offset and writes its [index][type]; NULL (counted) when it does not fit. */
static __always_inline __u8 *buf__open(struct event_buf *b, __u8 index, __u8 type)
{
	__u64 off = buf__off(b);
	__u8 *p;

	if (off >= BUF_HALF) {
		stats__inc(KSTAT_ARG_DROPPED);
		return NULL;
	}
	p = b->data + buf__mask(off);
	p[0] = index;
	p[1] = type;
	return p;
}

/* Closes the record opened last: `len` bytes including its header. */
static __always_inline void buf__close(struct event_buf *b, __u32 len)
{
	b->off = buf__off(b) + len;
	((struct event_context *)b->data)->argnum += 1;
}

/* int, uint, long, ulong, off_t, mode_t, dev_t, size_t, pointer, u16, u64: [index][type][value, size bytes] */
static __always_inline int buf__save_num(struct event_buf *b, __u8 index, __u8 type, __u64 v, __u32 size)
{
	__u8 *p = buf__open(b, index, type);

	if (!p)
		return SAVE_DROPPED;
	/* x86: unaligned stores into map values are allowed (no strict alignment) */
	if (size == 2)
		*(__u16 *)(p + ARG_HDR) = v;
	else if (size == 4)
		*(__u32 *)(p + ARG_HDR) = v;
	else
		*(__u64 *)(p + ARG_HDR) = v;
	buf__close(b, ARG_HDR + size);
	return 1;
}

static __always_inline int buf__save_int(struct event_buf *b, __u8 index, __s32 v)
{
	return buf__save_num(b, index, ARG_INT, (__u32)v, 4);
}

/* int_arr_2, timespec (and other fixed structs in user memory): [index][type][size bytes copied] */
static __always_inline int buf__save_user_fixed(struct event_buf *b, __u8 index, __u8 type, const void *src, __u32 size)
{
	__u8 *p = buf__open(b, index, type);

	if (!p)
		return SAVE_DROPPED;
	if (bpf_probe_read_user(p + ARG_HDR, size, src))
		return 0;
	buf__close(b, ARG_HDR + size);
	return 1;
}

/* One string payload at p: [u32 len | truncated << 31][len bytes, no NUL]; returns its size or 0. */
static __always_inline __u32 buf__put_str(__u8 *p, const void *src, bool user)
{
	long n = user ? bpf_probe_read_user_str(p + 4, STR_READ, src) : bpf_probe_read_kernel_str(p + 4, STR_READ, src);
	__u32 len;

	if (n <= 0)
		return 0;
	len = n - 1; /* n counts the NUL */
	*(__u32 *)p = len | (n == STR_READ ? TRUNCATED : 0);
	return 4 + len;
}

/* str: [index][ARG_STR][u32 len | truncated << 31][len bytes]; a string filling STR_READ is truncated */
static __always_inline int buf__save_str(struct event_buf *b, __u8 index, const void *src, bool user)
{
	__u8 *p = buf__open(b, index, ARG_STR);
	__u32 n;

	if (!p)
		return SAVE_DROPPED;
	if (!src)
		return 0;
	n = buf__put_str(p + ARG_HDR, src, user);
	if (!n)
		return 0;
	buf__close(b, ARG_HDR + n);
	return 1;
}

/* The two bpf_loop bodies below open-code the same "append one string at b->off" steps on purpose: a shared helper
 * returning "full" as -1 made the verifier re-walk the bodies until its states converged (sys_enter and sys_exit
 * went from ~4,000 to ~54,000 processed instructions). */
struct str_arr_loop {
	struct event_buf *b;
	const char *const *arr;
	__u32 count;
	__u32 trunc;
	int ok;
	int stopped;
};

/* bpf_loop body of buf__save_str_arr: element i, appended at b->off; 1 stops the loop */
static long str_arr__step(__u32 i, void *ctx)
{
	struct str_arr_loop *l = ctx;
	struct event_buf *b = l->b;
	const char *s = NULL;
	__u64 cur;
	__u32 n;

	l->stopped = 1;
	if (bpf_probe_read_user(&s, sizeof(s), &l->arr[i])) {
		l->ok = 0;
		return 1;
	}
	if (!s)
		return 1;
	cur = buf__off(b);
	if (cur >= BUF_HALF) {
		l->trunc = 1;
		return 1;
	}
	n = buf__put_str(b->data + buf__mask(cur), s, true);
	if (!n) {
		l->ok = 0;
		return 1;
	}
	b->off = cur + n;
	l->count++;
	l->stopped = 0;
	return 0;
}

/* str_arr: [index][ARG_STR_ARR][u32 count | truncated << 31] count x str payload; truncated when the
 * array had more elements than LIMIT_STRARRMAX or than fit the buffer. A NULL array has count 0.
 * Returns 0 when an element could not be read (the record then holds the elements before it). */
static __always_inline int buf__save_str_arr(struct event_buf *b, __u8 index, const char *const *arr)
{
	__u8 *p = buf__open(b, index, ARG_STR_ARR);
	__u64 cur = buf__off(b) + ARG_HDR + 4;
	__u32 count = 0, trunc = 0, n;
	const char *s = NULL;
	int i, ok = 1;

	if (!p)
		return SAVE_DROPPED;
	if (LOOP_HELPER) {
		struct str_arr_loop l = { .b = b, .arr = arr, .ok = 1 };

		b->off = cur;
		if (arr)
			bpf_loop(LIMIT_STRARRMAX, str_arr__step, &l, 0);
		if (arr && !l.stopped && l.count == LIMIT_STRARRMAX && !bpf_probe_read_user(&s, sizeof(s), &arr[LIMIT_STRARRMAX]) && s)
			l.trunc = 1;
		*(__u32 *)(p + ARG_HDR) = l.count | (l.trunc ? TRUNCATED : 0);
		((struct event_context *)b->data)->argnum += 1;
		return l.ok;
	}
	for (i = 0; i < LIMIT_STRARRMAX && arr; i++) {
		if (bpf_probe_read_user(&s, sizeof(s), &arr[i])) {
			ok = 0;
			break;
		}
		if (!s)
			break;
		if (cur >= BUF_HALF) {
			trunc = 1;
			break;
		}
		n = buf__put_str(b->data + buf__mask(cur), s, true);
		if (!n) {
			ok = 0;
			break;
		}
		cur += n;
		count++;
	}
	if (i == LIMIT_STRARRMAX && !bpf_probe_read_user(&s, sizeof(s), &arr[i]) && s)
		trunc = 1;
	*(__u32 *)(p + ARG_HDR) = count | (trunc ? TRUNCATED : 0);
	b->off = cur;
	((struct event_context *)b->data)->argnum += 1;
	return ok;
}

struct str_area_loop {
	struct event_buf *b;
	__u64 start;
	__u64 end;
	__u32 count;
	__u32 done;
	__u32 trunc;
};

/* bpf_loop body of buf__save_str_area: the string at start, appended at b->off; 1 stops the loop */
static long str_area__step(__u32 i, void *ctx)
{
	struct str_area_loop *l = ctx;
	struct event_buf *b = l->b;
	__u64 cur;
	__u32 n;

	if (i >= l->count || l->start >= l->end)
		return 1;
	cur = buf__off(b);
	if (cur >= BUF_HALF) {
		l->trunc = 1;
		return 1;
	}
	n = buf__put_str(b->data + buf__mask(cur), (const void *)l->start, true);
	if (!n)
		return 1;
	b->off = cur + n;
	l->start += n - 4 + 1; /* the string and its NUL */
	l->done = i + 1;
	if (n - 4 == LIMIT_STRMAX) {
		l->trunc = 1;
		return 1;
	}
	return 0;
}

/* str_arr (same record as above) built from an exec's argv/env area [start, end) of user memory, where
 * `count` strings lie NUL-terminated back to back; stops (truncated) at an element longer than a str. */
static __always_inline int buf__save_str_area(struct event_buf *b, __u8 index, __u64 start, __u64 end, __u32 count)
{
	__u8 *p = buf__open(b, index, ARG_STR_ARR);
	__u64 cur = buf__off(b) + ARG_HDR + 4;
	__u32 i, n, trunc = 0;

	if (!p)
		return SAVE_DROPPED;
	if (LOOP_HELPER) {
		struct str_area_loop l = { .b = b, .start = start, .end = end, .count = count };

		b->off = cur;
		bpf_loop(LIMIT_STRARRMAX, str_area__step, &l, 0);
		if (l.done < count)
			l.trunc = 1;
		*(__u32 *)(p + ARG_HDR) = l.done | (l.trunc ? TRUNCATED : 0);
		((struct event_context *)b->data)->argnum += 1;
		return 1;
	}
	for (i = 0; i < LIMIT_STRARRMAX && i < count && start < end; i++) {
		if (cur >= BUF_HALF) {
			trunc = 1;
			break;
		}
		n = buf__put_str(b->data + buf__mask(cur), (const void *)start, true);
		if (!n)
			break;
		cur += n;
		start += n - 4 + 1; /* the string and its NUL */
		if (n - 4 == LIMIT_STRMAX) {
			i++;
			trunc = 1;
			break;
		}
	}
	if (i < count)
		trunc = 1;
	*(__u32 *)(p + ARG_HDR) = i | (trunc ? TRUNCATED : 0);
	b->off = cur;
	((struct event_context *)b->data)->argnum += 1;
	return 1;
}

/* args_arr: [index][ARG_ARGS_ARR][u32 len | truncated << 31][u32 count][len bytes: NUL-terminated strings]
 * copied from an exec's argv/env area [start, end) of user memory; count is argc/envc. */
static __always_inline int buf__save_args_arr(struct event_buf *b, __u8 index, __u64 start, __u64 end, __u32 count)
{
	__u8 *p = buf__open(b, index, ARG_ARGS_ARR);
	__u64 len = end > start ? end - start : 0;
	__u32 trunc = 0;

	if (!p)
		return SAVE_DROPPED;
	if (len > LIMIT_ARGSARRMAX) {
		len = LIMIT_ARGSARRMAX;
		trunc = TRUNCATED;
	}
	/* verifier: len <= LIMIT_ARGSARRMAX after the clamp above */
	barrier_var(len);
	if (len > LIMIT_ARGSARRMAX)
		return 0;
	if (bpf_probe_read_user(p + ARG_HDR + 8, len, (const void *)start))
		return 0;
	*(__u32 *)(p + ARG_HDR) = len | trunc;
	*(__u32 *)(p + ARG_HDR + 4) = count;
	buf__close(b, ARG_HDR + 8 + len);
	return 1;
}

/* sockaddr: [index][ARG_SOCKADDR][u32 len][len bytes of the struct, u16 family first]; len 0 for NULL.
 * The length follows the family (unix 110, inet 16, inet6 28, other: the family only). */
static __always_inline int buf__save_sockaddr(struct event_buf *b, __u8 index, const void *addr)
{
	__u8 *p = buf__open(b, index, ARG_SOCKADDR);
	__u16 family = 0;
	__u32 len;

	if (!p)
		return SAVE_DROPPED;
	if (!addr) {
		*(__u32 *)(p + ARG_HDR) = 0;
		buf__close(b, ARG_HDR + 4);
		return 1;
	}
	if (bpf_probe_read_user(&family, sizeof(family), addr))
		return 0;
	len = family == AF_UNIX ? 110 : family == AF_INET ? 16 : family == AF_INET6 ? 28 : 2;
	/* a short sockaddr_un may end before 110 bytes: fall back to the family alone */
	if (bpf_probe_read_user(p + ARG_HDR + 4, len, addr)) {
		len = 2;
		*(__u16 *)(p + ARG_HDR + 4) = family;
	}
	*(__u32 *)(p + ARG_HDR) = len;
	buf__close(b, ARG_HDR + 4 + len);
	return 1;
}

/* bytes: [index][ARG_BYTES][u32 len | truncated << 31][len bytes] from kernel or user memory */
static __always_inline int buf__save_bytes(struct event_buf *b, __u8 index, const void *src, __u64 len, bool user)
{
	__u8 *p = buf__open(b, index, ARG_BYTES);
	__u32 trunc = 0;
	long err;

	if (!p)
		return SAVE_DROPPED;
	if (len > LIMIT_BYTESMAX) {
		len = LIMIT_BYTESMAX;
		trunc = TRUNCATED;
	}
	/* verifier: len <= LIMIT_BYTESMAX after the clamp above */
	barrier_var(len);
	if (len > LIMIT_BYTESMAX)
		return 0;
	err = user ? bpf_probe_read_user(p + ARG_HDR + 4, len, src) : bpf_probe_read_kernel(p + ARG_HDR + 4, len, src);
	if (err)
		return 0;
	*(__u32 *)(p + ARG_HDR) = len | trunc;
	buf__close(b, ARG_HDR + 4 + len);
	return 1;
}

/* Sends the event built in b to the events ring of this CPU. */
static __always_inline void buf__submit(void *ctx, struct event_buf *b)
{
	__u64 size = buf__off(b);

	/* verifier: the sample is a prefix of data[] */
	if (size > sizeof(b->data))
		return;
	if (tracee_cfg.options & OPT_STACK_ADDRESSES) {
		/* the wire carries id + 1 so that 0 can mean "no stack" (a failed lookup or the option off) */
		long id = bpf_get_stackid(ctx, &stack_addresses_map, BPF_F_USER_STACK);
		((struct event_context *)b->data)->stack_id = id >= 0 ? (__u32)id + 1 : 0;
	}
	if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, b->data, size) == 0)
		stats__inc(KSTAT_SUBMITTED);
	else
		stats__inc(KSTAT_LOST_OUTPUT);
}
