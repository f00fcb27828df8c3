/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_env.c: the Xen implementation of the tmem engine's environment
 * (the out-of-line half of tmem_env.h).
 *
 * Data pages come from the domain heap and belong to no domain: the guest
 * can neither map nor free them.  Ephemeral pages are charged to nobody;
 * persistent pages are charged to the domain that stored them (they count
 * in domain_tot_pages() and against max_pages, see struct domain's
 * tmem_pages).  Pages go back with free_domheap_page(), which has the heap
 * scrub anonymous pages before they are handed out again.
 *
 * Guest frames are only reached through the calling domain's own p2m (or,
 * for PV, its ownership of the machine frame), with a page reference (and
 * for writes a writable type reference) held for the duration of the copy.
 */

#include <xen/domain_page.h>
#include <xen/mm.h>
#include <xen/random.h>
#include <xen/sched.h>
#include <xen/tmem.h>
#include <xen/xmalloc.h>
#include <asm/p2m.h>
#include <asm/paging.h>

#include "tmem_engine.h"
#include "tmem_xen.h"

/* Per-CPU owner slots of the engine's global (per-CPU) rwlock. */
DEFINE_PERCPU_RWLOCK_GLOBAL(tmem_percpu_rwlock);

static struct page_info *to_page(struct tmem_env_page *pg)
{
    return (struct page_info *)pg;
}

static struct tmem_env_page *from_page(struct page_info *pg)
{
    return (struct tmem_env_page *)pg;
}

/*
 * A client's owner is its domain, with a reference held from the client's
 * creation to its end: no page looks the domain up.  A dying domain gets no
 * new client (domain_kill() tears the last one down, after is_dying is
 * set, under the engine's lock that creation takes too).
 */
struct tmem_env_owner *tmem_env_owner_get(uint16_t domid)
{
    struct domain *d = rcu_lock_domain_by_id(domid);
    bool ok;

    if ( !d )
        return NULL;
    ok = !d->is_dying && get_domain(d);
    rcu_unlock_domain(d);

    return ok ? (struct tmem_env_owner *)d : NULL;
}

void tmem_env_owner_put(struct tmem_env_owner *owner)
{
    put_domain((struct domain *)owner);
}

/*
 * Charge one persistent page to d.  Refused when it is dying or already at
 * its maximum.
 */
static bool charge_domain(struct domain *d)
{
    bool ok = false;

    spin_lock(&d->page_alloc_lock);
    if ( !d->is_dying && domain_tot_pages(d) < d->max_pages &&
         d->tmem_pages + 1 != 0 )
    {
        /* A domain holds a reference on itself while it has pages. */
        if ( domain_adjust_tot_pages(d, 1) == 1 )
            get_knownalive_domain(d);
        d->tmem_pages++;
        ok = true;
    }
    spin_unlock(&d->page_alloc_lock);

    return ok;
}

static void uncharge_domain(struct domain *d)
{
    bool drop_ref = false;

    spin_lock(&d->page_alloc_lock);
    if ( d->tmem_pages )
    {
        d->tmem_pages--;
        drop_ref = !domain_adjust_tot_pages(d, -1);
    }
    else
        printk(XENLOG_ERR "tmem: %pd has no persistent page charged\n", d);
    spin_unlock(&d->page_alloc_lock);

    if ( drop_ref )
        put_domain(d);
}

struct tmem_env_page *tmem_env_alloc_page(struct tmem_env_owner *owner,
                                          bool persistent, int *reason)
{
    struct domain *d = (struct domain *)owner;
    struct page_info *pg;

    /* The domain's quota first, so that a refused charge reports QUOTA. */
    if ( persistent && !charge_domain(d) )
    {
        *reason = TMEM_ENV_NOMEM_QUOTA;
        return NULL;
    }

    /*
     * Leave a reserve of free memory to everyone else: below it tmem takes
     * nothing more (eviction of its own ephemeral pages may still help).
     * Anonymous pages (no owner), not from memory a device may need.
     */
    pg = avail_domheap_pages() > tmem_heap_reserve
         ? alloc_domheap_page(NULL, MEMF_no_dma) : NULL;
    if ( !pg )
    {
        if ( persistent )
            uncharge_domain(d);
        *reason = TMEM_ENV_NOMEM_HEAP;
        return NULL;
    }

    return from_page(pg);
}

void tmem_env_free_page(struct tmem_env_page *pg,
                        struct tmem_env_owner *owner, bool persistent)
{
    struct page_info *page = to_page(pg);

    ASSERT(page);
    ASSERT(!page_get_owner(page));

    /* Anonymous pages are scrubbed by the heap before their next use. */
    free_domheap_page(page);

    if ( persistent )
        uncharge_domain((struct domain *)owner);
}

void *tmem_env_map_page(struct tmem_env_page *pg)
{
    return __map_domain_page(to_page(pg));
}

void tmem_env_unmap_page(void *va)
{
    unmap_domain_page(va);
}

void *tmem_env_zalloc(size_t size)
{
    return _xzalloc(size, sizeof(uint64_t));
}

void tmem_env_free(void *p, size_t size)
{
    xfree(p);
}

/*
 * Get a reference to the caller's page at frame: a guest frame number of
 * the caller's own p2m for a translated (HVM/PVH) guest, a machine frame
 * owned by the caller for a PV guest.  For a write also take a writable
 * type reference, which PV page tables, descriptor tables and read-only
 * pages refuse.  Only ordinary RAM belonging to the caller qualifies:
 * MMIO, foreign, grant, paged-out and Xen-heap frames are refused.
 */
static int get_frame(struct domain *d, uint64_t frame, bool write,
                     struct page_info **ppage)
{
    struct page_info *page;
    p2m_type_t t;

    if ( frame != (unsigned long)frame || frame > PADDR_MASK >> PAGE_SHIFT )
        return -TMEM_EINVAL;

    page = get_page_from_gfn(d, frame, &t,
                             write ? P2M_ALLOC | P2M_UNSHARE : P2M_ALLOC);
    if ( !page )
        return -TMEM_EFAULT;

    if ( page_get_owner(page) != d || is_xen_heap_page(page) ||
         !(write ? (t == p2m_ram_rw || t == p2m_ram_logdirty)
                 : p2m_is_ram(t)) ||
         p2m_is_paging(t) || p2m_is_shared(t) )
    {
        put_page(page);
        return -TMEM_EFAULT;
    }

    if ( write && !get_page_type(page, PGT_writable_page) )
    {
        put_page(page);
        return -TMEM_EFAULT;
    }

    *ppage = page;

    return 0;
}

int tmem_env_copy_from_frame(struct tmem_env_caller *caller, uint64_t frame,
                             void *buf)
{
    struct page_info *page;
    void *va;
    int rc;

    if ( !caller || !caller->d )
        return -TMEM_EFAULT;

    rc = get_frame(caller->d, frame, false, &page);
    if ( rc )
        return rc;

    va = __map_domain_page(page);
    memcpy(buf, va, PAGE_SIZE);
    unmap_domain_page(va);

    put_page(page);

    return 0;
}

int tmem_env_copy_to_frame(struct tmem_env_caller *caller, uint64_t frame,
                           const void *buf)
{
    struct page_info *page;
    void *va;
    int rc;

    if ( !caller || !caller->d )
        return -TMEM_EFAULT;

    rc = get_frame(caller->d, frame, true, &page);
    if ( rc )
        return rc;

    va = __map_domain_page(page);
    memcpy(va, buf, PAGE_SIZE);
    unmap_domain_page(va);

    paging_mark_dirty(caller->d, page_to_mfn(page));

    put_page_and_type(page);

    return 0;
}

uint64_t tmem_env_random64(void)
{
    return ((uint64_t)get_random() << 32) | get_random();
}

unsigned int tmem_env_nr_cpus(void)
{
    return nr_cpu_ids;
}

unsigned int tmem_env_cpu_hint(void)
{
    return smp_processor_id();
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
