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
 * Plain spinning rwlock (tmem_env.h), writer-preferring like Xen's queued
 * rwlock: the word counts readers, with a high bit for the writer that
 * holds or wants it; new readers wait while that bit is set.
 */
typedef struct { long v; } tmem_rwspin_t;
#define TMEM_RWSPIN_WRITER (1l << 40)

static inline void tmem_rwspin_init(tmem_rwspin_t *l)
{
    __atomic_store_n(&l->v, 0, __ATOMIC_RELAXED);
}

static inline void tmem_rwspin_read_lock(tmem_rwspin_t *l)
{
    unsigned int spins = 0;
    long v;

    for ( ;; )
    {
        v = __atomic_load_n(&l->v, __ATOMIC_RELAXED);
        if ( !(v & TMEM_RWSPIN_WRITER) &&
             __atomic_compare_exchange_n(&l->v, &v, v + 1, true,
                                         __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) )
            return;
        tmem_env_relax(&spins);
    }
}

static inline void tmem_rwspin_read_unlock(tmem_rwspin_t *l)
{
    __atomic_sub_fetch(&l->v, 1, __ATOMIC_RELEASE);
}

static inline void tmem_rwspin_write_lock(tmem_rwspin_t *l)
{
    unsigned int spins = 0;
    long v;

    for ( ;; )
    {
        v = __atomic_load_n(&l->v, __ATOMIC_RELAXED);
        if ( !(v & TMEM_RWSPIN_WRITER) &&
             __atomic_compare_exchange_n(&l->v, &v, v | TMEM_RWSPIN_WRITER,
                                         true, __ATOMIC_ACQUIRE,
                                         __ATOMIC_RELAXED) )
            break;
        tmem_env_relax(&spins);
    }
    while ( __atomic_load_n(&l->v, __ATOMIC_ACQUIRE) != TMEM_RWSPIN_WRITER )
        tmem_env_relax(&spins);
}

static inline void tmem_rwspin_write_unlock(tmem_rwspin_t *l)
{
    __atomic_sub_fetch(&l->v, TMEM_RWSPIN_WRITER, __ATOMIC_RELEASE);
}

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
 * Per-CPU ("big reader") rwlock, writer-preferring like Xen's
 * percpu_rwlock: a reader publishes the lock in its slot and then checks
 * for a writer (both sequentially consistent: one of the two sees the
 * other); its unlock is a plain release store.  A writer serialises with
 * other writers, announces itself, and waits until no slot holds the lock.
 * Threads without a slot count in `overflow' (locked increments).  A
 * nested read lock aborts: in Xen it could deadlock against a writer.
 */
typedef struct {
    int writer;                  /* a writer holds or wants the lock */
    long overflow;               /* readers without a slot */
    tmem_spinlock_t wlock;       /* serialises writers */
} tmem_rwlock_t;

struct tmem_env_user_reader {
    const void *held;            /* the rwlock this slot reads, or NULL */
    char pad[56];
};
extern struct tmem_env_user_reader tmem_env_user_readers[TMEM_ENV_USER_SLOTS];

static inline void tmem_rwlock_init(tmem_rwlock_t *l)
{
    __atomic_store_n(&l->writer, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&l->overflow, 0, __ATOMIC_RELAXED);
    tmem_spin_init(&l->wlock);
}

static inline void tmem_read_lock(tmem_rwlock_t *l)
{
    unsigned int s = tmem_env_cpu_slot(), spins = 0;
    struct tmem_env_user_reader *r;

    if ( s >= TMEM_ENV_USER_SLOTS )
    {
        for ( ;; )
        {
            __atomic_add_fetch(&l->overflow, 1, __ATOMIC_SEQ_CST);
            if ( !__atomic_load_n(&l->writer, __ATOMIC_SEQ_CST) )
                return;
            __atomic_sub_fetch(&l->overflow, 1, __ATOMIC_RELEASE);
            while ( __atomic_load_n(&l->writer, __ATOMIC_ACQUIRE) )
                tmem_env_relax(&spins);
        }
    }
    r = &tmem_env_user_readers[s];
    if ( __atomic_load_n(&r->held, __ATOMIC_RELAXED) )
        abort();                 /* nested read lock */
    for ( ;; )
    {
        __atomic_store_n(&r->held, l, __ATOMIC_SEQ_CST);
        if ( !__atomic_load_n(&l->writer, __ATOMIC_SEQ_CST) )
            return;
        __atomic_store_n(&r->held, NULL, __ATOMIC_RELEASE);
        while ( __atomic_load_n(&l->writer, __ATOMIC_ACQUIRE) )
            tmem_env_relax(&spins);
    }
}

static inline void tmem_read_unlock(tmem_rwlock_t *l)
{
    unsigned int s = tmem_env_cpu_slot();

    if ( s >= TMEM_ENV_USER_SLOTS )
        __atomic_sub_fetch(&l->overflow, 1, __ATOMIC_RELEASE);
    else
        __atomic_store_n(&tmem_env_user_readers[s].held, NULL,
                         __ATOMIC_RELEASE);
}

/* Write locks taken so far (tests check what never takes one). */
extern long tmem_env_user_write_locks;

static inline void tmem_write_lock(tmem_rwlock_t *l)
{
    unsigned int i, spins = 0;

    tmem_spin_lock(&l->wlock);
    __atomic_add_fetch(&tmem_env_user_write_locks, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&l->writer, 1, __ATOMIC_SEQ_CST);
    for ( i = 0; i < TMEM_ENV_USER_SLOTS; i++ )
        while ( __atomic_load_n(&tmem_env_user_readers[i].held,
                                __ATOMIC_SEQ_CST) == l )
            tmem_env_relax(&spins);
    while ( __atomic_load_n(&l->overflow, __ATOMIC_SEQ_CST) )
        tmem_env_relax(&spins);
}

static inline void tmem_write_unlock(tmem_rwlock_t *l)
{
    __atomic_store_n(&l->writer, 0, __ATOMIC_RELEASE);
    tmem_spin_unlock(&l->wlock);
}

#define tmem_atomic_read(p)      __atomic_load_n((p), __ATOMIC_RELAXED)
#define tmem_atomic_set(p, v)    __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define tmem_atomic_add(p, v)    ((void)__atomic_fetch_add((p), (v), \
                                                            __ATOMIC_RELAXED))
#define tmem_atomic_fetch_add(p, v) __atomic_fetch_add((p), (v), \
                                                       __ATOMIC_SEQ_CST)

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
    long meta_xmalloc_bytes;  /* the same as Xen's xmalloc would hold them */
    long meta_peak;
    long meta_allocs;         /* live zalloc allocations */
    long owners_held;         /* tmem_env_owner_get() not yet put back */
};
extern struct tmem_env_user_stats tmem_env_user_stats;

/* Limit on data pages in use (0: unlimited): the simulated free heap. */
void tmem_env_user_set_heap_limit(long pages);
/* Owner handles refused to domid (as for a dying domain) while set. */
void tmem_env_user_set_domain_gone(uint16_t domid, bool gone);
/* Per-domain limit on persistent pages charged (-1: unlimited). */
void tmem_env_user_set_domain_max(uint16_t domid, long pages);
long tmem_env_user_domain_charged(uint16_t domid);
/* Fail the n-th next metadata allocation, once (fault injection). */
void tmem_env_user_fail_zalloc(long n);
/* Fail zalloc calls with a probability of 1/n (0: never); seeded. */
void tmem_env_user_fail_zalloc_random(unsigned int one_in, uint64_t seed);
/* Release the page cache (at teardown, so that leak checkers are quiet). */
void tmem_env_user_release(void);
/* Monotonic time in nanoseconds: the harness times calls as Xen's glue does. */
uint64_t tmem_env_user_now_ns(void);

#endif /* TMEM_ENV_IMPL_H */
