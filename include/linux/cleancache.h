/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cleancache: a second-chance cache for clean page-cache pages, kept by a
 * backend outside the guest's own memory (for example by the hypervisor).
 *
 * See Documentation/mm/cleancache.rst.
 */
#ifndef _LINUX_CLEANCACHE_H
#define _LINUX_CLEANCACHE_H

#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/jump_label.h>
#include <linux/types.h>
#include <linux/uuid.h>

/* sb->cleancache_poolid of a filesystem that does not use cleancache */
#define CLEANCACHE_NO_POOL	(-1)

/*
 * The key of a file in a pool: inode number and generation, so that a
 * recycled inode number never finds its predecessor's pages.
 */
struct cleancache_filekey {
	u64 k[3];
};

/**
 * struct cleancache_ops - a cleancache backend
 * @init_fs: create a private pool for a filesystem; return the pool id
 *	(>= 0) or a negative errno.  May sleep.
 * @init_shared_fs: same for a pool that other guests mounting the
 *	filesystem with the same @uuid may share.  May sleep.
 * @get_page: copy the page kept for (@pool, @key, @index) into @page;
 *	return 0 if it did, a negative errno otherwise.
 * @put_page: keep a copy of @page for (@pool, @key, @index), replacing any
 *	older one; return 0 if kept, a negative errno if not.
 * @invalidate_page: drop the copy of (@pool, @key, @index), if any.
 * @invalidate_inode: drop every page of (@pool, @key).
 * @invalidate_fs: drop @pool and everything in it.  May sleep.
 *
 * @get_page, @put_page, @invalidate_page and @invalidate_inode may be
 * called with interrupts disabled and spinlocks held: they may not sleep.
 */
struct cleancache_ops {
	int (*init_fs)(size_t pagesize);
	int (*init_shared_fs)(const uuid_t *uuid, size_t pagesize);
	int (*get_page)(int pool, const struct cleancache_filekey *key,
			pgoff_t index, struct page *page);
	int (*put_page)(int pool, const struct cleancache_filekey *key,
			pgoff_t index, struct page *page);
	void (*invalidate_page)(int pool, const struct cleancache_filekey *key,
				pgoff_t index);
	void (*invalidate_inode)(int pool,
				 const struct cleancache_filekey *key);
	void (*invalidate_fs)(int pool);
};

#ifdef CONFIG_CLEANCACHE

DECLARE_STATIC_KEY_FALSE(cleancache_enabled_key);

int cleancache_register_ops(const struct cleancache_ops *ops);
int cleancache_unregister_ops(const struct cleancache_ops *ops);

void cleancache_init_fs(struct super_block *sb);
void cleancache_init_shared_fs(struct super_block *sb);

bool __cleancache_get_folio(struct folio *folio);
void __cleancache_put_folio(struct folio *folio);
void __cleancache_invalidate_inode(struct address_space *mapping);
void __cleancache_invalidate_fs(struct super_block *sb);

static inline bool cleancache_enabled(void)
{
	return static_branch_unlikely(&cleancache_enabled_key);
}

static inline bool cleancache_fs_enabled(const struct super_block *sb)
{
	return READ_ONCE(sb->cleancache_poolid) >= 0;
}

/*
 * cleancache_get_folio - fill a locked, !uptodate page-cache folio from the
 * backend instead of reading it from disk.  Returns true if the folio was
 * filled; the caller marks it uptodate and unlocks it.
 */
static inline bool cleancache_get_folio(struct folio *folio)
{
	if (cleancache_enabled())
		return __cleancache_get_folio(folio);
	return false;
}

/*
 * cleancache_put_folio - offer a clean, uptodate folio that is leaving the
 * page cache (it is locked and can no longer be found by lookups).
 */
static inline void cleancache_put_folio(struct folio *folio)
{
	if (cleancache_enabled())
		__cleancache_put_folio(folio);
}

/* the file's contents changed behind the page cache, or it is going away */
static inline void cleancache_invalidate_inode(struct address_space *mapping)
{
	if (cleancache_enabled())
		__cleancache_invalidate_inode(mapping);
}

/* the filesystem is being unmounted */
static inline void cleancache_invalidate_fs(struct super_block *sb)
{
	if (cleancache_enabled())
		__cleancache_invalidate_fs(sb);
}

#else /* !CONFIG_CLEANCACHE */

static inline int cleancache_register_ops(const struct cleancache_ops *ops)
{
	return -ENODEV;
}

static inline bool cleancache_enabled(void)
{
	return false;
}

static inline void cleancache_init_fs(struct super_block *sb)
{
}

static inline void cleancache_init_shared_fs(struct super_block *sb)
{
}

static inline bool cleancache_get_folio(struct folio *folio)
{
	return false;
}

static inline void cleancache_put_folio(struct folio *folio)
{
}

static inline void cleancache_invalidate_inode(struct address_space *mapping)
{
}

static inline void cleancache_invalidate_fs(struct super_block *sb)
{
}

#endif /* CONFIG_CLEANCACHE */

#endif /* _LINUX_CLEANCACHE_H */
