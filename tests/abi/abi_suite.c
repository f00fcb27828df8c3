/*
 * abi_suite.c: tmem guest ABI conformance suite.
 *
 * Talks to tmem only through abi_tmem_op() and the page helpers of
 * abi_tmem.h, so the same file runs in userspace against the engine and in
 * a kernel module against the hypervisor.  Every check states the exact
 * result the historic ABI gives.  The caller is a single client; checks that
 * need a fresh client (exactly 16 pools) adapt when pools already exist.
 */
#include "abi_tmem.h"

struct abi_state {
    struct abi_ctx *ctx;
    unsigned int passed, failed;
};

static void abi_expect(struct abi_state *st, const char *name, long got,
                       long expected)
{
    int ok = got == expected;

    if ( ok )
        st->passed++;
    else
        st->failed++;
    abi_report(st->ctx, ok, name, got, expected);
}

static void abi_expect_true(struct abi_state *st, const char *name, int cond)
{
    abi_expect(st, name, cond ? 1 : 0, 1);
}

static long abi_new_pool(struct abi_state *st, uint32_t flags, uint64_t u0,
                         uint64_t u1)
{
    struct abi_tmem_op op;

    memset(&op, 0, sizeof(op));
    op.cmd = ABI_TMEM_NEW_POOL;
    op.u.creat.uuid[0] = u0;
    op.u.creat.uuid[1] = u1;
    op.u.creat.flags = flags;
    return abi_tmem_op(st->ctx, &op);
}

static long abi_page_op(struct abi_state *st, uint32_t cmd, int32_t pool,
                        uint64_t o0, uint64_t o1, uint64_t o2, uint32_t index,
                        uint64_t frame)
{
    struct abi_tmem_op op;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.pool_id = pool;
    op.u.gen.oid.oid[0] = o0;
    op.u.gen.oid.oid[1] = o1;
    op.u.gen.oid.oid[2] = o2;
    op.u.gen.index = index;
    op.u.gen.cmfn = frame;
    return abi_tmem_op(st->ctx, &op);
}

static long abi_destroy(struct abi_state *st, int32_t pool)
{
    return abi_page_op(st, ABI_TMEM_DESTROY_POOL, pool, 0, 0, 0, 0, 0);
}

#define FR(i) abi_page_frame(st->ctx, (i))

static long abi_put(struct abi_state *st, int32_t pool, uint64_t oid,
                    uint32_t index, unsigned int page)
{
    return abi_page_op(st, ABI_TMEM_PUT_PAGE, pool, oid, 0, 0, index,
                       FR(page));
}

static long abi_get(struct abi_state *st, int32_t pool, uint64_t oid,
                    uint32_t index, unsigned int page)
{
    return abi_page_op(st, ABI_TMEM_GET_PAGE, pool, oid, 0, 0, index,
                       FR(page));
}

/* NEW_POOL: every flag field and combination. */
static void abi_test_new_pool_flags(struct abi_state *st)
{
    static const uint32_t versions[] = { 0, 1, 2, 255 };
    static const uint32_t pagesizes[] = { 0, 1, 2, 15 };
    unsigned int p, s, c, v, z, bit;
    long rc;

    for ( p = 0; p < 2; p++ )
        for ( s = 0; s < 2; s++ )
            for ( c = 0; c < 2; c++ )
                for ( v = 0; v < 4; v++ )
                    for ( z = 0; z < 4; z++ )
                    {
                        uint32_t flags = (p ? ABI_POOL_PERSIST : 0) |
                                         (s ? ABI_POOL_SHARED : 0) |
                                         (c ? ABI_POOL_PRECOMPRESSED : 0) |
                                         (pagesizes[z] <<
                                          ABI_POOL_PAGESIZE_SHIFT) |
                                         (versions[v] <<
                                          ABI_POOL_VERSION_SHIFT);
                        int valid = !c && versions[v] == 1 &&
                                    pagesizes[z] == 0 && !(p && s);

                        rc = abi_new_pool(st, flags, 0x600d, 0xf00d);
                        if ( valid )
                        {
                            abi_expect_true(st, "new_pool valid flags -> id",
                                            rc >= 0 && rc < ABI_MAX_POOLS);
                            if ( rc >= 0 )
                                abi_expect(st, "destroy new pool",
                                           abi_destroy(st, (int32_t)rc), 1);
                        }
                        else
                            abi_expect(st, "new_pool bad flags -> -EPERM", rc,
                                       -ABI_EPERM);
                    }

    /* Each reserved bit alone (bit 3 and bits 8-23). */
    for ( bit = 3; bit < 24; bit++ )
    {
        if ( bit >= 4 && bit < 8 )
            continue;
        rc = abi_new_pool(st, ABI_POOL_FLAGS(0, 0) | (1u << bit), 0, 0);
        abi_expect(st, "new_pool reserved bit -> -EPERM", rc, -ABI_EPERM);
    }
}

static void abi_test_pool_limit(struct abi_state *st)
{
    long ids[ABI_MAX_POOLS + 1];
    unsigned int n = 0, i, j;
    int distinct = 1;
    long rc;

    /* At most one attempt beyond the limit; a 17th pool is recorded so
     * that it is destroyed again. */
    for ( ;; )
    {
        rc = abi_new_pool(st, ABI_POOL_FLAGS(n & 1, 0), 0, 0);
        if ( rc < 0 )
            break;
        ids[n++] = rc;
        if ( n > ABI_MAX_POOLS )
            break;
    }
    abi_expect(st, "pool limit reached with -EPERM", rc, -ABI_EPERM);
    if ( abi_fresh_client(st->ctx) )
        abi_expect(st, "exactly 16 pools per client", n, ABI_MAX_POOLS);
    for ( i = 0; i < n; i++ )
    {
        if ( ids[i] < 0 || ids[i] >= ABI_MAX_POOLS )
            distinct = 0;
        for ( j = 0; j < i; j++ )
            if ( ids[i] == ids[j] )
                distinct = 0;
    }
    abi_expect_true(st, "pool ids distinct and in 0..15", distinct);
    for ( i = 0; i < n; i++ )
        abi_expect(st, "destroy pool", abi_destroy(st, (int32_t)ids[i]), 1);
    for ( i = 0; i < n; i++ )
        abi_expect(st, "destroy again -> 0", abi_destroy(st, (int32_t)ids[i]),
                   0);
}

static void abi_test_commands(struct abi_state *st)
{
    static const uint32_t nosys[] = { ABI_TMEM_NEW_PAGE, ABI_TMEM_READ,
                                      ABI_TMEM_WRITE, ABI_TMEM_XCHG, 11, 99,
                                      100, 103, 0x7fffffffu, 0xffffffffu };
    static const uint32_t notsupp[] = { ABI_TMEM_CONTROL, ABI_TMEM_AUTH,
                                        ABI_TMEM_RESTORE_NEW };
    unsigned int i;
    long pool = abi_new_pool(st, ABI_POOL_FLAGS(0, 0), 0, 0);

    abi_expect_true(st, "pool for command tests", pool >= 0);
    for ( i = 0; i < sizeof(nosys) / sizeof(nosys[0]); i++ )
        abi_expect(st, "unimplemented command -> -ENOSYS",
                   abi_page_op(st, nosys[i], (int32_t)pool, 1, 0, 0, 0,
                               FR(0)), -ABI_ENOSYS);
    for ( i = 0; i < sizeof(notsupp) / sizeof(notsupp[0]); i++ )
        abi_expect(st, "control/auth/restore from guest -> -EOPNOTSUPP",
                   abi_page_op(st, notsupp[i], (int32_t)pool, 1, 0, 0, 0,
                               FR(0)), -ABI_EOPNOTSUPP);
    abi_expect(st, "destroy", abi_destroy(st, (int32_t)pool), 1);
}

/* XSA-15 classes: pool ids out of range in every direction. */
static void abi_test_bad_pool_ids(struct abi_state *st)
{
    static const int32_t bad[] = { -1, -2, -16, -17, 16, 17, 64, 1 << 20,
                                   0x7fffffff, (int32_t)0x80000000u };
    unsigned int i, c;
    long pool = abi_new_pool(st, ABI_POOL_FLAGS(1, 0), 0, 0);

    abi_expect_true(st, "pool for id tests", pool >= 0);
    abi_page_fill(st->ctx, 0, 1, 2);
    for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        for ( c = ABI_TMEM_PUT_PAGE; c <= ABI_TMEM_FLUSH_OBJECT; c++ )
            abi_expect(st, "page op on bad pool id -> -ENODEV",
                       abi_page_op(st, c, bad[i], 1, 0, 0, 0, FR(0)),
                       -ABI_ENODEV);
        abi_expect(st, "destroy bad pool id -> 0", abi_destroy(st, bad[i]),
                   0);
    }
    /*
     * A pool id that was never created.  The caller may own other pools
     * (a kernel's own tmem driver): find a free id first; flushing an
     * unlikely key is harmless in a pool that exists.
     */
    for ( i = 0; i < ABI_MAX_POOLS; i++ )
        if ( (long)i != pool &&
             abi_page_op(st, ABI_TMEM_FLUSH_PAGE, (int32_t)i,
                         0xfeedfacecafebeefull, 0, 0, 0, 0) == -ABI_ENODEV )
        {
            abi_expect(st, "uncreated pool -> -ENODEV",
                       abi_put(st, (int32_t)i, 1, 0, 0), -ABI_ENODEV);
            abi_expect(st, "uncreated pool get -> -ENODEV",
                       abi_get(st, (int32_t)i, 1, 0, 1), -ABI_ENODEV);
            break;
        }
    abi_expect(st, "destroy", abi_destroy(st, (int32_t)pool), 1);
    abi_expect(st, "put on destroyed pool -> -ENODEV",
               abi_put(st, (int32_t)pool, 1, 0, 0), -ABI_ENODEV);
    abi_expect(st, "get on destroyed pool -> -ENODEV",
               abi_get(st, (int32_t)pool, 1, 0, 1), -ABI_ENODEV);
    abi_expect(st, "flush on destroyed pool -> -ENODEV",
               abi_page_op(st, ABI_TMEM_FLUSH_PAGE, (int32_t)pool, 1, 0, 0,
                           0, 0), -ABI_ENODEV);
}

static void abi_test_ephemeral(struct abi_state *st)
{
    long pool = abi_new_pool(st, ABI_POOL_FLAGS(0, 0), 0, 0);
    unsigned int k;

    abi_expect_true(st, "ephemeral pool", pool >= 0);
    abi_expect(st, "get from empty pool -> -EEMPTY",
               abi_get(st, (int32_t)pool, 1, 0, 1), -ABI_EEMPTY);
    for ( k = 0; k < 4; k++ )
    {
        abi_page_fill(st->ctx, 0, 100 + k, k);
        abi_expect(st, "ephemeral put -> 1",
                   abi_put(st, (int32_t)pool, 7, k, 0), 1);
    }
    abi_expect(st, "get absent index -> 0",
               abi_get(st, (int32_t)pool, 7, 99, 1), 0);
    abi_expect(st, "get absent object -> 0",
               abi_get(st, (int32_t)pool, 8, 0, 1), 0);
    for ( k = 0; k < 4; k++ )
    {
        long rc = abi_get(st, (int32_t)pool, 7, k, 1);

        /* Ephemeral pages may be evicted at any time: 1 or a miss. */
        abi_expect_true(st, "ephemeral get -> 1 (or evicted)",
                        rc == 1 || rc == 0 || rc == -ABI_EEMPTY);
        if ( rc == 1 )
            abi_expect_true(st, "ephemeral data intact",
                            abi_page_check(st->ctx, 1, 100 + k, k));
        rc = abi_get(st, (int32_t)pool, 7, k, 1);
        abi_expect_true(st, "private ephemeral get is exclusive",
                        rc == 0 || rc == -ABI_EEMPTY);
    }
    /* Replacement. */
    abi_page_fill(st->ctx, 0, 5, 3);
    abi_page_fill(st->ctx, 2, 6, 2);
    abi_expect(st, "put", abi_put(st, (int32_t)pool, 9, 9, 0), 1);
    abi_expect(st, "put again (replace)", abi_put(st, (int32_t)pool, 9, 9, 2),
               1);
    if ( abi_get(st, (int32_t)pool, 9, 9, 1) == 1 )
        abi_expect_true(st, "replacement returned, never the old page",
                        abi_page_check(st->ctx, 1, 6, 2));
    abi_expect(st, "destroy", abi_destroy(st, (int32_t)pool), 1);
}

static void abi_test_persistent(struct abi_state *st)
{
    long pool = abi_new_pool(st, ABI_POOL_FLAGS(1, 0), 0, 0);
    unsigned int k;
    long rc;

    abi_expect_true(st, "persistent pool", pool >= 0);
    for ( k = 0; k < 16; k++ )
    {
        abi_page_fill(st->ctx, 0, 200 + k, k);
        abi_expect(st, "persistent put -> 1",
                   abi_put(st, (int32_t)pool, k / 4, k, 0), 1);
    }
    for ( k = 0; k < 16; k++ )
    {
        abi_expect(st, "persistent get -> 1",
                   abi_get(st, (int32_t)pool, k / 4, k, 1), 1);
        abi_expect_true(st, "persistent data exact",
                        abi_page_check(st->ctx, 1, 200 + k, k));
        abi_expect(st, "persistent get is not exclusive",
                   abi_get(st, (int32_t)pool, k / 4, k, 1), 1);
    }
    /* Replacement. */
    abi_page_fill(st->ctx, 0, 999, 3);
    abi_expect(st, "replace", abi_put(st, (int32_t)pool, 0, 0, 0), 1);
    abi_expect(st, "get replaced", abi_get(st, (int32_t)pool, 0, 0, 1), 1);
    abi_expect_true(st, "replacement data", abi_page_check(st->ctx, 1, 999,
                                                           3));
    /* Flush page / object, including absent ones: 1. */
    abi_expect(st, "flush page -> 1",
               abi_page_op(st, ABI_TMEM_FLUSH_PAGE, (int32_t)pool, 0, 0, 0,
                           1, 0), 1);
    abi_expect(st, "flush absent page -> 1",
               abi_page_op(st, ABI_TMEM_FLUSH_PAGE, (int32_t)pool, 0, 0, 0,
                           1, 0), 1);
    abi_expect(st, "flushed page gone",
               abi_get(st, (int32_t)pool, 0, 1, 1), 0);
    abi_expect(st, "flush object -> 1",
               abi_page_op(st, ABI_TMEM_FLUSH_OBJECT, (int32_t)pool, 1, 0, 0,
                           0, 0), 1);
    for ( k = 4; k < 8; k++ )
        abi_expect(st, "object pages gone",
                   abi_get(st, (int32_t)pool, 1, k, 1), 0);
    abi_expect(st, "other object intact",
               abi_get(st, (int32_t)pool, 2, 8, 1), 1);
    abi_expect_true(st, "other object data", abi_page_check(st->ctx, 1, 208,
                                                            8));
    abi_expect(st, "flush absent object -> 1",
               abi_page_op(st, ABI_TMEM_FLUSH_OBJECT, (int32_t)pool, 77, 0, 0,
                           0, 0), 1);
    /* The whole 192-bit oid and the whole 32-bit index matter. */
    abi_page_fill(st->ctx, 0, 31, 3);
    abi_expect(st, "put full oid", abi_page_op(st, ABI_TMEM_PUT_PAGE,
                                               (int32_t)pool, 5, 6, 7,
                                               0xffffffffu, FR(0)), 1);
    abi_expect(st, "oid[2] differs -> 0",
               abi_page_op(st, ABI_TMEM_GET_PAGE, (int32_t)pool, 5, 6, 8,
                           0xffffffffu, FR(1)), 0);
    abi_expect(st, "oid[1] differs -> 0",
               abi_page_op(st, ABI_TMEM_GET_PAGE, (int32_t)pool, 5, 7, 7,
                           0xffffffffu, FR(1)), 0);
    abi_expect(st, "index differs -> 0",
               abi_page_op(st, ABI_TMEM_GET_PAGE, (int32_t)pool, 5, 6, 7,
                           0x7fffffffu, FR(1)), 0);
    abi_expect(st, "exact key -> 1",
               abi_page_op(st, ABI_TMEM_GET_PAGE, (int32_t)pool, 5, 6, 7,
                           0xffffffffu, FR(1)), 1);
    abi_expect_true(st, "max index data", abi_page_check(st->ctx, 1, 31, 3));
    /* Unused fields of the historic struct are ignored. */
    {
        struct abi_tmem_op op;

        memset(&op, 0, sizeof(op));
        op.cmd = ABI_TMEM_GET_PAGE;
        op.pool_id = (int32_t)pool;
        op.u.gen.oid.oid[0] = 2;
        op.u.gen.index = 9;
        op.u.gen.tmem_offset = 123;
        op.u.gen.pfn_offset = 456;
        op.u.gen.len = 789;
        op.u.gen.cmfn = FR(1);
        abi_expect(st, "offsets/len ignored", abi_tmem_op(st->ctx, &op), 1);
        abi_expect_true(st, "data", abi_page_check(st->ctx, 1, 209, 9));
    }
    /* Destroying the pool drops everything; a new pool starts empty. */
    abi_expect(st, "destroy", abi_destroy(st, (int32_t)pool), 1);
    pool = abi_new_pool(st, ABI_POOL_FLAGS(1, 0), 0, 0);
    abi_expect_true(st, "new persistent pool", pool >= 0);
    rc = abi_get(st, (int32_t)pool, 2, 8, 1);
    abi_expect(st, "new pool is empty", rc, -ABI_EEMPTY);
    abi_expect(st, "destroy", abi_destroy(st, (int32_t)pool), 1);
}

static void abi_test_bad_frames(struct abi_state *st)
{
    long pool = abi_new_pool(st, ABI_POOL_FLAGS(1, 0), 0, 0);
    uint64_t bad = abi_bad_frame(st->ctx);
    long rc;

    abi_expect_true(st, "pool for frame tests", pool >= 0);
    abi_page_fill(st->ctx, 0, 4, 2);
    abi_expect(st, "put", abi_put(st, (int32_t)pool, 1, 1, 0), 1);
    rc = abi_page_op(st, ABI_TMEM_PUT_PAGE, (int32_t)pool, 1, 2, 0, 1, bad);
    abi_expect_true(st, "put from a bad frame -> -EFAULT/-EINVAL",
                    rc == -ABI_EFAULT || rc == -ABI_EINVAL);
    rc = abi_page_op(st, ABI_TMEM_PUT_PAGE, (int32_t)pool, 1, 2, 0, 1,
                     ~0ull);
    abi_expect_true(st, "put from frame ~0 -> -EFAULT/-EINVAL",
                    rc == -ABI_EFAULT || rc == -ABI_EINVAL);
    rc = abi_page_op(st, ABI_TMEM_GET_PAGE, (int32_t)pool, 1, 0, 0, 1, bad);
    abi_expect_true(st, "get into a bad frame -> -EFAULT/-EINVAL",
                    rc == -ABI_EFAULT || rc == -ABI_EINVAL);
    abi_expect(st, "page survives a failed get",
               abi_get(st, (int32_t)pool, 1, 1, 1), 1);
    abi_expect_true(st, "data", abi_page_check(st->ctx, 1, 4, 2));
    rc = abi_page_op(st, ABI_TMEM_PUT_PAGE, (int32_t)pool, 1, 0, 0, 1, bad);
    abi_expect_true(st, "replacing put from bad frame fails",
                    rc == -ABI_EFAULT || rc == -ABI_EINVAL);
    rc = abi_get(st, (int32_t)pool, 1, 1, 1);
    abi_expect_true(st, "failed put leaves no old copy",
                    rc == 0 || rc == -ABI_EEMPTY);
    abi_expect(st, "destroy", abi_destroy(st, (int32_t)pool), 1);
}

static void abi_test_shared_unauthorised(struct abi_state *st)
{
    long pool;
    long rc;

    /* A UUID no toolstack authorised: historic silent private pool. */
    pool = abi_new_pool(st, ABI_POOL_FLAGS(0, 1), 0x0bad0bad0bad0badull,
                        0x7e57ab1e7e57ab1eull);
    abi_expect_true(st, "unauthorised shared -> a pool id",
                    pool >= 0 && pool < ABI_MAX_POOLS);
    abi_page_fill(st->ctx, 0, 77, 2);
    abi_expect(st, "put", abi_put(st, (int32_t)pool, 1, 1, 0), 1);
    rc = abi_get(st, (int32_t)pool, 1, 1, 1);
    if ( rc == 1 )
    {
        abi_expect_true(st, "data", abi_page_check(st->ctx, 1, 77, 2));
        rc = abi_get(st, (int32_t)pool, 1, 1, 1);
        abi_expect_true(st, "behaves private: exclusive get",
                        rc == 0 || rc == -ABI_EEMPTY);
    }
    abi_expect(st, "destroy", abi_destroy(st, (int32_t)pool), 1);
    /* All-ones UUID means private even when shared is asked for. */
    pool = abi_new_pool(st, ABI_POOL_FLAGS(0, 1), ~0ull, ~0ull);
    abi_expect_true(st, "all-ones UUID -> private pool", pool >= 0);
    abi_expect(st, "destroy", abi_destroy(st, (int32_t)pool), 1);
}

static void abi_test_contents(struct abi_state *st)
{
    long pool = abi_new_pool(st, ABI_POOL_FLAGS(1, 0), 0, 0);
    unsigned int kind, k;

    abi_expect_true(st, "pool for content tests", pool >= 0);
    /* Zero, same-filled, compressible and random pages round-trip. */
    for ( kind = 0; kind < 4; kind++ )
        for ( k = 0; k < 8; k++ )
        {
            abi_page_fill(st->ctx, 0, 300 + k, kind);
            abi_expect(st, "put content",
                       abi_put(st, (int32_t)pool, kind, k, 0), 1);
        }
    for ( kind = 0; kind < 4; kind++ )
        for ( k = 0; k < 8; k++ )
        {
            abi_page_fill(st->ctx, 1, 1, 3);
            abi_expect(st, "get content",
                       abi_get(st, (int32_t)pool, kind, k, 1), 1);
            abi_expect_true(st, "content exact",
                            abi_page_check(st->ctx, 1, 300 + k, kind));
        }
    abi_expect(st, "destroy", abi_destroy(st, (int32_t)pool), 1);
}

/* -EFROZEN and -ENOMEM, when the runner can arrange them. */
static void abi_test_frozen_and_nomem(struct abi_state *st)
{
    long pool = abi_new_pool(st, ABI_POOL_FLAGS(1, 0), 0, 0);
    unsigned int k;
    long rc = 0;

    abi_expect_true(st, "pool for frozen/nomem tests", pool >= 0);
    abi_page_fill(st->ctx, 0, 55, 3);
    abi_expect(st, "put", abi_put(st, (int32_t)pool, 1, 1, 0), 1);
    if ( abi_ctl_freeze(st->ctx, 1) == 0 )
    {
        abi_expect(st, "put while frozen -> -EFROZEN",
                   abi_put(st, (int32_t)pool, 1, 2, 0), -ABI_EFROZEN);
        abi_expect(st, "get while frozen -> 1",
                   abi_get(st, (int32_t)pool, 1, 1, 1), 1);
        abi_expect(st, "flush while frozen -> -EFROZEN (flushed)",
                   abi_page_op(st, ABI_TMEM_FLUSH_PAGE, (int32_t)pool, 1, 0,
                               0, 1, 0), -ABI_EFROZEN);
        abi_expect(st, "flushed while frozen",
                   abi_get(st, (int32_t)pool, 1, 1, 1), -ABI_EEMPTY);
        abi_ctl_freeze(st->ctx, 0);
        abi_expect(st, "put after thaw -> 1",
                   abi_put(st, (int32_t)pool, 1, 2, 0), 1);
    }
    if ( abi_ctl_memory_limit(st->ctx, 4) == 0 )
    {
        /* Random pages (kind 3) need a data page each. */
        for ( k = 0; k < 64; k++ )
        {
            abi_page_fill(st->ctx, 0, 600 + k, 3);
            rc = abi_put(st, (int32_t)pool, 2, k, 0);
            if ( rc != 1 )
                break;
        }
        abi_expect(st, "persistent put without memory -> -ENOMEM", rc,
                   -ABI_ENOMEM);
        abi_expect_true(st, "memory ran out after a few pages", k < 64);
        /* A same-filled page needs no memory. */
        abi_page_fill(st->ctx, 0, 0, 0);
        abi_expect(st, "zero page still fits",
                   abi_put(st, (int32_t)pool, 3, 0, 0), 1);
        abi_ctl_memory_limit(st->ctx, 0);
        abi_page_fill(st->ctx, 0, 700, 3);
        abi_expect(st, "memory back: put -> 1",
                   abi_put(st, (int32_t)pool, 2, k, 0), 1);
    }
    abi_expect(st, "destroy", abi_destroy(st, (int32_t)pool), 1);
}

int abi_run_suite(struct abi_ctx *ctx, unsigned int *passed,
                  unsigned int *failed)
{
    struct abi_state st = { ctx, 0, 0 };

    abi_test_new_pool_flags(&st);
    abi_test_pool_limit(&st);
    abi_test_commands(&st);
    abi_test_bad_pool_ids(&st);
    abi_test_ephemeral(&st);
    abi_test_persistent(&st);
    abi_test_bad_frames(&st);
    abi_test_shared_unauthorised(&st);
    abi_test_contents(&st);
    abi_test_frozen_and_nomem(&st);
    *passed = st.passed;
    *failed = st.failed;
    return (int)st.failed;
}
