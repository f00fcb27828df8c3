/*
 * test_save.c: the save stream of a client (SAVE_BEGIN, SAVE_GET_NEXT_PAGE
 * in rounds, SAVE_END) replayed into a second client with the restore
 * operations, as the toolstack does on migration.
 *
 *   - a non-live save of a frozen client gives the receiver exactly its
 *     persistent pages and its pools (ephemeral ones empty);
 *   - a live save, with the source client busy between every step (puts,
 *     replacing puts, flushes, object flushes, pool destroy and re-create,
 *     allocation failures), converges: after a last round with the source
 *     quiet, the receiver holds exactly the source's persistent pages;
 *   - a second saver, a wrong token and a dead saver are handled.
 */
#include "harness.h"
#include "check.h"
#include "corpus.h"

#define EPH      H_FLAGS(0, 0)
#define PERS     H_FLAGS(1, 0)

#define SRC      70
#define DST      71
#define NPOOL    4               /* slot 0 ephemeral, 1..3 persistent */
#define NOID     6
#define NIDX     40
#define NFRAME   64

static void restart(void)
{
    int leaks = h_engine_stop_check_leaks();

    CHECK_EQ(leaks, 0);
    CHECK_EQ(h_engine_start(), 0);
}

static long save_begin(uint32_t arg)
{
    return hc_simple(TMEM_ENGINE_CTL_SAVE_BEGIN, SRC, arg);
}

static long save_end(long token)
{
    return hc_simple(TMEM_ENGINE_CTL_SAVE_END, SRC, (uint32_t)token);
}

static long save_next(long token, struct tmem_engine_ctl *ctl, uint8_t *page)
{
    memset(ctl, 0, sizeof(*ctl));
    ctl->cmd = TMEM_ENGINE_CTL_SAVE_GET_NEXT_PAGE;
    ctl->cli_id = SRC;
    ctl->arg = (uint32_t)token;
    ctl->buf = page;
    ctl->buf_len = 4096;
    return tmem_engine_control(ctl);
}

/* GET_POOLS of client cli into pools[16]; returns the count or -errno. */
static long get_pools(uint32_t cli, struct tmem_engine_pool_info *pools)
{
    struct tmem_engine_ctl ctl;

    memset(&ctl, 0, sizeof(ctl));
    ctl.cmd = TMEM_ENGINE_CTL_GET_POOLS;
    ctl.cli_id = cli;
    ctl.buf = pools;
    ctl.buf_len = 16 * sizeof(*pools);
    return tmem_engine_control(&ctl);
}

/* The receiver's side of RESET: drop everything, take the pools afresh. */
static void recv_reset(void)
{
    struct tmem_engine_pool_info pools[16];
    struct tmem_engine_ctl ctl;
    long n;

    hc_simple(TMEM_ENGINE_CTL_DESTROY, DST, 0);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_RESTORE_BEGIN, DST, 0), 0);
    n = get_pools(SRC, pools);
    CHECK(n >= 0, "GET_POOLS of the source: %ld", n);
    if ( n <= 0 )
        return;
    memset(&ctl, 0, sizeof(ctl));
    ctl.cmd = TMEM_ENGINE_CTL_SET_POOLS;
    ctl.cli_id = DST;
    ctl.buf = pools;
    ctl.buf_len = (uint32_t)n * sizeof(pools[0]);
    CHECK_EQ(tmem_engine_control(&ctl), n);
}

/*
 * Apply one stream item to the receiver; returns the item's code.
 * *pages counts the pages sent.
 */
static long recv_step(long token, long *pages)
{
    static uint8_t page[4096];
    struct tmem_engine_ctl ctl;
    long r = save_next(token, &ctl, page);

    switch ( r )
    {
    case TMEM_ENGINE_SAVE_RESET:
        recv_reset();
        break;
    case TMEM_ENGINE_SAVE_PAGE:
    case TMEM_ENGINE_SAVE_INV:
        ctl.cmd = r == TMEM_ENGINE_SAVE_PAGE ?
                  TMEM_ENGINE_CTL_RESTORE_PUT_PAGE :
                  TMEM_ENGINE_CTL_RESTORE_FLUSH_PAGE;
        ctl.cli_id = DST;
        ctl.pool_id = ctl.out_pool_id;
        memcpy(ctl.oid, ctl.out_oid, sizeof(ctl.oid));
        ctl.index = ctl.out_index;
        ctl.buf = page;
        ctl.buf_len = sizeof(page);
        if ( r == TMEM_ENGINE_SAVE_PAGE )
        {
            CHECK_EQ(tmem_engine_control(&ctl), 1);
            ++*pages;
        }
        else
        {
            long f = tmem_engine_control(&ctl);

            CHECK(f == 0 || f == 1, "receiver flush: %ld", f);
        }
        break;
    case TMEM_ENGINE_SAVE_END_OF_ROUND:
        break;
    default:
        CHECK(0, "unexpected save result %ld", r);
        break;
    }
    return r;
}

/* One whole round; returns the pages it sent. */
static long recv_round(long token)
{
    long pages = 0, steps = 0, r;

    do {
        r = recv_step(token, &pages);
    } while ( r > 0 && ++steps < 1000000 );
    CHECK_EQ(r, TMEM_ENGINE_SAVE_END_OF_ROUND);
    return pages;
}

/*
 * Source and receiver agree: the same pools in the same slots, and for the
 * persistent ones the same page at every key.  Returns pages compared.
 */
static long compare(struct hguest *src, struct hguest *dst)
{
    struct tmem_engine_pool_info sp[16], dp[16];
    long ns = get_pools(SRC, sp), nd = get_pools(DST, dp), i, same = 0;
    uint64_t o;
    uint32_t x;

    CHECK_EQ(nd, ns);
    for ( i = 0; i < ns && i < nd; i++ )
    {
        CHECK_EQ(dp[i].pool_id, sp[i].pool_id);
        CHECK_EQ(dp[i].flags, sp[i].flags);
        if ( !(sp[i].flags & 1) )
        {
            CHECK_EQ(dp[i].n_pages, 0);
            continue;
        }
        CHECK_EQ(dp[i].n_pages, sp[i].n_pages);
        for ( o = 0; o < NOID; o++ )
            for ( x = 0; x < NIDX; x++ )
            {
                long a = hg_get(src, (int32_t)sp[i].pool_id, o, x, 0);
                long b = hg_get(dst, (int32_t)sp[i].pool_id, o, x, 0);

                CHECK(a == b, "pool %u oid %lu index %u: source %ld, "
                      "receiver %ld", sp[i].pool_id, (unsigned long)o, x,
                      a, b);
                if ( a == 1 && b == 1 )
                {
                    CHECK(!memcmp(hg_frame(src, 0), hg_frame(dst, 0), 4096),
                          "pool %u oid %lu index %u: contents differ",
                          sp[i].pool_id, (unsigned long)o, x);
                    same++;
                }
            }
    }
    return same;
}

/* GET_AUTH lists what SET_AUTH allowed: the stream carries it. */
static void test_get_auth(void)
{
    struct tmem_engine_ctl ctl;
    uint64_t uuids[4][2];
    struct hguest a;

    hg_init(&a, SRC, 4);
    CHECK_EQ(hg_new_pool(&a, EPH, 0, 0), 0);
    CHECK_EQ(hc_auth(SRC, 0x11, 0x22, 1), 0);
    CHECK_EQ(hc_auth(SRC, 0x33, 0x44, 1), 0);
    CHECK_EQ(hc_auth(SRC, 0x55, 0x66, 1), 0);
    CHECK_EQ(hc_auth(SRC, 0x33, 0x44, 0), 0);
    memset(&ctl, 0, sizeof(ctl));
    memset(uuids, 0, sizeof(uuids));
    ctl.cmd = TMEM_ENGINE_CTL_GET_AUTH;
    ctl.cli_id = SRC;
    ctl.buf = uuids;
    ctl.buf_len = sizeof(uuids);
    CHECK_EQ(tmem_engine_control(&ctl), 2);
    CHECK(uuids[0][0] == 0x11 && uuids[0][1] == 0x22, "first UUID");
    CHECK(uuids[1][0] == 0x55 && uuids[1][1] == 0x66, "second UUID");
    ctl.buf_len = sizeof(uuids[0]);                       /* room for one */
    CHECK_EQ(tmem_engine_control(&ctl), 1);
    ctl.buf_len = 0;
    CHECK_EQ(tmem_engine_control(&ctl), 0);
    ctl.buf = NULL;
    ctl.buf_len = 16;
    CHECK_EQ(tmem_engine_control(&ctl), -TMEM_EINVAL);
    ctl.cli_id = TMEM_ENGINE_CLI_ID_ALL;
    CHECK_EQ(tmem_engine_control(&ctl), -TMEM_EINVAL);
    ctl.cli_id = SRC + 5;
    ctl.buf = uuids;
    CHECK_EQ(tmem_engine_control(&ctl), -TMEM_ENOENT);
    tmem_engine_client_destroy(SRC);
    hg_free(&a);
    restart();
}

static void make_pools(struct hguest *g)
{
    CHECK_EQ(hg_new_pool(g, EPH, 0, 0), 0);
    CHECK_EQ(hg_new_pool(g, PERS, 0, 0), 1);
    CHECK_EQ(hg_new_pool(g, PERS, 0, 0), 2);
    CHECK_EQ(hg_new_pool(g, PERS, 0, 0), 3);
}

static void test_nonlive(void)
{
    struct hguest a, b;
    long token, sent, same;
    uint32_t i;

    hg_init(&a, SRC, NFRAME);
    hg_init(&b, DST, NFRAME);
    make_pools(&a);
    CHECK_EQ(hc_set_info(SRC, 10, TMEM_ENGINE_CLIENT_COMPRESS), 0);
    for ( i = 0; i < 3 * NIDX; i++ )
    {
        corpus_any_page(9000 + i, hg_frame(&a, 1));
        CHECK_EQ(hg_put(&a, 1 + i % 3, i % NOID, i % NIDX, 1), 1);
        CHECK_EQ(hg_put(&a, 0, i % NOID, i % NIDX, 1), 1);
    }
    token = save_begin(0);
    CHECK(token > 0, "SAVE_BEGIN gives a token: %ld", token);
    CHECK_EQ(save_begin(0), -TMEM_EBUSY);
    CHECK_EQ(hg_put(&a, 1, 0, 0, 1), -TMEM_EFROZEN);

    sent = recv_round(token);
    CHECK_EQ(sent, 3 * NIDX);
    /* Nothing changed: the next round sends nothing. */
    CHECK_EQ(recv_round(token), 0);
    same = compare(&a, &b);
    CHECK_EQ(same, 3 * NIDX);
    CHECK_EQ(save_end(token + 1), -TMEM_EBUSY);
    CHECK_EQ(save_end(token), 0);
    CHECK_EQ(hg_put(&a, 1, 0, 0, 1), 1);                /* thawed */
    CHECK_EQ(hg_get(&b, 0, 0, 0, 1), -TMEM_EEMPTY);    /* ephemeral: empty */
    CHECK(tmem_env_user_domain_charged(DST) > 0,
          "receiver charged for its pages: %ld",
          tmem_env_user_domain_charged(DST));

    /* Tokens: a stale one, a second saver, a saver that died. */
    token = save_begin(TMEM_ENGINE_SAVE_LIVE);
    CHECK(token > 0, "live SAVE_BEGIN: %ld", token);
    CHECK_EQ(hg_put(&a, 1, 0, 1, 1), 1);               /* live: not frozen */
    {
        struct tmem_engine_ctl ctl;
        uint8_t page[4096];
        long t2;

        CHECK_EQ(save_next(token + 1, &ctl, page), -TMEM_EBUSY);
        CHECK_EQ(save_next(token, &ctl, page), TMEM_ENGINE_SAVE_RESET);
        t2 = save_begin(TMEM_ENGINE_SAVE_LIVE | TMEM_ENGINE_SAVE_TAKEOVER);
        CHECK(t2 > 0 && t2 != token, "takeover token %ld (was %ld)", t2,
              token);
        CHECK_EQ(save_next(token, &ctl, page), -TMEM_EBUSY);
        CHECK_EQ(save_next(t2, &ctl, page), TMEM_ENGINE_SAVE_RESET);
        CHECK_EQ(save_begin(8), -TMEM_EINVAL);
        CHECK_EQ(save_end(t2), 0);
        CHECK_EQ(save_next(t2, &ctl, page), -TMEM_EINVAL);
    }
    /* A client destroyed mid-save frees what the save queued. */
    token = save_begin(TMEM_ENGINE_SAVE_LIVE);
    CHECK_EQ(recv_round(token) > 0, 1);
    CHECK_EQ(hg_flush(&a, 1, 0, 0), 1);
    tmem_engine_client_destroy(SRC);
    hg_free(&a);
    hg_free(&b);
    restart();
}

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

/* One random operation of a busy guest on the source client. */
static void guest_step(struct hguest *g, long *seq)
{
    int32_t pool = (int32_t)rnd(NPOOL);
    uint64_t oid = rnd(NOID);
    uint32_t idx = rnd(NIDX), k = rnd(1000);

    if ( k < 700 )
    {
        corpus_any_page(++*seq, hg_frame(g, 1));
        hg_put(g, pool, oid, idx, 1);
    }
    else if ( k < 960 )
        hg_flush(g, pool, oid, idx);
    else if ( k < 997 )
        hg_flush_obj(g, pool, oid);
    else if ( pool > 0 )
    {
        /*
         * swapoff / swapon: the pool goes and comes back, in its slot if
         * no earlier one is free (a create may also fail for memory).
         */
        hg_destroy_pool(g, pool);
        hg_new_pool(g, PERS, 0, 0);
    }
}

static void test_live_random(unsigned int seed)
{
    struct hguest a, b;
    long token, seq = 0, pages = 0, last, same, i, rounds = 0, resets = 0;
    long r;

    rng_state = 0x9e3779b97f4a7c15ull * (seed + 1);
    hg_init(&a, SRC, NFRAME);
    hg_init(&b, DST, NFRAME);
    make_pools(&a);
    for ( i = 0; i < 2000; i++ )
        guest_step(&a, &seq);

    token = save_begin(TMEM_ENGINE_SAVE_LIVE);
    CHECK(token > 0, "live SAVE_BEGIN: %ld", token);
    /* Rounds while the guest runs: a few guest ops between stream items. */
    for ( i = 0; i < 20000; i++ )
    {
        unsigned int n = rnd(4), j;

        if ( seed & 1 )
            tmem_env_user_fail_zalloc_random(50, seed * 7919 + i);
        for ( j = 0; j < n; j++ )
            guest_step(&a, &seq);
        tmem_env_user_fail_zalloc_random(0, 0);
        r = recv_step(token, &pages);
        rounds += r == TMEM_ENGINE_SAVE_END_OF_ROUND;
        resets += r == TMEM_ENGINE_SAVE_RESET;
    }
    /*
     * The guest is paused: the round under way ends, one whole round
     * sends the rest, and a round after it has nothing left to send.
     */
    recv_round(token);
    recv_round(token);
    last = recv_round(token);
    CHECK_EQ(last, 0);
    same = compare(&a, &b);
    CHECK(same > 0, "seed %u: %ld pages compared", seed, same);
    CHECK(rounds >= 3, "seed %u: %ld live rounds", seed, rounds);
    CHECK(resets >= 2, "seed %u: %ld resets (pool re-creates)", seed, resets);
    CHECK_EQ(save_end(token), 0);
    printf("test_save: seed %u: %ld items applied over %ld rounds, %ld "
           "resets, %ld pages equal at the end\n", seed, pages, rounds,
           resets, same);
    tmem_engine_client_destroy(SRC);
    tmem_engine_client_destroy(DST);
    hg_free(&a);
    hg_free(&b);
    restart();
}

int main(void)
{
    unsigned int s;

    CHECK_EQ(h_engine_start(), 0);
    test_nonlive();
    test_get_auth();
    for ( s = 0; s < 8; s++ )
        test_live_random(s);
    CHECK_EQ(h_engine_stop_check_leaks(), 0);
    return check_summary("test_save");
}
