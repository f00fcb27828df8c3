// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the Xen tmem driver: the hypercall ABI layout, the
 * historic oid/index mapping, pool flags and UUIDs, and the frontswap and
 * cleancache operations against a fake hypercall (which records every
 * struct tmem_op and answers what the test asks for).
 *
 * Included at the end of drivers/xen/tmem.c.  The tests that replace the
 * hypercall are skipped when the driver is in use (tmem=1 on a hypervisor
 * with tmem).
 */

#include <kunit/test.h>

#define TT_LOG_MAX	32

static struct {
	struct tmem_op ops[TT_LOG_MAX];
	unsigned int nr;
	int rc;
} tt;

static int tt_hypercall(struct tmem_op *op)
{
	if (tt.nr < TT_LOG_MAX)
		tt.ops[tt.nr] = *op;
	tt.nr++;
	return tt.rc;
}

static const struct tmem_op *tt_last(void)
{
	return tt.nr ? &tt.ops[min_t(unsigned int, tt.nr, TT_LOG_MAX) - 1] : NULL;
}

static long tt_calls(u32 cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tmem_cmds); i++)
		if (tmem_cmds[i].cmd == cmd)
			return atomic_long_read(&tmem_calls[i]);
	return -1;
}

static long tt_errors(int code)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tmem_errs) - 1; i++)
		if (tmem_errs[i].code == code)
			break;
	return atomic_long_read(&tmem_errors[i]);
}

/* the frame number the driver put in the 64-bit gmfn field */
static u64 tt_gmfn(const struct tmem_op *op)
{
	u64 frame;

	BUILD_BUG_ON(sizeof(op->u.gen.gmfn) != sizeof(frame));
	memcpy(&frame, &op->u.gen.gmfn, sizeof(frame));
	return frame;
}

static int tt_init(struct kunit *test)
{
	if (tmem_active)
		kunit_skip(test, "the tmem driver is in use");
	memset(&tt, 0, sizeof(tt));
	tmem_handles_reset();
	tmem_hypercall = tt_hypercall;
	return 0;
}

static void tt_exit(struct kunit *test)
{
	if (tmem_active)
		return;
	flush_work(&tmem_frontswap_revive_work);
	tmem_hypercall = tmem_hypercall_xen;
	WRITE_ONCE(tmem_frontswap_handle, -1);
	tmem_handles_reset();
	WRITE_ONCE(tmem_unquiesced, false);
}

/* struct tmem_op is 56 bytes with the fields at the historic offsets */
static void tmem_test_abi_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct tmem_op), 56UL);
	KUNIT_EXPECT_EQ(test, offsetof(struct tmem_op, cmd), 0UL);
	KUNIT_EXPECT_EQ(test, offsetof(struct tmem_op, pool_id), 4UL);
	KUNIT_EXPECT_EQ(test, offsetof(struct tmem_op, u.new.uuid), 8UL);
	KUNIT_EXPECT_EQ(test, offsetof(struct tmem_op, u.new.flags), 24UL);
	KUNIT_EXPECT_EQ(test, offsetof(struct tmem_op, u.gen.oid), 8UL);
	KUNIT_EXPECT_EQ(test, offsetof(struct tmem_op, u.gen.index), 32UL);
	KUNIT_EXPECT_EQ(test, offsetof(struct tmem_op, u.gen.gmfn), 48UL);
	KUNIT_EXPECT_EQ(test, __HYPERVISOR_tmem_op, 38);
}

/* swap slot -> (oid, index): 16 slots per object, type in the oid */
static void tmem_test_frontswap_oid(struct kunit *test)
{
	static const struct {
		unsigned int type;
		unsigned long offset;
		u64 oid0;
		u64 index;
	} cases[] = {
		{ 0, 0, 0x0, 0 },
		{ 0, 15, 0xf, 0 },
		{ 0, 16, 0x0, 1 },
		{ 1, 0x12345, 0x15, 0x1234 },
		{ 3, 0xf, 0x3f, 0 },
		{ 27, 0xfffffffffUL, 0x1bf, 0xffffffff },
		{ 5, 0x1000000000UL, 0x50, 0x100000000ULL },
	};
	struct tmem_oid oid;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 index = tmem_frontswap_oid(cases[i].type, cases[i].offset,
					       &oid);

		KUNIT_EXPECT_EQ_MSG(test, oid.oid[0], cases[i].oid0, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, oid.oid[1], 0ULL, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, oid.oid[2], 0ULL, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, index, cases[i].index, "case %u", i);
	}
}

static void tmem_test_pool_flags(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, tmem_pool_flags(true, false, 12), 0x01000001U);
	KUNIT_EXPECT_EQ(test, tmem_pool_flags(false, false, 12), 0x01000000U);
	KUNIT_EXPECT_EQ(test, tmem_pool_flags(false, true, 12), 0x01000002U);
	KUNIT_EXPECT_EQ(test, tmem_pool_flags(false, false, 16), 0x01000040U);
}

static void tmem_test_uuid(struct kunit *test)
{
	uuid_t uuid;
	u64 lo, hi;

	KUNIT_ASSERT_EQ(test, uuid_parse("01234567-89ab-cdef-0011-223344556677",
					 &uuid), 0);
	tmem_uuid_halves(&uuid, &lo, &hi);
	KUNIT_EXPECT_EQ(test, hi, 0x0123456789abcdefULL);
	KUNIT_EXPECT_EQ(test, lo, 0x0011223344556677ULL);
}

static void tmem_test_absent(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, tmem_absent_reason(0));
	KUNIT_EXPECT_NULL(test, tmem_absent_reason(15));
	KUNIT_EXPECT_NOT_NULL(test, strstr(tmem_absent_reason(-TMEM_ENOHYPERCALL),
					   "ENOSYS"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(tmem_absent_reason(-ENODEV),
					   "disabled"));
	KUNIT_EXPECT_NOT_NULL(test, tmem_absent_reason(-EPERM));
	KUNIT_EXPECT_NOT_NULL(test, tmem_absent_reason(-ENOMEM));
}

/* frontswap: pool at first init, PUT/GET/FLUSH with the mapped oid */
static void tmem_test_frontswap_ops(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);
	long puts = tt_calls(TMEM_PUT_PAGE);
	long enomem = tt_errors(-ENOMEM);
	long eempty = tt_errors(-TMEM_EEMPTY);
	const struct tmem_op *op;
	struct tmem_handle *h;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, page);

	tt.rc = 3;
	tmem_frontswap_init(0);
	KUNIT_ASSERT_EQ(test, tt.nr, 1U);
	op = tt_last();
	KUNIT_EXPECT_EQ(test, op->cmd, (u32)TMEM_NEW_POOL);
	KUNIT_EXPECT_EQ(test, op->u.new.flags, 0x01000001U);
	KUNIT_EXPECT_EQ(test, op->u.new.uuid[0], TMEM_POOL_PRIVATE_UUID);
	h = tmem_handle(tmem_frontswap_handle);
	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_EXPECT_EQ(test, h->hv, 3);
	KUNIT_EXPECT_EQ(test, h->kind, TMEM_POOL_FRONTSWAP);
	/* the second swapon reuses the pool */
	tmem_frontswap_init(1);
	KUNIT_EXPECT_EQ(test, tt.nr, 1U);

	tt.rc = 1;
	KUNIT_EXPECT_EQ(test, tmem_frontswap_store(2, 0x123, page), 0);
	op = tt_last();
	KUNIT_EXPECT_EQ(test, op->cmd, (u32)TMEM_PUT_PAGE);
	KUNIT_EXPECT_EQ(test, op->pool_id, 3);
	KUNIT_EXPECT_EQ(test, op->u.gen.oid[0], 0x23ULL);
	KUNIT_EXPECT_EQ(test, op->u.gen.oid[1], 0ULL);
	KUNIT_EXPECT_EQ(test, op->u.gen.index, 0x12U);
	KUNIT_EXPECT_EQ(test, tt_gmfn(op), (u64)xen_page_to_gfn(page));
	KUNIT_EXPECT_EQ(test, tt_calls(TMEM_PUT_PAGE), puts + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&h->puts), 1L);

	/* a refused put is an error for frontswap: the page goes to disk */
	tt.rc = -ENOMEM;
	KUNIT_EXPECT_EQ(test, tmem_frontswap_store(2, 0x123, page), -ENOMEM);
	KUNIT_EXPECT_EQ(test, tt_errors(-ENOMEM), enomem + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&h->failed_puts), 1L);
	tt.rc = 0;
	KUNIT_EXPECT_LT(test, tmem_frontswap_store(2, 0x124, page), 0);

	tt.rc = 1;
	KUNIT_EXPECT_EQ(test, tmem_frontswap_load(2, 0x123, page), 0);
	KUNIT_EXPECT_EQ(test, tt_last()->cmd, (u32)TMEM_GET_PAGE);
	tt.rc = 0;
	KUNIT_EXPECT_LT(test, tmem_frontswap_load(2, 0x123, page), 0);
	tt.rc = -TMEM_EEMPTY;
	KUNIT_EXPECT_LT(test, tmem_frontswap_load(2, 0x123, page), 0);
	KUNIT_EXPECT_EQ(test, tt_errors(-TMEM_EEMPTY), eempty + 1);

	tt.rc = 0;
	tmem_frontswap_invalidate_page(2, 0x123);
	op = tt_last();
	KUNIT_EXPECT_EQ(test, op->cmd, (u32)TMEM_FLUSH_PAGE);
	KUNIT_EXPECT_EQ(test, op->u.gen.oid[0], 0x23ULL);
	KUNIT_EXPECT_EQ(test, op->u.gen.index, 0x12U);

	/* swapoff: the 16 objects of the type */
	tt.nr = 0;
	tmem_frontswap_invalidate_area(4);
	KUNIT_ASSERT_EQ(test, tt.nr, 16U);
	for (i = 0; i < 16; i++) {
		KUNIT_EXPECT_EQ(test, tt.ops[i].cmd, (u32)TMEM_FLUSH_OBJECT);
		KUNIT_EXPECT_EQ(test, tt.ops[i].pool_id, 3);
		KUNIT_EXPECT_EQ(test, tt.ops[i].u.gen.oid[0], 0x40ULL + i);
	}

	/* a slot beyond what a 32-bit index can name is refused up front */
	tt.nr = 0;
	KUNIT_EXPECT_LT(test, tmem_frontswap_store(0, 0x1000000000UL, page), 0);
	KUNIT_EXPECT_EQ(test, tt.nr, 0U);

	__free_page(page);
}

/* no pool (tmem refused it): stores fail without a hypercall */
static void tmem_test_frontswap_no_pool(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	tt.rc = -TMEM_ENOHYPERCALL;
	tmem_frontswap_init(0);
	KUNIT_EXPECT_EQ(test, tmem_frontswap_handle, -1);
	tt.nr = 0;
	KUNIT_EXPECT_LT(test, tmem_frontswap_store(0, 1, page), 0);
	KUNIT_EXPECT_LT(test, tmem_frontswap_load(0, 1, page), 0);
	tmem_frontswap_invalidate_page(0, 1);
	tmem_frontswap_invalidate_area(0);
	KUNIT_EXPECT_EQ(test, tt.nr, 0U);
	__free_page(page);
}

/* cleancache: pools, file key as oid, index limit, destroy */
static void tmem_test_cleancache_ops(struct kunit *test)
{
	struct cleancache_filekey key = { .k = { 77, 5, 0 } };
	struct page *page = alloc_page(GFP_KERNEL);
	const struct tmem_op *op;
	int fs, sfs;
	uuid_t uuid;

	KUNIT_ASSERT_NOT_NULL(test, page);

	/* cleancache gets the driver's handle; Xen's id is behind it */
	tt.rc = 7;
	fs = tmem_cc_init_fs(PAGE_SIZE);
	KUNIT_ASSERT_GE(test, fs, 0);
	op = tt_last();
	KUNIT_EXPECT_EQ(test, op->cmd, (u32)TMEM_NEW_POOL);
	KUNIT_EXPECT_EQ(test, op->u.new.flags, 0x01000000U);
	KUNIT_EXPECT_EQ(test, tmem_handle(fs)->hv, 7);
	KUNIT_EXPECT_EQ(test, tmem_handle(fs)->kind, TMEM_POOL_PRIVATE);
	KUNIT_EXPECT_EQ(test, tmem_cc_init_fs(PAGE_SIZE * 2), -EINVAL);

	tt.rc = 8;
	KUNIT_ASSERT_EQ(test, uuid_parse("01234567-89ab-cdef-0011-223344556677",
					 &uuid), 0);
	sfs = tmem_cc_init_shared_fs(&uuid, PAGE_SIZE);
	KUNIT_ASSERT_GE(test, sfs, 0);
	KUNIT_EXPECT_NE(test, sfs, fs);
	op = tt_last();
	KUNIT_EXPECT_EQ(test, op->u.new.flags, 0x01000002U);
	KUNIT_EXPECT_EQ(test, op->u.new.uuid[0], 0x0011223344556677ULL);
	KUNIT_EXPECT_EQ(test, op->u.new.uuid[1], 0x0123456789abcdefULL);
	KUNIT_EXPECT_EQ(test, tmem_handle(sfs)->hv, 8);
	KUNIT_EXPECT_EQ(test, tmem_handle(sfs)->kind, TMEM_POOL_SHARED_EPH);

	tt.rc = 1;
	KUNIT_EXPECT_EQ(test, tmem_cc_put_page(fs, &key, 9, page), 0);
	op = tt_last();
	KUNIT_EXPECT_EQ(test, op->cmd, (u32)TMEM_PUT_PAGE);
	KUNIT_EXPECT_EQ(test, op->pool_id, 7);
	KUNIT_EXPECT_EQ(test, op->u.gen.oid[0], 77ULL);
	KUNIT_EXPECT_EQ(test, op->u.gen.oid[1], 5ULL);
	KUNIT_EXPECT_EQ(test, op->u.gen.index, 9U);
	KUNIT_EXPECT_EQ(test, tmem_cc_get_page(fs, &key, 9, page), 0);
	KUNIT_EXPECT_EQ(test, tt_last()->cmd, (u32)TMEM_GET_PAGE);

	/* a miss or an error means "read it from disk" */
	tt.rc = 0;
	KUNIT_EXPECT_LT(test, tmem_cc_get_page(fs, &key, 9, page), 0);
	tt.rc = -EFAULT;
	KUNIT_EXPECT_LT(test, tmem_cc_get_page(fs, &key, 9, page), 0);
	KUNIT_EXPECT_LT(test, tmem_cc_put_page(fs, &key, 9, page), 0);

	/* indexes that do not fit 32 bits are never sent */
	tt.nr = 0;
	KUNIT_EXPECT_LT(test, tmem_cc_put_page(fs, &key, 0x100000000UL, page), 0);
	KUNIT_EXPECT_LT(test, tmem_cc_get_page(fs, &key, 0x100000000UL, page), 0);
	tmem_cc_invalidate_page(fs, &key, 0x100000000UL);
	KUNIT_EXPECT_EQ(test, tt.nr, 0U);

	tt.rc = 1;
	tmem_cc_invalidate_page(fs, &key, 9);
	KUNIT_EXPECT_EQ(test, tt_last()->cmd, (u32)TMEM_FLUSH_PAGE);
	tmem_cc_invalidate_inode(fs, &key);
	op = tt_last();
	KUNIT_EXPECT_EQ(test, op->cmd, (u32)TMEM_FLUSH_OBJECT);
	KUNIT_EXPECT_EQ(test, op->u.gen.oid[0], 77ULL);
	KUNIT_EXPECT_EQ(test, op->u.gen.oid[1], 5ULL);
	tmem_cc_invalidate_fs(fs);
	op = tt_last();
	KUNIT_EXPECT_EQ(test, op->cmd, (u32)TMEM_DESTROY_POOL);
	KUNIT_EXPECT_EQ(test, op->pool_id, 7);
	KUNIT_EXPECT_NULL(test, tmem_handle(fs));
	/* a released handle reaches nothing */
	tt.nr = 0;
	KUNIT_EXPECT_LT(test, tmem_cc_put_page(fs, &key, 9, page), 0);
	KUNIT_EXPECT_EQ(test, tt.nr, 0U);

	/* a pool id the driver cannot track is given back */
	tt.rc = TMEM_MAX_POOLS;
	KUNIT_EXPECT_LT(test, tmem_cc_init_fs(PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, tt_last()->cmd, (u32)TMEM_DESTROY_POOL);

	__free_page(page);
}

/* two filesystems with one UUID share a pool; the last unmount destroys it */
static void tmem_test_shared_users(struct kunit *test)
{
	uuid_t uuid;
	int a, b, p;

	KUNIT_ASSERT_EQ(test, uuid_parse("01234567-89ab-cdef-0011-223344556677",
					 &uuid), 0);
	tt.rc = 5;	/* Xen gives the client's pool for the UUID both times */
	a = tmem_cc_init_shared_fs(&uuid, PAGE_SIZE);
	b = tmem_cc_init_shared_fs(&uuid, PAGE_SIZE);
	KUNIT_ASSERT_GE(test, a, 0);
	KUNIT_EXPECT_EQ(test, b, a);
	KUNIT_EXPECT_EQ(test, tmem_handle(a)->users, 2U);

	tt.nr = 0;
	tmem_cc_invalidate_fs(a);
	KUNIT_EXPECT_EQ(test, tt.nr, 0U);	/* the other fs still uses it */
	KUNIT_EXPECT_EQ(test, tmem_handle(a)->kind, TMEM_POOL_SHARED_EPH);
	tt.rc = 1;
	tmem_cc_invalidate_fs(b);
	KUNIT_EXPECT_EQ(test, tt.nr, 1U);
	KUNIT_EXPECT_EQ(test, tt_last()->cmd, (u32)TMEM_DESTROY_POOL);
	KUNIT_EXPECT_EQ(test, tt_last()->pool_id, 5);
	KUNIT_EXPECT_NULL(test, tmem_handle(a));

	/* private pools are never shared: one unmount, one destroy */
	tt.rc = 6;
	p = tmem_cc_init_fs(PAGE_SIZE);
	KUNIT_ASSERT_GE(test, p, 0);
	tt.nr = 0;
	tt.rc = 1;
	tmem_cc_invalidate_fs(p);
	KUNIT_EXPECT_EQ(test, tt.nr, 1U);
}

/*
 * The toolstack destroyed the client: Xen's ids name nothing, then name the
 * next pools.  No frontswap page may reach the ephemeral pool that gets
 * the old frontswap id, and no cleancache page a stale id.
 */
static void tmem_test_pool_lost(struct kunit *test)
{
	struct cleancache_filekey key = { .k = { 3, 0, 0 } };
	struct page *page = alloc_page(GFP_KERNEL);
	struct tmem_handle *fsh;
	int fs, fs2;

	KUNIT_ASSERT_NOT_NULL(test, page);
	tt.rc = 0;
	tmem_frontswap_init(0);
	fsh = tmem_handle(tmem_frontswap_handle);
	KUNIT_ASSERT_NOT_NULL(test, fsh);
	KUNIT_EXPECT_EQ(test, fsh->hv, 0);
	tt.rc = 1;
	KUNIT_EXPECT_EQ(test, tmem_frontswap_store(0, 1, page), 0);

	/* lost without a word: a mount is given id 0 again */
	tt.nr = 0;
	tt.rc = 0;
	fs = tmem_cc_init_fs(PAGE_SIZE);
	KUNIT_ASSERT_GE(test, fs, 0);
	KUNIT_ASSERT_EQ(test, tt.nr, 3U);
	KUNIT_EXPECT_EQ(test, tt.ops[0].cmd, (u32)TMEM_NEW_POOL);
	/* the new pool may have had stale traffic: made again */
	KUNIT_EXPECT_EQ(test, tt.ops[1].cmd, (u32)TMEM_DESTROY_POOL);
	KUNIT_EXPECT_EQ(test, tt.ops[1].pool_id, 0);
	KUNIT_EXPECT_EQ(test, tt.ops[2].cmd, (u32)TMEM_NEW_POOL);
	KUNIT_EXPECT_EQ(test, tmem_handle(fs)->hv, 0);
	KUNIT_EXPECT_EQ(test, fsh->hv, -1);

	/*
	 * Frontswap sends nothing to pool 0 now: its pages go to disk until
	 * it has a pool of its own again (made by a work item).
	 */
	tt.nr = 0;
	tt.rc = 2;
	KUNIT_EXPECT_EQ(test, tmem_frontswap_store(0, 2, page), -ENODEV);
	KUNIT_EXPECT_LT(test, tmem_frontswap_load(0, 1, page), 0);
	flush_work(&tmem_frontswap_revive_work);
	KUNIT_ASSERT_EQ(test, tt.nr, 1U);
	KUNIT_EXPECT_EQ(test, tt.ops[0].cmd, (u32)TMEM_NEW_POOL);
	KUNIT_EXPECT_EQ(test, tt.ops[0].u.new.flags, 0x01000001U);
	KUNIT_EXPECT_EQ(test, fsh->hv, 2);
	tt.rc = 1;
	KUNIT_EXPECT_EQ(test, tmem_frontswap_store(0, 2, page), 0);
	KUNIT_EXPECT_EQ(test, tt_last()->cmd, (u32)TMEM_PUT_PAGE);
	KUNIT_EXPECT_EQ(test, tt_last()->pool_id, 2);

	/* Xen says the pool is gone: the handle dies, and stays dead */
	tt.rc = -ENODEV;
	KUNIT_EXPECT_LT(test, tmem_cc_put_page(fs, &key, 1, page), 0);
	tt.nr = 0;
	tt.rc = 1;
	KUNIT_EXPECT_LT(test, tmem_cc_get_page(fs, &key, 1, page), 0);
	KUNIT_EXPECT_EQ(test, tt.nr, 0U);
	/* a later pool with that id is never reached through it */
	tt.rc = 0;
	fs2 = tmem_cc_init_fs(PAGE_SIZE);
	KUNIT_ASSERT_GE(test, fs2, 0);
	KUNIT_EXPECT_NE(test, fs2, fs);
	tt.nr = 0;
	tt.rc = 1;
	KUNIT_EXPECT_LT(test, tmem_cc_put_page(fs, &key, 1, page), 0);
	KUNIT_EXPECT_EQ(test, tt.nr, 0U);
	KUNIT_EXPECT_EQ(test, tmem_cc_put_page(fs2, &key, 1, page), 0);
	KUNIT_EXPECT_EQ(test, tt_last()->pool_id, 0);
	__free_page(page);
}

/* at start, the pools of an earlier kernel in the domain are destroyed */
static void tmem_test_release_stale(struct kunit *test)
{
	unsigned int i;

	tt.rc = 1;
	KUNIT_EXPECT_EQ(test, tmem_release_stale_pools(), TMEM_MAX_POOLS);
	KUNIT_ASSERT_EQ(test, tt.nr, (unsigned int)TMEM_MAX_POOLS);
	for (i = 0; i < TMEM_MAX_POOLS; i++) {
		KUNIT_EXPECT_EQ(test, tt.ops[i].cmd, (u32)TMEM_DESTROY_POOL);
		KUNIT_EXPECT_EQ(test, tt.ops[i].pool_id, (s32)i);
	}

	/* no pool left over: every id asked, none counted */
	memset(&tt, 0, sizeof(tt));
	KUNIT_EXPECT_EQ(test, tmem_release_stale_pools(), 0);
	KUNIT_EXPECT_EQ(test, tt.nr, (unsigned int)TMEM_MAX_POOLS);

	/* tmem off: one call tells */
	memset(&tt, 0, sizeof(tt));
	tt.rc = -ENODEV;
	KUNIT_EXPECT_EQ(test, tmem_release_stale_pools(), 0);
	KUNIT_EXPECT_EQ(test, tt.nr, 1U);
}

static struct kunit_case tmem_abi_cases[] = {
	KUNIT_CASE(tmem_test_abi_layout),
	KUNIT_CASE(tmem_test_frontswap_oid),
	KUNIT_CASE(tmem_test_pool_flags),
	KUNIT_CASE(tmem_test_uuid),
	KUNIT_CASE(tmem_test_absent),
	{}
};

static struct kunit_suite tmem_abi_suite = {
	.name = "xen_tmem_abi",
	.test_cases = tmem_abi_cases,
};

static struct kunit_case tmem_ops_cases[] = {
	KUNIT_CASE(tmem_test_frontswap_ops),
	KUNIT_CASE(tmem_test_frontswap_no_pool),
	KUNIT_CASE(tmem_test_cleancache_ops),
	KUNIT_CASE(tmem_test_release_stale),
	KUNIT_CASE(tmem_test_shared_users),
	KUNIT_CASE(tmem_test_pool_lost),
	{}
};

static struct kunit_suite tmem_ops_suite = {
	.name = "xen_tmem_ops",
	.init = tt_init,
	.exit = tt_exit,
	.test_cases = tmem_ops_cases,
};

kunit_test_suites(&tmem_abi_suite, &tmem_ops_suite);
