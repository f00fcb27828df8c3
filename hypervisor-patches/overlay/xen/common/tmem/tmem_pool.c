/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_pool.c: a pool's data path, put, get and flush of one page.
 *
 * Guest-visible semantics follow the historic tmem ABI: a get from a
 * private ephemeral pool is exclusive, a put over an existing page replaces
 * it, and a failed put never leaves an older copy behind.  Here also: the
 * lists every page is on (ephemeral pages on their owner's LRU, persistent
 * ones on the pool's list for their object lock), taking a descriptor off
 * them, and the per-client page cap.
 *
 * Flushing a whole object is teardown (tmem_teardown.c); taking ephemeral
 * pages back is eviction (tmem_evict.c).
 */
#include "tmem_priv.h"

/* ---- page lists ---- */

/*
 * An ephemeral page is on its owner's LRU (under the LRU lock), a
 * persistent one on its pool's list for its object lock (under that lock:
 * list i holds the pages of objects hashed to lock i).
 */

static void tmem_list_append(uint32_t *head, uint32_t *tail, uint32_t h,
                             struct tmem_pgd *p)
{
    p->next = 0;
    p->prev = *tail;
    if ( *tail )
        tmem_pgd_ptr(*tail)->next = h;
    else
        *head = h;
    *tail = h;
}

static void tmem_list_del(uint32_t *head, uint32_t *tail, struct tmem_pgd *p)
{
    if ( p->prev )
        tmem_pgd_ptr(p->prev)->next = p->next;
    else
        *head = p->next;
    if ( p->next )
        tmem_pgd_ptr(p->next)->prev = p->prev;
    else
        *tail = p->prev;
    p->prev = p->next = 0;
}

static void tmem_lru_add(struct tmem_lru *l, uint32_t h, struct tmem_pgd *p)
{
    tmem_list_append(&l->head, &l->tail, h, p);
    tmem_stat_add(&l->nr, 1);          /* under lru_lock */
    tmem_stat_max(&l->nr_max, tmem_atomic_read(&l->nr));
    tmem_stat_add(&tmem_global.st.eph_pages, 1);
    tmem_stat_max(&tmem_global.st.eph_pages_max,
                  tmem_atomic_read(&tmem_global.st.eph_pages));
}

void tmem_lru_del(struct tmem_lru *l, struct tmem_pgd *p)
{
    tmem_list_del(&l->head, &l->tail, p);
    tmem_stat_add(&l->nr, -1);
    tmem_stat_add(&tmem_global.st.eph_pages, -1);
}

/*
 * Persistent list removal (object lock `list' held).  While the client is
 * saved, a page the receiver has becomes an invalidation, queued before the
 * lock is dropped: any later put at the same key is sent after it.
 */
void tmem_plist_del(struct tmem_pool *pool, unsigned int list,
                    uint32_t h, struct tmem_pgd *p)
{
    if ( tmem_unlikely(tmem_atomic_read(&pool->client->saving)) &&
         !pool->dying )
    {
        if ( pool->plist_mark[list] == h )
            pool->plist_mark[list] = p->prev;
        if ( p->obj & TMEM_PGD_SENT )
            tmem_record_inv(pool, p);
    }
    tmem_list_del(&pool->plist_head[list], &pool->plist_tail[list], p);
}

/* Take a descriptor off whichever list it is on (its object lock held). */
static void tmem_pgd_unlist(struct tmem_pool *pool, uint32_t hash,
                            uint32_t h, struct tmem_pgd *p)
{
    if ( pool->persistent )
        tmem_plist_del(pool, tmem_plist_of(hash), h, p);
    else
    {
        tmem_spin_lock(&tmem_global.lru_lock);
        tmem_lru_del(pool->lru, p);
        tmem_spin_unlock(&tmem_global.lru_lock);
    }
}

/* ---- page descriptor removal ---- */

/*
 * Free a descriptor that is off every list and out of every tree (any
 * context: takes the slab lock).
 */
unsigned int tmem_pgd_release(struct tmem_pool *pool, uint32_t h)
{
    unsigned int freed = tmem_pgd_free_data(pool, tmem_pgd_ptr(h));

    tmem_slab_free(&tmem_global.pgd_slab, h);
    tmem_meta_uncharge(pool->meta, sizeof(struct tmem_pgd));
    return freed;
}

/* The same from a guest or control op (global lock held): no slab lock. */
static unsigned int tmem_pgd_release_op(struct tmem_pool *pool, uint32_t h)
{
    unsigned int freed = tmem_pgd_free_data(pool, tmem_pgd_ptr(h));

    tmem_pgd_free_handle(h);
    tmem_meta_uncharge(pool->meta, sizeof(struct tmem_pgd));
    return freed;
}

/*
 * Descriptor h, just taken out of obj's index, leaves its lists and the
 * pool's count; obj goes with its last page (object lock held).
 */
static void tmem_pool_drop_pgd(struct tmem_pool *pool, uint32_t hash,
                               uint32_t oh, struct tmem_obj *obj, uint32_t h)
{
    tmem_pgd_unlist(pool, hash, h, tmem_pgd_ptr(h));
    obj->nr_pages--;
    tmem_atomic_add(&pool->st.pages, -1);
    if ( !obj->nr_pages )
    {
        tmem_obj_unhash(pool, oh, obj);
        tmem_obj_free(pool, oh, obj);
    }
}

/*
 * Remove (oid, index); returns its descriptor handle (still allocated, off
 * all lists) or 0.
 */
static uint32_t tmem_pool_unlink_index(struct tmem_pool *pool,
                                       const uint64_t oid[3], uint32_t index)
{
    uint32_t hash = tmem_oid_hash(pool, oid), oh, h = 0;
    tmem_spinlock_t *lk = tmem_obj_lock(pool, hash);
    struct tmem_obj *obj;

    tmem_spin_lock(lk);
    obj = tmem_obj_find(pool, oid, hash, &oh);
    if ( obj )
        h = tmem_radix_remove(obj, index);
    if ( h )
        tmem_pool_drop_pgd(pool, hash, oh, obj, h);
    tmem_spin_unlock(lk);
    return h;
}

/* ---- put / get / flush ---- */

/* Pages held in the client's private pools (global read lock held). */
static unsigned long tmem_client_pages(const struct tmem_client *c)
{
    uint32_t m = c->private_slots;
    unsigned long n = 0;
    unsigned int i;

    /* Only the slots that hold private pools: usually one or two. */
    while ( m )
    {
        i = __builtin_ctz(m);
        m &= m - 1;
        n += (unsigned long)tmem_atomic_read(&c->pools[i]->st.pages);
    }
    return n;
}

/*
 * Enforce tmem_engine_max_client_pages before a put adds a page, exactly
 * however many vCPUs put at once: the put takes a place (cap_inflight)
 * before it counts, and the count includes every place taken and not yet
 * given back, so two puts can never both see the last free one.  Returns
 * 0 with the place held (tmem_client_cap_release() gives it back), or
 * -ENOMEM with nothing held.
 */
static int tmem_client_cap_take(struct tmem_pool *pool)
{
    struct tmem_client *c = pool->client;
    unsigned int tries;
    long others;

    if ( pool->shared )
        return 0;
    for ( tries = 0; tries < 8; tries++ )
    {
        others = tmem_atomic_fetch_add(&c->cap_inflight, 1);
        if ( tmem_client_pages(c) + (unsigned long)others <
             tmem_engine_max_client_pages )
            return 0;
        tmem_atomic_add(&c->cap_inflight, -1);
        /* The client's own ephemeral pages go first, whatever the put. */
        if ( tmem_evict_one(&c->lru) == -1 )
            return -TMEM_ENOMEM;
    }
    return -TMEM_ENOMEM;
}

static void tmem_client_cap_release(struct tmem_pool *pool)
{
    if ( !pool->shared )
        tmem_atomic_add(&pool->client->cap_inflight, -1);
}

static long tmem_pool_put_capped(struct tmem_pool *pool, const uint64_t oid[3],
                                 uint32_t index, const struct tmem_xfer *x);
static long tmem_pool_put_refused(struct tmem_pool *pool,
                                  const uint64_t oid[3], uint32_t index,
                                  long rc);

/*
 * The most metadata one put can charge: a new object with a full index
 * path, its descriptor and a compressed-page record.
 */
#define TMEM_META_PUT_MAX (sizeof(struct tmem_obj) +                       \
                           (TMEM_RADIX_MAX_HEIGHT - 1) *                   \
                           sizeof(struct tmem_rnode) +                     \
                           sizeof(struct tmem_rleaf) +                     \
                           sizeof(struct tmem_pgd) + sizeof(struct tmem_zpage))

/*
 * An ephemeral put at its account's metadata limit makes room from its
 * own oldest pages, as at the page cap; a persistent one just fails.
 */
static void tmem_meta_make_room(struct tmem_pool *pool)
{
    struct tmem_meta *m = pool->meta;
    unsigned int tries;

    for ( tries = 0; tries < 64; tries++ )
    {
        if ( tmem_atomic_read(&m->bytes) + (long)TMEM_META_PUT_MAX <=
             tmem_atomic_read(&m->limit) )
            return;
        tmem_call_work(1);
        if ( tmem_evict_one(pool->lru) == -1 )
            return;
    }
}

long tmem_pool_put(struct tmem_pool *pool, const uint64_t oid[3],
                   uint32_t index, const struct tmem_xfer *x)
{
    long rc;

    tmem_cnt_inc(&pool->cnt, TMEM_PC_PUTS);
    tmem_call_work(1);
    if ( !pool->persistent )
        tmem_meta_make_room(pool);
    if ( tmem_client_cap_take(pool) )
        return tmem_pool_put_refused(pool, oid, index, -TMEM_ENOMEM);
    rc = tmem_pool_put_capped(pool, oid, index, x);
    /* Only now that the page counts in its pool: it is always in one count. */
    tmem_client_cap_release(pool);
    return rc;
}

/*
 * The data of a put, before any lock.  Uncompressed: take a data page now
 * (*pg) and copy into it later, under the object lock, after every locked
 * instruction of the put, so that the copy's stores drain while the put
 * finishes and the caller moves on.  Compressed, or no page to be had:
 * tmem_prepare() stores the page (as a word if it is same-filled) now.
 */
static int tmem_put_data(struct tmem_pool *pool, struct tmem_client *actor,
                         const struct tmem_xfer *x, struct tmem_prep *pr,
                         struct tmem_env_page **pg)
{
    void *va;

    *pg = NULL;
    if ( !tmem_atomic_read(&actor->compress) )
        *pg = tmem_data_page_alloc(pool);
    if ( !*pg )
        return tmem_prepare(pool, actor, x, pr);
    pr->kind = TMEM_PGD_RAW;
    pr->data = (uintptr_t)*pg;
    /* Its lines arrive while we take the descriptor, object and slot. */
    va = tmem_env_map_page(*pg);
    tmem_prefetch_page_w(va);
    tmem_env_unmap_page(va);
    return 0;
}

/*
 * Copy the guest's page into the data page pg (object lock held); a
 * same-filled page gives its data page back and is kept as its word.
 */
static int tmem_put_copy(struct tmem_pool *pool, struct tmem_env_page *pg,
                         const struct tmem_xfer *x, struct tmem_prep *pr)
{
    uint64_t w = 0;
    void *va = tmem_env_map_page(pg);
    int rc = tmem_xfer_in(x, va);

    if ( !rc && tmem_same_filled(va, &w) )
        rc = 1;
    tmem_env_unmap_page(va);
    if ( rc == 1 )
    {
        tmem_data_page_free(pool, pg);
        pr->kind = TMEM_PGD_FILL;
        pr->data = w;
        rc = 0;
    }
    return rc;
}

/* Put descriptor ph on its pool's list in place of old (object lock held). */
static void tmem_put_link(struct tmem_pool *pool, uint32_t hash, uint32_t ph,
                          struct tmem_pgd *p, uint32_t old)
{
    unsigned int list = tmem_plist_of(hash);

    if ( pool->persistent )
    {
        if ( old )
            tmem_plist_del(pool, list, old, tmem_pgd_ptr(old));
        tmem_list_append(&pool->plist_head[list], &pool->plist_tail[list],
                         ph, p);
        return;
    }
    tmem_spin_lock(&tmem_global.lru_lock);
    if ( old )
        tmem_lru_del(pool->lru, tmem_pgd_ptr(old));
    tmem_lru_add(pool->lru, ph, p);
    tmem_spin_unlock(&tmem_global.lru_lock);
}

/*
 * A put stored its page (object lock released): free the copy it replaced,
 * count it, and grow or rehash the pool's table as it needs.
 */
static void tmem_put_done(struct tmem_pool *pool, struct tmem_client *actor,
                          uint32_t old, bool grow)
{
    if ( old )
    {
        tmem_pgd_release_op(pool, old);
        tmem_cnt_inc(&pool->cnt, TMEM_PC_DUP_REPLACED);
    }
    tmem_cnt_inc(&pool->cnt, TMEM_PC_GOOD_PUTS);
    if ( pool->persistent )
        tmem_cnt_inc(&actor->cnt, TMEM_CC_PERS_PUTS);
    if ( grow )
        tmem_pool_grow(pool);
    else if ( tmem_unlikely(tmem_atomic_read(&pool->rehashing)) )
        tmem_pool_rehash_step(pool);
}

/* The put itself, its place under the cap held. */
static long tmem_pool_put_capped(struct tmem_pool *pool, const uint64_t oid[3],
                                 uint32_t index, const struct tmem_xfer *x)
{
    struct tmem_client *actor = pool->client;
    uint32_t hash, oh, ph, old = 0, *slot;
    struct tmem_rleaf *leaf;
    struct tmem_obj *obj;
    struct tmem_pgd *p;
    struct tmem_prep pr = { 0, TMEM_PGD_FILL };
    struct tmem_env_page *pg;
    tmem_spinlock_t *lk;
    bool grow;
    long rc;

    rc = tmem_put_data(pool, actor, x, &pr, &pg);
    if ( rc )
        goto fail;
    if ( !tmem_meta_charge(pool->meta, sizeof(*p)) )
    {
        rc = -TMEM_ENOMEM;
        goto fail_data;
    }
    ph = tmem_pgd_alloc();
    if ( !ph )
    {
        tmem_meta_uncharge(pool->meta, sizeof(*p));
        rc = -TMEM_ENOMEM;
        goto fail_data;
    }
    p = tmem_pgd_ptr(ph);
    p->index = index;

    hash = tmem_oid_hash(pool, oid);
    lk = tmem_obj_lock(pool, hash);
    tmem_spin_lock(lk);
    obj = tmem_obj_find(pool, oid, hash, &oh);
    if ( !obj )
        obj = tmem_obj_create(pool, oid, hash, &oh);
    slot = obj ? tmem_radix_slot_create(obj, index, &leaf) : NULL;
    if ( !slot )
    {
        rc = -TMEM_ENOMEM;
        goto fail_locked;
    }
    old = *slot;
    if ( !old )
    {
        /* Counted before the copy: no locked add after it. */
        tmem_atomic_add(&pool->st.pages, 1);
        tmem_stat_max(&pool->st.pages_max,
                      tmem_atomic_read(&pool->st.pages));
    }
    if ( pg )
    {
        rc = tmem_put_copy(pool, pg, x, &pr);
        if ( rc < 0 )
        {
            if ( !old )
                tmem_atomic_add(&pool->st.pages, -1);
            goto fail_locked;
        }
    }
    p->data = pr.data;
    *slot = ph;
    if ( !old )
        leaf->count++;
    p->obj = oh | (pr.kind << TMEM_PGD_KIND_SHIFT);
    tmem_put_link(pool, hash, ph, p, old);
    if ( !old )
        obj->nr_pages++;
    grow = !old && tmem_pool_wants_growth(pool);
    tmem_spin_unlock(lk);

    tmem_put_done(pool, actor, old, grow);
    return 1;

 fail_locked:
    /*
     * Nothing was stored: drop the object if this put made it, else what
     * this put built of its index path.
     */
    if ( obj && !obj->nr_pages )
    {
        tmem_obj_unhash(pool, oh, obj);
        tmem_obj_free(pool, oh, obj);
    }
    else if ( obj && !old )
        tmem_radix_prune(obj, index);
    tmem_spin_unlock(lk);
    tmem_pgd_free_handle(ph);
    tmem_meta_uncharge(pool->meta, sizeof(*p));
 fail_data:
    tmem_prep_undo(pool, &pr);
 fail:
    return tmem_pool_put_refused(pool, oid, index, rc);
}

/* A put that stored nothing: the key holds nothing either afterwards. */
static long tmem_pool_put_refused(struct tmem_pool *pool,
                                  const uint64_t oid[3], uint32_t index,
                                  long rc)
{
    uint32_t old;

    if ( rc == -TMEM_ENOMEM )
        tmem_cnt_inc(&pool->cnt, TMEM_PC_NOMEM_PUTS);
    /* The guest must never get the older copy back after a failed put. */
    old = tmem_pool_unlink_index(pool, oid, index);
    if ( old )
    {
        tmem_pgd_release_op(pool, old);
        tmem_cnt_inc(&pool->cnt, TMEM_PC_DUP_FLUSHED);
    }
    return rc;
}

long tmem_pool_get(struct tmem_pool *pool, const uint64_t oid[3],
                   uint32_t index, const struct tmem_xfer *x, bool exclusive)
{
    uint32_t hash, oh, h = 0, *slot;
    struct tmem_obj *obj;
    tmem_spinlock_t *lk;
    long rc;

    tmem_cnt_inc(&pool->cnt, TMEM_PC_GETS);
    tmem_call_work(1);
    if ( !tmem_atomic_read(&pool->st.pages) )
        return -TMEM_EEMPTY;

    hash = tmem_oid_hash(pool, oid);
    lk = tmem_obj_lock(pool, hash);
    tmem_spin_lock(lk);
    obj = tmem_obj_find(pool, oid, hash, &oh);
    slot = obj ? tmem_radix_slot(obj, index) : NULL;
    if ( !slot || !*slot )
    {
        rc = 0;
        goto out;
    }
    h = *slot;
    rc = tmem_pgd_read(tmem_pgd_ptr(h), x);
    if ( rc )
    {
        h = 0;
        goto out;
    }
    rc = 1;
    if ( exclusive )
    {
        tmem_radix_remove(obj, index);
        tmem_pool_drop_pgd(pool, hash, oh, obj, h);
    }
    else
    {
        if ( !pool->persistent )
        {
            /* A hit makes the page most recently used. */
            struct tmem_pgd *p = tmem_pgd_ptr(h);

            tmem_spin_lock(&tmem_global.lru_lock);
            tmem_lru_del(pool->lru, p);
            tmem_lru_add(pool->lru, h, p);
            tmem_spin_unlock(&tmem_global.lru_lock);
        }
        h = 0;
    }
 out:
    tmem_spin_unlock(lk);
    if ( h )
        tmem_pgd_release_op(pool, h);
    if ( rc == 1 )
        tmem_cnt_inc(&pool->cnt, TMEM_PC_GOOD_GETS);
    return rc;
}

long tmem_pool_flush_page(struct tmem_pool *pool, const uint64_t oid[3],
                          uint32_t index)
{
    uint32_t h;

    tmem_cnt_inc(&pool->cnt, TMEM_PC_FLUSHES);
    tmem_call_work(1);
    h = tmem_pool_unlink_index(pool, oid, index);
    if ( h )
    {
        tmem_pgd_release_op(pool, h);
        tmem_cnt_inc(&pool->cnt, TMEM_PC_GOOD_FLUSHES);
    }
    return h ? 1 : 0;
}
