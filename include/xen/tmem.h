/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen transcendent memory (tmem): the guest side of hypercall 38.
 *
 * struct tmem_op and __HYPERVISOR_tmem_op come from
 * <xen/interface/xen.h>; this header adds the commands, pool flags and
 * result codes of the interface, and the helpers the driver and its tests
 * share.
 */
#ifndef _XEN_TMEM_H
#define _XEN_TMEM_H

#include <linux/types.h>
#include <xen/interface/xen.h>

/* commands (struct tmem_op.cmd) a guest may issue */
#define TMEM_NEW_POOL		1
#define TMEM_DESTROY_POOL	2
#define TMEM_PUT_PAGE		4
#define TMEM_GET_PAGE		5
#define TMEM_FLUSH_PAGE		6
#define TMEM_FLUSH_OBJECT	7

/* TMEM_NEW_POOL flags */
#define TMEM_POOL_PERSIST		0x1
#define TMEM_POOL_SHARED		0x2
#define TMEM_POOL_PAGESIZE_SHIFT	4
#define TMEM_POOL_PAGESIZE_MASK		0xf
#define TMEM_POOL_VERSION_SHIFT		24

/* tmem specific results, besides the usual negative errnos */
#define TMEM_EFROZEN	1000	/* put into a frozen client */
#define TMEM_EEMPTY	1001	/* get from an empty pool */

/*
 * Xen's ENOSYS: the hypervisor has no handler for hypercall 38 (tmem not
 * built in) or does not know the command.
 */
#define TMEM_ENOHYPERCALL	38

/* a private pool's UUID */
#define TMEM_POOL_PRIVATE_UUID	(~0ULL)

/* the object id of a tmem page (24 bytes) */
struct tmem_oid {
	u64 oid[3];
};

/* frontswap: 16 consecutive slots of a swap type form one object */
#define TMEM_FRONTSWAP_SLOTS_PER_OBJ_SHIFT	4

/**
 * tmem_frontswap_oid - object and index of swap slot (@type, @offset)
 * @type: swap type
 * @offset: slot
 * @oid: set to the object id
 *
 * Return: the index of the slot in its object.
 */
static inline u64 tmem_frontswap_oid(unsigned int type, unsigned long offset,
				     struct tmem_oid *oid)
{
	unsigned long low = offset &
		((1UL << TMEM_FRONTSWAP_SLOTS_PER_OBJ_SHIFT) - 1);

	oid->oid[0] = ((u64)type << TMEM_FRONTSWAP_SLOTS_PER_OBJ_SHIFT) | low;
	oid->oid[1] = 0;
	oid->oid[2] = 0;
	return offset >> TMEM_FRONTSWAP_SLOTS_PER_OBJ_SHIFT;
}

/* NEW_POOL flags for a pool of pages of 1 << @page_shift bytes */
static inline u32 tmem_pool_flags(bool persist, bool shared,
				  unsigned int page_shift)
{
	u32 flags = (u32)TMEM_SPEC_VERSION << TMEM_POOL_VERSION_SHIFT;

	flags |= ((page_shift - 12) & TMEM_POOL_PAGESIZE_MASK) <<
		 TMEM_POOL_PAGESIZE_SHIFT;
	if (persist)
		flags |= TMEM_POOL_PERSIST;
	if (shared)
		flags |= TMEM_POOL_SHARED;
	return flags;
}

/*
 * Whether the tmem driver is on (the guest booted with tmem=1 and Xen has
 * tmem), and whether frontswap uses it; settled by the end of the device
 * initcalls.
 */
bool xen_tmem_active(void);
bool xen_tmem_frontswap_active(void);

#endif /* _XEN_TMEM_H */
