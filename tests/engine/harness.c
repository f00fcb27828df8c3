/* harness.c: see harness.h. */
#include "harness.h"
#include "abi_tmem.h"
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

void h_decode_guest_op(const struct abi_tmem_op *raw,
                       struct tmem_engine_op *op)
{
    memset(op, 0, sizeof(*op));
    TMEM_ENGINE_DECODE_OP(op, raw);
}

void hg_init(struct hguest *g, uint16_t domid, uint64_t nr_frames)
{
    memset(g, 0, sizeof(*g));
    g->caller.domid = domid;
    g->caller.nr_frames = nr_frames;
    g->caller.mem = calloc(nr_frames, 4096);
    g->bad = calloc((nr_frames + 7) / 8 + 1, 1);
    g->caller.bad = g->bad;
}

void hg_free(struct hguest *g)
{
    free(g->caller.mem);
    free(g->bad);
    memset(g, 0, sizeof(*g));
}

void hg_mark_bad(struct hguest *g, uint64_t f)
{
    g->bad[f >> 3] |= 1u << (f & 7);
}

long h_restarts;

/* What Xen's glue does with "call again": a continuation, until done. */
long h_guest_call(struct hguest *g, const struct tmem_engine_op *op)
{
    uint64_t t;
    long rc;

    for ( ;; )
    {
        t = tmem_env_user_now_ns();
        rc = tmem_engine_guest_op(&g->caller, g->caller.domid, op);
        tmem_engine_note_call_ns(TMEM_ENGINE_CALL_GUEST, op->cmd,
                                 tmem_env_user_now_ns() - t);
        if ( rc != -TMEM_ERESTART )
            return rc;
        tmem_atomic_add(&h_restarts, 1);
    }
}

long h_control(struct tmem_engine_ctl *ctl)
{
    uint64_t t;
    long rc;

    for ( ;; )
    {
        t = tmem_env_user_now_ns();
        rc = tmem_engine_control(ctl);
        tmem_engine_note_call_ns(TMEM_ENGINE_CALL_CONTROL, ctl->cmd,
                                 tmem_env_user_now_ns() - t);
        if ( rc != -TMEM_ERESTART )
            return rc;
        tmem_atomic_add(&h_restarts, 1);
    }
}

long hg_op(struct hguest *g, uint32_t cmd, int32_t pool, uint64_t o0,
           uint64_t o1, uint64_t o2, uint32_t index, uint64_t frame)
{
    struct tmem_engine_op op;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.pool_id = pool;
    op.oid[0] = o0;
    op.oid[1] = o1;
    op.oid[2] = o2;
    op.index = index;
    op.frame = frame;
    return h_guest_call(g, &op);
}

long hg_new_pool(struct hguest *g, uint32_t flags, uint64_t u0, uint64_t u1)
{
    struct tmem_engine_op op;

    memset(&op, 0, sizeof(op));
    op.cmd = TMEM_ENGINE_CMD_NEW_POOL;
    op.flags = flags;
    op.uuid[0] = u0;
    op.uuid[1] = u1;
    return h_guest_call(g, &op);
}

long hg_destroy_pool(struct hguest *g, int32_t pool)
{
    return hg_op(g, TMEM_ENGINE_CMD_DESTROY_POOL, pool, 0, 0, 0, 0, 0);
}

long hg_put(struct hguest *g, int32_t pool, uint64_t oid, uint32_t index,
            uint64_t frame)
{
    return hg_op(g, TMEM_ENGINE_CMD_PUT_PAGE, pool, oid, 0, 0, index, frame);
}

long hg_get(struct hguest *g, int32_t pool, uint64_t oid, uint32_t index,
            uint64_t frame)
{
    return hg_op(g, TMEM_ENGINE_CMD_GET_PAGE, pool, oid, 0, 0, index, frame);
}

long hg_flush(struct hguest *g, int32_t pool, uint64_t oid, uint32_t index)
{
    return hg_op(g, TMEM_ENGINE_CMD_FLUSH_PAGE, pool, oid, 0, 0, index, 0);
}

long hg_flush_obj(struct hguest *g, int32_t pool, uint64_t oid)
{
    return hg_op(g, TMEM_ENGINE_CMD_FLUSH_OBJECT, pool, oid, 0, 0, 0, 0);
}

long hc_simple(uint32_t cmd, uint32_t cli, uint32_t arg)
{
    struct tmem_engine_ctl ctl;

    memset(&ctl, 0, sizeof(ctl));
    ctl.cmd = cmd;
    ctl.cli_id = cli;
    ctl.arg = arg;
    return h_control(&ctl);
}

long hc_auth(uint32_t cli, uint64_t u0, uint64_t u1, uint32_t allow)
{
    struct tmem_engine_ctl ctl;

    memset(&ctl, 0, sizeof(ctl));
    ctl.cmd = TMEM_ENGINE_CTL_SET_AUTH;
    ctl.cli_id = cli;
    ctl.uuid[0] = u0;
    ctl.uuid[1] = u1;
    ctl.arg = allow;
    return h_control(&ctl);
}

long hc_list(uint32_t cli, int use_long, char *buf, uint32_t len)
{
    struct tmem_engine_ctl ctl;

    memset(&ctl, 0, sizeof(ctl));
    ctl.cmd = TMEM_ENGINE_CTL_LIST;
    ctl.cli_id = cli;
    ctl.arg = use_long;
    ctl.buf = buf;
    ctl.buf_len = len;
    return h_control(&ctl);
}

long hc_set_info(uint32_t cli, uint32_t weight, uint32_t flags)
{
    struct tmem_engine_ctl ctl;

    memset(&ctl, 0, sizeof(ctl));
    ctl.cmd = TMEM_ENGINE_CTL_SET_CLIENT_INFO;
    ctl.cli_id = cli;
    ctl.weight = weight;
    ctl.flags = flags;
    return h_control(&ctl);
}

static long h_meta_at_start;

int h_engine_start(void)
{
    tmem_engine_enabled = true;
    tmem_env_user_set_heap_limit(0);
    h_meta_at_start = tmem_atomic_read(&tmem_env_user_stats.meta_allocs);
    return tmem_engine_init();
}

int h_engine_stop_check_leaks(void)
{
    int problems = 0;
    long pages, allocs;

    tmem_engine_exit();
    pages = tmem_atomic_read(&tmem_env_user_stats.pages_in_use);
    allocs = tmem_atomic_read(&tmem_env_user_stats.meta_allocs);
    if ( pages != 0 )
    {
        fprintf(stderr, "LEAK: %ld data pages still allocated\n", pages);
        problems++;
    }
    if ( tmem_atomic_read(&tmem_env_user_stats.owners_held) != 0 )
    {
        fprintf(stderr, "LEAK: %ld domain owner handles still held\n",
                tmem_atomic_read(&tmem_env_user_stats.owners_held));
        problems++;
    }
    if ( allocs != h_meta_at_start )
    {
        fprintf(stderr, "LEAK: %ld metadata allocations outstanding\n",
                allocs - h_meta_at_start);
        problems++;
    }
    return problems;
}

long h_pages_in_use(void)
{
    return tmem_atomic_read(&tmem_env_user_stats.pages_in_use);
}

long h_list_value(const char *text, const char *record_prefix,
                  const char *key)
{
    const char *line = text;
    size_t kl = strlen(key), pl = strlen(record_prefix);

    while ( line && *line )
    {
        const char *eol = strchr(line, '\n');
        size_t ll = eol ? (size_t)(eol - line) : strlen(line);

        if ( ll >= pl && !strncmp(line, record_prefix, pl) )
        {
            const char *p = line + 2;

            while ( p < line + ll )
            {
                if ( (p == line + 2 || p[-1] == ',') &&
                     !strncmp(p, key, kl) && p[kl] == ':' )
                    return strtol(p + kl + 1, NULL, 0);
                p++;
            }
            return -1;
        }
        line = eol ? eol + 1 : NULL;
    }
    return -1;
}
