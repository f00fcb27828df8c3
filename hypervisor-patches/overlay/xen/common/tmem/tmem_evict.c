/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_evict.c: taking ephemeral pages back.
 *
 * Every owner of ephemeral pages (a client's private pools, or one shared
 * pool) has an LRU list and a weight.  The victim is the oldest page of the
 * owner furthest over its weighted share; its object lock is only tried,
 * against the lock order, and a busy object is skipped.  One call examines
 * a bounded number of pages that free no memory.  Callers: allocator
 * pressure (tmem_engine_reclaim), a put short of memory or at a limit, and
 * the control plane's FLUSH.
 */
#include "tmem_priv.h"

/* ---- LRU owners and the victim choice ---- */

void tmem_lru_register(struct tmem_lru *l, long weight)
{
    memset(l, 0, sizeof(*l));
    l->weight = weight;
    tmem_spin_lock(&tmem_global.lru_lock);
    l->onext = tmem_global.owners;
    if ( tmem_global.owners )
        tmem_global.owners->oprev = l;
    tmem_global.owners = l;
    tmem_spin_unlock(&tmem_global.lru_lock);
}

void tmem_lru_unregister(struct tmem_lru *l)
{
    tmem_spin_lock(&tmem_global.lru_lock);
    TMEM_ASSERT(!l->head);
    if ( l->oprev )
        l->oprev->onext = l->onext;
    else
        tmem_global.owners = l->onext;
    if ( l->onext )
        l->onext->oprev = l->oprev;
    tmem_spin_unlock(&tmem_global.lru_lock);
}

/*
 * The owner that is furthest over its weighted share: largest pages/weight,
 * compared by cross-multiplication (weights are at most 0xffff).  Weight 0
 * means "no share": such an owner is always evicted first.
 */
static struct tmem_lru *tmem_lru_pick(void)
{
    struct tmem_lru *l, *best = NULL;
    long bw = 0, lw;

    for ( l = tmem_global.owners; l; l = l->onext )
    {
        if ( !l->head )
            continue;
        lw = tmem_atomic_read(&l->weight);
        if ( !best )
            goto take;
        if ( lw == 0 )
        {
            if ( bw != 0 || l->nr > best->nr )
                goto take;
            continue;
        }
        if ( bw == 0 )
            continue;
        if ( (uint64_t)l->nr * (uint64_t)bw <= (uint64_t)best->nr *
                                                 (uint64_t)lw )
            continue;
    take:
        best = l;
        bw = lw;
    }
    return best;
}

/* ---- eviction ---- */

/*
 * Evict one ephemeral page: from `only', or from the owner furthest over
 * its share.  Returns data pages freed (0 or 1), -1 if nothing is
 * evictable, -2 if every candidate's object was busy.
 */
int tmem_evict_one(struct tmem_lru *only)
{
    struct tmem_pool *pool = NULL;
    struct tmem_obj *obj = NULL;
    struct tmem_pgd *p = NULL;
    tmem_spinlock_t *lk = NULL;
    struct tmem_lru *l;
    uint32_t h, oh = 0, removed;
    unsigned int tries, freed;

    tmem_spin_lock(&tmem_global.lru_lock);
    tmem_cnt_inc(&tmem_global.cnt, TMEM_GC_EVICT_ATTEMPTS);
    l = only ? only : tmem_lru_pick();
    if ( !l || !l->head )
    {
        tmem_spin_unlock(&tmem_global.lru_lock);
        return -1;
    }
    for ( h = l->head, tries = 0; h && tries < 16; h = p->next, tries++ )
    {
        p = tmem_pgd_ptr(h);
        oh = p->obj & TMEM_PGD_OBJ_MASK;
        obj = tmem_obj_ptr(oh);
        pool = obj->pool;
        lk = tmem_obj_lock(pool, obj->hash);
        /* Against the lock order: only try. */
        if ( tmem_spin_trylock(lk) )
            break;
        lk = NULL;
    }
    if ( !lk )
    {
        tmem_spin_unlock(&tmem_global.lru_lock);
        return -2;
    }
    tmem_lru_del(l, p);
    tmem_spin_unlock(&tmem_global.lru_lock);

    removed = tmem_radix_remove(obj, p->index);
    TMEM_ASSERT(removed == h);
    obj->nr_pages--;
    tmem_atomic_add(&pool->st.pages, -1);
    /* A dead object is freed by whoever drains its pool's dead list. */
    if ( !obj->nr_pages && !obj->dead )
    {
        tmem_obj_unhash(pool, oh, obj);
        tmem_obj_free(pool, oh, obj);
    }
    /*
     * Release the data before dropping the object lock: we hold no
     * reference on the pool, and a concurrent destroy of the pool is only
     * held back by this lock (it visits every object lock before freeing).
     */
    freed = tmem_pgd_release(pool, h);
    tmem_spin_unlock(lk);
    tmem_cnt_inc(&tmem_global.cnt, TMEM_GC_EVICTED);
    return (int)freed;
}

/*
 * Pages one call may evict or find busy in a row without a data page
 * coming back: pages that free none (same-filled ones, compressed ones
 * that share a chunk page) would otherwise make the walk as long as every
 * LRU, inside the page allocator or another guest's put.  Pages that do
 * free memory go on counting: a claim may need many thousand of them.
 */
static unsigned long tmem_evict_budget(unsigned long nr_pages)
{
    return nr_pages < (TMEM_EVICT_MAX_EXAMINED - 64) / 2 ?
           64 + 2 * nr_pages : TMEM_EVICT_MAX_EXAMINED;
}

/*
 * Evict until nr_pages data pages went back to the environment, or the
 * budget of fruitless pages is spent (counted in Eg).
 */
long tmem_evict(struct tmem_lru *only, unsigned long nr_pages,
                bool relinquish)
{
    unsigned long freed = 0, fruitless = 0, examined = 0, budget;
    unsigned int busy = 0;
    int r;

    if ( relinquish )
        tmem_cnt_inc(&tmem_global.cnt, TMEM_GC_RELINQ_ATTEMPTS);
    budget = tmem_evict_budget(nr_pages);
    while ( freed < nr_pages )
    {
        if ( fruitless++ == budget )
        {
            tmem_cnt_inc(&tmem_global.cnt, TMEM_GC_EVICT_GAVE_UP);
            break;
        }
        r = tmem_evict_one(only);
        examined++;
        if ( r == -1 )
            break;
        if ( r == -2 )
        {
            if ( ++busy > 64 )
                break;
            continue;
        }
        busy = 0;
        freed += r;
        if ( r > 0 )
            fruitless = 0;
    }
    tmem_call_work(examined);
    if ( relinquish )
        tmem_cnt_add(&tmem_global.cnt, TMEM_GC_RELINQ, (long)freed);
    return (long)freed;
}

unsigned long tmem_engine_reclaim(unsigned long nr_pages)
{
    if ( !tmem_global.initialised )
        return 0;
    return (unsigned long)tmem_evict(NULL, nr_pages, true);
}

unsigned long tmem_engine_freeable_pages(void)
{
    long n;

    if ( !tmem_global.initialised )
        return 0;
    n = tmem_atomic_read(&tmem_global.st.eph_data_pages);
    return n > 0 ? (unsigned long)n : 0;
}
