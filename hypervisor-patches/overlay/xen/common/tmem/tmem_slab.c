/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_slab.c: the engine's metadata memory.
 *
 * - Slabs of fixed-size items addressed by 32-bit handles (page
 *   descriptors, objects, compressed-page records), whose chunks go back to
 *   the environment as soon as they are empty.
 * - Metadata accounts: every byte allocated on a guest's behalf is charged
 *   to one before it is allocated (struct tmem_meta).
 * - The per-CPU caches of descriptor handles that keep the slab lock off
 *   the put and flush paths.
 *
 * Layout and lock order: tmem_priv.h.
 */
#include "tmem_priv.h"

/* ---- slabs ---- */

void tmem_slab_init(struct tmem_slab *s, uint32_t item_size)
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

uint32_t tmem_slab_alloc(struct tmem_slab *s)
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

void tmem_slab_free(struct tmem_slab *s, uint32_t h)
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

void tmem_slab_destroy(struct tmem_slab *s)
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
void tmem_slab_trim(struct tmem_slab *s)
{
    tmem_spin_lock(&s->lock);
    if ( tmem_atomic_read(&s->in_use) == 0 )
        tmem_slab_destroy(s);
    tmem_spin_unlock(&s->lock);
}

/* ---- metadata accounts (see struct tmem_meta) ---- */

/*
 * Charge n bytes, or refuse if that would take the account over its limit.
 * The add comes first and is undone on refusal, so however many vCPUs
 * charge at once the bytes held never exceed the limit (a charge may be
 * refused while another one is being undone: refusal errs on the safe side).
 */
bool tmem_meta_charge(struct tmem_meta *m, size_t n)
{
    long old = tmem_atomic_fetch_add(&m->bytes, (long)n);

    if ( old + (long)n > tmem_atomic_read(&m->limit) )
    {
        tmem_atomic_add(&m->bytes, -(long)n);
        tmem_atomic_add(&m->refused, 1);
        return false;
    }
    tmem_stat_max(&m->bytes_max, old + (long)n);
    return true;
}

void tmem_meta_uncharge(struct tmem_meta *m, size_t n)
{
    tmem_atomic_add(&m->bytes, -(long)n);
}

void *tmem_meta_zalloc(struct tmem_meta *m, size_t n)
{
    void *p;

    if ( !tmem_meta_charge(m, n) )
        return NULL;
    p = tmem_env_zalloc(n);
    if ( !p )
        tmem_meta_uncharge(m, n);
    return p;
}

void tmem_meta_free(struct tmem_meta *m, void *p, size_t n)
{
    if ( !p )
        return;
    tmem_env_free(p, n);
    tmem_meta_uncharge(m, n);
}

void tmem_meta_init(struct tmem_meta *m, long limit)
{
    memset(m, 0, sizeof(*m));
    m->limit = limit;
}

/* ---- descriptor handles through the per-CPU caches (tmem_priv.h) ---- */

/*
 * A descriptor for a put (global lock held).  Not zeroed: the put sets
 * every field.  0 if none.
 */
uint32_t tmem_pgd_alloc(void)
{
    struct tmem_pcpu *pc = tmem_pcpu_mine();
    long n;

    if ( !pc )
        return tmem_slab_alloc(&tmem_global.pgd_slab);
    n = pc->nr_pgd;
    if ( !n )
    {
        n = tmem_slab_take(&tmem_global.pgd_slab, pc->pgd, TMEM_MAG_BATCH);
        /* High-water mark of descriptors out of the slab. */
        tmem_stat_max(&tmem_global.st.pgds_max,
                      tmem_atomic_read(&tmem_global.pgd_slab.in_use));
        if ( !n )   /* grows the slab */
            return tmem_slab_alloc(&tmem_global.pgd_slab);
    }
    tmem_atomic_set(&pc->nr_pgd, n - 1);
    return pc->pgd[n - 1];
}

/* Give a descriptor handle back (global lock held). */
void tmem_pgd_free_handle(uint32_t h)
{
    struct tmem_pcpu *pc = tmem_pcpu_mine();
    long n;

    if ( !pc )
    {
        tmem_slab_free(&tmem_global.pgd_slab, h);
        return;
    }
    n = pc->nr_pgd;
    if ( n == TMEM_MAG_SIZE )
    {
        n -= TMEM_MAG_BATCH;
        tmem_slab_give(&tmem_global.pgd_slab, &pc->pgd[n], TMEM_MAG_BATCH);
    }
    pc->pgd[n] = h;
    tmem_atomic_set(&pc->nr_pgd, n + 1);
}

/* Empty every per-CPU cache (global write lock held: all quiescent). */
void tmem_pcpu_drain(void)
{
    unsigned int i;

    for ( i = 0; i < tmem_global.nr_pcpu; i++ )
    {
        struct tmem_pcpu *pc = &tmem_global.pcpu[i];

        if ( pc->nr_pgd )
            tmem_slab_give(&tmem_global.pgd_slab, pc->pgd,
                           (unsigned int)pc->nr_pgd);
        tmem_atomic_set(&pc->nr_pgd, 0);
    }
}

/* Live descriptors (LIST's Pc): exact whenever no put or flush runs. */
long tmem_pgd_count(void)
{
    long n = tmem_atomic_read(&tmem_global.pgd_slab.in_use);
    unsigned int i;

    for ( i = 0; i < tmem_global.nr_pcpu; i++ )
        n -= tmem_atomic_read(&tmem_global.pcpu[i].nr_pgd);
    return n > 0 ? n : 0;
}
