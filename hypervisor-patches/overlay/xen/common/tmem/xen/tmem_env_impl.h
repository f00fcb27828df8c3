/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_env_impl.h: the Xen environment of the tmem pool engine.
 *
 * Included (through tmem_env.h) by every engine source file; see the
 * contract at the top of tmem_env.h.  The out-of-line part is tmem_env.c.
 */
#ifndef TMEM_ENV_IMPL_H
#define TMEM_ENV_IMPL_H

#include <xen/types.h>
#include <xen/string.h>
#include <xen/lib.h>
#include <xen/nospec.h>
#include <xen/spinlock.h>
#include <xen/rwlock.h>
#include <asm/atomic.h>
#include <asm/system.h>
#include <xen/cpumask.h>
#include <xen/smp.h>

#define TMEM_ASSERT(cond)       ASSERT(cond)
#define TMEM_NOSPEC(idx, size)  array_index_nospec(idx, size)

/*
 * Guest-triggerable diagnostics: guest log level, so they obey guest_loglvl
 * and its rate limit and a guest cannot flood the console.
 */
#define TMEM_LOG(fmt, ...) \
    printk(XENLOG_G_INFO "tmem: " fmt "\n", ## __VA_ARGS__)

typedef spinlock_t tmem_spinlock_t;
#define tmem_spin_init(l)       spin_lock_init(l)
#define tmem_spin_lock(l)       spin_lock(l)
#define tmem_spin_unlock(l)     spin_unlock(l)
#define tmem_spin_trylock(l)    spin_trylock(l)

/*
 * The engine's one rwlock (its global lock) is a per-CPU rwlock: a read
 * unlock is a plain store.  Its per-CPU owner slots are tmem's own
 * (tmem_env.c), so no other lock shares them.
 */
typedef percpu_rwlock_t tmem_rwlock_t;
DECLARE_PERCPU_RWLOCK_GLOBAL(tmem_percpu_rwlock);
#define tmem_rwlock_init(l) \
    percpu_rwlock_resource_init(l, tmem_percpu_rwlock)
#define tmem_read_lock(l)       percpu_read_lock(tmem_percpu_rwlock, l)
#define tmem_read_unlock(l)     percpu_read_unlock(tmem_percpu_rwlock, l)
#define tmem_write_lock(l)      percpu_write_lock(tmem_percpu_rwlock, l)
#define tmem_write_unlock(l)    percpu_write_unlock(tmem_percpu_rwlock, l)

/* The per-client rwlock: Xen's own (queued, fair to writers). */
typedef rwlock_t tmem_rwspin_t;
#define tmem_rwspin_init(l)         rwlock_init(l)
#define tmem_rwspin_read_lock(l)    read_lock(l)
#define tmem_rwspin_read_unlock(l)  read_unlock(l)
#define tmem_rwspin_write_lock(l)   write_lock(l)
#define tmem_rwspin_write_unlock(l) write_unlock(l)

static inline long tmem_atomic_read(long *p)
{
    return read_atomic(p);
}

static inline void tmem_atomic_set(long *p, long v)
{
    write_atomic(p, v);
}

static inline void tmem_atomic_add(long *p, long v)
{
    arch_fetch_and_add(p, v);
}

/* The old value; a locked add, so a full barrier on x86. */
static inline long tmem_atomic_fetch_add(long *p, long v)
{
    return arch_fetch_and_add(p, v);
}

/*
 * Per-CPU slots (tmem_env.h): the CPU itself.  Engine code runs with
 * tmem_in_engine set and is never preempted or re-entered on a CPU.
 */
#define TMEM_ENV_NO_SLOT        (~0u)

static inline unsigned int tmem_env_nr_cpu_slots(void)
{
    return nr_cpu_ids;
}

static inline unsigned int tmem_env_cpu_slot(void)
{
    return smp_processor_id();
}

#endif /* TMEM_ENV_IMPL_H */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
