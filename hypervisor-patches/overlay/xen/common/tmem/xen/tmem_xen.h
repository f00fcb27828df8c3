/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_xen.h: shared between the Xen side of the tmem environment
 * (tmem_env.c) and the glue: hypercall and allocator (tmem_xen.c), sysctl
 * (tmem_sysctl.c, tmem_sysctl_save.c).
 */
#ifndef TMEM_XEN_H
#define TMEM_XEN_H

#include <xen/percpu.h>
#include <xen/sched.h>

/* Who is calling the engine: the domain whose frames copies resolve in. */
struct tmem_env_caller {
    struct domain *d;
};

/*
 * Non-zero while this CPU runs engine code.  An allocation made from there
 * must not recurse into the engine to reclaim pages (its locks may be
 * held), so tmem_reclaim_for_alloc() checks this.
 */
DECLARE_PER_CPU(unsigned int, tmem_in_engine);

DECLARE_PER_CPU(s_time_t, tmem_entered_at);

/*
 * Every entry into the engine is timed, outermost only, so that LIST can
 * show the longest single call (Lc): the bound on the time any guest can
 * make Xen spend in tmem without a preemption point.
 */
static inline void tmem_enter_engine(void)
{
    if ( !this_cpu(tmem_in_engine)++ )
        this_cpu(tmem_entered_at) = NOW();
}

static inline void tmem_leave_engine_as(unsigned int kind, uint32_t cmd)
{
    ASSERT(this_cpu(tmem_in_engine));
    if ( !--this_cpu(tmem_in_engine) )
        tmem_engine_note_call_ns(kind, cmd,
                                 NOW() - this_cpu(tmem_entered_at));
}

struct tmem_engine_ctl;
struct xen_sysctl_tmem_op;

/* tmem_sysctl.c: a control call into the engine, timed as one. */
long tmem_xen_control(struct tmem_engine_ctl *ctl);
/* The same under the domain's domain_lock, refused once it is dying. */
long tmem_xen_control_locked(struct tmem_engine_ctl *ctl);
/* 0 if cli_id names an existing domain, else -ESRCH or -EINVAL. */
int tmem_xen_check_domain(uint32_t cli_id);

/* tmem_sysctl_save.c: the save and restore operations of the sysctl. */
long tmem_sysctl_save_begin(const struct xen_sysctl_tmem_op *op);
long tmem_sysctl_save_get_next(const struct xen_sysctl_tmem_op *op);
long tmem_sysctl_restore_page(const struct xen_sysctl_tmem_op *op);
long tmem_sysctl_save_get_batch(const struct xen_sysctl_tmem_op *op);
long tmem_sysctl_restore_batch(const struct xen_sysctl_tmem_op *op);

#endif /* TMEM_XEN_H */

/*
 * Local variables:
 * mode: C
 * c-file-style: "BSD"
 * c-basic-offset: 4
 * tab-width: 4
 * indent-tabs-mode: nil
 * End:
 */
