/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_ops.c: the engine's entry points for guests, and its life.
 *
 * Hypercall 38's operations, decoded by the glue: NEW_POOL, DESTROY_POOL
 * and the page operations on a pool, each under the global read lock; the
 * boot settings; the timing the environment reports of every call; init
 * and exit.  The control plane's entry point is in tmem_ctl.c.
 */
#include "tmem_priv.h"

/* Off unless the glue turns it on (boot option `tmem', off by default). */
bool tmem_engine_enabled;
bool tmem_engine_compress_default;
unsigned long tmem_engine_max_client_pages =
    TMEM_ENGINE_DEFAULT_MAX_CLIENT_PAGES;
unsigned long tmem_engine_meta_limit = TMEM_ENGINE_DEFAULT_META_LIMIT;

struct tmem_global tmem_global;

/* ---- guest operations ---- */

/* NEW_POOL flag checks (historic: every refusal is -EPERM). */
int tmem_pool_flags_check(uint32_t flags)
{
    if ( flags & TMEM_ENGINE_POOL_PRECOMPRESSED )
        return -TMEM_EPERM;
    if ( ((flags >> TMEM_ENGINE_POOL_VERSION_SHIFT) &
          TMEM_ENGINE_POOL_VERSION_MASK) != TMEM_ENGINE_SPEC_VERSION )
        return -TMEM_EPERM;
    if ( ((flags >> TMEM_ENGINE_POOL_PAGESIZE_SHIFT) &
          TMEM_ENGINE_POOL_PAGESIZE_MASK) != TMEM_ENGINE_PAGE_SHIFT - 12 )
        return -TMEM_EPERM;
    if ( flags & TMEM_ENGINE_POOL_RESERVED_BITS )
        return -TMEM_EPERM;
    if ( (flags & TMEM_ENGINE_POOL_PERSIST) &&
         (flags & TMEM_ENGINE_POOL_SHARED) )
        return -TMEM_EPERM;
    return 0;
}

static long tmem_op_new_pool(uint16_t cli_id, const struct tmem_engine_op *op)
{
    uint32_t flags = op->flags;
    struct tmem_client *c;
    long rc;
    int slot;

    rc = tmem_pool_flags_check(flags);
    if ( rc )
        return rc;

    tmem_read_lock(&tmem_global.lock);
    c = tmem_client_get(cli_id);
    if ( !c )
    {
        /* A client's first pool: once per domain (or per xl tmem-destroy). */
        tmem_read_unlock(&tmem_global.lock);
        tmem_write_lock(&tmem_global.lock);
        c = tmem_client_get_or_create(cli_id);
        tmem_write_unlock(&tmem_global.lock);
        if ( !c )
            return -TMEM_ENOMEM;
        tmem_read_lock(&tmem_global.lock);
        c = tmem_client_get(cli_id);
        if ( !c )
        {
            /* Destroyed in between. */
            tmem_read_unlock(&tmem_global.lock);
            return -TMEM_ENOMEM;
        }
    }
    tmem_rwspin_write_lock(&c->pools_lock);
    for ( slot = 0; slot < TMEM_ENGINE_MAX_POOLS_PER_CLIENT; slot++ )
        if ( !c->pools[slot] )
            break;
    if ( slot == TMEM_ENGINE_MAX_POOLS_PER_CLIENT )
        rc = -TMEM_EPERM;       /* historic: too many pools */
    else
        rc = tmem_pool_create(c, slot, flags, op->uuid);
    tmem_rwspin_write_unlock(&c->pools_lock);
    tmem_read_unlock(&tmem_global.lock);
    return rc;
}

/*
 * The pool dies at once (no op can use it after the first call); freeing
 * what it holds takes one bounded step per call, continued by the glue
 * while this returns -TMEM_ERESTART.  The continuation finds the slot still
 * held by the dying pool, so it can never destroy a pool created after.
 */
static long tmem_op_destroy_pool(uint16_t cli_id, int32_t pool_id)
{
    struct tmem_client *c;
    long rc = 0;

    if ( (uint32_t)pool_id >= TMEM_ENGINE_MAX_POOLS_PER_CLIENT )
        return 0;
    pool_id = TMEM_NOSPEC(pool_id, TMEM_ENGINE_MAX_POOLS_PER_CLIENT);
    tmem_read_lock(&tmem_global.lock);
    c = tmem_client_get(cli_id);
    if ( c )
    {
        tmem_rwspin_write_lock(&c->pools_lock);
        if ( c->pools[pool_id] )
            rc = c->pools[pool_id]->dying ? 1 : tmem_pool_kill(c, pool_id);
        tmem_rwspin_write_unlock(&c->pools_lock);
    }
    tmem_read_unlock(&tmem_global.lock);
    if ( !rc )
        return 0;
    return tmem_client_reap(cli_id) ?: 1;
}

static long tmem_op_page(struct tmem_env_caller *caller, uint16_t cli_id,
                         const struct tmem_engine_op *op)
{
    struct tmem_xfer x = { caller, op->frame, NULL };
    struct tmem_client *c;
    struct tmem_pool *pool;
    long rc;

    tmem_read_lock(&tmem_global.lock);
    c = tmem_client_get(cli_id);
    if ( !c || (uint32_t)op->pool_id >= TMEM_ENGINE_MAX_POOLS_PER_CLIENT )
    {
        rc = -TMEM_ENODEV;
        goto out;
    }
    tmem_rwspin_read_lock(&c->pools_lock);
    pool = tmem_pool_live(c, TMEM_NOSPEC(op->pool_id,
                                         TMEM_ENGINE_MAX_POOLS_PER_CLIENT));
    if ( !pool )
    {
        tmem_rwspin_read_unlock(&c->pools_lock);
        rc = -TMEM_ENODEV;
        goto out;
    }
    switch ( op->cmd )
    {
    case TMEM_ENGINE_CMD_PUT_PAGE:
        if ( tmem_atomic_read(&c->frozen) )
        {
            tmem_cnt_inc(&pool->cnt, TMEM_PC_PUTS);
            rc = -TMEM_EFROZEN;
            break;
        }
        rc = tmem_pool_put(pool, op->oid, op->index, &x);
        if ( rc == 1 && pool->persistent && pool->client != c )
            tmem_cnt_inc(&c->cnt, TMEM_CC_PERS_PUTS);
        break;
    case TMEM_ENGINE_CMD_GET_PAGE:
        rc = tmem_pool_get(pool, op->oid, op->index, &x,
                           !pool->persistent && !pool->shared);
        if ( rc == 1 )
            tmem_cnt_inc(&c->cnt, pool->persistent ? TMEM_CC_PERS_GETS
                                                   : TMEM_CC_EPH_GETS);
        break;
    case TMEM_ENGINE_CMD_FLUSH_PAGE:
        tmem_pool_flush_page(pool, op->oid, op->index);
        rc = tmem_atomic_read(&c->frozen) ? -TMEM_EFROZEN : 1;
        break;
    default:
        rc = tmem_pool_flush_object(pool, op->oid);
        if ( rc != -TMEM_ERESTART )
            rc = tmem_atomic_read(&c->frozen) ? -TMEM_EFROZEN : 1;
        break;
    }
    tmem_rwspin_read_unlock(&c->pools_lock);
 out:
    tmem_read_unlock(&tmem_global.lock);
    return rc;
}

long tmem_engine_guest_op(struct tmem_env_caller *caller, uint16_t client_id,
                          const struct tmem_engine_op *op)
{
    long rc;

    if ( !tmem_engine_enabled || !tmem_global.initialised )
        return -TMEM_ENODEV;
    if ( client_id >= TMEM_ENGINE_MAX_CLIENTS )
        return -TMEM_EINVAL;

    switch ( op->cmd )
    {
    case TMEM_ENGINE_CMD_NEW_POOL:
        rc = tmem_op_new_pool(client_id, op);
        break;
    case TMEM_ENGINE_CMD_DESTROY_POOL:
        rc = tmem_op_destroy_pool(client_id, op->pool_id);
        break;
    case TMEM_ENGINE_CMD_PUT_PAGE:
    case TMEM_ENGINE_CMD_GET_PAGE:
    case TMEM_ENGINE_CMD_FLUSH_PAGE:
    case TMEM_ENGINE_CMD_FLUSH_OBJECT:
        rc = tmem_op_page(caller, client_id, op);
        break;
    case TMEM_ENGINE_CMD_CONTROL:
    case TMEM_ENGINE_CMD_AUTH:
    case TMEM_ENGINE_CMD_RESTORE_NEW:
        /* Control-plane only (XSA-15): never from a guest. */
        rc = -TMEM_EOPNOTSUPP;
        break;
    default:
        rc = -TMEM_ENOSYS;
        break;
    }
    tmem_cnt_inc(&tmem_global.cnt, TMEM_GC_TOTAL_OPS);
    if ( rc < 0 )
        tmem_cnt_inc(&tmem_global.cnt, TMEM_GC_ERRORED_OPS);
    return rc;
}

/* ---- call timing ---- */

void tmem_engine_note_call_ns(unsigned int kind, uint32_t cmd, uint64_t ns)
{
    struct tmem_global_stats *st = &tmem_global.st;
    struct tmem_pcpu *pc = tmem_pcpu_mine();
    long work = 0;

    if ( !tmem_global.initialised || kind >= TMEM_ENGINE_CALL_KINDS )
        return;
    if ( pc )
    {
        work = (long)pc->call_work;
        pc->call_work = 0;
    }
    tmem_cnt_inc(&tmem_global.cnt, TMEM_GC_CALLS);
    if ( ns > 1000000 )
        tmem_cnt_inc(&tmem_global.cnt, TMEM_GC_CALLS_OVER_1MS);
    /*
     * Each pair below may tear under a race, harmlessly (statistics): they
     * tell a call that did much work from one that only took long.
     */
    if ( (long)ns > tmem_atomic_read(&st->call_max_ns) )
    {
        tmem_atomic_set(&st->call_max_ns, (long)ns);
        tmem_atomic_set(&st->call_max_work, work);
    }
    if ( work > tmem_atomic_read(&st->work_max) )
    {
        tmem_atomic_set(&st->work_max, work);
        tmem_atomic_set(&st->work_max_ns, (long)ns);
    }
    if ( (long)ns > tmem_atomic_read(&st->call_kind_ns[kind]) )
    {
        tmem_atomic_set(&st->call_kind_ns[kind], (long)ns);
        tmem_atomic_set(&st->call_kind_cmd[kind], (long)cmd);
    }
}

/* ---- init / exit ---- */

int tmem_engine_init(void)
{
    unsigned int i;

    if ( tmem_global.initialised )
        return 0;
    memset(&tmem_global, 0, sizeof(tmem_global));
    tmem_rwlock_init(&tmem_global.lock);
    tmem_spin_init(&tmem_global.shared_lock);
    tmem_spin_init(&tmem_global.lru_lock);
    tmem_slab_init(&tmem_global.pgd_slab, sizeof(struct tmem_pgd));
    tmem_slab_init(&tmem_global.obj_slab, sizeof(struct tmem_obj));
    tmem_slab_init(&tmem_global.zpage_slab, sizeof(struct tmem_zpage));
    tmem_global.clients = tmem_env_zalloc(TMEM_ENGINE_MAX_CLIENTS *
                                          sizeof(*tmem_global.clients));
    if ( !tmem_global.clients )
        return -TMEM_ENOMEM;
    tmem_global.nr_scratch = tmem_env_nr_cpus();
    if ( tmem_global.nr_scratch == 0 )
        tmem_global.nr_scratch = 1;
    tmem_global.scratch = tmem_env_zalloc(tmem_global.nr_scratch *
                                          sizeof(*tmem_global.scratch));
    if ( !tmem_global.scratch )
        goto fail;
    for ( i = 0; i < tmem_global.nr_scratch; i++ )
    {
        tmem_global.scratch[i] = tmem_env_zalloc(sizeof(struct tmem_scratch));
        if ( !tmem_global.scratch[i] )
            goto fail;
        tmem_spin_init(&tmem_global.scratch[i]->lock);
    }
    tmem_global.nr_pcpu = tmem_env_nr_cpu_slots();
    tmem_global.pcpu = tmem_env_zalloc(tmem_global.nr_pcpu *
                                       sizeof(*tmem_global.pcpu));
    if ( !tmem_global.pcpu )
        goto fail;
    if ( !tmem_cnt_init(&tmem_global.cnt) )
        goto fail;
    tmem_global.initialised = true;
    return 0;

 fail:
    if ( tmem_global.scratch )
    {
        for ( i = 0; i < tmem_global.nr_scratch; i++ )
            tmem_env_free(tmem_global.scratch[i],
                          tmem_global.scratch[i] ? sizeof(struct tmem_scratch)
                                                 : 0);
        tmem_env_free(tmem_global.scratch,
                      tmem_global.nr_scratch * sizeof(*tmem_global.scratch));
    }
    tmem_env_free(tmem_global.clients,
                  TMEM_ENGINE_MAX_CLIENTS * sizeof(*tmem_global.clients));
    memset(&tmem_global, 0, sizeof(tmem_global));
    return -TMEM_ENOMEM;
}

void tmem_engine_exit(void)
{
    unsigned int i;

    if ( !tmem_global.initialised )
        return;
    for ( i = 0; i < tmem_client_ids_end(); i++ )
        if ( tmem_global.clients[i] )
            tmem_engine_client_destroy((uint16_t)i);
    for ( i = 0; i < tmem_global.nr_scratch; i++ )
        tmem_env_free(tmem_global.scratch[i], sizeof(struct tmem_scratch));
    tmem_env_free(tmem_global.scratch,
                  tmem_global.nr_scratch * sizeof(*tmem_global.scratch));
    tmem_cnt_fini(&tmem_global.cnt);
    tmem_env_free(tmem_global.pcpu,
                  tmem_global.nr_pcpu * sizeof(*tmem_global.pcpu));
    tmem_env_free(tmem_global.clients,
                  TMEM_ENGINE_MAX_CLIENTS * sizeof(*tmem_global.clients));
    tmem_slab_destroy(&tmem_global.pgd_slab);
    tmem_slab_destroy(&tmem_global.obj_slab);
    tmem_slab_destroy(&tmem_global.zpage_slab);
    memset(&tmem_global, 0, sizeof(tmem_global));
}
