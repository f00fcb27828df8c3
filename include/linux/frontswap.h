/* SPDX-License-Identifier: GPL-2.0 */
/*
 * frontswap: hooks that let a backend keep swapped-out pages somewhere
 * other than the swap device (for example in hypervisor memory).
 *
 * See Documentation/mm/frontswap.rst.
 */
#ifndef _LINUX_FRONTSWAP_H
#define _LINUX_FRONTSWAP_H

#include <linux/errno.h>
#include <linux/jump_label.h>
#include <linux/types.h>

struct folio;
struct page;

/**
 * struct frontswap_ops - a frontswap backend
 * @init: a swap device of this type was enabled (may sleep)
 * @store: keep a copy of @page for slot (@type, @offset); return 0 on
 *	success, a negative errno if the page must go to the swap device.
 *	A successful store replaces any copy the backend held for the slot.
 *	Called in process context with the page locked.
 * @load: fill @page with the copy kept for (@type, @offset); return 0 on
 *	success, a negative errno otherwise.  The backend keeps its copy.
 *	Called in process context with the page locked.
 * @invalidate_page: drop the copy kept for (@type, @offset), if any.
 *	Called with the swap device's lock held: may not sleep.
 * @invalidate_area: drop every copy kept for swap device @type (may sleep).
 */
struct frontswap_ops {
	void (*init)(unsigned int type);
	int (*store)(unsigned int type, pgoff_t offset, struct page *page);
	int (*load)(unsigned int type, pgoff_t offset, struct page *page);
	void (*invalidate_page)(unsigned int type, pgoff_t offset);
	void (*invalidate_area)(unsigned int type);
};

#ifdef CONFIG_FRONTSWAP

DECLARE_STATIC_KEY_FALSE(frontswap_enabled_key);

int frontswap_register_ops(const struct frontswap_ops *ops);
int frontswap_unregister_ops(const struct frontswap_ops *ops);
unsigned long frontswap_curr_pages(void);
unsigned long frontswap_stores(void);
bool frontswap_holds(unsigned int type, pgoff_t offset);
unsigned long frontswap_shrink(unsigned long nr_pages);

int frontswap_swapon(unsigned int type, unsigned long nr_pages);
void frontswap_swapoff(unsigned int type);

bool __frontswap_store(struct folio *folio);
bool __frontswap_load(struct folio *folio);
void __frontswap_invalidate_page(unsigned int type, pgoff_t offset);

/* true once a backend is registered; patched out (static key) before */
static inline bool frontswap_enabled(void)
{
	return static_branch_unlikely(&frontswap_enabled_key);
}

/*
 * frontswap_store - offer a locked swap-cache folio to the backend
 *
 * Returns true when the backend holds every page of @folio and the write to
 * the swap device can be skipped; false when the folio must be written to
 * the swap device (no copy of it is then left in the backend).
 */
static inline bool frontswap_store(struct folio *folio)
{
	if (frontswap_enabled())
		return __frontswap_store(folio);
	return false;
}

/*
 * frontswap_load - read a locked swap-cache folio from the backend
 *
 * Returns false when the backend holds none of the folio's slots (read the
 * swap device).  Returns true when the backend was responsible for the
 * folio; the folio is then uptodate unless the backend lost data, in which
 * case it is left !uptodate so that the caller sees an I/O error.
 */
static inline bool frontswap_load(struct folio *folio)
{
	if (frontswap_enabled())
		return __frontswap_load(folio);
	return false;
}

/* a swap slot was freed: drop the backend's copy of it */
static inline void frontswap_invalidate_page(unsigned int type,
					     pgoff_t offset)
{
	if (frontswap_enabled())
		__frontswap_invalidate_page(type, offset);
}

#else /* !CONFIG_FRONTSWAP */

static inline int frontswap_register_ops(const struct frontswap_ops *ops)
{
	return -ENODEV;
}

static inline unsigned long frontswap_curr_pages(void)
{
	return 0;
}

static inline unsigned long frontswap_stores(void)
{
	return 0;
}

static inline bool frontswap_holds(unsigned int type, pgoff_t offset)
{
	return false;
}

static inline unsigned long frontswap_shrink(unsigned long nr_pages)
{
	return 0;
}

static inline bool frontswap_enabled(void)
{
	return false;
}

static inline int frontswap_swapon(unsigned int type, unsigned long nr_pages)
{
	return 0;
}

static inline void frontswap_swapoff(unsigned int type)
{
}

static inline bool frontswap_store(struct folio *folio)
{
	return false;
}

static inline bool frontswap_load(struct folio *folio)
{
	return false;
}

static inline void frontswap_invalidate_page(unsigned int type,
					     pgoff_t offset)
{
}

#endif /* CONFIG_FRONTSWAP */

#endif /* _LINUX_FRONTSWAP_H */
