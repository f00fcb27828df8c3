/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen's <xen/compat.h>, for the glue in userspace: what the generated
 * <compat/tmem.h> (the 32-bit guest's layout, from the Xen build) and the
 * headers it includes need of it and of <asm/compat.h>.
 */
#ifndef GLUE_XEN_COMPAT_H
#define GLUE_XEN_COMPAT_H

#include "glue_emul.h"

/* asm/compat.h's; the generated headers define the other compat types. */
typedef uint32_t compat_ptr_t;

#define COMPAT_LEGACY_MAX_VCPUS XEN_LEGACY_MAX_VCPUS

#define __DEFINE_COMPAT_HANDLE(name, type)                               \
    typedef struct { compat_ptr_t c; type *_[0]; } __compat_handle_ ## name; \
    typedef struct { compat_ptr_t c; const type *_[0]; }                 \
        __compat_handle_const_ ## name
#define DEFINE_COMPAT_HANDLE(name) __DEFINE_COMPAT_HANDLE(name, name)
#define COMPAT_HANDLE(name) __compat_handle_ ## name

#endif /* GLUE_XEN_COMPAT_H */
