// SPDX-License-Identifier: GPL-2.0
/*
 * tmem_bench.c: time the hypervisor's tmem from inside a Xen guest, over
 * hypercall 38 on a private persistent pool of the module's own.
 *
 *   insmod tmem_bench.ko mode=latency [seconds=10] [pages=256] [gap_us=200]
 *   insmod tmem_bench.ko mode=putget [pages=1024] [reps=9]
 *
 * mode=latency: for `seconds', put page i of `pages' and get it back, i
 * going round, each call timed on its own (ktime_get_ns() before and after
 * the hypercall); between two pairs the module sleeps gap_us, so that the
 * guest behaves like a swapping guest rather than one that spins, and a
 * woken vCPU is not waiting behind another's time slice.  Reports the
 * 50th and 99th percentiles and the longest call of each kind, in ns.
 *
 * mode=putget: `reps' repetitions of: put `pages' distinct pages and get
 * each back (timed as one stretch), then copy the same pages into a buffer
 * of the module's own and back (timed as one stretch, right after).  Each
 * repetition gives the ratio of the two; the result is the median ratio
 * (x1000), with the median ns per page of each side.  What the tmem side
 * includes beyond a copy: the hypercall, Xen's frame lookup and reference
 * counting, and the engine's index.
 *
 * Results in /sys/module/tmem_bench/parameters/:
 *   pool_rc                    NEW_POOL's answer (the pool id, or -errno);
 *   pairs, errors              put+get pairs timed; calls that did not
 *                              return 1, or a get with other content;
 *   put_p50_ns put_p99_ns put_max_ns get_p50_ns get_p99_ns get_max_ns
 *                              (latency);
 *   putget_x1000, tmem_ns_per_page, memcpy_ns_per_page  (putget);
 *   done                       1 once the work is over (at load).
 * The pool is destroyed before insmod returns.  Loading fails outside a
 * Xen guest (-ENODEV) and on bad parameters (-EINVAL).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <asm/xen/hypercall.h>
#include <xen/page.h>
#include <xen/xen.h>

#include "abi_hcall.h"

static char *mode = "latency";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "latency (default) or putget");

static unsigned int seconds = 10;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "latency: how long to measure (default 10)");

static unsigned int pages = 256;
module_param(pages, uint, 0444);
MODULE_PARM_DESC(pages, "Pages to go round (default 256)");

static unsigned int gap_us = 200;
module_param(gap_us, uint, 0444);
MODULE_PARM_DESC(gap_us, "latency: sleep between two pairs (default 200)");

static unsigned int reps = 9;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "putget: repetitions (default 9)");

static int pool_rc;
module_param(pool_rc, int, 0444);
MODULE_PARM_DESC(pool_rc, "What NEW_POOL returned");

static ulong pairs;
module_param(pairs, ulong, 0444);
MODULE_PARM_DESC(pairs, "Put and get pairs timed");

static ulong errors;
module_param(errors, ulong, 0444);
MODULE_PARM_DESC(errors, "Calls that did not return 1, or wrong content");

static ulong put_p50_ns, put_p99_ns, put_max_ns;
module_param(put_p50_ns, ulong, 0444);
module_param(put_p99_ns, ulong, 0444);
module_param(put_max_ns, ulong, 0444);
static ulong get_p50_ns, get_p99_ns, get_max_ns;
module_param(get_p50_ns, ulong, 0444);
module_param(get_p99_ns, ulong, 0444);
module_param(get_max_ns, ulong, 0444);

static ulong putget_x1000, tmem_ns_per_page, memcpy_ns_per_page;
module_param(putget_x1000, ulong, 0444);
MODULE_PARM_DESC(putget_x1000, "putget: median tmem time / copy time, x1000");
module_param(tmem_ns_per_page, ulong, 0444);
module_param(memcpy_ns_per_page, ulong, 0444);

static unsigned int done;
module_param(done, uint, 0444);
MODULE_PARM_DESC(done, "1 once the work is done");

#define BENCH_MAX_PAGES		BIT(16)
#define BENCH_MAX_SAMPLES	BIT(20)
#define BENCH_MAX_REPS		101
#define BENCH_OID		7

static int bench_pool = -1;

static long bench_page_op(u32 cmd, u32 index, struct page *page)
{
	struct abi_tmem_op t;

	abi_page_op(&t, cmd, bench_pool, BENCH_OID, index,
		    xen_page_to_gfn(page));
	return abi_hcall(&t);
}

/* Page i's content: not same-filled, so that Xen stores a data page. */
static void bench_fill(struct page *page, u32 i, u64 round)
{
	u64 *w = page_address(page);
	unsigned int k;

	for (k = 0; k < PAGE_SIZE / sizeof(*w); k++)
		w[k] = ((u64)i << 32 | k) ^ (round * 0x9e3779b97f4a7c15ull);
}

static bool bench_same(struct page *a, struct page *b)
{
	return !memcmp(page_address(a), page_address(b), PAGE_SIZE);
}

static int bench_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Sorts s[0..n-1]; the p-th percentile (nearest rank) and the maximum. */
static void bench_percentiles(u32 *s, unsigned long n, ulong *p50,
			      ulong *p99, ulong *max)
{
	if (!n)
		return;
	sort(s, n, sizeof(*s), bench_cmp_u32, NULL);
	*p50 = s[(n - 1) / 2];
	*p99 = s[(n * 99 + 99) / 100 - 1];
	*max = s[n - 1];
}

static u32 bench_ns(u64 t0, u64 t1)
{
	return t1 - t0 > U32_MAX ? U32_MAX : (u32)(t1 - t0);
}

static int bench_latency(struct page *src, struct page *dst)
{
	u64 end = ktime_get_ns() + (u64)seconds * NSEC_PER_SEC, t0, t1;
	u32 *put_s, *get_s, i = 0;
	unsigned long n = 0;
	long rc;

	put_s = vmalloc(array_size(BENCH_MAX_SAMPLES, sizeof(*put_s)));
	get_s = vmalloc(array_size(BENCH_MAX_SAMPLES, sizeof(*get_s)));
	if (!put_s || !get_s) {
		vfree(put_s);
		vfree(get_s);
		return -ENOMEM;
	}
	while (n < BENCH_MAX_SAMPLES && ktime_get_ns() < end) {
		bench_fill(src, i, n);
		t0 = ktime_get_ns();
		rc = bench_page_op(ABI_TMEM_PUT_PAGE, i, src);
		t1 = ktime_get_ns();
		put_s[n] = bench_ns(t0, t1);
		errors += rc != 1;
		t0 = ktime_get_ns();
		rc = bench_page_op(ABI_TMEM_GET_PAGE, i, dst);
		t1 = ktime_get_ns();
		get_s[n] = bench_ns(t0, t1);
		errors += rc != 1 || !bench_same(src, dst);
		n++;
		i = (i + 1) % pages;
		if (gap_us)
			usleep_range(gap_us, gap_us + gap_us / 4 + 1);
		else
			cond_resched();
	}
	pairs = n;
	bench_percentiles(put_s, n, &put_p50_ns, &put_p99_ns, &put_max_ns);
	bench_percentiles(get_s, n, &get_p50_ns, &get_p99_ns, &get_max_ns);
	vfree(put_s);
	vfree(get_s);
	pr_info("latency: %lu pairs, %lu errors; put p50 %lu p99 %lu max %lu ns; get p50 %lu p99 %lu max %lu ns\n",
		pairs, errors, put_p50_ns, put_p99_ns, put_max_ns, get_p50_ns,
		get_p99_ns, get_max_ns);
	return 0;
}

/* The pages, and as many pages more for the guest's own copy of them. */
static struct page **bench_alloc_pages(unsigned int n)
{
	struct page **p = vcalloc(n, sizeof(*p));
	unsigned int i;

	if (!p)
		return NULL;
	for (i = 0; i < n; i++) {
		p[i] = alloc_page(GFP_KERNEL);
		if (!p[i]) {
			while (i--)
				__free_page(p[i]);
			vfree(p);
			return NULL;
		}
	}
	return p;
}

static void bench_free_pages(struct page **p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		__free_page(p[i]);
	vfree(p);
}

static int bench_putget(struct page *dst)
{
	u64 ratio[BENCH_MAX_REPS], tm[BENCH_MAX_REPS], cp[BENCH_MAX_REPS];
	struct page **src, **copy;
	unsigned int r, i;
	u64 t0, t1, t2;

	src = bench_alloc_pages(pages);
	copy = src ? bench_alloc_pages(pages) : NULL;
	if (!copy) {
		if (src)
			bench_free_pages(src, pages);
		return -ENOMEM;
	}
	for (i = 0; i < pages; i++)
		bench_fill(src[i], i, 0);
	for (r = 0; r < reps; r++) {
		t0 = ktime_get_ns();
		for (i = 0; i < pages; i++)
			errors += bench_page_op(ABI_TMEM_PUT_PAGE, i, src[i]) != 1;
		for (i = 0; i < pages; i++)
			errors += bench_page_op(ABI_TMEM_GET_PAGE, i, dst) != 1;
		t1 = ktime_get_ns();
		for (i = 0; i < pages; i++)
			copy_page(page_address(copy[i]), page_address(src[i]));
		for (i = 0; i < pages; i++)
			copy_page(page_address(dst), page_address(copy[i]));
		t2 = ktime_get_ns();
		tm[r] = t1 - t0;
		cp[r] = max_t(u64, t2 - t1, 1);
		ratio[r] = div64_u64(tm[r] * 1000, cp[r]);
		cond_resched();
	}
	/* The last get must have brought the last page back. */
	errors += !bench_same(src[pages - 1], dst);
	sort(ratio, reps, sizeof(ratio[0]), bench_cmp_u64, NULL);
	sort(tm, reps, sizeof(tm[0]), bench_cmp_u64, NULL);
	sort(cp, reps, sizeof(cp[0]), bench_cmp_u64, NULL);
	putget_x1000 = ratio[reps / 2];
	tmem_ns_per_page = div_u64(tm[reps / 2], pages);
	memcpy_ns_per_page = div_u64(cp[reps / 2], pages);
	pairs = (ulong)reps * pages;
	bench_free_pages(copy, pages);
	bench_free_pages(src, pages);
	pr_info("putget: %u pages x %u reps: tmem %lu ns/page, copy %lu ns/page, median ratio %lu/1000, %lu errors\n",
		pages, reps, tmem_ns_per_page, memcpy_ns_per_page, putget_x1000,
		errors);
	return 0;
}

static int __init tmem_bench_init(void)
{
	bool latency = sysfs_streq(mode, "latency");
	struct page *src, *dst;
	struct abi_tmem_op t;
	int rc;

	if (!xen_domain()) {
		pr_err("not a Xen guest\n");
		return -ENODEV;
	}
	if ((!latency && !sysfs_streq(mode, "putget")) || !pages ||
	    pages > BENCH_MAX_PAGES || !reps || reps > BENCH_MAX_REPS ||
	    gap_us > USEC_PER_SEC) {
		pr_err("mode=latency|putget, pages 1..%lu, reps 1..%d, gap_us <= 1000000\n",
		       BENCH_MAX_PAGES, BENCH_MAX_REPS);
		return -EINVAL;
	}

	abi_new_pool_op(&t, ABI_POOL_FLAGS(1, 0), 0, 0);
	pool_rc = (int)abi_hcall(&t);
	if (pool_rc < 0) {
		pr_info("NEW_POOL: %d, nothing timed\n", pool_rc);
		done = 1;
		return 0;
	}
	bench_pool = pool_rc;

	src = alloc_page(GFP_KERNEL);
	dst = alloc_page(GFP_KERNEL);
	if (!src || !dst)
		rc = -ENOMEM;
	else if (latency)
		rc = bench_latency(src, dst);
	else
		rc = bench_putget(dst);
	if (src)
		__free_page(src);
	if (dst)
		__free_page(dst);

	abi_page_op(&t, ABI_TMEM_DESTROY_POOL, bench_pool, 0, 0, 0);
	abi_hcall(&t);
	done = 1;
	return rc;
}

static void __exit tmem_bench_exit(void)
{
}

module_init(tmem_bench_init);
module_exit(tmem_bench_exit);

MODULE_DESCRIPTION("Time tmem from inside a Xen guest: latency percentiles, puts and gets against copies");
MODULE_LICENSE("GPL");
