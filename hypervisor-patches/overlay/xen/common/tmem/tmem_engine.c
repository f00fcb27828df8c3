/*
 * tmem_engine.c: transcendent memory pool engine (data path).
 *
 * See tmem_priv.h for the data layout and the lock order.  Guest-visible
 * semantics follow the historic tmem ABI: private pools are per client,
 * shared pools are keyed by UUID and need authorisation, ephemeral pages may
 * vanish (LRU with per-client weights), persistent pages stay until the guest
 * flushes them or the client goes away, a get from a private ephemeral pool
 * is exclusive, a put over an existing page replaces it, and a failed put
 * never leaves an older copy behind.
 */
#include "tmem_priv.h"
#include "tmem_siphash.h"

/* Off unless the glue turns it on (boot option `tmem', off by default). */
bool tmem_engine_enabled;
bool tmem_engine_compress_default;
unsigned long tmem_engine_max_client_pages =
    TMEM_ENGINE_DEFAULT_MAX_CLIENT_PAGES;
unsigned long tmem_engine_meta_limit = TMEM_ENGINE_DEFAULT_META_LIMIT;

struct tmem_global tmem_global;
#define G tmem_global

/* ------------------------------------------------------------------------
 * Slabs
 */

static void tmem_slab_init(struct tmem_slab *s, uint32_t item_size)
{
    memset(s, 0, sizeof(*s));
    tmem_spin_init(&s->lock);
    s->item_size = item_size;
}

static inline size_t tmem_slab_chunk_bytes(const struct tmem_slab *s)
{
    return (size_t)s->item_size * TMEM_SLAB_CHUNK_ITEMS;
}

/* Items chunk c can hold: handle 0 (item 0 of chunk 0) means "none". */
static inline uint32_t tmem_slab_capacity(uint32_t c)
{
    return TMEM_SLAB_CHUNK_ITEMS - (c == 0);
}

static void tmem_slab_partial_add(struct tmem_slab *s, uint32_t c)
{
    struct tmem_slab_chunk *k = tmem_slab_chunk(s, c);

    k->prev = 0;
    k->next = s->partial;
    if ( s->partial )
        tmem_slab_chunk(s, s->partial - 1)->prev = c + 1;
    s->partial = c + 1;
}

static void tmem_slab_partial_del(struct tmem_slab *s, uint32_t c)
{
    struct tmem_slab_chunk *k = tmem_slab_chunk(s, c);

    if ( k->prev )
        tmem_slab_chunk(s, k->prev - 1)->next = k->next;
    else
        s->partial = k->next;
    if ( k->next )
        tmem_slab_chunk(s, k->next - 1)->prev = k->prev;
}

/* An item from the first partial chunk (lock held); 0 if none. */
static uint32_t tmem_slab_take_one(struct tmem_slab *s)
{
    struct tmem_slab_chunk *k;
    uint32_t c, i;

    if ( !s->partial )
        return 0;
    c = s->partial - 1;
    k = tmem_slab_chunk(s, c);
    if ( k->free )
    {
        i = k->free - 1;
        k->free = *(uint32_t *)(k->mem + (size_t)i * s->item_size);
    }
    else
        i = k->fresh++;
    if ( ++k->used == tmem_slab_capacity(c) )
        tmem_slab_partial_del(s, c);
    return c << TMEM_SLAB_CHUNK_SHIFT | i;
}

/*
 * Put item h back (lock held).  Returns the chunk's memory if that emptied
 * it and the caller must free it after dropping the lock, else NULL.
 */
static uint8_t *tmem_slab_put_one(struct tmem_slab *s, uint32_t h)
{
    uint32_t c = h >> TMEM_SLAB_CHUNK_SHIFT;
    uint32_t i = h & (TMEM_SLAB_CHUNK_ITEMS - 1);
    struct tmem_slab_chunk *k = tmem_slab_chunk(s, c);
    uint8_t *mem;

    TMEM_ASSERT(k->mem && k->used);
    *(uint32_t *)(k->mem + (size_t)i * s->item_size) = k->free;
    k->free = i + 1;
    if ( k->used-- == tmem_slab_capacity(c) )
        tmem_slab_partial_add(s, c);
    if ( k->used )
        return NULL;
    tmem_slab_partial_del(s, c);
    mem = k->mem;
    k->mem = NULL;
    k->next = s->free_nums;
    s->free_nums = c + 1;
    s->live_chunks--;
    if ( s->spare )
        return mem;
    s->spare = mem;
    return NULL;
}

/*
 * Install chunk memory under a free chunk number (lock held).  *midp is
 * consumed if a middle table was missing.  False if it needs a middle
 * table the caller has not provided, or the slab is full.
 */
static bool tmem_slab_install(struct tmem_slab *s, uint8_t *mem,
                              struct tmem_slab_chunk **midp)
{
    struct tmem_slab_chunk *k;
    uint32_t c;

    /* Reuse a number given back if there is one (its table exists). */
    if ( s->free_nums )
    {
        c = s->free_nums - 1;
        s->free_nums = tmem_slab_chunk(s, c)->next;
    }
    else
    {
        c = s->nr_chunks;
        if ( c == TMEM_SLAB_MAX_CHUNKS )
            return false;
        if ( !s->top[c / TMEM_SLAB_MID_ENTRIES] )
        {
            if ( !*midp )
                return false;
            s->top[c / TMEM_SLAB_MID_ENTRIES] = *midp;
            *midp = NULL;
        }
        s->nr_chunks++;
    }
    k = tmem_slab_chunk(s, c);
    k->mem = mem;
    k->free = 0;
    k->fresh = c == 0;
    k->used = 0;
    s->live_chunks++;
    tmem_slab_partial_add(s, c);
    return true;
}

static uint32_t tmem_slab_alloc(struct tmem_slab *s)
{
    struct tmem_slab_chunk *mid = NULL;
    uint8_t *chunk = NULL;
    uint32_t h;

    for ( ;; )
    {
        tmem_spin_lock(&s->lock);
        h = tmem_slab_take_one(s);
        if ( h )
            break;
        if ( !chunk && s->spare )
        {
            chunk = s->spare;
            s->spare = NULL;
        }
        if ( chunk && tmem_slab_install(s, chunk, &mid) )
        {
            chunk = NULL;
            tmem_spin_unlock(&s->lock);
            continue;
        }
        if ( s->live_chunks == TMEM_SLAB_MAX_CHUNKS )
        {
            tmem_spin_unlock(&s->lock);
            goto fail;
        }
        /* Allocate outside the lock: the allocator may call reclaim. */
        tmem_spin_unlock(&s->lock);
        if ( !chunk )
        {
            chunk = tmem_env_zalloc(tmem_slab_chunk_bytes(s));
            if ( !chunk )
                goto fail;
        }
        else if ( !mid )
        {
            mid = tmem_env_zalloc(TMEM_SLAB_MID_ENTRIES * sizeof(*mid));
            if ( !mid )
                goto fail;
        }
    }
    tmem_stat_add(&s->in_use, 1);      /* under s->lock */
    tmem_stat_max(&s->in_use_max, tmem_atomic_read(&s->in_use));
    tmem_spin_unlock(&s->lock);
    /* Lost a race: somebody else made room meanwhile. */
    tmem_env_free(chunk, chunk ? tmem_slab_chunk_bytes(s) : 0);
    tmem_env_free(mid, mid ? TMEM_SLAB_MID_ENTRIES * sizeof(*mid) : 0);
    memset(tmem_slab_ptr(s, h), 0, s->item_size);
    return h;

 fail:
    tmem_env_free(chunk, chunk ? tmem_slab_chunk_bytes(s) : 0);
    tmem_env_free(mid, mid ? TMEM_SLAB_MID_ENTRIES * sizeof(*mid) : 0);
    return 0;
}

static void tmem_slab_free(struct tmem_slab *s, uint32_t h)
{
    uint8_t *mem;

    tmem_spin_lock(&s->lock);
    mem = tmem_slab_put_one(s, h);
    tmem_stat_add(&s->in_use, -1);
    tmem_spin_unlock(&s->lock);
    tmem_env_free(mem, mem ? tmem_slab_chunk_bytes(s) : 0);
}

/*
 * Up to n handles from chunks already there, in one lock round (no growth:
 * 0 if every chunk is full).  The items are not zeroed; the caller
 * initialises every field.
 */
static unsigned int tmem_slab_take(struct tmem_slab *s, uint32_t *out,
                                   unsigned int n)
{
    unsigned int got = 0;
    uint32_t h;

    tmem_spin_lock(&s->lock);
    while ( got < n && (h = tmem_slab_take_one(s)) != 0 )
        out[got++] = h;
    tmem_stat_add(&s->in_use, (long)got);   /* under s->lock */
    tmem_stat_max(&s->in_use_max, tmem_atomic_read(&s->in_use));
    tmem_spin_unlock(&s->lock);
    return got;
}

/* Give n handles back in one lock round. */
static void tmem_slab_give(struct tmem_slab *s, const uint32_t *h,
                           unsigned int n)
{
    uint8_t *mem, *gone = NULL;
    unsigned int i;

    tmem_spin_lock(&s->lock);
    for ( i = 0; i < n; i++ )
    {
        mem = tmem_slab_put_one(s, h[i]);
        if ( mem )
        {
            /* Chain the chunks to free through their first word. */
            *(uint8_t **)mem = gone;
            gone = mem;
        }
    }
    tmem_stat_add(&s->in_use, -(long)n);
    tmem_spin_unlock(&s->lock);
    while ( gone )
    {
        mem = gone;
        gone = *(uint8_t **)mem;
        tmem_env_free(mem, tmem_slab_chunk_bytes(s));
    }
}

static void tmem_slab_destroy(struct tmem_slab *s)
{
    uint32_t c;

    for ( c = 0; c < s->nr_chunks; c++ )
        tmem_env_free(tmem_slab_chunk(s, c)->mem,
                      tmem_slab_chunk(s, c)->mem ? tmem_slab_chunk_bytes(s)
                                                 : 0);
    tmem_env_free(s->spare, s->spare ? tmem_slab_chunk_bytes(s) : 0);
    for ( c = 0; c < TMEM_SLAB_TOP_ENTRIES; c++ )
        tmem_env_free(s->top[c], s->top[c] ? TMEM_SLAB_MID_ENTRIES *
                                             sizeof(*s->top[c]) : 0);
    memset(s->top, 0, sizeof(s->top));
    s->nr_chunks = s->live_chunks = s->partial = s->free_nums = 0;
    s->spare = NULL;
}

/*
 * With no item in use, give back the spare chunk and the middle tables
 * too: Xen's free memory is then back at its baseline once the guests that
 * used tmem are gone.  in_use only changes under s->lock.
 */
static void tmem_slab_trim(struct tmem_slab *s)
{
    tmem_spin_lock(&s->lock);
    if ( tmem_atomic_read(&s->in_use) == 0 )
        tmem_slab_destroy(s);
    tmem_spin_unlock(&s->lock);
}

static inline struct tmem_zpage *tmem_zpage_ptr(uint32_t h)
{
    return tmem_slab_ptr(&G.zpage_slab, h);
}

/* ------------------------------------------------------------------------
 * Metadata accounts (see struct tmem_meta)
 */

/*
 * Charge n bytes, or refuse if that would take the account over its limit.
 * The add comes first and is undone on refusal, so however many vCPUs
 * charge at once the bytes held never exceed the limit (a charge may be
 * refused while another one is being undone: refusal errs on the safe side).
 */
static bool tmem_meta_charge(struct tmem_meta *m, size_t n)
{
    long old = tmem_atomic_fetch_add(&m->bytes, (long)n);

    if ( old + (long)n > tmem_atomic_read(&m->limit) )
    {
        tmem_atomic_add(&m->bytes, -(long)n);
        tmem_stat_inc(&m->refused);
        return false;
    }
    tmem_stat_max(&m->bytes_max, old + (long)n);
    return true;
}

static void tmem_meta_uncharge(struct tmem_meta *m, size_t n)
{
    tmem_atomic_add(&m->bytes, -(long)n);
}

static void *tmem_meta_zalloc(struct tmem_meta *m, size_t n)
{
    void *p;

    if ( !tmem_meta_charge(m, n) )
        return NULL;
    p = tmem_env_zalloc(n);
    if ( !p )
        tmem_meta_uncharge(m, n);
    return p;
}

static void tmem_meta_free(struct tmem_meta *m, void *p, size_t n)
{
    if ( !p )
        return;
    tmem_env_free(p, n);
    tmem_meta_uncharge(m, n);
}

static void tmem_meta_init(struct tmem_meta *m, long limit)
{
    memset(m, 0, sizeof(*m));
    m->limit = limit;
}

/* ------------------------------------------------------------------------
 * Radix tree over page indices (one per object; under the object's lock)
 */

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

static uint32_t *tmem_radix_slot(const struct tmem_obj *obj, uint32_t index)
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

static void tmem_radix_node_free(const struct tmem_obj *obj, void *n,
                                 unsigned int h)
{
    tmem_meta_free(obj->pool->meta, n, tmem_radix_node_size(h));
}

/*
 * Find or create the slot for index.  On allocation failure, nodes created
 * so far stay in the tree, empty; they are freed with the object.
 */
static uint32_t *tmem_radix_slot_create(struct tmem_obj *obj, uint32_t index,
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

/* Clear index's slot and free the nodes that became empty; returns the
 * descriptor handle that was there (0 if none). */
static uint32_t tmem_radix_remove(struct tmem_obj *obj, uint32_t index)
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
static void tmem_radix_prune(struct tmem_obj *obj, uint32_t index)
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
static struct tmem_rleaf *tmem_radix_pop_leaf(struct tmem_obj *obj)
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

/* ------------------------------------------------------------------------
 * LRU (under G.lru_lock) and persistent lists (under the object lock whose
 * index they share: list i holds the pages of objects hashed to lock i)
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
    tmem_stat_add(&G.st.eph_pages, 1);
    tmem_stat_max(&G.st.eph_pages_max, tmem_atomic_read(&G.st.eph_pages));
}

static void tmem_lru_del(struct tmem_lru *l, struct tmem_pgd *p)
{
    tmem_list_del(&l->head, &l->tail, p);
    tmem_stat_add(&l->nr, -1);
    tmem_stat_add(&G.st.eph_pages, -1);
}

static inline unsigned int tmem_plist_of(uint32_t hash)
{
    return hash % TMEM_POOL_LOCKS;
}

static void tmem_record_inv(struct tmem_pool *pool, const struct tmem_pgd *p);

/*
 * Persistent list removal (object lock `list' held).  While the client is
 * saved, a page the receiver has becomes an invalidation, queued before the
 * lock is dropped: any later put at the same key is sent after it.
 */
static void tmem_plist_del(struct tmem_pool *pool, unsigned int list,
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
        tmem_spin_lock(&G.lru_lock);
        tmem_lru_del(pool->lru, p);
        tmem_spin_unlock(&G.lru_lock);
    }
}

static void tmem_lru_register(struct tmem_lru *l, long weight)
{
    memset(l, 0, sizeof(*l));
    l->weight = weight;
    tmem_spin_lock(&G.lru_lock);
    l->onext = G.owners;
    if ( G.owners )
        G.owners->oprev = l;
    G.owners = l;
    tmem_spin_unlock(&G.lru_lock);
}

static void tmem_lru_unregister(struct tmem_lru *l)
{
    tmem_spin_lock(&G.lru_lock);
    TMEM_ASSERT(!l->head);
    if ( l->oprev )
        l->oprev->onext = l->onext;
    else
        G.owners = l->onext;
    if ( l->onext )
        l->onext->oprev = l->oprev;
    tmem_spin_unlock(&G.lru_lock);
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

    for ( l = G.owners; l; l = l->onext )
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

/* ------------------------------------------------------------------------
 * Data pages and compressed storage
 */

/* Count data pages: in this CPU's slot, folded in now and then. */
static void tmem_data_pages_add(long v)
{
    struct tmem_pcpu *pc = tmem_pcpu_mine();
    long d;

    if ( pc )
    {
        d = pc->data_pages + v;
        if ( d < TMEM_PCPU_FOLD && d > -TMEM_PCPU_FOLD )
        {
            tmem_atomic_set(&pc->data_pages, d);
            return;
        }
        tmem_atomic_set(&pc->data_pages, 0);
        v = d;
    }
    tmem_atomic_add(&G.st.data_pages, v);
    /* High-water mark, sampled when a slot folds (LIST samples too). */
    tmem_stat_max(&G.st.data_pages_max, tmem_atomic_read(&G.st.data_pages));
}

/* Data pages held (LIST's Fc): exact whenever no op runs. */
long tmem_data_pages_count(void)
{
    long n = tmem_atomic_read(&G.st.data_pages);
    unsigned int i;

    for ( i = 0; i < G.nr_pcpu; i++ )
        n += tmem_atomic_read(&G.pcpu[i].data_pages);
    tmem_stat_max(&G.st.data_pages_max, n);
    return n;
}

static struct tmem_env_page *tmem_data_page_alloc(struct tmem_pool *pool)
{
    struct tmem_env_page *pg;
    unsigned int tries;
    int reason;

    for ( tries = 0; tries < 16; tries++ )
    {
        reason = 0;
        pg = tmem_env_alloc_page(pool->charge_domid, pool->persistent,
                                 &reason);
        if ( pg )
        {
            tmem_data_pages_add(1);
            if ( !pool->persistent )
                tmem_atomic_add(&G.st.eph_data_pages, 1);
            return pg;
        }
        /* Only a heap shortage is helped by dropping ephemeral pages. */
        if ( reason != TMEM_ENV_NOMEM_HEAP || tmem_evict(NULL, 1, false) <= 0 )
            return NULL;
    }
    return NULL;
}

static void tmem_data_page_free(struct tmem_pool *pool,
                                struct tmem_env_page *pg)
{
    tmem_env_free_page(pg, pool->charge_domid, pool->persistent);
    tmem_data_pages_add(-1);
    if ( !pool->persistent )
        tmem_atomic_add(&G.st.eph_data_pages, -1);
}

static void tmem_zs_list_add(struct tmem_zstore *zs, uint32_t zh,
                             struct tmem_zpage *z)
{
    unsigned int k = z->maxfree;

    z->prev = 0;
    z->next = zs->list[k];
    if ( z->next )
        tmem_zpage_ptr(z->next)->prev = zh;
    zs->list[k] = zh;
    zs->nonempty |= 1ull << k;
}

static void tmem_zs_list_del(struct tmem_zstore *zs, uint32_t zh,
                             struct tmem_zpage *z)
{
    unsigned int k = z->maxfree;

    if ( z->prev )
        tmem_zpage_ptr(z->prev)->next = z->next;
    else
        zs->list[k] = z->next;
    if ( z->next )
        tmem_zpage_ptr(z->next)->prev = z->prev;
    if ( !zs->list[k] )
        zs->nonempty &= ~(1ull << k);
    (void)zh;
}

/* First run of n free chunks (n < 64) in a page's bitmap, or -1. */
static int tmem_zs_find_run(uint64_t used, unsigned int n)
{
    uint64_t f = ~used, x = f;
    unsigned int i;

    for ( i = 1; i < n; i++ )
        x &= f >> i;
    return x ? __builtin_ctzll(x) : -1;
}

static unsigned int tmem_zs_maxfree(uint64_t used)
{
    uint64_t x = ~used;
    unsigned int n = 0;

    while ( x )
    {
        x &= x >> 1;
        n++;
    }
    return n;
}

static inline uint64_t tmem_zs_mask(unsigned int n, unsigned int start)
{
    return ((1ull << n) - 1) << start;
}

/*
 * Reserve n (1..63) chunks in the pool's compressed storage.  Pages are
 * kept in lists by their longest free run, so the smallest fitting list is
 * one bit-scan away.
 */
static int tmem_zs_alloc(struct tmem_pool *pool, unsigned int n,
                         uint32_t *zhp, unsigned int *startp)
{
    struct tmem_zstore *zs = &pool->zs;
    struct tmem_env_page *pg = NULL;
    struct tmem_zpage *z;
    uint32_t zh, newzh = 0;
    uint64_t m;
    int start;

    for ( ;; )
    {
        tmem_spin_lock(&zs->lock);
        m = zs->nonempty & ~((1ull << n) - 1);
        if ( m )
        {
            zh = zs->list[__builtin_ctzll(m)];
            z = tmem_zpage_ptr(zh);
            start = tmem_zs_find_run(z->used, n);
            TMEM_ASSERT(start >= 0);
            tmem_zs_list_del(zs, zh, z);
            z->used |= tmem_zs_mask(n, start);
            z->nr++;
            z->maxfree = tmem_zs_maxfree(z->used);
            if ( z->maxfree )
                tmem_zs_list_add(zs, zh, z);
            tmem_spin_unlock(&zs->lock);
            if ( newzh )
            {
                /* Space appeared while we allocated: give ours back. */
                tmem_data_page_free(pool, pg);
                tmem_slab_free(&G.zpage_slab, newzh);
                tmem_meta_uncharge(pool->meta, sizeof(*z));
            }
            *zhp = zh;
            *startp = start;
            return 0;
        }
        if ( newzh )
        {
            z = tmem_zpage_ptr(newzh);
            z->page = pg;
            z->used = tmem_zs_mask(n, 0);
            z->nr = 1;
            z->maxfree = TMEM_ZCHUNKS - n;
            tmem_zs_list_add(zs, newzh, z);
            tmem_stat_add(&zs->nr_zpages, 1);  /* under zs->lock */
            tmem_spin_unlock(&zs->lock);
            *zhp = newzh;
            *startp = 0;
            return 0;
        }
        tmem_spin_unlock(&zs->lock);
        if ( !tmem_meta_charge(pool->meta, sizeof(*z)) )
            return -TMEM_ENOMEM;
        newzh = tmem_slab_alloc(&G.zpage_slab);
        pg = newzh ? tmem_data_page_alloc(pool) : NULL;
        if ( !pg )
        {
            if ( newzh )
                tmem_slab_free(&G.zpage_slab, newzh);
            tmem_meta_uncharge(pool->meta, sizeof(*z));
            return -TMEM_ENOMEM;
        }
    }
}

/* Release chunks; returns 1 if that freed the whole data page. */
static unsigned int tmem_zs_free(struct tmem_pool *pool, uint32_t zh,
                                 unsigned int start, unsigned int n)
{
    struct tmem_zstore *zs = &pool->zs;
    struct tmem_zpage *z = tmem_zpage_ptr(zh);
    struct tmem_env_page *pg = NULL;

    tmem_spin_lock(&zs->lock);
    if ( z->maxfree )
        tmem_zs_list_del(zs, zh, z);
    z->used &= ~tmem_zs_mask(n, start);
    z->nr--;
    if ( !z->used )
    {
        pg = z->page;
        tmem_stat_add(&zs->nr_zpages, -1);
    }
    else
    {
        z->maxfree = tmem_zs_maxfree(z->used);
        tmem_zs_list_add(zs, zh, z);
    }
    tmem_spin_unlock(&zs->lock);
    if ( !pg )
        return 0;
    tmem_data_page_free(pool, pg);
    tmem_slab_free(&G.zpage_slab, zh);
    tmem_meta_uncharge(pool->meta, sizeof(*z));
    return 1;
}

#define TMEM_LZO_ZH(d)     ((uint32_t)(d))
#define TMEM_LZO_START(d)  ((unsigned int)((d) >> 32) & 63)
#define TMEM_LZO_LEN(d)    ((unsigned int)((d) >> 38) & 0x1fff)

static inline unsigned int tmem_zchunks(unsigned int len)
{
    return (len + TMEM_ZCHUNK - 1) >> TMEM_ZCHUNK_SHIFT;
}

/* Free whatever holds a descriptor's data; returns data pages freed. */
static unsigned int tmem_pgd_free_data(struct tmem_pool *pool,
                                       const struct tmem_pgd *p)
{
    switch ( tmem_pgd_kind(p) )
    {
    case TMEM_PGD_RAW:
        tmem_data_page_free(pool,
                            (struct tmem_env_page *)(uintptr_t)p->data);
        return 1;
    case TMEM_PGD_LZO:
        return tmem_zs_free(pool, TMEM_LZO_ZH(p->data),
                            TMEM_LZO_START(p->data),
                            tmem_zchunks(TMEM_LZO_LEN(p->data)));
    default:
        return 0;
    }
}

/* ------------------------------------------------------------------------
 * Scratch buffers and transfers
 */

/*
 * Data pages are cold: a stored page is usually in DRAM by the time it is
 * read, and a freshly allocated one is wherever the allocator left it.
 * Ask for all 64 lines of a page at once, before the copy (and before the
 * work that precedes it), so that their misses overlap instead of ramping
 * up line by line behind the copy.  Prefetches are hints: no fault, no
 * ordering against locks.  Measured in the bench (min of reps): get at
 * 256K/1M pages stored 245-262 -> 169-194 ns; put 237-242 -> 192-197 ns.
 */
static inline void tmem_prefetch_page(const void *va)
{
    const uint8_t *b = va;
    unsigned int i;

    for ( i = 0; i < TMEM_PAGE_SIZE; i += TMEM_CACHE_LINE )
        __builtin_prefetch(b + i, 0, 3);
}

static inline void tmem_prefetch_page_w(void *va)
{
    uint8_t *b = va;
    unsigned int i;

    for ( i = 0; i < TMEM_PAGE_SIZE; i += TMEM_CACHE_LINE )
        __builtin_prefetch(b + i, 1, 3);
}

static struct tmem_scratch *tmem_scratch_get(void)
{
    unsigned int home = tmem_env_cpu_hint() % G.nr_scratch, i;
    struct tmem_scratch *s;

    for ( i = 0; i < G.nr_scratch; i++ )
    {
        s = G.scratch[(home + i) % G.nr_scratch];
        if ( tmem_spin_trylock(&s->lock) )
            return s;
    }
    s = G.scratch[home];
    tmem_spin_lock(&s->lock);
    return s;
}

static inline void tmem_scratch_put(struct tmem_scratch *s)
{
    tmem_spin_unlock(&s->lock);
}

static int tmem_xfer_in(const struct tmem_xfer *x, void *dst)
{
    if ( x->caller )
        return tmem_env_copy_from_frame(x->caller, x->frame, dst);
    memcpy(dst, x->buf, TMEM_PAGE_SIZE);
    return 0;
}

static int tmem_xfer_out(const struct tmem_xfer *x, const void *src)
{
    if ( x->caller )
        return tmem_env_copy_to_frame(x->caller, x->frame, src);
    memcpy(x->buf, src, TMEM_PAGE_SIZE);
    return 0;
}

static bool tmem_same_filled(const void *va, uint64_t *word)
{
    const uint64_t *w = va;
    uint64_t v = w[0];
    unsigned int i;

    /* Bail out early: most pages differ within the first cache line. */
    for ( i = 1; i < TMEM_PAGE_SIZE / 8; i++ )
        if ( w[i] != v )
            return false;
    *word = v;
    return true;
}

static void tmem_fill_page(void *va, uint64_t word)
{
    uint64_t *w = va;
    unsigned int i;

    for ( i = 0; i < TMEM_PAGE_SIZE / 8; i++ )
        w[i] = word;
}

/* Copy a stored page out to x.  Caller holds what keeps p alive. */
int tmem_pgd_read(const struct tmem_pgd *p, struct tmem_pool *pool,
                  const struct tmem_xfer *x)
{
    struct tmem_scratch *s;
    struct tmem_zpage *z;
    size_t dlen;
    void *va;
    int rc;

    switch ( tmem_pgd_kind(p) )
    {
    case TMEM_PGD_RAW:
        va = tmem_env_map_page((struct tmem_env_page *)(uintptr_t)p->data);
        tmem_prefetch_page(va);
        rc = tmem_xfer_out(x, va);
        tmem_env_unmap_page(va);
        return rc;

    case TMEM_PGD_FILL:
        if ( !x->caller )
        {
            tmem_fill_page(x->buf, p->data);
            return 0;
        }
        s = tmem_scratch_get();
        tmem_fill_page(s->page, p->data);
        rc = tmem_xfer_out(x, s->page);
        tmem_scratch_put(s);
        return rc;

    case TMEM_PGD_LZO:
        z = tmem_zpage_ptr(TMEM_LZO_ZH(p->data));
        s = tmem_scratch_get();
        va = tmem_env_map_page(z->page);
        dlen = TMEM_PAGE_SIZE;
        rc = tmem_lzo1x_decompress_safe((uint8_t *)va +
                                        (TMEM_LZO_START(p->data) <<
                                         TMEM_ZCHUNK_SHIFT),
                                        TMEM_LZO_LEN(p->data), s->page,
                                        &dlen);
        tmem_env_unmap_page(va);
        if ( rc != TMEM_LZO_OK || dlen != TMEM_PAGE_SIZE )
        {
            /* Our own data never fails to decompress; be safe anyway. */
            TMEM_LOG("decompression failed (%d)", rc);
            rc = -TMEM_EINVAL;
        }
        else
            rc = tmem_xfer_out(x, s->page);
        tmem_scratch_put(s);
        (void)pool;
        return rc;
    }
    return -TMEM_EINVAL;
}

/* ------------------------------------------------------------------------
 * Objects (under the bucket lock of their hash)
 */

static uint32_t tmem_oid_hash(const struct tmem_pool *pool,
                              const uint64_t oid[3])
{
    return (uint32_t)tmem_siphash(pool->hash_key, oid, 3);
}

static inline tmem_spinlock_t *tmem_obj_lock(struct tmem_pool *pool,
                                             uint32_t hash)
{
    return &pool->obj_locks[hash % TMEM_POOL_LOCKS];
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
static struct tmem_obj *tmem_obj_find(struct tmem_pool *pool,
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

static struct tmem_obj *tmem_obj_create(struct tmem_pool *pool,
                                        const uint64_t oid[3], uint32_t hash,
                                        uint32_t *ohp)
{
    uint32_t oh, *b;
    struct tmem_obj *obj;

    if ( !tmem_meta_charge(pool->meta, sizeof(*obj)) )
        return NULL;
    oh = tmem_slab_alloc(&G.obj_slab);
    if ( !oh || oh > TMEM_PGD_OBJ_MASK )
    {
        if ( oh )
            tmem_slab_free(&G.obj_slab, oh);
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
    tmem_atomic_add(&G.st.objs, 1);
    tmem_stat_max(&G.st.objs_max, tmem_atomic_read(&G.st.objs));
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

static void tmem_obj_unhash(struct tmem_pool *pool, uint32_t oh,
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
static void tmem_obj_free(struct tmem_pool *pool, uint32_t oh,
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
    tmem_atomic_add(&G.st.objs, -1);
    tmem_slab_free(&G.obj_slab, oh);
    tmem_meta_uncharge(pool->meta, sizeof(*obj));
}

/* ------------------------------------------------------------------------
 * Page descriptor removal helpers
 */

/* Queue the invalidation of a sent page (its object lock held). */
static void tmem_record_inv(struct tmem_pool *pool, const struct tmem_pgd *p)
{
    struct tmem_client *c = pool->client;
    const struct tmem_obj *obj = tmem_obj_ptr(p->obj & TMEM_PGD_OBJ_MASK);
    struct tmem_inv *inv;
    int slot = tmem_client_slot_of(c, pool);

    inv = slot >= 0 ? tmem_meta_zalloc(&c->meta, sizeof(*inv)) : NULL;
    if ( !inv )
    {
        /* The receiver would keep a stale page: make the stream restart. */
        tmem_atomic_set(&c->save_reset, 1);
        return;
    }
    inv->pool_id = slot;
    inv->index = p->index;
    inv->oid[0] = obj->oid[0];
    inv->oid[1] = obj->oid[1];
    inv->oid[2] = obj->oid[2];
    tmem_spin_lock(&c->inv_lock);
    inv->next = c->inv_head;
    c->inv_head = inv;
    tmem_spin_unlock(&c->inv_lock);
}

/* ------------------------------------------------------------------------
 * Descriptor handles through the per-CPU caches (see tmem_priv.h)
 */

/*
 * A descriptor for a put (global lock held).  Not zeroed: the put sets
 * every field.  0 if none.
 */
static uint32_t tmem_pgd_alloc(void)
{
    struct tmem_pcpu *pc = tmem_pcpu_mine();
    long n;

    if ( !pc )
        return tmem_slab_alloc(&G.pgd_slab);
    n = pc->nr_pgd;
    if ( !n )
    {
        n = tmem_slab_take(&G.pgd_slab, pc->pgd, TMEM_MAG_BATCH);
        /* High-water mark of descriptors out of the slab. */
        tmem_stat_max(&G.st.pgds_max, tmem_atomic_read(&G.pgd_slab.in_use));
        if ( !n )
            return tmem_slab_alloc(&G.pgd_slab);     /* grows the slab */
    }
    tmem_atomic_set(&pc->nr_pgd, n - 1);
    return pc->pgd[n - 1];
}

/* Give a descriptor handle back (global lock held). */
static void tmem_pgd_free_handle(uint32_t h)
{
    struct tmem_pcpu *pc = tmem_pcpu_mine();
    long n;

    if ( !pc )
    {
        tmem_slab_free(&G.pgd_slab, h);
        return;
    }
    n = pc->nr_pgd;
    if ( n == TMEM_MAG_SIZE )
    {
        n -= TMEM_MAG_BATCH;
        tmem_slab_give(&G.pgd_slab, &pc->pgd[n], TMEM_MAG_BATCH);
    }
    pc->pgd[n] = h;
    tmem_atomic_set(&pc->nr_pgd, n + 1);
}

/* Empty every per-CPU cache (global write lock held: all quiescent). */
static void tmem_pcpu_drain(void)
{
    unsigned int i;

    for ( i = 0; i < G.nr_pcpu; i++ )
    {
        struct tmem_pcpu *pc = &G.pcpu[i];

        if ( pc->nr_pgd )
            tmem_slab_give(&G.pgd_slab, pc->pgd, (unsigned int)pc->nr_pgd);
        tmem_atomic_set(&pc->nr_pgd, 0);
    }
}

/* Live descriptors (LIST's Pc): exact whenever no put or flush runs. */
long tmem_pgd_count(void)
{
    long n = tmem_atomic_read(&G.pgd_slab.in_use);
    unsigned int i;

    for ( i = 0; i < G.nr_pcpu; i++ )
        n -= tmem_atomic_read(&G.pcpu[i].nr_pgd);
    return n > 0 ? n : 0;
}

/* Free a descriptor that is off every list and out of every tree (any
 * context: takes the slab lock). */
static unsigned int tmem_pgd_release(struct tmem_pool *pool, uint32_t h)
{
    unsigned int freed = tmem_pgd_free_data(pool, tmem_pgd_ptr(h));

    tmem_slab_free(&G.pgd_slab, h);
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

/* Remove (oid, index); returns its descriptor handle (still allocated, off
 * all lists) or 0. */
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
    tmem_spin_unlock(lk);
    return h;
}

/* ------------------------------------------------------------------------
 * Pool hash growth
 */

/* Objects per bucket above which a put grows the pool's hash. */
#define TMEM_POOL_GROW_LOAD 2

static inline bool tmem_pool_wants_growth(struct tmem_pool *pool)
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
static void tmem_pool_grow(struct tmem_pool *pool)
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
static void tmem_pool_rehash_step(struct tmem_pool *pool)
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

/* ------------------------------------------------------------------------
 * Put / get / flush
 */

struct tmem_prep {
    uint64_t data;
    unsigned int kind;
};

static void tmem_prep_undo(struct tmem_pool *pool, const struct tmem_prep *pr)
{
    struct tmem_pgd tmp;

    tmp.data = pr->data;
    tmp.obj = pr->kind << TMEM_PGD_KIND_SHIFT;
    tmem_pgd_free_data(pool, &tmp);
}

/* Bring the page in and store its data (raw, compressed or as a word). */
static int tmem_prepare(struct tmem_pool *pool, struct tmem_client *actor,
                        const struct tmem_xfer *x, struct tmem_prep *pr)
{
    struct tmem_env_page *pg;
    struct tmem_scratch *s;
    uint32_t zh;
    unsigned int start;
    size_t clen;
    uint64_t w = 0;
    void *va;
    int rc;

    if ( !tmem_atomic_read(&pool->client->compress) )
    {
        pg = tmem_data_page_alloc(pool);
        if ( pg )
        {
            va = tmem_env_map_page(pg);
            rc = tmem_xfer_in(x, va);
            if ( !rc && tmem_same_filled(va, &w) )
            {
                tmem_env_unmap_page(va);
                tmem_data_page_free(pool, pg);
                pr->kind = TMEM_PGD_FILL;
                pr->data = w;
                return 0;
            }
            tmem_env_unmap_page(va);
            if ( rc )
            {
                tmem_data_page_free(pool, pg);
                return rc;
            }
            pr->kind = TMEM_PGD_RAW;
            pr->data = (uintptr_t)pg;
            return 0;
        }
        /* Out of memory: a same-filled page needs none. */
        s = tmem_scratch_get();
        rc = tmem_xfer_in(x, s->page);
        if ( !rc )
            rc = tmem_same_filled(s->page, &w) ? 0 : -TMEM_ENOMEM;
        tmem_scratch_put(s);
        pr->kind = TMEM_PGD_FILL;
        pr->data = w;
        return rc;
    }

    s = tmem_scratch_get();
    rc = tmem_xfer_in(x, s->page);
    if ( rc )
        goto out;
    if ( tmem_same_filled(s->page, &w) )
    {
        pr->kind = TMEM_PGD_FILL;
        pr->data = w;
        goto out;
    }
    /* Worth storing compressed only if it saves at least one chunk. */
    rc = tmem_lzo1x_1_compress(s->page, TMEM_PAGE_SIZE, s->cbuf, &clen,
                               TMEM_PAGE_SIZE - TMEM_ZCHUNK, &s->wrk);
    if ( rc == TMEM_LZO_OK )
    {
        rc = tmem_zs_alloc(pool, tmem_zchunks(clen), &zh, &start);
        if ( rc )
            goto out;
        va = tmem_env_map_page(tmem_zpage_ptr(zh)->page);
        memcpy((uint8_t *)va + (start << TMEM_ZCHUNK_SHIFT), s->cbuf, clen);
        tmem_env_unmap_page(va);
        pr->kind = TMEM_PGD_LZO;
        pr->data = zh | ((uint64_t)start << 32) | ((uint64_t)clen << 38);
        tmem_stat_inc(&actor->compressed_pages);
        tmem_stat_add(&actor->compressed_bytes, (long)clen);
        goto out;
    }
    tmem_stat_inc(&actor->compress_poor);
    pg = tmem_data_page_alloc(pool);
    if ( !pg )
    {
        rc = -TMEM_ENOMEM;
        goto out;
    }
    va = tmem_env_map_page(pg);
    memcpy(va, s->page, TMEM_PAGE_SIZE);
    tmem_env_unmap_page(va);
    pr->kind = TMEM_PGD_RAW;
    pr->data = (uintptr_t)pg;
    rc = 0;
 out:
    tmem_scratch_put(s);
    return rc;
}

static int tmem_evict_one(struct tmem_lru *only);

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

/* The most metadata one put can charge: a new object with a full index
 * path, its descriptor and a compressed-page record. */
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
        if ( tmem_evict_one(pool->lru) == -1 )
            return;
    }
}

long tmem_pool_put(struct tmem_pool *pool, const uint64_t oid[3],
                   uint32_t index, const struct tmem_xfer *x)
{
    long rc;

    tmem_stat_inc(&pool->st.puts);
    if ( !pool->persistent )
        tmem_meta_make_room(pool);
    if ( tmem_client_cap_take(pool) )
        return tmem_pool_put_refused(pool, oid, index, -TMEM_ENOMEM);
    rc = tmem_pool_put_capped(pool, oid, index, x);
    /* Only now that the page counts in its pool: it is always in one count. */
    tmem_client_cap_release(pool);
    return rc;
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
    struct tmem_env_page *pg = NULL;
    tmem_spinlock_t *lk;
    uint64_t w = 0;
    bool grow;
    void *va;
    long rc;

    /*
     * Uncompressed: take a data page now and copy into it below, under the
     * object lock, after every locked instruction of the put, so that the
     * copy's stores drain while the put finishes and the caller moves on.
     * Compressed, or no page to be had: tmem_prepare() stores the page
     * (as a word if it is same-filled) before the lock.
     */
    if ( !tmem_atomic_read(&pool->client->compress) )
        pg = tmem_data_page_alloc(pool);
    if ( pg )
    {
        pr.kind = TMEM_PGD_RAW;
        pr.data = (uintptr_t)pg;
        /* Its lines arrive while we take the descriptor, object and slot. */
        va = tmem_env_map_page(pg);
        tmem_prefetch_page_w(va);
        tmem_env_unmap_page(va);
    }
    else
    {
        rc = tmem_prepare(pool, actor, x, &pr);
        if ( rc )
            goto fail;
    }
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
        va = tmem_env_map_page(pg);
        rc = tmem_xfer_in(x, va);
        if ( !rc && tmem_same_filled(va, &w) )
            rc = 1;
        tmem_env_unmap_page(va);
        if ( rc < 0 )
        {
            if ( !old )
                tmem_atomic_add(&pool->st.pages, -1);
            goto fail_locked;
        }
        if ( rc == 1 )
        {
            /* Same-filled: the word is enough. */
            tmem_data_page_free(pool, pg);
            pr.kind = TMEM_PGD_FILL;
            pr.data = w;
        }
    }
    p->data = pr.data;
    *slot = ph;
    if ( !old )
        leaf->count++;
    p->obj = oh | (pr.kind << TMEM_PGD_KIND_SHIFT);
    if ( pool->persistent )
    {
        unsigned int list = tmem_plist_of(hash);

        if ( old )
            tmem_plist_del(pool, list, old, tmem_pgd_ptr(old));
        tmem_list_append(&pool->plist_head[list], &pool->plist_tail[list],
                         ph, p);
    }
    else
    {
        tmem_spin_lock(&G.lru_lock);
        if ( old )
            tmem_lru_del(pool->lru, tmem_pgd_ptr(old));
        tmem_lru_add(pool->lru, ph, p);
        tmem_spin_unlock(&G.lru_lock);
    }
    if ( !old )
        obj->nr_pages++;
    grow = !old && tmem_pool_wants_growth(pool);
    tmem_spin_unlock(lk);

    if ( old )
    {
        tmem_pgd_release_op(pool, old);
        tmem_stat_inc(&pool->st.dup_replaced);
    }
    tmem_stat_inc(&pool->st.good_puts);
    if ( pool->persistent )
        tmem_stat_inc(&actor->pers_puts);
    if ( grow )
        tmem_pool_grow(pool);
    else if ( tmem_unlikely(tmem_atomic_read(&pool->rehashing)) )
        tmem_pool_rehash_step(pool);
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
        tmem_stat_inc(&pool->st.nomem_puts);
    /* The guest must never get the older copy back after a failed put. */
    old = tmem_pool_unlink_index(pool, oid, index);
    if ( old )
    {
        tmem_pgd_release_op(pool, old);
        tmem_stat_inc(&pool->st.dup_flushed);
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

    tmem_stat_inc(&pool->st.gets);
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
    rc = tmem_pgd_read(tmem_pgd_ptr(h), pool, x);
    if ( rc )
    {
        h = 0;
        goto out;
    }
    rc = 1;
    if ( exclusive )
    {
        tmem_radix_remove(obj, index);
        tmem_pgd_unlist(pool, hash, h, tmem_pgd_ptr(h));
        obj->nr_pages--;
        tmem_atomic_add(&pool->st.pages, -1);
        if ( !obj->nr_pages )
        {
            tmem_obj_unhash(pool, oh, obj);
            tmem_obj_free(pool, oh, obj);
        }
    }
    else
    {
        if ( !pool->persistent )
        {
            /* A hit makes the page most recently used. */
            struct tmem_pgd *p = tmem_pgd_ptr(h);

            tmem_spin_lock(&G.lru_lock);
            tmem_lru_del(pool->lru, p);
            tmem_lru_add(pool->lru, h, p);
            tmem_spin_unlock(&G.lru_lock);
        }
        h = 0;
    }
 out:
    tmem_spin_unlock(lk);
    if ( h )
        tmem_pgd_release_op(pool, h);
    if ( rc == 1 )
        tmem_stat_inc(&pool->st.good_gets);
    return rc;
}

long tmem_pool_flush_page(struct tmem_pool *pool, const uint64_t oid[3],
                          uint32_t index)
{
    uint32_t h;

    tmem_stat_inc(&pool->st.flushes);
    h = tmem_pool_unlink_index(pool, oid, index);
    if ( h )
    {
        tmem_pgd_release_op(pool, h);
        tmem_stat_inc(&pool->st.good_flushes);
    }
    return h ? 1 : 0;
}

/* ------------------------------------------------------------------------
 * Teardown in bounded steps
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

/* Release up to about `budget' units of a dead object's pages (object lock
 * held).  Returns the units spent. */
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
            tmem_spin_lock(&G.lru_lock);
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
            tmem_spin_unlock(&G.lru_lock);
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

    tmem_stat_inc(&pool->st.obj_flushes);
    hash = tmem_oid_hash(pool, oid);
    lk = tmem_obj_lock(pool, hash);
    tmem_spin_lock(lk);
    obj = tmem_obj_find(pool, oid, hash, &oh);
    if ( obj )
    {
        tmem_obj_unhash(pool, oh, obj);
        tmem_obj_bury(pool, oh, obj, tmem_plist_of(hash), &work,
                      TMEM_ENGINE_REAP_BUDGET);
        tmem_stat_inc(&pool->st.good_obj_flushes);
    }
    tmem_spin_unlock(lk);
    /* What this flush, or an earlier one, could not free in its budget. */
    if ( !tmem_pool_reap_dead(pool, &work, TMEM_ENGINE_REAP_BUDGET) )
        return -TMEM_ERESTART;
    return obj ? 1 : 0;
}

/*
 * Take a dying pool apart within the budget: objects leave the hash one by
 * one (their pages drained as far as the budget goes), then the dead list
 * empties.  True once the pool holds nothing.  No put can reach a dying
 * pool, so the hash neither grows nor gains objects meanwhile.
 */
static bool tmem_pool_reap(struct tmem_pool *pool, unsigned long *work,
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
        chain = b < pool->old_nbuckets ? &pool->old_buckets[b]
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

/* ------------------------------------------------------------------------
 * Eviction
 */

/*
 * Evict one ephemeral page: from `only', or from the owner furthest over
 * its share.  Returns data pages freed (0 or 1), -1 if nothing is
 * evictable, -2 if every candidate's object was busy.
 */
static int tmem_evict_one(struct tmem_lru *only)
{
    struct tmem_pool *pool = NULL;
    struct tmem_obj *obj = NULL;
    struct tmem_pgd *p = NULL;
    tmem_spinlock_t *lk = NULL;
    struct tmem_lru *l;
    uint32_t h, oh = 0, removed;
    unsigned int tries, freed;

    tmem_spin_lock(&G.lru_lock);
    tmem_stat_inc(&G.st.evict_attempts);
    l = only ? only : tmem_lru_pick();
    if ( !l || !l->head )
    {
        tmem_spin_unlock(&G.lru_lock);
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
        tmem_spin_unlock(&G.lru_lock);
        return -2;
    }
    tmem_lru_del(l, p);
    tmem_spin_unlock(&G.lru_lock);

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
    tmem_stat_inc(&G.st.evicted);
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
    unsigned long freed = 0, fruitless = 0, budget;
    unsigned int busy = 0;
    int r;

    if ( relinquish )
        tmem_stat_inc(&G.st.relinq_attempts);
    budget = tmem_evict_budget(nr_pages);
    while ( freed < nr_pages )
    {
        if ( fruitless++ == budget )
        {
            tmem_stat_inc(&G.st.evict_gave_up);
            break;
        }
        r = tmem_evict_one(only);
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
    if ( relinquish )
        tmem_stat_add(&G.st.relinq, (long)freed);
    return (long)freed;
}

unsigned long tmem_engine_reclaim(unsigned long nr_pages)
{
    if ( !G.initialised )
        return 0;
    return (unsigned long)tmem_evict(NULL, nr_pages, true);
}

void tmem_engine_note_call_ns(unsigned int kind, uint32_t cmd, uint64_t ns)
{
    if ( !G.initialised || kind >= TMEM_ENGINE_CALL_KINDS )
        return;
    tmem_stat_inc(&G.st.calls);
    if ( ns > 1000000 )
        tmem_stat_inc(&G.st.calls_over_1ms);
    tmem_stat_max(&G.st.call_max_ns, (long)ns);
    if ( (long)ns > tmem_atomic_read(&G.st.call_kind_ns[kind]) )
    {
        /* Statistics: the pair may tear under a race, harmlessly. */
        tmem_atomic_set(&G.st.call_kind_ns[kind], (long)ns);
        tmem_atomic_set(&G.st.call_kind_cmd[kind], (long)cmd);
    }
}

unsigned long tmem_engine_freeable_pages(void)
{
    long n;

    if ( !G.initialised )
        return 0;
    n = tmem_atomic_read(&G.st.eph_data_pages);
    return n > 0 ? (unsigned long)n : 0;
}

/* ------------------------------------------------------------------------
 * Pools and clients: a client's pools change under its pools_lock; clients
 * come and go under the global write lock
 */

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
    c = G.clients[TMEM_NOSPEC(cli_id, TMEM_ENGINE_MAX_CLIENTS)];
    return c && !c->dying ? c : NULL;
}

struct tmem_client *tmem_client_get_or_create(uint16_t cli_id)
{
    struct tmem_client *c;

    if ( cli_id >= TMEM_ENGINE_MAX_CLIENTS )
        return NULL;
    cli_id = TMEM_NOSPEC(cli_id, TMEM_ENGINE_MAX_CLIENTS);
    if ( G.clients[cli_id] )
        return G.clients[cli_id]->dying ? NULL : G.clients[cli_id];
    c = tmem_env_zalloc(sizeof(*c));
    if ( !c )
        return NULL;
    c->id = cli_id;
    c->compress = tmem_engine_compress_default;
    tmem_meta_init(&c->meta, (long)tmem_engine_meta_limit);
    tmem_spin_init(&c->inv_lock);
    tmem_spin_init(&c->save_lock);
    tmem_spin_init(&c->reap_lock);
    tmem_rwspin_init(&c->pools_lock);
    tmem_lru_register(&c->lru, TMEM_ENGINE_DEFAULT_WEIGHT);
    G.clients[cli_id] = c;
    return c;
}

static struct tmem_pool *tmem_pool_alloc(struct tmem_client *c,
                                         uint32_t flags,
                                         const uint64_t uuid[2])
{
    const size_t bytes = sizeof(struct tmem_pool) +
                         TMEM_POOL_MIN_BUCKETS * sizeof(uint32_t);
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
        if ( !pool->buckets )
        {
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
    pool->charge_domid = c->id;
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
    size_t bytes = sizeof(*pool) + pool->nbuckets * sizeof(*pool->buckets);
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
        pool = G.shared[i];
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
    G.shared[free_idx] = pool;
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
        tmem_spin_lock(&G.shared_lock);
        rc = tmem_shared_pool_join(c, slot, flags, uuid);
        tmem_spin_unlock(&G.shared_lock);
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
static long tmem_pool_kill(struct tmem_client *c, int slot)
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
        tmem_spin_lock(&G.shared_lock);
        for ( i = 0; i < pool->nr_sharers; i++ )
            if ( pool->sharers[i] == c->id )
            {
                pool->sharers[i] = pool->sharers[--pool->nr_sharers];
                break;
            }
        others = pool->nr_sharers;
        if ( !others )
        {
            G.shared[pool->shared_idx] = NULL;
            /* No op of another client can reach the pool any more. */
            pool->client = c;
        }
        tmem_spin_unlock(&G.shared_lock);
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
        pool = G.shared[i];
        if ( pool && pool->client == c )
            pool->client = G.clients[pool->sharers[0]];
    }
}

/* Free the client's queued save invalidations. */
void tmem_client_drop_invs(struct tmem_client *c)
{
    struct tmem_inv *inv, *next;

    tmem_spin_lock(&c->inv_lock);
    inv = c->inv_head;
    c->inv_head = NULL;
    tmem_spin_unlock(&c->inv_lock);
    for ( ; inv; inv = next )
    {
        next = inv->next;
        tmem_inv_free(c, inv);
    }
}

void tmem_inv_free(struct tmem_client *c, struct tmem_inv *inv)
{
    tmem_meta_free(&c->meta, inv, sizeof(*inv));
}

static void tmem_client_free(struct tmem_client *c)
{
    tmem_client_drop_invs(c);
    TMEM_ASSERT(!tmem_atomic_read(&c->meta.bytes));
    tmem_lru_unregister(&c->lru);
    tmem_env_free(c, sizeof(*c));
}

/*
 * One bounded step of freeing what client cli_id has marked dying: its
 * dying pools, and the client itself once it is dying and has none left.
 * Returns 0 when nothing is left to do, -TMEM_ERESTART otherwise (also when
 * another context is reaping the same client right now).
 */
static long tmem_client_reap(uint16_t cli_id)
{
    struct tmem_pool *gone[TMEM_ENGINE_MAX_POOLS_PER_CLIENT];
    unsigned long work = 0;
    uint32_t emptied = 0;
    struct tmem_client *c;
    struct tmem_pool *pool;
    bool pending = false, free_client = false;
    int i, n = 0;

    tmem_read_lock(&G.lock);
    c = G.clients[TMEM_NOSPEC(cli_id, TMEM_ENGINE_MAX_CLIENTS)];
    if ( !c )
    {
        tmem_read_unlock(&G.lock);
        return 0;
    }
    /* Only the holder of reap_lock frees the client's pools or itself. */
    if ( !tmem_spin_trylock(&c->reap_lock) )
    {
        tmem_read_unlock(&G.lock);
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
    tmem_read_unlock(&G.lock);

    if ( c->dying && !pending )
    {
        /* reap_lock is only ever tried under the read lock: no deadlock. */
        tmem_write_lock(&G.lock);
        for ( i = 0; i < TMEM_ENGINE_MAX_POOLS_PER_CLIENT; i++ )
            TMEM_ASSERT(!c->pools[i]);
        tmem_shared_disown(c);
        G.clients[c->id] = NULL;
        /* Quiescent caches: give their handles back for the trim. */
        tmem_pcpu_drain();
        free_client = true;
        tmem_write_unlock(&G.lock);
    }
    tmem_spin_unlock(&c->reap_lock);

    while ( n-- )
        tmem_pool_free(gone[n]);
    if ( free_client )
    {
        tmem_client_free(c);
        /* The last client gone leaves the slabs empty: return them. */
        tmem_slab_trim(&G.pgd_slab);
        tmem_slab_trim(&G.obj_slab);
        tmem_slab_trim(&G.zpage_slab);
    }
    return pending ? -TMEM_ERESTART : 0;
}

long tmem_engine_client_destroy_step(uint16_t client_id)
{
    struct tmem_client *c;
    bool live;
    int i;

    if ( !G.initialised || client_id >= TMEM_ENGINE_MAX_CLIENTS )
        return 0;
    client_id = TMEM_NOSPEC(client_id, TMEM_ENGINE_MAX_CLIENTS);
    tmem_read_lock(&G.lock);
    c = G.clients[client_id];
    live = c && !c->dying;
    tmem_read_unlock(&G.lock);
    if ( live )
    {
        /* First step: nothing can use the client or its pools after it. */
        tmem_write_lock(&G.lock);
        c = G.clients[client_id];
        if ( c && !c->dying )
        {
            c->dying = true;
            for ( i = 0; i < TMEM_ENGINE_MAX_POOLS_PER_CLIENT; i++ )
                tmem_pool_kill(c, i);
        }
        tmem_write_unlock(&G.lock);
    }
    return tmem_client_reap(client_id);
}

void tmem_engine_client_destroy(uint16_t client_id)
{
    while ( tmem_engine_client_destroy_step(client_id) == -TMEM_ERESTART )
        continue;
}

/* ------------------------------------------------------------------------
 * Guest operations
 */

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

    tmem_read_lock(&G.lock);
    c = tmem_client_get(cli_id);
    if ( !c )
    {
        /* A client's first pool: once per domain (or per xl tmem-destroy). */
        tmem_read_unlock(&G.lock);
        tmem_write_lock(&G.lock);
        c = tmem_client_get_or_create(cli_id);
        tmem_write_unlock(&G.lock);
        if ( !c )
            return -TMEM_ENOMEM;
        tmem_read_lock(&G.lock);
        c = tmem_client_get(cli_id);
        if ( !c )
        {
            /* Destroyed in between. */
            tmem_read_unlock(&G.lock);
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
    tmem_read_unlock(&G.lock);
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
    tmem_read_lock(&G.lock);
    c = tmem_client_get(cli_id);
    if ( c )
    {
        tmem_rwspin_write_lock(&c->pools_lock);
        if ( c->pools[pool_id] )
            rc = c->pools[pool_id]->dying ? 1 : tmem_pool_kill(c, pool_id);
        tmem_rwspin_write_unlock(&c->pools_lock);
    }
    tmem_read_unlock(&G.lock);
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

    tmem_read_lock(&G.lock);
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
            tmem_stat_inc(&pool->st.puts);
            rc = -TMEM_EFROZEN;
            break;
        }
        rc = tmem_pool_put(pool, op->oid, op->index, &x);
        if ( rc == 1 && pool->persistent && pool->client != c )
            tmem_stat_inc(&c->pers_puts);
        break;
    case TMEM_ENGINE_CMD_GET_PAGE:
        rc = tmem_pool_get(pool, op->oid, op->index, &x,
                           !pool->persistent && !pool->shared);
        if ( rc == 1 )
            tmem_stat_inc(pool->persistent ? &c->pers_gets : &c->eph_gets);
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
    if ( c )
    {
        tmem_stat_inc(&c->ops);
        if ( rc < 0 )
            tmem_stat_inc(&c->errored_ops);
    }
    tmem_read_unlock(&G.lock);
    return rc;
}

long tmem_engine_guest_op(struct tmem_env_caller *caller, uint16_t client_id,
                          const struct tmem_engine_op *op)
{
    long rc;

    if ( !tmem_engine_enabled || !G.initialised )
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
    tmem_stat_inc(&G.st.total_ops);
    if ( rc < 0 )
        tmem_stat_inc(&G.st.errored_ops);
    return rc;
}

/* ------------------------------------------------------------------------
 * Init / exit
 */

int tmem_engine_init(void)
{
    unsigned int i;

    if ( G.initialised )
        return 0;
    memset(&G, 0, sizeof(G));
    tmem_rwlock_init(&G.lock);
    tmem_spin_init(&G.shared_lock);
    tmem_spin_init(&G.lru_lock);
    tmem_slab_init(&G.pgd_slab, sizeof(struct tmem_pgd));
    tmem_slab_init(&G.obj_slab, sizeof(struct tmem_obj));
    tmem_slab_init(&G.zpage_slab, sizeof(struct tmem_zpage));
    G.clients = tmem_env_zalloc(TMEM_ENGINE_MAX_CLIENTS * sizeof(*G.clients));
    if ( !G.clients )
        return -TMEM_ENOMEM;
    G.nr_scratch = tmem_env_nr_cpus();
    if ( G.nr_scratch == 0 )
        G.nr_scratch = 1;
    G.scratch = tmem_env_zalloc(G.nr_scratch * sizeof(*G.scratch));
    if ( !G.scratch )
        goto fail;
    for ( i = 0; i < G.nr_scratch; i++ )
    {
        G.scratch[i] = tmem_env_zalloc(sizeof(struct tmem_scratch));
        if ( !G.scratch[i] )
            goto fail;
        tmem_spin_init(&G.scratch[i]->lock);
    }
    G.nr_pcpu = tmem_env_nr_cpu_slots();
    G.pcpu = tmem_env_zalloc(G.nr_pcpu * sizeof(*G.pcpu));
    if ( !G.pcpu )
        goto fail;
    G.initialised = true;
    return 0;

 fail:
    if ( G.scratch )
    {
        for ( i = 0; i < G.nr_scratch; i++ )
            tmem_env_free(G.scratch[i], G.scratch[i] ?
                                        sizeof(struct tmem_scratch) : 0);
        tmem_env_free(G.scratch, G.nr_scratch * sizeof(*G.scratch));
    }
    tmem_env_free(G.clients, TMEM_ENGINE_MAX_CLIENTS * sizeof(*G.clients));
    memset(&G, 0, sizeof(G));
    return -TMEM_ENOMEM;
}

void tmem_engine_exit(void)
{
    unsigned int i;

    if ( !G.initialised )
        return;
    for ( i = 0; i < TMEM_ENGINE_MAX_CLIENTS; i++ )
        if ( G.clients[i] )
            tmem_engine_client_destroy((uint16_t)i);
    for ( i = 0; i < G.nr_scratch; i++ )
        tmem_env_free(G.scratch[i], sizeof(struct tmem_scratch));
    tmem_env_free(G.scratch, G.nr_scratch * sizeof(*G.scratch));
    tmem_env_free(G.pcpu, G.nr_pcpu * sizeof(*G.pcpu));
    tmem_env_free(G.clients, TMEM_ENGINE_MAX_CLIENTS * sizeof(*G.clients));
    tmem_slab_destroy(&G.pgd_slab);
    tmem_slab_destroy(&G.obj_slab);
    tmem_slab_destroy(&G.zpage_slab);
    memset(&G, 0, sizeof(G));
}
