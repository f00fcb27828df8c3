// SPDX-License-Identifier: GPL-2.0
/*
 * tmem_live_test: KUnit tests of the hypervisor's tmem, from a guest.
 *
 * A loadable module (built with "make guest-modules", see the top-level
 * Kbuild; its hypercalls are tests/abi/abi_hcall.h's) for the lab: load
 * it in a guest running on Xen with tmem and it checks, with its own
 * pools, the behaviour the guest driver relies on:
 * put/get round trips, exclusive gets from private ephemeral pools,
 * persistent pages staying, replacement, page and object flushes, and
 * refusal of bad pools and flags.  On a hypervisor without tmem every test
 * is skipped, saying why.
 */

#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/string.h>

#include <asm/xen/hypercall.h>
#include <xen/page.h>
#include <xen/tmem.h>
#include <xen/xen.h>

#include "abi_hcall.h"

static int tlt_op(u32 cmd, int pool, u64 oid0, u32 index, struct page *page)
{
	struct abi_tmem_op op;

	abi_page_op(&op, cmd, pool, oid0, index,
		    page ? xen_page_to_gfn(page) : 0);
	return abi_hcall(&op);
}

static int tlt_new_pool(u32 flags)
{
	struct abi_tmem_op op;

	abi_new_pool_op(&op, flags, TMEM_POOL_PRIVATE_UUID,
			TMEM_POOL_PRIVATE_UUID);
	return abi_hcall(&op);
}

struct tlt_ctx {
	struct page *out;
	struct page *in;
	int pool;
};

static void tlt_fill(struct page *page, u8 v)
{
	memset_page(page, 0, v, PAGE_SIZE);
}

static bool tlt_is(struct page *page, u8 v)
{
	u8 *p = kmap_local_page(page);
	bool ok = !memchr_inv(p, v, PAGE_SIZE);

	kunmap_local(p);
	return ok;
}

/* a fresh pool of the kind the test's param asks for */
static int tlt_setup(struct kunit *test, bool persist)
{
	struct tlt_ctx *ctx = test->priv;
	int pool;

	pool = tlt_new_pool(tmem_pool_flags(persist, false, PAGE_SHIFT));
	if (pool == -TMEM_ENOHYPERCALL || pool == -ENODEV)
		kunit_skip(test, "no tmem in the hypervisor (%d)", pool);
	KUNIT_ASSERT_GE(test, pool, 0);
	ctx->pool = pool;
	return pool;
}

static int tlt_init(struct kunit *test)
{
	struct tlt_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!xen_domain())
		kunit_skip(test, "not running on Xen");
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->pool = -1;
	ctx->out = alloc_page(GFP_KERNEL);
	ctx->in = alloc_page(GFP_KERNEL);
	test->priv = ctx;
	KUNIT_ASSERT_NOT_NULL(test, ctx->out);
	KUNIT_ASSERT_NOT_NULL(test, ctx->in);
	return 0;
}

static void tlt_exit(struct kunit *test)
{
	struct tlt_ctx *ctx = test->priv;

	if (!ctx)
		return;
	if (ctx->pool >= 0)
		KUNIT_EXPECT_EQ(test, tlt_op(TMEM_DESTROY_POOL, ctx->pool, 0,
					     0, NULL), 1);
	if (ctx->out)
		__free_page(ctx->out);
	if (ctx->in)
		__free_page(ctx->in);
}

static void tlt_ephemeral_roundtrip(struct kunit *test)
{
	struct tlt_ctx *ctx = test->priv;
	int pool = tlt_setup(test, false);

	tlt_fill(ctx->out, 0x5a);
	KUNIT_ASSERT_EQ(test, tlt_op(TMEM_PUT_PAGE, pool, 1, 0, ctx->out), 1);
	tlt_fill(ctx->in, 0);
	KUNIT_EXPECT_EQ(test, tlt_op(TMEM_GET_PAGE, pool, 1, 0, ctx->in), 1);
	KUNIT_EXPECT_TRUE(test, tlt_is(ctx->in, 0x5a));
	/* private ephemeral gets are exclusive */
	KUNIT_EXPECT_LE(test, tlt_op(TMEM_GET_PAGE, pool, 1, 0, ctx->in), 0);
	/* never-put pages are absent */
	KUNIT_EXPECT_LE(test, tlt_op(TMEM_GET_PAGE, pool, 2, 7, ctx->in), 0);
}

static void tlt_persistent(struct kunit *test)
{
	struct tlt_ctx *ctx = test->priv;
	int pool = tlt_setup(test, true);

	tlt_fill(ctx->out, 0x11);
	KUNIT_ASSERT_EQ(test, tlt_op(TMEM_PUT_PAGE, pool, 0x15, 3, ctx->out), 1);
	/* a put to the same (oid, index) replaces the page */
	tlt_fill(ctx->out, 0x22);
	KUNIT_ASSERT_EQ(test, tlt_op(TMEM_PUT_PAGE, pool, 0x15, 3, ctx->out), 1);
	tlt_fill(ctx->in, 0);
	KUNIT_EXPECT_EQ(test, tlt_op(TMEM_GET_PAGE, pool, 0x15, 3, ctx->in), 1);
	KUNIT_EXPECT_TRUE(test, tlt_is(ctx->in, 0x22));
	/* persistent pages stay after a get */
	tlt_fill(ctx->in, 0);
	KUNIT_EXPECT_EQ(test, tlt_op(TMEM_GET_PAGE, pool, 0x15, 3, ctx->in), 1);
	KUNIT_EXPECT_TRUE(test, tlt_is(ctx->in, 0x22));
	/* until flushed */
	tlt_op(TMEM_FLUSH_PAGE, pool, 0x15, 3, NULL);
	KUNIT_EXPECT_LE(test, tlt_op(TMEM_GET_PAGE, pool, 0x15, 3, ctx->in), 0);
}

static void tlt_flush_object(struct kunit *test)
{
	struct tlt_ctx *ctx = test->priv;
	int pool = tlt_setup(test, true);
	u32 i;

	tlt_fill(ctx->out, 0x33);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, tlt_op(TMEM_PUT_PAGE, pool, 9, i,
					     ctx->out), 1);
	KUNIT_ASSERT_EQ(test, tlt_op(TMEM_PUT_PAGE, pool, 10, 0, ctx->out), 1);
	tlt_op(TMEM_FLUSH_OBJECT, pool, 9, 0, NULL);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_LE(test, tlt_op(TMEM_GET_PAGE, pool, 9, i,
					     ctx->in), 0);
	/* other objects are untouched */
	KUNIT_EXPECT_EQ(test, tlt_op(TMEM_GET_PAGE, pool, 10, 0, ctx->in), 1);
	KUNIT_EXPECT_TRUE(test, tlt_is(ctx->in, 0x33));
}

static void tlt_refusals(struct kunit *test)
{
	struct tlt_ctx *ctx = test->priv;
	int pool = tlt_setup(test, false);
	int bad;

	/* shared + persistent is refused */
	bad = tlt_new_pool(TMEM_POOL_SHARED | TMEM_POOL_PERSIST |
			   (TMEM_SPEC_VERSION << TMEM_POOL_VERSION_SHIFT));
	KUNIT_EXPECT_LT(test, bad, 0);
	/* a wrong spec version is refused */
	bad = tlt_new_pool(2U << TMEM_POOL_VERSION_SHIFT);
	KUNIT_EXPECT_LT(test, bad, 0);
	/* reserved flag bits are refused */
	bad = tlt_new_pool(tmem_pool_flags(false, false, PAGE_SHIFT) | 0x100);
	KUNIT_EXPECT_LT(test, bad, 0);
	/* pools that do not exist (15: assuming the guest has fewer pools) */
	KUNIT_EXPECT_LT(test, tlt_op(TMEM_PUT_PAGE, pool == 15 ? 14 : 15,
				     1, 0, ctx->out), 0);
	KUNIT_EXPECT_LT(test, tlt_op(TMEM_PUT_PAGE, -1, 1, 0, ctx->out), 0);
	KUNIT_EXPECT_LT(test, tlt_op(TMEM_GET_PAGE, 16, 1, 0, ctx->in), 0);
	KUNIT_EXPECT_LE(test, tlt_op(TMEM_DESTROY_POOL, 16, 0, 0, NULL), 0);
	/* commands that never existed */
	KUNIT_EXPECT_LT(test, tlt_op(3, pool, 1, 0, ctx->out), 0);
	KUNIT_EXPECT_LT(test, tlt_op(101, pool, 1, 0, NULL), 0);
}

static struct kunit_case tlt_cases[] = {
	KUNIT_CASE(tlt_ephemeral_roundtrip),
	KUNIT_CASE(tlt_persistent),
	KUNIT_CASE(tlt_flush_object),
	KUNIT_CASE(tlt_refusals),
	{}
};

static struct kunit_suite tlt_suite = {
	.name = "xen_tmem_live",
	.init = tlt_init,
	.exit = tlt_exit,
	.test_cases = tlt_cases,
};

kunit_test_suite(tlt_suite);

MODULE_DESCRIPTION("KUnit tests of Xen tmem, run from a guest");
MODULE_LICENSE("GPL");
