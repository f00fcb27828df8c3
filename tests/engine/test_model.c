/*
 * test_model.c: model-based random test of the tmem engine.
 *
 * Eight clients issue a random mix of guest and control operations against
 * private, persistent and shared pools, under a heap limit and per-domain
 * maxima small enough to force eviction and refusals.  A trivial reference
 * model (arrays indexed by pool/oid/index, holding a hash of the page put
 * there) predicts every result:
 *   - persistent pages are never lost and come back bit-exact;
 *   - an ephemeral get returns the exact page last put there, or a miss;
 *     never an older version, never another client's data;
 *   - return codes, per-pool and global counters (LIST) match the model;
 *   - save iteration yields exactly the model's persistent pages;
 *   - at teardown no data page or metadata allocation is left.
 * Reproducible: prints its seed; --seed S --ops N.
 */
#include "harness.h"
#include "check.h"
#include "corpus.h"
#include <stdlib.h>
#include <stdio.h>

#define NCLI      8
#define NOID      16
#define NIDX      64
#define NPOOLOBJ  16384           /* model pool objects ever created */
#define HEAP      3000
#define DOM_MAX   300
#define FRAMES    4

static uint64_t rng_state;
static inline uint64_t rnd(void) { return corpus_rng(&rng_state); }
static inline unsigned int rn(unsigned int n) { return (unsigned int)(rnd() % n); }

struct mpool {
    bool live, persistent, shared;
    int uuid;                    /* shared: which UUID, else -1 */
    unsigned int members;        /* bitmask of clients attached */
    long count;                  /* pages the model thinks may be there */
    long puts, good_puts, gets, good_gets, flushes, obj_flushes;
    uint64_t *pages;             /* [NOID * NIDX]: hash, 0 = absent */
};

struct mclient {
    bool exists, frozen, compress;
    int slot[16];                /* model pool object, -1 */
    struct hguest g;
};

static struct mpool mp[NPOOLOBJ];
static int nmp;
static struct mclient mc[NCLI];
static int shared_pool_of_uuid[2] = { -1, -1 };
static const uint64_t uuids[2][2] = { { 0x1234, 0x5678 }, { 0xabcd, 0xef01 } };
static long nops, stat_miss, stat_hit, stat_nomem, stat_evict_seen;

static uint64_t page_hash(const uint8_t *p)
{
    uint64_t h = 0xcbf29ce484222325ull;
    const uint64_t *w = (const uint64_t *)p;
    unsigned int i;

    for ( i = 0; i < 512; i++ )
        h = (h ^ w[i]) * 0x100000001b3ull;
    return h | 1;                /* never 0: 0 means absent */
}

static uint16_t domid(int c) { return (uint16_t)(c + 1); }

static bool authorised(int c, int u)
{
    /* Clients 0-3 may use UUID 0, clients 2-5 UUID 1; 6 and 7 neither. */
    return u == 0 ? c <= 3 : (c >= 2 && c <= 5);
}

static int new_mpool(bool persistent, bool shared, int uuid)
{
    struct mpool *p;

    if ( nmp == NPOOLOBJ )
    {
        fprintf(stderr, "model: out of pool objects\n");
        exit(2);
    }
    p = &mp[nmp];
    memset(p, 0, sizeof(*p));
    p->live = true;
    p->persistent = persistent;
    p->shared = shared;
    p->uuid = uuid;
    p->pages = calloc(NOID * NIDX, sizeof(uint64_t));
    return nmp++;
}

static void drop_mpool(int id)
{
    mp[id].live = false;
    free(mp[id].pages);
    mp[id].pages = NULL;
    if ( mp[id].shared )
        shared_pool_of_uuid[mp[id].uuid] = -1;
}

static void detach(int c, int slot)
{
    int id = mc[c].slot[slot];

    mc[c].slot[slot] = -1;
    mp[id].members &= ~(1u << c);
    if ( !mp[id].members )
        drop_mpool(id);
}

static long persistent_pages_of(int c)
{
    long n = 0;
    int s;

    for ( s = 0; s < 16; s++ )
        if ( mc[c].slot[s] >= 0 && mp[mc[c].slot[s]].persistent )
            n += mp[mc[c].slot[s]].count;
    return n;
}

static void set_page(struct mpool *p, unsigned int k, uint64_t h)
{
    if ( !p->pages[k] && h )
        p->count++;
    else if ( p->pages[k] && !h )
        p->count--;
    p->pages[k] = h;
}

static void op_new_pool(int c)
{
    int kind = rn(4), expect_slot = -1, s, id, u = rn(2);
    uint32_t flags;
    long r;

    for ( s = 0; s < 16; s++ )
        if ( mc[c].slot[s] < 0 )
        {
            expect_slot = s;
            break;
        }
    flags = H_FLAGS(kind == 1, kind == 2);
    r = hg_new_pool(&mc[c].g, flags, kind == 2 ? uuids[u][0] : 0,
                    kind == 2 ? uuids[u][1] : 0);
    if ( !mc[c].exists )
        mc[c].exists = true;
    if ( expect_slot < 0 )
    {
        CHECK_EQ(r, -TMEM_EPERM);
        return;
    }
    if ( kind == 2 && authorised(c, u) )
    {
        id = shared_pool_of_uuid[u];
        if ( id >= 0 && (mp[id].members & (1u << c)) )
        {
            for ( s = 0; s < 16; s++ )
                if ( mc[c].slot[s] == id )
                    break;
            CHECK_EQ(r, s);
            return;
        }
        CHECK_EQ(r, expect_slot);
        if ( r != expect_slot )
            return;
        if ( id < 0 )
        {
            id = new_mpool(false, true, u);
            shared_pool_of_uuid[u] = id;
        }
    }
    else
    {
        CHECK_EQ(r, expect_slot);
        if ( r != expect_slot )
            return;
        id = new_mpool(kind == 1, false, -1);
    }
    mp[id].members |= 1u << c;
    mc[c].slot[expect_slot] = id;
}

static int pick_slot(int c)
{
    int tries;

    /* Mostly existing pools; sometimes an invalid id on purpose. */
    if ( rn(100) == 0 )
    {
        static const int bad[] = { -1, 16, 100, -100000, 0x7fffffff };

        return bad[rn(5)];
    }
    for ( tries = 0; tries < 8; tries++ )
    {
        int s = rn(16);

        if ( mc[c].slot[s] >= 0 )
            return s;
    }
    return rn(16);
}

/* Recently put keys per client, so that gets and flushes often hit. */
#define NRECENT 64
static struct { int s; unsigned int oid, idx; } recent[NCLI][NRECENT];
static unsigned int nrecent[NCLI];

static void op_page(int c, int kind)
{
    struct hguest *g = &mc[c].g;
    int s = pick_slot(c), id;
    unsigned int oid = rn(NOID), idx = rnd() % 100 < 80 ? rn(16) : rn(NIDX);
    unsigned int k;

    if ( kind != 0 && nrecent[c] && rn(100) < 60 )
    {
        unsigned int j = rn(nrecent[c] < NRECENT ? nrecent[c] : NRECENT);

        s = recent[c][j].s;
        oid = recent[c][j].oid;
        idx = recent[c][j].idx;
    }
    else if ( kind == 0 )
    {
        unsigned int j = nrecent[c]++ % NRECENT;

        recent[c][j].s = s;
        recent[c][j].oid = oid;
        recent[c][j].idx = idx;
    }
    k = oid * NIDX + idx;
    struct mpool *p;
    uint64_t h;
    long r;

    id = (s >= 0 && s < 16) ? mc[c].slot[s] : -1;
    if ( id < 0 )
    {
        switch ( kind )
        {
        case 0: r = hg_put(g, s, oid, idx, 0); break;
        case 1: r = hg_get(g, s, oid, idx, 1); break;
        case 2: r = hg_flush(g, s, oid, idx); break;
        default: r = hg_flush_obj(g, s, oid); break;
        }
        CHECK_EQ(r, -TMEM_ENODEV);
        return;
    }
    p = &mp[id];
    switch ( kind )
    {
    case 0:
        /* Page content: any corpus kind; tagged with client and key. */
        corpus_any_page(rnd(), hg_frame(g, 0));
        if ( rn(4) )
        {
            uint64_t tag = ((uint64_t)c << 56) | ((uint64_t)id << 32) | k;

            memcpy(hg_frame(g, 0) + 8 * rn(500), &tag, 8);
        }
        h = page_hash(hg_frame(g, 0));
        p->puts++;
        r = hg_put(g, s, oid, idx, 0);
        if ( mc[c].frozen )
        {
            CHECK_EQ(r, -TMEM_EFROZEN);
            break;
        }
        if ( r == 1 )
        {
            p->good_puts++;
            set_page(p, k, h);
            break;
        }
        CHECK_EQ(r, -TMEM_ENOMEM);
        stat_nomem++;
        if ( p->persistent )
            CHECK(tmem_env_user_domain_charged(domid(c)) >= DOM_MAX - 1 ||
                  h_pages_in_use() >= HEAP - 1,
                  "persistent -ENOMEM with charged %ld, heap %ld",
                  tmem_env_user_domain_charged(domid(c)), h_pages_in_use());
        else
            CHECK(tmem_engine_freeable_pages() == 0,
                  "ephemeral -ENOMEM with %lu freeable pages",
                  tmem_engine_freeable_pages());
        /* A failed put leaves no older copy behind. */
        set_page(p, k, 0);
        break;

    case 1:
        memset(hg_frame(g, 1), 0x5a, 4096);
        p->gets++;
        r = hg_get(g, s, oid, idx, 1);
        if ( r == 1 )
        {
            p->good_gets++;
            stat_hit++;
            h = page_hash(hg_frame(g, 1));
            CHECK(p->pages[k] != 0, "client %d got a page that should not "
                  "exist (pool %d oid %u idx %u)", c, s, oid, idx);
            CHECK(h == p->pages[k], "client %d got wrong data (pool %d oid "
                  "%u idx %u)", c, s, oid, idx);
            if ( !p->persistent && !p->shared )
                set_page(p, k, 0);              /* exclusive */
            break;
        }
        stat_miss++;
        if ( p->persistent )
        {
            CHECK(!p->pages[k], "persistent page lost: client %d pool %d "
                  "oid %u idx %u (r=%ld)", c, s, oid, idx, r);
            CHECK_EQ(r, p->count ? 0 : -TMEM_EEMPTY);
        }
        else
        {
            CHECK(r == 0 || r == -TMEM_EEMPTY, "get: %ld", r);
            if ( p->pages[k] )
                stat_evict_seen++;
            set_page(p, k, 0);                  /* evicted: now known */
        }
        break;

    case 2:
        p->flushes++;
        r = hg_flush(g, s, oid, idx);
        CHECK_EQ(r, mc[c].frozen ? -TMEM_EFROZEN : 1);
        set_page(p, k, 0);
        break;

    default:
        p->obj_flushes++;
        r = hg_flush_obj(g, s, oid);
        CHECK_EQ(r, mc[c].frozen ? -TMEM_EFROZEN : 1);
        for ( idx = 0; idx < NIDX; idx++ )
            set_page(p, oid * NIDX + idx, 0);
        break;
    }
}

static void op_destroy_pool(int c)
{
    int s = rn(17) - (rn(10) == 0 ? 5 : 0);
    long r = hg_destroy_pool(&mc[c].g, s);

    if ( s < 0 || s >= 16 || mc[c].slot[s] < 0 )
    {
        CHECK_EQ(r, 0);
        return;
    }
    CHECK_EQ(r, 1);
    detach(c, s);
}

static void op_client_destroy(int c)
{
    int s;

    tmem_engine_client_destroy(domid(c));
    for ( s = 0; s < 16; s++ )
        if ( mc[c].slot[s] >= 0 )
            detach(c, s);
    CHECK_EQ(tmem_env_user_domain_charged(domid(c)), 0);
    mc[c].exists = false;
    mc[c].frozen = false;
    mc[c].compress = false;
}

static void setup_client_ctl(int c)
{
    int u;

    for ( u = 0; u < 2; u++ )
        if ( authorised(c, u) )
            CHECK_EQ(hc_auth(domid(c), uuids[u][0], uuids[u][1], 1), 0);
    /* Deauthorising an unknown UUID creates the client as a side effect. */
    CHECK_EQ(hc_auth(domid(c), 0xdead, 0xbeef, 0), 0);
    tmem_env_user_set_domain_max(domid(c), DOM_MAX);
    mc[c].exists = true;
}

static void op_control(int c)
{
    long r;

    switch ( rn(6) )
    {
    case 0:
        r = hc_simple(mc[c].frozen ? TMEM_ENGINE_CTL_THAW
                                   : TMEM_ENGINE_CTL_FREEZE, domid(c), 0);
        CHECK_EQ(r, mc[c].exists ? 0 : -TMEM_ENOENT);
        if ( r == 0 )
            mc[c].frozen = !mc[c].frozen;
        break;
    case 1:
    case 2:
        r = hc_set_info(domid(c), rn(4) ? 1 + rn(100) : 0,
                        mc[c].compress ? 0 : TMEM_ENGINE_CLIENT_COMPRESS);
        CHECK_EQ(r, mc[c].exists ? 0 : -TMEM_ENOENT);
        if ( r == 0 )
            mc[c].compress = !mc[c].compress;
        break;
    case 3:
    {
        unsigned long want = rn(50), got;
        long before = tmem_data_pages_count();

        /* At most what was asked, and exactly what left the data pages. */
        got = tmem_engine_reclaim(want);
        CHECK(got <= want, "reclaim of %lu freed %lu", want, got);
        CHECK_EQ(before - tmem_data_pages_count(), (long)got);
        r = (long)got;
        break;
    }
    case 4:
        r = hc_simple(TMEM_ENGINE_CTL_FLUSH, domid(c), rn(200));
        CHECK(r >= 0 || (r == -TMEM_ENOENT && !mc[c].exists), "flush ctl %ld",
              r);
        break;
    default:
        if ( rn(20) == 0 )
        {
            op_client_destroy(c);
            setup_client_ctl(c);
        }
        break;
    }
}

/* LIST, the save iterator and gets all agree with the model. */
static void verify_all(void)
{
    static char buf[1 << 16];
    long sum_eph = 0, sum_pages = 0, sum_objs = 0, v;
    bool seen[NPOOLOBJ];
    char prefix[64];
    int c, s, id;

    memset(seen, 0, sizeof(seen));
    CHECK(hc_list(TMEM_ENGINE_CLI_ID_ALL, 1, buf, sizeof(buf)) > 0, "list");
    CHECK((size_t)strlen(buf) < sizeof(buf) - 1, "list fits");
    for ( c = 0; c < NCLI; c++ )
    {
        long cli_eph = 0;

        if ( !mc[c].exists )
            continue;
        snprintf(prefix, sizeof(prefix), "C=CI:%u,", domid(c));
        CHECK_EQ(h_list_value(buf, prefix, "fr"), mc[c].frozen);
        CHECK_EQ(h_list_value(buf, prefix, "co"), mc[c].compress);
        for ( s = 0; s < 16; s++ )
        {
            struct mpool *p;

            if ( (id = mc[c].slot[s]) < 0 )
                continue;
            p = &mp[id];
            snprintf(prefix, sizeof(prefix), "P=CI:%u,PI:%d,", domid(c), s);
            v = h_list_value(buf, prefix, "Pc");
            if ( p->persistent )
                CHECK(v == p->count, "pool %d/%d Pc %ld model %ld", c, s, v,
                      p->count);
            else
                CHECK(v >= 0 && v <= p->count, "pool %d/%d Pc %ld model <= "
                      "%ld", c, s, v, p->count);
            CHECK_EQ(h_list_value(buf, prefix, "pt"), p->puts);
            CHECK_EQ(h_list_value(buf, prefix, "ps"), p->good_puts);
            CHECK_EQ(h_list_value(buf, prefix, "gt"), p->gets);
            CHECK_EQ(h_list_value(buf, prefix, "gs"), p->good_gets);
            CHECK_EQ(h_list_value(buf, prefix, "ft"), p->flushes);
            CHECK_EQ(h_list_value(buf, prefix, "ot"), p->obj_flushes);
            if ( !p->persistent && !p->shared )
                cli_eph += v;
            if ( !seen[id] )
            {
                seen[id] = true;
                sum_pages += v;
                sum_objs += h_list_value(buf, prefix, "Oc");
                if ( !p->persistent )
                    sum_eph += v;
            }
        }
        snprintf(prefix, sizeof(prefix), "C=CI:%u,", domid(c));
        CHECK_EQ(h_list_value(buf, prefix, "Ec"), cli_eph);
    }
    CHECK_EQ(h_list_value(buf, "G=", "Ec"), sum_eph);
    CHECK_EQ(h_list_value(buf, "G=", "Pc"), sum_pages);
    CHECK_EQ(h_list_value(buf, "G=", "Oc"), sum_objs);
    CHECK_EQ(h_list_value(buf, "G=", "Fc"), h_pages_in_use());
    for ( v = 0, c = 0; c < NCLI; c++ )
        v += tmem_env_user_domain_charged(domid(c));
    /* Freeable = data pages not charged to a domain (ephemeral ones). */
    CHECK_EQ((long)tmem_engine_freeable_pages(), h_pages_in_use() - v);

    /* Save iteration returns exactly the persistent pages of the model. */
    for ( c = 0; c < NCLI; c++ )
    {
        struct tmem_engine_ctl ctl;
        static uint8_t page[4096];
        long sent = 0, r, token;

        if ( !mc[c].exists )
            continue;
        token = hc_simple(TMEM_ENGINE_CTL_SAVE_BEGIN, domid(c), 0);
        CHECK(token > 0, "SAVE_BEGIN token %ld", token);
        for ( ;; )
        {
            memset(&ctl, 0, sizeof(ctl));
            ctl.cmd = TMEM_ENGINE_CTL_SAVE_GET_NEXT_PAGE;
            ctl.cli_id = domid(c);
            ctl.arg = (uint32_t)token;
            ctl.buf = page;
            ctl.buf_len = sizeof(page);
            r = h_control(&ctl);
            if ( r == TMEM_ENGINE_SAVE_RESET && !sent )
                continue;
            if ( r != TMEM_ENGINE_SAVE_PAGE )
            {
                CHECK_EQ(r, TMEM_ENGINE_SAVE_END_OF_ROUND);
                break;
            }
            sent++;
            id = (ctl.out_pool_id >= 0 && ctl.out_pool_id < 16) ?
                 mc[c].slot[ctl.out_pool_id] : -1;
            CHECK(id >= 0 && mp[id].persistent && ctl.out_oid[0] < NOID &&
                  ctl.out_index < NIDX &&
                  mp[id].pages[ctl.out_oid[0] * NIDX + ctl.out_index] ==
                  page_hash(page), "saved page matches model");
        }
        CHECK_EQ(sent, persistent_pages_of(c));
        CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_SAVE_END, domid(c),
                           (uint32_t)token), 0);
    }
}

int main(int argc, char **argv)
{
    unsigned long long seed = 1;
    long ops = 1000000, i;
    int c, s;

    for ( i = 1; i < argc; i++ )
    {
        if ( !strcmp(argv[i], "--seed") && i + 1 < argc )
            seed = strtoull(argv[++i], NULL, 0);
        else if ( !strcmp(argv[i], "--ops") && i + 1 < argc )
            ops = strtol(argv[++i], NULL, 0);
    }
    printf("# test_model seed=%llu ops=%ld (reproduce: --seed %llu --ops "
           "%ld)\n", seed, ops, seed, ops);
    rng_state = seed;

    CHECK_EQ(h_engine_start(), 0);
    tmem_env_user_set_heap_limit(HEAP);
    for ( c = 0; c < NCLI; c++ )
    {
        hg_init(&mc[c].g, domid(c), FRAMES);
        for ( s = 0; s < 16; s++ )
            mc[c].slot[s] = -1;
        setup_client_ctl(c);
    }

    for ( nops = 0; nops < ops; nops++ )
    {
        unsigned int r = rn(1000);

        c = rn(NCLI);
        if ( r < 8 )
            op_new_pool(c);
        else if ( r < 10 )
            op_destroy_pool(c);
        else if ( r < 14 )
            op_control(c);
        else if ( r < 400 )
            op_page(c, 0);
        else if ( r < 800 )
            op_page(c, 1);
        else if ( r < 980 )
            op_page(c, 2);
        else
            op_page(c, 3);
        if ( nops % 100000 == 99999 )
            verify_all();
        if ( check_failed > 20 )
        {
            printf("# stopping after %ld ops: too many failures\n", nops);
            break;
        }
    }
    verify_all();
    printf("# hits %ld, misses %ld (ephemeral evictions observed %ld), "
           "-ENOMEM %ld, pool objects %d\n", stat_hit, stat_miss,
           stat_evict_seen, stat_nomem, nmp);

    for ( c = 0; c < NCLI; c++ )
    {
        op_client_destroy(c);
        hg_free(&mc[c].g);
    }
    CHECK_EQ(h_pages_in_use(), 0);
    CHECK_EQ(h_engine_stop_check_leaks(), 0);
    for ( i = 0; i < nmp; i++ )
        free(mp[i].pages);
    tmem_env_user_release();
    return check_summary("test_model");
}
