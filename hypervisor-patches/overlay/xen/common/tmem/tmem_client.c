/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_client.c: clients and their pools, from creation to the last free.
 *
 * A client is created on first use, with 16 pool slots.  A pool is
 * private or shared (by UUID, for clients authorised for it), ephemeral or
 * persistent.  A client's pools change under its pools_lock; clients come
 * and go under the global write lock.  Destroying a pool or a client makes
 * it unusable at once and frees what it holds in bounded steps
 * (tmem_teardown.c), continued while a step returns -TMEM_ERESTART.
 */
#include "tmem_priv.h"

/* ---- clients ---- */

int tmem_client_slot_of(const struct tmem_client *c,
                        const struct tmem_pool *pool)
{
    int i;

    for ( i = 0; i < TMEM_ENGINE_MAX_POOLS_PER_CLIENT; i++ )
        if ( c->pools[i] == pool )
            return i;
    return -1;
}

/* The client, unless it has none or it is being destroyed. */
struct tmem_client *tmem_client_get(uint16_t cli_id)
{
    struct tmem_client *c;

    if ( cli_id >= TMEM_ENGINE_MAX_CLIENTS )
        return NULL;
    c = tmem_global.clients[TMEM_NOSPEC(cli_id, TMEM_ENGINE_MAX_CLIENTS)];
    return c && !c->dying ? c : NULL;
}

struct tmem_client *tmem_client_get_or_create(uint16_t cli_id)
{
    struct tmem_client *c;

    if ( cli_id >= TMEM_ENGINE_MAX_CLIENTS )
        return NULL;
    cli_id = TMEM_NOSPEC(cli_id, TMEM_ENGINE_MAX_CLIENTS);
    if ( tmem_global.clients[cli_id] )
        return tmem_global.clients[cli_id]->dying ? NULL
                                                  : tmem_global.clients[cli_id];
    c = tmem_env_zalloc(sizeof(*c));
    if ( !c )
        return NULL;
    c->owner = tmem_env_owner_get(cli_id);
    if ( !c->owner || !tmem_cnt_init(&c->cnt) )
    {
        if ( c->owner )
            tmem_env_owner_put(c->owner);
        tmem_env_free(c, sizeof(*c));
        return NULL;
    }
    c->id = cli_id;
    c->compress = tmem_engine_compress_default;
    tmem_meta_init(&c->meta, (long)tmem_engine_meta_limit);
    tmem_spin_init(&c->inv_lock);
    tmem_spin_init(&c->save_lock);
    tmem_spin_init(&c->reap_lock);
    tmem_rwspin_init(&c->pools_lock);
    tmem_lru_register(&c->lru, TMEM_ENGINE_DEFAULT_WEIGHT);
    tmem_global.clients[cli_id] = c;
    /* Under the global write lock, as every creation: an exact maximum. */
    tmem_stat_max(&tmem_global.client_ids_end, (long)cli_id + 1);
    return c;
}

/* ---- pools ---- */

static struct tmem_pool *tmem_pool_alloc(struct tmem_client *c,
                                         uint32_t flags,
                                         const uint64_t uuid[2])
{
    const size_t bytes = sizeof(struct tmem_pool) +
                         TMEM_POOL_MIN_BUCKETS * sizeof(uint32_t) +
                         tmem_cnt_bytes();
    bool shared = flags & TMEM_ENGINE_POOL_SHARED;
    struct tmem_pool *pool;
    unsigned int i;

    /* A shared pool has an account of its own, opened below. */
    if ( !shared && !tmem_meta_charge(&c->meta, bytes) )
        return NULL;
    pool = tmem_env_zalloc(sizeof(*pool));
    if ( pool )
    {
        pool->buckets = tmem_env_zalloc(TMEM_POOL_MIN_BUCKETS *
                                        sizeof(*pool->buckets));
        if ( !pool->buckets || !tmem_cnt_init(&pool->cnt) )
        {
            if ( pool->buckets )
                tmem_env_free(pool->buckets, TMEM_POOL_MIN_BUCKETS *
                                             sizeof(*pool->buckets));
            tmem_env_free(pool, sizeof(*pool));
            pool = NULL;
        }
    }
    if ( !pool )
    {
        if ( !shared )
            tmem_meta_uncharge(&c->meta, bytes);
        return NULL;
    }
    pool->nbuckets = TMEM_POOL_MIN_BUCKETS;
    pool->client = c;
    /* Shared pools are ephemeral: charged to nobody, whoever leaves. */
    pool->owner = shared ? NULL : c->owner;
    pool->flags = flags;
    pool->persistent = flags & TMEM_ENGINE_POOL_PERSIST;
    pool->shared = shared;
    pool->uuid[0] = uuid[0];
    pool->uuid[1] = uuid[1];
    pool->shared_idx = -1;
    /* Secret per pool: no guest can aim objects at one chain. */
    pool->hash_key[0] = tmem_env_random64();
    pool->hash_key[1] = tmem_env_random64();
    for ( i = 0; i < TMEM_POOL_LOCKS; i++ )
        tmem_spin_init(&pool->obj_locks[i]);
    tmem_spin_init(&pool->rehash_lock);
    tmem_spin_init(&pool->zs.lock);
    if ( shared )
    {
        tmem_lru_register(&pool->own_lru, TMEM_ENGINE_DEFAULT_WEIGHT);
        pool->lru = &pool->own_lru;
        tmem_meta_init(&pool->own_meta, tmem_atomic_read(&c->meta.limit));
        pool->own_meta.bytes = pool->own_meta.bytes_max = (long)bytes;
        pool->meta = &pool->own_meta;
    }
    else
    {
        pool->lru = &c->lru;
        pool->meta = &c->meta;
    }
    return pool;
}

/*
 * Free a dying pool that tmem_pool_reap() emptied and that no slot points
 * to any more (so no op can reach it).
 */
static void tmem_pool_free(struct tmem_pool *pool)
{
    size_t bytes = sizeof(*pool) + pool->nbuckets * sizeof(*pool->buckets) +
                   tmem_cnt_bytes();
    unsigned int i;

    /* An eviction that found one of its objects has left its lock. */
    for ( i = 0; i < TMEM_POOL_LOCKS; i++ )
    {
        tmem_spin_lock(&pool->obj_locks[i]);
        TMEM_ASSERT(!pool->plist_head[i] && !pool->dead_head[i]);
        tmem_spin_unlock(&pool->obj_locks[i]);
    }
    TMEM_ASSERT(!tmem_atomic_read(&pool->st.pages));
    TMEM_ASSERT(!tmem_atomic_read(&pool->zs.nr_zpages));
    if ( pool->shared )
        tmem_lru_unregister(&pool->own_lru);
    tmem_env_free(pool->buckets, pool->nbuckets * sizeof(*pool->buckets));
    tmem_cnt_fini(&pool->cnt);
    tmem_meta_free(pool->meta, pool->old_buckets,
                   pool->old_nbuckets * sizeof(*pool->old_buckets));
    tmem_meta_uncharge(pool->meta, bytes);
    TMEM_ASSERT(!pool->shared || !tmem_atomic_read(&pool->own_meta.bytes));
    tmem_env_free(pool, sizeof(*pool));
}

static bool tmem_uuid_is_private(const uint64_t uuid[2])
{
    return uuid[0] == ~0ull && uuid[1] == ~0ull;
}

static bool tmem_client_authorised(const struct tmem_client *c,
                                   const uint64_t uuid[2])
{
    unsigned int i;

    for ( i = 0; i < c->nr_auth; i++ )
        if ( c->auth[i][0] == uuid[0] && c->auth[i][1] == uuid[1] )
            return true;
    return false;
}

/*
 * Join the shared pool of uuid, or create it, in slot `slot' of client c
 * (shared_lock held).  Returns the slot (the one c already has the pool
 * in, if it has) or -errno.
 */
static int tmem_shared_pool_join(struct tmem_client *c, int slot,
                                 uint32_t flags, const uint64_t uuid[2])
{
    struct tmem_pool *pool;
    int i, have, free_idx = -1;

    for ( i = 0; i < TMEM_ENGINE_MAX_SHARED_POOLS; i++ )
    {
        pool = tmem_global.shared[i];
        if ( !pool )
        {
            if ( free_idx < 0 )
                free_idx = i;
            continue;
        }
        if ( pool->uuid[0] != uuid[0] || pool->uuid[1] != uuid[1] )
            continue;
        have = tmem_client_slot_of(c, pool);
        if ( have >= 0 )
            return have;
        if ( pool->nr_sharers >= TMEM_ENGINE_MAX_SHARERS )
            return -TMEM_EPERM;
        pool->sharers[pool->nr_sharers++] = c->id;
        c->pools[slot] = pool;
        tmem_atomic_set(&c->save_reset, 1);
        return slot;
    }
    if ( free_idx < 0 )
        return -TMEM_EPERM;     /* too many shared pools */

    pool = tmem_pool_alloc(c, flags, uuid);
    if ( !pool )
        return -TMEM_ENOMEM;
    pool->shared_idx = free_idx;
    pool->sharers[0] = c->id;
    pool->nr_sharers = 1;
    tmem_global.shared[free_idx] = pool;
    c->pools[slot] = pool;
    tmem_atomic_set(&c->save_reset, 1);
    return slot;
}

/*
 * Create (or, for an authorised shared UUID, join) a pool in slot `slot' of
 * client c: c's pools_lock held for writing, or the global write lock.
 * Returns the slot or -errno.
 */
int tmem_pool_create(struct tmem_client *c, int slot, uint32_t flags,
                     const uint64_t uuid[2])
{
    struct tmem_pool *pool;
    int rc;

    if ( slot < 0 || slot >= TMEM_ENGINE_MAX_POOLS_PER_CLIENT ||
         c->pools[slot] )
        return -TMEM_EINVAL;

    if ( (flags & TMEM_ENGINE_POOL_SHARED) &&
         (tmem_uuid_is_private(uuid) || !tmem_client_authorised(c, uuid)) )
    {
        /* Historic behaviour: an unauthorised shared pool is private. */
        flags &= ~TMEM_ENGINE_POOL_SHARED;
    }

    if ( flags & TMEM_ENGINE_POOL_SHARED )
    {
        tmem_spin_lock(&tmem_global.shared_lock);
        rc = tmem_shared_pool_join(c, slot, flags, uuid);
        tmem_spin_unlock(&tmem_global.shared_lock);
        return rc;
    }

    pool = tmem_pool_alloc(c, flags, uuid);
    if ( !pool )
        return -TMEM_ENOMEM;
    c->private_slots |= 1u << slot;
    c->pools[slot] = pool;
    tmem_atomic_set(&c->save_reset, 1);
    return slot;
}

/* ---- destruction ---- */

/*
 * Take slot away from client c (its pools_lock held for writing, or the
 * global write lock).  A shared pool that others still use only loses c;
 * otherwise the pool becomes dying: it keeps its slot, unusable, until
 * tmem_client_reap() has freed it, so that nothing else can take the slot
 * meanwhile.  Returns 1 if the slot held a pool, else 0.
 *
 * A shared pool's owner (pool->client, read without a lock by its
 * sharers' ops) stays c when c leaves it: c outlives that, as clients are
 * freed only under the global write lock, where tmem_shared_disown()
 * hands the pool on.
 */
long tmem_pool_kill(struct tmem_client *c, int slot)
{
    struct tmem_pool *pool = c->pools[slot];
    bool others = false;
    unsigned int i;

    if ( !pool || pool->dying )
        return 0;
    /* A saver restarts its stream without this pool. */
    tmem_atomic_set(&c->save_reset, 1);
    if ( pool->shared )
    {
        tmem_spin_lock(&tmem_global.shared_lock);
        for ( i = 0; i < pool->nr_sharers; i++ )
            if ( pool->sharers[i] == c->id )
            {
                pool->sharers[i] = pool->sharers[--pool->nr_sharers];
                break;
            }
        others = pool->nr_sharers;
        if ( !others )
        {
            tmem_global.shared[pool->shared_idx] = NULL;
            /* No op of another client can reach the pool any more. */
            pool->client = c;
        }
        tmem_spin_unlock(&tmem_global.shared_lock);
        if ( others )
        {
            c->pools[slot] = NULL;
            return 1;
        }
    }
    /* Its teardown queues no invalidations: the saver starts over. */
    pool->dying = true;
    return 1;
}

/* Shared pools owned by c, which is being freed, pass to a sharer. */
static void tmem_shared_disown(const struct tmem_client *c)
{
    struct tmem_pool *pool;
    unsigned int i;

    for ( i = 0; i < TMEM_ENGINE_MAX_SHARED_POOLS; i++ )
    {
        pool = tmem_global.shared[i];
        if ( pool && pool->client == c )
            pool->client = tmem_global.clients[pool->sharers[0]];
    }
}

static void tmem_client_free(struct tmem_client *c)
{
    tmem_client_drop_invs(c);
    TMEM_ASSERT(!tmem_atomic_read(&c->meta.bytes));
    tmem_lru_unregister(&c->lru);
    tmem_cnt_fini(&c->cnt);
    /* After its last page: nothing is charged to the owner any more. */
    tmem_env_owner_put(c->owner);
    tmem_env_free(c, sizeof(*c));
}

/*
 * One bounded step of freeing what client cli_id has marked dying: its
 * dying pools, and the client itself once it is dying and has none left.
 * Returns 0 when nothing is left to do, -TMEM_ERESTART otherwise (also when
 * another context is reaping the same client right now).
 */
long tmem_client_reap(uint16_t cli_id)
{
    struct tmem_pool *gone[TMEM_ENGINE_MAX_POOLS_PER_CLIENT];
    unsigned long work = 0;
    uint32_t emptied = 0;
    struct tmem_client *c;
    struct tmem_pool *pool;
    bool pending = false, free_client = false;
    int i, n = 0;

    tmem_read_lock(&tmem_global.lock);
    c = tmem_global.clients[TMEM_NOSPEC(cli_id, TMEM_ENGINE_MAX_CLIENTS)];
    if ( !c )
    {
        tmem_read_unlock(&tmem_global.lock);
        return 0;
    }
    /* Only the holder of reap_lock frees the client's pools or itself. */
    if ( !tmem_spin_trylock(&c->reap_lock) )
    {
        tmem_read_unlock(&tmem_global.lock);
        return -TMEM_ERESTART;
    }
    /* A dying pool leaves its slot only under reap_lock, which is ours. */
    tmem_rwspin_read_lock(&c->pools_lock);
    for ( i = 0; i < TMEM_ENGINE_MAX_POOLS_PER_CLIENT; i++ )
    {
        pool = c->pools[i];
        if ( !pool || !pool->dying )
            continue;
        if ( !pending && tmem_pool_reap(pool, &work,
                                        TMEM_ENGINE_REAP_BUDGET) )
            emptied |= 1u << i;
        else
            pending = true;
    }
    tmem_rwspin_read_unlock(&c->pools_lock);
    tmem_call_work(work);
    if ( emptied )
    {
        /* Once the client's readers are out, none can reach the pools. */
        tmem_rwspin_write_lock(&c->pools_lock);
        for ( i = 0; i < TMEM_ENGINE_MAX_POOLS_PER_CLIENT; i++ )
            if ( emptied & (1u << i) )
            {
                gone[n++] = c->pools[i];
                c->pools[i] = NULL;
                c->private_slots &= ~(1u << i);
            }
        tmem_rwspin_write_unlock(&c->pools_lock);
    }
    tmem_read_unlock(&tmem_global.lock);

    if ( c->dying && !pending )
    {
        /* reap_lock is only ever tried under the read lock: no deadlock. */
        tmem_write_lock(&tmem_global.lock);
        for ( i = 0; i < TMEM_ENGINE_MAX_POOLS_PER_CLIENT; i++ )
            TMEM_ASSERT(!c->pools[i]);
        tmem_shared_disown(c);
        tmem_global.clients[c->id] = NULL;
        /* Quiescent caches: give their handles back for the trim. */
        tmem_pcpu_drain();
        free_client = true;
        tmem_write_unlock(&tmem_global.lock);
    }
    tmem_spin_unlock(&c->reap_lock);

    while ( n-- )
        tmem_pool_free(gone[n]);
    if ( free_client )
    {
        tmem_client_free(c);
        /* The last client gone leaves the slabs empty: return them. */
        tmem_slab_trim(&tmem_global.pgd_slab);
        tmem_slab_trim(&tmem_global.obj_slab);
        tmem_slab_trim(&tmem_global.zpage_slab);
    }
    return pending ? -TMEM_ERESTART : 0;
}

long tmem_engine_client_destroy_step(uint16_t client_id)
{
    struct tmem_client *c;
    bool live;
    int i;

    if ( !tmem_global.initialised || client_id >= TMEM_ENGINE_MAX_CLIENTS )
        return 0;
    client_id = TMEM_NOSPEC(client_id, TMEM_ENGINE_MAX_CLIENTS);
    tmem_read_lock(&tmem_global.lock);
    c = tmem_global.clients[client_id];
    live = c && !c->dying;
    tmem_read_unlock(&tmem_global.lock);
    if ( live )
    {
        /* First step: nothing can use the client or its pools after it. */
        tmem_write_lock(&tmem_global.lock);
        c = tmem_global.clients[client_id];
        if ( c && !c->dying )
        {
            c->dying = true;
            for ( i = 0; i < TMEM_ENGINE_MAX_POOLS_PER_CLIENT; i++ )
                tmem_pool_kill(c, i);
        }
        tmem_write_unlock(&tmem_global.lock);
    }
    return tmem_client_reap(client_id);
}

void tmem_engine_client_destroy(uint16_t client_id)
{
    while ( tmem_engine_client_destroy_step(client_id) == -TMEM_ERESTART )
        continue;
}
