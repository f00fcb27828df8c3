/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_ctl.c: tmem control plane (the historic tmem sysctl sub-ops).
 *
 * The glue has already checked that the caller is privileged and decoded
 * the request; here every field is still validated, because the toolstack
 * passes guest-chosen values (domids, pool ids) through.  LIST's text is
 * made here; the save session is in tmem_save.c.
 */
#include "tmem_priv.h"

/* ---- text output for LIST ---- */

struct tmem_text {
    char *buf;
    size_t len, pos;
};

static void tmem_text_putc(struct tmem_text *t, char c)
{
    if ( t->pos + 1 < t->len )
        t->buf[t->pos++] = c;
}

static void tmem_text_puts(struct tmem_text *t, const char *s)
{
    while ( *s )
        tmem_text_putc(t, *s++);
}

static void tmem_text_u64(struct tmem_text *t, uint64_t v, unsigned int base)
{
    char tmp[24];
    unsigned int n = 0;

    do {
        unsigned int d = (unsigned int)(v % base);

        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while ( v );
    while ( n )
        tmem_text_putc(t, tmp[--n]);
}

static void tmem_text_long(struct tmem_text *t, long v)
{
    if ( v < 0 )
    {
        tmem_text_putc(t, '-');
        tmem_text_u64(t, (uint64_t)0 - (uint64_t)v, 10);
    }
    else
        tmem_text_u64(t, (uint64_t)v, 10);
}

/* ",KK:value" (or "KK:value" first in a record). */
static void tmem_text_kv(struct tmem_text *t, const char *key, long v)
{
    if ( t->pos && t->buf[t->pos - 1] != '=' )
        tmem_text_putc(t, ',');
    tmem_text_puts(t, key);
    tmem_text_putc(t, ':');
    tmem_text_long(t, v);
}

static void tmem_text_kx(struct tmem_text *t, const char *key, uint64_t v)
{
    tmem_text_putc(t, ',');
    tmem_text_puts(t, key);
    tmem_text_putc(t, ':');
    tmem_text_u64(t, v, 16);
}

#define RD(p) tmem_atomic_read(p)
#define PC(i) tmem_cnt_read(&pool->cnt, i)
#define CC(i) tmem_cnt_read(&c->cnt, i)
#define GC(i) tmem_cnt_read(&tmem_global.cnt, i)

static void tmem_list_pool_stats(struct tmem_text *t,
                                 const struct tmem_pool *pool)
{
    /* Cast away const: the atomic accessors take plain pointers. */
    struct tmem_pool_stats *st = (struct tmem_pool_stats *)&pool->st;

    tmem_text_kv(t, "Pc", RD(&st->pages));
    tmem_text_kv(t, "Pm", RD(&st->pages_max));
    tmem_text_kv(t, "Oc", RD(&st->objs));
    tmem_text_kv(t, "Om", RD(&st->objs_max));
    tmem_text_kv(t, "ps", PC(TMEM_PC_GOOD_PUTS));
    tmem_text_kv(t, "pt", PC(TMEM_PC_PUTS));
    tmem_text_kv(t, "pd", PC(TMEM_PC_DUP_FLUSHED));
    tmem_text_kv(t, "pr", PC(TMEM_PC_DUP_REPLACED));
    tmem_text_kv(t, "px", PC(TMEM_PC_NOMEM_PUTS));
    tmem_text_kv(t, "gs", PC(TMEM_PC_GOOD_GETS));
    tmem_text_kv(t, "gt", PC(TMEM_PC_GETS));
    tmem_text_kv(t, "fs", PC(TMEM_PC_GOOD_FLUSHES));
    tmem_text_kv(t, "ft", PC(TMEM_PC_FLUSHES));
    tmem_text_kv(t, "os", PC(TMEM_PC_GOOD_OBJ_FLUSHES));
    tmem_text_kv(t, "ot", PC(TMEM_PC_OBJ_FLUSHES));
}

static void tmem_list_pool_type(struct tmem_text *t,
                                const struct tmem_pool *pool)
{
    tmem_text_puts(t, ",PT:");
    tmem_text_putc(t, pool->persistent ? 'P' : 'E');
    tmem_text_putc(t, pool->shared ? 'S' : 'P');
    tmem_text_kx(t, "U0", pool->uuid[0]);
    tmem_text_kx(t, "U1", pool->uuid[1]);
}

/*
 * Mb: metadata bytes held now, Ml: the account's limit; long form adds Mm,
 * the most held at once, and Mr, charges refused at the limit.
 */
static void tmem_list_meta(struct tmem_text *t, struct tmem_meta *m,
                           bool use_long)
{
    tmem_text_kv(t, "Mb", RD(&m->bytes));
    tmem_text_kv(t, "Ml", RD(&m->limit));
    if ( use_long )
    {
        tmem_text_kv(t, "Mm", RD(&m->bytes_max));
        tmem_text_kv(t, "Mr", RD(&m->refused));
    }
}

static void tmem_list_client(struct tmem_text *t, struct tmem_client *c,
                             bool use_long)
{
    unsigned int i;

    tmem_text_puts(t, "C=");
    tmem_text_kv(t, "CI", c->id);
    tmem_text_kv(t, "ww", RD(&c->lru.weight));
    tmem_text_kv(t, "co", RD(&c->compress) ? 1 : 0);
    tmem_text_kv(t, "fr", RD(&c->frozen) ? 1 : 0);
    tmem_text_kv(t, "Ge", CC(TMEM_CC_EPH_GETS));
    tmem_text_kv(t, "Pp", CC(TMEM_CC_PERS_PUTS));
    tmem_text_kv(t, "Gp", CC(TMEM_CC_PERS_GETS));
    if ( use_long )
    {
        tmem_text_kv(t, "Ec", RD(&c->lru.nr));
        tmem_text_kv(t, "Em", RD(&c->lru.nr_max));
        tmem_text_kv(t, "cp", CC(TMEM_CC_COMPRESSED_PAGES));
        tmem_text_kv(t, "cb", CC(TMEM_CC_COMPRESSED_BYTES));
        tmem_text_kv(t, "cn", CC(TMEM_CC_COMPRESS_POOR));
    }
    /* After the historic keys, which old parsers may expect in order. */
    tmem_list_meta(t, &c->meta, use_long);
    tmem_text_putc(t, '\n');

    tmem_rwspin_read_lock(&c->pools_lock);
    for ( i = 0; i < TMEM_ENGINE_MAX_POOLS_PER_CLIENT; i++ )
    {
        struct tmem_pool *pool = tmem_pool_live(c, i);

        if ( !pool )
            continue;
        tmem_text_puts(t, "P=");
        tmem_text_kv(t, "CI", c->id);
        tmem_text_kv(t, "PI", i);
        tmem_list_pool_type(t, pool);
        if ( use_long )
            tmem_list_pool_stats(t, pool);
        tmem_text_putc(t, '\n');
    }
    tmem_rwspin_read_unlock(&c->pools_lock);
}

static void tmem_list_global(struct tmem_text *t, bool use_long)
{
    struct tmem_global_stats *st = &tmem_global.st;
    unsigned int i, j, n;
    long meta = 0;

    /* Every account, dying clients and pools included: all of it is held. */
    n = tmem_client_ids_end();
    tmem_call_work(n + TMEM_ENGINE_MAX_SHARED_POOLS);
    for ( i = 0; i < n; i++ )
        if ( tmem_global.clients[i] )
            meta += RD(&tmem_global.clients[i]->meta.bytes);
    tmem_spin_lock(&tmem_global.shared_lock);
    for ( i = 0; i < TMEM_ENGINE_MAX_SHARED_POOLS; i++ )
        if ( tmem_global.shared[i] )
            meta += RD(&tmem_global.shared[i]->own_meta.bytes);
    tmem_spin_unlock(&tmem_global.shared_lock);

    tmem_text_puts(t, "G=");
    tmem_text_kv(t, "Tt", GC(TMEM_GC_TOTAL_OPS));
    tmem_text_kv(t, "Te", GC(TMEM_GC_ERRORED_OPS));
    tmem_text_kv(t, "Ta", 0);        /* the engine keeps no free list */
    tmem_text_kv(t, "Et", GC(TMEM_GC_EVICTED));
    tmem_text_kv(t, "Ea", GC(TMEM_GC_EVICT_ATTEMPTS));
    tmem_text_kv(t, "Eg", GC(TMEM_GC_EVICT_GAVE_UP));
    tmem_text_kv(t, "Rt", GC(TMEM_GC_RELINQ));
    tmem_text_kv(t, "Ra", GC(TMEM_GC_RELINQ_ATTEMPTS));
    tmem_text_kv(t, "Mb", meta);
    tmem_text_kv(t, "Lc", RD(&st->call_max_ns) / 1000);
    if ( use_long )
    {
        tmem_text_kv(t, "Ec", RD(&st->eph_pages));
        tmem_text_kv(t, "Em", RD(&st->eph_pages_max));
        tmem_text_kv(t, "Oc", RD(&st->objs));
        tmem_text_kv(t, "Om", RD(&st->objs_max));
        tmem_text_kv(t, "Pc", tmem_pgd_count());
        tmem_text_kv(t, "Pm", RD(&st->pgds_max));
        tmem_text_kv(t, "Fc", tmem_data_pages_count());
        tmem_text_kv(t, "Fm", RD(&st->data_pages_max));
        tmem_text_kv(t, "Lg", RD(&st->call_kind_ns[TMEM_ENGINE_CALL_GUEST]) /
                              1000);
        tmem_text_kv(t, "Lo", RD(&st->call_kind_cmd[TMEM_ENGINE_CALL_GUEST]));
        tmem_text_kv(t, "Lt",
                     RD(&st->call_kind_ns[TMEM_ENGINE_CALL_CONTROL]) / 1000);
        tmem_text_kv(t, "Lq",
                     RD(&st->call_kind_cmd[TMEM_ENGINE_CALL_CONTROL]));
        tmem_text_kv(t, "Lk", RD(&st->call_kind_ns[TMEM_ENGINE_CALL_KILL]) /
                              1000);
        tmem_text_kv(t, "Lr",
                     RD(&st->call_kind_ns[TMEM_ENGINE_CALL_RECLAIM]) / 1000);
        tmem_text_kv(t, "Ln", GC(TMEM_GC_CALLS));
        tmem_text_kv(t, "L1", GC(TMEM_GC_CALLS_OVER_1MS));
        tmem_text_kv(t, "Lw", RD(&st->call_max_work));
        tmem_text_kv(t, "Wm", RD(&st->work_max));
        tmem_text_kv(t, "Wt", RD(&st->work_max_ns) / 1000);
    }
    tmem_text_putc(t, '\n');

    tmem_spin_lock(&tmem_global.shared_lock);
    for ( i = 0; i < TMEM_ENGINE_MAX_SHARED_POOLS; i++ )
    {
        struct tmem_pool *pool = tmem_global.shared[i];

        if ( !pool )
            continue;
        tmem_text_puts(t, "S=");
        tmem_text_kv(t, "SI", i);
        tmem_list_pool_type(t, pool);
        for ( j = 0; j < pool->nr_sharers; j++ )
            tmem_text_kv(t, "SC", pool->sharers[j]);
        tmem_list_meta(t, &pool->own_meta, use_long);
        if ( use_long )
            tmem_list_pool_stats(t, pool);
        tmem_text_putc(t, '\n');
    }
    tmem_spin_unlock(&tmem_global.shared_lock);
}

static long tmem_ctl_list(struct tmem_engine_ctl *ctl)
{
    struct tmem_text t = { ctl->buf, ctl->buf_len, 0 };
    bool use_long = ctl->arg != 0;
    struct tmem_client *c;
    unsigned int i, n;

    if ( !ctl->buf || !ctl->buf_len )
        return -TMEM_EINVAL;
    if ( ctl->cli_id == TMEM_ENGINE_CLI_ID_ALL )
    {
        tmem_list_global(&t, use_long);
        n = tmem_client_ids_end();
        tmem_call_work(n);
        for ( i = 0; i < n; i++ )
            if ( (c = tmem_client_get((uint16_t)i)) != NULL )
                tmem_list_client(&t, c, use_long);
    }
    else
    {
        c = tmem_client_get((uint16_t)ctl->cli_id);
        if ( ctl->cli_id >= TMEM_ENGINE_MAX_CLIENTS || !c )
            return -TMEM_ENOENT;
        tmem_list_client(&t, c, use_long);
    }
    t.buf[t.pos] = '\0';
    return (long)t.pos;
}

/* ---- dispatcher ---- */

static struct tmem_pool *tmem_ctl_pool(struct tmem_client *c, int32_t id)
{
    if ( (uint32_t)id >= TMEM_ENGINE_MAX_POOLS_PER_CLIENT )
        return NULL;
    return tmem_pool_live(c, TMEM_NOSPEC(id, TMEM_ENGINE_MAX_POOLS_PER_CLIENT));
}

/* Clients, their authorisations and restored pools: global write lock. */
static long tmem_ctl_write_op(struct tmem_engine_ctl *ctl)
{
    struct tmem_engine_pool_info *pi;
    struct tmem_client *c;
    unsigned int i, n;
    long rc = 0;

    tmem_write_lock(&tmem_global.lock);
    switch ( ctl->cmd )
    {
    case TMEM_ENGINE_CTL_SET_AUTH:
        c = tmem_client_get_or_create((uint16_t)ctl->cli_id);
        if ( !c )
        {
            rc = -TMEM_ENOMEM;
            break;
        }
        for ( i = 0; i < c->nr_auth; i++ )
            if ( c->auth[i][0] == ctl->uuid[0] &&
                 c->auth[i][1] == ctl->uuid[1] )
                break;
        if ( ctl->arg == 0 )
        {
            /* Existing sharing is not revoked, as historically. */
            if ( i < c->nr_auth )
            {
                c->nr_auth--;
                c->auth[i][0] = c->auth[c->nr_auth][0];
                c->auth[i][1] = c->auth[c->nr_auth][1];
            }
        }
        else if ( ctl->arg == 1 )
        {
            if ( i == c->nr_auth )
            {
                if ( c->nr_auth == TMEM_MAX_AUTH )
                    rc = -TMEM_ENOSPC;
                else
                {
                    c->auth[c->nr_auth][0] = ctl->uuid[0];
                    c->auth[c->nr_auth][1] = ctl->uuid[1];
                    c->nr_auth++;
                }
            }
        }
        else
            rc = -TMEM_EINVAL;
        break;

    case TMEM_ENGINE_CTL_RESTORE_BEGIN:
        c = tmem_client_get_or_create((uint16_t)ctl->cli_id);
        rc = c ? 0 : -TMEM_ENOMEM;
        break;

    case TMEM_ENGINE_CTL_SET_POOLS:
        c = tmem_client_get((uint16_t)ctl->cli_id);
        if ( !c )
        {
            rc = -TMEM_ENOENT;
            break;
        }
        if ( !ctl->buf || ctl->buf_len % sizeof(*pi) )
        {
            rc = -TMEM_EINVAL;
            break;
        }
        pi = ctl->buf;
        n = ctl->buf_len / sizeof(*pi);
        for ( i = 0; i < n; i++ )
        {
            uint32_t f = pi[i].flags;

            if ( pi[i].pool_id >= TMEM_ENGINE_MAX_POOLS_PER_CLIENT ||
                 c->pools[pi[i].pool_id] || tmem_pool_flags_check(f) )
            {
                rc = -TMEM_EINVAL;
                break;
            }
            rc = tmem_pool_create(c, (int)pi[i].pool_id, f, pi[i].uuid);
            if ( rc < 0 )
                break;
        }
        if ( rc >= 0 )
            rc = (long)n;
        break;

    default:
        rc = -TMEM_ENOSYS;
        break;
    }
    tmem_write_unlock(&tmem_global.lock);
    return rc;
}

/*
 * Pages one FLUSH may evict: a caller that asks for more gets what one
 * bounded call frees and may call again.
 */
#define TMEM_CTL_FLUSH_MAX_PAGES 1024

static unsigned long tmem_ctl_flush_pages(uint32_t kib)
{
    unsigned long n = ((unsigned long)kib + 3) / 4;

    return n < TMEM_CTL_FLUSH_MAX_PAGES ? n : TMEM_CTL_FLUSH_MAX_PAGES;
}

static long tmem_ctl_client_op_locked(struct tmem_client *c,
                                      struct tmem_engine_ctl *ctl)
{
    struct tmem_engine_pool_info *pi;
    struct tmem_xfer x = { NULL, 0, ctl->buf };
    struct tmem_pool *pool;
    unsigned int i, n;
    long rc;

    switch ( ctl->cmd )
    {
    case TMEM_ENGINE_CTL_FREEZE:
        tmem_atomic_set(&c->frozen, 1);
        return 0;
    case TMEM_ENGINE_CTL_THAW:
        tmem_atomic_set(&c->frozen, 0);
        return 0;
    case TMEM_ENGINE_CTL_FLUSH:
        rc = tmem_evict(&c->lru, tmem_ctl_flush_pages(ctl->arg), true);
        return rc * 4;
    case TMEM_ENGINE_CTL_SET_META_LIMIT:
        /* Lowering it frees nothing: it only refuses what would go over. */
        tmem_atomic_set(&c->meta.limit, (long)ctl->arg << 10);
        return 0;
    case TMEM_ENGINE_CTL_GET_META_LIMIT:
        return tmem_atomic_read(&c->meta.limit) >> 10;
    case TMEM_ENGINE_CTL_GET_CLIENT_INFO:
        ctl->weight = (uint32_t)tmem_atomic_read(&c->lru.weight);
        ctl->flags = (tmem_atomic_read(&c->compress) ?
                      TMEM_ENGINE_CLIENT_COMPRESS : 0) |
                     (tmem_atomic_read(&c->frozen) ?
                      TMEM_ENGINE_CLIENT_FROZEN : 0);
        return 0;
    case TMEM_ENGINE_CTL_SET_CLIENT_INFO:
        tmem_atomic_set(&c->lru.weight, (long)ctl->weight);
        tmem_atomic_set(&c->compress,
                        (ctl->flags & TMEM_ENGINE_CLIENT_COMPRESS) ? 1 : 0);
        return 0;
    case TMEM_ENGINE_CTL_GET_POOLS:
        if ( !ctl->buf && ctl->buf_len )
            return -TMEM_EINVAL;
        pi = ctl->buf;
        n = 0;
        for ( i = 0; i < TMEM_ENGINE_MAX_POOLS_PER_CLIENT; i++ )
        {
            pool = tmem_pool_live(c, i);
            if ( !pool )
                continue;
            if ( (n + 1) * sizeof(*pi) > ctl->buf_len )
                break;
            pi[n].pool_id = i;
            pi[n].flags = pool->flags;
            pi[n].uuid[0] = pool->uuid[0];
            pi[n].uuid[1] = pool->uuid[1];
            pi[n].n_pages = (uint64_t)tmem_atomic_read(&pool->st.pages);
            n++;
        }
        return (long)n;
    case TMEM_ENGINE_CTL_GET_AUTH:
        if ( !ctl->buf && ctl->buf_len )
            return -TMEM_EINVAL;
        n = ctl->buf_len / sizeof(c->auth[0]);
        if ( n > c->nr_auth )
            n = c->nr_auth;
        memcpy(ctl->buf, c->auth, n * sizeof(c->auth[0]));
        return (long)n;
    case TMEM_ENGINE_CTL_SAVE_BEGIN:
        return tmem_save_begin(c, ctl->arg);
    case TMEM_ENGINE_CTL_SAVE_GET_NEXT_PAGE:
        return tmem_save_next(c, ctl);
    case TMEM_ENGINE_CTL_SAVE_GET_NEXT_INV:
        return tmem_save_next_inv(c, ctl);
    case TMEM_ENGINE_CTL_SAVE_END:
        return tmem_save_end(c, ctl->arg);
    case TMEM_ENGINE_CTL_RESTORE_PUT_PAGE:
        pool = tmem_ctl_pool(c, ctl->pool_id);
        if ( !pool )
            return -TMEM_ENODEV;
        if ( !ctl->buf || ctl->buf_len < TMEM_PAGE_SIZE )
            return -TMEM_EINVAL;
        return tmem_pool_put(pool, ctl->oid, ctl->index, &x);
    case TMEM_ENGINE_CTL_RESTORE_FLUSH_PAGE:
        pool = tmem_ctl_pool(c, ctl->pool_id);
        if ( !pool )
            return -TMEM_ENODEV;
        return tmem_pool_flush_page(pool, ctl->oid, ctl->index);
    }
    return -TMEM_ENOSYS;
}

/* With the client's pools held in place (global read lock held). */
static long tmem_ctl_client_op(struct tmem_client *c,
                               struct tmem_engine_ctl *ctl)
{
    long rc;

    tmem_rwspin_read_lock(&c->pools_lock);
    rc = tmem_ctl_client_op_locked(c, ctl);
    tmem_rwspin_read_unlock(&c->pools_lock);
    return rc;
}

/* DESTROY of one client or of all: one bounded step each call. */
static long tmem_ctl_destroy(uint32_t cli_id)
{
    unsigned int i, first = 0, last = tmem_client_ids_end();
    bool found = false;
    long rc = 0;

    if ( cli_id != TMEM_ENGINE_CLI_ID_ALL )
    {
        first = TMEM_NOSPEC(cli_id, TMEM_ENGINE_MAX_CLIENTS);
        last = first + 1;
    }
    tmem_call_work(last - first);
    for ( i = first; i < last; i++ )
    {
        tmem_read_lock(&tmem_global.lock);
        found = tmem_global.clients[i] != NULL;
        tmem_read_unlock(&tmem_global.lock);
        /* A client already dying is found too: its teardown goes on. */
        if ( found &&
             tmem_engine_client_destroy_step((uint16_t)i) == -TMEM_ERESTART )
            rc = -TMEM_ERESTART;
    }
    if ( cli_id != TMEM_ENGINE_CLI_ID_ALL && !found )
        return -TMEM_ENOENT;
    return rc;
}

long tmem_engine_control(struct tmem_engine_ctl *ctl)
{
    struct tmem_client *c;
    bool all = ctl->cli_id == TMEM_ENGINE_CLI_ID_ALL;
    unsigned int i, n;
    long rc = 0, r;

    if ( !tmem_engine_enabled || !tmem_global.initialised )
        return -TMEM_ENODEV;
    if ( !all && ctl->cli_id >= TMEM_ENGINE_MAX_CLIENTS )
        return -TMEM_EINVAL;

    switch ( ctl->cmd )
    {
    case TMEM_ENGINE_CTL_SET_AUTH:
    case TMEM_ENGINE_CTL_RESTORE_BEGIN:
    case TMEM_ENGINE_CTL_SET_POOLS:
        if ( all )
            return -TMEM_EINVAL;
        return tmem_ctl_write_op(ctl);

    case TMEM_ENGINE_CTL_DESTROY:
        return tmem_ctl_destroy(ctl->cli_id);

    case TMEM_ENGINE_CTL_QUERY_FREEABLE_MB:
        return (long)(tmem_engine_freeable_pages() >>
                      (20 - TMEM_ENGINE_PAGE_SHIFT));

    case TMEM_ENGINE_CTL_LIST:
        tmem_read_lock(&tmem_global.lock);
        rc = tmem_ctl_list(ctl);
        tmem_read_unlock(&tmem_global.lock);
        return rc;

    case TMEM_ENGINE_CTL_FLUSH:
        if ( all )
            return tmem_evict(NULL, tmem_ctl_flush_pages(ctl->arg),
                              true) * 4;
        break;

    case TMEM_ENGINE_CTL_FREEZE:
    case TMEM_ENGINE_CTL_THAW:
        break;

    case TMEM_ENGINE_CTL_SET_META_LIMIT:
        break;

    case TMEM_ENGINE_CTL_SET_CLIENT_INFO:
        /* Refused as a whole, even when there is no client to refuse it. */
        if ( ctl->weight > 0xffff )
            return -TMEM_EINVAL;
        break;

    case TMEM_ENGINE_CTL_GET_META_LIMIT:
    case TMEM_ENGINE_CTL_GET_CLIENT_INFO:
    case TMEM_ENGINE_CTL_GET_POOLS:
    case TMEM_ENGINE_CTL_GET_AUTH:
    case TMEM_ENGINE_CTL_SAVE_BEGIN:
    case TMEM_ENGINE_CTL_SAVE_GET_NEXT_PAGE:
    case TMEM_ENGINE_CTL_SAVE_GET_NEXT_INV:
    case TMEM_ENGINE_CTL_SAVE_END:
    case TMEM_ENGINE_CTL_RESTORE_PUT_PAGE:
    case TMEM_ENGINE_CTL_RESTORE_FLUSH_PAGE:
        if ( all )
            return -TMEM_EINVAL;
        break;

    default:
        return -TMEM_ENOSYS;
    }

    tmem_read_lock(&tmem_global.lock);
    if ( all )
    {
        /* FREEZE, THAW, SET_META_LIMIT or SET_CLIENT_INFO of every client. */
        n = tmem_client_ids_end();
        tmem_call_work(n);
        for ( i = 0; i < n; i++ )
            if ( (c = tmem_client_get((uint16_t)i)) != NULL )
            {
                r = tmem_ctl_client_op(c, ctl);
                if ( r < 0 )
                    rc = r;
            }
    }
    else
    {
        c = tmem_client_get((uint16_t)ctl->cli_id);
        rc = c ? tmem_ctl_client_op(c, ctl) : -TMEM_ENOENT;
    }
    tmem_read_unlock(&tmem_global.lock);
    return rc;
}
