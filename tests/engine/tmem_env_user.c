/*
 * tmem_env_user.c: userspace implementation of the tmem engine seam.
 *
 * Data pages are carved from 2 MiB mmap regions and recycled through a
 * LIFO free list, so that steady-state puts never enter malloc.  A heap
 * limit simulates the hypervisor's free memory; per-domain maxima simulate
 * the charging of persistent pages.
 */
#define _GNU_SOURCE
#include "tmem_engine.h"
#include <pthread.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>

#define ENV_PAGE 4096
#define ENV_REGION_PAGES 512
#define ENV_MAX_DOMS 0x10000

int tmem_env_user_verbose;
struct tmem_env_user_stats tmem_env_user_stats;

static tmem_spinlock_t env_lock;
static void **env_regions;
static long env_nr_regions, env_max_regions;
static long env_heap_limit;
static long env_dom_max[ENV_MAX_DOMS];
static long env_dom_charged[ENV_MAX_DOMS];
static long env_dom_init;
static long env_fail_zalloc;
static unsigned int env_fail_one_in;
static uint64_t env_fail_state;

static void env_init_once(void)
{
    long i;

    if ( __atomic_load_n(&env_dom_init, __ATOMIC_ACQUIRE) )
        return;
    tmem_spin_lock(&env_lock);
    if ( !env_dom_init )
    {
        for ( i = 0; i < ENV_MAX_DOMS; i++ )
            env_dom_max[i] = -1;
        __atomic_store_n(&env_dom_init, 1, __ATOMIC_RELEASE);
    }
    tmem_spin_unlock(&env_lock);
}

void tmem_env_user_set_heap_limit(long pages)
{
    tmem_atomic_set(&env_heap_limit, pages);
}

void tmem_env_user_set_domain_max(uint16_t domid, long pages)
{
    env_init_once();
    tmem_atomic_set(&env_dom_max[domid], pages);
}

long tmem_env_user_domain_charged(uint16_t domid)
{
    return tmem_atomic_read(&env_dom_charged[domid]);
}

void tmem_env_user_fail_zalloc(long n)
{
    tmem_atomic_set(&env_fail_zalloc, n);
}

void tmem_env_user_fail_zalloc_random(unsigned int one_in, uint64_t seed)
{
    tmem_spin_lock(&env_lock);
    env_fail_one_in = one_in;
    env_fail_state = seed | 1;
    tmem_spin_unlock(&env_lock);
}

/*
 * Free pages are kept in an array used as a stack, not linked through the
 * pages themselves: popping a page must not touch its (cold) memory.
 */
static void **env_stack;
static long env_stack_n, env_stack_max;

/* Take one page from the free stack, refilling it from a new region. */
static void *env_get_page(void)
{
    void *p;
    char *r;
    long i;

    tmem_spin_lock(&env_lock);
    if ( !env_stack_n )
    {
        if ( env_nr_regions == env_max_regions )
        {
            long n = env_max_regions ? env_max_regions * 2 : 64;
            void **nr = realloc(env_regions, n * sizeof(*nr));

            if ( !nr )
            {
                tmem_spin_unlock(&env_lock);
                return NULL;
            }
            env_regions = nr;
            env_max_regions = n;
        }
        if ( env_stack_max < env_nr_regions * ENV_REGION_PAGES +
                             ENV_REGION_PAGES )
        {
            long n = (env_nr_regions + 1) * ENV_REGION_PAGES * 2;
            void **ns = realloc(env_stack, n * sizeof(*ns));

            if ( !ns )
            {
                tmem_spin_unlock(&env_lock);
                return NULL;
            }
            env_stack = ns;
            env_stack_max = n;
        }
        r = mmap(NULL, ENV_REGION_PAGES * ENV_PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if ( r == MAP_FAILED )
        {
            tmem_spin_unlock(&env_lock);
            return NULL;
        }
        env_regions[env_nr_regions++] = r;
        for ( i = ENV_REGION_PAGES - 1; i >= 0; i-- )
            env_stack[env_stack_n++] = r + i * ENV_PAGE;
    }
    p = env_stack[--env_stack_n];
    tmem_spin_unlock(&env_lock);
    return p;
}

static void env_put_page(void *p)
{
    tmem_spin_lock(&env_lock);
    /* Room is guaranteed: the stack holds every page of every region. */
    env_stack[env_stack_n++] = p;
    tmem_spin_unlock(&env_lock);
}

void tmem_env_user_release(void)
{
    long i;

    tmem_spin_lock(&env_lock);
    for ( i = 0; i < env_nr_regions; i++ )
        munmap(env_regions[i], ENV_REGION_PAGES * ENV_PAGE);
    free(env_regions);
    free(env_stack);
    env_regions = NULL;
    env_stack = NULL;
    env_nr_regions = env_max_regions = 0;
    env_stack_n = env_stack_max = 0;
    tmem_spin_unlock(&env_lock);
}

/* A domain's owner handle is its slot here: it only carries the id. */
struct tmem_env_owner {
    uint16_t domid;
};
static struct tmem_env_owner env_owners[ENV_MAX_DOMS];
static bool env_dom_gone[ENV_MAX_DOMS];

void tmem_env_user_set_domain_gone(uint16_t domid, bool gone)
{
    __atomic_store_n(&env_dom_gone[domid], gone, __ATOMIC_RELAXED);
}

struct tmem_env_owner *tmem_env_owner_get(uint16_t domid)
{
    if ( __atomic_load_n(&env_dom_gone[domid], __ATOMIC_RELAXED) )
        return NULL;
    env_owners[domid].domid = domid;
    tmem_atomic_add(&tmem_env_user_stats.owners_held, 1);
    return &env_owners[domid];
}

void tmem_env_owner_put(struct tmem_env_owner *owner)
{
    long held = __atomic_sub_fetch(&tmem_env_user_stats.owners_held, 1,
                                   __ATOMIC_RELAXED);

    TMEM_ASSERT(owner && held >= 0);
}

struct tmem_env_page *tmem_env_alloc_page(struct tmem_env_owner *owner,
                                          bool persistent, int *reason)
{
    uint16_t domid = owner ? owner->domid : 0;
    long limit = tmem_atomic_read(&env_heap_limit);
    long in_use, peak;
    void *p;

    env_init_once();
    /* The domain's max first: a refused charge must not look like a
     * heap shortage (which would make the engine evict for nothing). */
    if ( persistent )
    {
        long max = tmem_atomic_read(&env_dom_max[domid]);
        long c = __atomic_add_fetch(&env_dom_charged[domid], 1,
                                    __ATOMIC_RELAXED);

        if ( max >= 0 && c > max )
        {
            tmem_atomic_add(&env_dom_charged[domid], -1);
            *reason = TMEM_ENV_NOMEM_QUOTA;
            return NULL;
        }
    }
    in_use = __atomic_add_fetch(&tmem_env_user_stats.pages_in_use, 1,
                                __ATOMIC_RELAXED);
    if ( limit && in_use > limit )
    {
        tmem_atomic_add(&tmem_env_user_stats.pages_in_use, -1);
        if ( persistent )
            tmem_atomic_add(&env_dom_charged[domid], -1);
        *reason = TMEM_ENV_NOMEM_HEAP;
        return NULL;
    }
    p = env_get_page();
    if ( !p )
    {
        if ( persistent )
            tmem_atomic_add(&env_dom_charged[domid], -1);
        tmem_atomic_add(&tmem_env_user_stats.pages_in_use, -1);
        *reason = TMEM_ENV_NOMEM_HEAP;
        return NULL;
    }
    peak = tmem_atomic_read(&tmem_env_user_stats.pages_peak);
    if ( in_use > peak )
        tmem_atomic_set(&tmem_env_user_stats.pages_peak, in_use);
    return (struct tmem_env_page *)p;
}

void tmem_env_free_page(struct tmem_env_page *pg,
                        struct tmem_env_owner *owner, bool persistent)
{
    uint16_t domid = owner ? owner->domid : 0;

    if ( persistent )
    {
        long c = __atomic_sub_fetch(&env_dom_charged[domid], 1,
                                    __ATOMIC_RELAXED);

        TMEM_ASSERT(c >= 0);
    }
    tmem_atomic_add(&tmem_env_user_stats.pages_in_use, -1);
    env_put_page(pg);
}

void *tmem_env_map_page(struct tmem_env_page *pg)
{
    return pg;
}

void tmem_env_unmap_page(void *va)
{
    (void)va;
}

static bool env_zalloc_should_fail(void)
{
    bool fail = false;

    /* Countdown: the allocation that brings it from 1 to 0 fails. */
    if ( tmem_atomic_read(&env_fail_zalloc) > 0 &&
         __atomic_sub_fetch(&env_fail_zalloc, 1, __ATOMIC_RELAXED) == 0 )
        return true;
    if ( __atomic_load_n(&env_fail_one_in, __ATOMIC_RELAXED) )
    {
        tmem_spin_lock(&env_lock);
        if ( env_fail_one_in )
        {
            /* xorshift64: reproducible from the test's seed. */
            env_fail_state ^= env_fail_state << 13;
            env_fail_state ^= env_fail_state >> 7;
            env_fail_state ^= env_fail_state << 17;
            fail = (env_fail_state % env_fail_one_in) == 0;
        }
        tmem_spin_unlock(&env_lock);
    }
    return fail;
}

/*
 * What one _xzalloc(size, 8) holds of Xen's heap (xen/common/xmalloc_tlsf.c
 * in 4.17), so that a benchmark can state metadata with the allocator's
 * overhead: below a page, a TLSF block of the size rounded up to 16 bytes
 * and, from 128 bytes, to the next of 32 steps per power of two, behind a
 * 16-byte header; above a page less two headers, whole pages.
 */
static long env_xmalloc_cost(size_t size)
{
    size_t s = size < 16 ? 16 : (size + 15) & ~(size_t)15;

    if ( s >= 128 )
    {
        size_t step = (size_t)1 << (63 - __builtin_clzl(s) - 5);

        s = (s + step - 1) & ~(step - 1);
    }
    if ( s > 4096 - 32 )
        return (long)((size + 4095) & ~(size_t)4095);
    return (long)s + 16;
}

void *tmem_env_zalloc(size_t size)
{
    void *p;
    long b, peak;

    if ( env_zalloc_should_fail() )
        return NULL;
    p = calloc(1, size);
    if ( !p )
        return NULL;
    b = __atomic_add_fetch(&tmem_env_user_stats.meta_bytes, (long)size,
                           __ATOMIC_RELAXED);
    tmem_atomic_add(&tmem_env_user_stats.meta_allocs, 1);
    tmem_atomic_add(&tmem_env_user_stats.meta_xmalloc_bytes,
                    env_xmalloc_cost(size));
    peak = tmem_atomic_read(&tmem_env_user_stats.meta_peak);
    if ( b > peak )
        tmem_atomic_set(&tmem_env_user_stats.meta_peak, b);
    return p;
}

void tmem_env_free(void *p, size_t size)
{
    if ( !p )
        return;
    tmem_atomic_add(&tmem_env_user_stats.meta_bytes, -(long)size);
    tmem_atomic_add(&tmem_env_user_stats.meta_allocs, -1);
    tmem_atomic_add(&tmem_env_user_stats.meta_xmalloc_bytes,
                    -env_xmalloc_cost(size));
    free(p);
}

static int env_check_frame(struct tmem_env_caller *c, uint64_t frame)
{
    if ( !c || !c->mem || frame >= c->nr_frames )
        return -TMEM_EINVAL;
    if ( c->bad && (c->bad[frame >> 3] & (1u << (frame & 7))) )
        return -TMEM_EFAULT;
    return 0;
}

int tmem_env_copy_from_frame(struct tmem_env_caller *caller, uint64_t frame,
                             void *buf)
{
    int rc = env_check_frame(caller, frame);

    if ( rc )
        return rc;
    memcpy(buf, caller->mem + frame * ENV_PAGE, ENV_PAGE);
    return 0;
}

int tmem_env_copy_to_frame(struct tmem_env_caller *caller, uint64_t frame,
                           const void *buf)
{
    int rc = env_check_frame(caller, frame);

    if ( rc )
        return rc;
    memcpy(caller->mem + frame * ENV_PAGE, buf, ENV_PAGE);
    return 0;
}

uint64_t tmem_env_user_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * Keys for the engine's hashes.  A fixed sequence keeps every run of a
 * test the same; the engine's behaviour must not depend on the values.
 */
uint64_t tmem_env_random64(void)
{
    static uint64_t state = 0x243f6a8885a308d3ull;
    uint64_t x = __atomic_add_fetch(&state, 0x9e3779b97f4a7c15ull,
                                    __ATOMIC_RELAXED);

    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

unsigned int tmem_env_nr_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_CONF);

    return n > 0 ? (unsigned int)n : 1;
}

unsigned int tmem_env_cpu_hint(void)
{
    int c = sched_getcpu();

    return c >= 0 ? (unsigned int)c : 0;
}

/* ---- per-CPU slots: one per live thread ---- */

__thread unsigned int tmem_env_user_slot;
struct tmem_env_user_reader tmem_env_user_readers[TMEM_ENV_USER_SLOTS];
long tmem_env_user_write_locks;
static unsigned char env_slot_used[TMEM_ENV_USER_SLOTS];
static pthread_key_t env_slot_key;
static pthread_once_t env_slot_once = PTHREAD_ONCE_INIT;

static void env_slot_release(void *v)
{
    unsigned int s = (unsigned int)(uintptr_t)v;

    if ( !s || s > TMEM_ENV_USER_SLOTS )
        return;
    tmem_spin_lock(&env_lock);
    env_slot_used[s - 1] = 0;
    tmem_spin_unlock(&env_lock);
}

static void env_slot_key_init(void)
{
    if ( pthread_key_create(&env_slot_key, env_slot_release) )
        abort();
}

unsigned int tmem_env_user_slot_claim(void)
{
    unsigned int i, s = TMEM_ENV_USER_SLOTS + 1;    /* none */

    pthread_once(&env_slot_once, env_slot_key_init);
    tmem_spin_lock(&env_lock);
    for ( i = 0; i < TMEM_ENV_USER_SLOTS; i++ )
        if ( !env_slot_used[i] )
        {
            env_slot_used[i] = 1;
            s = i + 1;
            break;
        }
    tmem_spin_unlock(&env_lock);
    if ( s <= TMEM_ENV_USER_SLOTS )
        pthread_setspecific(env_slot_key, (void *)(uintptr_t)s);
    tmem_env_user_slot = s;
    return s - 1;
}
