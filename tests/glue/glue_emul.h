/* SPDX-License-Identifier: GPL-2.0 */
/*
 * glue_emul.h: the part of Xen that the tmem glue (xen/tmem_xen.c,
 * tmem_sysctl.c, tmem_sysctl_save.c) uses, in userspace, so that the glue
 * is compiled unchanged and its decoding of guest and toolstack
 * structures, its length checks and its copies can be fuzzed.  Every header the glue includes from xen/ and xsm/ resolves to
 * this file (tests/glue/include); the public headers are Xen's own.
 *
 * Guest memory is one arena.  A copy to or from an address outside it
 * fails as a fault does in Xen (nothing is touched); a copy inside the
 * arena but outside the bytes the caller declared (the handle and 'len' it
 * passed) is a finding: the glue would read or write caller memory it was
 * not given.
 */
#ifndef GLUE_EMUL_H
#define GLUE_EMUL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <public/xen.h>

#define __init
#define __initdata
#define __read_mostly
#define __maybe_unused __attribute__((__unused__))
#define cf_check

typedef int64_t s_time_t;

/* ---- findings and checks ---- */

void glue_finding(const char *what) __attribute__((noreturn));
#define ASSERT(c) do { if ( !(c) ) glue_finding("ASSERT " #c); } while ( 0 )
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)

/* ---- boot parameters and initcalls ---- */

void glue_register_bool_param(const char *name, bool *var);
void glue_register_size_param(const char *name, uint64_t *var);
void glue_register_initcall(int (*fn)(void));

#define boolean_param(name, var)                                     \
    static void __attribute__((constructor)) glue_param_##var(void)  \
    { glue_register_bool_param(name, &(var)); }
#define size_param(name, var)                                        \
    static void __attribute__((constructor)) glue_param_##var(void)  \
    { glue_register_size_param(name, &(var)); }
#define __initcall(fn)                                               \
    static void __attribute__((constructor)) glue_initcall_##fn(void) \
    { glue_register_initcall(fn); }

/* ---- per-CPU data: one CPU ---- */

#define DEFINE_PER_CPU(type, name)  __typeof__(type) per_cpu__##name
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) per_cpu__##name
#define this_cpu(name)              (per_cpu__##name)

s_time_t glue_now(void);
#define NOW() glue_now()

/* ---- lib ---- */

#define min(a, b) ({ __typeof__(a) a_ = (a); __typeof__(b) b_ = (b); \
                     (void)(&a_ == &b_); a_ < b_ ? a_ : b_; })
#define max(a, b) ({ __typeof__(a) a_ = (a); __typeof__(b) b_ = (b); \
                     (void)(&a_ == &b_); a_ > b_ ? a_ : b_; })
#define min_t(t, a, b) ({ t a_ = (a); t b_ = (b); a_ < b_ ? a_ : b_; })
#define max_t(t, a, b) ({ t a_ = (a); t b_ = (b); a_ > b_ ? a_ : b_; })

#define XENLOG_ERR   "<err>"
#define XENLOG_INFO  "<info>"
#define XENLOG_WARNING "<warn>"
/* Xen's printk knows %pd; here nothing is printed. */
void glue_printk(const char *fmt, ...);
#define printk glue_printk

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)

extern unsigned long total_pages;
unsigned long avail_domheap_pages(void);

#define in_irq()               false
#define local_irq_is_enabled() true

/* ---- memory ---- */

void *glue_alloc(size_t size, bool zero);
void glue_free(void *p);
#define xmalloc_bytes(n) glue_alloc(n, false)
#define vzalloc(n)       glue_alloc(n, true)
#define xfree(p)         glue_free(p)
#define vfree(p)         glue_free(p)

/* ---- domains, locks, RCU ---- */

typedef struct { int held; } spinlock_t;
void glue_spin_lock(spinlock_t *l);
void glue_spin_unlock(spinlock_t *l);
#define spin_lock(l)   glue_spin_lock(l)
#define spin_unlock(l) glue_spin_unlock(l)

struct domain {
    domid_t domain_id;
    bool is_dying;
    spinlock_t domain_lock;
    unsigned int tmem_pages;
    struct domain *next_in_list;
};

struct vcpu {
    struct domain *domain;
};

extern struct vcpu *glue_current;
#define current glue_current

struct domain *glue_domain_by_id(domid_t id);
void glue_domain_unlock(struct domain *d);
#define rcu_lock_domain_by_id(id) glue_domain_by_id(id)
#define rcu_unlock_domain(d)      glue_domain_unlock(d)

extern struct domain *glue_domain_list;
extern int domlist_read_lock;
void glue_rcu_read_lock(int *l);
void glue_rcu_read_unlock(int *l);
#define rcu_read_lock(l)   glue_rcu_read_lock(l)
#define rcu_read_unlock(l) glue_rcu_read_unlock(l)
#define for_each_domain(d) \
    for ( (d) = glue_domain_list; (d); (d) = (d)->next_in_list )

/* ---- XSM: the dummy policy's answers, chosen by the harness ---- */

typedef enum { XSM_HOOK, XSM_PRIV } xsm_default_t;
extern int glue_xsm_rc;
#define xsm_tmem_op(def)      ((void)(def), glue_xsm_rc)
#define xsm_tmem_control(def) ((void)(def), glue_xsm_rc)

/* ---- hypercall continuations ---- */

long glue_create_continuation(unsigned int op, const char *fmt, void *arg);
#define hypercall_create_continuation(op, fmt, h) \
    glue_create_continuation(op, fmt, (h).p)

/* ---- guest access, with Xen's units: offsets count *ptr's elements ---- */

/* Bytes not copied (all of them on a fault), as Xen's raw copies. */
unsigned long glue_copy_to_guest(void *dst, const void *src, unsigned long n);
unsigned long glue_copy_from_guest(void *dst, const void *src,
                                   unsigned long n);

#define guest_handle_is_null(hnd) ((hnd).p == NULL)

#define guest_handle_cast(hnd, type) ({                      \
    type *c_ = (void *)(hnd).p;                              \
    (XEN_GUEST_HANDLE_PARAM(type)) { c_ };                   \
})

/*
 * Addresses are computed as integers: a NULL or wild handle plus an
 * offset is a fault for the copy functions to report, not undefined
 * behaviour in the harness.  As in Xen, the handle's type must match *ptr.
 */
#define glue_guest_addr(hnd, off, size) \
    ((uintptr_t)(hnd).p + (uintptr_t)(off) * (size))

#define copy_to_guest_offset(hnd, off, ptr, nr) ({                    \
    const __typeof__(*(ptr)) *s_ = (ptr);                             \
    (void)((hnd).p == s_);                                            \
    glue_copy_to_guest((void *)glue_guest_addr(hnd, off, sizeof(*s_)), \
                       s_, sizeof(*s_) * (nr));                       \
})

#define copy_from_guest_offset(ptr, hnd, off, nr) ({                  \
    __typeof__(*(ptr)) *d_ = (ptr);                                   \
    glue_copy_from_guest(d_,                                          \
                         (const void *)glue_guest_addr(hnd, off,      \
                                                       sizeof(*d_)),  \
                         sizeof(*d_) * (nr));                         \
})

#define copy_to_guest(hnd, ptr, nr)   copy_to_guest_offset(hnd, 0, ptr, nr)
#define copy_from_guest(ptr, hnd, nr) copy_from_guest_offset(ptr, hnd, 0, nr)

#endif /* GLUE_EMUL_H */
