// SPDX-License-Identifier: GPL-2.0
/*
 * cleancache: a second-chance cache for clean page-cache pages
 *
 * A clean, uptodate folio of an opted-in filesystem that is evicted from
 * the page cache is offered to the backend (put); a read that misses the
 * page cache asks the backend before going to disk (get).  Truncation,
 * invalidation (direct I/O writes) and unmount drop what the backend holds,
 * so that it can never return stale data.  The hooks are patched out by a
 * static key until a backend registers.
 *
 * A filesystem opts in with cleancache_init_fs() (a pool private to this
 * guest) or cleancache_init_shared_fs() (a pool keyed by the filesystem's
 * UUID, which other guests may share); the pool id lives in
 * sb->cleancache_poolid.  Files are keyed by inode number and generation,
 * pages by their index in the file.
 *
 * See Documentation/mm/cleancache.rst.
 */

#define pr_fmt(fmt) "cleancache: " fmt

#include <linux/atomic.h>
#include <linux/cleancache.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/rcupdate.h>

/*
 * The registered backend.  Pool ids are read and the backend is called
 * inside RCU read-side sections (or with interrupts off); a pool is only
 * destroyed after its id was cleared and a grace period passed, so no get or
 * put can reach a destroyed pool, or a new pool that got the same id.
 */
static const struct cleancache_ops *cleancache_ops __read_mostly;

/* on while a backend is registered: tested by the page-cache hooks */
DEFINE_STATIC_KEY_FALSE(cleancache_enabled_key);
EXPORT_SYMBOL_GPL(cleancache_enabled_key);
static DEFINE_MUTEX(cleancache_mutex);
static unsigned int cleancache_nr_pools;

/* Counters (debugfs cleancache/); pages unless said otherwise. */
struct cleancache_stats {
	atomic_long_t succ_gets;
	atomic_long_t failed_gets;
	atomic_long_t puts;
	atomic_long_t failed_puts;
	atomic_long_t invalidates;
	atomic_long_t inode_invalidates;	/* files */
	atomic_long_t fs_invalidates;		/* filesystems */
};

static struct cleancache_stats cc_stats;

/**
 * cleancache_register_ops - register the cleancache backend
 * @ops: the backend's operations
 *
 * Filesystems mounted before the backend registers are not cached.
 *
 * Return: 0, or -EBUSY when another backend is registered.
 */
int cleancache_register_ops(const struct cleancache_ops *ops)
{
	int ret = 0;

	mutex_lock(&cleancache_mutex);
	if (cleancache_ops) {
		ret = -EBUSY;
	} else {
		WRITE_ONCE(cleancache_ops, ops);
		static_branch_enable(&cleancache_enabled_key);
	}
	mutex_unlock(&cleancache_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(cleancache_register_ops);

/**
 * cleancache_unregister_ops - unregister the cleancache backend
 * @ops: the operations passed to cleancache_register_ops()
 *
 * Return: 0, -EINVAL if @ops is not registered, -EBUSY while a filesystem
 * still has a pool.
 */
int cleancache_unregister_ops(const struct cleancache_ops *ops)
{
	int ret = 0;

	mutex_lock(&cleancache_mutex);
	if (cleancache_ops != ops) {
		ret = -EINVAL;
	} else if (cleancache_nr_pools) {
		ret = -EBUSY;
	} else {
		static_branch_disable(&cleancache_enabled_key);
		WRITE_ONCE(cleancache_ops, NULL);
	}
	mutex_unlock(&cleancache_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(cleancache_unregister_ops);

static void cleancache_new_pool(struct super_block *sb, bool shared)
{
	int pool;

	mutex_lock(&cleancache_mutex);
	if (!cleancache_ops || sb->cleancache_poolid >= 0)
		goto out;
	if (shared)
		pool = cleancache_ops->init_shared_fs(&sb->s_uuid, PAGE_SIZE);
	else
		pool = cleancache_ops->init_fs(PAGE_SIZE);
	if (pool < 0) {
		pr_info("%s (%s): no pool (%d), not cached\n", sb->s_id,
			sb->s_type->name, pool);
		goto out;
	}
	WRITE_ONCE(sb->cleancache_poolid, pool);
	cleancache_nr_pools++;
out:
	mutex_unlock(&cleancache_mutex);
}

/**
 * cleancache_init_fs - let a filesystem use cleancache, in a private pool
 * @sb: the filesystem, at the end of a successful mount
 */
void cleancache_init_fs(struct super_block *sb)
{
	cleancache_new_pool(sb, false);
}
EXPORT_SYMBOL_GPL(cleancache_init_fs);

/**
 * cleancache_init_shared_fs - same, in a pool shared by @sb->s_uuid
 * @sb: the filesystem, at the end of a successful mount
 */
void cleancache_init_shared_fs(struct super_block *sb)
{
	cleancache_new_pool(sb, true);
}
EXPORT_SYMBOL_GPL(cleancache_init_shared_fs);

static void cleancache_key(const struct inode *inode,
			   struct cleancache_filekey *key)
{
	key->k[0] = inode->i_ino;
	key->k[1] = inode->i_generation;
	key->k[2] = 0;
}

/*
 * The pool of @mapping's filesystem, or CLEANCACHE_NO_POOL.  Must be called
 * inside an RCU read-side section, which the pool id is valid in.
 * Encrypted files are not cached (their plaintext would leave the guest),
 * nor are verity files (reads from the backend would not be verified).
 */
static int cleancache_pool(const struct address_space *mapping)
{
	const struct inode *inode = mapping ? mapping->host : NULL;

	if (!inode || IS_ENCRYPTED(inode) || IS_VERITY(inode))
		return CLEANCACHE_NO_POOL;
	return READ_ONCE(inode->i_sb->cleancache_poolid);
}

bool __cleancache_get_folio(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	const struct cleancache_ops *ops;
	struct cleancache_filekey key;
	long i, nr = folio_nr_pages(folio);
	int pool;

	VM_WARN_ON_ONCE_FOLIO(!folio_test_locked(folio), folio);
	VM_WARN_ON_ONCE_FOLIO(folio_test_uptodate(folio), folio);

	rcu_read_lock();
	pool = cleancache_pool(mapping);
	ops = READ_ONCE(cleancache_ops);
	if (pool < 0 || !ops) {
		rcu_read_unlock();
		return false;
	}
	cleancache_key(mapping->host, &key);
	for (i = 0; i < nr; i++)
		if (ops->get_page(pool, &key, folio->index + i,
				  folio_page(folio, i)))
			break;
	rcu_read_unlock();

	/* a partly filled folio is read from disk as a whole */
	if (i < nr) {
		atomic_long_add(nr, &cc_stats.failed_gets);
		return false;
	}
	atomic_long_add(nr, &cc_stats.succ_gets);
	return true;
}
EXPORT_SYMBOL_GPL(__cleancache_get_folio);

/*
 * Called from __remove_mapping() with the mapping's i_pages lock held and
 * interrupts off, after the folio's refcount was frozen: it is leaving.
 */
void __cleancache_put_folio(struct folio *folio)
{
	struct address_space *mapping = folio->mapping;
	const struct cleancache_ops *ops;
	struct cleancache_filekey key;
	long i, nr = folio_nr_pages(folio);
	bool clean;
	int pool;

	/* the final truncate of an inode that is going away drops it all */
	if (!mapping || mapping_exiting(mapping))
		return;

	rcu_read_lock();
	pool = cleancache_pool(mapping);
	ops = READ_ONCE(cleancache_ops);
	if (pool < 0 || !ops)
		goto out;
	cleancache_key(mapping->host, &key);
	clean = folio_test_uptodate(folio) && !folio_test_dirty(folio);
	for (i = 0; i < nr; i++) {
		pgoff_t index = folio->index + i;

		if (clean && !ops->put_page(pool, &key, index,
					    folio_page(folio, i))) {
			atomic_long_inc(&cc_stats.puts);
			continue;
		}
		/* not kept: an older copy must not survive */
		if (clean)
			atomic_long_inc(&cc_stats.failed_puts);
		ops->invalidate_page(pool, &key, index);
		atomic_long_inc(&cc_stats.invalidates);
	}
out:
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(__cleancache_put_folio);

void __cleancache_invalidate_inode(struct address_space *mapping)
{
	const struct cleancache_ops *ops;
	struct cleancache_filekey key;
	int pool;

	rcu_read_lock();
	pool = cleancache_pool(mapping);
	ops = READ_ONCE(cleancache_ops);
	if (pool >= 0 && ops) {
		cleancache_key(mapping->host, &key);
		ops->invalidate_inode(pool, &key);
		atomic_long_inc(&cc_stats.inode_invalidates);
	}
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(__cleancache_invalidate_inode);

void __cleancache_invalidate_fs(struct super_block *sb)
{
	int pool;

	mutex_lock(&cleancache_mutex);
	pool = sb->cleancache_poolid;
	if (pool < 0 || !cleancache_ops)
		goto out;
	WRITE_ONCE(sb->cleancache_poolid, CLEANCACHE_NO_POOL);
	/* wait for gets and puts that may still use the pool id */
	synchronize_rcu();
	cleancache_ops->invalidate_fs(pool);
	cleancache_nr_pools--;
	atomic_long_inc(&cc_stats.fs_invalidates);
out:
	mutex_unlock(&cleancache_mutex);
}
EXPORT_SYMBOL_GPL(__cleancache_invalidate_fs);

#ifdef CONFIG_DEBUG_FS
static int cleancache_counter_get(void *data, u64 *val)
{
	*val = atomic_long_read((atomic_long_t *)data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(cleancache_counter_fops, cleancache_counter_get,
			 NULL, "%llu\n");

static int __init cleancache_debugfs_init(void)
{
	static const struct {
		const char *name;
		atomic_long_t *counter;
	} files[] = {
		{ "succ_gets", &cc_stats.succ_gets },
		{ "failed_gets", &cc_stats.failed_gets },
		{ "puts", &cc_stats.puts },
		{ "failed_puts", &cc_stats.failed_puts },
		{ "invalidates", &cc_stats.invalidates },
		{ "inode_invalidates", &cc_stats.inode_invalidates },
		{ "fs_invalidates", &cc_stats.fs_invalidates },
	};
	struct dentry *root = debugfs_create_dir("cleancache", NULL);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files); i++)
		debugfs_create_file_unsafe(files[i].name, 0444, root,
					   files[i].counter,
					   &cleancache_counter_fops);
	return 0;
}
late_initcall(cleancache_debugfs_init);
#endif /* CONFIG_DEBUG_FS */

#ifdef CONFIG_CLEANCACHE_KUNIT_TEST
#include "cleancache_kunit.c"
#endif
