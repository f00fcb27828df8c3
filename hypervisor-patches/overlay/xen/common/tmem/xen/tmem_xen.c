/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_xen.c: transcendent memory glue for Xen.
 *
 * - boot options "tmem" and "tmem_compress", engine initialisation;
 * - hypercall 38 (do_tmem_op() for 64-bit callers, compat_tmem_op() for
 *   32-bit ones): copy the guest's struct tmem_op, decode it, call the
 *   engine;
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
#include <xsm/xsm.h>
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
