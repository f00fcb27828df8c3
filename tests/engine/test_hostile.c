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
 *   - concurrent puts never take a client past its page cap.
 */
#include "harness.h"
#include "check.h"
#include "tmem_siphash.h"
#include <pthread.h>

#define PERS     H_FLAGS(1, 0)
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

/* The longest hash chain of a pool (the test owns the engine: no locks). */
static unsigned int longest_chain(const struct tmem_pool *pool)
{
    unsigned int b, n, max = 0;
    uint32_t oh;

    for ( b = 0; b < pool->nbuckets; b++ )
    {
        n = 0;
        for ( oh = pool->buckets[b]; oh; oh = tmem_obj_ptr(oh)->hnext )
            n++;
        if ( n > max )
            max = n;
    }
    return max;
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

    evicted0 = tmem_atomic_read(&tmem_global.st.evicted);
    gave_up0 = tmem_atomic_read(&tmem_global.st.evict_gave_up);
    freed = (long)tmem_engine_reclaim(1);
    CHECK_EQ(freed, 0);
    CHECK(tmem_atomic_read(&tmem_global.st.evicted) - evicted0 <= 66,
          "one reclaim of 1 page evicted %ld pages",
          tmem_atomic_read(&tmem_global.st.evicted) - evicted0);
    CHECK_EQ(tmem_atomic_read(&tmem_global.st.evict_gave_up) - gave_up0, 1);

    /* However much is asked, one call stays within the cap. */
    evicted0 = tmem_atomic_read(&tmem_global.st.evicted);
    freed = (long)tmem_engine_reclaim(~0ul);
    CHECK_EQ(freed, 0);
    CHECK(tmem_atomic_read(&tmem_global.st.evicted) - evicted0 <=
          TMEM_EVICT_MAX_EXAMINED, "one huge reclaim evicted %ld pages",
          tmem_atomic_read(&tmem_global.st.evicted) - evicted0);
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

int main(void)
{
    CHECK_EQ(h_engine_start(), 0);
    test_siphash_vectors();
    test_chosen_oids();
    test_evict_bound();
    test_failed_puts_leave_nothing();
    test_page_cap_concurrent();
    CHECK_EQ(h_engine_stop_check_leaks(), 0);
    return check_summary("test_hostile");
}
