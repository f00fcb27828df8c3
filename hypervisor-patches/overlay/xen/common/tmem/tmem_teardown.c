/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_teardown.c: taking objects and pools apart in bounded steps
 * (FLUSH_OBJECT, and what DESTROY_POOL and client destruction free).
 *
 * Whatever a guest can make large (an object, a pool, a whole client) is
 * taken apart a budget of TMEM_ENGINE_REAP_BUDGET units at a time (a page,
 * an object or 64 hash buckets each), so that no single call spends more
 * than that on it, however much the guest stored.  The callers turn
 * "not done yet" into -TMEM_ERESTART and the glue into a continuation.
 *
 * An object being freed is "dead": unhashed, so no lookup finds it, and
 * on its pool's dead list for its object lock until it is empty.  Its
 * pages stay on their lists until drained, so eviction may still take
 * them; it then leaves the (dead) object to whoever drains it.
 */
#include "tmem_priv.h"

/*
 * Release up to about `budget' units of a dead object's pages (object lock
 * held).  Returns the units spent.
 */
static unsigned long tmem_obj_drain(struct tmem_pool *pool,
                                    struct tmem_obj *obj,
                                    unsigned long budget)
{
    unsigned int list = tmem_plist_of(obj->hash), k, n;
    unsigned long work = 0;
    struct tmem_rleaf *leaf;
    uint32_t h;

    while ( obj->root && work < budget )
    {
        leaf = tmem_radix_pop_leaf(obj);
        work++;
        if ( !leaf )
            continue;
        if ( !pool->persistent )
            tmem_spin_lock(&tmem_global.lru_lock);
        for ( k = 0; k < TMEM_RADIX_SLOTS; k++ )
        {
            h = leaf->slot[k];
            if ( !h )
                continue;
            if ( pool->persistent )
                tmem_plist_del(pool, list, h, tmem_pgd_ptr(h));
            else
                tmem_lru_del(pool->lru, tmem_pgd_ptr(h));
        }
        if ( !pool->persistent )
            tmem_spin_unlock(&tmem_global.lru_lock);
        for ( k = n = 0; k < TMEM_RADIX_SLOTS; k++ )
            if ( leaf->slot[k] )
            {
                tmem_pgd_release(pool, leaf->slot[k]);
                n++;
            }
        obj->nr_pages -= n;
        tmem_atomic_add(&pool->st.pages, -(long)n);
        work += n;
        tmem_radix_node_free(obj, leaf, 1);
    }
    return work;
}

/*
 * Drain an object just unhashed (lock `list' held) within what is left of
 * the budget; if pages remain, it goes on the dead list for later calls.
 */
static void tmem_obj_bury(struct tmem_pool *pool, uint32_t oh,
                          struct tmem_obj *obj, unsigned int list,
                          unsigned long *work, unsigned long budget)
{
    obj->dead = true;
    if ( *work < budget )
        *work += tmem_obj_drain(pool, obj, budget - *work);
    if ( !obj->root )
    {
        TMEM_ASSERT(!obj->nr_pages);
        tmem_obj_free(pool, oh, obj);
        return;
    }
    obj->hnext = pool->dead_head[list];
    pool->dead_head[list] = oh;
    tmem_atomic_add(&pool->nr_dead, 1);
}

/* Drain the pool's dead objects within the budget; true if none is left. */
static bool tmem_pool_reap_dead(struct tmem_pool *pool, unsigned long *work,
                                unsigned long budget)
{
    unsigned int i;
    uint32_t oh;
    struct tmem_obj *obj;

    for ( i = 0; i < TMEM_POOL_LOCKS && *work < budget; i++ )
    {
        if ( !tmem_atomic_read(&pool->nr_dead) )
            return true;
        tmem_spin_lock(&pool->obj_locks[i]);
        while ( (oh = pool->dead_head[i]) != 0 && *work < budget )
        {
            obj = tmem_obj_ptr(oh);
            *work += 1 + tmem_obj_drain(pool, obj, budget - *work);
            if ( obj->root )
                break;
            pool->dead_head[i] = obj->hnext;
            tmem_atomic_add(&pool->nr_dead, -1);
            tmem_obj_free(pool, oh, obj);
        }
        tmem_spin_unlock(&pool->obj_locks[i]);
    }
    return !tmem_atomic_read(&pool->nr_dead);
}

long tmem_pool_flush_object(struct tmem_pool *pool, const uint64_t oid[3])
{
    uint32_t hash, oh;
    unsigned long work = 0;
    struct tmem_obj *obj;
    tmem_spinlock_t *lk;
    long rc;

    tmem_cnt_inc(&pool->cnt, TMEM_PC_OBJ_FLUSHES);
    hash = tmem_oid_hash(pool, oid);
    lk = tmem_obj_lock(pool, hash);
    tmem_spin_lock(lk);
    obj = tmem_obj_find(pool, oid, hash, &oh);
    if ( obj )
    {
        tmem_obj_unhash(pool, oh, obj);
        tmem_obj_bury(pool, oh, obj, tmem_plist_of(hash), &work,
                      TMEM_ENGINE_REAP_BUDGET);
        tmem_cnt_inc(&pool->cnt, TMEM_PC_GOOD_OBJ_FLUSHES);
    }
    tmem_spin_unlock(lk);
    /* What this flush, or an earlier one, could not free in its budget. */
    rc = tmem_pool_reap_dead(pool, &work, TMEM_ENGINE_REAP_BUDGET) ?
         (obj ? 1 : 0) : -TMEM_ERESTART;
    tmem_call_work(work);
    return rc;
}

/*
 * Take a dying pool apart within the budget: objects leave the hash one by
 * one (their pages drained as far as the budget goes), then the dead list
 * empties.  True once the pool holds nothing.  No put can reach a dying
 * pool, so the hash neither grows nor gains objects meanwhile.
 */
bool tmem_pool_reap(struct tmem_pool *pool, unsigned long *work,
                    unsigned long budget)
{
    /* Buckets of the old table (while it grew) first, then the current. */
    uint32_t nr = pool->old_nbuckets + pool->nbuckets;
    unsigned int list, scanned = 0;
    struct tmem_obj *obj;
    uint32_t b, oh, *chain;

    while ( *work < budget && pool->reap_bucket < nr )
    {
        b = pool->reap_bucket;
        chain = b < pool->old_nbuckets
                ? &pool->old_buckets[b]
                : &pool->buckets[b - pool->old_nbuckets];
        list = b % TMEM_POOL_LOCKS;
        tmem_spin_lock(&pool->obj_locks[list]);
        while ( (oh = *chain) != 0 && *work < budget )
        {
            obj = tmem_obj_ptr(oh);
            *chain = obj->hnext;
            (*work)++;
            tmem_obj_bury(pool, oh, obj, list, work, budget);
        }
        if ( !*chain )
        {
            pool->reap_bucket++;
            if ( ++scanned == 64 )
            {
                scanned = 0;
                (*work)++;
            }
        }
        tmem_spin_unlock(&pool->obj_locks[list]);
    }
    if ( pool->reap_bucket < nr )
        return false;
    return tmem_pool_reap_dead(pool, work, budget);
}
