/* SPDX-License-Identifier: GPL-2.0 */
/*
 * abi_hcall.h: hypercall 38 with the raw structure of abi_tmem.h, and the
 * two ways of filling it, for every guest module of the lab (the ABI
 * suite's runner, the live KUnit suite, the hostile, shared-pool and
 * timing modules) and for the userspace simulations that compile them,
 * whose _hypercall1() reaches the engine.  The includer provides
 * _hypercall1() (<asm/xen/hypercall.h> in a guest kernel).
 */
#ifndef ABI_HCALL_H
#define ABI_HCALL_H

#include "abi_tmem.h"

static inline long abi_hcall(struct abi_tmem_op *t)
{
	/* The raw 56-byte layout is exactly what hypercall 38 takes. */
	return _hypercall1(int, tmem_op, t);
}

/* A page operation (PUT, GET, FLUSH_PAGE, FLUSH_OBJECT, DESTROY_POOL). */
static inline void abi_page_op(struct abi_tmem_op *t, uint32_t cmd,
			       int32_t pool, uint64_t oid0, uint32_t index,
			       uint64_t frame)
{
	memset(t, 0, sizeof(*t));
	t->cmd = cmd;
	t->pool_id = pool;
	t->u.gen.oid.oid[0] = oid0;
	t->u.gen.index = index;
	t->u.gen.cmfn = frame;
}

static inline void abi_new_pool_op(struct abi_tmem_op *t, uint32_t flags,
				   uint64_t uuid0, uint64_t uuid1)
{
	memset(t, 0, sizeof(*t));
	t->cmd = ABI_TMEM_NEW_POOL;
	t->u.creat.uuid[0] = uuid0;
	t->u.creat.uuid[1] = uuid1;
	t->u.creat.flags = flags;
}

#endif /* ABI_HCALL_H */
