// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for cleancache: opt-in, hook enable/disable, counters and a
 * fake backend checking put/get/invalidate order and that stale pages are
 * never returned.
 *
 * Included at the end of mm/cleancache.c.  The tests that register the
 * fake backend are skipped when a real backend is already registered.
 */

#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/string.h>

#define CCT_POOL	5
#define CCT_SHARED_POOL	6
#define CCT_ENTRIES	16
#define CCT_LOG_MAX	64

enum cct_op {
	CCT_INIT_FS, CCT_INIT_SHARED, CCT_GET, CCT_PUT, CCT_INV_PAGE,
	CCT_INV_INODE, CCT_INV_FS,
};

struct cct_call {
	enum cct_op op;
	int pool;
	struct cleancache_filekey key;
	pgoff_t index;
};

struct cct_entry {
	bool used;
	int pool;
	struct cleancache_filekey key;
	pgoff_t index;
	u8 data[64];	/* the start of the page is enough to tell pages apart */
};

static struct {
	struct cct_entry entries[CCT_ENTRIES];
	struct cct_call log[CCT_LOG_MAX];
	unsigned int nr_calls;
	uuid_t shared_uuid;
	long fail_put_index;
} cct;

static void cct_log(enum cct_op op, int pool,
		    const struct cleancache_filekey *key, pgoff_t index)
{
	struct cct_call *c;

	if (cct.nr_calls >= CCT_LOG_MAX)
		return;
	c = &cct.log[cct.nr_calls++];
	c->op = op;
	c->pool = pool;
	if (key)
		c->key = *key;
	c->index = index;
}

static const struct cct_call *cct_last(void)
{
	return cct.nr_calls ? &cct.log[cct.nr_calls - 1] : NULL;
}

static struct cct_entry *cct_find(int pool,
				  const struct cleancache_filekey *key,
				  pgoff_t index)
{
	unsigned int i;

	for (i = 0; i < CCT_ENTRIES; i++) {
		struct cct_entry *e = &cct.entries[i];

		if (e->used && e->pool == pool && e->index == index &&
		    !memcmp(&e->key, key, sizeof(*key)))
			return e;
	}
	return NULL;
}

static int cct_init_fs(size_t pagesize)
{
	cct_log(CCT_INIT_FS, -1, NULL, pagesize);
	return CCT_POOL;
}

static int cct_init_shared_fs(const uuid_t *uuid, size_t pagesize)
{
	cct_log(CCT_INIT_SHARED, -1, NULL, pagesize);
	uuid_copy(&cct.shared_uuid, uuid);
	return CCT_SHARED_POOL;
}

static int cct_get_page(int pool, const struct cleancache_filekey *key,
			pgoff_t index, struct page *page)
{
	struct cct_entry *e = cct_find(pool, key, index);

	cct_log(CCT_GET, pool, key, index);
	if (!e)
		return -ENOENT;
	memcpy_to_page(page, 0, e->data, sizeof(e->data));
	return 0;
}

static int cct_put_page(int pool, const struct cleancache_filekey *key,
			pgoff_t index, struct page *page)
{
	struct cct_entry *e = cct_find(pool, key, index);
	unsigned int i;

	cct_log(CCT_PUT, pool, key, index);
	if ((long)index == cct.fail_put_index)
		return -ENOMEM;
	for (i = 0; !e && i < CCT_ENTRIES; i++)
		if (!cct.entries[i].used)
			e = &cct.entries[i];
	if (!e)
		return -ENOMEM;
	e->used = true;
	e->pool = pool;
	e->key = *key;
	e->index = index;
	memcpy_from_page(e->data, page, 0, sizeof(e->data));
	return 0;
}

static void cct_invalidate_page(int pool, const struct cleancache_filekey *key,
				pgoff_t index)
{
	struct cct_entry *e = cct_find(pool, key, index);

	cct_log(CCT_INV_PAGE, pool, key, index);
	if (e)
		e->used = false;
}

static void cct_invalidate_inode(int pool,
				 const struct cleancache_filekey *key)
{
	unsigned int i;

	cct_log(CCT_INV_INODE, pool, key, 0);
	for (i = 0; i < CCT_ENTRIES; i++)
		if (cct.entries[i].pool == pool &&
		    !memcmp(&cct.entries[i].key, key, sizeof(*key)))
			cct.entries[i].used = false;
}

static void cct_invalidate_fs(int pool)
{
	unsigned int i;

	cct_log(CCT_INV_FS, pool, NULL, 0);
	for (i = 0; i < CCT_ENTRIES; i++)
		if (cct.entries[i].pool == pool)
			cct.entries[i].used = false;
}

static const struct cleancache_ops cct_ops = {
	.init_fs = cct_init_fs,
	.init_shared_fs = cct_init_shared_fs,
	.get_page = cct_get_page,
	.put_page = cct_put_page,
	.invalidate_page = cct_invalidate_page,
	.invalidate_inode = cct_invalidate_inode,
	.invalidate_fs = cct_invalidate_fs,
};

/* a fake filesystem with one inode, enough for the hooks */
struct cct_fs {
	struct super_block sb;
	struct inode inode;
};

static struct cct_fs *cct_fs_alloc(struct kunit *test, unsigned long ino,
				   u32 gen)
{
	struct cct_fs *fs = kunit_kzalloc(test, sizeof(*fs), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fs);
	fs->sb.cleancache_poolid = CLEANCACHE_NO_POOL;
	strscpy(fs->sb.s_id, "cctest", sizeof(fs->sb.s_id));
	uuid_gen(&fs->sb.s_uuid);
	fs->inode.i_sb = &fs->sb;
	fs->inode.i_ino = ino;
	fs->inode.i_generation = gen;
	fs->inode.i_mapping = &fs->inode.i_data;
	fs->inode.i_data.host = &fs->inode;
	return fs;
}

static struct file_system_type cct_fs_type = { .name = "cctest" };

/* a locked page-cache folio of @mapping at @index filled with @seed */
static struct folio *cct_folio(struct kunit *test,
			       struct address_space *mapping, pgoff_t index,
			       u8 seed)
{
	struct folio *folio = folio_alloc(GFP_KERNEL, 0);

	KUNIT_ASSERT_NOT_NULL(test, folio);
	memset_page(folio_page(folio, 0), 0, seed, PAGE_SIZE);
	__folio_set_locked(folio);
	folio->mapping = mapping;
	folio->index = index;
	return folio;
}

static void cct_folio_put(struct folio *folio)
{
	folio->mapping = NULL;
	__folio_clear_locked(folio);
	folio_put(folio);
}

static u8 cct_first_byte(struct folio *folio)
{
	u8 *p = kmap_local_folio(folio, 0);
	u8 v = p[0];

	kunmap_local(p);
	return v;
}

static long cct_count(atomic_long_t *c)
{
	return atomic_long_read(c);
}

static int cct_test_init(struct kunit *test)
{
	int ret;

	memset(&cct, 0, sizeof(cct));
	cct.fail_put_index = -1;
	ret = cleancache_register_ops(&cct_ops);
	if (ret == -EBUSY)
		kunit_skip(test, "a cleancache backend is already registered");
	KUNIT_ASSERT_EQ(test, ret, 0);
	return 0;
}

static void cct_test_exit(struct kunit *test)
{
	if (cleancache_ops == &cct_ops)
		KUNIT_EXPECT_EQ(test, cleancache_unregister_ops(&cct_ops), 0);
}

/* without a backend nothing opts in and the hooks do nothing */
static void cleancache_test_disabled(struct kunit *test)
{
	struct cct_fs *fs = cct_fs_alloc(test, 12, 1);
	struct folio *folio;

	if (cleancache_ops)
		kunit_skip(test, "a cleancache backend is registered");
	fs->sb.s_type = &cct_fs_type;
	KUNIT_EXPECT_FALSE(test, cleancache_enabled());
	cleancache_init_fs(&fs->sb);
	KUNIT_EXPECT_EQ(test, fs->sb.cleancache_poolid, CLEANCACHE_NO_POOL);
	KUNIT_EXPECT_FALSE(test, cleancache_fs_enabled(&fs->sb));
	folio = cct_folio(test, fs->inode.i_mapping, 0, 1);
	KUNIT_EXPECT_FALSE(test, cleancache_get_folio(folio));
	cct_folio_put(folio);
}

/* opting in creates pools; unregistering waits for them to go */
static void cleancache_test_init_fs(struct kunit *test)
{
	struct cct_fs *priv = cct_fs_alloc(test, 12, 1);
	struct cct_fs *shared = cct_fs_alloc(test, 12, 1);

	priv->sb.s_type = &cct_fs_type;
	shared->sb.s_type = &cct_fs_type;
	KUNIT_EXPECT_TRUE(test, cleancache_enabled());
	KUNIT_EXPECT_EQ(test, cleancache_register_ops(&cct_ops), -EBUSY);

	cleancache_init_fs(&priv->sb);
	KUNIT_EXPECT_EQ(test, priv->sb.cleancache_poolid, CCT_POOL);
	KUNIT_EXPECT_EQ(test, cct_last()->op, CCT_INIT_FS);
	KUNIT_EXPECT_EQ(test, cct_last()->index, (pgoff_t)PAGE_SIZE);

	cleancache_init_shared_fs(&shared->sb);
	KUNIT_EXPECT_EQ(test, shared->sb.cleancache_poolid, CCT_SHARED_POOL);
	KUNIT_EXPECT_EQ(test, cct_last()->op, CCT_INIT_SHARED);
	KUNIT_EXPECT_TRUE(test, uuid_equal(&cct.shared_uuid,
					   &shared->sb.s_uuid));

	KUNIT_EXPECT_EQ(test, cleancache_unregister_ops(&cct_ops), -EBUSY);
	cleancache_invalidate_fs(&priv->sb);
	KUNIT_EXPECT_EQ(test, cct_last()->op, CCT_INV_FS);
	KUNIT_EXPECT_EQ(test, cct_last()->pool, CCT_POOL);
	KUNIT_EXPECT_EQ(test, priv->sb.cleancache_poolid, CLEANCACHE_NO_POOL);
	cleancache_invalidate_fs(&shared->sb);
	KUNIT_EXPECT_EQ(test, cct_last()->pool, CCT_SHARED_POOL);
}

/* put on eviction, get on a miss: same key, index and contents */
static void cleancache_test_put_get(struct kunit *test)
{
	struct cct_fs *fs = cct_fs_alloc(test, 42, 7);
	struct address_space *mapping = fs->inode.i_mapping;
	long puts = cct_count(&cc_stats.puts);
	long gets = cct_count(&cc_stats.succ_gets);
	long misses = cct_count(&cc_stats.failed_gets);
	struct folio *out, *in;

	fs->sb.s_type = &cct_fs_type;
	cleancache_init_fs(&fs->sb);
	KUNIT_ASSERT_EQ(test, fs->sb.cleancache_poolid, CCT_POOL);

	out = cct_folio(test, mapping, 3, 0xab);
	folio_mark_uptodate(out);
	cleancache_put_folio(out);
	KUNIT_EXPECT_EQ(test, cct_last()->op, CCT_PUT);
	KUNIT_EXPECT_EQ(test, cct_last()->pool, CCT_POOL);
	KUNIT_EXPECT_EQ(test, cct_last()->key.k[0], 42ULL);
	KUNIT_EXPECT_EQ(test, cct_last()->key.k[1], 7ULL);
	KUNIT_EXPECT_EQ(test, cct_last()->index, 3UL);
	KUNIT_EXPECT_EQ(test, cct_count(&cc_stats.puts), puts + 1);

	in = cct_folio(test, mapping, 3, 0);
	KUNIT_EXPECT_TRUE(test, cleancache_get_folio(in));
	KUNIT_EXPECT_EQ(test, cct_first_byte(in), 0xab);
	KUNIT_EXPECT_EQ(test, cct_count(&cc_stats.succ_gets), gets + 1);

	in->index = 4;
	KUNIT_EXPECT_FALSE(test, cleancache_get_folio(in));
	KUNIT_EXPECT_EQ(test, cct_last()->op, CCT_GET);
	KUNIT_EXPECT_EQ(test, cct_last()->index, 4UL);
	KUNIT_EXPECT_EQ(test, cct_count(&cc_stats.failed_gets), misses + 1);

	cct_folio_put(out);
	cct_folio_put(in);
	cleancache_invalidate_fs(&fs->sb);
}

/* a recycled inode number must not see its predecessor's pages */
static void cleancache_test_generation(struct kunit *test)
{
	struct cct_fs *old = cct_fs_alloc(test, 42, 1);
	struct cct_fs *new = cct_fs_alloc(test, 42, 2);
	struct folio *folio;

	old->sb.s_type = &cct_fs_type;
	cleancache_init_fs(&old->sb);
	/* same filesystem: the new inode lives in the old one's sb */
	new->inode.i_sb = &old->sb;

	folio = cct_folio(test, old->inode.i_mapping, 0, 0x11);
	folio_mark_uptodate(folio);
	cleancache_put_folio(folio);
	cct_folio_put(folio);

	folio = cct_folio(test, new->inode.i_mapping, 0, 0);
	KUNIT_EXPECT_FALSE(test, cleancache_get_folio(folio));
	folio->mapping = old->inode.i_mapping;
	KUNIT_EXPECT_TRUE(test, cleancache_get_folio(folio));
	KUNIT_EXPECT_EQ(test, cct_first_byte(folio), 0x11);
	cct_folio_put(folio);
	cleancache_invalidate_fs(&old->sb);
}

/* truncation/invalidation, unclean and refused pages leave nothing stale */
static void cleancache_test_invalidate(struct kunit *test)
{
	struct cct_fs *fs = cct_fs_alloc(test, 9, 3);
	struct address_space *mapping = fs->inode.i_mapping;
	long invs = cct_count(&cc_stats.invalidates);
	long failed = cct_count(&cc_stats.failed_puts);
	struct folio *folio, *in;
	unsigned int calls;

	fs->sb.s_type = &cct_fs_type;
	cleancache_init_fs(&fs->sb);
	folio = cct_folio(test, mapping, 0, 0x21);
	folio_mark_uptodate(folio);
	cleancache_put_folio(folio);
	in = cct_folio(test, mapping, 0, 0);

	/* the file changed behind the cache: gone */
	cleancache_invalidate_inode(mapping);
	KUNIT_EXPECT_EQ(test, cct_last()->op, CCT_INV_INODE);
	KUNIT_EXPECT_EQ(test, cct_last()->key.k[0], 9ULL);
	KUNIT_EXPECT_FALSE(test, cleancache_get_folio(in));

	/* a refused put drops the older copy */
	cleancache_put_folio(folio);
	memset_page(folio_page(folio, 0), 0, 0x22, PAGE_SIZE);
	cct.fail_put_index = 0;
	cleancache_put_folio(folio);
	KUNIT_EXPECT_EQ(test, cct.log[cct.nr_calls - 2].op, CCT_PUT);
	KUNIT_EXPECT_EQ(test, cct_last()->op, CCT_INV_PAGE);
	KUNIT_EXPECT_EQ(test, cct_count(&cc_stats.failed_puts), failed + 1);
	KUNIT_EXPECT_EQ(test, cct_count(&cc_stats.invalidates), invs + 1);
	KUNIT_EXPECT_FALSE(test, cleancache_get_folio(in));
	cct.fail_put_index = -1;

	/* a folio that is not uptodate is never put, its index is dropped */
	cleancache_put_folio(folio);
	folio_clear_uptodate(folio);
	cleancache_put_folio(folio);
	KUNIT_EXPECT_EQ(test, cct_last()->op, CCT_INV_PAGE);
	KUNIT_EXPECT_FALSE(test, cleancache_get_folio(in));

	/* an inode being evicted is not cached any more */
	folio_mark_uptodate(folio);
	calls = cct.nr_calls;
	mapping_set_exiting(mapping);
	cleancache_put_folio(folio);
	KUNIT_EXPECT_EQ(test, cct.nr_calls, calls);

	/* after unmount no call reaches the backend */
	cleancache_invalidate_fs(&fs->sb);
	calls = cct.nr_calls;
	clear_bit(AS_EXITING, &mapping->flags);
	cleancache_put_folio(folio);
	KUNIT_EXPECT_FALSE(test, cleancache_get_folio(in));
	cleancache_invalidate_inode(mapping);
	KUNIT_EXPECT_EQ(test, cct.nr_calls, calls);

	cct_folio_put(folio);
	cct_folio_put(in);
}

static struct kunit_case cleancache_disabled_cases[] = {
	KUNIT_CASE(cleancache_test_disabled),
	{}
};

static struct kunit_suite cleancache_disabled_suite = {
	.name = "cleancache_disabled",
	.test_cases = cleancache_disabled_cases,
};

static struct kunit_case cleancache_backend_cases[] = {
	KUNIT_CASE(cleancache_test_init_fs),
	KUNIT_CASE(cleancache_test_put_get),
	KUNIT_CASE(cleancache_test_generation),
	KUNIT_CASE(cleancache_test_invalidate),
	{}
};

static struct kunit_suite cleancache_backend_suite = {
	.name = "cleancache_backend",
	.init = cct_test_init,
	.exit = cct_test_exit,
	.test_cases = cleancache_backend_cases,
};

kunit_test_suites(&cleancache_disabled_suite, &cleancache_backend_suite);
