// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for frontswap: slot bitmap, hook enable/disable, counters
 * and a fake backend exercising store/load/invalidate.
 *
 * Included at the end of mm/frontswap.c so that the tests can look at the
 * bitmap and the counters.  The tests that register the fake backend are
 * skipped when a real backend (e.g. Xen tmem) is already registered.
 */

#include <kunit/test.h>
#include <linux/string.h>

#define FST_TYPE	(MAX_SWAPFILES - 1)
#define FST_SLOTS	64UL
#define FST_LOG_MAX	64

enum fst_op { FST_INIT, FST_STORE, FST_LOAD, FST_INV_PAGE, FST_INV_AREA };

struct fst_call {
	enum fst_op op;
	unsigned int type;
	pgoff_t offset;
};

/* the fake backend: page copies in kernel memory and a call log */
static struct {
	void *slot[FST_SLOTS];
	long fail_store_at;
	struct fst_call log[FST_LOG_MAX];
	unsigned int nr_calls;
} fst;

static void fst_log(enum fst_op op, unsigned int type, pgoff_t offset)
{
	if (fst.nr_calls < FST_LOG_MAX)
		fst.log[fst.nr_calls] = (struct fst_call){ op, type, offset };
	fst.nr_calls++;
}

static void fst_init(unsigned int type)
{
	fst_log(FST_INIT, type, 0);
}

static int fst_store(unsigned int type, pgoff_t offset, struct page *page)
{
	fst_log(FST_STORE, type, offset);
	if (offset >= FST_SLOTS || (long)offset == fst.fail_store_at)
		return -ENOMEM;
	if (!fst.slot[offset])
		fst.slot[offset] = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!fst.slot[offset])
		return -ENOMEM;
	memcpy_from_page(fst.slot[offset], page, 0, PAGE_SIZE);
	return 0;
}

static int fst_load(unsigned int type, pgoff_t offset, struct page *page)
{
	fst_log(FST_LOAD, type, offset);
	if (offset >= FST_SLOTS || !fst.slot[offset])
		return -ENOENT;
	memcpy_to_page(page, 0, fst.slot[offset], PAGE_SIZE);
	return 0;
}

static void fst_invalidate_page(unsigned int type, pgoff_t offset)
{
	fst_log(FST_INV_PAGE, type, offset);
	if (offset < FST_SLOTS) {
		kfree(fst.slot[offset]);
		fst.slot[offset] = NULL;
	}
}

static void fst_invalidate_area(unsigned int type)
{
	unsigned long i;

	fst_log(FST_INV_AREA, type, 0);
	for (i = 0; i < FST_SLOTS; i++) {
		kfree(fst.slot[i]);
		fst.slot[i] = NULL;
	}
}

static const struct frontswap_ops fst_ops = {
	.init = fst_init,
	.store = fst_store,
	.load = fst_load,
	.invalidate_page = fst_invalidate_page,
	.invalidate_area = fst_invalidate_area,
};

/* a locked folio of @order for slot @offset, filled with @seed */
static struct folio *fst_folio(struct kunit *test, unsigned int order,
			       pgoff_t offset, u8 seed)
{
	struct folio *folio = folio_alloc(GFP_KERNEL, order);
	unsigned long i;

	KUNIT_ASSERT_NOT_NULL(test, folio);
	for (i = 0; i < folio_nr_pages(folio); i++)
		memset_page(folio_page(folio, i), 0, seed + i, PAGE_SIZE);
	__folio_set_locked(folio);
	folio->swap = swp_entry(FST_TYPE, offset);
	return folio;
}

static void fst_folio_put(struct folio *folio)
{
	folio->swap.val = 0;
	__folio_clear_locked(folio);
	folio_put(folio);
}

/* does page @i of @folio hold the pattern written by fst_folio(@seed)? */
static bool fst_page_is(struct folio *folio, unsigned long i, u8 seed)
{
	u8 *p = kmap_local_page(folio_page(folio, i));
	bool ok = p[0] == (u8)(seed + i) && p[PAGE_SIZE - 1] == (u8)(seed + i);

	kunmap_local(p);
	return ok;
}

static long fst_count(atomic_long_t *c)
{
	return atomic_long_read(c);
}

static int fst_test_init(struct kunit *test)
{
	int ret;

	memset(&fst, 0, sizeof(fst));
	fst.fail_store_at = -1;
	ret = frontswap_register_ops(&fst_ops);
	if (ret == -EBUSY)
		kunit_skip(test, "a frontswap backend is already registered");
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, frontswap_swapon(FST_TYPE, FST_SLOTS), 0);
	return 0;
}

static void fst_test_exit(struct kunit *test)
{
	if (frontswap_ops != &fst_ops)
		return;
	frontswap_swapoff(FST_TYPE);
	KUNIT_EXPECT_EQ(test, frontswap_unregister_ops(&fst_ops), 0);
	fst_invalidate_area(FST_TYPE);
}

/* without a backend the hooks are off and never report success */
static void frontswap_test_disabled(struct kunit *test)
{
	struct folio *folio;

	if (frontswap_ops)
		kunit_skip(test, "a frontswap backend is registered");
	KUNIT_EXPECT_FALSE(test, frontswap_enabled());
	KUNIT_ASSERT_EQ(test, frontswap_swapon(FST_TYPE, FST_SLOTS), 0);
	folio = fst_folio(test, 0, 3, 0x11);
	KUNIT_EXPECT_FALSE(test, frontswap_store(folio));
	KUNIT_EXPECT_FALSE(test, frontswap_load(folio));
	KUNIT_EXPECT_TRUE(test, bitmap_empty(frontswap_areas[FST_TYPE].map,
					     FST_SLOTS));
	fst_folio_put(folio);
	frontswap_swapoff(FST_TYPE);
	KUNIT_EXPECT_NULL(test, frontswap_areas[FST_TYPE].map);
}

/* registering flips the static key and announces enabled devices */
static void frontswap_test_register(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, frontswap_enabled());
	KUNIT_EXPECT_EQ(test, frontswap_register_ops(&fst_ops), -EBUSY);
	/* swapon happened after registration: init was called once */
	KUNIT_ASSERT_EQ(test, fst.nr_calls, 1U);
	KUNIT_EXPECT_EQ(test, fst.log[0].op, FST_INIT);
	KUNIT_EXPECT_EQ(test, fst.log[0].type, (unsigned int)FST_TYPE);
	/* cannot go away while a swap device is on */
	KUNIT_EXPECT_EQ(test, frontswap_unregister_ops(&fst_ops), -EBUSY);
	frontswap_swapoff(FST_TYPE);
	KUNIT_EXPECT_EQ(test, fst.log[1].op, FST_INV_AREA);
	KUNIT_EXPECT_EQ(test, frontswap_unregister_ops(&fst_ops), 0);
	KUNIT_EXPECT_FALSE(test, frontswap_enabled());

	/* a backend registering after swapon gets init for that device */
	fst.nr_calls = 0;
	KUNIT_ASSERT_EQ(test, frontswap_swapon(FST_TYPE, FST_SLOTS), 0);
	KUNIT_EXPECT_EQ(test, fst.nr_calls, 0U);
	KUNIT_ASSERT_EQ(test, frontswap_register_ops(&fst_ops), 0);
	KUNIT_EXPECT_EQ(test, fst.nr_calls, 1U);
	KUNIT_EXPECT_EQ(test, fst.log[0].op, FST_INIT);
}

/* store, load back, slot free: bitmap, backend calls and counters */
static void frontswap_test_store_load_invalidate(struct kunit *test)
{
	long stores = fst_count(&fs_stats.succ_stores);
	long loads = fst_count(&fs_stats.loads);
	long invs = fst_count(&fs_stats.invalidates);
	long stored = fst_count(&fs_stats.stored);
	unsigned long *map = frontswap_areas[FST_TYPE].map;
	struct folio *out, *in;
	unsigned int calls;

	out = fst_folio(test, 0, 5, 0x5a);
	KUNIT_EXPECT_TRUE(test, frontswap_store(out));
	KUNIT_EXPECT_TRUE(test, test_bit(5, map));
	KUNIT_EXPECT_EQ(test, bitmap_weight(map, FST_SLOTS), 1U);
	KUNIT_EXPECT_EQ(test, fst_count(&fs_stats.succ_stores), stores + 1);
	KUNIT_EXPECT_EQ(test, fst_count(&fs_stats.stored), stored + 1);
	/* what a self-shrinking backend reads */
	KUNIT_EXPECT_EQ(test, frontswap_stores(), (unsigned long)stores + 1);
	KUNIT_EXPECT_TRUE(test, frontswap_holds(FST_TYPE, 5));
	KUNIT_EXPECT_FALSE(test, frontswap_holds(FST_TYPE, 6));

	/* storing the same slot again replaces the copy, still one page */
	KUNIT_EXPECT_TRUE(test, frontswap_store(out));
	KUNIT_EXPECT_EQ(test, fst_count(&fs_stats.stored), stored + 1);

	in = fst_folio(test, 0, 5, 0);
	KUNIT_EXPECT_TRUE(test, frontswap_load(in));
	KUNIT_EXPECT_TRUE(test, folio_test_uptodate(in));
	KUNIT_EXPECT_TRUE(test, fst_page_is(in, 0, 0x5a));
	KUNIT_EXPECT_EQ(test, fst_count(&fs_stats.loads), loads + 1);
	/* a load keeps the copy */
	KUNIT_EXPECT_TRUE(test, test_bit(5, map));

	/* a slot the backend does not hold is never asked for */
	calls = fst.nr_calls;
	in->swap = swp_entry(FST_TYPE, 6);
	folio_clear_uptodate(in);
	KUNIT_EXPECT_FALSE(test, frontswap_load(in));
	KUNIT_EXPECT_FALSE(test, folio_test_uptodate(in));
	KUNIT_EXPECT_EQ(test, fst.nr_calls, calls);

	/* freeing the slot drops the copy; freeing it again costs nothing */
	frontswap_invalidate_page(FST_TYPE, 5);
	KUNIT_EXPECT_FALSE(test, test_bit(5, map));
	KUNIT_EXPECT_FALSE(test, frontswap_holds(FST_TYPE, 5));
	KUNIT_EXPECT_EQ(test, fst.log[fst.nr_calls - 1].op, FST_INV_PAGE);
	KUNIT_EXPECT_EQ(test, fst.log[fst.nr_calls - 1].offset, 5UL);
	KUNIT_EXPECT_NULL(test, fst.slot[5]);
	KUNIT_EXPECT_EQ(test, fst_count(&fs_stats.invalidates), invs + 1);
	KUNIT_EXPECT_EQ(test, fst_count(&fs_stats.stored), stored);
	calls = fst.nr_calls;
	frontswap_invalidate_page(FST_TYPE, 5);
	KUNIT_EXPECT_EQ(test, fst.nr_calls, calls);
	in->swap = swp_entry(FST_TYPE, 5);
	KUNIT_EXPECT_FALSE(test, frontswap_load(in));
	KUNIT_EXPECT_EQ(test, fst.nr_calls, calls);

	fst_folio_put(out);
	fst_folio_put(in);
}

/* a refused store must not leave an older copy that a load would return */
static void frontswap_test_failed_store(struct kunit *test)
{
	long failed = fst_count(&fs_stats.failed_stores);
	unsigned long *map = frontswap_areas[FST_TYPE].map;
	struct folio *v1, *v2;

	v1 = fst_folio(test, 0, 7, 0x10);
	KUNIT_ASSERT_TRUE(test, frontswap_store(v1));
	KUNIT_ASSERT_TRUE(test, test_bit(7, map));

	v2 = fst_folio(test, 0, 7, 0x20);
	fst.fail_store_at = 7;
	KUNIT_EXPECT_FALSE(test, frontswap_store(v2));
	KUNIT_EXPECT_EQ(test, fst_count(&fs_stats.failed_stores), failed + 1);
	KUNIT_EXPECT_FALSE(test, test_bit(7, map));
	KUNIT_EXPECT_EQ(test, fst.log[fst.nr_calls - 2].op, FST_STORE);
	KUNIT_EXPECT_EQ(test, fst.log[fst.nr_calls - 1].op, FST_INV_PAGE);
	KUNIT_EXPECT_NULL(test, fst.slot[7]);
	/* the page went to disk: a load must not claim it */
	folio_clear_uptodate(v2);
	KUNIT_EXPECT_FALSE(test, frontswap_load(v2));

	fst_folio_put(v1);
	fst_folio_put(v2);
}

/* large folios: all pages stored, or none held afterwards */
static void frontswap_test_large_folio(struct kunit *test)
{
	unsigned long *map = frontswap_areas[FST_TYPE].map;
	long errors = fst_count(&fs_stats.load_errors);
	struct folio *out, *in;
	unsigned long i;

	out = fst_folio(test, 2, 8, 0x40);
	KUNIT_ASSERT_EQ(test, folio_nr_pages(out), 4L);

	fst.fail_store_at = 10;
	KUNIT_EXPECT_FALSE(test, frontswap_store(out));
	for (i = 8; i < 12; i++) {
		KUNIT_EXPECT_FALSE(test, test_bit(i, map));
		KUNIT_EXPECT_NULL(test, fst.slot[i]);
	}

	fst.fail_store_at = -1;
	KUNIT_EXPECT_TRUE(test, frontswap_store(out));
	KUNIT_EXPECT_EQ(test, bitmap_weight(map, FST_SLOTS), 4U);

	in = fst_folio(test, 2, 8, 0);
	KUNIT_EXPECT_TRUE(test, frontswap_load(in));
	KUNIT_EXPECT_TRUE(test, folio_test_uptodate(in));
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_TRUE(test, fst_page_is(in, i, 0x40));

	/* partly held: reported as an I/O error, never half-filled */
	frontswap_invalidate_page(FST_TYPE, 9);
	kunit_info(test, "expected next: \"only 3 of 4 pages held\" error\n");
	folio_clear_uptodate(in);
	KUNIT_EXPECT_TRUE(test, frontswap_load(in));
	KUNIT_EXPECT_FALSE(test, folio_test_uptodate(in));
	KUNIT_EXPECT_EQ(test, fst_count(&fs_stats.load_errors), errors + 4);

	fst_folio_put(out);
	fst_folio_put(in);
}

/* swapoff drops what is left and stops the hooks for that device */
static void frontswap_test_swapoff(struct kunit *test)
{
	long stored = fst_count(&fs_stats.stored);
	struct folio *folio = fst_folio(test, 0, 1, 0x33);

	KUNIT_ASSERT_TRUE(test, frontswap_store(folio));
	KUNIT_EXPECT_EQ(test, fst_count(&fs_stats.stored), stored + 1);
	frontswap_swapoff(FST_TYPE);
	KUNIT_EXPECT_EQ(test, fst.log[fst.nr_calls - 1].op, FST_INV_AREA);
	KUNIT_EXPECT_EQ(test, fst_count(&fs_stats.stored), stored);
	KUNIT_EXPECT_NULL(test, frontswap_areas[FST_TYPE].map);
	KUNIT_EXPECT_FALSE(test, frontswap_store(folio));
	KUNIT_EXPECT_FALSE(test, frontswap_load(folio));
	fst_folio_put(folio);
	KUNIT_ASSERT_EQ(test, frontswap_swapon(FST_TYPE, FST_SLOTS), 0);
}

static struct kunit_case frontswap_disabled_cases[] = {
	KUNIT_CASE(frontswap_test_disabled),
	{}
};

static struct kunit_suite frontswap_disabled_suite = {
	.name = "frontswap_disabled",
	.test_cases = frontswap_disabled_cases,
};

static struct kunit_case frontswap_backend_cases[] = {
	KUNIT_CASE(frontswap_test_register),
	KUNIT_CASE(frontswap_test_store_load_invalidate),
	KUNIT_CASE(frontswap_test_failed_store),
	KUNIT_CASE(frontswap_test_large_folio),
	KUNIT_CASE(frontswap_test_swapoff),
	{}
};

static struct kunit_suite frontswap_backend_suite = {
	.name = "frontswap_backend",
	.init = fst_test_init,
	.exit = fst_test_exit,
	.test_cases = frontswap_backend_cases,
};

kunit_test_suites(&frontswap_disabled_suite, &frontswap_backend_suite);
