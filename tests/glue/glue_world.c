/* SPDX-License-Identifier: GPL-2.0 */
/*
 * glue_world.c: what glue_emul.h declares, for one CPU and a handful of
 * domains, with the faults and refusals the runner chooses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "glue_emul.h"
#include "glue_harness.h"

struct glue_input glue_in;

uint8_t glue_take8(void)
{
    return glue_in.pos < glue_in.size ? glue_in.data[glue_in.pos++] : 0;
}

uint32_t glue_take32(void)
{
    uint32_t v = 0;
    unsigned int i;

    for ( i = 0; i < 4; i++ )
        v |= (uint32_t)glue_take8() << (8 * i);
    return v;
}

uint64_t glue_take64(void)
{
    uint64_t lo = glue_take32();

    return lo | ((uint64_t)glue_take32() << 32);
}

void glue_finding(const char *what)
{
    fprintf(stderr, "glue harness finding: %s\n", what);
    abort();
}

/* ---- parameters and the initcall ---- */

static bool *param_tmem;
static int (*initcall)(void);

void glue_register_bool_param(const char *name, bool *var)
{
    if ( !strcmp(name, "tmem") )
        param_tmem = var;
}

void glue_register_size_param(const char *name, uint64_t *var)
{
}

void glue_register_initcall(int (*fn)(void))
{
    initcall = fn;
}

/* ---- domains ---- */

static struct domain domains[GLUE_NR_DOMAINS];
static struct vcpu cur_vcpu;
struct vcpu *glue_current = &cur_vcpu;
struct domain *glue_domain_list;
int domlist_read_lock;
int glue_xsm_rc;
unsigned long total_pages = 1UL << 20;
struct glue_continuation glue_cont;
unsigned int glue_injected;

static unsigned int locks_held, rcu_depth, domain_refs;
static long allocs_live;
static unsigned int alloc_seq, alloc_fail_at, copy_seq, copy_fail_at;
static const uint8_t *decl_start;
static unsigned long decl_len;

uint8_t *glue_arena;

void glue_world_boot(void)
{
    glue_arena = calloc(1, GLUE_ARENA_SIZE);
    if ( !glue_arena || !param_tmem || !initcall )
        glue_finding("the glue registered no 'tmem' parameter or initcall");
    *param_tmem = true;
    if ( initcall() != 0 )
        glue_finding("the glue's initcall failed");
}

void glue_world_reset(uint8_t exist, uint8_t dying, unsigned int cur,
                      int xsm_rc, unsigned int fail_alloc,
                      unsigned int fail_copy)
{
    struct domain **link = &glue_domain_list;
    unsigned int i;

    cur %= GLUE_NR_DOMAINS;
    exist |= 1u << cur;
    for ( i = 0; i < GLUE_NR_DOMAINS; i++ )
    {
        struct domain *d = &domains[i];

        memset(d, 0, sizeof(*d));
        d->domain_id = i;
        d->is_dying = dying & (1u << i);
        if ( exist & (1u << i) )
        {
            *link = d;
            link = &d->next_in_list;
        }
    }
    *link = NULL;
    cur_vcpu.domain = &domains[cur];
    glue_xsm_rc = xsm_rc;
    alloc_seq = copy_seq = 0;
    alloc_fail_at = fail_alloc;
    copy_fail_at = fail_copy;
    memset(&glue_cont, 0, sizeof(glue_cont));
    decl_start = NULL;
    decl_len = 0;
}

struct domain *glue_domain_find(uint32_t id)
{
    struct domain *d;

    for ( d = glue_domain_list; d; d = d->next_in_list )
        if ( d->domain_id == id )
            return d;
    return NULL;
}

struct domain *glue_domain_by_id(domid_t id)
{
    struct domain *d = glue_domain_find(id);

    if ( d )
        domain_refs++;
    return d;
}

void glue_domain_unlock(struct domain *d)
{
    if ( !domain_refs-- )
        glue_finding("rcu_unlock_domain() without rcu_lock_domain_by_id()");
}

void glue_spin_lock(spinlock_t *l)
{
    if ( l->held )
        glue_finding("a spinlock taken twice (deadlock in Xen)");
    l->held = 1;
    locks_held++;
}

void glue_spin_unlock(spinlock_t *l)
{
    if ( !l->held )
        glue_finding("a spinlock released that was not held");
    l->held = 0;
    locks_held--;
}

void glue_rcu_read_lock(int *l)
{
    rcu_depth++;
}

void glue_rcu_read_unlock(int *l)
{
    if ( !rcu_depth-- )
        glue_finding("rcu_read_unlock() without rcu_read_lock()");
}

void glue_world_check_balanced(void)
{
    if ( locks_held || rcu_depth || domain_refs )
        glue_finding("a lock, RCU section or domain reference left held");
    if ( allocs_live )
        glue_finding("an allocation of the glue was not freed");
}

/* ---- time, log, memory ---- */

s_time_t glue_now(void)
{
    static s_time_t t;

    return t += 1000;
}

void glue_printk(const char *fmt, ...)
{
}

unsigned long avail_domheap_pages(void)
{
    return 1UL << 18;
}

void *glue_alloc(size_t size, bool zero)
{
    void *p;

    if ( ++alloc_seq == alloc_fail_at )
    {
        glue_injected++;
        return NULL;
    }
    p = zero ? calloc(1, size) : malloc(size);
    if ( !p )
        glue_finding("host out of memory");
    allocs_live++;
    return p;
}

void glue_free(void *p)
{
    if ( !p )
        return;
    allocs_live--;
    free(p);
}

long glue_create_continuation(unsigned int op, const char *fmt, void *arg)
{
    glue_cont.calls++;
    glue_cont.op = op;
    glue_cont.arg = arg;
    return GLUE_CONTINUATION_RC;
}

/* ---- guest memory ---- */

void glue_world_declare(const void *start, unsigned long len)
{
    decl_start = start;
    decl_len = len;
}

/*
 * Is [p, p + n) guest memory?  Outside the arena: no (a fault, as for an
 * unmapped address).  Inside but outside what the caller declared: a
 * finding.  Computed on integers, so a wild pointer is never formed.
 */
static bool guest_range(const void *p, unsigned long n)
{
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)glue_arena;
    uintptr_t hi = lo + GLUE_ARENA_SIZE;
    uintptr_t ds = (uintptr_t)decl_start;

    if ( a < lo || a > hi || n > hi - a )
        return false;
    if ( !decl_start || a < ds || n > decl_len || a - ds > decl_len - n )
        glue_finding("a guest copy outside the buffer the caller declared");
    return true;
}

/* One guest copy; guest is whichever of dst and src is the guest's. */
static unsigned long guest_copy(void *dst, const void *src, unsigned long n,
                                const void *guest)
{
    if ( ++copy_seq == copy_fail_at )
    {
        glue_injected++;
        return n;
    }
    if ( !guest_range(guest, n) )
        return n;
    memcpy(dst, src, n);
    return 0;
}

unsigned long glue_copy_to_guest(void *dst, const void *src, unsigned long n)
{
    return guest_copy(dst, src, n, dst);
}

unsigned long glue_copy_from_guest(void *dst, const void *src,
                                   unsigned long n)
{
    return guest_copy(dst, src, n, src);
}
