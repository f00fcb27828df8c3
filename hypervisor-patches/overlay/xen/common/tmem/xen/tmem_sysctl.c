/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_sysctl.c: XEN_SYSCTL_tmem_op, the toolstack's control of tmem.
 * Checks the caller (XSM) and the domain an operation names, bounces
 * buffers between the toolstack and the engine and converts the sysctl's
 * pool flags and records; the save and restore operations are in
 * tmem_sysctl_save.c.
 */

#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/tmem.h>
#include <xen/vmap.h>
#include <xen/xmalloc.h>
#include <xsm/xsm.h>
#include <public/sysctl.h>
#include <public/tmem.h>

#include "tmem_engine.h"
#include "tmem_xen.h"

/* Largest LIST text handed back in one call. */
#define TMEM_LIST_MAX       (1U << 20)

long tmem_xen_control(struct tmem_engine_ctl *ctl)
{
    long rc;

    tmem_enter_engine();
    rc = tmem_engine_control(ctl);
    tmem_leave_engine_as(TMEM_ENGINE_CALL_CONTROL, ctl->cmd);

    return rc;
}

/*
 * Operations that may create tmem state for a domain run with its
 * domain_lock held after checking that it is not dying: domain_kill() sets
 * is_dying and then waits for domain_lock before tearing the client down,
 * so no state can be left behind for a dead domain.
 */
long tmem_xen_control_locked(struct tmem_engine_ctl *ctl)
{
    struct domain *d = rcu_lock_domain_by_id(ctl->cli_id);
    long rc;

    if ( !d )
        return -ESRCH;

    spin_lock(&d->domain_lock);
    rc = d->is_dying ? -ESRCH : tmem_xen_control(ctl);
    spin_unlock(&d->domain_lock);

    rcu_unlock_domain(d);

    return rc;
}

/* cli_id must name an existing domain. */
int tmem_xen_check_domain(uint32_t cli_id)
{
    struct domain *d;

    if ( cli_id >= DOMID_FIRST_RESERVED )
        return -EINVAL;

    d = rcu_lock_domain_by_id(cli_id);
    if ( !d )
        return -ESRCH;
    rcu_unlock_domain(d);

    return 0;
}

/* cli_id must be an existing domain or "all clients". */
static int check_client_or_all(uint32_t cli_id)
{
    if ( cli_id == XEN_SYSCTL_TMEM_OP_ALL_CLIENTS )
        return 0;

    return tmem_xen_check_domain(cli_id);
}

static uint32_t pool_flags_to_sysctl(uint32_t eflags)
{
    uint32_t flags = 0;

    if ( eflags & TMEM_ENGINE_POOL_PERSIST )
        flags |= XEN_TMEM_POOL_F_PERSIST;
    if ( eflags & TMEM_ENGINE_POOL_SHARED )
        flags |= XEN_TMEM_POOL_F_SHARED;
    flags |= ((eflags >> TMEM_ENGINE_POOL_PAGESIZE_SHIFT) &
              TMEM_ENGINE_POOL_PAGESIZE_MASK) << XEN_TMEM_POOL_F_PAGEBITS_SHIFT;
    flags |= ((eflags >> TMEM_ENGINE_POOL_VERSION_SHIFT) &
              TMEM_ENGINE_POOL_VERSION_MASK) << XEN_TMEM_POOL_F_VERSION_SHIFT;

    return flags;
}

static uint32_t pool_flags_from_sysctl(uint32_t flags)
{
    uint32_t eflags = 0;

    if ( flags & XEN_TMEM_POOL_F_PERSIST )
        eflags |= TMEM_ENGINE_POOL_PERSIST;
    if ( flags & XEN_TMEM_POOL_F_SHARED )
        eflags |= TMEM_ENGINE_POOL_SHARED;
    eflags |= ((flags >> XEN_TMEM_POOL_F_PAGEBITS_SHIFT) &
               TMEM_ENGINE_POOL_PAGESIZE_MASK) <<
              TMEM_ENGINE_POOL_PAGESIZE_SHIFT;
    eflags |= ((flags >> XEN_TMEM_POOL_F_VERSION_SHIFT) &
               TMEM_ENGINE_POOL_VERSION_MASK) << TMEM_ENGINE_POOL_VERSION_SHIFT;

    return eflags;
}

/* The pools of one client, as the engine reports them. */
static long get_engine_pools(uint32_t cli_id,
                             struct tmem_engine_pool_info *pools)
{
    struct tmem_engine_ctl ctl = {
        .cmd = TMEM_ENGINE_CTL_GET_POOLS,
        .cli_id = cli_id,
        .buf = pools,
        .buf_len = sizeof(*pools) * TMEM_ENGINE_MAX_POOLS_PER_CLIENT,
    };

    return tmem_xen_control(&ctl);
}

static long sysctl_list(const struct xen_sysctl_tmem_op *op)
{
    struct tmem_engine_ctl ctl = {
        .cmd = TMEM_ENGINE_CTL_LIST,
        .cli_id = op->cli_id,
        .arg = op->arg,
    };
    uint32_t len = min(op->len, TMEM_LIST_MAX);
    char *text;
    long rc;

    if ( !len || guest_handle_is_null(op->u.buf) )
        return -EINVAL;

    rc = check_client_or_all(op->cli_id);
    if ( rc )
        return rc;

    text = vzalloc(len);
    if ( !text )
        return -ENOMEM;

    ctl.buf = text;
    ctl.buf_len = len;
    rc = tmem_xen_control(&ctl);
    if ( rc >= 0 )
    {
        /* The engine NUL-terminates within len; don't trust it blindly. */
        uint32_t n = min_t(uint32_t, rc, len - 1);

        text[n] = '\0';
        if ( copy_to_guest(op->u.buf, text, n + 1) )
            rc = -EFAULT;
        else
            rc = n;
    }

    vfree(text);

    return rc;
}

static long sysctl_get_client_info(const struct xen_sysctl_tmem_op *op)
{
    struct tmem_engine_ctl ctl = {
        .cmd = TMEM_ENGINE_CTL_GET_CLIENT_INFO,
        .cli_id = op->cli_id,
    };
    struct tmem_engine_pool_info pools[TMEM_ENGINE_MAX_POOLS_PER_CLIENT];
    xen_tmem_client_t info = {
        .version = TMEM_SPEC_VERSION,
        .maxpools = TMEM_ENGINE_MAX_POOLS_PER_CLIENT,
    };
    long rc;

    if ( op->len < sizeof(info) || guest_handle_is_null(op->u.client) )
        return -EINVAL;

    rc = tmem_xen_check_domain(op->cli_id);
    if ( rc )
        return rc;

    rc = tmem_xen_control(&ctl);
    if ( rc < 0 )
        return rc;

    info.weight = ctl.weight;
    if ( ctl.flags & TMEM_ENGINE_CLIENT_FROZEN )
        info.flags |= XEN_TMEM_CLIENT_F_FROZEN;
    if ( ctl.flags & TMEM_ENGINE_CLIENT_COMPRESS )
        info.flags |= XEN_TMEM_CLIENT_F_COMPRESS;

    rc = get_engine_pools(op->cli_id, pools);
    if ( rc < 0 )
        return rc;
    info.nr_pools = rc;

    if ( copy_to_guest(op->u.client, &info, 1) )
        return -EFAULT;

    return 0;
}

/*
 * Weight and compression of one client.  The engine's SET_CLIENT_INFO
 * changes nothing else, so the client's frozen state is kept.
 */
static long set_client_info(uint32_t cli_id, const xen_tmem_client_t *info)
{
    struct tmem_engine_ctl ctl = {
        .cmd = TMEM_ENGINE_CTL_SET_CLIENT_INFO,
        .cli_id = cli_id,
        .weight = info->weight,
        .flags = (info->flags & XEN_TMEM_CLIENT_F_COMPRESS)
                 ? TMEM_ENGINE_CLIENT_COMPRESS : 0,
    };

    /* Every client: the engine walks its own, and creates none. */
    if ( cli_id == XEN_SYSCTL_TMEM_OP_ALL_CLIENTS )
        return tmem_xen_control(&ctl);

    return tmem_xen_control_locked(&ctl);
}

static long sysctl_set_client_info(const struct xen_sysctl_tmem_op *op)
{
    xen_tmem_client_t info;
    long rc;

    if ( op->len < sizeof(info) || guest_handle_is_null(op->u.client) )
        return -EINVAL;

    if ( copy_from_guest(&info, op->u.client, 1) )
        return -EFAULT;

    if ( info.version != TMEM_SPEC_VERSION )
        return -EOPNOTSUPP;
    if ( info.maxpools > TMEM_ENGINE_MAX_POOLS_PER_CLIENT )
        return -ERANGE;
    if ( info.flags & ~(XEN_TMEM_CLIENT_F_FROZEN | XEN_TMEM_CLIENT_F_COMPRESS |
                        XEN_TMEM_CLIENT_F_MIGRATING) )
        return -EINVAL;

    /* For all clients the engine goes over its own: no domain walk here. */
    rc = check_client_or_all(op->cli_id);

    return rc ?: set_client_info(op->cli_id, &info);
}

static long sysctl_get_pools(const struct xen_sysctl_tmem_op *op)
{
    struct tmem_engine_pool_info pools[TMEM_ENGINE_MAX_POOLS_PER_CLIENT];
    unsigned int nr = op->len / sizeof(xen_tmem_pool_info_t), i;
    long rc;

    if ( op->len % sizeof(xen_tmem_pool_info_t) )
        return -EINVAL;
    if ( nr > TMEM_ENGINE_MAX_POOLS_PER_CLIENT )
        return -E2BIG;
    if ( nr && guest_handle_is_null(op->u.pool) )
        return -EINVAL;

    rc = tmem_xen_check_domain(op->cli_id);
    if ( rc )
        return rc;

    rc = get_engine_pools(op->cli_id, pools);
    if ( rc < 0 )
        return rc;

    for ( i = 0; i < rc && i < nr; i++ )
    {
        xen_tmem_pool_info_t out = {
            .flags = pool_flags_to_sysctl(pools[i].flags),
            .id = pools[i].pool_id,
            .n_pages = pools[i].n_pages,
            .uuid = { pools[i].uuid[0], pools[i].uuid[1] },
        };

        if ( copy_to_guest_offset(op->u.pool, i, &out, 1) )
            return -EFAULT;
    }

    return i;
}

/*
 * The number of xen_tmem_pool_info_t records in op's buffer: at least one,
 * at most max, and the buffer exactly that long; else -EINVAL or -E2BIG.
 */
static long pool_info_records(const struct xen_sysctl_tmem_op *op,
                              unsigned int max)
{
    unsigned int nr = op->len / sizeof(xen_tmem_pool_info_t);

    if ( !nr || op->len % sizeof(xen_tmem_pool_info_t) ||
         guest_handle_is_null(op->u.pool) )
        return -EINVAL;
    if ( nr > max )
        return -E2BIG;

    return nr;
}

static long sysctl_set_pools(const struct xen_sysctl_tmem_op *op)
{
    struct tmem_engine_pool_info pools[TMEM_ENGINE_MAX_POOLS_PER_CLIENT];
    struct tmem_engine_ctl ctl = {
        .cmd = TMEM_ENGINE_CTL_SET_POOLS,
        .cli_id = op->cli_id,
        .buf = pools,
    };
    long nr = pool_info_records(op, TMEM_ENGINE_MAX_POOLS_PER_CLIENT), rc;
    unsigned int i;

    if ( nr < 0 )
        return nr;

    rc = tmem_xen_check_domain(op->cli_id);
    if ( rc )
        return rc;

    for ( i = 0; i < nr; i++ )
    {
        xen_tmem_pool_info_t in;

        if ( copy_from_guest_offset(&in, op->u.pool, i, 1) )
            return -EFAULT;
        pools[i] = (struct tmem_engine_pool_info){
            .pool_id = in.id,
            .flags = pool_flags_from_sysctl(in.flags),
            .uuid = { in.uuid[0], in.uuid[1] },
        };
    }
    ctl.buf_len = nr * sizeof(pools[0]);

    return tmem_xen_control_locked(&ctl);
}

static long set_auth(uint32_t cli_id, const xen_tmem_pool_info_t *in)
{
    struct tmem_engine_ctl ctl = {
        .cmd = TMEM_ENGINE_CTL_SET_AUTH,
        .cli_id = cli_id,
        .uuid = { in->uuid[0], in->uuid[1] },
        .arg = !!(in->flags & XEN_TMEM_POOL_F_AUTH),
    };

    return tmem_xen_control_locked(&ctl);
}

/* The shared-pool UUIDs a client is authorised for, as SET_AUTH takes them. */
static long sysctl_get_auth(const struct xen_sysctl_tmem_op *op)
{
    uint64_t uuids[TMEM_ENGINE_MAX_SHARED_POOLS][2];
    struct tmem_engine_ctl ctl = {
        .cmd = TMEM_ENGINE_CTL_GET_AUTH,
        .cli_id = op->cli_id,
        .buf = uuids,
    };
    unsigned int nr = op->len / sizeof(xen_tmem_pool_info_t), i;
    long rc;

    if ( op->len % sizeof(xen_tmem_pool_info_t) )
        return -EINVAL;
    if ( nr && guest_handle_is_null(op->u.pool) )
        return -EINVAL;
    nr = min(nr, (unsigned int)TMEM_ENGINE_MAX_SHARED_POOLS);
    ctl.buf_len = nr * sizeof(uuids[0]);

    rc = tmem_xen_check_domain(op->cli_id);
    if ( rc )
        return rc;

    rc = tmem_xen_control(&ctl);
    /* No more records than op's buffer holds, whatever the engine says. */
    if ( rc > (long)nr )
        rc = nr;
    for ( i = 0; i < rc; i++ )
    {
        xen_tmem_pool_info_t out = {
            .flags = XEN_TMEM_POOL_F_AUTH,
            .uuid = { uuids[i][0], uuids[i][1] },
        };

        if ( copy_to_guest_offset(op->u.pool, i, &out, 1) )
            return -EFAULT;
    }

    return rc;
}

/*
 * Authorise (or stop authorising) shared pools by UUID for one domain, or
 * for every existing domain with XEN_SYSCTL_TMEM_OP_ALL_CLIENTS.  A domain
 * that never used tmem becomes a client, so that the authorisation is in
 * place before it creates the pool: this walks Xen's domains, which only
 * the glue knows, where every other "all clients" operation walks the
 * engine's clients inside the engine.
 */
static long sysctl_set_auth(const struct xen_sysctl_tmem_op *op)
{
    long nr = pool_info_records(op, TMEM_ENGINE_MAX_SHARED_POOLS), rc;
    unsigned int i;

    if ( nr < 0 )
        return nr;

    rc = check_client_or_all(op->cli_id);
    if ( rc )
        return rc;

    for ( i = 0; i < nr; i++ )
    {
        xen_tmem_pool_info_t in;
        struct domain *d;

        if ( copy_from_guest_offset(&in, op->u.pool, i, 1) )
            return -EFAULT;

        if ( op->cli_id != XEN_SYSCTL_TMEM_OP_ALL_CLIENTS )
        {
            rc = set_auth(op->cli_id, &in);
            if ( rc < 0 )
                return rc;
            continue;
        }

        rcu_read_lock(&domlist_read_lock);
        for_each_domain ( d )
        {
            rc = set_auth(d->domain_id, &in);
            /* A domain dying meanwhile does not matter. */
            if ( rc < 0 && rc != -ESRCH )
                break;
            rc = 0;
        }
        rcu_read_unlock(&domlist_read_lock);
        if ( rc < 0 )
            return rc;
    }

    return nr;
}

long tmem_sysctl(struct xen_sysctl_tmem_op *op)
{
    struct tmem_engine_ctl ctl = {
        .cmd = op->cmd,
        .cli_id = op->cli_id,
        .arg = op->arg,
    };
    long rc;

    BUILD_BUG_ON(sizeof(struct xen_sysctl_tmem_op) != 56);
    BUILD_BUG_ON(offsetof(struct xen_sysctl_tmem_op, cli_id) != 8);
    BUILD_BUG_ON(offsetof(struct xen_sysctl_tmem_op, len) != 12);
    BUILD_BUG_ON(offsetof(struct xen_sysctl_tmem_op, arg) != 16);
    BUILD_BUG_ON(offsetof(struct xen_sysctl_tmem_op, pad) != 20);
    BUILD_BUG_ON(offsetof(struct xen_sysctl_tmem_op, oid) != 24);
    BUILD_BUG_ON(offsetof(struct xen_sysctl_tmem_op, u) != 48);
    BUILD_BUG_ON(sizeof(xen_tmem_client_t) != 20);
    BUILD_BUG_ON(sizeof(xen_tmem_pool_info_t) != 32);
    BUILD_BUG_ON(sizeof(xen_tmem_handle_t) != 32);
    BUILD_BUG_ON(XEN_SYSCTL_TMEM_OP_ALL_CLIENTS != TMEM_ENGINE_CLI_ID_ALL);
    BUILD_BUG_ON(XEN_SYSCTL_TMEM_OP_SET_META_LIMIT !=
                 TMEM_ENGINE_CTL_SET_META_LIMIT);
    BUILD_BUG_ON(XEN_SYSCTL_TMEM_OP_GET_META_LIMIT !=
                 TMEM_ENGINE_CTL_GET_META_LIMIT);

    if ( !tmem_enabled() )
        return -ENOSYS;

    rc = xsm_tmem_control(XSM_PRIV);
    if ( rc )
        return rc;

    if ( op->pad )
        return -EINVAL;

    switch ( op->cmd )
    {
    case XEN_SYSCTL_TMEM_OP_THAW:
    case XEN_SYSCTL_TMEM_OP_FREEZE:
    case XEN_SYSCTL_TMEM_OP_DESTROY:
    case XEN_SYSCTL_TMEM_OP_FLUSH:
    case XEN_SYSCTL_TMEM_OP_SET_META_LIMIT:
        rc = check_client_or_all(op->cli_id);
        return rc ?: tmem_xen_control(&ctl);

    case XEN_SYSCTL_TMEM_OP_LIST:
        return sysctl_list(op);

    case XEN_SYSCTL_TMEM_OP_GET_CLIENT_INFO:
        return sysctl_get_client_info(op);

    case XEN_SYSCTL_TMEM_OP_SET_CLIENT_INFO:
        return sysctl_set_client_info(op);

    case XEN_SYSCTL_TMEM_OP_GET_POOLS:
        return sysctl_get_pools(op);

    case XEN_SYSCTL_TMEM_OP_SET_POOLS:
        return sysctl_set_pools(op);

    case XEN_SYSCTL_TMEM_OP_QUERY_FREEABLE_MB:
        return tmem_xen_control(&ctl);

    case XEN_SYSCTL_TMEM_OP_SET_AUTH:
        return sysctl_set_auth(op);

    case XEN_SYSCTL_TMEM_OP_GET_AUTH:
        return sysctl_get_auth(op);

    case XEN_SYSCTL_TMEM_OP_SAVE_BEGIN:
        return tmem_sysctl_save_begin(op);

    case XEN_SYSCTL_TMEM_OP_SAVE_GET_NEXT_PAGE:
    case XEN_SYSCTL_TMEM_OP_SAVE_GET_NEXT_INV:
        return tmem_sysctl_save_get_next(op);

    case XEN_SYSCTL_TMEM_OP_SAVE_END:
    case XEN_SYSCTL_TMEM_OP_GET_META_LIMIT:
        rc = tmem_xen_check_domain(op->cli_id);
        return rc ?: tmem_xen_control(&ctl);

    case XEN_SYSCTL_TMEM_OP_RESTORE_BEGIN:
        rc = tmem_xen_check_domain(op->cli_id);
        return rc ?: tmem_xen_control_locked(&ctl);

    case XEN_SYSCTL_TMEM_OP_RESTORE_PUT_PAGE:
    case XEN_SYSCTL_TMEM_OP_RESTORE_FLUSH_PAGE:
        return tmem_sysctl_restore_page(op);

    case XEN_SYSCTL_TMEM_OP_SAVE_GET_NEXT_BATCH:
        return tmem_sysctl_save_get_batch(op);

    case XEN_SYSCTL_TMEM_OP_RESTORE_BATCH:
        return tmem_sysctl_restore_batch(op);
    }

    return -EOPNOTSUPP;
}

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
