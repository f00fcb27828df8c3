/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_xen.c: transcendent memory glue for Xen.
 *
 * - boot options "tmem" and "tmem_compress", engine initialisation;
 * - hypercall 38 (do_tmem_op() for 64-bit callers, compat_tmem_op() for
 *   32-bit ones): copy the guest's struct tmem_op, decode it, call the
 *   engine;
 * - XEN_SYSCTL_tmem_op: decode, bounce buffers between the toolstack and
 *   the engine;
 * - the page allocator's reclaim hooks and domain destruction.
 */

#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/init.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/tmem.h>
#include <xen/vmap.h>
#include <xen/xmalloc.h>
#include <xsm/xsm.h>
#include <public/sysctl.h>
#include <public/tmem.h>
#ifdef CONFIG_COMPAT
#include <compat/tmem.h>
#endif

#include "tmem_engine.h"
#include "tmem_xen.h"

static bool __initdata opt_tmem;
boolean_param("tmem", opt_tmem);

static bool __initdata opt_tmem_compress;
boolean_param("tmem_compress", opt_tmem_compress);

/* Each new client's metadata limit, in bytes (0: the engine's default). */
static uint64_t __initdata opt_tmem_meta_limit;
size_param("tmem_meta_limit", opt_tmem_meta_limit);

/* Below this a client could not hold even its pools' hash tables. */
#define TMEM_META_LIMIT_MIN (1UL << 20)

static bool __read_mostly tmem_on;

unsigned long __read_mostly tmem_heap_reserve;

DEFINE_PER_CPU(unsigned int, tmem_in_engine);
DEFINE_PER_CPU(s_time_t, tmem_entered_at);

/* Largest LIST text handed back in one call. */
#define TMEM_LIST_MAX       (1U << 20)

/* Pages evicted per reclaim request at least, to amortise the calls. */
#define TMEM_RECLAIM_BATCH  32UL

bool tmem_enabled(void)
{
    return tmem_on;
}

static int __init cf_check tmem_xen_init(void)
{
    int rc;

    if ( !opt_tmem )
        return 0;

    tmem_engine_enabled = true;
    tmem_engine_compress_default = opt_tmem_compress;
    if ( opt_tmem_meta_limit )
        tmem_engine_meta_limit = max_t(uint64_t, opt_tmem_meta_limit,
                                       TMEM_META_LIMIT_MIN);

    rc = tmem_engine_init();
    if ( rc )
    {
        printk(XENLOG_ERR "tmem: initialisation failed (%d), tmem disabled\n",
               rc);
        tmem_engine_enabled = false;
        return 0;
    }

    /* 1/128 of memory, between 4 MiB and 256 MiB. */
    tmem_heap_reserve = min(max(total_pages / 128, 1024UL), 65536UL);

    tmem_on = true;
    printk(XENLOG_INFO "tmem: enabled, compression %s by default, "
           "reserve %lu KiB, metadata limit %lu KiB a client\n",
           opt_tmem_compress ? "on" : "off",
           tmem_heap_reserve << (PAGE_SHIFT - 10),
           tmem_engine_meta_limit >> 10);

    return 0;
}
__initcall(tmem_xen_init);

/* ------------------------------------------------------------------ */
/* Hypercall 38                                                        */
/* ------------------------------------------------------------------ */

/*
 * The engine's "call again" (a teardown not done in one bounded step)
 * becomes a continuation of the guest's hypercall, uops unchanged.
 */
static long tmem_guest_call(const struct tmem_engine_op *eop,
                            XEN_GUEST_HANDLE_PARAM(void) uops)
{
    struct domain *currd = current->domain;
    struct tmem_env_caller caller = { .d = currd };
    long rc;

    BUILD_BUG_ON(TMEM_ERESTART != ERESTART);

    if ( currd->is_dying )
        return -ENODEV;

    tmem_enter_engine();
    rc = tmem_engine_guest_op(&caller, currd->domain_id, eop);
    tmem_leave_engine_as(TMEM_ENGINE_CALL_GUEST, eop->cmd);

    if ( rc == -ERESTART )
        rc = hypercall_create_continuation(__HYPERVISOR_tmem_op, "h", uops);

    return rc;
}

static int tmem_op_allowed(void)
{
    if ( !tmem_on )
        return -ENOSYS;

    return xsm_tmem_op(XSM_HOOK);
}

long do_tmem_op(XEN_GUEST_HANDLE_PARAM(void) uops)
{
    struct tmem_op op;
    struct tmem_engine_op eop = {};
    int rc = tmem_op_allowed();

    BUILD_BUG_ON(sizeof(struct tmem_op) != 56);
    BUILD_BUG_ON(offsetof(struct tmem_op, u.gen.cmfn) != 48);

    if ( rc )
        return rc;

    if ( copy_from_guest(&op, uops, 1) )
        return -EFAULT;

    TMEM_ENGINE_DECODE_OP(&eop, &op);

    return tmem_guest_call(&eop, uops);
}

#ifdef CONFIG_COMPAT
/*
 * 32-bit callers: xen_pfn_t is 32 bits wide and 64-bit members are only
 * 4-byte aligned, so the structure is 52 bytes with cmfn at offset 48.
 */
int compat_tmem_op(XEN_GUEST_HANDLE_PARAM(void) uops)
{
    struct compat_tmem_op op;
    struct tmem_engine_op eop = {};
    int rc = tmem_op_allowed();

    BUILD_BUG_ON(sizeof(struct compat_tmem_op) != 52);
    BUILD_BUG_ON(offsetof(struct compat_tmem_op, u.gen.cmfn) != 48);
    BUILD_BUG_ON(sizeof(op.u.gen.cmfn) != 4);

    if ( rc )
        return rc;

    if ( copy_from_guest(&op, uops, 1) )
        return -EFAULT;

    TMEM_ENGINE_DECODE_OP(&eop, &op);

    return tmem_guest_call(&eop, uops);
}
#endif /* CONFIG_COMPAT */

/* ------------------------------------------------------------------ */
/* XEN_SYSCTL_tmem_op                                                  */
/* ------------------------------------------------------------------ */

static long engine_control(struct tmem_engine_ctl *ctl)
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
static long engine_control_locked(struct tmem_engine_ctl *ctl)
{
    struct domain *d = rcu_lock_domain_by_id(ctl->cli_id);
    long rc;

    if ( !d )
        return -ESRCH;

    spin_lock(&d->domain_lock);
    rc = d->is_dying ? -ESRCH : engine_control(ctl);
    spin_unlock(&d->domain_lock);

    rcu_unlock_domain(d);

    return rc;
}

/* cli_id must name an existing domain. */
static int check_domain(uint32_t cli_id)
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
    return cli_id == XEN_SYSCTL_TMEM_OP_ALL_CLIENTS ? 0 : check_domain(cli_id);
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

    return engine_control(&ctl);
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
    rc = engine_control(&ctl);
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

    rc = check_domain(op->cli_id);
    if ( rc )
        return rc;

    rc = engine_control(&ctl);
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
        return engine_control(&ctl);

    return engine_control_locked(&ctl);
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

    rc = check_domain(op->cli_id);
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

    rc = check_domain(op->cli_id);
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

    return engine_control_locked(&ctl);
}

static long set_auth(uint32_t cli_id, const xen_tmem_pool_info_t *in)
{
    struct tmem_engine_ctl ctl = {
        .cmd = TMEM_ENGINE_CTL_SET_AUTH,
        .cli_id = cli_id,
        .uuid = { in->uuid[0], in->uuid[1] },
        .arg = !!(in->flags & XEN_TMEM_POOL_F_AUTH),
    };

    return engine_control_locked(&ctl);
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

    rc = check_domain(op->cli_id);
    if ( rc )
        return rc;

    rc = engine_control(&ctl);
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

static long sysctl_save_begin(const struct xen_sysctl_tmem_op *op)
{
    struct tmem_engine_ctl ctl = {
        .cmd = TMEM_ENGINE_CTL_SAVE_BEGIN,
        .cli_id = op->cli_id,
        .arg = op->arg,
    };
    long rc = check_domain(op->cli_id);

    if ( rc )
        return rc;

    /* The session's token (> 0), which every later call passes in arg. */
    return engine_control(&ctl);
}

static long sysctl_save_get_next(const struct xen_sysctl_tmem_op *op)
{
    bool with_page = op->cmd == XEN_SYSCTL_TMEM_OP_SAVE_GET_NEXT_PAGE;
    struct tmem_engine_ctl ctl = {
        .cmd = with_page ? TMEM_ENGINE_CTL_SAVE_GET_NEXT_PAGE
                         : TMEM_ENGINE_CTL_SAVE_GET_NEXT_INV,
        .cli_id = op->cli_id,
        .arg = op->arg,
    };
    xen_tmem_handle_t h = {};
    void *page = NULL;
    long rc;

    if ( op->len < sizeof(h) + (with_page ? PAGE_SIZE : 0) ||
         guest_handle_is_null(op->u.buf) )
        return -EINVAL;

    rc = check_domain(op->cli_id);
    if ( rc )
        return rc;

    if ( with_page )
    {
        page = xmalloc_bytes(PAGE_SIZE);
        if ( !page )
            return -ENOMEM;
        ctl.buf = page;
        ctl.buf_len = PAGE_SIZE;
    }

    rc = engine_control(&ctl);
    if ( rc > 0 )
    {
        h.pool_id = ctl.out_pool_id;
        h.index = ctl.out_index;
        h.oid[0] = ctl.out_oid[0];
        h.oid[1] = ctl.out_oid[1];
        h.oid[2] = ctl.out_oid[2];

        if ( copy_to_guest(guest_handle_cast(op->u.buf, void), &h, 1) ||
             (page && rc == TMEM_ENGINE_SAVE_PAGE &&
              copy_to_guest_offset(op->u.buf, sizeof(h), page, PAGE_SIZE)) )
            rc = -EFAULT;
    }

    xfree(page);

    return rc;
}

static long sysctl_restore_page(const struct xen_sysctl_tmem_op *op)
{
    bool put = op->cmd == XEN_SYSCTL_TMEM_OP_RESTORE_PUT_PAGE;
    struct tmem_engine_ctl ctl = {
        .cmd = put ? TMEM_ENGINE_CTL_RESTORE_PUT_PAGE
                   : TMEM_ENGINE_CTL_RESTORE_FLUSH_PAGE,
        .cli_id = op->cli_id,
        .pool_id = op->pool_id,
        .oid = { op->oid[0], op->oid[1], op->oid[2] },
        .index = op->arg,
    };
    void *page = NULL;
    long rc;

    if ( put && (op->len < PAGE_SIZE || guest_handle_is_null(op->u.buf)) )
        return -EINVAL;

    rc = check_domain(op->cli_id);
    if ( rc )
        return rc;

    if ( put )
    {
        page = xmalloc_bytes(PAGE_SIZE);
        if ( !page )
            return -ENOMEM;
        if ( copy_from_guest(page, guest_handle_cast(op->u.buf, void),
                             PAGE_SIZE) )
        {
            xfree(page);
            return -EFAULT;
        }
        ctl.buf = page;
        ctl.buf_len = PAGE_SIZE;
    }

    rc = engine_control_locked(&ctl);

    xfree(page);

    return rc;
}

/*
 * Up to XEN_SYSCTL_TMEM_BATCH_MAX save items per call: bounded work, and a
 * stream pays one hypercall per batch rather than per page.
 */
static long sysctl_save_get_batch(const struct xen_sysctl_tmem_op *op)
{
    unsigned int n = op->len / (sizeof(xen_tmem_item_t) + PAGE_SIZE), i;
    struct tmem_engine_ctl ctl = {
        .cmd = TMEM_ENGINE_CTL_SAVE_GET_NEXT_PAGE,
        .cli_id = op->cli_id,
        .arg = op->arg,
    };
    void *page;
    long rc;

    if ( !n || guest_handle_is_null(op->u.buf) )
        return -EINVAL;
    n = min(n, (unsigned int)XEN_SYSCTL_TMEM_BATCH_MAX);

    rc = check_domain(op->cli_id);
    if ( rc )
        return rc;

    page = xmalloc_bytes(PAGE_SIZE);
    if ( !page )
        return -ENOMEM;
    ctl.buf = page;
    ctl.buf_len = PAGE_SIZE;

    for ( i = 0; i < n; i++ )
    {
        xen_tmem_item_t it = {};

        rc = engine_control(&ctl);
        if ( rc < 0 )
            break;

        it.kind = rc;
        it.pool_id = ctl.out_pool_id;
        it.index = ctl.out_index;
        it.oid[0] = ctl.out_oid[0];
        it.oid[1] = ctl.out_oid[1];
        it.oid[2] = ctl.out_oid[2];
        /* The item left the engine: a fault loses it, so fail the stream. */
        if ( copy_to_guest_offset(op->u.buf, i * sizeof(it), (void *)&it,
                                  sizeof(it)) ||
             (rc == TMEM_ENGINE_SAVE_PAGE &&
              copy_to_guest_offset(op->u.buf,
                                   n * sizeof(it) + i * PAGE_SIZE, page,
                                   PAGE_SIZE)) )
        {
            xfree(page);
            return -EFAULT;
        }
        if ( rc == TMEM_ENGINE_SAVE_END_OF_ROUND ||
             rc == TMEM_ENGINE_SAVE_RESET )
        {
            i++;
            break;
        }
    }

    xfree(page);

    /* An engine error with items already handed out shows on the next call. */
    return i ? (long)i : rc;
}

static long sysctl_restore_batch(const struct xen_sysctl_tmem_op *op)
{
    unsigned int n = op->arg, i;
    struct tmem_engine_ctl ctl = { .cli_id = op->cli_id };
    void *page;
    long rc;

    if ( !n || n > XEN_SYSCTL_TMEM_BATCH_MAX ||
         op->len < n * (sizeof(xen_tmem_item_t) + PAGE_SIZE) ||
         guest_handle_is_null(op->u.buf) )
        return -EINVAL;

    rc = check_domain(op->cli_id);
    if ( rc )
        return rc;

    page = xmalloc_bytes(PAGE_SIZE);
    if ( !page )
        return -ENOMEM;

    for ( i = 0; i < n; i++ )
    {
        xen_tmem_item_t it;

        rc = -EFAULT;
        if ( copy_from_guest_offset((void *)&it, op->u.buf, i * sizeof(it),
                                    sizeof(it)) )
            break;

        rc = -EINVAL;
        if ( it.pad )
            break;
        if ( it.kind == XEN_SYSCTL_TMEM_SAVE_PAGE )
        {
            rc = -EFAULT;
            if ( copy_from_guest_offset(page, op->u.buf,
                                        n * sizeof(it) + i * PAGE_SIZE,
                                        PAGE_SIZE) )
                break;
            ctl.cmd = TMEM_ENGINE_CTL_RESTORE_PUT_PAGE;
            ctl.buf = page;
            ctl.buf_len = PAGE_SIZE;
        }
        else if ( it.kind == XEN_SYSCTL_TMEM_SAVE_INV )
        {
            ctl.cmd = TMEM_ENGINE_CTL_RESTORE_FLUSH_PAGE;
            ctl.buf = NULL;
            ctl.buf_len = 0;
        }
        else
            break;

        ctl.pool_id = it.pool_id;
        ctl.oid[0] = it.oid[0];
        ctl.oid[1] = it.oid[1];
        ctl.oid[2] = it.oid[2];
        ctl.index = it.index;
        rc = engine_control_locked(&ctl);
        if ( rc < 0 )
            break;
    }

    xfree(page);

    return i == n ? (long)n : rc;
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

    if ( !tmem_on )
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
        return rc ?: engine_control(&ctl);

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
        return engine_control(&ctl);

    case XEN_SYSCTL_TMEM_OP_SET_AUTH:
        return sysctl_set_auth(op);

    case XEN_SYSCTL_TMEM_OP_GET_AUTH:
        return sysctl_get_auth(op);

    case XEN_SYSCTL_TMEM_OP_SAVE_BEGIN:
        return sysctl_save_begin(op);

    case XEN_SYSCTL_TMEM_OP_SAVE_GET_NEXT_PAGE:
    case XEN_SYSCTL_TMEM_OP_SAVE_GET_NEXT_INV:
        return sysctl_save_get_next(op);

    case XEN_SYSCTL_TMEM_OP_SAVE_END:
    case XEN_SYSCTL_TMEM_OP_GET_META_LIMIT:
        rc = check_domain(op->cli_id);
        return rc ?: engine_control(&ctl);

    case XEN_SYSCTL_TMEM_OP_RESTORE_BEGIN:
        rc = check_domain(op->cli_id);
        return rc ?: engine_control_locked(&ctl);

    case XEN_SYSCTL_TMEM_OP_RESTORE_PUT_PAGE:
    case XEN_SYSCTL_TMEM_OP_RESTORE_FLUSH_PAGE:
        return sysctl_restore_page(op);

    case XEN_SYSCTL_TMEM_OP_SAVE_GET_NEXT_BATCH:
        return sysctl_save_get_batch(op);

    case XEN_SYSCTL_TMEM_OP_RESTORE_BATCH:
        return sysctl_restore_batch(op);
    }

    return -EOPNOTSUPP;
}

/* ------------------------------------------------------------------ */
/* Page allocator and domain destruction                               */
/* ------------------------------------------------------------------ */

/*
 * May the page allocator call into the engine from here?  Not from an
 * interrupt or with interrupts off (engine locks are taken with interrupts
 * on), and not from within the engine (its locks may be held).  And only
 * when there is something to reclaim: a cheap counter read, so that a host
 * short of memory without tmem pages does not pay for engine calls.
 */
static bool reclaim_allowed(void)
{
    return tmem_on && !in_irq() && local_irq_is_enabled() &&
           !this_cpu(tmem_in_engine) && tmem_engine_freeable_pages();
}

static unsigned long reclaim(unsigned long nr)
{
    unsigned long done;

    tmem_enter_engine();
    done = tmem_engine_reclaim(nr);
    tmem_leave_engine_as(TMEM_ENGINE_CALL_RECLAIM, 0);

    return done;
}

unsigned long tmem_reclaim_for_alloc(unsigned int order, unsigned int memflags)
{
    if ( !reclaim_allowed() )
        return 0;

    return reclaim(max(1UL << order, TMEM_RECLAIM_BATCH));
}

void tmem_refill_reserve(unsigned int memflags)
{
    unsigned long avail;

    if ( !reclaim_allowed() )
        return;

    avail = avail_domheap_pages();
    if ( avail >= tmem_heap_reserve )
        return;

    reclaim(min(tmem_heap_reserve - avail, 8 * TMEM_RECLAIM_BATCH));
}

unsigned long tmem_reclaim_pages(unsigned long nr)
{
    if ( !nr || !reclaim_allowed() )
        return 0;

    return reclaim(nr);
}

unsigned long tmem_freeable_pages(void)
{
    return tmem_on ? tmem_engine_freeable_pages() : 0;
}

/*
 * One bounded step of tearing down d's client; -ERESTART until it is gone,
 * which domain_kill() and domain_soft_reset() turn into continuations.
 */
int tmem_domain_kill(struct domain *d)
{
    long rc;

    if ( !tmem_on )
        return 0;

    tmem_enter_engine();
    rc = tmem_engine_client_destroy_step(d->domain_id);
    tmem_leave_engine_as(TMEM_ENGINE_CALL_KILL, 0);
    if ( rc )
        return rc;

    if ( d->tmem_pages )
        printk(XENLOG_ERR
               "tmem: %pd still charged %u persistent pages after teardown\n",
               d, d->tmem_pages);

    return 0;
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
