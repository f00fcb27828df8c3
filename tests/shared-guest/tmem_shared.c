// SPDX-License-Identifier: GPL-2.0
/*
 * tmem_shared.c: one side of the shared tmem pool lab scenario.  Loaded in
 * a Xen guest, it asks the hypervisor (hypercall 38) for the shared,
 * ephemeral pool with a given UUID, then puts pages there or gets them
 * back and checks them.
 *
 *   insmod tmem_shared.ko uuid=UUID mode=put|get|probe [pages=64] [seed=0]
 *                         [keep=0]
 *
 * uuid=   32 hex digits, or xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx: the same
 *         text as "xl tmem-shared-auth -u".  As there, the first 16 digits
 *         are uuid[1] and the last 16 uuid[0] of NEW_POOL.  Required.
 * mode=   probe (default): NEW_POOL only.
 *         put: put pages 0..pages-1 at oid {1, 0, 0}, index i; the content
 *         of page i is a pure function of (seed, i).
 *         get: get indexes 0..pages-1 into a poisoned page and compare each
 *         with that content.
 * pages=  how many pages (default 64, at most 1048576); seed= (default 0).
 * keep=   0 (default): rmmod destroys the pool (DESTROY_POOL); 1: rmmod
 *         leaves it to the hypervisor until the domain dies.
 *
 * The work is done at load: when insmod returns, it is over.  Results, in
 * /sys/module/tmem_shared/parameters/:
 *   pool_rc       what NEW_POOL returned (a pool id, or -errno: -38 ENOSYS
 *                 when Xen runs without tmem);
 *   pool          the pool id, or -1;
 *   puts_ok       puts that returned 1; puts_failed: the others;
 *   gets_found    gets that returned 1 with the expected content;
 *   gets_missing  gets that returned 0 or -EEMPTY (-1001);
 *   gets_corrupt  gets that returned 1 with other content (the first ones
 *                 are logged with the seed and index the page says it has);
 *   gets_error    gets that returned another error;
 *   first_error   the first result that was neither 1, 0 nor -EEMPTY;
 *   done          1.
 * And one line in the kernel log: "tmem_shared: mode=get pool 3: ...".
 *
 * Semantics the scenario relies on:
 *  - The hypervisor gives a client the shared pool only if dom0 authorised
 *    that UUID for it ("xl tmem-shared-auth DOM -u UUID -A 1") before its
 *    NEW_POOL.  Otherwise the client silently gets a private pool (historic
 *    behaviour): a get from another domain then finds nothing, and so does
 *    a get after a reload in the same domain (a fresh private pool).
 *  - Every authorised client of a UUID gets the same pool (the pool id is
 *    per client and may differ); a client asking again for a UUID it
 *    already shares gets its existing pool id back.
 *  - Gets from a shared pool are not exclusive: the pages stay for every
 *    sharer.  They are ephemeral, though: the hypervisor may evict them
 *    under memory pressure (a get then finds them missing, never corrupt).
 *  - The pool lives while one client has it: the put side must not destroy
 *    it (rmmod with keep=0, or domain death) before the get side has made
 *    its NEW_POOL.
 * Decision on unload: the module destroys its pool at rmmod by default, as
 * a well-behaved client does; the scenario simply keeps the put side's
 * module loaded (the guest stays up) until the get side is done.  keep=1
 * is there for a scenario that must rmmod the put side first (the pool then
 * stays with the domain; reloading in put or get mode in the same domain
 * finds it again if the UUID is authorised).
 *
 * Loading fails only outside Xen (-ENODEV) and on bad parameters (-EINVAL);
 * every hypervisor answer is reported through the parameters instead.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>

#include <asm/xen/hypercall.h>
#include <xen/page.h>
#include <xen/xen.h>

#include "abi_hcall.h"
#include "shared_logic.h"

static char *uuid;
module_param(uuid, charp, 0444);
MODULE_PARM_DESC(uuid, "Pool UUID: 32 hex digits, hyphens allowed as in xl");

static char *mode = "probe";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "put, get or probe (default)");

static unsigned int pages = 64;
module_param(pages, uint, 0444);
MODULE_PARM_DESC(pages, "Pages to put or get (default 64)");

static ulong seed;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "Seed of the page contents");

static bool keep;
module_param(keep, bool, 0444);
MODULE_PARM_DESC(keep, "Leave the pool to the hypervisor at rmmod");

static int pool_rc;
module_param(pool_rc, int, 0444);
MODULE_PARM_DESC(pool_rc, "What NEW_POOL returned");

static int pool = -1;
module_param(pool, int, 0444);
MODULE_PARM_DESC(pool, "The pool id, or -1");

static unsigned int puts_ok;
module_param(puts_ok, uint, 0444);
MODULE_PARM_DESC(puts_ok, "Puts that returned 1");

static unsigned int puts_failed;
module_param(puts_failed, uint, 0444);
MODULE_PARM_DESC(puts_failed, "Puts that did not return 1");

static unsigned int gets_found;
module_param(gets_found, uint, 0444);
MODULE_PARM_DESC(gets_found, "Gets that returned 1 with the expected content");

static unsigned int gets_missing;
module_param(gets_missing, uint, 0444);
MODULE_PARM_DESC(gets_missing, "Gets that returned 0 or -EEMPTY");

static unsigned int gets_corrupt;
module_param(gets_corrupt, uint, 0444);
MODULE_PARM_DESC(gets_corrupt, "Gets that returned 1 with other content");

static unsigned int gets_error;
module_param(gets_error, uint, 0444);
MODULE_PARM_DESC(gets_error, "Gets that returned another error");

static int first_error;
module_param(first_error, int, 0444);
MODULE_PARM_DESC(first_error, "First result neither 1, 0 nor -EEMPTY");

static unsigned int done;
module_param(done, uint, 0444);
MODULE_PARM_DESC(done, "1 once the work is done");

enum shared_mode { MODE_PROBE, MODE_PUT, MODE_GET };

#define SHARED_OID		1
#define SHARED_MAX_PAGES	BIT(20)
#define SHARED_MAX_REPORTS	8

static void shared_error(long rc)
{
	if (!first_error)
		first_error = (int)rc;
}

static void shared_page_op(struct abi_tmem_op *t, u32 cmd, u32 index,
			   u64 frame)
{
	abi_page_op(t, cmd, pool, SHARED_OID, index, frame);
}

static void shared_put(struct page *page)
{
	struct abi_tmem_op t;
	unsigned int i;
	long rc;

	for (i = 0; i < pages; i++) {
		shared_fill(page_address(page), seed, i);
		shared_page_op(&t, ABI_TMEM_PUT_PAGE, i, xen_page_to_gfn(page));
		rc = abi_hcall(&t);
		if (rc == 1) {
			puts_ok++;
		} else {
			puts_failed++;
			shared_error(rc);
		}
		cond_resched();
	}
}

static void shared_get(struct page *page)
{
	const u64 *w = page_address(page);
	struct abi_tmem_op t;
	unsigned int i;
	long rc;

	for (i = 0; i < pages; i++) {
		shared_poison(page_address(page), i);
		shared_page_op(&t, ABI_TMEM_GET_PAGE, i, xen_page_to_gfn(page));
		rc = abi_hcall(&t);
		if (rc == 1 && shared_check(w, seed, i)) {
			gets_found++;
		} else if (rc == 1) {
			if (gets_corrupt++ < SHARED_MAX_REPORTS)
				pr_err("index %u: wrong content: magic %llx seed %llu index %llu (expected seed %lu)\n",
				       i, w[0], w[1], w[2], seed);
		} else if (rc == 0 || rc == -ABI_EEMPTY) {
			gets_missing++;
		} else {
			gets_error++;
			shared_error(rc);
		}
		cond_resched();
	}
}

static int shared_parse_mode(void)
{
	if (sysfs_streq(mode, "probe"))
		return MODE_PROBE;
	if (sysfs_streq(mode, "put"))
		return MODE_PUT;
	if (sysfs_streq(mode, "get"))
		return MODE_GET;
	return -EINVAL;
}

static int __init tmem_shared_init(void)
{
	struct abi_tmem_op t;
	struct page *page;
	u64 id[2];
	int m;

	BUILD_BUG_ON(PAGE_SIZE != SHARED_PAGE_BYTES);
	if (!xen_domain()) {
		pr_err("not a Xen guest\n");
		return -ENODEV;
	}
	m = shared_parse_mode();
	if (m < 0) {
		pr_err("mode=%s: put, get or probe\n", mode);
		return -EINVAL;
	}
	if (shared_parse_uuid(uuid, id)) {
		pr_err("uuid=%s: 32 hex digits (hyphens as in xl allowed)\n",
		       uuid ? uuid : "");
		return -EINVAL;
	}
	if (pages > SHARED_MAX_PAGES) {
		pr_err("pages=%u: at most %lu\n", pages, SHARED_MAX_PAGES);
		return -EINVAL;
	}

	abi_new_pool_op(&t, ABI_POOL_FLAGS(0, 1), id[0], id[1]);
	pool_rc = (int)abi_hcall(&t);
	pool = pool_rc >= 0 ? pool_rc : -1;

	if (pool >= 0 && m != MODE_PROBE) {
		page = alloc_page(GFP_KERNEL);
		if (page) {
			if (m == MODE_PUT)
				shared_put(page);
			else
				shared_get(page);
			__free_page(page);
		} else {
			shared_error(-ENOMEM);
		}
	}

	if (m == MODE_PUT)
		pr_info("mode=put pool %d (NEW_POOL %d, uuid[0] %llx uuid[1] %llx): %u puts ok, %u failed, first error %d\n",
			pool, pool_rc, id[0], id[1], puts_ok, puts_failed,
			first_error);
	else if (m == MODE_GET)
		pr_info("mode=get pool %d (NEW_POOL %d, uuid[0] %llx uuid[1] %llx): %u found, %u missing, %u corrupt, %u errors, first error %d\n",
			pool, pool_rc, id[0], id[1], gets_found, gets_missing,
			gets_corrupt, gets_error, first_error);
	else
		pr_info("mode=probe pool %d (NEW_POOL %d, uuid[0] %llx uuid[1] %llx)\n",
			pool, pool_rc, id[0], id[1]);
	done = 1;
	return 0;
}

static void __exit tmem_shared_exit(void)
{
	struct abi_tmem_op t;
	long rc;

	if (pool < 0 || keep) {
		pr_info("unloaded, pool %d left to the hypervisor\n", pool);
		return;
	}
	abi_page_op(&t, ABI_TMEM_DESTROY_POOL, pool, 0, 0, 0);
	rc = abi_hcall(&t);
	pr_info("unloaded, pool %d destroyed (DESTROY_POOL %ld)\n", pool, rc);
}

module_init(tmem_shared_init);
module_exit(tmem_shared_exit);

MODULE_DESCRIPTION("Shared tmem pool scenario: put or get pages of a UUID's pool");
MODULE_LICENSE("GPL");
