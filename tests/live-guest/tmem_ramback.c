// SPDX-License-Identifier: GPL-2.0
/*
 * tmem_ramback: a frontswap and cleancache backend in guest RAM, for tests.
 *
 * It lets the real swap and page-cache hooks be exercised without Xen
 * (tools/kernel/qemu-e2e.sh boots it under bare QEMU): swapped-out pages
 * and evicted clean pages are copied into pages of its own, up to
 * max_pages; beyond that it refuses, so the "store failed, go to disk"
 * paths run too.  Gets from cleancache are exclusive, like gets from
 * tmem's private ephemeral pools.  Once loaded it cannot be unloaded.
 */

#define pr_fmt(fmt) "tmem_ramback: " fmt

#include <linux/cleancache.h>
#include <linux/frontswap.h>
#include <linux/hashtable.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/swap.h>
#include <linux/xarray.h>

static unsigned long max_pages = 4096;
module_param(max_pages, ulong, 0444);
MODULE_PARM_DESC(max_pages, "Most pages kept at once (frontswap and cleancache)");

static atomic_long_t rb_pages;

static struct page *rb_dup(struct page *src)
{
	struct page *page;

	if (atomic_long_inc_return(&rb_pages) > max_pages)
		goto refuse;
	page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
	if (!page)
		goto refuse;
	copy_highpage(page, src);
	return page;
refuse:
	atomic_long_dec(&rb_pages);
	return NULL;
}

static void rb_release(struct page *page)
{
	if (!page)
		return;
	__free_page(page);
	atomic_long_dec(&rb_pages);
}

/* ---- frontswap: one xarray per swap type ---------------------------- */

static struct xarray rb_swap[MAX_SWAPFILES];

static void rb_fs_init(unsigned int type)
{
	pr_info("frontswap: swap type %u\n", type);
}

static int rb_fs_store(unsigned int type, pgoff_t offset, struct page *page)
{
	struct page *copy = rb_dup(page);
	void *old;

	if (!copy)
		return -ENOMEM;
	old = xa_store(&rb_swap[type], offset, copy, GFP_NOWAIT | __GFP_NOWARN);
	if (xa_is_err(old)) {
		rb_release(copy);
		return xa_err(old);
	}
	rb_release(old);
	return 0;
}

static int rb_fs_load(unsigned int type, pgoff_t offset, struct page *page)
{
	struct page *copy = xa_load(&rb_swap[type], offset);

	if (!copy)
		return -ENOENT;
	copy_highpage(page, copy);
	return 0;
}

static void rb_fs_invalidate_page(unsigned int type, pgoff_t offset)
{
	rb_release(xa_erase(&rb_swap[type], offset));
}

static void rb_fs_invalidate_area(unsigned int type)
{
	struct page *page;
	unsigned long index;

	xa_for_each(&rb_swap[type], index, page)
		rb_release(xa_erase(&rb_swap[type], index));
}

static const struct frontswap_ops rb_frontswap_ops = {
	.init = rb_fs_init,
	.store = rb_fs_store,
	.load = rb_fs_load,
	.invalidate_page = rb_fs_invalidate_page,
	.invalidate_area = rb_fs_invalidate_area,
};

/* ---- cleancache: one hash table of (pool, key, index) --------------- */

struct rb_entry {
	struct hlist_node node;
	int pool;
	struct cleancache_filekey key;
	pgoff_t index;
	struct page *page;
};

static DEFINE_HASHTABLE(rb_cc, 12);
static DEFINE_SPINLOCK(rb_cc_lock);
static int rb_cc_next_pool;

static u32 rb_hash(const struct cleancache_filekey *key, pgoff_t index)
{
	return hash_64(key->k[0] ^ (key->k[1] << 32) ^ index, 32);
}

static struct rb_entry *rb_lookup(int pool,
				  const struct cleancache_filekey *key,
				  pgoff_t index)
{
	struct rb_entry *e;

	hash_for_each_possible(rb_cc, e, node, rb_hash(key, index))
		if (e->pool == pool && e->index == index &&
		    !memcmp(&e->key, key, sizeof(*key)))
			return e;
	return NULL;
}

static void rb_remove(struct rb_entry *e)
{
	hash_del(&e->node);
	rb_release(e->page);
	kfree(e);
}

static int rb_cc_init_fs(size_t pagesize)
{
	int pool = rb_cc_next_pool++;

	pr_info("cleancache: pool %d\n", pool);
	return pool;
}

static int rb_cc_init_shared_fs(const uuid_t *uuid, size_t pagesize)
{
	return rb_cc_init_fs(pagesize);
}

static int rb_cc_get_page(int pool, const struct cleancache_filekey *key,
			  pgoff_t index, struct page *page)
{
	struct rb_entry *e;
	unsigned long flags;
	int ret = -ENOENT;

	spin_lock_irqsave(&rb_cc_lock, flags);
	e = rb_lookup(pool, key, index);
	if (e) {
		copy_highpage(page, e->page);
		rb_remove(e);
		ret = 0;
	}
	spin_unlock_irqrestore(&rb_cc_lock, flags);
	return ret;
}

static int rb_cc_put_page(int pool, const struct cleancache_filekey *key,
			  pgoff_t index, struct page *page)
{
	struct rb_entry *e, *old;
	unsigned long flags;

	e = kmalloc(sizeof(*e), GFP_ATOMIC | __GFP_NOWARN);
	if (!e)
		return -ENOMEM;
	e->page = rb_dup(page);
	if (!e->page) {
		kfree(e);
		return -ENOMEM;
	}
	e->pool = pool;
	e->key = *key;
	e->index = index;
	spin_lock_irqsave(&rb_cc_lock, flags);
	old = rb_lookup(pool, key, index);
	if (old)
		rb_remove(old);
	hash_add(rb_cc, &e->node, rb_hash(key, index));
	spin_unlock_irqrestore(&rb_cc_lock, flags);
	return 0;
}

static void rb_cc_invalidate_page(int pool,
				  const struct cleancache_filekey *key,
				  pgoff_t index)
{
	struct rb_entry *e;
	unsigned long flags;

	spin_lock_irqsave(&rb_cc_lock, flags);
	e = rb_lookup(pool, key, index);
	if (e)
		rb_remove(e);
	spin_unlock_irqrestore(&rb_cc_lock, flags);
}

/* drop what matches @pool and, if @key is given, that file */
static void rb_cc_drop_all(int pool, const struct cleancache_filekey *key)
{
	struct hlist_node *tmp;
	struct rb_entry *e;
	unsigned long flags;
	unsigned int bkt;

	spin_lock_irqsave(&rb_cc_lock, flags);
	hash_for_each_safe(rb_cc, bkt, tmp, e, node)
		if (e->pool == pool &&
		    (!key || !memcmp(&e->key, key, sizeof(*key))))
			rb_remove(e);
	spin_unlock_irqrestore(&rb_cc_lock, flags);
}

static void rb_cc_invalidate_inode(int pool,
				   const struct cleancache_filekey *key)
{
	rb_cc_drop_all(pool, key);
}

static void rb_cc_invalidate_fs(int pool)
{
	rb_cc_drop_all(pool, NULL);
	pr_info("cleancache: pool %d destroyed\n", pool);
}

static const struct cleancache_ops rb_cleancache_ops = {
	.init_fs = rb_cc_init_fs,
	.init_shared_fs = rb_cc_init_shared_fs,
	.get_page = rb_cc_get_page,
	.put_page = rb_cc_put_page,
	.invalidate_page = rb_cc_invalidate_page,
	.invalidate_inode = rb_cc_invalidate_inode,
	.invalidate_fs = rb_cc_invalidate_fs,
};

static int __init rb_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < MAX_SWAPFILES; i++)
		xa_init(&rb_swap[i]);
	ret = frontswap_register_ops(&rb_frontswap_ops);
	if (ret)
		return ret;
	ret = cleancache_register_ops(&rb_cleancache_ops);
	if (ret) {
		frontswap_unregister_ops(&rb_frontswap_ops);
		return ret;
	}
	pr_info("registered, at most %lu pages\n", max_pages);
	return 0;
}
module_init(rb_init);

MODULE_DESCRIPTION("Frontswap and cleancache backend in guest RAM, for tests");
MODULE_LICENSE("GPL");
