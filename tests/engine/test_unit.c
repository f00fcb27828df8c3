/*
 * test_unit.c: every guest and control operation of the tmem engine, and
 * every error path we know of, one small scenario at a time.
 */
#include "harness.h"
#include "check.h"
#include "corpus.h"
#include <limits.h>

#define EPH      H_FLAGS(0, 0)
#define PERS     H_FLAGS(1, 0)
#define SHARED   H_FLAGS(0, 1)

static void fill_frame(struct hguest *g, uint64_t f, uint64_t seed)
{
    corpus_any_page(seed, hg_frame(g, f));
}

static int frame_eq(struct hguest *g, uint64_t a, uint64_t b)
{
    return !memcmp(hg_frame(g, a), hg_frame(g, b), 4096);
}

static void restart(void)
{
    int leaks = h_engine_stop_check_leaks();

    CHECK_EQ(leaks, 0);
    CHECK_EQ(h_engine_start(), 0);
}

static void test_disabled(void)
{
    struct hguest g;

    hg_init(&g, 1, 4);
    tmem_engine_enabled = false;
    CHECK_EQ(hg_new_pool(&g, EPH, 0, 0), -TMEM_ENODEV);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_FREEZE, 1, 0), -TMEM_ENODEV);
    tmem_engine_enabled = true;
    CHECK_EQ(hg_new_pool(&g, EPH, 0, 0), 0);
    hg_free(&g);
    restart();
}

static void test_new_pool_flags(void)
{
    struct hguest g;
    unsigned int bit;
    int i;

    hg_init(&g, 2, 4);
    CHECK_EQ(hg_new_pool(&g, EPH, 0, 0), 0);
    CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 1);
    /* Wrong spec version (0, 2, 255). */
    CHECK_EQ(hg_new_pool(&g, EPH & ~(0xffu << 24), 0, 0), -TMEM_EPERM);
    CHECK_EQ(hg_new_pool(&g, (EPH & ~(0xffu << 24)) | (2u << 24), 0, 0),
             -TMEM_EPERM);
    CHECK_EQ(hg_new_pool(&g, EPH | (0xffu << 24), 0, 0), -TMEM_EPERM);
    /* Page size other than 4 KiB. */
    for ( i = 1; i < 16; i++ )
        CHECK_EQ(hg_new_pool(&g, EPH | ((uint32_t)i << 4), 0, 0),
                 -TMEM_EPERM);
    CHECK_EQ(hg_new_pool(&g, EPH | TMEM_ENGINE_POOL_PRECOMPRESSED, 0, 0),
             -TMEM_EPERM);
    CHECK_EQ(hg_new_pool(&g, H_FLAGS(1, 1), 1, 2), -TMEM_EPERM);
    /* Every reserved bit on its own. */
    for ( bit = 0; bit < 32; bit++ )
        if ( TMEM_ENGINE_POOL_RESERVED_BITS & (1u << bit) )
            CHECK_EQ(hg_new_pool(&g, EPH | (1u << bit), 0, 0), -TMEM_EPERM);
    /* 16 pools per client, then -EPERM. */
    for ( i = 2; i < 16; i++ )
        CHECK_EQ(hg_new_pool(&g, i & 1 ? PERS : EPH, 0, 0), i);
    CHECK_EQ(hg_new_pool(&g, EPH, 0, 0), -TMEM_EPERM);
    /* A freed slot is reused, lowest first. */
    CHECK_EQ(hg_destroy_pool(&g, 7), 1);
    CHECK_EQ(hg_destroy_pool(&g, 3), 1);
    CHECK_EQ(hg_new_pool(&g, EPH, 0, 0), 3);
    CHECK_EQ(hg_new_pool(&g, EPH, 0, 0), 7);
    hg_free(&g);
    restart();
}

static void test_bad_commands_and_ids(void)
{
    static const uint32_t nosys[] = { 3, 8, 9, 10, 11, 12, 100, 103, 999,
                                      0x80000000u, 0xffffffffu };
    static const int32_t bad_ids[] = { -1, -2, 16, 17, 255, INT_MAX,
                                       INT_MIN, 5 };
    struct hguest g;
    unsigned int i, c;

    hg_init(&g, 3, 4);
    /* Page ops before the client exists. */
    CHECK_EQ(hg_put(&g, 0, 1, 0, 0), -TMEM_ENODEV);
    CHECK_EQ(hg_get(&g, 0, 1, 0, 0), -TMEM_ENODEV);
    CHECK_EQ(hg_flush(&g, 0, 1, 0), -TMEM_ENODEV);
    CHECK_EQ(hg_flush_obj(&g, 0, 1), -TMEM_ENODEV);
    CHECK_EQ(hg_destroy_pool(&g, 0), 0);

    CHECK_EQ(hg_new_pool(&g, EPH, 0, 0), 0);
    for ( i = 0; i < sizeof(nosys) / sizeof(nosys[0]); i++ )
        CHECK_EQ(hg_op(&g, nosys[i], 0, 1, 0, 0, 0, 0), -TMEM_ENOSYS);
    CHECK_EQ(hg_op(&g, 0, 0, 0, 0, 0, 0, 0), -TMEM_EOPNOTSUPP);
    CHECK_EQ(hg_op(&g, 101, 0, 0, 0, 0, 0, 0), -TMEM_EOPNOTSUPP);
    CHECK_EQ(hg_op(&g, 102, 0, 0, 0, 0, 0, 0), -TMEM_EOPNOTSUPP);

    for ( i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++ )
    {
        for ( c = TMEM_ENGINE_CMD_PUT_PAGE; c <= TMEM_ENGINE_CMD_FLUSH_OBJECT;
              c++ )
            CHECK_EQ(hg_op(&g, c, bad_ids[i], 1, 0, 0, 0, 0), -TMEM_ENODEV);
        CHECK_EQ(hg_destroy_pool(&g, bad_ids[i]), 0);
    }
    /* Client id out of range. */
    {
        struct tmem_engine_op op;

        memset(&op, 0, sizeof(op));
        op.cmd = TMEM_ENGINE_CMD_NEW_POOL;
        op.flags = EPH;
        CHECK_EQ(tmem_engine_guest_op(&g.caller, TMEM_ENGINE_MAX_CLIENTS,
                                      &op), -TMEM_EINVAL);
        CHECK_EQ(tmem_engine_guest_op(&g.caller, 0xffff, &op), -TMEM_EINVAL);
    }
    /* Destroyed pool: ops fail, destroy again returns 0. */
    CHECK_EQ(hg_destroy_pool(&g, 0), 1);
    CHECK_EQ(hg_put(&g, 0, 1, 0, 0), -TMEM_ENODEV);
    CHECK_EQ(hg_get(&g, 0, 1, 0, 0), -TMEM_ENODEV);
    CHECK_EQ(hg_destroy_pool(&g, 0), 0);
    hg_free(&g);
    restart();
}

static void test_ephemeral(void)
{
    struct hguest g;
    int i;

    hg_init(&g, 4, 64);
    CHECK_EQ(hg_new_pool(&g, EPH, 0, 0), 0);
    CHECK_EQ(hg_get(&g, 0, 1, 0, 10), -TMEM_EEMPTY);
    for ( i = 0; i < 8; i++ )
    {
        fill_frame(&g, i, 100 + i);
        CHECK_EQ(hg_put(&g, 0, 1 + (i & 1), (uint32_t)i * 1000, i), 1);
    }
    /* Absent index/object in a non-empty pool: 0. */
    CHECK_EQ(hg_get(&g, 0, 1, 1, 10), 0);
    CHECK_EQ(hg_get(&g, 0, 99, 0, 10), 0);
    for ( i = 0; i < 8; i++ )
    {
        memset(hg_frame(&g, 10), 0xa5, 4096);
        CHECK_EQ(hg_get(&g, 0, 1 + (i & 1), (uint32_t)i * 1000, 10), 1);
        CHECK(frame_eq(&g, 10, i), "page %d differs", i);
        /* Exclusive: gone after one get. */
        CHECK_EQ(hg_get(&g, 0, 1 + (i & 1), (uint32_t)i * 1000, 10),
                 i == 7 ? -TMEM_EEMPTY : 0);
    }
    CHECK_EQ(h_pages_in_use(), 0);

    /* Replacement. */
    fill_frame(&g, 0, 1);
    fill_frame(&g, 1, 2);
    CHECK_EQ(hg_put(&g, 0, 5, 5, 0), 1);
    CHECK_EQ(hg_put(&g, 0, 5, 5, 1), 1);
    CHECK_EQ(hg_get(&g, 0, 5, 5, 10), 1);
    CHECK(frame_eq(&g, 10, 1), "replacement not visible");
    CHECK_EQ(hg_get(&g, 0, 5, 5, 10), -TMEM_EEMPTY);

    /* Index extremes (radix depth 6). */
    fill_frame(&g, 2, 3);
    CHECK_EQ(hg_put(&g, 0, 6, 0xffffffffu, 2), 1);
    CHECK_EQ(hg_put(&g, 0, 6, 0, 2), 1);
    CHECK_EQ(hg_get(&g, 0, 6, 0xffffffffu, 10), 1);
    CHECK(frame_eq(&g, 10, 2), "index 2^32-1");
    CHECK_EQ(hg_get(&g, 0, 6, 0x7fffffffu, 10), 0);
    CHECK_EQ(hg_get(&g, 0, 6, 0, 10), 1);
    /* Full 192-bit oid distinguishes objects. */
    CHECK_EQ(hg_op(&g, TMEM_ENGINE_CMD_PUT_PAGE, 0, 1, 2, 3, 0, 2), 1);
    CHECK_EQ(hg_op(&g, TMEM_ENGINE_CMD_GET_PAGE, 0, 1, 2, 4, 0, 10), 0);
    CHECK_EQ(hg_op(&g, TMEM_ENGINE_CMD_GET_PAGE, 0, 1, 3, 3, 0, 10), 0);
    CHECK_EQ(hg_op(&g, TMEM_ENGINE_CMD_GET_PAGE, 0, 1, 2, 3, 0, 10), 1);
    hg_free(&g);
    restart();
}

static void test_persistent_and_flush(void)
{
    struct hguest g;
    int i;

    hg_init(&g, 5, 64);
    CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);
    for ( i = 0; i < 40; i++ )
    {
        fill_frame(&g, i, 500 + i);
        CHECK_EQ(hg_put(&g, 0, i / 16, i % 16, i), 1);
    }
    /* Non-exclusive gets. */
    for ( i = 0; i < 40; i++ )
    {
        CHECK_EQ(hg_get(&g, 0, i / 16, i % 16, 50), 1);
        CHECK_EQ(hg_get(&g, 0, i / 16, i % 16, 51), 1);
        CHECK(frame_eq(&g, 50, i) && frame_eq(&g, 51, i), "page %d", i);
    }
    CHECK_EQ(tmem_env_user_domain_charged(5), h_pages_in_use());
    /* Flush page: returns 1 whether or not the page existed. */
    CHECK_EQ(hg_flush(&g, 0, 0, 3), 1);
    CHECK_EQ(hg_flush(&g, 0, 0, 3), 1);
    CHECK_EQ(hg_get(&g, 0, 0, 3, 50), 0);
    /* Flush object. */
    CHECK_EQ(hg_flush_obj(&g, 0, 1), 1);
    CHECK_EQ(hg_flush_obj(&g, 0, 1), 1);
    for ( i = 0; i < 16; i++ )
        CHECK_EQ(hg_get(&g, 0, 1, i, 50), 0);
    CHECK_EQ(hg_get(&g, 0, 2, 7, 50), 1);
    CHECK(frame_eq(&g, 50, 39), "object 2 intact");
    CHECK_EQ(hg_flush_obj(&g, 0, 0), 1);
    CHECK_EQ(hg_flush_obj(&g, 0, 2), 1);
    CHECK_EQ(hg_get(&g, 0, 2, 7, 50), -TMEM_EEMPTY);
    CHECK_EQ(h_pages_in_use(), 0);
    CHECK_EQ(tmem_env_user_domain_charged(5), 0);
    /* Destroying a pool with pages frees them all. */
    for ( i = 0; i < 40; i++ )
        CHECK_EQ(hg_put(&g, 0, i, 0, i), 1);
    CHECK(h_pages_in_use() > 0, "pages stored");
    CHECK_EQ(hg_destroy_pool(&g, 0), 1);
    CHECK_EQ(h_pages_in_use(), 0);
    hg_free(&g);
    restart();
}

static void test_frozen(void)
{
    struct hguest g;

    hg_init(&g, 6, 8);
    CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);
    fill_frame(&g, 0, 9);
    CHECK_EQ(hg_put(&g, 0, 1, 1, 0), 1);
    CHECK_EQ(hg_put(&g, 0, 1, 2, 0), 1);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_FREEZE, 6, 0), 0);
    CHECK_EQ(hg_put(&g, 0, 1, 3, 0), -TMEM_EFROZEN);
    CHECK_EQ(hg_get(&g, 0, 1, 1, 5), 1);
    CHECK(frame_eq(&g, 0, 5), "get while frozen");
    CHECK_EQ(hg_flush(&g, 0, 1, 1), -TMEM_EFROZEN);
    CHECK_EQ(hg_get(&g, 0, 1, 1, 5), 0);       /* the flush did happen */
    CHECK_EQ(hg_flush_obj(&g, 0, 1), -TMEM_EFROZEN);
    CHECK_EQ(hg_get(&g, 0, 1, 2, 5), -TMEM_EEMPTY);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_THAW, 6, 0), 0);
    CHECK_EQ(hg_put(&g, 0, 1, 3, 0), 1);
    /* FREEZE/THAW of all clients. */
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_FREEZE, TMEM_ENGINE_CLI_ID_ALL, 0), 0);
    CHECK_EQ(hg_put(&g, 0, 1, 4, 0), -TMEM_EFROZEN);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_THAW, TMEM_ENGINE_CLI_ID_ALL, 0), 0);
    CHECK_EQ(hg_put(&g, 0, 1, 4, 0), 1);
    hg_free(&g);
    restart();
}

static void test_bad_frames(void)
{
    struct hguest g;

    hg_init(&g, 7, 8);
    hg_mark_bad(&g, 6);
    CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);
    CHECK_EQ(hg_new_pool(&g, EPH, 0, 0), 1);
    fill_frame(&g, 0, 77);
    CHECK_EQ(hg_put(&g, 0, 1, 1, 0), 1);
    CHECK_EQ(hg_put(&g, 1, 1, 1, 0), 1);
    /* Bad source frame: error, and the old copy is gone too. */
    CHECK_EQ(hg_put(&g, 0, 1, 1, 8), -TMEM_EINVAL);
    CHECK_EQ(hg_get(&g, 0, 1, 1, 2), -TMEM_EEMPTY);
    CHECK_EQ(hg_put(&g, 1, 1, 1, 6), -TMEM_EFAULT);
    CHECK_EQ(hg_get(&g, 1, 1, 1, 2), -TMEM_EEMPTY);
    CHECK_EQ(hg_put(&g, 0, 1, 1, ~0ull), -TMEM_EINVAL);
    CHECK_EQ(h_pages_in_use(), 0);
    /* Bad destination: error, and the page stays (even ephemeral). */
    CHECK_EQ(hg_put(&g, 0, 1, 1, 0), 1);
    CHECK_EQ(hg_put(&g, 1, 1, 1, 0), 1);
    CHECK_EQ(hg_get(&g, 0, 1, 1, 6), -TMEM_EFAULT);
    CHECK_EQ(hg_get(&g, 1, 1, 1, 1u << 30), -TMEM_EINVAL);
    CHECK_EQ(hg_get(&g, 0, 1, 1, 2), 1);
    CHECK_EQ(hg_get(&g, 1, 1, 1, 3), 1);
    CHECK(frame_eq(&g, 0, 2) && frame_eq(&g, 0, 3), "pages survived");
    /* Same through the compressed path. */
    CHECK_EQ(hc_set_info(7, 10, TMEM_ENGINE_CLIENT_COMPRESS), 0);
    CHECK_EQ(hg_put(&g, 1, 2, 2, 0), 1);
    CHECK_EQ(hg_put(&g, 1, 2, 2, 6), -TMEM_EFAULT);
    CHECK_EQ(hg_get(&g, 1, 2, 2, 3), -TMEM_EEMPTY);
    hg_free(&g);
    restart();
}

static void test_same_fill_and_compression(void)
{
    struct hguest g;
    long before;
    int i;

    hg_init(&g, 8, 300);
    CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);
    memset(hg_frame(&g, 0), 0, 4096);
    for ( i = 0; i < 512; i++ )
        ((uint64_t *)hg_frame(&g, 1))[i] = 0xdeadbeefcafef00dull;
    CHECK_EQ(hg_put(&g, 0, 1, 0, 0), 1);
    CHECK_EQ(hg_put(&g, 0, 1, 1, 1), 1);
    CHECK_EQ(h_pages_in_use(), 0);            /* stored as words */
    CHECK_EQ(hg_get(&g, 0, 1, 0, 5), 1);
    CHECK(frame_eq(&g, 0, 5), "zero page");
    CHECK_EQ(hg_get(&g, 0, 1, 1, 5), 1);
    CHECK(frame_eq(&g, 1, 5), "fill page");
    /* Almost same-filled: last byte differs. */
    memcpy(hg_frame(&g, 2), hg_frame(&g, 1), 4096);
    hg_frame(&g, 2)[4095] ^= 1;
    CHECK_EQ(hg_put(&g, 0, 1, 2, 2), 1);
    CHECK_EQ(h_pages_in_use(), 1);
    CHECK_EQ(hg_get(&g, 0, 1, 2, 5), 1);
    CHECK(frame_eq(&g, 2, 5), "near-fill page");

    /* Compression: text pages pack several per data page. */
    CHECK_EQ(hc_set_info(8, 10, TMEM_ENGINE_CLIENT_COMPRESS), 0);
    before = h_pages_in_use();
    for ( i = 0; i < 200; i++ )
    {
        corpus_page(CORPUS_TEXT, i, hg_frame(&g, 10 + i));
        CHECK_EQ(hg_put(&g, 0, 2, i, 10 + i), 1);
    }
    CHECK(h_pages_in_use() - before < 200 * 2 / 3,
          "200 text pages in %ld data pages", h_pages_in_use() - before);
    for ( i = 0; i < 200; i++ )
    {
        CHECK_EQ(hg_get(&g, 0, 2, i, 5), 1);
        CHECK(frame_eq(&g, 10 + i, 5), "compressed page %d", i);
    }
    /* Random pages do not compress: stored whole, counted as poor. */
    for ( i = 0; i < 20; i++ )
    {
        corpus_page(CORPUS_RANDOM, i, hg_frame(&g, 220 + i));
        CHECK_EQ(hg_put(&g, 0, 3, i, 220 + i), 1);
    }
    {
        char buf[4096];

        CHECK(hc_list(8, 1, buf, sizeof(buf)) > 0, "list");
        CHECK_EQ(h_list_value(buf, "C=", "cn"), 20);
        CHECK_EQ(h_list_value(buf, "C=", "cp"), 200);
        CHECK(h_list_value(buf, "C=", "cb") > 0 &&
              h_list_value(buf, "C=", "cb") < 200 * 4096 / 2, "cb");
    }
    for ( i = 0; i < 20; i++ )
    {
        CHECK_EQ(hg_get(&g, 0, 3, i, 5), 1);
        CHECK(frame_eq(&g, 220 + i, 5), "random page %d", i);
    }
    /* Flushing every compressed page releases every data page. */
    CHECK_EQ(hg_flush_obj(&g, 0, 2), 1);
    CHECK_EQ(hg_flush_obj(&g, 0, 3), 1);
    CHECK_EQ(h_pages_in_use(), before);
    hg_free(&g);
    restart();
}

static void test_shared(void)
{
    struct hguest a, b, c;
    char buf[8192];
    int i;

    hg_init(&a, 10, 8);
    hg_init(&b, 11, 8);
    hg_init(&c, 12, 8);
    fill_frame(&a, 0, 1000);

    /* Not authorised: each gets a private pool. */
    CHECK_EQ(hg_new_pool(&a, SHARED, 0x1111, 0x2222), 0);
    CHECK_EQ(hg_new_pool(&b, SHARED, 0x1111, 0x2222), 0);
    CHECK_EQ(hg_put(&a, 0, 1, 1, 0), 1);
    CHECK_EQ(hg_get(&b, 0, 1, 1, 1), -TMEM_EEMPTY);
    CHECK_EQ(hc_list(TMEM_ENGINE_CLI_ID_ALL, 0, buf, sizeof(buf)) > 0, 1);
    CHECK(!strstr(buf, "S="), "no shared pool yet: %s", buf);
    CHECK(strstr(buf, "P=CI:10,PI:0,PT:EP") != NULL, "private type: %s", buf);

    /* Authorised: same pool, non-exclusive gets. */
    CHECK_EQ(hc_auth(10, 0xaaaa, 0xbbbb, 1), 0);
    CHECK_EQ(hc_auth(11, 0xaaaa, 0xbbbb, 1), 0);
    CHECK_EQ(hg_new_pool(&a, SHARED, 0xaaaa, 0xbbbb), 1);
    CHECK_EQ(hg_new_pool(&b, SHARED, 0xaaaa, 0xbbbb), 1);
    /* Asking again returns the slot it already has. */
    CHECK_EQ(hg_new_pool(&b, SHARED, 0xaaaa, 0xbbbb), 1);
    CHECK_EQ(hg_new_pool(&c, SHARED, 0xaaaa, 0xbbbb), 0);  /* c: private */
    CHECK_EQ(hg_put(&a, 1, 7, 7, 0), 1);
    CHECK_EQ(hg_get(&b, 1, 7, 7, 1), 1);
    CHECK(frame_eq(&a, 0, 0) && !memcmp(hg_frame(&a, 0), hg_frame(&b, 1),
                                        4096), "shared data");
    CHECK_EQ(hg_get(&a, 1, 7, 7, 1), 1);
    CHECK_EQ(hg_get(&c, 0, 7, 7, 1), -TMEM_EEMPTY);
    CHECK_EQ(hc_list(TMEM_ENGINE_CLI_ID_ALL, 1, buf, sizeof(buf)) > 0, 1);
    CHECK(strstr(buf, "S=SI:0,PT:ES,U0:aaaa,U1:bbbb,SC:10,SC:11") != NULL,
          "shared record: %s", buf);
    /* Deauthorising does not detach; all-ones UUID is always private. */
    CHECK_EQ(hc_auth(11, 0xaaaa, 0xbbbb, 0), 0);
    CHECK_EQ(hg_get(&b, 1, 7, 7, 1), 1);
    CHECK_EQ(hc_auth(10, ~0ull, ~0ull, 1), 0);
    CHECK_EQ(hg_new_pool(&a, SHARED, ~0ull, ~0ull), 2);
    CHECK_EQ(hg_put(&a, 2, 7, 7, 0), 1);
    CHECK_EQ(hg_get(&a, 2, 7, 7, 1), 1);
    CHECK_EQ(hg_get(&a, 2, 7, 7, 1), -TMEM_EEMPTY);   /* private: exclusive */
    /* First owner leaves: pool and data stay for the other sharer. */
    CHECK_EQ(hg_destroy_pool(&a, 1), 1);
    CHECK_EQ(hg_get(&b, 1, 7, 7, 1), 1);
    CHECK_EQ(hg_get(&a, 1, 7, 7, 1), -TMEM_ENODEV);
    tmem_engine_client_destroy(11);
    CHECK_EQ(h_pages_in_use(), 0);
    CHECK_EQ(hc_list(TMEM_ENGINE_CLI_ID_ALL, 0, buf, sizeof(buf)) > 0, 1);
    CHECK(!strstr(buf, "S="), "shared pool gone: %s", buf);

    /* 16 shared pools globally, then -EPERM. */
    for ( i = 0; i < 16; i++ )
        CHECK_EQ(hc_auth(12, 0x100 + i, 1, 1), 0);
    CHECK_EQ(hc_auth(12, 0x200, 1, 1), -TMEM_ENOSPC);
    for ( i = 0; i < 15; i++ )
        CHECK_EQ(hg_new_pool(&c, SHARED, 0x100 + i, 1), 1 + i);
    CHECK_EQ(hc_auth(10, 0x10f, 1, 1), 0);
    CHECK_EQ(hc_auth(10, 0x300, 1, 1), 0);
    CHECK_EQ(hg_new_pool(&a, SHARED, 0x10f, 1), 1);
    CHECK_EQ(hg_new_pool(&a, SHARED, 0x300, 1), -TMEM_EPERM);
    hg_free(&a);
    hg_free(&b);
    hg_free(&c);
    restart();
}

static void test_isolation(void)
{
    struct hguest a, b;

    hg_init(&a, 20, 4);
    hg_init(&b, 21, 4);
    CHECK_EQ(hg_new_pool(&a, PERS, 0, 0), 0);
    fill_frame(&a, 0, 4242);
    CHECK_EQ(hg_put(&a, 0, 1, 1, 0), 1);
    /* b has no pool 0 of its own: cannot reach a's. */
    CHECK_EQ(hg_get(&b, 0, 1, 1, 1), -TMEM_ENODEV);
    CHECK_EQ(hg_flush(&b, 0, 1, 1), -TMEM_ENODEV);
    CHECK_EQ(hg_destroy_pool(&b, 0), 0);
    CHECK_EQ(hg_new_pool(&b, PERS, 0, 0), 0);
    CHECK_EQ(hg_get(&b, 0, 1, 1, 1), -TMEM_EEMPTY);
    CHECK_EQ(hg_flush_obj(&b, 0, 1), 1);
    CHECK_EQ(hg_get(&a, 0, 1, 1, 1), 1);
    CHECK(frame_eq(&a, 0, 1), "a's page intact");
    hg_free(&a);
    hg_free(&b);
    restart();
}

static void test_memory_pressure(void)
{
    struct hguest a, b;
    char buf[8192];
    long ea, eb;
    int i, hits;

    hg_init(&a, 30, 16);
    hg_init(&b, 31, 16);
    fill_frame(&a, 0, 1);
    fill_frame(&b, 0, 2);
    tmem_env_user_set_heap_limit(100);
    CHECK_EQ(hg_new_pool(&a, EPH, 0, 0), 0);
    CHECK_EQ(hg_new_pool(&b, EPH, 0, 0), 0);
    CHECK_EQ(hg_new_pool(&a, PERS, 0, 0), 1);

    /* Ephemeral puts beyond the heap evict the oldest. */
    for ( i = 0; i < 300; i++ )
        CHECK_EQ(hg_put(&a, 0, 1, i, 0), 1);
    CHECK(h_pages_in_use() <= 100, "heap respected");
    CHECK_EQ(hg_get(&a, 0, 1, 0, 1), 0);        /* oldest evicted */
    CHECK_EQ(hg_get(&a, 0, 1, 299, 1), 1);      /* newest kept */

    /* Weights: a (weight 1) over its share loses pages before b (100). */
    CHECK_EQ(hc_set_info(30, 1, 0), 0);
    CHECK_EQ(hc_set_info(31, 100, 0), 0);
    for ( i = 0; i < 150; i++ )
        CHECK_EQ(hg_put(&b, 0, 1, i, 0), 1);
    CHECK_EQ(hc_list(TMEM_ENGINE_CLI_ID_ALL, 1, buf, sizeof(buf)) > 0, 1);
    ea = h_list_value(buf, "C=CI:30,", "Ec");
    eb = h_list_value(buf, "C=CI:31,", "Ec");
    CHECK(ea < 5 && eb > 90, "a has %ld, b has %ld", ea, eb);
    /* 200 + 150, minus the page the exclusive get above gave back. */
    CHECK(h_list_value(buf, "G=", "Et") == 349, "evictions counted: %ld",
          h_list_value(buf, "G=", "Et"));
    CHECK_EQ(hc_set_info(31, 0x10000, 0), -TMEM_EINVAL);
    /* All clients at once: both get it, and a bad weight none. */
    CHECK_EQ(hc_set_info(TMEM_ENGINE_CLI_ID_ALL, 50, 0), 0);
    CHECK_EQ(hc_set_info(TMEM_ENGINE_CLI_ID_ALL, 0x10000, 0), -TMEM_EINVAL);
    CHECK_EQ(hc_list(TMEM_ENGINE_CLI_ID_ALL, 0, buf, sizeof(buf)) > 0, 1);
    CHECK_EQ(h_list_value(buf, "C=CI:30,", "ww"), 50);
    CHECK_EQ(h_list_value(buf, "C=CI:31,", "ww"), 50);

    /* Persistent puts take memory from ephemeral pages... */
    for ( i = 0; i < 60; i++ )
        CHECK_EQ(hg_put(&a, 1, 1, i, 0), 1);
    /* ...but never beyond the domain's max (no eviction for quota). */
    tmem_env_user_set_domain_max(30, 60);
    eb = h_pages_in_use();
    CHECK_EQ(hg_put(&a, 1, 2, 0, 0), -TMEM_ENOMEM);
    CHECK_EQ(h_pages_in_use(), eb);
    /* Zero pages need no memory at all. */
    memset(hg_frame(&a, 3), 0, 4096);
    CHECK_EQ(hg_put(&a, 1, 2, 0, 3), 1);
    tmem_env_user_set_domain_max(30, -1);
    /* Heap full of persistent pages: -ENOMEM once ephemeral is gone. */
    for ( i = 60, hits = 0; i < 200; i++ )
        if ( hg_put(&a, 1, 1, i, 0) == -TMEM_ENOMEM )
            hits++;
    CHECK(hits > 0, "persistent puts hit -ENOMEM");
    CHECK_EQ(tmem_engine_freeable_pages(), 0);
    for ( i = 0; i < 200; i++ )
    {
        long r = hg_get(&a, 1, 1, i, 1);

        CHECK(r == 1 || (r == 0 && i >= 60), "persistent %d: %ld", i, r);
    }
    tmem_env_user_set_heap_limit(0);
    hg_free(&a);
    hg_free(&b);
    restart();
}

static void test_reclaim_and_flush_ctl(void)
{
    struct hguest a;
    long r;
    int i;

    hg_init(&a, 40, 4);
    CHECK_EQ(hg_new_pool(&a, EPH, 0, 0), 0);
    CHECK_EQ(hg_new_pool(&a, PERS, 0, 0), 1);
    fill_frame(&a, 0, 5);
    for ( i = 0; i < 600; i++ )
        CHECK_EQ(hg_put(&a, 0, 1, i, 0), 1);
    for ( i = 0; i < 10; i++ )
        CHECK_EQ(hg_put(&a, 1, 1, i, 0), 1);
    CHECK_EQ(tmem_engine_freeable_pages(), 600);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_QUERY_FREEABLE_MB, 0, 0), 2);
    CHECK_EQ(tmem_engine_reclaim(100), 100);
    CHECK_EQ(tmem_engine_freeable_pages(), 500);
    CHECK_EQ(h_pages_in_use(), 510);
    /* FLUSH takes KiB. */
    r = hc_simple(TMEM_ENGINE_CTL_FLUSH, 40, 400);
    CHECK_EQ(r, 400);
    r = hc_simple(TMEM_ENGINE_CTL_FLUSH, TMEM_ENGINE_CLI_ID_ALL, 40);
    CHECK_EQ(r, 40);
    CHECK_EQ(tmem_engine_freeable_pages(), 390);
    CHECK_EQ(tmem_engine_reclaim(100000), 390);
    CHECK_EQ(tmem_engine_reclaim(1), 0);
    CHECK_EQ(h_pages_in_use(), 10);           /* persistent untouched */
    for ( i = 0; i < 10; i++ )
        CHECK_EQ(hg_get(&a, 1, 1, i, 1), 1);
    {
        char buf[4096];

        CHECK(hc_list(TMEM_ENGINE_CLI_ID_ALL, 1, buf, sizeof(buf)) > 0,
              "list");
        CHECK_EQ(h_list_value(buf, "G=", "Rt"), 100 + 100 + 10 + 390);
        CHECK_EQ(h_list_value(buf, "G=", "Ec"), 0);
        CHECK_EQ(h_list_value(buf, "G=", "Em"), 600);
        CHECK_EQ(h_list_value(buf, "G=", "Fc"), 10);
    }
    /* Client destruction frees everything, even persistent. */
    tmem_engine_client_destroy(40);
    CHECK_EQ(h_pages_in_use(), 0);
    CHECK_EQ(hg_get(&a, 1, 1, 1, 1), -TMEM_ENODEV);
    tmem_engine_client_destroy(40);           /* twice is harmless */
    hg_free(&a);
    restart();
}

static void test_list_format(void)
{
    struct hguest a;
    char buf[4096], small[16];
    long n;
    int i;

    hg_init(&a, 50, 4);
    CHECK_EQ(hg_new_pool(&a, PERS, 0, 0), 0);
    CHECK_EQ(hg_new_pool(&a, EPH, 0, 0), 1);
    fill_frame(&a, 0, 5);
    for ( i = 0; i < 5; i++ )
        CHECK_EQ(hg_put(&a, 0, 1, i, 0), 1);
    CHECK_EQ(hg_put(&a, 0, 1, 0, 0), 1);       /* duplicate */
    CHECK_EQ(hg_get(&a, 0, 1, 0, 1), 1);
    CHECK_EQ(hg_get(&a, 0, 1, 9, 1), 0);
    CHECK_EQ(hg_flush(&a, 0, 1, 4), 1);
    CHECK_EQ(hg_flush_obj(&a, 0, 2), 1);
    CHECK_EQ(hg_put(&a, 1, 1, 0, 0), 1);
    CHECK_EQ(hg_get(&a, 1, 1, 0, 1), 1);

    n = hc_list(50, 0, buf, sizeof(buf));
    CHECK_EQ(n, (long)strlen(buf));
    /* The historic keys in their order, then the metadata account. */
    {
        static const char c_short[] = "C=CI:50,ww:10,co:0,fr:0,Ge:1,Pp:6,"
                                      "Gp:1,Mb:";

        CHECK(!strncmp(buf, c_short, strlen(c_short)), "short C:\n%s", buf);
    }
    CHECK(h_list_value(buf, "C=", "Mb") > 0, "Mb");
    CHECK_EQ(h_list_value(buf, "C=", "Ml"),
             (long)TMEM_ENGINE_DEFAULT_META_LIMIT);
    CHECK(strstr(buf, "\nP=CI:50,PI:0,PT:PP,U0:0,U1:0\n"
                      "P=CI:50,PI:1,PT:EP,U0:0,U1:0\n") != NULL,
          "short list:\n%s", buf);
    n = hc_list(50, 1, buf, sizeof(buf));
    CHECK(n > 0, "long list");
    {
        static const char c_long[] = "C=CI:50,ww:10,co:0,fr:0,Ge:1,Pp:6,Gp:1,"
                                     "Ec:0,Em:1,cp:0,cb:0,cn:0,Mb:";

        CHECK(!strncmp(buf, c_long, strlen(c_long)), "long C:\n%s", buf);
    }
    CHECK(strstr(buf, "P=CI:50,PI:0,PT:PP,U0:0,U1:0,Pc:4,Pm:5,Oc:1,Om:1,"
                      "ps:6,pt:6,pd:0,pr:1,px:0,gs:1,gt:2,fs:1,ft:1,os:0,"
                      "ot:1\n") != NULL, "long P:\n%s", buf);
    n = hc_list(TMEM_ENGINE_CLI_ID_ALL, 0, buf, sizeof(buf));
    CHECK(!strncmp(buf, "G=Tt:", 5), "global first:\n%s", buf);
    CHECK(h_list_value(buf, "G=", "Tt") >= 13, "Tt");
    CHECK_EQ(h_list_value(buf, "G=", "Te"), 0);
    CHECK(h_list_value(buf, "G=", "Ta") == 0 &&
          h_list_value(buf, "G=", "Ea") >= 0 &&
          h_list_value(buf, "G=", "Ra") >= 0, "G keys");
    /* Truncation keeps a NUL inside the buffer. */
    n = hc_list(50, 0, small, sizeof(small));
    CHECK_EQ(n, 15);
    CHECK_EQ(small[15], 0);
    CHECK_EQ(hc_list(50, 0, NULL, 0), -TMEM_EINVAL);
    CHECK_EQ(hc_list(51, 0, buf, sizeof(buf)), -TMEM_ENOENT);
    /* Errors are counted. */
    CHECK_EQ(hg_get(&a, 9, 1, 0, 1), -TMEM_ENODEV);
    hc_list(TMEM_ENGINE_CLI_ID_ALL, 0, buf, sizeof(buf));
    CHECK_EQ(h_list_value(buf, "G=", "Te"), 1);
    hg_free(&a);
    restart();
}

static void test_control_errors(void)
{
    struct tmem_engine_ctl ctl;
    struct hguest a;

    hg_init(&a, 60, 4);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_FREEZE, 60, 0), -TMEM_ENOENT);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_FREEZE, TMEM_ENGINE_MAX_CLIENTS, 0),
             -TMEM_EINVAL);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_FREEZE, 0x10000, 0), -TMEM_EINVAL);
    /* 14 is GET_META_LIMIT now: no such client yet; 15 is unknown. */
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_GET_META_LIMIT, 60, 0), -TMEM_ENOENT);
    CHECK_EQ(hc_simple(15, 60, 0), -TMEM_ENOSYS);
    CHECK_EQ(hc_simple(0xffffffffu, 60, 0), -TMEM_ENOSYS);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_SAVE_BEGIN, TMEM_ENGINE_CLI_ID_ALL, 0),
             -TMEM_EINVAL);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_SAVE_BEGIN, 60, 0), -TMEM_ENOENT);
    CHECK_EQ(hc_auth(TMEM_ENGINE_CLI_ID_ALL, 1, 1, 1), -TMEM_EINVAL);
    CHECK_EQ(hg_new_pool(&a, EPH, 0, 0), 0);
    CHECK_EQ(hc_auth(60, 1, 1, 2), -TMEM_EINVAL);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_SAVE_GET_NEXT_PAGE, 60, 0),
             -TMEM_EINVAL);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_SAVE_GET_NEXT_INV, 60, 0),
             -TMEM_EINVAL);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_SAVE_END, 60, 0), 0);
    memset(&ctl, 0, sizeof(ctl));
    ctl.cmd = TMEM_ENGINE_CTL_RESTORE_PUT_PAGE;
    ctl.cli_id = 60;
    ctl.pool_id = -1;
    CHECK_EQ(tmem_engine_control(&ctl), -TMEM_ENODEV);
    ctl.pool_id = 0;
    CHECK_EQ(tmem_engine_control(&ctl), -TMEM_EINVAL);    /* no buffer */
    ctl.cmd = TMEM_ENGINE_CTL_RESTORE_FLUSH_PAGE;
    ctl.pool_id = 16;
    CHECK_EQ(tmem_engine_control(&ctl), -TMEM_ENODEV);
    ctl.cmd = TMEM_ENGINE_CTL_GET_CLIENT_INFO;
    CHECK_EQ(tmem_engine_control(&ctl), 0);
    CHECK_EQ(ctl.weight, TMEM_ENGINE_DEFAULT_WEIGHT);
    CHECK_EQ(ctl.flags, 0);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_FREEZE, 60, 0), 0);
    CHECK_EQ(tmem_engine_control(&ctl), 0);
    CHECK_EQ(ctl.flags, TMEM_ENGINE_CLIENT_FROZEN);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_DESTROY, 60, 0), 0);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_DESTROY, 60, 0), -TMEM_ENOENT);
    CHECK_EQ(hg_new_pool(&a, EPH, 0, 0), 0);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_DESTROY, TMEM_ENGINE_CLI_ID_ALL, 0),
             0);
    CHECK_EQ(hg_put(&a, 0, 1, 1, 0), -TMEM_ENODEV);
    hg_free(&a);
    restart();
}

static void test_alloc_failures(void)
{
    struct hguest a;
    int i, k, ok = 0, nomem = 0;

    hg_init(&a, 80, 8);
    tmem_env_user_fail_zalloc(1);
    CHECK_EQ(hg_new_pool(&a, EPH, 0, 0), -TMEM_ENOMEM);   /* client alloc */
    CHECK_EQ(hg_new_pool(&a, EPH, 0, 0), 0);
    tmem_env_user_fail_zalloc(1);
    CHECK_EQ(hg_new_pool(&a, PERS, 0, 0), -TMEM_ENOMEM);  /* pool alloc */
    tmem_env_user_fail_zalloc(2);
    CHECK_EQ(hg_new_pool(&a, PERS, 0, 0), -TMEM_ENOMEM);  /* bucket alloc */
    CHECK_EQ(hg_new_pool(&a, PERS, 0, 0), 1);
    fill_frame(&a, 0, 1);
    fill_frame(&a, 1, 2);
    /* Every metadata allocation of a put can fail; the old copy goes. */
    for ( k = 1; k <= 6; k++ )
    {
        CHECK_EQ(hg_put(&a, 1, 100 + k, 70000, 0), 1);
        tmem_env_user_fail_zalloc(k);
        /* A different index in a new object needs object + tree nodes. */
        if ( hg_put(&a, 1, 200 + k, 1u << 30, 1) == 1 )
            ok++;
        else
            nomem++;
        tmem_env_user_fail_zalloc(0);
        CHECK_EQ(hg_get(&a, 1, 100 + k, 70000, 2), 1);
    }
    CHECK(nomem > 0, "some puts failed for metadata (%d ok)", ok);
    tmem_env_user_fail_zalloc(1);
    CHECK_EQ(hg_put(&a, 1, 101, 70000, 1), 1);   /* replace: no alloc */
    tmem_env_user_fail_zalloc(0);
    /* Random failures over many operations: no leaks, no crash. */
    tmem_env_user_fail_zalloc_random(3, 12345);
    for ( i = 0; i < 3000; i++ )
    {
        long r = hg_put(&a, i & 1, i % 37, (uint32_t)i * 7919u, i & 1);

        CHECK(r == 1 || r == -TMEM_ENOMEM, "put under failures: %ld", r);
        if ( i % 5 == 0 )
            hg_flush_obj(&a, i & 1, i % 37);
    }
    tmem_env_user_fail_zalloc_random(0, 0);
    hg_free(&a);
    restart();
}

/* Many objects: the pool's object hash grows (64 -> 256 -> ...). */
static void test_many_objects(void)
{
    struct hguest g;
    struct tmem_pool *pool;
    int i, bad = 0;

    hg_init(&g, 90, 2);
    CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);
    memset(hg_frame(&g, 0), 0x11, 4096);
    for ( i = 0; i < 20000; i++ )
    {
        ((uint32_t *)hg_frame(&g, 0))[7] = (uint32_t)i;
        if ( hg_op(&g, TMEM_ENGINE_CMD_PUT_PAGE, 0, (uint64_t)i * 7919,
                   (uint64_t)i, ~(uint64_t)i, 3, 0) != 1 )
            bad++;
    }
    CHECK_EQ(bad, 0);
    pool = tmem_client_get(90)->pools[0];
    CHECK(pool->nbuckets >= 4096, "hash grew to %u buckets", pool->nbuckets);
    CHECK_EQ(tmem_atomic_read(&pool->st.objs), 20000);
    for ( i = 0; i < 20000; i++ )
    {
        if ( hg_op(&g, TMEM_ENGINE_CMD_GET_PAGE, 0, (uint64_t)i * 7919,
                   (uint64_t)i, ~(uint64_t)i, 3, 1) != 1 ||
             ((uint32_t *)hg_frame(&g, 1))[7] != (uint32_t)i )
            bad++;
    }
    CHECK_EQ(bad, 0);
    for ( i = 0; i < 20000; i += 2 )
        hg_op(&g, TMEM_ENGINE_CMD_FLUSH_OBJECT, 0, (uint64_t)i * 7919,
              (uint64_t)i, ~(uint64_t)i, 0, 0);
    CHECK_EQ(tmem_atomic_read(&pool->st.objs), 10000);
    CHECK_EQ(h_pages_in_use(), 10000);
    hg_free(&g);
    restart();
}

/* The per-client page cap bounds even pages that cost no memory. */
static void test_client_page_cap(void)
{
    struct hguest g;
    int i;

    hg_init(&g, 91, 2);
    tmem_engine_max_client_pages = 100;
    CHECK_EQ(hg_new_pool(&g, PERS, 0, 0), 0);
    CHECK_EQ(hg_new_pool(&g, EPH, 0, 0), 1);
    memset(hg_frame(&g, 0), 0, 4096);             /* zero pages: free */
    for ( i = 0; i < 60; i++ )
        CHECK_EQ(hg_put(&g, 0, 1, i, 0), 1);
    /* Ephemeral puts beyond the cap evict the client's own oldest. */
    for ( i = 0; i < 100; i++ )
        CHECK_EQ(hg_put(&g, 1, 1, i, 0), 1);
    CHECK_EQ(tmem_atomic_read(&tmem_client_get(91)->pools[1]->st.pages), 40);
    CHECK_EQ(hg_get(&g, 1, 1, 0, 1), 0);
    CHECK_EQ(hg_get(&g, 1, 1, 99, 1), 1);
    /* Persistent puts at the cap evict ephemeral pages, then fail. */
    for ( i = 60; i < 100; i++ )
        CHECK_EQ(hg_put(&g, 0, 1, i, 0), 1);
    CHECK_EQ(tmem_atomic_read(&tmem_client_get(91)->pools[1]->st.pages), 0);
    CHECK_EQ(hg_put(&g, 0, 1, 100, 0), -TMEM_ENOMEM);
    CHECK_EQ(hg_put(&g, 1, 1, 100, 0), -TMEM_ENOMEM);
    CHECK_EQ(hg_put(&g, 0, 1, 5, 0), -TMEM_ENOMEM); /* even a replacement */
    CHECK_EQ(hg_get(&g, 0, 1, 5, 1), 0);            /* ...which flushed it */
    CHECK_EQ(hg_put(&g, 0, 1, 5, 0), 1);
    tmem_engine_max_client_pages = TMEM_ENGINE_DEFAULT_MAX_CLIENT_PAGES;
    hg_free(&g);
    restart();
}

/*
 * A client holds its domain (the owner its pages are charged to) from its
 * creation to its end; a domain being destroyed gets no client at all.
 */
static void test_domain_owner(void)
{
    struct hguest a;
    long held;

    hg_init(&a, 70, 2);
    tmem_env_user_set_domain_gone(70, true);
    CHECK_EQ(hg_new_pool(&a, PERS, 0, 0), -TMEM_ENOMEM);
    CHECK(tmem_client_get(70) == NULL, "a client for a dying domain");
    tmem_env_user_set_domain_gone(70, false);
    held = tmem_atomic_read(&tmem_env_user_stats.owners_held);
    CHECK_EQ(hg_new_pool(&a, PERS, 0, 0), 0);
    CHECK_EQ(tmem_atomic_read(&tmem_env_user_stats.owners_held), held + 1);
    fill_frame(&a, 0, 70);
    CHECK_EQ(hg_put(&a, 0, 1, 1, 0), 1);
    CHECK_EQ(tmem_env_user_domain_charged(70), 1);
    CHECK_EQ(hc_simple(TMEM_ENGINE_CTL_DESTROY, 70, 0), 0);
    CHECK_EQ(tmem_env_user_domain_charged(70), 0);
    CHECK_EQ(tmem_atomic_read(&tmem_env_user_stats.owners_held), held);
    hg_free(&a);
}

int main(void)
{
    CHECK_EQ(h_engine_start(), 0);
    test_disabled();
    test_new_pool_flags();
    test_bad_commands_and_ids();
    test_ephemeral();
    test_persistent_and_flush();
    test_frozen();
    test_bad_frames();
    test_same_fill_and_compression();
    test_shared();
    test_isolation();
    test_memory_pressure();
    test_reclaim_and_flush_ctl();
    test_list_format();
    test_control_errors();
    test_alloc_failures();
    test_many_objects();
    test_client_page_cap();
    test_domain_owner();
    CHECK_EQ(h_engine_stop_check_leaks(), 0);
    tmem_env_user_release();
    return check_summary("test_unit");
}
