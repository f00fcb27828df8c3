/*
 * fuzz_engine.c: libFuzzer target over sequences of guest and control
 * operations from several clients.
 *
 * Each input is decoded into operations (one selector byte, then the bytes
 * its parameters need).  Built with ASan+UBSan; additionally checks:
 *   - LIST text is always NUL-terminated inside the buffer;
 *   - a persistent page read back is the last one put there (tiny model);
 *   - after destroying every client no data page or metadata is left.
 */
#include "harness.h"
#include "corpus.h"
#include <stdlib.h>

#define FZ_CLIENTS 3
#define FZ_FRAMES  4
#define FZ_KEYS    64

struct fz_in {
    const uint8_t *p;
    size_t n;
};

static uint8_t fz_u8(struct fz_in *in)
{
    if ( !in->n )
        return 0;
    in->n--;
    return *in->p++;
}

static uint32_t fz_u32(struct fz_in *in)
{
    uint32_t v = fz_u8(in);

    v |= (uint32_t)fz_u8(in) << 8;
    v |= (uint32_t)fz_u8(in) << 16;
    return v | (uint32_t)fz_u8(in) << 24;
}

static uint64_t fz_u64(struct fz_in *in)
{
    uint64_t v = fz_u32(in);

    return v | (uint64_t)fz_u32(in) << 32;
}

static const uint64_t fz_uuids[3][2] = {
    { 0x11, 0x22 }, { 0x33, 0x44 }, { ~0ull, ~0ull },
};

/* Tiny model of persistent pages: pool kind per slot, content hash per key. */
struct fz_client {
    struct hguest g;
    int8_t persistent[16];        /* -1 unknown, 0 no, 1 yes */
    uint64_t pers[16][FZ_KEYS];   /* 0 = unknown / absent */
};

static struct fz_client fz[FZ_CLIENTS];

static uint64_t fz_hash(const uint8_t *p)
{
    uint64_t h = 14695981039346656037ull;
    unsigned int i;

    for ( i = 0; i < 4096; i++ )
        h = (h ^ p[i]) * 1099511628211ull;
    return h | 1;
}

static void fz_forget_client(int c)
{
    memset(fz[c].persistent, -1, sizeof(fz[c].persistent));
    memset(fz[c].pers, 0, sizeof(fz[c].pers));
}

static int32_t fz_pool_id(struct fz_in *in)
{
    uint8_t b = fz_u8(in);

    /* Mostly valid ids, sometimes far out of range either way. */
    if ( b < 200 )
        return b % 16;
    if ( b < 230 )
        return -(int32_t)(b - 199);
    return (int32_t)fz_u32(in);
}

static uint64_t fz_frame(struct fz_in *in)
{
    uint8_t b = fz_u8(in);

    if ( b < 240 )
        return b % FZ_FRAMES;
    if ( b < 250 )
        return FZ_FRAMES;        /* marked bad: -EFAULT */
    return fz_u64(in);           /* anything: usually -EINVAL */
}

static void fz_guest_op(struct fz_in *in, int c)
{
    struct fz_client *cl = &fz[c];
    struct tmem_engine_op op;
    uint8_t sel = fz_u8(in), k;
    long rc;

    memset(&op, 0, sizeof(op));
    op.pool_id = fz_pool_id(in);
    k = fz_u8(in) % FZ_KEYS;
    op.oid[0] = k / 8;
    op.oid[1] = (sel & 0x80) ? fz_u64(in) : 0;
    op.index = k % 8;
    if ( sel & 0x40 )
        op.index = fz_u32(in);
    switch ( sel % 9 )
    {
    case 0:
        op.cmd = TMEM_ENGINE_CMD_NEW_POOL;
        op.flags = (sel & 0x20) ? fz_u32(in)
                                : H_FLAGS(fz_u8(in) & 1, fz_u8(in) & 1);
        k = fz_u8(in) % 3;
        op.uuid[0] = fz_uuids[k][0];
        op.uuid[1] = fz_uuids[k][1];
        rc = h_guest_call(&cl->g, &op);
        if ( rc >= 0 && rc < 16 )
        {
            /* Shared (even if it fell back to private) is ephemeral. */
            cl->persistent[rc] = !(op.flags & TMEM_ENGINE_POOL_SHARED) &&
                                 (op.flags & TMEM_ENGINE_POOL_PERSIST);
            memset(cl->pers[rc], 0, sizeof(cl->pers[rc]));
        }
        return;
    case 1:
        op.cmd = TMEM_ENGINE_CMD_DESTROY_POOL;
        rc = h_guest_call(&cl->g, &op);
        if ( rc == 1 )
        {
            cl->persistent[op.pool_id] = -1;
            memset(cl->pers[op.pool_id], 0, sizeof(cl->pers[op.pool_id]));
        }
        return;
    case 2:
    case 3:
        op.cmd = TMEM_ENGINE_CMD_PUT_PAGE;
        op.frame = fz_frame(in);
        if ( op.frame < FZ_FRAMES )
            corpus_page((enum corpus_kind)(fz_u8(in) % CORPUS_NR_KINDS),
                        fz_u8(in), hg_frame(&cl->g, op.frame));
        rc = h_guest_call(&cl->g, &op);
        if ( op.pool_id >= 0 && op.pool_id < 16 && !op.oid[1] &&
             op.index < 8 )
        {
            uint64_t *m = &cl->pers[op.pool_id][op.oid[0] * 8 + op.index];

            if ( rc == 1 && op.frame < FZ_FRAMES )
                *m = fz_hash(hg_frame(&cl->g, op.frame));
            else if ( rc != -TMEM_EFROZEN )
                *m = 0;
        }
        return;
    case 4:
    case 5:
        op.cmd = TMEM_ENGINE_CMD_GET_PAGE;
        op.frame = fz_frame(in);
        rc = h_guest_call(&cl->g, &op);
        if ( rc == 1 && op.pool_id >= 0 && op.pool_id < 16 &&
             cl->persistent[op.pool_id] == 1 && !op.oid[1] && op.index < 8 )
        {
            uint64_t m = cl->pers[op.pool_id][op.oid[0] * 8 + op.index];

            /* Known content must come back exactly. */
            if ( m && m != fz_hash(hg_frame(&cl->g, op.frame)) )
                __builtin_trap();
        }
        return;
    case 6:
        op.cmd = TMEM_ENGINE_CMD_FLUSH_PAGE;
        break;
    case 7:
        op.cmd = TMEM_ENGINE_CMD_FLUSH_OBJECT;
        break;
    default:
        op.cmd = fz_u32(in);     /* anything at all */
        break;
    }
    rc = h_guest_call(&cl->g, &op);
    /* Flushes and unknown commands may drop modelled pages: forget. */
    if ( op.pool_id >= 0 && op.pool_id < 16 )
        memset(cl->pers[op.pool_id], 0, sizeof(cl->pers[op.pool_id]));
    (void)rc;
}

static void fz_control_op(struct fz_in *in, int c)
{
    static char text[2048];
    static uint8_t page[4096];
    struct tmem_engine_pool_info pi[4];
    struct tmem_engine_ctl ctl;
    uint8_t sel = fz_u8(in);
    long rc;

    memset(&ctl, 0, sizeof(ctl));
    ctl.cli_id = (sel & 0x80) ? TMEM_ENGINE_CLI_ID_ALL
                              : fz[c].g.caller.domid;
    if ( (sel & 0x40) && (fz_u8(in) & 1) )
        ctl.cli_id = fz_u32(in);
    ctl.pool_id = fz_pool_id(in);
    ctl.arg = fz_u8(in);
    ctl.oid[0] = fz_u8(in) % 8;
    ctl.index = fz_u8(in) % 8;
    switch ( sel % 16 )
    {
    case 0:
        ctl.cmd = TMEM_ENGINE_CTL_LIST;
        ctl.buf = text;
        ctl.buf_len = 1 + fz_u8(in) * 8;
        memset(text, 'x', sizeof(text));
        rc = h_control(&ctl);
        if ( rc >= 0 && ((uint32_t)rc >= ctl.buf_len || text[rc] != '\0') )
            __builtin_trap();
        return;
    case 1:
        ctl.cmd = TMEM_ENGINE_CTL_SET_AUTH;
        ctl.uuid[0] = fz_uuids[ctl.arg % 3][0];
        ctl.uuid[1] = fz_uuids[ctl.arg % 3][1];
        ctl.arg = fz_u8(in) % 3;
        break;
    case 2:
        ctl.cmd = TMEM_ENGINE_CTL_SET_CLIENT_INFO;
        ctl.weight = fz_u32(in) % 0x10010;
        ctl.flags = fz_u8(in);
        break;
    case 3:
        tmem_engine_reclaim(fz_u8(in));
        return;
    case 4:
        tmem_env_user_set_heap_limit(fz_u8(in) % 48);
        tmem_engine_max_client_pages = (fz_u8(in) & 1) ? 1 + fz_u8(in) % 40
                                       : TMEM_ENGINE_DEFAULT_MAX_CLIENT_PAGES;
        return;
    case 5:
        tmem_env_user_fail_zalloc(fz_u8(in) % 8);
        return;
    case 6:
        tmem_engine_client_destroy(fz[c].g.caller.domid);
        fz_forget_client(c);
        return;
    case 7:
        ctl.cmd = TMEM_ENGINE_CTL_RESTORE_PUT_PAGE;
        corpus_page(CORPUS_TEXT, ctl.arg, page);
        ctl.buf = page;
        ctl.buf_len = (fz_u8(in) & 1) ? 4096 : 100;
        break;
    case 8:
        ctl.cmd = TMEM_ENGINE_CTL_SET_POOLS;
        memset(pi, 0, sizeof(pi));
        pi[0].pool_id = fz_u8(in) % 20;
        pi[0].flags = (fz_u8(in) & 1) ? fz_u32(in) : H_FLAGS(1, 0);
        ctl.buf = pi;
        ctl.buf_len = sizeof(pi[0]) * (1 + fz_u8(in) % 2);
        pi[1] = pi[0];
        pi[1].pool_id = fz_u8(in) % 20;
        rc = h_control(&ctl);
        fz_forget_client(c);
        return;
    default:
    {
        static const uint32_t cmds[] = {
            TMEM_ENGINE_CTL_THAW, TMEM_ENGINE_CTL_FREEZE,
            TMEM_ENGINE_CTL_FLUSH, TMEM_ENGINE_CTL_GET_CLIENT_INFO,
            TMEM_ENGINE_CTL_GET_POOLS, TMEM_ENGINE_CTL_QUERY_FREEABLE_MB,
            TMEM_ENGINE_CTL_SAVE_BEGIN, TMEM_ENGINE_CTL_SAVE_GET_NEXT_PAGE,
            TMEM_ENGINE_CTL_SAVE_GET_NEXT_INV, TMEM_ENGINE_CTL_SAVE_END,
            TMEM_ENGINE_CTL_RESTORE_BEGIN, TMEM_ENGINE_CTL_RESTORE_FLUSH_PAGE,
            TMEM_ENGINE_CTL_DESTROY, 12, 31, 0xffffffffu,
        };

        ctl.cmd = cmds[fz_u8(in) % 16];
        ctl.buf = (ctl.cmd == TMEM_ENGINE_CTL_GET_POOLS) ? (void *)pi
                                                         : (void *)page;
        ctl.buf_len = (ctl.cmd == TMEM_ENGINE_CTL_GET_POOLS) ? sizeof(pi)
                                                             : 4096;
        /* Any length up to the real size of the buffer (the glue's
         * contract: buf_len never exceeds what buf points to). */
        if ( fz_u8(in) & 1 )
            ctl.buf_len = fz_u8(in) % (ctl.buf_len + 1);
        break;
    }
    }
    rc = h_control(&ctl);
    /* Control ops can destroy, flush or restore pages: forget the model. */
    if ( ctl.cmd == TMEM_ENGINE_CTL_DESTROY ||
         ctl.cmd == TMEM_ENGINE_CTL_RESTORE_PUT_PAGE ||
         ctl.cmd == TMEM_ENGINE_CTL_RESTORE_FLUSH_PAGE )
    {
        int i;

        for ( i = 0; i < FZ_CLIENTS; i++ )
            if ( ctl.cmd == TMEM_ENGINE_CTL_DESTROY || i == c )
                fz_forget_client(i);
    }
    (void)rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz_in in = { data, size };
    long meta0;
    int c, ops = 0;

    meta0 = tmem_atomic_read(&tmem_env_user_stats.meta_allocs);
    tmem_engine_enabled = true;
    if ( tmem_engine_init() )
        return 0;
    tmem_engine_compress_default = size & 1;
    for ( c = 0; c < FZ_CLIENTS; c++ )
    {
        hg_init(&fz[c].g, (uint16_t)(1 + c), FZ_FRAMES + 1);
        hg_mark_bad(&fz[c].g, FZ_FRAMES);
        fz_forget_client(c);
    }
    while ( in.n && ops++ < 2000 )
    {
        uint8_t b = fz_u8(&in);

        c = b % FZ_CLIENTS;
        if ( b < 200 )
            fz_guest_op(&in, c);
        else
            fz_control_op(&in, c);
    }
    tmem_env_user_fail_zalloc(0);
    tmem_env_user_set_heap_limit(0);
    tmem_engine_max_client_pages = TMEM_ENGINE_DEFAULT_MAX_CLIENT_PAGES;
    for ( c = 0; c < FZ_CLIENTS; c++ )
    {
        tmem_engine_client_destroy((uint16_t)(1 + c));
        hg_free(&fz[c].g);
    }
    /* Everything must be gone once every client is. */
    if ( h_pages_in_use() != 0 )
        __builtin_trap();
    tmem_engine_exit();
    if ( tmem_atomic_read(&tmem_env_user_stats.meta_allocs) != meta0 )
        __builtin_trap();
    return 0;
}
