/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_engine.h: the transcendent memory pool engine, as seen by its glue.
 *
 * The engine is environment-neutral: the same .c files are compiled into
 * Xen (xen/common/tmem/) and into the userspace test harness
 * (tests/engine/).  Everything the engine needs from its environment is in
 * tmem_env.h; this header is what the environment (the Xen hypercall 38
 * handler, the tmem sysctl handler, the page allocator and domain
 * destruction) calls.
 *
 * The glue decodes guest structures (guest handles, 32-bit compat) into the
 * plain structures below, so the engine never touches guest memory except
 * through tmem_env_copy_{from,to}_frame().
 *
 * Return values follow the historic hypercall ABI: negative Linux/x86 errno
 * values, or the small positive results documented per operation.
 */
#ifndef TMEM_ENGINE_H
#define TMEM_ENGINE_H

#include "tmem_env.h"

/* Error codes (Linux/x86 numbering, which is also Xen's). */
#define TMEM_EPERM          1
#define TMEM_ENOENT         2
#define TMEM_ENOMEM        12
#define TMEM_EFAULT        14
#define TMEM_EBUSY         16
#define TMEM_ENODEV        19
#define TMEM_EINVAL        22
#define TMEM_ENOSPC        28
#define TMEM_ENOSYS        38
#define TMEM_ERESTART      85   /* not done: call again (a continuation) */
#define TMEM_EOPNOTSUPP    95
#define TMEM_EFROZEN     1000
#define TMEM_EEMPTY      1001

/* Limits. */
#define TMEM_ENGINE_MAX_POOLS_PER_CLIENT   16
#define TMEM_ENGINE_MAX_SHARED_POOLS       16
#define TMEM_ENGINE_MAX_SHARERS            64   /* clients per shared pool */
#define TMEM_ENGINE_MAX_CLIENTS        0x7ff0   /* DOMID_FIRST_RESERVED */
#define TMEM_ENGINE_CLI_ID_ALL         0xffff   /* control: every client */
#define TMEM_ENGINE_PAGE_SHIFT             12
#define TMEM_ENGINE_PAGE_SIZE            4096
#define TMEM_ENGINE_DEFAULT_WEIGHT         10

/* Guest commands (struct tmem_op.cmd). */
#define TMEM_ENGINE_CMD_CONTROL             0   /* moved to sysctl: refused */
#define TMEM_ENGINE_CMD_NEW_POOL            1
#define TMEM_ENGINE_CMD_DESTROY_POOL        2
#define TMEM_ENGINE_CMD_PUT_PAGE            4
#define TMEM_ENGINE_CMD_GET_PAGE            5
#define TMEM_ENGINE_CMD_FLUSH_PAGE          6
#define TMEM_ENGINE_CMD_FLUSH_OBJECT        7
#define TMEM_ENGINE_CMD_AUTH              101   /* not guest-callable */
#define TMEM_ENGINE_CMD_RESTORE_NEW       102   /* not guest-callable */

/* NEW_POOL flags. */
#define TMEM_ENGINE_POOL_PERSIST          0x1u
#define TMEM_ENGINE_POOL_SHARED           0x2u
#define TMEM_ENGINE_POOL_PRECOMPRESSED    0x4u
#define TMEM_ENGINE_POOL_PAGESIZE_SHIFT      4
#define TMEM_ENGINE_POOL_PAGESIZE_MASK    0xfu
#define TMEM_ENGINE_POOL_VERSION_SHIFT      24
#define TMEM_ENGINE_POOL_VERSION_MASK    0xffu
#define TMEM_ENGINE_SPEC_VERSION             1
/* Every bit that is not one of the fields above. */
#define TMEM_ENGINE_POOL_RESERVED_BITS  0x00ffff08u

/*
 * A decoded guest operation.  For NEW_POOL the glue fills uuid[] and flags;
 * for page operations oid[], index and (PUT/GET) frame.  pool_id is kept
 * signed, exactly as the guest passed it: the engine range-checks it.
 */
struct tmem_engine_op {
    uint32_t cmd;
    int32_t pool_id;
    uint64_t oid[3];
    uint32_t index;
    uint64_t frame;          /* guest frame for PUT/GET (gmfn / cmfn) */
    uint64_t uuid[2];        /* NEW_POOL */
    uint32_t flags;          /* NEW_POOL */
};

/*
 * Decode a guest's struct tmem_op into *eop (zeroed by the caller), field
 * by field.  The 64-bit and the 32-bit guest structures, and the raw one
 * the userspace harness builds, have the same member names and differ
 * only in layout (cmfn's width, the alignment of 64-bit members), so this
 * one decoder serves them all.
 */
#define TMEM_ENGINE_DECODE_OP(eop, op) do {             \
    (eop)->cmd = (op)->cmd;                             \
    (eop)->pool_id = (op)->pool_id;                     \
    if ( (op)->cmd == TMEM_ENGINE_CMD_NEW_POOL )        \
    {                                                   \
        (eop)->uuid[0] = (op)->u.creat.uuid[0];         \
        (eop)->uuid[1] = (op)->u.creat.uuid[1];         \
        (eop)->flags = (op)->u.creat.flags;             \
    }                                                   \
    else                                                \
    {                                                   \
        (eop)->oid[0] = (op)->u.gen.oid.oid[0];         \
        (eop)->oid[1] = (op)->u.gen.oid.oid[1];         \
        (eop)->oid[2] = (op)->u.gen.oid.oid[2];         \
        (eop)->index = (op)->u.gen.index;               \
        (eop)->frame = (op)->u.gen.cmfn;                \
    }                                                   \
} while ( 0 )

/* Control (sysctl) sub-operations, historic numbering. */
#define TMEM_ENGINE_CTL_THAW                 0
#define TMEM_ENGINE_CTL_FREEZE               1
#define TMEM_ENGINE_CTL_FLUSH                2   /* arg = KiB */
#define TMEM_ENGINE_CTL_DESTROY              3
#define TMEM_ENGINE_CTL_LIST                 4   /* arg = long format */
#define TMEM_ENGINE_CTL_GET_CLIENT_INFO      5
#define TMEM_ENGINE_CTL_SET_CLIENT_INFO      6
#define TMEM_ENGINE_CTL_GET_POOLS            7
#define TMEM_ENGINE_CTL_QUERY_FREEABLE_MB    8
#define TMEM_ENGINE_CTL_SET_POOLS            9
#define TMEM_ENGINE_CTL_SAVE_BEGIN          10
#define TMEM_ENGINE_CTL_SET_AUTH            11
#define TMEM_ENGINE_CTL_GET_AUTH            12
#define TMEM_ENGINE_CTL_SET_META_LIMIT      13   /* arg = KiB */
#define TMEM_ENGINE_CTL_GET_META_LIMIT      14   /* returns KiB */
#define TMEM_ENGINE_CTL_SAVE_GET_NEXT_PAGE  19
#define TMEM_ENGINE_CTL_SAVE_GET_NEXT_INV   20
#define TMEM_ENGINE_CTL_SAVE_END            21
#define TMEM_ENGINE_CTL_RESTORE_BEGIN       30
#define TMEM_ENGINE_CTL_RESTORE_PUT_PAGE    32
#define TMEM_ENGINE_CTL_RESTORE_FLUSH_PAGE  33

/* SAVE_BEGIN arg bits and SAVE_GET_NEXT_PAGE results. */
#define TMEM_ENGINE_SAVE_LIVE               0x1u
#define TMEM_ENGINE_SAVE_TAKEOVER           0x2u
#define TMEM_ENGINE_SAVE_END_OF_ROUND        0
#define TMEM_ENGINE_SAVE_PAGE                1
#define TMEM_ENGINE_SAVE_INV                 2
#define TMEM_ENGINE_SAVE_RESET               3

/* Client info flags (GET/SET_CLIENT_INFO). */
#define TMEM_ENGINE_CLIENT_COMPRESS        0x1u
#define TMEM_ENGINE_CLIENT_FROZEN          0x2u

/* One pool, as GET_POOLS reports it and SET_POOLS recreates it. */
struct tmem_engine_pool_info {
    uint32_t pool_id;
    uint32_t flags;          /* NEW_POOL flag encoding */
    uint64_t uuid[2];
    uint64_t n_pages;
};

/*
 * A decoded control operation.  In: cmd, cli_id, pool_id, arg, oid, index,
 * uuid, weight/flags, buf/buf_len.  Out: as documented per sub-op.
 *
 *  LIST: text (NUL-terminated, truncated to buf_len) into buf; returns
 *      bytes written excluding the NUL.
 *  FREEZE/THAW/DESTROY/FLUSH: cli_id may be TMEM_ENGINE_CLI_ID_ALL.  FLUSH
 *      evicts ephemeral pages until arg KiB of data pages were freed and
 *      returns the KiB freed.
 *  GET_CLIENT_INFO: fills weight and flags; SET_CLIENT_INFO reads them.
 *  GET_POOLS: fills buf with struct tmem_engine_pool_info records (at most
 *      buf_len bytes), returns the number of records.
 *  SET_POOLS: creates the pools described in buf on client cli_id (restore).
 *  QUERY_FREEABLE_MB: returns MiB of data pages reclaimable now.
 *  SET_AUTH: authorises (arg=1) or deauthorises (arg=0) uuid for cli_id.
 *  GET_AUTH: the UUIDs cli_id is authorised for, as uint64_t[2] each, into
 *      buf (at most buf_len bytes); returns how many it wrote.
 *  SAVE_BEGIN: starts a save session of cli_id and returns its token (> 0);
 *      arg: TMEM_ENGINE_SAVE_LIVE (the guest keeps running: the client is
 *      not frozen) and TMEM_ENGINE_SAVE_TAKEOVER (end a session whose saver
 *      died; otherwise a second saver gets -EBUSY).  A non-live save
 *      freezes the client until SAVE_END.
 *  SAVE_GET_NEXT_PAGE (arg: the token): the next item of the stream, in
 *      rounds.  Returns TMEM_ENGINE_SAVE_RESET first, and again whenever
 *      the client's pools changed: the receiver must drop the client's
 *      pools and pages and take the pool list afresh (GET_POOLS), and the
 *      round starts over with every page.  TMEM_ENGINE_SAVE_PAGE: buf
 *      (PAGE_SIZE) holds a persistent page, out_pool_id/oid/index its key.
 *      TMEM_ENGINE_SAVE_INV: the page at out_pool_id/oid/index, sent
 *      before, is gone.  TMEM_ENGINE_SAVE_END_OF_ROUND (0): the round that
 *      began after the previous END_OF_ROUND (or RESET) is complete: every
 *      page stored before it began, and not removed, has been sent; the
 *      next call starts a round that sends what was stored since.  Items
 *      come in an order that the receiver can apply one by one.
 *  SAVE_GET_NEXT_INV (arg: the token): only the queued invalidations; 1,
 *      or 0 when none.
 *  SAVE_END (arg: the token, or 0 for any session): ends the session and
 *      restores the client's frozen state.
 *  RESTORE_BEGIN: creates client cli_id (if needed).  RESTORE_PUT_PAGE
 *      stores buf (PAGE_SIZE) at pool_id/oid/index; RESTORE_FLUSH_PAGE
 *      flushes it.
 */
struct tmem_engine_ctl {
    uint32_t cmd;
    uint32_t cli_id;
    int32_t pool_id;
    uint32_t arg;
    uint64_t oid[3];
    uint32_t index;
    uint64_t uuid[2];
    uint32_t weight;
    uint32_t flags;          /* TMEM_ENGINE_CLIENT_* */
    void *buf;               /* hypervisor buffer; glue copies to/from guest */
    uint32_t buf_len;
    /* Outputs of SAVE_GET_NEXT_PAGE / SAVE_GET_NEXT_INV. */
    int32_t out_pool_id;
    uint64_t out_oid[3];
    uint32_t out_index;
};

/* Boot-time settings; the glue sets these from `tmem' / `tmem_compress'. */
extern bool tmem_engine_enabled;
extern bool tmem_engine_compress_default;
/*
 * Most pages one client may hold in its private pools, whatever they cost
 * in data pages.  Same-filled pages need no data page and compressed ones
 * a fraction, so quota and heap alone would not bound the metadata a guest
 * can make the hypervisor allocate.  At the cap a put evicts the client's
 * own oldest ephemeral page; with none left it fails with -ENOMEM.
 * Default TMEM_ENGINE_DEFAULT_MAX_CLIENT_PAGES; settable before init.
 */
#define TMEM_ENGINE_DEFAULT_MAX_CLIENT_PAGES (1ul << 22)   /* 16 GiB */
extern unsigned long tmem_engine_max_client_pages;

/*
 * Metadata bytes a new client may make the engine hold (its pools, objects,
 * index nodes, page descriptors, queued invalidations); a shared pool gets
 * its creator's limit.  A put that would go over it first evicts the
 * client's own ephemeral pages, and otherwise fails with -ENOMEM.  The
 * control plane changes it per client (SET_META_LIMIT).
 */
#define TMEM_ENGINE_DEFAULT_META_LIMIT (64ul << 20)
extern unsigned long tmem_engine_meta_limit;

/* Returns 0 or -TMEM_ENOMEM.  Call once, before any other entry point. */
int tmem_engine_init(void);

/* Frees everything (used by the userspace harness; Xen never calls it). */
void tmem_engine_exit(void);

/*
 * Hypercall 38.  caller identifies the calling domain to the environment
 * (frame copies, charging); client_id is its domid.
 */
long tmem_engine_guest_op(struct tmem_env_caller *caller, uint16_t client_id,
                          const struct tmem_engine_op *op);

/* Sysctl.  The glue checks privilege before calling. */
long tmem_engine_control(struct tmem_engine_ctl *ctl);

/*
 * Work units (pages, objects, 64 hash buckets) one call spends freeing what
 * a guest made large: DESTROY_POOL, FLUSH_OBJECT, client destruction.  A
 * call that stops there returns -TMEM_ERESTART and is to be repeated (the
 * glue makes a continuation of it).  A unit can cost 3,300 instructions
 * (a DESTROY_POOL of 512 units took 1.67 ms on the lab's instruction
 * clock, 1 ns an instruction): 128 keeps a call near 0.4 ms.
 */
#define TMEM_ENGINE_REAP_BUDGET           128

/*
 * Domain death: one bounded step of freeing every page and pool of the
 * client.  The first step makes the client unusable.  Returns 0 when the
 * client is gone, -TMEM_ERESTART when more steps are needed.
 */
long tmem_engine_client_destroy_step(uint16_t client_id);

/* The same, all steps at once (userspace harness and engine exit). */
void tmem_engine_client_destroy(uint16_t client_id);

/*
 * Allocator pressure: evict ephemeral pages until nr_pages data pages were
 * returned to the environment; returns how many were.
 */
unsigned long tmem_engine_reclaim(unsigned long nr_pages);

/*
 * The environment timed one call into the engine (entry to return), of a
 * kind below, with its command (guest or control; 0 otherwise): LIST shows
 * the longest as Lc, in microseconds, and with the long form the longest
 * of each kind (Lg Lt Lk Lr), the commands of the longest guest and
 * control calls (Lo Lq), the calls timed (Ln), how many took over 1 ms
 * (L1), the work units of the longest call (Lw), and the most work units
 * any call did (Wm) with that call's time (Wt, us).
 */
#define TMEM_ENGINE_CALL_GUEST    0
#define TMEM_ENGINE_CALL_CONTROL  1
#define TMEM_ENGINE_CALL_KILL     2
#define TMEM_ENGINE_CALL_RECLAIM  3
#define TMEM_ENGINE_CALL_KINDS    4
void tmem_engine_note_call_ns(unsigned int kind, uint32_t cmd, uint64_t ns);

/* Data pages that tmem_engine_reclaim() could free now. */
unsigned long tmem_engine_freeable_pages(void);

#endif /* TMEM_ENGINE_H */
