/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_env.h: everything the tmem engine needs from its environment.
 *
 * The engine is compiled unchanged in two environments: Xen
 * (xen/common/tmem/xen/tmem_env_impl.h + tmem_env.c, by the Xen glue) and
 * userspace (tests/engine/tmem_env_impl.h + tmem_env_user.c).  Each provides
 * a header named <tmem_env_impl.h>, found via -I, and the out-of-line
 * functions declared at the end of this file.
 *
 * <tmem_env_impl.h> must provide:
 *
 *  Types and helpers
 *    uint8_t .. uint64_t, int8_t .. int64_t, size_t, bool/true/false, NULL;
 *    memcpy, memset, memcmp (Xen: xen/string.h; no other libc is used).
 *    TMEM_ASSERT(cond)       debug assertion (may compile to nothing).
 *    TMEM_LOG(fmt, ...)      diagnostic line, printf-style with only %s, %d,
 *                            %u, %lu, %lx (Xen: printk with XENLOG_G_*).
 *    TMEM_NOSPEC(idx, size)  idx clamped under speculation after a bounds
 *                            check (Xen: array_index_nospec).
 *
 *  Locks (none of them is held across a call back into the guest)
 *    tmem_spinlock_t;  tmem_spin_init(l), tmem_spin_lock(l),
 *        tmem_spin_unlock(l), tmem_spin_trylock(l) -> nonzero if taken.
 *    tmem_rwlock_t;    tmem_rwlock_init(l), tmem_read_lock(l),
 *        tmem_read_unlock(l), tmem_write_lock(l), tmem_write_unlock(l).
 *        A per-CPU ("big reader") rwlock: a reader marks its own slot
 *        (see tmem_env_cpu_slot()) and fences, its unlock is a plain
 *        store; a writer excludes new readers and waits for every slot.
 *        Readers never nest and unlock in the context that locked; the
 *        engine has exactly one (the global lock).
 *    tmem_rwspin_t;    tmem_rwspin_init(l), tmem_rwspin_read_lock(l),
 *        tmem_rwspin_read_unlock(l), tmem_rwspin_write_lock(l),
 *        tmem_rwspin_write_unlock(l).  A plain spinning rwlock that
 *        lets no stream of readers starve a writer; one per client.
 *    (Xen: spinlock_t/spin_lock/..., percpu_rwlock_t/percpu_read_lock/...,
 *    rwlock_t/read_lock/...; all take a pointer.)
 *
 *  Atomic counters on `long' (64-bit on x86-64), relaxed ordering is enough:
 *    tmem_atomic_read(long *p), tmem_atomic_set(long *p, long v),
 *    tmem_atomic_add(long *p, long v), and tmem_atomic_fetch_add(long *p,
 *    long v), which returns the old value and orders like a full barrier.
 *    (Xen: read_atomic/write_atomic/arch_fetch_and_add or __atomic builtins.)
 *
 * Data pages are opaque (struct tmem_env_page: Xen's struct page_info) and
 * are only touched between tmem_env_map_page() and tmem_env_unmap_page()
 * (Xen: __map_domain_page / unmap_domain_page; userspace: identity).  A map
 * is short-lived and never held while sleeping or across another map of
 * more than two pages at once.
 */
#ifndef TMEM_ENV_H
#define TMEM_ENV_H

#include <tmem_env_impl.h>

/*
 * Opaque per-call environment handle, created by the glue for each
 * hypercall and handed back to the copy functions.
 */
struct tmem_env_caller;

/* Opaque data page. */
struct tmem_env_page;

/* Reasons for a refused page allocation. */
#define TMEM_ENV_NOMEM_HEAP   1   /* no free memory: eviction may help */
#define TMEM_ENV_NOMEM_QUOTA  2   /* domain at its max: eviction won't help */

/*
 * The domain a client's persistent pages are charged to, held for the
 * client's whole life so that no page has to look its domain up (Xen: a
 * reference on the struct domain).  tmem_env_owner_get() returns NULL when
 * domid is no domain or one being destroyed; every owner it returned is
 * given back once with tmem_env_owner_put().  Not on any hot path.
 */
struct tmem_env_owner;
struct tmem_env_owner *tmem_env_owner_get(uint16_t domid);
void tmem_env_owner_put(struct tmem_env_owner *owner);

/*
 * Allocate one 4 KiB data page.  Ephemeral pages (persistent == false) come
 * from the free heap charged to no domain (owner may be NULL); persistent
 * pages are charged to owner and refused once it would exceed its maximum
 * (check that before the heap, so that a refused charge reports QUOTA).
 * Returns NULL and sets *reason on failure.  Must not sleep; may be called
 * with engine locks held (never with a map outstanding).
 */
struct tmem_env_page *tmem_env_alloc_page(struct tmem_env_owner *owner,
                                          bool persistent, int *reason);

/* Free a page from tmem_env_alloc_page(), undoing the charge it made. */
void tmem_env_free_page(struct tmem_env_page *pg,
                        struct tmem_env_owner *owner, bool persistent);

/* Map/unmap a data page for access by the engine (4 KiB, writable). */
void *tmem_env_map_page(struct tmem_env_page *pg);
void tmem_env_unmap_page(void *va);

/*
 * Small-object allocator for metadata: zeroed memory or NULL.  size is
 * passed back on free so that the environment can account for it.
 */
void *tmem_env_zalloc(size_t size);
void tmem_env_free(void *p, size_t size);

/*
 * Copy one whole 4 KiB page from / to the caller's guest frame.  Xen:
 * resolve frame through the caller's p2m, take a page reference (and a
 * writable type for copy_to), map, copy, release.  Returns 0, -TMEM_EFAULT
 * (frame not RAM / not accessible) or -TMEM_EINVAL (frame out of range).
 * buf is engine memory (a mapped data page or engine scratch).
 */
int tmem_env_copy_from_frame(struct tmem_env_caller *caller, uint64_t frame,
                             void *buf);
int tmem_env_copy_to_frame(struct tmem_env_caller *caller, uint64_t frame,
                           const void *buf);

/*
 * 64 unpredictable bits, for keys a guest must not learn (Xen:
 * get_random()).  Not on any hot path.
 */
uint64_t tmem_env_random64(void);

/*
 * Number of CPUs and a hint of the current one (Xen: nr_cpu_ids and
 * smp_processor_id()).  The engine uses them only to spread scratch
 * buffers; it locks them, so a stale hint is harmless.
 */
unsigned int tmem_env_nr_cpus(void);
unsigned int tmem_env_cpu_hint(void);

/*
 * Per-CPU slots: data the engine touches WITHOUT a lock.
 *
 *   unsigned int tmem_env_nr_cpu_slots(void): fixed once the engine runs;
 *   unsigned int tmem_env_cpu_slot(void): the slot owned by the calling
 *       context, or any value >= tmem_env_nr_cpu_slots() (e.g.
 *       TMEM_ENV_NO_SLOT) when it has none.
 *
 * Contract: while a context is inside one engine call, no other context
 * uses its slot, and the engine is not re-entered on that slot.  Xen:
 * smp_processor_id() and nr_cpu_ids (hypervisor code is not preempted
 * between its explicit scheduling points, none of which the engine
 * reaches, and the glue never enters the engine on a CPU already inside
 * it, see tmem_in_engine).  Userspace: a slot held by the calling thread
 * from its first use until the thread exits.  The engine keeps nothing in
 * a slot across a call out to the environment.
 * Provided by <tmem_env_impl.h> (usually inline).
 */

#endif /* TMEM_ENV_H */
