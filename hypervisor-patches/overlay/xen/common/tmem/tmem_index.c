/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_index.c: finding a page by its key (pool, 192-bit oid, 32-bit index).
 *
 * - A pool's objects in a hash table keyed by SipHash under a secret per
 *   pool, so that no guest can choose oids that share a chain; objects are
 *   under the object lock of their hash (hash % TMEM_POOL_LOCKS).
 * - The hash grows four times over when it gets loaded, its old chains
 *   moved a few at a time by the puts that follow.
 * - Each object's pages in a radix tree over the page index (64-way, at
 *   most 6 levels) of descriptor handles, under the object's lock.
 */
#include "tmem_priv.h"
#include "tmem_siphash.h"

/* ---- radix tree over page indices (one per object; under its lock) ---- */

static unsigned int tmem_radix_height_for(uint32_t index)
{
    unsigned int h = 1;

    index >>= TMEM_RADIX_SHIFT;
    while ( index )
    {
        h++;
        index >>= TMEM_RADIX_SHIFT;
    }
    return h;
}

static inline unsigned int tmem_radix_key(uint32_t index, unsigned int h)
{
    return (index >> (TMEM_RADIX_SHIFT * (h - 1))) & (TMEM_RADIX_SLOTS - 1);
}

uint32_t *tmem_radix_slot(const struct tmem_obj *obj, uint32_t index)
{
    void *node = obj->root;
    unsigned int h = obj->height;

    if ( !node || tmem_radix_height_for(index) > h )
        return NULL;
    for ( ; h > 1; h-- )
    {
        node = ((struct tmem_rnode *)node)->child[tmem_radix_key(index, h)];
        if ( !node )
            return NULL;
    }
    return &((struct tmem_rleaf *)node)->slot[index & (TMEM_RADIX_SLOTS - 1)];
}

static inline size_t tmem_radix_node_size(unsigned int h)
{
    return h == 1 ? sizeof(struct tmem_rleaf) : sizeof(struct tmem_rnode);
}

static void *tmem_radix_node_alloc(const struct tmem_obj *obj, unsigned int h)
{
    return tmem_meta_zalloc(obj->pool->meta, tmem_radix_node_size(h));
}

void tmem_radix_node_free(const struct tmem_obj *obj, void *n,
                          unsigned int h)
{
    tmem_meta_free(obj->pool->meta, n, tmem_radix_node_size(h));
}

/*
 * Find or create the slot for index.  On allocation failure, nodes created
 * so far stay in the tree, empty; they are freed with the object.
 */
uint32_t *tmem_radix_slot_create(struct tmem_obj *obj, uint32_t index,
                                 struct tmem_rleaf **leafp)
{
    unsigned int need = tmem_radix_height_for(index), h;
    void *node;

    if ( !obj->root )
    {
        obj->root = tmem_radix_node_alloc(obj, need);
        if ( !obj->root )
            return NULL;
        obj->height = need;
    }
    while ( obj->height < need )
    {
        struct tmem_rnode *n = tmem_radix_node_alloc(obj, obj->height + 1);

        if ( !n )
            return NULL;
        n->child[0] = obj->root;
        n->count = 1;
        obj->root = n;
        obj->height++;
    }
    node = obj->root;
    for ( h = obj->height; h > 1; h-- )
    {
        struct tmem_rnode *n = node;
        unsigned int k = tmem_radix_key(index, h);

        if ( !n->child[k] )
        {
            n->child[k] = tmem_radix_node_alloc(obj, h - 1);
            if ( !n->child[k] )
                return NULL;
            n->count++;
        }
        node = n->child[k];
    }
    *leafp = node;
    return &((struct tmem_rleaf *)node)->slot[index & (TMEM_RADIX_SLOTS - 1)];
}

/*
 * Clear index's slot and free the nodes that became empty; returns the
 * descriptor handle that was there (0 if none).
 */
uint32_t tmem_radix_remove(struct tmem_obj *obj, uint32_t index)
{
    struct tmem_rnode *path[TMEM_RADIX_MAX_HEIGHT];
    unsigned int keys[TMEM_RADIX_MAX_HEIGHT];
    unsigned int h = obj->height, d = 0;
    struct tmem_rleaf *leaf;
    void *node = obj->root;
    uint32_t old, *slot;

    if ( !node || tmem_radix_height_for(index) > h )
        return 0;
    for ( ; h > 1; h-- )
    {
        path[d] = node;
        keys[d] = tmem_radix_key(index, h);
        node = path[d]->child[keys[d]];
        d++;
        if ( !node )
            return 0;
    }
    leaf = node;
    slot = &leaf->slot[index & (TMEM_RADIX_SLOTS - 1)];
    old = *slot;
    if ( !old )
        return 0;
    *slot = 0;
    if ( --leaf->count )
        return old;
    tmem_radix_node_free(obj, leaf, 1);
    h = 2;
    while ( d-- )
    {
        path[d]->child[keys[d]] = NULL;
        if ( --path[d]->count )
            return old;
        tmem_radix_node_free(obj, path[d], h++);
    }
    obj->root = NULL;
    obj->height = 0;
    return old;
}

/*
 * Give back root levels that only lead to child 0: a tree whose indices
 * all fit one level lower needs no root above it.
 */
static void tmem_radix_shrink(struct tmem_obj *obj)
{
    struct tmem_rnode *r;

    while ( obj->height > 1 )
    {
        r = obj->root;
        if ( r->count != 1 || !r->child[0] )
            return;
        obj->root = r->child[0];
        tmem_radix_node_free(obj, r, obj->height);
        obj->height--;
    }
}

/*
 * Free the nodes on index's path that hold nothing, deepest first.  A put
 * that failed after building its path would otherwise leave it behind:
 * metadata nobody counts, for an index that holds no page.
 */
void tmem_radix_prune(struct tmem_obj *obj, uint32_t index)
{
    /* path[i]: the node at height h - i; keys[i]: path[i + 1]'s slot. */
    void *path[TMEM_RADIX_MAX_HEIGHT];
    unsigned int keys[TMEM_RADIX_MAX_HEIGHT];
    unsigned int h = obj->height, d = 0, count;
    struct tmem_rnode *up;

    if ( !obj->root || tmem_radix_height_for(index) > h )
        return;
    path[0] = obj->root;
    while ( h - d > 1 )
    {
        up = path[d];
        keys[d] = tmem_radix_key(index, h - d);
        if ( !up->child[keys[d]] )
            break;
        path[d + 1] = up->child[keys[d]];
        d++;
    }
    /* From the deepest node up, free those left empty. */
    for ( ; ; )
    {
        count = h - d == 1 ? ((struct tmem_rleaf *)path[d])->count
                           : ((struct tmem_rnode *)path[d])->count;
        if ( count )
            break;
        tmem_radix_node_free(obj, path[d], h - d);
        if ( !d )
        {
            obj->root = NULL;
            obj->height = 0;
            return;
        }
        up = path[--d];
        up->child[keys[d]] = NULL;
        up->count--;
    }
    tmem_radix_shrink(obj);
}

/*
 * Detach the leftmost leaf of the tree and free the inner nodes that this
 * leaves empty; the caller owns the leaf (tmem_radix_node_free() it).
 * Returns NULL when the step only freed an empty inner node (none should
 * exist) or the tree is empty: loop while obj->root.  Object lock held.
 */
struct tmem_rleaf *tmem_radix_pop_leaf(struct tmem_obj *obj)
{
    /* path[i]: the node at height h - i; keys[i]: path[i + 1]'s slot. */
    void *path[TMEM_RADIX_MAX_HEIGHT];
    unsigned int keys[TMEM_RADIX_MAX_HEIGHT];
    unsigned int h = obj->height, d, k;
    struct tmem_rleaf *leaf = NULL;
    struct tmem_rnode *up;

    if ( !obj->root )
        return NULL;
    path[0] = obj->root;
    for ( d = 0; h - d > 1; d++ )
    {
        up = path[d];
        for ( k = 0; k < TMEM_RADIX_SLOTS && !up->child[k]; k++ )
            continue;
        if ( k == TMEM_RADIX_SLOTS )
            break;
        keys[d] = k;
        path[d + 1] = up->child[k];
    }
    if ( h - d == 1 )
        leaf = path[d];
    else
        tmem_radix_node_free(obj, path[d], h - d);
    /* From its parent up, unlink it and free the nodes left empty. */
    while ( d-- )
    {
        up = path[d];
        up->child[keys[d]] = NULL;
        if ( --up->count )
            return leaf;
        tmem_radix_node_free(obj, up, h - d);
    }
    obj->root = NULL;
    obj->height = 0;
    return leaf;
}

/* ---- objects (under the object lock of their hash) ---- */

uint32_t tmem_oid_hash(const struct tmem_pool *pool,
                       const uint64_t oid[3])
{
    return (uint32_t)tmem_siphash(pool->hash_key, oid, 3);
}

static struct tmem_obj *tmem_chain_find(uint32_t oh, const uint64_t oid[3],
                                        uint32_t *ohp)
{
    struct tmem_obj *obj;

    for ( ; oh; oh = obj->hnext )
    {
        obj = tmem_obj_ptr(oh);
        if ( obj->oid[0] == oid[0] && obj->oid[1] == oid[1] &&
             obj->oid[2] == oid[2] )
        {
            *ohp = oh;
            return obj;
        }
    }
    return NULL;
}

/* The object's lock held: its chain, and while growing its old one too. */
struct tmem_obj *tmem_obj_find(struct tmem_pool *pool,
                               const uint64_t oid[3], uint32_t hash,
                               uint32_t *ohp)
{
    struct tmem_obj *obj;

    obj = tmem_chain_find(pool->buckets[hash & (pool->nbuckets - 1)], oid,
                          ohp);
    if ( !obj && pool->old_buckets )
        obj = tmem_chain_find(
            pool->old_buckets[hash & (pool->old_nbuckets - 1)], oid, ohp);
    return obj;
}

struct tmem_obj *tmem_obj_create(struct tmem_pool *pool,
                                 const uint64_t oid[3], uint32_t hash,
                                 uint32_t *ohp)
{
    uint32_t oh, *b;
    struct tmem_obj *obj;

    if ( !tmem_meta_charge(pool->meta, sizeof(*obj)) )
        return NULL;
    oh = tmem_slab_alloc(&tmem_global.obj_slab);
    if ( !oh || oh > TMEM_PGD_OBJ_MASK )
    {
        if ( oh )
            tmem_slab_free(&tmem_global.obj_slab, oh);
        tmem_meta_uncharge(pool->meta, sizeof(*obj));
        return NULL;
    }
    obj = tmem_obj_ptr(oh);
    obj->dead = false;
    obj->oid[0] = oid[0];
    obj->oid[1] = oid[1];
    obj->oid[2] = oid[2];
    obj->pool = pool;
    obj->hash = hash;
    b = &pool->buckets[hash & (pool->nbuckets - 1)];
    obj->hnext = *b;
    *b = oh;
    tmem_atomic_add(&pool->st.objs, 1);
    tmem_stat_max(&pool->st.objs_max, tmem_atomic_read(&pool->st.objs));
    tmem_atomic_add(&tmem_global.st.objs, 1);
    tmem_stat_max(&tmem_global.st.objs_max,
                  tmem_atomic_read(&tmem_global.st.objs));
    *ohp = oh;
    return obj;
}

/* The link pointing at object oh in the chain starting at *link, or NULL. */
static uint32_t *tmem_chain_link(uint32_t *link, uint32_t oh)
{
    while ( *link && *link != oh )
        link = &tmem_obj_ptr(*link)->hnext;
    return *link ? link : NULL;
}

void tmem_obj_unhash(struct tmem_pool *pool, uint32_t oh,
                     struct tmem_obj *obj)
{
    uint32_t *link = tmem_chain_link(
        &pool->buckets[obj->hash & (pool->nbuckets - 1)], oh);

    if ( !link )
    {
        /* Not moved yet: it is in the old table. */
        TMEM_ASSERT(pool->old_buckets);
        link = tmem_chain_link(
            &pool->old_buckets[obj->hash & (pool->old_nbuckets - 1)], oh);
    }
    TMEM_ASSERT(link);
    *link = obj->hnext;
}

/*
 * Free an object that is unhashed (or about to be) and has no pages; a
 * failed put may have left empty index nodes.
 */
void tmem_obj_free(struct tmem_pool *pool, uint32_t oh,
                   struct tmem_obj *obj)
{
    struct tmem_rleaf *leaf;

    while ( obj->root )
    {
        leaf = tmem_radix_pop_leaf(obj);
        TMEM_ASSERT(!leaf || !leaf->count);
        tmem_radix_node_free(obj, leaf, 1);
    }
    tmem_atomic_add(&pool->st.objs, -1);
    tmem_atomic_add(&tmem_global.st.objs, -1);
    tmem_slab_free(&tmem_global.obj_slab, oh);
    tmem_meta_uncharge(pool->meta, sizeof(*obj));
}

/* ---- pool hash growth ---- */

/* Objects per bucket above which a put grows the pool's hash. */
#define TMEM_POOL_GROW_LOAD 2

bool tmem_pool_wants_growth(struct tmem_pool *pool)
{
    /* Caller holds an object lock, so nbuckets is stable. */
    return !pool->old_buckets && pool->nbuckets < TMEM_POOL_MAX_BUCKETS &&
           tmem_atomic_read(&pool->st.objs) >
           TMEM_POOL_GROW_LOAD * (long)pool->nbuckets;
}

/* Old buckets a put moves to the new table while the pool grows. */
#define TMEM_REHASH_STEP 8

static void tmem_locks_all(struct tmem_pool *pool)
{
    unsigned int i;

    for ( i = 0; i < TMEM_POOL_LOCKS; i++ )
        tmem_spin_lock(&pool->obj_locks[i]);
}

static void tmem_unlocks_all(struct tmem_pool *pool)
{
    unsigned int i;

    for ( i = TMEM_POOL_LOCKS; i-- > 0; )
        tmem_spin_unlock(&pool->obj_locks[i]);
}

/*
 * Called without object locks, by a put that saw the hash too loaded: a
 * table four times larger becomes current, and the old one is emptied
 * into it by the puts that follow (tmem_pool_rehash_step()).
 */
void tmem_pool_grow(struct tmem_pool *pool)
{
    uint32_t old_n, new_n, *nb;
    bool installed = false;

    tmem_spin_lock(&pool->obj_locks[0]);
    old_n = pool->nbuckets;
    tmem_spin_unlock(&pool->obj_locks[0]);
    new_n = old_n * 4;
    nb = tmem_meta_zalloc(pool->meta, new_n * sizeof(*nb));
    if ( !nb )
        return;                  /* longer chains, still correct */

    tmem_locks_all(pool);
    tmem_spin_lock(&pool->rehash_lock);
    if ( pool->nbuckets == old_n && !pool->old_buckets )
    {
        pool->old_buckets = pool->buckets;
        pool->old_nbuckets = old_n;
        pool->rehash_next = pool->rehash_done = 0;
        pool->buckets = nb;
        pool->nbuckets = new_n;
        tmem_atomic_set(&pool->rehashing, 1);
        installed = true;
    }
    tmem_spin_unlock(&pool->rehash_lock);
    tmem_unlocks_all(pool);
    if ( !installed )
        tmem_meta_free(pool->meta, nb, new_n * sizeof(*nb));
}

/*
 * Move up to TMEM_REHASH_STEP old chains into the current table (no object
 * lock held).  A bucket claimed here cannot be skipped by anyone, so the
 * old table stays until the last claimed bucket is done; that one frees
 * it, under every object lock.
 */
void tmem_pool_rehash_step(struct tmem_pool *pool)
{
    uint32_t b, oh, *old, old_n, n;
    struct tmem_obj *obj;
    unsigned int i;
    bool last = false;

    for ( i = 0; i < TMEM_REHASH_STEP && !last; i++ )
    {
        tmem_spin_lock(&pool->rehash_lock);
        old = pool->old_buckets;
        old_n = pool->old_nbuckets;
        b = pool->rehash_next;
        if ( !old || b >= old_n )
        {
            tmem_spin_unlock(&pool->rehash_lock);
            return;
        }
        pool->rehash_next++;
        tmem_spin_unlock(&pool->rehash_lock);

        /* New buckets of the same hashes share the old one's lock. */
        tmem_spin_lock(&pool->obj_locks[b % TMEM_POOL_LOCKS]);
        n = pool->nbuckets;
        while ( (oh = old[b]) != 0 )
        {
            obj = tmem_obj_ptr(oh);
            old[b] = obj->hnext;
            obj->hnext = pool->buckets[obj->hash & (n - 1)];
            pool->buckets[obj->hash & (n - 1)] = oh;
        }
        tmem_spin_unlock(&pool->obj_locks[b % TMEM_POOL_LOCKS]);

        tmem_spin_lock(&pool->rehash_lock);
        last = ++pool->rehash_done == old_n;
        tmem_spin_unlock(&pool->rehash_lock);
    }
    if ( !last )
        return;
    tmem_locks_all(pool);
    tmem_spin_lock(&pool->rehash_lock);
    old = pool->old_buckets;
    old_n = pool->old_nbuckets;
    pool->old_buckets = NULL;
    pool->old_nbuckets = 0;
    tmem_atomic_set(&pool->rehashing, 0);
    tmem_spin_unlock(&pool->rehash_lock);
    tmem_unlocks_all(pool);
    tmem_meta_free(pool->meta, old, old_n * sizeof(*old));
}
