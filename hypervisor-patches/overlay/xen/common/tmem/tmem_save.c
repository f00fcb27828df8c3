/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_save.c: a client's persistent pages streamed out for save and
 * migration, in rounds (see SAVE_GET_NEXT_PAGE in tmem_engine.h).
 *
 * While a client is saved, removing a page the receiver already has
 * queues an invalidation for it; the stream sends those before any later
 * page at the same key.
 */
#include "tmem_priv.h"

/* ---- invalidations queued for the receiver ---- */

/* Queue the invalidation of a sent page (its object lock held). */
void tmem_record_inv(struct tmem_pool *pool, const struct tmem_pgd *p)
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

static void tmem_inv_free(struct tmem_client *c, struct tmem_inv *inv)
{
    tmem_meta_free(&c->meta, inv, sizeof(*inv));
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

/* Pop one queued invalidation into ctl's outputs; false if none. */
static bool tmem_save_pop_inv(struct tmem_client *c,
                              struct tmem_engine_ctl *ctl)
{
    struct tmem_inv *inv;

    tmem_spin_lock(&c->inv_lock);
    inv = c->inv_head;
    if ( inv )
        c->inv_head = inv->next;
    tmem_spin_unlock(&c->inv_lock);
    if ( !inv )
        return false;
    ctl->out_pool_id = inv->pool_id;
    ctl->out_oid[0] = inv->oid[0];
    ctl->out_oid[1] = inv->oid[1];
    ctl->out_oid[2] = inv->oid[2];
    ctl->out_index = inv->index;
    tmem_inv_free(c, inv);
    return true;
}

/* ---- the save session ---- */

/*
 * Start the stream over (save_lock held): every page counts as unsent and
 * queued invalidations are moot, as the receiver drops what it had.
 */
static void tmem_save_restart(struct tmem_client *c)
{
    unsigned int i, l;

    tmem_atomic_set(&c->save_reset, 0);
    for ( i = 0; i < TMEM_ENGINE_MAX_POOLS_PER_CLIENT; i++ )
    {
        struct tmem_pool *pool = tmem_pool_live(c, i);

        if ( !pool || !pool->persistent )
            continue;
        for ( l = 0; l < TMEM_POOL_LOCKS; l++ )
        {
            tmem_spin_lock(&pool->obj_locks[l]);
            pool->plist_mark[l] = 0;
            tmem_spin_unlock(&pool->obj_locks[l]);
        }
    }
    tmem_client_drop_invs(c);
    c->save_pool = 0;
    c->save_list = 0;
}

long tmem_save_begin(struct tmem_client *c, uint32_t arg)
{
    long token;

    if ( arg & ~(TMEM_ENGINE_SAVE_LIVE | TMEM_ENGINE_SAVE_TAKEOVER) )
        return -TMEM_EINVAL;
    if ( !tmem_spin_trylock(&c->save_lock) )
        return -TMEM_EBUSY;
    if ( tmem_atomic_read(&c->saving) )
    {
        if ( !(arg & TMEM_ENGINE_SAVE_TAKEOVER) )
        {
            tmem_spin_unlock(&c->save_lock);
            return -TMEM_EBUSY;
        }
        /* A saver that died: its session ends here. */
        if ( !c->save_live )
            tmem_atomic_set(&c->frozen, c->was_frozen);
    }
    c->save_live = arg & TMEM_ENGINE_SAVE_LIVE;
    c->was_frozen = tmem_atomic_read(&c->frozen);
    /* A non-live save sees the state of one moment: no puts meanwhile. */
    if ( !c->save_live )
        tmem_atomic_set(&c->frozen, 1);
    token = (tmem_atomic_read(&c->save_seq) + 1) & 0x7fffffff;
    token = token ?: 1;
    tmem_atomic_set(&c->save_seq, token);
    /* The first call of the stream answers RESET: the pools come first. */
    tmem_atomic_set(&c->save_reset, 1);
    tmem_atomic_set(&c->saving, token);
    tmem_spin_unlock(&c->save_lock);
    return token;
}

/*
 * Under save_lock: the next item of the round.  At most one page is read
 * and at most every list of the client is looked at once, so a call is
 * bounded whatever the pools hold.
 */
static long tmem_save_next_locked(struct tmem_client *c,
                                  struct tmem_engine_ctl *ctl)
{
    struct tmem_xfer x = { NULL, 0, ctl->buf };
    const struct tmem_obj *obj;
    struct tmem_pool *pool;
    struct tmem_pgd *p;
    tmem_spinlock_t *lk;
    uint32_t h, mark;
    int rc;

    if ( tmem_atomic_read(&c->save_reset) )
    {
        tmem_save_restart(c);
        return TMEM_ENGINE_SAVE_RESET;
    }
    while ( c->save_pool < TMEM_ENGINE_MAX_POOLS_PER_CLIENT )
    {
        pool = tmem_pool_live(c, c->save_pool);
        if ( !pool || !pool->persistent ||
             c->save_list >= TMEM_POOL_LOCKS )
        {
            c->save_pool++;
            c->save_list = 0;
            continue;
        }
        lk = &pool->obj_locks[c->save_list];
        tmem_spin_lock(lk);
        /*
         * Invalidations first: one queued before this lock was taken may
         * be for an older copy at the key of the page about to go.
         */
        if ( tmem_save_pop_inv(c, ctl) )
        {
            tmem_spin_unlock(lk);
            return TMEM_ENGINE_SAVE_INV;
        }
        mark = pool->plist_mark[c->save_list];
        h = mark ? tmem_pgd_ptr(mark)->next : pool->plist_head[c->save_list];
        if ( !h )
        {
            tmem_spin_unlock(lk);
            c->save_list++;
            continue;
        }
        p = tmem_pgd_ptr(h);
        rc = tmem_pgd_read(p, &x);
        if ( rc )
        {
            tmem_spin_unlock(lk);
            return rc;
        }
        p->obj |= TMEM_PGD_SENT;
        pool->plist_mark[c->save_list] = h;
        obj = tmem_obj_ptr(p->obj & TMEM_PGD_OBJ_MASK);
        ctl->out_pool_id = (int32_t)c->save_pool;
        ctl->out_oid[0] = obj->oid[0];
        ctl->out_oid[1] = obj->oid[1];
        ctl->out_oid[2] = obj->oid[2];
        ctl->out_index = p->index;
        tmem_spin_unlock(lk);
        return TMEM_ENGINE_SAVE_PAGE;
    }
    /* End of the round; the next call starts the next one. */
    if ( tmem_save_pop_inv(c, ctl) )
        return TMEM_ENGINE_SAVE_INV;
    c->save_pool = 0;
    c->save_list = 0;
    return TMEM_ENGINE_SAVE_END_OF_ROUND;
}

/* The session's token must come with every call after SAVE_BEGIN. */
static long tmem_save_enter(struct tmem_client *c, uint32_t token)
{
    long saving = tmem_atomic_read(&c->saving);

    if ( !saving )
        return -TMEM_EINVAL;
    if ( (uint32_t)saving != token || !tmem_spin_trylock(&c->save_lock) )
        return -TMEM_EBUSY;
    /* Ended (or taken over) between the check and the lock? */
    if ( tmem_atomic_read(&c->saving) != saving )
    {
        tmem_spin_unlock(&c->save_lock);
        return -TMEM_EBUSY;
    }
    return 0;
}

long tmem_save_next(struct tmem_client *c, struct tmem_engine_ctl *ctl)
{
    long rc;

    if ( !ctl->buf || ctl->buf_len < TMEM_PAGE_SIZE )
        return -TMEM_EINVAL;
    rc = tmem_save_enter(c, ctl->arg);
    if ( rc )
        return rc;
    rc = tmem_save_next_locked(c, ctl);
    tmem_spin_unlock(&c->save_lock);
    return rc;
}

/* The historic SAVE_GET_NEXT_INV: only the queued invalidations. */
long tmem_save_next_inv(struct tmem_client *c,
                        struct tmem_engine_ctl *ctl)
{
    long rc = tmem_save_enter(c, ctl->arg);

    if ( rc )
        return rc;
    rc = tmem_save_pop_inv(c, ctl) ? 1 : 0;
    tmem_spin_unlock(&c->save_lock);
    return rc;
}

long tmem_save_end(struct tmem_client *c, uint32_t token)
{
    long saving = tmem_atomic_read(&c->saving);

    if ( !saving )
        return 0;
    if ( token && (uint32_t)saving != token )
        return -TMEM_EBUSY;
    if ( !tmem_spin_trylock(&c->save_lock) )
        return -TMEM_EBUSY;
    tmem_atomic_set(&c->saving, 0);
    tmem_client_drop_invs(c);
    if ( !c->save_live )
        tmem_atomic_set(&c->frozen, c->was_frozen);
    tmem_spin_unlock(&c->save_lock);
    return 0;
}
