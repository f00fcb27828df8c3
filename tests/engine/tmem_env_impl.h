/*
 * tmem_env_impl.h: userspace environment for the tmem engine (test harness).
 *
 * Found by the engine as <tmem_env_impl.h> through -I tests/engine.  Provides
 * the types, locks and atomics that tmem_env.h lists; the out-of-line
 * functions are in tmem_env_user.c.
 */
#ifndef TMEM_ENV_IMPL_H
#define TMEM_ENV_IMPL_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>

#define TMEM_ASSERT(c)                                                     \
    do {                                                                   \
        if ( !(c) )                                                        \
        {                                                                  \
            fprintf(stderr, "TMEM_ASSERT failed %s:%d: %s\n", __FILE__,    \
                    __LINE__, #c);                                         \
            abort();                                                       \
        }                                                                  \
    } while ( 0 )

/* No speculative side channel to close in the test harness. */
#define TMEM_NOSPEC(idx, size)   (idx)

extern int tmem_env_user_verbose;
#define TMEM_LOG(fmt, ...)                                                 \
    do {                                                                   \
        if ( tmem_env_user_verbose )                                       \
            fprintf(stderr, "tmem: " fmt "\n", ##__VA_ARGS__);             \
    } while ( 0 )

static inline void tmem_env_relax(unsigned int *spins)
{
    /* Spin briefly, then yield: tests run more threads than CPUs. */
    if ( ++*spins < 64 )
        __builtin_ia32_pause();
    else
    {
        *spins = 0;
        sched_yield();
    }
}

/* Test-and-test-and-set spinlock. */
typedef struct { int v; } tmem_spinlock_t;

static inline void tmem_spin_init(tmem_spinlock_t *l)
{
    __atomic_store_n(&l->v, 0, __ATOMIC_RELAXED);
}

static inline int tmem_spin_trylock(tmem_spinlock_t *l)
{
    return __atomic_load_n(&l->v, __ATOMIC_RELAXED) == 0 &&
           __atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE) == 0;
}

static inline void tmem_spin_lock(tmem_spinlock_t *l)
{
    unsigned int spins = 0;

    while ( !tmem_spin_trylock(l) )
        tmem_env_relax(&spins);
}

static inline void tmem_spin_unlock(tmem_spinlock_t *l)
{
    __atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
}

/*
 * Writer-preferring rwlock, like Xen's: once a writer waits, new readers
 * wait too, so a recursive read lock could deadlock here as it would in Xen.
 */
#define TMEM_RW_WHELD  0x40000000u
#define TMEM_RW_WWAIT  0x20000000u
#define TMEM_RW_READER 0x1fffffffu
typedef struct { unsigned int v; } tmem_rwlock_t;

static inline void tmem_rwlock_init(tmem_rwlock_t *l)
{
    __atomic_store_n(&l->v, 0, __ATOMIC_RELAXED);
}

static inline void tmem_read_lock(tmem_rwlock_t *l)
{
    unsigned int spins = 0, s;

    for ( ;; )
    {
        s = __atomic_load_n(&l->v, __ATOMIC_RELAXED);
        if ( !(s & (TMEM_RW_WHELD | TMEM_RW_WWAIT)) &&
             __atomic_compare_exchange_n(&l->v, &s, s + 1, false,
                                         __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) )
            return;
        tmem_env_relax(&spins);
    }
}

static inline void tmem_read_unlock(tmem_rwlock_t *l)
{
    __atomic_fetch_sub(&l->v, 1, __ATOMIC_RELEASE);
}

static inline void tmem_write_lock(tmem_rwlock_t *l)
{
    unsigned int spins = 0, s;

    for ( ;; )
    {
        s = __atomic_load_n(&l->v, __ATOMIC_RELAXED);
        if ( !(s & (TMEM_RW_WHELD | TMEM_RW_READER)) )
        {
            if ( __atomic_compare_exchange_n(&l->v, &s, TMEM_RW_WHELD, false,
                                             __ATOMIC_ACQUIRE,
                                             __ATOMIC_RELAXED) )
                return;
            continue;
        }
        if ( !(s & TMEM_RW_WWAIT) )
            __atomic_fetch_or(&l->v, TMEM_RW_WWAIT, __ATOMIC_RELAXED);
        tmem_env_relax(&spins);
    }
}

static inline void tmem_write_unlock(tmem_rwlock_t *l)
{
    __atomic_fetch_and(&l->v, ~TMEM_RW_WHELD, __ATOMIC_RELEASE);
}

#define tmem_atomic_read(p)      __atomic_load_n((p), __ATOMIC_RELAXED)
#define tmem_atomic_set(p, v)    __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define tmem_atomic_add(p, v)    ((void)__atomic_fetch_add((p), (v), \
                                                            __ATOMIC_RELAXED))

/*
 * Per-CPU slots (tmem_env.h): one per thread that calls the engine, held
 * from its first call until it exits (a pthread key releases it).  A thread
 * beyond TMEM_ENV_USER_SLOTS concurrent ones gets none (the engine then
 * takes its locked paths).
 */
#define TMEM_ENV_NO_SLOT      (~0u)
#define TMEM_ENV_USER_SLOTS   64
extern __thread unsigned int tmem_env_user_slot;   /* slot + 1; 0: none yet */
unsigned int tmem_env_user_slot_claim(void);

static inline unsigned int tmem_env_nr_cpu_slots(void)
{
    return TMEM_ENV_USER_SLOTS;
}

static inline unsigned int tmem_env_cpu_slot(void)
{
    unsigned int s = tmem_env_user_slot;

    if ( __builtin_expect(s != 0, 1) )
        return s - 1;
    return tmem_env_user_slot_claim();
}

/*
 * Userspace-only: the simulated guest.  A caller owns `nr_frames' 4 KiB
 * frames at `mem'; frames >= nr_frames are out of range (-EINVAL) and
 * frames whose bit is set in `bad' are not RAM (-EFAULT).
 */
struct tmem_env_caller {
    uint16_t domid;
    uint8_t *mem;
    uint64_t nr_frames;
    const uint8_t *bad;       /* bitmap, may be NULL */
};

/* Userspace-only knobs and counters (tmem_env_user.c). */
struct tmem_env_user_stats {
    long pages_in_use;        /* data pages held by the engine */
    long pages_peak;
    long meta_bytes;          /* bytes currently allocated via zalloc */
    long meta_peak;
    long meta_allocs;         /* live zalloc allocations */
};
extern struct tmem_env_user_stats tmem_env_user_stats;

/* Limit on data pages in use (0: unlimited): the simulated free heap. */
void tmem_env_user_set_heap_limit(long pages);
/* Per-domain limit on persistent pages charged (-1: unlimited). */
void tmem_env_user_set_domain_max(uint16_t domid, long pages);
long tmem_env_user_domain_charged(uint16_t domid);
/* Fail the n-th next metadata allocation, once (fault injection). */
void tmem_env_user_fail_zalloc(long n);
/* Fail zalloc calls with a probability of 1/n (0: never); seeded. */
void tmem_env_user_fail_zalloc_random(unsigned int one_in, uint64_t seed);
/* Release the page cache (at teardown, so that leak checkers are quiet). */
void tmem_env_user_release(void);

#endif /* TMEM_ENV_IMPL_H */
