// SPDX-License-Identifier: GPL-2.0
/*
 * abi_guest.c: runs the tmem ABI conformance suite (tests/abi/abi_suite.c)
 * inside a Xen guest, against the hypervisor: every operation is a real
 * hypercall 38, and page frames are the guest's own (machine frames in a
 * PV guest, guest frames in PVH/HVM), as a tmem driver passes them.
 *
 *   insmod tmem_abi.ko [verbose=1] [fresh=1]
 *
 * The suite runs once, at load.  One "ok"/"not ok" line per failed check
 * (per check with verbose=1) and a summary line go to the kernel log; the
 * counts stay readable in /sys/module/tmem_abi/parameters/{passed,failed}.
 * Loading fails with -ENODEV outside Xen and -EOPNOTSUPP when the hypervisor
 * has no tmem, so a script can tell "not tested" from "failed".
 *
 * fresh=1 says that nothing else in this guest uses tmem (the guest kernel
 * booted without its tmem driver), so the suite may insist on exactly 16
 * pools per client.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <asm/xen/hypercall.h>
#include <xen/page.h>
#include <xen/xen.h>

#include "abi_hcall.h"

static bool verbose;
module_param(verbose, bool, 0444);
MODULE_PARM_DESC(verbose, "Report every check, not only failures");

static bool fresh;
module_param(fresh, bool, 0444);
MODULE_PARM_DESC(fresh, "No other tmem user in this guest (expect 16 pools)");

static unsigned int passed;
module_param(passed, uint, 0444);
MODULE_PARM_DESC(passed, "Checks passed by the last run");

static unsigned int failed;
module_param(failed, uint, 0444);
MODULE_PARM_DESC(failed, "Checks failed by the last run");

/* This backend can neither freeze its client nor limit its memory. */
static unsigned int expected = ABI_SUITE_FRESH_CHECKS -
			       ABI_SUITE_FREEZE_CHECKS - ABI_SUITE_NOMEM_CHECKS;
module_param(expected, uint, 0444);
MODULE_PARM_DESC(expected, "Checks the suite makes here for a fresh client");

struct abi_ctx {
	struct page *pages[ABI_NR_PAGES];
	u8 *scratch;			/* expected content for abi_page_check */
	unsigned int n;			/* checks reported so far */
};

long abi_tmem_op(struct abi_ctx *ctx, struct abi_tmem_op *op)
{
	return abi_hcall(op);
}

uint64_t abi_page_frame(struct abi_ctx *ctx, unsigned int i)
{
	/* PV: machine frame; PVH/HVM: guest frame. */
	return xen_page_to_gfn(ctx->pages[i]);
}

void abi_page_fill(struct abi_ctx *ctx, unsigned int i, uint64_t seed,
		   unsigned int kind)
{
	abi_gen_page(page_address(ctx->pages[i]), seed, kind);
}

int abi_page_check(struct abi_ctx *ctx, unsigned int i, uint64_t seed,
		   unsigned int kind)
{
	abi_gen_page(ctx->scratch, seed, kind);
	return !memcmp(ctx->scratch, page_address(ctx->pages[i]), PAGE_SIZE);
}

uint64_t abi_bad_frame(struct abi_ctx *ctx)
{
	/*
	 * PV: machine frame 0 never belongs to a guest.  PVH/HVM: guest frame
	 * 2^36 (256 TiB), far above any lab guest's RAM, so absent from its
	 * p2m.
	 */
	if (xen_pv_domain())
		return 0;
	return 1ULL << 36;
}

int abi_fresh_client(struct abi_ctx *ctx)
{
	return fresh;
}

/*
 * A guest has no control plane: freezing a client and limiting tmem's memory
 * are the toolstack's, so those cases run in the userspace runner and in the
 * lab's dom0 scenarios instead.
 */
int abi_ctl_freeze(struct abi_ctx *ctx, int freeze)
{
	return -EOPNOTSUPP;
}

int abi_ctl_memory_limit(struct abi_ctx *ctx, unsigned long pages)
{
	return -EOPNOTSUPP;
}

void abi_report(struct abi_ctx *ctx, int ok, const char *name, long got,
		long expected)
{
	ctx->n++;
	if (!ok)
		pr_err("not ok %u - %s (got %ld, expected %ld)\n", ctx->n, name,
		       got, expected);
	else if (verbose)
		pr_info("ok %u - %s\n", ctx->n, name);
}

/* Does the hypervisor implement tmem at all?  -ENOSYS if not. */
static long tmem_probe(void)
{
	struct abi_tmem_op op;
	long pool, rc;

	memset(&op, 0, sizeof(op));
	op.cmd = ABI_TMEM_NEW_POOL;
	op.u.creat.flags = ABI_POOL_FLAGS(0, 0);
	pool = abi_tmem_op(NULL, &op);
	if (pool < 0)
		return pool;

	memset(&op, 0, sizeof(op));
	op.cmd = ABI_TMEM_DESTROY_POOL;
	op.pool_id = (int32_t)pool;
	rc = abi_tmem_op(NULL, &op);

	return rc == 1 ? 0 : -EIO;
}

static int __init tmem_abi_init(void)
{
	struct abi_ctx *ctx;
	unsigned int i;
	long rc;
	int ret = 0;

	if (!xen_domain()) {
		pr_err("not a Xen guest: nothing tested\n");
		return -ENODEV;
	}

	rc = tmem_probe();
	if (rc == -ABI_ENOSYS) {
		pr_err("the hypervisor has no tmem (boot Xen with 'tmem'): nothing tested\n");
		return -EOPNOTSUPP;
	}
	if (rc) {
		pr_err("creating a first pool failed (%ld): nothing tested\n",
		       rc);
		return -EIO;
	}

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->scratch = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!ctx->scratch) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ABI_NR_PAGES; i++) {
		ctx->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!ctx->pages[i]) {
			ret = -ENOMEM;
			goto out;
		}
	}

	pr_info("running the tmem ABI suite (%s guest%s)\n",
		xen_pv_domain() ? "PV" : xen_pvh_domain() ? "PVH" : "HVM",
		fresh ? ", fresh client" : "");
	abi_run_suite(ctx, &passed, &failed);
	pr_info("%s: %u passed, %u failed\n", failed ? "FAIL" : "PASS",
		passed, failed);

 out:
	for (i = 0; i < ABI_NR_PAGES; i++)
		if (ctx->pages[i])
			__free_page(ctx->pages[i]);
	kfree(ctx->scratch);
	kfree(ctx);
	return ret;
}

static void __exit tmem_abi_exit(void)
{
}

module_init(tmem_abi_init);
module_exit(tmem_abi_exit);

MODULE_DESCRIPTION("tmem guest ABI conformance suite, run against Xen");
MODULE_LICENSE("GPL");
