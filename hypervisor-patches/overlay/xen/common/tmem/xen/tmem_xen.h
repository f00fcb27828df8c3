/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_xen.h: shared between the Xen side of the tmem environment
 * (tmem_env.c) and the hypercall / sysctl / allocator glue (tmem_xen.c).
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
