/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_sysctl_save.c: the XEN_SYSCTL_tmem_op operations that carry a
 * domain's tmem state through save, restore and migration: SAVE_BEGIN,
 * then its records one at a time (SAVE_GET_NEXT, RESTORE_PAGE) or in
 * batches (SAVE_GET_BATCH, RESTORE_BATCH), each page bounced through a
 * buffer of Xen's own.  The stream's records are described in
 * docs/specs/libxc-migration-stream.pandoc.
 */

#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/xmalloc.h>
#include <public/sysctl.h>
#include <public/tmem.h>

#include "tmem_engine.h"
#include "tmem_xen.h"

long tmem_sysctl_save_begin(const struct xen_sysctl_tmem_op *op)
{
    struct tmem_engine_ctl ctl = {
        .cmd = TMEM_ENGINE_CTL_SAVE_BEGIN,
        .cli_id = op->cli_id,
        .arg = op->arg,
    };
    long rc = tmem_xen_check_domain(op->cli_id);

    if ( rc )
        return rc;

    /* The session's token (> 0), which every later call passes in arg. */
    return tmem_xen_control(&ctl);
}

long tmem_sysctl_save_get_next(const struct xen_sysctl_tmem_op *op)
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

    rc = tmem_xen_check_domain(op->cli_id);
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

    rc = tmem_xen_control(&ctl);
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

long tmem_sysctl_restore_page(const struct xen_sysctl_tmem_op *op)
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

    rc = tmem_xen_check_domain(op->cli_id);
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

    rc = tmem_xen_control_locked(&ctl);

    xfree(page);

    return rc;
}

/*
 * Up to XEN_SYSCTL_TMEM_BATCH_MAX save items per call: bounded work, and a
 * stream pays one hypercall per batch rather than per page.
 */
long tmem_sysctl_save_get_batch(const struct xen_sysctl_tmem_op *op)
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

    rc = tmem_xen_check_domain(op->cli_id);
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

        rc = tmem_xen_control(&ctl);
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

long tmem_sysctl_restore_batch(const struct xen_sysctl_tmem_op *op)
{
    unsigned int n = op->arg, i;
    struct tmem_engine_ctl ctl = { .cli_id = op->cli_id };
    void *page;
    long rc;

    if ( !n || n > XEN_SYSCTL_TMEM_BATCH_MAX ||
         op->len < n * (sizeof(xen_tmem_item_t) + PAGE_SIZE) ||
         guest_handle_is_null(op->u.buf) )
        return -EINVAL;

    rc = tmem_xen_check_domain(op->cli_id);
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
        rc = tmem_xen_control_locked(&ctl);
        if ( rc < 0 )
            break;
    }

    xfree(page);

    return i == n ? (long)n : rc;
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
