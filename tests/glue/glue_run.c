/* SPDX-License-Identifier: GPL-2.0 */
/*
 * glue_run.c: one input is a world (which domains exist and are dying,
 * who calls, what XSM says, which allocation and which guest copy fail)
 * and then up to 16 calls, each a guest's hypercall 38 or a toolstack's
 * XEN_SYSCTL_tmem_op, made on the glue exactly as Xen makes them.  After
 * each call the runner checks what the glue must guarantee whatever the
 * bytes were; the checks are listed at check_hypercall() and
 * check_sysctl().
 */
#include <stdio.h>
#include <stdlib.h>

#include "glue_emul.h"
#include <public/sysctl.h>
#include <public/tmem.h>
#include <xen/tmem.h>
#include "abi_tmem.h"
#include "tmem_engine.h"
#include "glue_harness.h"

long do_tmem_op(XEN_GUEST_HANDLE_PARAM(void) uops);
int compat_tmem_op(XEN_GUEST_HANDLE_PARAM(void) uops);
DECLARE_PER_CPU(unsigned int, tmem_in_engine);

#define CHECK(cond, what) do { if ( !(cond) ) glue_finding(what); } while ( 0 )

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

/*
 * Where a caller's buffer starts: in the arena (len bytes fit, or run
 * past its end), nowhere (NULL) or at an address that is no memory.
 */
static void *pick_buffer(unsigned long len)
{
    uint8_t how = glue_take8();
    uint32_t off = glue_take32();

    switch ( how & 7 )
    {
    case 0:
        return NULL;
    case 1:
        return GLUE_WILD_ADDR;
    case 2:
        return glue_arena + off % GLUE_ARENA_SIZE;
    default:
        return glue_arena + (len < GLUE_ARENA_SIZE
                             ? off % (GLUE_ARENA_SIZE - len + 1) : 0);
    }
}

/* ---- hypercall 38 ---- */

static long call_native(XEN_GUEST_HANDLE_PARAM(void) h)
{
    return do_tmem_op(h);
}

static long call_compat(XEN_GUEST_HANDLE_PARAM(void) h)
{
    return compat_tmem_op(h);
}

/* Where a caller's struct tmem_op keeps what the engine must be given. */
struct op_layout {
    const char *name;
    long (*call)(XEN_GUEST_HANDLE_PARAM(void) h);
    unsigned int size, uuid, flags, oid, index, cmfn;
    bool cmfn32;
};

static const struct op_layout native_op = {
    "hypercall", call_native, sizeof(struct abi_tmem_op),
    ABI_OFF(u.creat.uuid), ABI_OFF(u.creat.flags), ABI_OFF(u.gen.oid),
    ABI_OFF(u.gen.index), ABI_OFF(u.gen.cmfn), false,
};

static const struct op_layout compat_op = {
    "32-bit hypercall", call_compat, sizeof(struct abi_tmem_op32),
    ABI32_OFF(u.creat.uuid), ABI32_OFF(u.creat.flags), ABI32_OFF(u.gen.oid),
    ABI32_OFF(u.gen.index), ABI32_OFF(u.gen.cmfn), true,
};

static void hc_check(bool cond, const struct op_layout *l, const char *what)
{
    char msg[128];

    if ( cond )
        return;
    snprintf(msg, sizeof(msg), "%s: %s", l->name, what);
    glue_finding(msg);
}

/*
 * Checks: XSM's refusal and a faulting struct reach no engine; a dying
 * caller gets -ENODEV; otherwise the engine sees the caller's domain and
 * every field at its ABI offset (tests/abi/abi_tmem.h, written apart from
 * Xen's headers, for 64-bit and for 32-bit callers; the glue may read no
 * byte past the caller's struct): uuid and flags for NEW_POOL, oid, index
 * and frame for the rest; its "call again" becomes a continuation of the
 * same handle.
 */
static void run_hypercall(const struct op_layout *l)
{
    XEN_GUEST_HANDLE_PARAM(void) h;
    uint8_t *raw, *p = pick_buffer(l->size);
    const struct domain *cd = current->domain;
    bool mapped = (uintptr_t)p >= (uintptr_t)glue_arena &&
                  (uintptr_t)p + l->size <=
                  (uintptr_t)glue_arena + GLUE_ARENA_SIZE;
    const struct tmem_engine_op *op = &glue_engine.op;
    uint64_t frame;
    unsigned int i;
    long rc;

    h.p = p;
    if ( mapped )
    {
        raw = p;
        for ( i = 0; i < l->size; i++ )
            raw[i] = glue_take8();
        raw[0] %= 12;           /* mostly the commands there are */
    }
    glue_world_declare(p, l->size);
    glue_engine_reset();
    memset(&glue_cont, 0, sizeof(glue_cont));
    glue_injected = 0;

    rc = l->call(h);

    if ( glue_xsm_rc )
    {
        hc_check(rc == glue_xsm_rc && !glue_engine.guest_calls, l,
                 "XSM refused, yet the engine ran");
        return;
    }
    if ( !mapped || glue_injected )
    {
        hc_check(rc == -EFAULT && !glue_engine.guest_calls, l,
                 "an unreadable tmem_op was not -EFAULT");
        return;
    }
    if ( cd->is_dying )
    {
        hc_check(rc == -ENODEV && !glue_engine.guest_calls, l,
                 "a dying domain reached the engine");
        return;
    }
    hc_check(glue_engine.guest_calls == 1, l, "engine not called once");
    hc_check(glue_engine.guest_client == cd->domain_id, l,
             "the op was charged to another client");
    raw = p;
    hc_check(op->cmd == rd32(raw + ABI_OFF(cmd)) &&
             op->pool_id == (int32_t)rd32(raw + ABI_OFF(pool_id)), l,
             "cmd or pool_id decoded wrongly");
    frame = l->cmfn32 ? rd32(raw + l->cmfn) : rd64(raw + l->cmfn);
    if ( op->cmd == ABI_TMEM_NEW_POOL )
        hc_check(op->uuid[0] == rd64(raw + l->uuid) &&
                 op->uuid[1] == rd64(raw + l->uuid + 8) &&
                 op->flags == rd32(raw + l->flags) &&
                 !op->oid[0] && !op->index && !op->frame, l,
                 "NEW_POOL decoded wrongly");
    else
        hc_check(op->oid[0] == rd64(raw + l->oid) &&
                 op->oid[1] == rd64(raw + l->oid + 8) &&
                 op->oid[2] == rd64(raw + l->oid + 16) &&
                 op->index == rd32(raw + l->index) && op->frame == frame &&
                 !op->uuid[0] && !op->flags, l,
                 "a page op decoded wrongly");
    if ( glue_engine.guest_rc == -ERESTART )
        hc_check(rc == GLUE_CONTINUATION_RC && glue_cont.calls == 1 &&
                 glue_cont.op == __HYPERVISOR_tmem_op && glue_cont.arg == p,
                 l, "-ERESTART did not continue with the same handle");
    else
        hc_check(rc == glue_engine.guest_rc && !glue_cont.calls, l,
                 "the engine's result was not returned");
}

/* ---- XEN_SYSCTL_tmem_op ---- */

static const uint32_t sysctl_cmds[] = {
    XEN_SYSCTL_TMEM_OP_THAW, XEN_SYSCTL_TMEM_OP_FREEZE,
    XEN_SYSCTL_TMEM_OP_FLUSH, XEN_SYSCTL_TMEM_OP_DESTROY,
    XEN_SYSCTL_TMEM_OP_LIST, XEN_SYSCTL_TMEM_OP_GET_CLIENT_INFO,
    XEN_SYSCTL_TMEM_OP_SET_CLIENT_INFO, XEN_SYSCTL_TMEM_OP_GET_POOLS,
    XEN_SYSCTL_TMEM_OP_QUERY_FREEABLE_MB, XEN_SYSCTL_TMEM_OP_SET_POOLS,
    XEN_SYSCTL_TMEM_OP_SAVE_BEGIN, XEN_SYSCTL_TMEM_OP_SET_AUTH,
    XEN_SYSCTL_TMEM_OP_GET_AUTH, XEN_SYSCTL_TMEM_OP_SET_META_LIMIT,
    XEN_SYSCTL_TMEM_OP_GET_META_LIMIT, XEN_SYSCTL_TMEM_OP_SAVE_GET_NEXT_PAGE,
    XEN_SYSCTL_TMEM_OP_SAVE_GET_NEXT_INV, XEN_SYSCTL_TMEM_OP_SAVE_END,
    XEN_SYSCTL_TMEM_OP_SAVE_GET_NEXT_BATCH, XEN_SYSCTL_TMEM_OP_RESTORE_BEGIN,
    XEN_SYSCTL_TMEM_OP_RESTORE_PUT_PAGE, XEN_SYSCTL_TMEM_OP_RESTORE_FLUSH_PAGE,
    XEN_SYSCTL_TMEM_OP_RESTORE_BATCH,
};
#define NR_SYSCTL_CMDS (sizeof(sysctl_cmds) / sizeof(sysctl_cmds[0]))

/* Commands that take XEN_SYSCTL_TMEM_OP_ALL_CLIENTS. */
static bool takes_all(uint32_t cmd)
{
    switch ( cmd )
    {
    case XEN_SYSCTL_TMEM_OP_THAW:
    case XEN_SYSCTL_TMEM_OP_FREEZE:
    case XEN_SYSCTL_TMEM_OP_DESTROY:
    case XEN_SYSCTL_TMEM_OP_FLUSH:
    case XEN_SYSCTL_TMEM_OP_SET_META_LIMIT:
    case XEN_SYSCTL_TMEM_OP_LIST:
    case XEN_SYSCTL_TMEM_OP_SET_CLIENT_INFO:
    case XEN_SYSCTL_TMEM_OP_SET_AUTH:
        return true;
    }
    return false;
}

static bool known_cmd(uint32_t cmd)
{
    unsigned int i;

    for ( i = 0; i < NR_SYSCTL_CMDS; i++ )
        if ( sysctl_cmds[i] == cmd )
            return true;
    return false;
}

static uint32_t pick_len(void)
{
    uint8_t how = glue_take8();
    uint32_t k = glue_take8();

    switch ( how & 7 )
    {
    case 0: return 0;
    case 1: return k;
    case 2: return sizeof(xen_tmem_client_t) + (k & 3) - 1;
    case 3: return (k % 20) * sizeof(xen_tmem_pool_info_t) + (how >> 7);
    case 4: return sizeof(xen_tmem_handle_t) + PAGE_SIZE - (how >> 7);
    case 5: return (k % 70) * (sizeof(xen_tmem_item_t) + PAGE_SIZE) +
                   (how >> 6) - 1;
    case 6: return GLUE_ARENA_SIZE - (k << 4);
    default: return glue_take32();
    }
}

static uint32_t pick_client(void)
{
    uint8_t how = glue_take8();

    switch ( how & 7 )
    {
    case 0: return XEN_SYSCTL_TMEM_OP_ALL_CLIENTS;
    case 1: return DOMID_FIRST_RESERVED + (how >> 3);
    case 2: return glue_take32();
    default: return (how >> 3) % (GLUE_NR_DOMAINS + 1);
    }
}

/*
 * Checks: the op is not written; XSM's refusal, a non-zero pad, an unknown
 * command or a client that is neither a domain nor (where it is taken)
 * "all" reach no engine; no result claims more than the buffer holds (a
 * LIST text ends with its NUL inside len, GET_POOLS and GET_AUTH fill at
 * most len / 32 records, a batch at most its n items); and, by the copy
 * functions, nothing outside [buf, buf + len) is read or written.
 */
static void run_sysctl(void)
{
    struct xen_sysctl_tmem_op op, before;
    uint8_t pick = glue_take8();
    void *buf;
    long rc;

    memset(&op, 0, sizeof(op));
    op.cmd = pick < 240 ? sysctl_cmds[pick % NR_SYSCTL_CMDS] : glue_take32();
    op.pool_id = (int32_t)(glue_take8() & 0x8f) - 8;
    op.cli_id = pick_client();
    op.len = pick_len();
    op.arg = glue_take8();
    if ( op.arg >= 0xf0 )
        op.arg = glue_take32();
    op.pad = glue_take8() == 0xff;
    op.oid[0] = glue_take64();
    buf = pick_buffer(op.len);
    op.u.buf.p = buf;
    /* The records and batch items; page contents matter to no check. */
    if ( (uintptr_t)buf >= (uintptr_t)glue_arena &&
         (uintptr_t)buf < (uintptr_t)glue_arena + GLUE_ARENA_SIZE )
        memset(buf, glue_take8(),
               min_t(unsigned long, min_t(unsigned long, op.len, 4096),
                     glue_arena + GLUE_ARENA_SIZE - (uint8_t *)buf));
    glue_world_declare(buf, op.len);
    glue_engine_reset();
    before = op;

    rc = tmem_sysctl(&op);

    CHECK(!memcmp(&op, &before, sizeof(op)), "sysctl: the op was written");
    if ( glue_xsm_rc || op.pad || !known_cmd(op.cmd) )
    {
        CHECK(rc < 0 && !glue_engine.control_calls,
              "sysctl: refused op reached the engine");
        return;
    }
    if ( op.cmd != XEN_SYSCTL_TMEM_OP_QUERY_FREEABLE_MB &&
         !glue_domain_find(op.cli_id) &&
         !(op.cli_id == XEN_SYSCTL_TMEM_OP_ALL_CLIENTS && takes_all(op.cmd)) )
    {
        CHECK(rc < 0 && !glue_engine.control_calls,
              "sysctl: an op for no domain reached the engine");
        return;
    }
    if ( rc < 0 )
        return;

    switch ( op.cmd )
    {
    case XEN_SYSCTL_TMEM_OP_LIST:
        CHECK(rc < op.len && ((const uint8_t *)buf)[rc] == '\0',
              "sysctl LIST: text longer than len or not NUL-terminated");
        break;
    case XEN_SYSCTL_TMEM_OP_GET_POOLS:
    case XEN_SYSCTL_TMEM_OP_GET_AUTH:
        CHECK((unsigned long)rc <= op.len / sizeof(xen_tmem_pool_info_t),
              "sysctl GET_POOLS/GET_AUTH: more records than len holds");
        break;
    case XEN_SYSCTL_TMEM_OP_SAVE_GET_NEXT_BATCH:
        CHECK(rc >= 1 && (unsigned long)rc <= XEN_SYSCTL_TMEM_BATCH_MAX &&
              (unsigned long)rc <= op.len / (sizeof(xen_tmem_item_t) +
                                             PAGE_SIZE),
              "sysctl SAVE_GET_NEXT_BATCH: more items than len holds");
        break;
    case XEN_SYSCTL_TMEM_OP_RESTORE_BATCH:
        CHECK(rc == op.arg, "sysctl RESTORE_BATCH: not all n items done");
        break;
    }
}

unsigned int glue_run_input(const uint8_t *data, size_t size)
{
    static bool booted;
    unsigned int calls = 0;
    uint8_t exist, dying, cur, xsm, fa, fc;

    if ( !booted )
    {
        glue_world_boot();
        booted = true;
    }
    glue_in.data = data;
    glue_in.size = size;
    glue_in.pos = 0;
    exist = glue_take8();
    dying = glue_take8() & glue_take8();
    cur = glue_take8();
    xsm = glue_take8();
    fa = glue_take8();
    fc = glue_take8();
    glue_world_reset(exist, dying, cur, xsm == 0xff ? -EPERM : 0,
                     fa < 0xf0 ? 0 : fa & 0xf, fc < 0xe0 ? 0 : fc & 0x1f);

    while ( glue_in.pos < glue_in.size && calls < 16 )
    {
        uint8_t what = glue_take8();

        if ( what < 32 )
            run_hypercall(&native_op);
        else if ( what < 64 )
            run_hypercall(&compat_op);
        else
            run_sysctl();
        CHECK(!this_cpu(tmem_in_engine), "left the engine unbalanced");
        glue_world_check_balanced();
        calls++;
    }

    return calls;
}
