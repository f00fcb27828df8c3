/*
 * test_stress.c: several threads per client hammer the engine at once.
 *
 * Every page written carries its own key, a version and a checksum, so any
 * page a get returns can be checked for belonging to exactly the key asked
 * for, whoever wrote it.  Each worker also keeps an exact model of its own
 * persistent keys.  Beside the workers run: a reclaim thread (allocator
 * pressure), a control thread (LIST, weights, compression toggles,
 * freeze/thaw of one client), and a churn thread that keeps creating and
 * destroying pools and a whole client.  Run under ThreadSanitizer by
 * `make check-tsan`.
 */
#include "harness.h"
#include "check.h"
#include "corpus.h"
#include <pthread.h>
#include <time.h>

#define NCLI       4
#define NTHR       3            /* workers per client */
#define NKEY       256          /* keys per worker and pool */
#define CHURN_DOM  50
#define FREEZE_CLI 3

static volatile int stop;
static long errors;              /* atomic */
static long total_ops;           /* atomic */
static const uint64_t shared_uuid[2] = { 0x5555, 0x7777 };

struct page_hdr {
    uint64_t oid[3];
    uint32_t index;
    uint32_t version;
    uint64_t sum;
};

static uint64_t body_sum(const uint8_t *p)
{
    const uint64_t *w = (const uint64_t *)p;
    uint64_t h = 0x9e3779b97f4a7c15ull;
    unsigned int i;

    for ( i = sizeof(struct page_hdr) / 8; i < 512; i++ )
        h = (h ^ w[i]) * 0x100000001b3ull;
    return h;
}

static void make_page(uint8_t *p, const uint64_t oid[3], uint32_t index,
                      uint32_t version, uint64_t seed)
{
    struct page_hdr h;

    corpus_any_page(seed, p);
    h.oid[0] = oid[0];
    h.oid[1] = oid[1];
    h.oid[2] = oid[2];
    h.index = index;
    h.version = version;
    memcpy(p, &h, sizeof(h));
    h.sum = body_sum(p);
    memcpy(p, &h, sizeof(h));
}

/* A returned page must be a complete page of exactly this key. */
static int page_ok(const uint8_t *p, const uint64_t oid[3], uint32_t index)
{
    struct page_hdr h;

    memcpy(&h, p, sizeof(h));
    return h.oid[0] == oid[0] && h.oid[1] == oid[1] && h.oid[2] == oid[2] &&
           h.index == index && h.sum == body_sum(p);
}

static void fail(const char *what, int cli, int thr, long r)
{
    if ( __atomic_add_fetch(&errors, 1, __ATOMIC_RELAXED) < 20 )
        fprintf(stderr, "stress: %s (client %d thread %d rc %ld)\n", what,
                cli, thr, r);
}

/*
 * Fewest successful puts and gets per kind of pool a run must see.  Gets
 * of ephemeral pools find what eviction left, and under TSan a run does a
 * tenth of the operations: about 500 shared-pool gets were seen there, so
 * their floor is lower.
 */
#define STRESS_MIN_GOOD_PUTS 1000
#define STRESS_MIN_GOOD_GETS 100

struct worker {
    pthread_t th;
    int cli, thr;
    uint64_t rng;
    struct hguest g;
    uint32_t pers_ver[NKEY];     /* 0 = absent */
    long good_puts[3], good_gets[3];     /* per pool */
};

static struct worker workers[NCLI][NTHR];
static struct hguest owners[NCLI];

static long wop(struct worker *w, uint32_t cmd, int pool, const uint64_t *oid,
                uint32_t index, uint64_t frame)
{
    struct tmem_engine_op op;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.pool_id = pool;
    op.oid[0] = oid[0];
    op.oid[1] = oid[1];
    op.oid[2] = oid[2];
    op.index = index;
    op.frame = frame;
    __atomic_add_fetch(&total_ops, 1, __ATOMIC_RELAXED);
    return h_guest_call(&w->g, &op);
}

/* Pools: 0 private ephemeral, 1 persistent, 2 shared ephemeral. */
static void *worker_main(void *arg)
{
    struct worker *w = arg;
    bool frozen_cli = w->cli == FREEZE_CLI;
    uint32_t version = 1;

    while ( !__atomic_load_n(&stop, __ATOMIC_RELAXED) )
    {
        uint64_t r = corpus_rng(&w->rng);
        unsigned int key = (unsigned int)(r % NKEY), op = (r >> 16) % 100;
        int pool = (int)((r >> 24) % 3);
        uint64_t oid[3] = { key / 16, (uint64_t)w->thr, (uint64_t)w->cli };
        uint32_t index = key % 16;
        long rc;

        /* Shared pool: sometimes read a key of another client's worker. */
        if ( pool == 2 && op >= 40 && op < 60 && ((r >> 32) & 1) )
        {
            oid[1] = (r >> 40) % NTHR;
            oid[2] = (r >> 48) % NCLI;
        }
        if ( op < 40 )
        {
            make_page(hg_frame(&w->g, 0), oid, index, version, r);
            rc = wop(w, TMEM_ENGINE_CMD_PUT_PAGE, pool, oid, index, 0);
            if ( rc == 1 )
            {
                w->good_puts[pool]++;
                if ( pool == 1 )
                    w->pers_ver[key] = version;
            }
            else if ( rc == -TMEM_ENOMEM || (rc == -TMEM_EFROZEN &&
                                             frozen_cli) )
            {
                /* A failed put removes the old copy, a frozen one not. */
                if ( pool == 1 && rc == -TMEM_ENOMEM )
                    w->pers_ver[key] = 0;
            }
            else
                fail("put", w->cli, w->thr, rc);
            version++;
        }
        else if ( op < 80 )
        {
            memset(hg_frame(&w->g, 1), 0, 4096);
            rc = wop(w, TMEM_ENGINE_CMD_GET_PAGE, pool, oid, index, 1);
            if ( rc == 1 )
            {
                struct page_hdr h;

                memcpy(&h, hg_frame(&w->g, 1), sizeof(h));
                w->good_gets[pool]++;
                if ( !page_ok(hg_frame(&w->g, 1), oid, index) )
                    fail("get returned a foreign or torn page", w->cli,
                         w->thr, rc);
                else if ( pool == 1 && h.version != w->pers_ver[key] )
                    fail("persistent get returned a stale version", w->cli,
                         w->thr, h.version);
            }
            else if ( rc == 0 || rc == -TMEM_EEMPTY )
            {
                if ( pool == 1 && w->pers_ver[key] )
                    fail("persistent page lost", w->cli, w->thr, rc);
            }
            else
                fail("get", w->cli, w->thr, rc);
        }
        else if ( op < 97 )
        {
            rc = wop(w, TMEM_ENGINE_CMD_FLUSH_PAGE, pool, oid, index, 0);
            if ( rc != 1 && !(rc == -TMEM_EFROZEN && frozen_cli) )
                fail("flush", w->cli, w->thr, rc);
            if ( pool == 1 )
                w->pers_ver[key] = 0;
        }
        else
        {
            unsigned int k;

            rc = wop(w, TMEM_ENGINE_CMD_FLUSH_OBJECT, pool, oid, 0, 0);
            if ( rc != 1 && !(rc == -TMEM_EFROZEN && frozen_cli) )
                fail("flush object", w->cli, w->thr, rc);
            if ( pool == 1 && oid[1] == (uint64_t)w->thr )
                for ( k = 0; k < 16; k++ )
                    w->pers_ver[(key / 16) * 16 + k] = 0;
        }
    }
    return NULL;
}

static void *reclaim_main(void *arg)
{
    uint64_t rng = 99;

    (void)arg;
    while ( !__atomic_load_n(&stop, __ATOMIC_RELAXED) )
    {
        tmem_engine_reclaim(corpus_rng(&rng) % 64);
        (void)tmem_engine_freeable_pages();
        sched_yield();
    }
    return NULL;
}

static void *control_main(void *arg)
{
    static char buf[1 << 15];
    uint64_t rng = 7;
    int frozen = 0;

    (void)arg;
    while ( !__atomic_load_n(&stop, __ATOMIC_RELAXED) )
    {
        uint64_t r = corpus_rng(&rng);
        int c = 1 + (int)(r % NCLI);

        switch ( (r >> 8) % 5 )
        {
        case 0:
            if ( hc_list(TMEM_ENGINE_CLI_ID_ALL, (r >> 16) & 1, buf,
                         sizeof(buf)) <= 0 )
                fail("list", c, -1, 0);
            break;
        case 1:
            if ( hc_set_info(c, 1 + (r >> 16) % 50,
                             (r >> 24) & 1 ? TMEM_ENGINE_CLIENT_COMPRESS
                                           : 0) )
                fail("set info", c, -1, 0);
            break;
        case 2:
            frozen = !frozen;
            hc_simple(frozen ? TMEM_ENGINE_CTL_FREEZE : TMEM_ENGINE_CTL_THAW,
                      1 + FREEZE_CLI, 0);
            break;
        case 3:
            hc_simple(TMEM_ENGINE_CTL_FLUSH, c, 64);
            hc_simple(TMEM_ENGINE_CTL_QUERY_FREEABLE_MB, 0, 0);
            break;
        default:
            sched_yield();
            break;
        }
    }
    return NULL;
}

/* Pools and a whole client come and go while the others work. */
static void *churn_main(void *arg)
{
    struct hguest g;
    uint64_t rng = 3;
    long n = 0;

    (void)arg;
    hg_init(&g, CHURN_DOM, 2);
    hc_auth(CHURN_DOM, shared_uuid[0], shared_uuid[1], 1);
    while ( !__atomic_load_n(&stop, __ATOMIC_RELAXED) )
    {
        uint64_t r = corpus_rng(&rng);
        long p = hg_new_pool(&g, H_FLAGS((r & 3) == 1, (r & 3) == 2),
                             shared_uuid[0], shared_uuid[1]);
        int i;

        if ( p >= 0 )
        {
            for ( i = 0; i < 32; i++ )
            {
                uint64_t oid[3] = { (uint64_t)i, 0, 99 };

                make_page(hg_frame(&g, 0), oid, i, 1, r + i);
                hg_op(&g, TMEM_ENGINE_CMD_PUT_PAGE, (int32_t)p, oid[0],
                      oid[1], oid[2], i, 0);
            }
            if ( (r >> 8) & 1 )
                hg_destroy_pool(&g, (int32_t)p);
        }
        if ( ++n % 16 == 0 )
        {
            tmem_engine_client_destroy(CHURN_DOM);
            hc_auth(CHURN_DOM, shared_uuid[0], shared_uuid[1], 1);
        }
    }
    tmem_engine_client_destroy(CHURN_DOM);
    hg_free(&g);
    return NULL;
}

/*
 * LIST's good puts and gets of each private pool are exactly what its
 * client's workers saw succeed, however many of them ran at once: the
 * counters lose no update under concurrency.
 */
static void check_exact_counts(void)
{
    static char buf[1 << 16];
    char prefix[48];
    long puts, gets;
    int c, t, p;

    CHECK(hc_list(TMEM_ENGINE_CLI_ID_ALL, 1, buf, sizeof(buf)) > 0, "list");
    for ( c = 0; c < NCLI; c++ )
        for ( p = 0; p < 2; p++ )
        {
            puts = gets = 0;
            for ( t = 0; t < NTHR; t++ )
            {
                puts += workers[c][t].good_puts[p];
                gets += workers[c][t].good_gets[p];
            }
            snprintf(prefix, sizeof(prefix), "P=CI:%d,PI:%d,", 1 + c, p);
            CHECK(h_list_value(buf, prefix, "ps") == puts &&
                  h_list_value(buf, prefix, "gs") == gets,
                  "client %d pool %d: LIST ps %ld gs %ld, workers saw %ld "
                  "and %ld", 1 + c, p, h_list_value(buf, prefix, "ps"),
                  h_list_value(buf, prefix, "gs"), puts, gets);
        }
}

int main(int argc, char **argv)
{
    pthread_t rt, ct, ht;
    double seconds = 5;
    int c, t, i;
    struct timespec ts;

    for ( i = 1; i < argc; i++ )
        if ( !strcmp(argv[i], "--seconds") && i + 1 < argc )
            seconds = atof(argv[++i]);

    CHECK_EQ(h_engine_start(), 0);
    tmem_env_user_set_heap_limit(1500);
    for ( c = 0; c < NCLI; c++ )
    {
        uint16_t d = (uint16_t)(1 + c);

        hg_init(&owners[c], d, 1);
        CHECK_EQ(hc_auth(d, shared_uuid[0], shared_uuid[1], 1), 0);
        CHECK_EQ(hg_new_pool(&owners[c], H_FLAGS(0, 0), 0, 0), 0);
        CHECK_EQ(hg_new_pool(&owners[c], H_FLAGS(1, 0), 0, 0), 1);
        CHECK_EQ(hg_new_pool(&owners[c], H_FLAGS(0, 1), shared_uuid[0],
                             shared_uuid[1]), 2);
        /* Enough quota that persistent puts fail only for heap. */
        tmem_env_user_set_domain_max(d, 100000);
        for ( t = 0; t < NTHR; t++ )
        {
            struct worker *w = &workers[c][t];

            w->cli = c;
            w->thr = t;
            w->rng = 1000 * c + t + 1;
            hg_init(&w->g, d, 2);
            pthread_create(&w->th, NULL, worker_main, w);
        }
    }
    pthread_create(&rt, NULL, reclaim_main, NULL);
    pthread_create(&ct, NULL, control_main, NULL);
    pthread_create(&ht, NULL, churn_main, NULL);

    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL);
    __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
    for ( c = 0; c < NCLI; c++ )
        for ( t = 0; t < NTHR; t++ )
            pthread_join(workers[c][t].th, NULL);
    pthread_join(rt, NULL);
    pthread_join(ct, NULL);
    pthread_join(ht, NULL);

    check_exact_counts();

    /* Quiescent: every worker's persistent pages are there, exact. */
    hc_simple(TMEM_ENGINE_CTL_THAW, 1 + FREEZE_CLI, 0);
    for ( c = 0; c < NCLI; c++ )
        for ( t = 0; t < NTHR; t++ )
        {
            struct worker *w = &workers[c][t];
            unsigned int k;

            for ( k = 0; k < NKEY; k++ )
            {
                uint64_t oid[3] = { k / 16, (uint64_t)t, (uint64_t)c };
                long rc = wop(w, TMEM_ENGINE_CMD_GET_PAGE, 1, oid, k % 16, 1);
                struct page_hdr h;

                memcpy(&h, hg_frame(&w->g, 1), sizeof(h));
                if ( w->pers_ver[k] )
                    CHECK(rc == 1 && page_ok(hg_frame(&w->g, 1), oid, k % 16)
                          && h.version == w->pers_ver[k],
                          "final persistent check c%d t%d k%u rc %ld", c, t,
                          k, rc);
                else
                    CHECK(rc == 0 || rc == -TMEM_EEMPTY, "absent key %u", k);
            }
        }
    printf("# %ld operations in %.1f s by %d worker threads + 3 helpers\n",
           total_ops, seconds, NCLI * NTHR);
    CHECK_EQ(errors, 0);
    /*
     * Floors: a regression where puts or gets all fail (and are accepted
     * as -ENOMEM or misses) must not pass.  The clients that are not kept
     * frozen store and find pages in every pool.
     */
    {
        static const char *const name[3] = {
            "private ephemeral", "persistent", "shared ephemeral",
        };
        long puts[3] = { 0 }, gets[3] = { 0 };
        int p;

        for ( c = 0; c < NCLI; c++ )
            for ( t = 0; t < NTHR; t++ )
                for ( p = 0; p < 3 && c != FREEZE_CLI; p++ )
                {
                    puts[p] += workers[c][t].good_puts[p];
                    gets[p] += workers[c][t].good_gets[p];
                }
        for ( p = 0; p < 3; p++ )
        {
            printf("# %s pools: %ld puts stored, %ld gets found\n", name[p],
                   puts[p], gets[p]);
            CHECK(puts[p] >= STRESS_MIN_GOOD_PUTS &&
                  gets[p] >= STRESS_MIN_GOOD_GETS,
                  "%s pools: only %ld good puts and %ld good gets", name[p],
                  puts[p], gets[p]);
        }
    }
    for ( c = 0; c < NCLI; c++ )
    {
        tmem_engine_client_destroy((uint16_t)(1 + c));
        hg_free(&owners[c]);
        for ( t = 0; t < NTHR; t++ )
            hg_free(&workers[c][t].g);
    }
    CHECK_EQ(h_pages_in_use(), 0);
    CHECK_EQ(h_engine_stop_check_leaks(), 0);
    tmem_env_user_release();
    return check_summary("test_stress");
}
