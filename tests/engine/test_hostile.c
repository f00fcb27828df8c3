/*
 * test_hostile.c: a guest that attacks the engine through the ordinary
 * operations, one class of attack at a time, and the bound that holds.
 *
 *   - chosen object ids: oids built to share one hash chain under the
 *     mixing the engine used before its keyed SipHash (the guest could
 *     cancel the pool's key out) spread over the buckets like random ones;
 *   - eviction over pages that free no data page (same-filled ones) stops
 *     after a bounded number of pages per call, and says it gave up;
 *   - a put that fails after building its index path leaves nothing;
 *   - concurrent puts never take a client past its page cap;
 *   - pages that need no data page (same-filled), placed sparsely so that
 *     each needs its own object and index path, cost the guest metadata it
 *     is charged for: its account never exceeds its limit and the heap
 *     grows by no more than that (plus one slab chunk of each kind);
 *   - whatever a guest made large (an object, a pool, its whole client)
 *     is freed a bounded amount per call, the rest in continuations;
 *   - a guest looping pool creation and destruction (private, persistent,
 *     joining and leaving a shared pool, creating and freeing one) never
 *     waits for another client's operation in progress.
 */
#include "harness.h"
#include "check.h"
#include "tmem_siphash.h"
#include <pthread.h>
#include <unistd.h>

#define PERS     H_FLAGS(1, 0)
/* tmem_index.c moves this many old chains per put while a hash grows. */
#define TMEM_REHASH_STEP_TEST 8
#define EPH      H_FLAGS(0, 0)

static void restart(void)
{
    CHECK_EQ(h_engine_stop_check_leaks(), 0);
    CHECK_EQ(h_engine_start(), 0);
}

/* SipHash-2-4 reference vectors: key 00..0f, message 00 01 02 ... */
static void test_siphash_vectors(void)
{
    static const uint64_t key[2] = {
        0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull,
    };
    static const uint64_t msg[3] = {
        0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull, 0x1716151413121110ull,
    };

    CHECK(tmem_siphash(key, msg, 0) == 0x726fdb47dd0e0e31ull, "0 bytes");
    CHECK(tmem_siphash(key, msg, 1) == 0x93f5f5799a932462ull, "8 bytes");
    CHECK(tmem_siphash(key, msg, 2) == 0x3f2acc7f57c29bdbull, "16 bytes");
    CHECK(tmem_siphash(key, msg, 3) == 0xb8ad50c6f649af94ull, "24 bytes");
}

static unsigned int longest_in(const uint32_t *buckets, uint32_t nbuckets)
{
    unsigned int b, n, max = 0;
    uint32_t oh;

    for ( b = 0; b < nbuckets; b++ )
    {
        n = 0;
        for ( oh = buckets[b]; oh; oh = tmem_obj_ptr(oh)->hnext )
            n++;
        if ( n > max )
            max = n;
    }
    return max;
}

/*
 * The longest walk a lookup makes in a pool (the test owns the engine: no
 * locks): its chain, plus the old table's while the pool grows.
 */
static unsigned int longest_chain(const struct tmem_pool *pool)
{
    return longest_in(pool->buckets, pool->nbuckets) +
           (pool->old_buckets ? longest_in(pool->old_buckets,
                                           pool->old_nbuckets) : 0);
}

/*
 * oid[0] ^ oid[1] * C was one value for every object of this family, and
 * the old hash added the pool's key to oid[2] only.
 */
static void adversarial_oid(uint64_t i, uint64_t oid[3])
{
    oid[1] = i;
    oid[0] = 0x5a5a5a5a5a5a5a5aull ^ (i * 0x9e3779b97f4a7c15ull);
    oid[2] = 0;
}

static void test_chosen_oids(void)
{
    enum { N = 20000 };
    struct tmem_pool *pool;
    struct hguest g;
    uint64_t oid[3];
    unsigned int i, bad = 0, chain;

    hg_init(&g, 40, 2);
    CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);
    memset(hg_frame(&g, 0), 0, 4096);               /* same-filled */
    for ( i = 0; i < N; i++ )
    {
        adversarial_oid(i, oid);
        if ( hg_op(&g, TMEM_ENGINE_CMD_PUT_PAGE, 0, oid[0], oid[1], oid[2],
                   0, 0) != 1 )
            bad++;
    }
    CHECK_EQ(bad, 0);
    pool = tmem_client_get(40)->pools[0];
    CHECK_EQ(tmem_atomic_read(&pool->st.objs), N);
    chain = longest_chain(pool);
    /*
     * Random ids at this load (below 2 objects per bucket) give chains of
     * about 10 at most; the attack gave one chain of N.
     */
    CHECK(chain <= 32, "longest chain %u over %u buckets for %u chosen oids",
          chain, pool->nbuckets, N);
    printf("test_hostile: %u chosen oids: longest chain %u in %u buckets\n",
           N, chain, pool->nbuckets);
    for ( i = 0; i < N; i++ )
    {
        adversarial_oid(i, oid);
        if ( hg_op(&g, TMEM_ENGINE_CMD_GET_PAGE, 0, oid[0], oid[1], oid[2],
                   0, 1) != 1 )
            bad++;
    }
    CHECK_EQ(bad, 0);
    hg_free(&g);
    restart();
}

/*
 * An ephemeral pool full of same-filled pages: evicting them frees no data
 * page, so an allocator asking for one page used to walk every LRU.
 */
/* A global eviction count (enum tmem_global_count), summed over CPUs. */
static long evict_count(unsigned int which)
{
    return tmem_cnt_read(&tmem_global.cnt, which);
}

static void test_evict_bound(void)
{
    enum { N = 20000 };
    struct hguest g;
    long evicted0, gave_up0, freed;
    unsigned int i, bad = 0;

    hg_init(&g, 41, 2);
    CHECK_EQ(hg_new_pool(&g, EPH, 0, 0), 0);
    memset(hg_frame(&g, 0), 0, 4096);
    for ( i = 0; i < N; i++ )
        if ( hg_put(&g, 0, i / 64, i % 64, 0) != 1 )
            bad++;
    CHECK_EQ(bad, 0);
    CHECK_EQ(tmem_data_pages_count(), 0);

    evicted0 = evict_count(TMEM_GC_EVICTED);
    gave_up0 = evict_count(TMEM_GC_EVICT_GAVE_UP);
    freed = (long)tmem_engine_reclaim(1);
    CHECK_EQ(freed, 0);
    CHECK(evict_count(TMEM_GC_EVICTED) - evicted0 <= 66,
          "one reclaim of 1 page evicted %ld pages",
          evict_count(TMEM_GC_EVICTED) - evicted0);
    CHECK_EQ(evict_count(TMEM_GC_EVICT_GAVE_UP) - gave_up0, 1);

    /* However much is asked, one call stays within the cap. */
    evicted0 = evict_count(TMEM_GC_EVICTED);
    freed = (long)tmem_engine_reclaim(~0ul);
    CHECK_EQ(freed, 0);
    CHECK(evict_count(TMEM_GC_EVICTED) - evicted0 <=
          TMEM_EVICT_MAX_EXAMINED, "one huge reclaim evicted %ld pages",
          evict_count(TMEM_GC_EVICTED) - evicted0);
    printf("test_hostile: reclaim over %u same-filled pages: at most %d "
           "examined per call\n", N, TMEM_EVICT_MAX_EXAMINED);
    hg_free(&g);
    restart();
}

/*
 * Puts that fail after building their index path (a frame the guest
 * cannot give: the copy faults) leave no metadata behind, even in an
 * object that lives on.
 */
static void test_failed_puts_leave_nothing(void)
{
    struct hguest g;
    long before, rc;
    unsigned int i, faults = 0;

    hg_init(&g, 42, 3);
    CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);
    memset(hg_frame(&g, 0), 0x5a, 4096);
    CHECK_EQ(hg_put(&g, 0, 7, 0, 0), 1);            /* the object lives */
    hg_mark_bad(&g, 2);
    before = tmem_atomic_read(&tmem_env_user_stats.meta_bytes);
    for ( i = 1; i <= 2000; i++ )
    {
        /* Sparse indices: each needs a leaf and nodes of its own. */
        rc = hg_put(&g, 0, 7, i << 14, 2);
        faults += rc == -TMEM_EFAULT;
    }
    CHECK_EQ(faults, 2000);
    CHECK(tmem_atomic_read(&tmem_env_user_stats.meta_bytes) == before,
          "2000 failed puts left %ld bytes of metadata",
          tmem_atomic_read(&tmem_env_user_stats.meta_bytes) - before);
    CHECK_EQ(hg_get(&g, 0, 7, 0, 1), 1);
    CHECK(!memcmp(hg_frame(&g, 0), hg_frame(&g, 1), 4096), "page intact");
    hg_free(&g);
    restart();
}

/*
 * Many vCPUs put at once into a client at its page cap: the cap holds
 * exactly (persistent pages are never evicted, so an overshoot stays).
 */
#define CAP_THREADS 8
#define CAP_PAGES   500

struct cap_thread {
    pthread_t th;
    struct hguest g;
    unsigned int id, stored;
    pthread_barrier_t *start;
};

static void *cap_main(void *arg)
{
    struct cap_thread *t = arg;
    unsigned int i;

    pthread_barrier_wait(t->start);
    for ( i = 0; i < CAP_PAGES; i++ )
        t->stored += hg_put(&t->g, 0, t->id, i, 0) == 1;
    return NULL;
}

static void test_page_cap_concurrent(void)
{
    struct cap_thread t[CAP_THREADS];
    unsigned long saved = tmem_engine_max_client_pages;
    pthread_barrier_t start;
    unsigned int round, i, over = 0, stored, worst = 0;
    struct hguest g;
    long pages;

    tmem_engine_max_client_pages = CAP_PAGES;
    for ( round = 0; round < 40; round++ )
    {
        uint16_t domid = (uint16_t)(200 + round);

        hg_init(&g, domid, 2);
        CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);
        pthread_barrier_init(&start, NULL, CAP_THREADS);
        for ( i = 0; i < CAP_THREADS; i++ )
        {
            t[i].id = i;
            t[i].stored = 0;
            t[i].start = &start;
            hg_init(&t[i].g, domid, 2);
            memset(hg_frame(&t[i].g, 0), 0x40 + i, 4096);
            pthread_create(&t[i].th, NULL, cap_main, &t[i]);
        }
        stored = 0;
        for ( i = 0; i < CAP_THREADS; i++ )
        {
            pthread_join(t[i].th, NULL);
            stored += t[i].stored;
            hg_free(&t[i].g);
        }
        pthread_barrier_destroy(&start);
        pages = tmem_atomic_read(&tmem_client_get(domid)->pools[0]->st.pages);
        over += pages > CAP_PAGES;
        if ( pages > (long)worst )
            worst = (unsigned int)pages;
        CHECK_EQ(pages, (long)stored);
        tmem_engine_client_destroy(domid);
        hg_free(&g);
    }
    CHECK(!over, "%u of 40 rounds overshot the cap of %u (worst %u pages)",
          over, CAP_PAGES, worst);
    CHECK_EQ(worst, CAP_PAGES);
    printf("test_hostile: %d vCPUs at a cap of %d pages, 40 rounds: at most "
           "%u pages\n", CAP_THREADS, CAP_PAGES, worst);
    tmem_engine_max_client_pages = saved;
    restart();
}

/* A sparse index for the i-th flood page: each one a new index path. */
static uint32_t sparse_index(unsigned int i)
{
    return (uint32_t)(i * 2654435761u) | 0x80000000u;
}

/*
 * Slab memory beyond the items charged: per kind of item, the chunk being
 * filled and the spare, and a middle table.
 */
static long slab_chunk_slack(void)
{
    return 2L * TMEM_SLAB_CHUNK_ITEMS *
           (long)(sizeof(struct tmem_pgd) + sizeof(struct tmem_obj) +
                  sizeof(struct tmem_zpage)) +
           3L * TMEM_SLAB_MID_ENTRIES * (long)sizeof(struct tmem_slab_chunk);
}

static void meta_flood(uint16_t domid, uint32_t flags, bool expect_refusal)
{
    enum { N = 60000, LIMIT_KIB = 1024 };
    const long limit = LIMIT_KIB * 1024L;
    struct tmem_client *c;
    struct hguest g;
    long rc, heap0, heap_max = 0, held_max = 0, held;
    unsigned int i, stored = 0, refused = 0, bad = 0;

    hg_init(&g, domid, 1);
    memset(hg_frame(&g, 0), 0x5a, 4096);        /* same-filled */
    CHECK_EQ(hg_new_pool(&g, flags, 0, 0), 0);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_SET_META_LIMIT, domid, LIMIT_KIB), 0);
    /* What a save reads back and a restore sets again (TMEM_META_LIMIT). */
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_GET_META_LIMIT, domid, 0), LIMIT_KIB);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_GET_META_LIMIT,
                       TMEM_ENGINE_CLI_ID_ALL, 0), -TMEM_EINVAL);
    c = tmem_client_get(domid);
    heap0 = tmem_atomic_read(&tmem_env_user_stats.meta_bytes);
    for ( i = 0; i < N; i++ )
    {
        rc = hg_put(&g, 0, i, sparse_index(i), 0);
        if ( rc == 1 )
            stored++;
        else if ( rc == -TMEM_ENOMEM )
            refused++;
        else
            bad++;
        held = tmem_atomic_read(&c->meta.bytes);
        if ( held > held_max )
            held_max = held;
        rc = tmem_atomic_read(&tmem_env_user_stats.meta_bytes) - heap0;
        if ( rc > heap_max )
            heap_max = rc;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(tmem_data_pages_count(), 0);
    /* Positive control: the flood did store pages, until the limit. */
    CHECK(stored >= 200, "only %u pages stored", stored);
    CHECK(held_max <= limit, "account held %ld > limit %ld", held_max,
          limit);
    CHECK(held_max > limit - 4 * 4096, "account never neared its limit: %ld",
          held_max);
    CHECK(heap_max <= limit + slab_chunk_slack(),
          "heap grew %ld bytes for a %ld-byte limit", heap_max, limit);
    if ( expect_refusal )
        CHECK(refused > 0 && stored < N, "no put refused");
    else
        CHECK_EQ(refused, 0);       /* ephemeral: its own pages make room */
    printf("test_hostile: same-filled flood (%s): %u stored, %u refused; "
           "account at most %ld KiB, heap grew at most %ld KiB, limit %ld "
           "KiB\n", flags == PERS ? "persistent" : "ephemeral", stored,
           refused, held_max >> 10, heap_max >> 10, limit >> 10);
    /* A flushed object gives its metadata back to the account. */
    held = tmem_atomic_read(&c->meta.bytes);
    for ( i = 0; i < N; i++ )
        hg_flush_obj(&g, 0, i);
    CHECK(tmem_atomic_read(&c->meta.bytes) < held / 8,
          "after flushes %ld of %ld bytes still held",
          tmem_atomic_read(&c->meta.bytes), held);
    hg_free(&g);
    restart();
}

static void test_meta_flood(void)
{
    meta_flood(43, PERS, true);
    meta_flood(44, EPH, false);
}

/* Distinct, incompressible-enough content in each of n frames. */
static void fill_frames(struct hguest *g, unsigned int n)
{
    uint64_t x = 0x9e3779b97f4a7c15ull, *w;
    unsigned int f, k;

    for ( f = 0; f < n; f++ )
    {
        w = (uint64_t *)hg_frame(g, f);
        for ( k = 0; k < 512; k++ )
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w[k] = x;
        }
    }
}

struct call_bound {
    unsigned int calls;
    long max_freed;              /* data pages freed by one call */
    uint64_t max_ns;
};

/* One guest op, repeated as Xen's continuation would, measured per call. */
static long bounded_guest_op(struct hguest *g, uint32_t cmd, int32_t pool,
                             uint64_t oid, struct call_bound *b)
{
    struct tmem_engine_op op;
    uint64_t t;
    long rc, before;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.pool_id = pool;
    op.oid[0] = oid;
    memset(b, 0, sizeof(*b));
    do {
        before = h_pages_in_use();
        t = tmem_env_user_now_ns();
        rc = tmem_engine_guest_op(&g->caller, g->caller.domid, &op);
        t = tmem_env_user_now_ns() - t;
        tmem_engine_note_call_ns(TMEM_ENGINE_CALL_GUEST, cmd, t);
        if ( before - h_pages_in_use() > b->max_freed )
            b->max_freed = before - h_pages_in_use();
        if ( t > b->max_ns )
            b->max_ns = t;
        b->calls++;
    } while ( rc == -TMEM_ERESTART );
    return rc;
}

/*
 * Most data pages one teardown call may free, whatever the engine's
 * budget: under 1 ms of work in Xen at the 3,300 instructions a unit the
 * lab measured (its instruction clock, 1 ns an instruction).  The budget
 * plus one leaf must fit.
 */
#define CALL_MAX_PAGES 256
_Static_assert(TMEM_ENGINE_REAP_BUDGET + 64 <= CALL_MAX_PAGES,
               "teardown budget above what one call may free");

static void test_teardown_bounded(void)
{
    enum { NPAGES = 60000, FRAMES = 8 };
    struct call_bound b;
    struct hguest g, other;
    unsigned int i, bad = 0;
    long rc, before, max_freed, work_max;
    uint64_t max_ns = 0;

    hg_init(&g, 45, FRAMES);
    hg_init(&other, 46, FRAMES);
    fill_frames(&g, FRAMES);
    fill_frames(&other, FRAMES);
    CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);
    CHECK_EQ(hg_new_pool(&other, PERS, 0, 0), 0);
    CHECK_EQ(hg_put(&other, 0, 7, 7, 1), 1);

    /* One huge object: FLUSH_OBJECT. */
    for ( i = 0; i < NPAGES; i++ )
        if ( hg_put(&g, 0, 1, i, i % FRAMES) != 1 )
            bad++;
    CHECK_EQ(bad, 0);
    before = h_pages_in_use();
    rc = bounded_guest_op(&g, TMEM_ENGINE_CMD_FLUSH_OBJECT, 0, 1, &b);
    CHECK_EQ(rc, 1);
    CHECK_EQ(before - h_pages_in_use(), NPAGES);
    CHECK(b.max_freed <= CALL_MAX_PAGES, "one flush call freed %ld pages",
          b.max_freed);
    CHECK((long)b.calls * CALL_MAX_PAGES >= NPAGES, "only %u calls", b.calls);
    max_ns = b.max_ns;
    max_freed = b.max_freed;

    /* A huge pool over many objects: DESTROY_POOL. */
    for ( i = 0; i < NPAGES; i++ )
        if ( hg_put(&g, 0, i / 16, i % 16, i % FRAMES) != 1 )
            bad++;
    CHECK_EQ(bad, 0);
    {
        struct tmem_engine_op op;

        /* The first step kills the pool: nothing can use it any more. */
        memset(&op, 0, sizeof(op));
        op.cmd = TMEM_ENGINE_CMD_DESTROY_POOL;
        op.pool_id = 0;
        CHECK_EQ(tmem_engine_guest_op(&g.caller, 45, &op), -TMEM_ERESTART);
        CHECK_EQ(hg_put(&g, 0, 1, 1, 0), -TMEM_ENODEV);
        CHECK_EQ(hg_get(&g, 0, 0, 0, 0), -TMEM_ENODEV);
        /* The dying pool keeps its slot: a new pool gets another one. */
        CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 1);
        CHECK_EQ(hg_put(&g, 1, 3, 3, 2), 1);
    }
    rc = bounded_guest_op(&g, TMEM_ENGINE_CMD_DESTROY_POOL, 0, 0, &b);
    CHECK_EQ(rc, 1);
    CHECK(b.max_freed <= CALL_MAX_PAGES, "one destroy call freed %ld pages",
          b.max_freed);
    CHECK((long)b.calls * CALL_MAX_PAGES >= NPAGES, "only %u calls", b.calls);
    if ( b.max_ns > max_ns )
        max_ns = b.max_ns;
    if ( b.max_freed > max_freed )
        max_freed = b.max_freed;
    CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);     /* the slot is free now */
    CHECK_EQ(hg_get(&g, 1, 3, 3, 3), 1);          /* the other pool kept */

    /* The whole client: the domain-death path, step by step. */
    for ( i = 0; i < NPAGES; i++ )
        if ( hg_put(&g, 0, i / 16, i % 16, i % FRAMES) != 1 )
            bad++;
    CHECK_EQ(bad, 0);
    memset(&b, 0, sizeof(b));
    do {
        uint64_t t = tmem_env_user_now_ns();

        before = h_pages_in_use();
        rc = tmem_engine_client_destroy_step(45);
        t = tmem_env_user_now_ns() - t;
        tmem_engine_note_call_ns(TMEM_ENGINE_CALL_KILL, 0, t);
        if ( before - h_pages_in_use() > b.max_freed )
            b.max_freed = before - h_pages_in_use();
        if ( t > max_ns )
            max_ns = t;
        b.calls++;
        if ( rc == -TMEM_ERESTART )
            CHECK_EQ(hg_put(&g, 1, 4, 4, 0), -TMEM_ENODEV);
    } while ( rc == -TMEM_ERESTART );
    CHECK_EQ(rc, 0);
    CHECK(b.max_freed <= CALL_MAX_PAGES, "one teardown step freed %ld pages",
          b.max_freed);
    if ( b.max_freed > max_freed )
        max_freed = b.max_freed;
    CHECK((long)b.calls * CALL_MAX_PAGES >= NPAGES, "only %u steps", b.calls);
    CHECK(tmem_client_get(45) == NULL, "client still there");
    CHECK_EQ(tmem_env_user_domain_charged(45), 0);
    /* The other tenant lost nothing. */
    CHECK_EQ(hg_get(&other, 0, 7, 7, 2), 1);
    CHECK(!memcmp(hg_frame(&other, 2), hg_frame(&other, 1), 4096),
          "other guest's page");
    /*
     * LIST's Lc is the longest call the environment timed; Wm the most
     * work units one call did: whole teardown budgets, never more than
     * one call may do.
     */
    {
        static char text[8192];

        CHECK(hc_list(TMEM_ENGINE_CLI_ID_ALL, 1, text, sizeof(text)) > 0,
              "list");
        CHECK(h_list_value(text, "G=", "Lc") >= 0, "Lc in G=:\n%s", text);
        work_max = h_list_value(text, "G=", "Wm");
        CHECK(work_max >= TMEM_ENGINE_REAP_BUDGET &&
              work_max <= CALL_MAX_PAGES, "Wm %ld in G=:\n%s", work_max,
              text);
    }
    printf("test_hostile: teardown of %u pages: at most %ld pages freed by "
           "one call (bound %d), longest call %lu us, most work units in "
           "one call %ld\n", NPAGES, max_freed, CALL_MAX_PAGES,
           (unsigned long)(max_ns / 1000), work_max);
    hg_free(&g);
    hg_free(&other);
    restart();
}

/*
 * Metadata that flushes free goes back to the environment (Xen's heap)
 * while another client still holds pages, so the slabs are never empty.
 */
static void test_meta_returned(void)
{
    enum { N = 100000 };
    struct hguest keep, g;
    long heap0, heap_full, heap_after;
    unsigned int i, bad = 0;

    hg_init(&keep, 47, 1);
    hg_init(&g, 48, 1);
    memset(hg_frame(&keep, 0), 0x11, 4096);
    memset(hg_frame(&g, 0), 0x22, 4096);
    CHECK_EQ(hg_new_pool(&keep, PERS, 0, 0), 0);
    CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);
    for ( i = 0; i < 64; i++ )
        CHECK_EQ(hg_put(&keep, 0, i, i, 0), 1);
    heap0 = tmem_atomic_read(&tmem_env_user_stats.meta_bytes);
    for ( i = 0; i < N; i++ )
        if ( hg_put(&g, 0, i / 4, i % 4, 0) != 1 )
            bad++;
    CHECK_EQ(bad, 0);
    heap_full = tmem_atomic_read(&tmem_env_user_stats.meta_bytes);
    for ( i = 0; i < N / 4; i++ )
        CHECK_EQ(hg_flush_obj(&g, 0, i), 1);
    heap_after = tmem_atomic_read(&tmem_env_user_stats.meta_bytes);
    /* Positive control: the pages did cost megabytes. */
    CHECK(heap_full - heap0 > 4L << 20, "flood cost only %ld bytes",
          heap_full - heap0);
    CHECK(heap_after - heap0 <= slab_chunk_slack() + 4096,
          "%ld of %ld bytes still held after the flushes",
          heap_after - heap0, heap_full - heap0);
    printf("test_hostile: %u pages flushed while another client holds "
           "pages: heap %ld KiB -> %ld KiB -> %ld KiB\n", N, heap0 >> 10,
           heap_full >> 10, heap_after >> 10);
    for ( i = 0; i < 64; i++ )
        CHECK_EQ(hg_get(&keep, 0, i, i, 0), 1);
    hg_free(&keep);
    hg_free(&g);
    restart();
}

/*
 * Growing a pool's hash moves its chains a few per put: no put rehashes
 * the whole table, and every object stays findable while both tables are
 * in use.
 */
static void test_incremental_growth(void)
{
    enum { N = 40000 };
    struct tmem_pool *pool;
    struct hguest g;
    unsigned int i, k, growths = 0, lost = 0, bad = 0, most_moved = 0;
    uint32_t done_before = 0;
    bool was = false;

    hg_init(&g, 49, 1);
    memset(hg_frame(&g, 0), 0x33, 4096);
    CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);
    pool = tmem_client_get(49)->pools[0];
    for ( i = 0; i < N; i++ )
    {
        if ( hg_put(&g, 0, i, 0, 0) != 1 )
            bad++;
        if ( pool->old_buckets )
        {
            if ( !was )
            {
                growths++;
                /* The put that grew the table moved nothing yet. */
                if ( pool->rehash_done )
                    most_moved = pool->old_nbuckets;
                done_before = 0;
            }
            else if ( pool->rehash_done - done_before > most_moved )
                most_moved = pool->rehash_done - done_before;
            done_before = pool->rehash_done;
            /* Mid-way: objects in either table are found. */
            k = (i * 7919u) % (i + 1);
            if ( hg_get(&g, 0, k, 0, 0) != 1 )
                lost++;
        }
        was = pool->old_buckets != NULL;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(lost, 0);
    CHECK(growths >= 3, "the hash grew only %u times", growths);
    CHECK(most_moved <= TMEM_REHASH_STEP_TEST,
          "one put moved %u old chains", most_moved);
    for ( i = 0; i < N; i++ )
        if ( hg_get(&g, 0, i, 0, 0) != 1 )
            lost++;
    CHECK_EQ(lost, 0);
    printf("test_hostile: %u objects, the hash grew %u times, at most %u old "
           "chains moved by one put\n", N, growths, most_moved);
    hg_free(&g);
    restart();
}

/*
 * Twenty times: a client arrives, fills pools of both kinds with pages of
 * every kind, and is destroyed in steps, while another client holds pages
 * throughout (so the slabs are never empty).  After each cycle every data
 * page is back and the heap is within a slab's slack of where it started.
 */
static void test_cycles_leak(void)
{
    enum { CYCLES = 20, N = 6000, FRAMES = 8 };
    struct hguest keep, g;
    long heap0, pages0, worst = 0, grew, first = 0;
    unsigned int cyc, i, bad = 0;

    hg_init(&keep, 50, 1);
    memset(hg_frame(&keep, 0), 0x44, 4096);
    CHECK_EQ(hg_new_pool(&keep, PERS, 0, 0), 0);
    for ( i = 0; i < 100; i++ )
        CHECK_EQ(hg_put(&keep, 0, i, 0, 0), 1);
    heap0 = tmem_atomic_read(&tmem_env_user_stats.meta_bytes);
    pages0 = h_pages_in_use();
    for ( cyc = 0; cyc < CYCLES; cyc++ )
    {
        hg_init(&g, 51, FRAMES);
        fill_frames(&g, FRAMES - 1);
        memset(hg_frame(&g, FRAMES - 1), 0, 4096);      /* same-filled */
        CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);
        CHECK_EQ(hg_new_pool(&g, EPH, 0, 0), 1);
        if ( cyc & 1 )
            CHECK_EQ(hc_set_info(51, 10, TMEM_ENGINE_CLIENT_COMPRESS), 0);
        for ( i = 0; i < N; i++ )
            if ( hg_put(&g, i & 1, i % 997, i, i % FRAMES) != 1 )
                bad++;
        tmem_engine_client_destroy(51);
        hg_free(&g);
        CHECK_EQ(h_pages_in_use(), pages0);
        grew = tmem_atomic_read(&tmem_env_user_stats.meta_bytes) - heap0;
        if ( grew > worst )
            worst = grew;
        if ( !cyc )
            first = grew;
    }
    CHECK_EQ(bad, 0);
    CHECK(worst <= slab_chunk_slack(), "the heap stayed %ld bytes up", worst);
    /* A leak of any size adds up over the cycles; a spare chunk does not. */
    CHECK(grew <= first, "the heap grew %ld bytes from cycle 1 to %u",
          grew - first, CYCLES);
    printf("test_hostile: %u create/fill/destroy cycles beside a client that "
           "stays: data pages back each time, heap at most %ld KiB above "
           "its start (%ld bytes after the first, %ld after the last)\n",
           CYCLES, worst >> 10, first, grew);
    for ( i = 0; i < 100; i++ )
        CHECK_EQ(hg_get(&keep, 0, i, 0, 0), 1);
    hg_free(&keep);
    restart();
}

/*
 * Another client's operation is in progress (this test holds the global
 * read lock as any op does, on a thread of its own) while a guest creates
 * and destroys pools of every kind, with a page in each: none of that may
 * wait for the op to end.  Before per-client pool locks every one of these
 * calls took the global write lock, and so waited here.
 */
#define CHURN_CYCLES 2000

struct busy_reader {
    pthread_t th;
    int held, done, saw_done;    /* atomic */
};

static void *busy_reader_main(void *arg)
{
    struct busy_reader *b = arg;
    unsigned int ms;

    tmem_read_lock(&tmem_global.lock);
    __atomic_store_n(&b->held, 1, __ATOMIC_RELEASE);
    for ( ms = 0; ms < 20000; ms++ )
    {
        if ( __atomic_load_n(&b->done, __ATOMIC_ACQUIRE) )
        {
            __atomic_store_n(&b->saw_done, 1, __ATOMIC_RELAXED);
            break;
        }
        usleep(1000);
    }
    tmem_read_unlock(&tmem_global.lock);
    return NULL;
}

static void test_pool_churn_no_global_stall(void)
{
    static const uint64_t uj[2] = { 0x1111, 0x2222 }, ua[2] = { 0x3333, 1 };
    struct busy_reader b = { 0 };
    struct hguest g, other;
    long p, w0, fails = 0;
    unsigned int i;

    hg_init(&g, 70, 2);
    hg_init(&other, 71, 2);
    hc_auth(70, uj[0], uj[1], 1);
    hc_auth(70, ua[0], ua[1], 1);
    hc_auth(71, uj[0], uj[1], 1);
    /* Both clients exist first: creating a client is not what is tested. */
    CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);
    CHECK_EQ(hg_new_pool(&other, H_FLAGS(0, 1), uj[0], uj[1]), 0);
    memset(hg_frame(&g, 0), 0x5a, 4096);
    hg_frame(&g, 0)[7] = 1;

    pthread_create(&b.th, NULL, busy_reader_main, &b);
    while ( !__atomic_load_n(&b.held, __ATOMIC_ACQUIRE) )
        usleep(100);
    w0 = tmem_env_user_write_locks;
    for ( i = 0; i < CHURN_CYCLES; i++ )
    {
        uint32_t flags = i % 4 == 0 ? PERS : i % 4 == 1 ? EPH :
                         H_FLAGS(0, 1);
        const uint64_t *u = i % 4 == 2 ? uj : ua;

        p = hg_new_pool(&g, flags, i % 4 < 2 ? ~0ull : u[0],
                        i % 4 < 2 ? ~0ull : u[1]);
        if ( p < 1 || hg_put(&g, (int32_t)p, i, 0, 0) != 1 ||
             hg_destroy_pool(&g, (int32_t)p) != 1 )
            fails++;
    }
    __atomic_store_n(&b.done, 1, __ATOMIC_RELEASE);
    pthread_join(b.th, NULL);
    CHECK(b.saw_done, "%d create/put/destroy cycles waited for another "
          "client's op in progress", CHURN_CYCLES);
    CHECK_EQ(fails, 0);
    CHECK_EQ(tmem_env_user_write_locks - w0, 0);
    /* The shared pool it joined and left is still the other client's. */
    CHECK_EQ(tmem_client_get(71)->pools[0]->nr_sharers, 1u);
    printf("test_hostile: %d pool create/put/destroy cycles (private, "
           "persistent, shared joined and left, shared made and freed) while "
           "another client's op was in progress: %ld global write locks\n",
           CHURN_CYCLES, tmem_env_user_write_locks - w0);
    tmem_engine_client_destroy(70);
    tmem_engine_client_destroy(71);
    hg_free(&g);
    hg_free(&other);
    restart();
}

int main(void)
{
    CHECK_EQ(h_engine_start(), 0);
    test_siphash_vectors();
    test_chosen_oids();
    test_evict_bound();
    test_failed_puts_leave_nothing();
    test_page_cap_concurrent();
    test_meta_flood();
    test_meta_returned();
    test_teardown_bounded();
    test_incremental_growth();
    test_cycles_leak();
    test_pool_churn_no_global_stall();
    CHECK_EQ(h_engine_stop_check_leaks(), 0);
    return check_summary("test_hostile");
}
