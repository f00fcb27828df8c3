// SPDX-License-Identifier: GPL-2.0
/*
 * frontswap: let a backend keep swapped-out pages instead of the swap device
 *
 * The swap path (mm/page_io.c, mm/swapfile.c) calls the inline wrappers of
 * <linux/frontswap.h>; they are patched out by a static key until a backend
 * registers.  For every enabled swap device this file keeps a bitmap with
 * one bit per slot, set while the backend holds that slot's page, so that a
 * load is only attempted where a store succeeded and a freed slot only costs
 * a hypercall (or whatever the backend does) when the backend held it.
 *
 * See Documentation/mm/frontswap.rst.
 */

#define pr_fmt(fmt) "frontswap: " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/frontswap.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swapops.h>

/* the registered backend; NULL when there is none */
static const struct frontswap_ops *frontswap_ops __read_mostly;

/* on while a backend is registered: tested by the hooks in the swap path */
DEFINE_STATIC_KEY_FALSE(frontswap_enabled_key);
EXPORT_SYMBOL_GPL(frontswap_enabled_key);

/* serialises registration against swapon/swapoff */
static DEFINE_MUTEX(frontswap_mutex);

/*
 * Per swap type: bit N set while the backend holds slot N.  Set up at
 * swapon before the device can be used, torn down at swapoff once nobody
 * can use it any more, so the hot paths read it without the mutex.
 */
struct frontswap_area {
	unsigned long *map;
	unsigned long nr_slots;
};

static struct frontswap_area frontswap_areas[MAX_SWAPFILES];

/* Counters (debugfs frontswap/); all count pages. */
struct frontswap_stats {
	atomic_long_t loads;
	atomic_long_t succ_stores;
	atomic_long_t failed_stores;
	atomic_long_t invalidates;
	atomic_long_t load_errors;
	atomic_long_t stored;
};

static struct frontswap_stats fs_stats;

static unsigned long *frontswap_map(unsigned int type, pgoff_t offset,
				    unsigned long nr)
{
	struct frontswap_area *area;
	unsigned long *map;

	if (WARN_ON_ONCE(type >= MAX_SWAPFILES))
		return NULL;
	area = &frontswap_areas[type];
	map = READ_ONCE(area->map);
	if (!map)
		return NULL;
	if (WARN_ON_ONCE(offset >= area->nr_slots ||
			 nr > area->nr_slots - offset))
		return NULL;
	return map;
}

/**
 * frontswap_register_ops - register the frontswap backend
 * @ops: the backend's operations
 *
 * Only one backend can be registered.  Swap devices that are already
 * enabled are announced to it through @ops->init; their pages that are
 * on the swap device stay there.
 *
 * Return: 0, or -EBUSY when another backend is registered.
 */
int frontswap_register_ops(const struct frontswap_ops *ops)
{
	unsigned int type;

	mutex_lock(&frontswap_mutex);
	if (frontswap_ops) {
		mutex_unlock(&frontswap_mutex);
		return -EBUSY;
	}
	WRITE_ONCE(frontswap_ops, ops);
	for (type = 0; type < MAX_SWAPFILES; type++)
		if (frontswap_areas[type].map)
			ops->init(type);
	static_branch_enable(&frontswap_enabled_key);
	mutex_unlock(&frontswap_mutex);
	return 0;
}
EXPORT_SYMBOL_GPL(frontswap_register_ops);

/**
 * frontswap_unregister_ops - unregister the frontswap backend
 * @ops: the operations passed to frontswap_register_ops()
 *
 * Only possible while no swap device is enabled, so that nothing can be
 * held by the backend or be on its way to it.
 *
 * Return: 0, -EINVAL if @ops is not registered, -EBUSY while swap is on.
 */
int frontswap_unregister_ops(const struct frontswap_ops *ops)
{
	unsigned int type;
	int ret = 0;

	mutex_lock(&frontswap_mutex);
	if (frontswap_ops != ops) {
		ret = -EINVAL;
		goto out;
	}
	for (type = 0; type < MAX_SWAPFILES; type++) {
		if (frontswap_areas[type].map) {
			ret = -EBUSY;
			goto out;
		}
	}
	static_branch_disable(&frontswap_enabled_key);
	WRITE_ONCE(frontswap_ops, NULL);
out:
	mutex_unlock(&frontswap_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(frontswap_unregister_ops);

/**
 * frontswap_curr_pages - number of pages the backend holds now
 */
unsigned long frontswap_curr_pages(void)
{
	return atomic_long_read(&fs_stats.stored);
}
EXPORT_SYMBOL_GPL(frontswap_curr_pages);

/**
 * frontswap_stores - number of pages the backend took since boot
 *
 * A self-shrinking backend reads it to tell whether swap has gone quiet.
 */
unsigned long frontswap_stores(void)
{
	return atomic_long_read(&fs_stats.succ_stores);
}
EXPORT_SYMBOL_GPL(frontswap_stores);

/**
 * frontswap_holds - whether the backend holds slot @offset of swap @type
 * @type: swap type
 * @offset: slot
 *
 * Context: the caller keeps the swap device from going away (it holds a
 * reference from get_swap_device()), and with it the slot bitmap.
 */
bool frontswap_holds(unsigned int type, pgoff_t offset)
{
	unsigned long *map = frontswap_map(type, offset, 1);

	return map && test_bit(offset, map);
}

/**
 * frontswap_swapon - a swap device of @type with @nr_pages slots is enabled
 * @type: swap type
 * @nr_pages: number of slots
 *
 * The slot bitmap is set up even without a backend, so that a backend
 * registering later can be used for this device too.
 *
 * Return: 0 or -ENOMEM.
 */
int frontswap_swapon(unsigned int type, unsigned long nr_pages)
{
	unsigned long *map;

	if (WARN_ON_ONCE(type >= MAX_SWAPFILES))
		return -EINVAL;
	map = kvcalloc(BITS_TO_LONGS(nr_pages), sizeof(long), GFP_KERNEL);
	if (!map)
		return -ENOMEM;

	mutex_lock(&frontswap_mutex);
	WARN_ON_ONCE(frontswap_areas[type].map);
	frontswap_areas[type].nr_slots = nr_pages;
	WRITE_ONCE(frontswap_areas[type].map, map);
	if (frontswap_ops)
		frontswap_ops->init(type);
	mutex_unlock(&frontswap_mutex);
	return 0;
}

/**
 * frontswap_swapoff - the swap device of @type is going away
 * @type: swap type
 *
 * swapoff has already read every used slot back (through frontswap_load())
 * and freed it, so the backend should hold nothing for @type any more; what
 * it may still hold is dropped as a whole.
 */
void frontswap_swapoff(unsigned int type)
{
	struct frontswap_area *area;
	unsigned long left;

	if (WARN_ON_ONCE(type >= MAX_SWAPFILES))
		return;
	area = &frontswap_areas[type];

	mutex_lock(&frontswap_mutex);
	if (!area->map)
		goto out;
	left = bitmap_weight(area->map, area->nr_slots);
	if (left) {
		pr_warn("swap type %u: backend still held %lu pages at swapoff\n",
			type, left);
		atomic_long_sub(left, &fs_stats.stored);
		atomic_long_add(left, &fs_stats.invalidates);
	}
	if (frontswap_ops)
		frontswap_ops->invalidate_area(type);
	kvfree(area->map);
	WRITE_ONCE(area->map, NULL);
	area->nr_slots = 0;
out:
	mutex_unlock(&frontswap_mutex);
}

/* drop the backend's copies of slots [offset, offset + nr) */
static void frontswap_drop_range(const struct frontswap_ops *ops,
				 unsigned long *map, unsigned int type,
				 pgoff_t offset, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++) {
		if (!test_and_clear_bit(offset + i, map))
			continue;
		ops->invalidate_page(type, offset + i);
		atomic_long_inc(&fs_stats.invalidates);
		atomic_long_dec(&fs_stats.stored);
	}
}

/*
 * Store every page of the locked swap-cache @folio, or none: when one page
 * is refused, the copies made for this folio and any older copies of its
 * slots are dropped and the whole folio goes to the swap device.
 */
bool __frontswap_store(struct folio *folio)
{
	const struct frontswap_ops *ops = READ_ONCE(frontswap_ops);
	unsigned long nr = folio_nr_pages(folio);
	unsigned int type = swp_type(folio->swap);
	pgoff_t offset = swp_offset(folio->swap);
	unsigned long *map;
	unsigned long i;

	VM_WARN_ON_ONCE_FOLIO(!folio_test_locked(folio), folio);

	map = frontswap_map(type, offset, nr);
	if (!ops || !map)
		return false;

	for (i = 0; i < nr; i++) {
		if (ops->store(type, offset + i, folio_page(folio, i)))
			break;
		if (!test_and_set_bit(offset + i, map))
			atomic_long_inc(&fs_stats.stored);
	}
	if (i == nr) {
		atomic_long_add(nr, &fs_stats.succ_stores);
		return true;
	}

	atomic_long_add(nr, &fs_stats.failed_stores);
	frontswap_drop_range(ops, map, type, offset, nr);
	return false;
}
EXPORT_SYMBOL_GPL(__frontswap_store);

bool __frontswap_load(struct folio *folio)
{
	const struct frontswap_ops *ops = READ_ONCE(frontswap_ops);
	unsigned long nr = folio_nr_pages(folio);
	unsigned int type = swp_type(folio->swap);
	pgoff_t offset = swp_offset(folio->swap);
	unsigned long *map;
	unsigned long i, held = 0;

	VM_WARN_ON_ONCE_FOLIO(!folio_test_locked(folio), folio);

	map = frontswap_map(type, offset, nr);
	if (!ops || !map)
		return false;

	for (i = 0; i < nr; i++)
		held += test_bit(offset + i, map);
	if (!held)
		return false;

	/*
	 * The slots the backend holds are not on the swap device: a folio
	 * that is only partly in the backend, or a page the backend cannot
	 * give back, can only be reported as an I/O error (folio !uptodate).
	 */
	if (held != nr) {
		pr_err_ratelimited("swap type %u offset %lu: only %lu of %lu pages held\n",
				   type, offset, held, nr);
		atomic_long_add(nr, &fs_stats.load_errors);
		return true;
	}
	for (i = 0; i < nr; i++) {
		if (ops->load(type, offset + i, folio_page(folio, i))) {
			pr_err_ratelimited("swap type %u offset %lu: backend lost the page\n",
					   type, offset + i);
			atomic_long_add(nr, &fs_stats.load_errors);
			return true;
		}
	}
	atomic_long_add(nr, &fs_stats.loads);
	folio_mark_uptodate(folio);
	return true;
}
EXPORT_SYMBOL_GPL(__frontswap_load);

void __frontswap_invalidate_page(unsigned int type, pgoff_t offset)
{
	const struct frontswap_ops *ops = READ_ONCE(frontswap_ops);
	unsigned long *map = frontswap_map(type, offset, 1);

	if (!ops || !map)
		return;
	frontswap_drop_range(ops, map, type, offset, 1);
}
EXPORT_SYMBOL_GPL(__frontswap_invalidate_page);

#ifdef CONFIG_DEBUG_FS
static int frontswap_counter_get(void *data, u64 *val)
{
	*val = atomic_long_read((atomic_long_t *)data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(frontswap_counter_fops, frontswap_counter_get,
			 NULL, "%llu\n");

static int __init frontswap_debugfs_init(void)
{
	static const struct {
		const char *name;
		atomic_long_t *counter;
	} files[] = {
		{ "loads", &fs_stats.loads },
		{ "succ_stores", &fs_stats.succ_stores },
		{ "failed_stores", &fs_stats.failed_stores },
		{ "invalidates", &fs_stats.invalidates },
		{ "load_errors", &fs_stats.load_errors },
		{ "stored_pages", &fs_stats.stored },
	};
	struct dentry *root = debugfs_create_dir("frontswap", NULL);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files); i++)
		debugfs_create_file_unsafe(files[i].name, 0444, root,
					   files[i].counter,
					   &frontswap_counter_fops);
	return 0;
}
late_initcall(frontswap_debugfs_init);
#endif /* CONFIG_DEBUG_FS */

#ifdef CONFIG_FRONTSWAP_KUNIT_TEST
#include "frontswap_kunit.c"
#endif
