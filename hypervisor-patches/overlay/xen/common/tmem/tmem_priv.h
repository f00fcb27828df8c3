/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_priv.h: internal structures of the tmem engine, and the functions
 * its files share (at the end).
 *
 * Layout of the stored data:
 *
 *   global ─ clients[domid] ─ pools[0..15] ─ object hash (per pool)
 *                                            └ object ─ radix tree by index
 *                                                       └ page descriptor
 *
 * Page descriptors (struct tmem_pgd, 24 bytes) and objects live in slabs
 * addressed by 32-bit handles, so that links inside descriptors cost 4
 * bytes instead of 8.  A descriptor holds either a data page, a compressed
 * slot in the pool's zstore, or a same-filled 64-bit word.
 *
 * LOCK ORDER (outermost first; never acquire against this order except with
 * a trylock, and never call back into the guest while holding a spinlock
 * other than those of the page being copied):
 *
 *   1. tmem_global.lock       per-CPU rwlock (tmem_env.h).  read: every
 *                             guest/control op for its whole duration, never
 *                             nested; write: creating and destroying
 *                             clients, auth, restoring a client's pools, and
 *                             draining the per-CPU descriptor caches; it
 *                             excludes everything below.  What one guest
 *                             can repeat at will never takes it.
 *   2. client->pools_lock     rwlock (tmem_rwspin_t): the client's pool
 *                             slots.  read: every op that uses the client's
 *                             pools; write: creating, joining, leaving and
 *                             freeing one of its pools, so that only the
 *                             client's own ops wait while it does.
 *      tmem_global.shared_lock  spinlock, after pools_lock: the shared-pool
 *                             table and each shared pool's sharers and
 *                             owner.
 *      (a pool has no lock of its own.)
 *   3. pool->obj_locks[i]     spinlock per hash-bucket group (i = hash %
 *                             64, whatever the bucket count): the objects
 *                             hashed there, their radix trees and the
 *                             descriptors in them.  Growing the hash takes
 *                             all 64 in order, so holding any one keeps
 *                             pool->buckets and pool->nbuckets stable.
 *                             A persistent pool keeps one page list per
 *                             object lock (pool->plist_head[i]), under that
 *                             lock: a persistent put or flush takes no lock
 *                             beyond its object's.  The list's save mark
 *                             (pool->plist_mark[i]) is under it too.
 *   4. tmem_global.lru_lock   spinlock: every LRU list and owner list.
 *   5. scratch->lock          per-CPU compression buffers.
 *   6. pool->zs.lock          compressed-page storage of the pool.
 *   7. slab locks, client->inv_lock, pool->rehash_lock   (leaves).
 *
 * client->save_lock is taken (trylock) by a save call before any object
 * lock and only under the global read lock; it serialises the savers' use
 * of the client's save cursor.
 *
 * Eviction starts at lru_lock and needs an object lock: it uses a trylock
 * and skips busy objects, so allocator pressure (tmem_engine_reclaim) can
 * be served from any context that does not hold lru_lock itself.  Eviction
 * holds no pool or client reference: it frees the page's data before it
 * drops the object lock, and pool destruction takes every object lock
 * before freeing the pool, so the pool outlives any eviction in it.  Memory is
 * never allocated while holding lru_lock, plist_lock, a zstore lock or a
 * slab lock, so a reclaim hook in the allocator cannot self-deadlock.
 */
#ifndef TMEM_PRIV_H
#define TMEM_PRIV_H

#include "tmem_engine.h"
#include "tmem_lzo.h"

#define TMEM_PAGE_SIZE       TMEM_ENGINE_PAGE_SIZE
#define TMEM_CACHE_LINE      64
#define tmem_unlikely(x)     __builtin_expect(!!(x), 0)

/*
 * ---- slabs of fixed-size items with 32-bit handles (0 = none) ----
 *
 * A handle is chunk number << TMEM_SLAB_CHUNK_SHIFT | item.  Each chunk
 * keeps its own free list and count, so a chunk whose last item is freed
 * goes back to the environment at once (one empty chunk is kept as a
 * spare against alloc/free at a chunk boundary): metadata that flushes and
 * eviction free is returned to Xen while other clients still hold pages.
 * Chunks with free items are on the partial list; allocation takes from
 * its head.
 */

/*
 * 512 items a chunk: 12-32 KiB, which Xen's allocator gives at once even
 * while it still scrubs free memory; up to 2^27 items a slab.
 */
#define TMEM_SLAB_CHUNK_SHIFT  9
#define TMEM_SLAB_CHUNK_ITEMS  (1u << TMEM_SLAB_CHUNK_SHIFT)
#define TMEM_SLAB_MID_ENTRIES  256
#define TMEM_SLAB_TOP_ENTRIES  1024
#define TMEM_SLAB_MAX_CHUNKS   (TMEM_SLAB_MID_ENTRIES * TMEM_SLAB_TOP_ENTRIES)

struct tmem_slab_chunk {
    uint8_t *mem;                /* NULL: chunk number not in use */
    uint32_t free;               /* first free item + 1 (0: none) */
    uint32_t fresh;              /* lowest never-used item */
    uint32_t used;
    uint32_t prev, next;         /* partial list: chunk number + 1; with
                                    mem NULL, next links free numbers */
};

struct tmem_slab {
    tmem_spinlock_t lock;
    uint32_t item_size;
    uint32_t partial;            /* chunk number + 1 (0: none) */
    uint32_t nr_chunks;          /* chunk numbers below this may be used */
    uint32_t live_chunks;
    uint32_t free_nums;          /* chunk number + 1 free for reuse */
    uint8_t *spare;              /* an empty chunk kept for the next one */
    long in_use;                 /* atomic: read without the lock */
    struct tmem_slab_chunk *top[TMEM_SLAB_TOP_ENTRIES];
};

static inline struct tmem_slab_chunk *tmem_slab_chunk(
    const struct tmem_slab *s, uint32_t c)
{
    return &s->top[c / TMEM_SLAB_MID_ENTRIES][c % TMEM_SLAB_MID_ENTRIES];
}

static inline void *tmem_slab_ptr(const struct tmem_slab *s, uint32_t h)
{
    return tmem_slab_chunk(s, h >> TMEM_SLAB_CHUNK_SHIFT)->mem +
           (size_t)(h & (TMEM_SLAB_CHUNK_ITEMS - 1)) * s->item_size;
}

/* ---- page descriptors ---- */

#define TMEM_PGD_RAW     0u      /* data = struct tmem_env_page * */
#define TMEM_PGD_FILL    1u      /* data = the repeated 64-bit word */
#define TMEM_PGD_LZO     2u      /* data = zpage | chunk << 32 | len << 38 */
#define TMEM_PGD_KIND_SHIFT 28
#define TMEM_PGD_OBJ_MASK   0x0fffffffu
/*
 * Save: this page (or an older copy at its key) was streamed out, so its
 * removal must reach the receiver as an invalidation.  May be stale from an
 * earlier save; that only costs a redundant invalidation.
 */
#define TMEM_PGD_SENT       0x40000000u

struct tmem_pgd {
    uint64_t data;
    uint32_t index;
    uint32_t obj;                /* object handle | kind << 28 | SENT */
    uint32_t prev, next;         /* LRU (ephemeral) or persistent list */
};

static inline unsigned int tmem_pgd_kind(const struct tmem_pgd *p)
{
    return (p->obj >> TMEM_PGD_KIND_SHIFT) & 3;
}

/* ---- per-object radix tree over the 32-bit page index ---- */

#define TMEM_RADIX_SHIFT   6
#define TMEM_RADIX_SLOTS   (1u << TMEM_RADIX_SHIFT)
#define TMEM_RADIX_MAX_HEIGHT 6  /* 6 * 6 >= 32 bits */

struct tmem_rleaf {
    uint32_t count;
    uint32_t slot[TMEM_RADIX_SLOTS];  /* descriptor handles */
};

struct tmem_rnode {
    uint32_t count;
    void *child[TMEM_RADIX_SLOTS];
};

struct tmem_obj {
    uint64_t oid[3];
    struct tmem_pool *pool;
    void *root;
    uint32_t hnext;              /* next object in the hash chain */
    uint32_t nr_pages;
    uint32_t hash;
    uint8_t height;
    bool dead;                   /* unhashed: on a dead list until drained */
};

/*
 * ---- metadata accounts: one per client (its private pools, its queued
 * invalidations), one per shared pool ----
 *
 * Every byte of metadata the engine allocates on a guest's behalf (pool,
 * hash table, objects, index nodes, page descriptors, compressed-page
 * records) is charged to one account before it is allocated and given back
 * when it is freed, so a guest can never make Xen hold more than its
 * limit, even with pages that need no data page at all.
 */
struct tmem_meta {
    long bytes;                  /* atomic: charged now */
    long bytes_max;              /* statistics */
    long limit;                  /* atomic: set by the control plane */
    long refused;                /* atomic: charges refused */
};

/* ---- LRU owners: one per client (private pools), one per shared pool ---- */

struct tmem_lru {
    uint32_t head, tail;         /* oldest at head */
    long nr;                     /* atomic for readers; written under lock */
    long nr_max;
    long weight;                 /* atomic */
    struct tmem_lru *onext, *oprev;
};

/* ---- compressed storage: 64-byte chunks packed into data pages ---- */

#define TMEM_ZCHUNK_SHIFT  6
#define TMEM_ZCHUNK        (1u << TMEM_ZCHUNK_SHIFT)
#define TMEM_ZCHUNKS       (TMEM_PAGE_SIZE / TMEM_ZCHUNK)   /* 64 */

struct tmem_zpage {
    struct tmem_env_page *page;
    uint64_t used;               /* bit per chunk */
    uint32_t prev, next;         /* list of pages with the same maxfree */
    uint8_t maxfree;             /* longest free run, in chunks */
    uint8_t nr;                  /* compressed pages stored here */
};

struct tmem_zstore {
    tmem_spinlock_t lock;
    uint64_t nonempty;           /* bit k: list[k] has pages */
    uint32_t list[TMEM_ZCHUNKS];
    long nr_zpages;              /* atomic */
};

/* ---- pools ---- */

#define TMEM_POOL_LOCKS       64
#define TMEM_POOL_MIN_BUCKETS 64
#define TMEM_POOL_MAX_BUCKETS (1u << 18)

struct tmem_pool_stats {
    long pages, pages_max;               /* Pc Pm: exact (atomic) */
    long objs, objs_max;                 /* Oc Om: exact (atomic) */
};

/*
 * Operation counts: exact, yet no shared cache line is written on the data
 * path.  A counter set has a row per CPU slot and a shared row for
 * contexts that have no slot.  A slot's row has one writer, the slot's
 * owner (tmem_env.h), so a plain add loses nothing; LIST sums the rows.  A
 * row is 128 bytes, so two CPUs never write one line.
 */
#define TMEM_CNT_ROW  16

struct tmem_cnt_row {
    long v[TMEM_CNT_ROW];
};

struct tmem_counters {
    struct tmem_cnt_row *rows;           /* tmem_global.nr_pcpu rows */
    struct tmem_cnt_row shared;          /* atomic */
};

enum tmem_pool_count {                   /* LIST key */
    TMEM_PC_PUTS,                        /* pt */
    TMEM_PC_GOOD_PUTS,                   /* ps */
    TMEM_PC_DUP_FLUSHED,                 /* pd */
    TMEM_PC_DUP_REPLACED,                /* pr */
    TMEM_PC_NOMEM_PUTS,                  /* px */
    TMEM_PC_GETS,                        /* gt */
    TMEM_PC_GOOD_GETS,                   /* gs */
    TMEM_PC_FLUSHES,                     /* ft */
    TMEM_PC_GOOD_FLUSHES,                /* fs */
    TMEM_PC_OBJ_FLUSHES,                 /* ot */
    TMEM_PC_GOOD_OBJ_FLUSHES,            /* os */
    TMEM_PC_NR
};

enum tmem_client_count {
    TMEM_CC_EPH_GETS,                    /* Ge */
    TMEM_CC_PERS_PUTS,                   /* Pp */
    TMEM_CC_PERS_GETS,                   /* Gp */
    TMEM_CC_COMPRESSED_PAGES,            /* cp */
    TMEM_CC_COMPRESSED_BYTES,            /* cb */
    TMEM_CC_COMPRESS_POOR,               /* cn */
    TMEM_CC_NR
};

enum tmem_global_count {
    TMEM_GC_TOTAL_OPS,                   /* Tt */
    TMEM_GC_ERRORED_OPS,                 /* Te */
    TMEM_GC_EVICTED,                     /* Et */
    TMEM_GC_EVICT_ATTEMPTS,              /* Ea */
    TMEM_GC_EVICT_GAVE_UP,               /* Eg: calls that hit the budget */
    TMEM_GC_CALLS,                       /* Ln */
    TMEM_GC_CALLS_OVER_1MS,              /* L1 */
    TMEM_GC_RELINQ,                      /* Rt */
    TMEM_GC_RELINQ_ATTEMPTS,             /* Ra */
    TMEM_GC_NR
};

struct tmem_pool {
    struct tmem_client *client;          /* owner; shared: a sharer (changes
                                            under shared_lock) */
    uint64_t uuid[2];
    uint32_t flags;                      /* NEW_POOL encoding */
    bool persistent, shared;
    struct tmem_env_owner *owner;        /* charged for its pages: its
                                            client's (private pools) */
    int shared_idx;                      /* slot in the shared table, -1 */
    unsigned int nr_sharers;             /* under shared_lock */
    uint16_t sharers[TMEM_ENGINE_MAX_SHARERS];

    uint64_t hash_key[2];                /* SipHash key: secret per pool */
    uint32_t nbuckets;
    uint32_t *buckets;                   /* object handles */
    /*
     * Growing: the table before the last growth, whose chains puts move
     * to buckets a few at a time, so that no put rehashes a whole table.
     * An object is in its old chain until that is moved, then in its new
     * one; both are under the same object lock (hash % TMEM_POOL_LOCKS).
     * old_buckets and old_nbuckets change under every object lock (and
     * rehash_lock); rehash_next and rehash_done under rehash_lock.
     */
    uint32_t *old_buckets;
    uint32_t old_nbuckets;
    uint32_t rehash_next, rehash_done;
    long rehashing;                      /* atomic hint: old_buckets set */
    tmem_spinlock_t rehash_lock;
    tmem_spinlock_t obj_locks[TMEM_POOL_LOCKS];

    struct tmem_lru *lru;                /* where its ephemeral pages go */
    struct tmem_lru own_lru;             /* used by shared pools */
    struct tmem_meta *meta;              /* where its metadata is charged */
    struct tmem_meta own_meta;           /* used by shared pools */
    struct tmem_zstore zs;

    /* Persistent pages, oldest first, one list per object lock. */
    uint32_t plist_head[TMEM_POOL_LOCKS], plist_tail[TMEM_POOL_LOCKS];
    /*
     * Save: the last page of each list already streamed in this save, 0 if
     * none.  Puts append, so every page after the mark is new since it was
     * last passed; removing the mark moves it back to its predecessor.
     */
    uint32_t plist_mark[TMEM_POOL_LOCKS];
    /*
     * Dying: no op can use it any more (set with its client's pools_lock
     * held for writing, or the global write lock);
     * tmem_client_reap() frees what it holds, from bucket reap_bucket on.
     */
    bool dying;
    uint32_t reap_bucket;
    /* Dead objects (see tmem_obj_drain()), one list per object lock. */
    uint32_t dead_head[TMEM_POOL_LOCKS];
    long nr_dead;                        /* atomic */

    struct tmem_pool_stats st;           /* all atomic */
    struct tmem_counters cnt;            /* enum tmem_pool_count */
};

/* ---- clients ---- */

#define TMEM_MAX_AUTH 16

struct tmem_inv {
    struct tmem_inv *next;
    int32_t pool_id;
    uint32_t index;
    uint64_t oid[3];
};

struct tmem_client {
    uint16_t id;
    struct tmem_env_owner *owner;        /* its domain, for its life */
    /* Both under pools_lock (write), or the global write lock. */
    tmem_rwspin_t pools_lock;
    struct tmem_pool *pools[TMEM_ENGINE_MAX_POOLS_PER_CLIENT];
    uint32_t private_slots;              /* bit i: pools[i] is private */
    long frozen, compress;               /* atomic */
    struct tmem_lru lru;
    struct tmem_meta meta;
    unsigned int nr_auth;                /* under global write lock */
    uint64_t auth[TMEM_MAX_AUTH][2];

    /* Puts past the page cap check and not yet done (atomic). */
    long cap_inflight;

    struct tmem_counters cnt;            /* enum tmem_client_count */

    /*
     * Save iteration.  saving is the session's token (0: none), atomic;
     * save_reset (atomic) says the pool set changed or an invalidation was
     * lost, so the stream starts over.  The cursor (which pool and which
     * list a round is in) is under save_lock; the position inside a list is
     * that list's mark.  Invalidations wait in inv_head; their order
     * among themselves does not matter, as each one only deletes.
     */
    long saving, save_reset, save_seq;
    bool save_live, was_frozen;
    unsigned int save_pool, save_list;
    tmem_spinlock_t save_lock;
    tmem_spinlock_t inv_lock;
    struct tmem_inv *inv_head;

    /*
     * Dying: being destroyed (set under the global write lock); no op sees
     * the client any more.  reap_lock (trylock, under the global read lock
     * only) makes one context at a time free its dying pools and itself.
     */
    bool dying;
    tmem_spinlock_t reap_lock;
};

/* ---- per-CPU scratch: bounce page, compression output, LZO dictionary --- */

struct tmem_scratch {
    /* Buffers first: word-aligned because the allocation is. */
    uint8_t page[TMEM_PAGE_SIZE];
    uint8_t cbuf[TMEM_PAGE_SIZE];
    struct tmem_lzo_wrk wrk;
    tmem_spinlock_t lock;
};

/*
 * ---- per-CPU caches (tmem_env_cpu_slot()): no lock ----
 *
 * Descriptor handles taken from / given back to tmem_global.pgd_slab in
 * batches, so that a put or flush under the global read lock takes no slab
 * lock.  Only the slot's owner touches a cache, and only inside a guest or
 * control op (global lock held, read or write); eviction and pool
 * teardown, which may run without the global lock, use the slab directly.
 * Holding the global lock for writing therefore makes every cache
 * quiescent: that is when they are drained (client destruction).  Handles
 * in a cache count in pgd_slab.in_use; LIST's Pc subtracts them
 * (tmem_pgd_count()).
 */
#define TMEM_MAG_SIZE   32
#define TMEM_MAG_BATCH  16

struct tmem_pcpu {
    long nr_pgd;                         /* read by LIST: relaxed atomic */
    uint32_t pgd[TMEM_MAG_SIZE];
    /*
     * Data pages allocated minus freed by this slot and not yet folded
     * into tmem_global.st.data_pages (folded at +-TMEM_PCPU_FOLD).  Any
     * engine call may use it (eviction and teardown too: a slot is its
     * caller's for the whole call), so no page ever costs a shared locked
     * add here.
     */
    long data_pages;
    /*
     * Work units (loop steps: a page put, got, flushed, examined by
     * eviction or released by teardown; a client or pool slot visited)
     * of the engine call this slot's owner is in; taken and cleared when
     * the environment notes the call's time, so that LIST can show the
     * work of the longest call beside its time.
     */
    unsigned long call_work;
    uint8_t pad[40];                     /* 192 bytes: no shared lines */
};
#define TMEM_PCPU_FOLD  32

/* ---- global state ---- */

/* Most pages one eviction call examines in a row without freeing any. */
#define TMEM_EVICT_MAX_EXAMINED 4096

struct tmem_global_stats {
    long call_max_ns;                    /* Lc (us): longest engine call */
    long call_kind_ns[TMEM_ENGINE_CALL_KINDS];   /* Lg Lt Lk Lr */
    long call_kind_cmd[TMEM_ENGINE_CALL_KINDS];  /* Lo Lq */
    long call_max_work;                  /* Lw: work units of Lc's call */
    long work_max, work_max_ns;          /* Wm Wt (us): most work in a call */
    long eph_pages, eph_pages_max;       /* Ec Em */
    long objs, objs_max;                 /* Oc Om */
    long pgds_max;                       /* Pm (Pc is the slab count) */
    long data_pages, data_pages_max;     /* Fc (+ per-CPU deltas) Fm */
    long eph_data_pages;                 /* freeable now */
};

struct tmem_global {
    tmem_rwlock_t lock;
    struct tmem_client **clients;        /* TMEM_ENGINE_MAX_CLIENTS */
    long client_ids_end;                 /* 1 + highest id ever given */
    tmem_spinlock_t shared_lock;
    struct tmem_pool *shared[TMEM_ENGINE_MAX_SHARED_POOLS];

    tmem_spinlock_t lru_lock;
    struct tmem_lru *owners;             /* every registered LRU */

    struct tmem_slab pgd_slab, obj_slab, zpage_slab;

    unsigned int nr_scratch;
    struct tmem_scratch **scratch;

    unsigned int nr_pcpu;
    struct tmem_pcpu *pcpu;

    struct tmem_global_stats st;
    struct tmem_counters cnt;            /* enum tmem_global_count */
    bool initialised;
};

extern struct tmem_global tmem_global;

/* ---- helpers of every file ---- */

static inline void tmem_stat_max(long *max, long cur)
{
    if ( tmem_atomic_read(max) < cur )
        tmem_atomic_set(max, cur);
}

/*
 * Loops over every client stop here, not at TMEM_ENGINE_MAX_CLIENTS: ids
 * follow domain ids, so a host's loops cost what its domains do.
 */
static inline unsigned int tmem_client_ids_end(void)
{
    return (unsigned int)tmem_atomic_read(&tmem_global.client_ids_end);
}

/*
 * A count written only under its lock (or by one writer) and read without
 * it: a relaxed load and store, no locked instruction.
 */
static inline void tmem_stat_add(long *p, long v)
{
    tmem_atomic_set(p, tmem_atomic_read(p) + v);
}

/* Count v more of counter i of set k (enum tmem_*_count). */
static inline void tmem_cnt_add(struct tmem_counters *k, unsigned int i,
                                long v)
{
    unsigned int slot = tmem_env_cpu_slot();

    if ( slot < tmem_global.nr_pcpu )
        tmem_stat_add(&k->rows[slot].v[i], v);
    else
        tmem_atomic_add(&k->shared.v[i], v);
}

static inline void tmem_cnt_inc(struct tmem_counters *k, unsigned int i)
{
    tmem_cnt_add(k, i, 1);
}

static inline struct tmem_pgd *tmem_pgd_ptr(uint32_t h)
{
    return tmem_slab_ptr(&tmem_global.pgd_slab, h);
}

static inline struct tmem_obj *tmem_obj_ptr(uint32_t h)
{
    return tmem_slab_ptr(&tmem_global.obj_slab, h);
}

/* The calling context's per-CPU slot, or NULL when it has none. */
static inline struct tmem_pcpu *tmem_pcpu_mine(void)
{
    unsigned int cpu = tmem_env_cpu_slot();

    return cpu < tmem_global.nr_pcpu ? &tmem_global.pcpu[cpu] : NULL;
}

/* The calling engine call did n more work units (struct tmem_pcpu). */
static inline void tmem_call_work(unsigned long n)
{
    struct tmem_pcpu *pc = tmem_pcpu_mine();

    if ( pc )
        pc->call_work += n;
}

/* The object lock of an oid's hash. */
static inline tmem_spinlock_t *tmem_obj_lock(struct tmem_pool *pool,
                                             uint32_t hash)
{
    return &pool->obj_locks[hash % TMEM_POOL_LOCKS];
}

/* The persistent list (and object lock) of an oid's hash. */
static inline unsigned int tmem_plist_of(uint32_t hash)
{
    return hash % TMEM_POOL_LOCKS;
}

/* The pool in slot, unless the slot is empty or its pool is dying. */
static inline struct tmem_pool *tmem_pool_live(const struct tmem_client *c,
                                               unsigned int slot)
{
    struct tmem_pool *pool = c->pools[slot];

    return pool && !pool->dying ? pool : NULL;
}

/* Where a put's data comes from / a get's data goes. */
struct tmem_xfer {
    struct tmem_env_caller *caller;      /* guest frame if non-NULL */
    uint64_t frame;
    void *buf;                           /* else this buffer */
};

/* A put's data once stored, before a descriptor holds it. */
struct tmem_prep {
    uint64_t data;
    unsigned int kind;
};

/*
 * ---- between the engine's files ----
 *
 * What each file offers the others, by the file that defines it; anything
 * not here is static to its file.
 */

/* tmem_slab.c: slabs, metadata accounts, per-CPU descriptor caches. */
void tmem_slab_init(struct tmem_slab *s, uint32_t item_size);
uint32_t tmem_slab_alloc(struct tmem_slab *s);
void tmem_slab_free(struct tmem_slab *s, uint32_t h);
void tmem_slab_trim(struct tmem_slab *s);
void tmem_slab_destroy(struct tmem_slab *s);
void tmem_meta_init(struct tmem_meta *m, long limit);
bool tmem_meta_charge(struct tmem_meta *m, size_t n);
void tmem_meta_uncharge(struct tmem_meta *m, size_t n);
void *tmem_meta_zalloc(struct tmem_meta *m, size_t n);
void tmem_meta_free(struct tmem_meta *m, void *p, size_t n);
uint32_t tmem_pgd_alloc(void);
void tmem_pgd_free_handle(uint32_t h);
void tmem_pcpu_drain(void);
size_t tmem_cnt_bytes(void);
bool tmem_cnt_init(struct tmem_counters *k);
void tmem_cnt_fini(struct tmem_counters *k);
long tmem_cnt_read(const struct tmem_counters *k, unsigned int i);
long tmem_pgd_count(void);

/* tmem_index.c: the object hash and its growth, objects, radix trees. */
uint32_t tmem_oid_hash(const struct tmem_pool *pool, const uint64_t oid[3]);
struct tmem_obj *tmem_obj_find(struct tmem_pool *pool, const uint64_t oid[3],
                               uint32_t hash, uint32_t *ohp);
struct tmem_obj *tmem_obj_create(struct tmem_pool *pool,
                                 const uint64_t oid[3], uint32_t hash,
                                 uint32_t *ohp);
void tmem_obj_unhash(struct tmem_pool *pool, uint32_t oh,
                     struct tmem_obj *obj);
void tmem_obj_free(struct tmem_pool *pool, uint32_t oh, struct tmem_obj *obj);
bool tmem_pool_wants_growth(struct tmem_pool *pool);
void tmem_pool_grow(struct tmem_pool *pool);
void tmem_pool_rehash_step(struct tmem_pool *pool);
uint32_t *tmem_radix_slot(const struct tmem_obj *obj, uint32_t index);
uint32_t *tmem_radix_slot_create(struct tmem_obj *obj, uint32_t index,
                                 struct tmem_rleaf **leafp);
uint32_t tmem_radix_remove(struct tmem_obj *obj, uint32_t index);
void tmem_radix_prune(struct tmem_obj *obj, uint32_t index);
struct tmem_rleaf *tmem_radix_pop_leaf(struct tmem_obj *obj);
void tmem_radix_node_free(const struct tmem_obj *obj, void *n,
                          unsigned int h);

/* tmem_store.c: data pages, compressed storage, transfers. */
struct tmem_env_page *tmem_data_page_alloc(struct tmem_pool *pool);
void tmem_data_page_free(struct tmem_pool *pool, struct tmem_env_page *pg);
long tmem_data_pages_count(void);
void tmem_prefetch_page_w(void *va);
int tmem_xfer_in(const struct tmem_xfer *x, void *dst);
bool tmem_same_filled(const void *va, uint64_t *word);
int tmem_prepare(struct tmem_pool *pool, struct tmem_client *actor,
                 const struct tmem_xfer *x, struct tmem_prep *pr);
void tmem_prep_undo(struct tmem_pool *pool, const struct tmem_prep *pr);
unsigned int tmem_pgd_free_data(struct tmem_pool *pool,
                                const struct tmem_pgd *p);
int tmem_pgd_read(const struct tmem_pgd *p, const struct tmem_xfer *x);

/* tmem_pool.c: page lists, descriptor removal, put / get / flush. */
void tmem_lru_del(struct tmem_lru *l, struct tmem_pgd *p);
void tmem_plist_del(struct tmem_pool *pool, unsigned int list, uint32_t h,
                    struct tmem_pgd *p);
unsigned int tmem_pgd_release(struct tmem_pool *pool, uint32_t h);
long tmem_pool_put(struct tmem_pool *pool, const uint64_t oid[3],
                   uint32_t index, const struct tmem_xfer *x);
long tmem_pool_get(struct tmem_pool *pool, const uint64_t oid[3],
                   uint32_t index, const struct tmem_xfer *x, bool exclusive);
long tmem_pool_flush_page(struct tmem_pool *pool, const uint64_t oid[3],
                          uint32_t index);

/* tmem_teardown.c: objects and pools taken apart in bounded steps. */
long tmem_pool_flush_object(struct tmem_pool *pool, const uint64_t oid[3]);
bool tmem_pool_reap(struct tmem_pool *pool, unsigned long *work,
                    unsigned long budget);

/* tmem_evict.c: LRU owners, eviction. */
void tmem_lru_register(struct tmem_lru *l, long weight);
void tmem_lru_unregister(struct tmem_lru *l);
int tmem_evict_one(struct tmem_lru *only);
long tmem_evict(struct tmem_lru *only, unsigned long nr_pages,
                bool relinquish);

/* tmem_client.c: clients and pools. */
struct tmem_client *tmem_client_get(uint16_t cli_id);
struct tmem_client *tmem_client_get_or_create(uint16_t cli_id);
int tmem_client_slot_of(const struct tmem_client *c,
                        const struct tmem_pool *pool);
int tmem_pool_create(struct tmem_client *c, int slot, uint32_t flags,
                     const uint64_t uuid[2]);
long tmem_pool_kill(struct tmem_client *c, int slot);
long tmem_client_reap(uint16_t cli_id);

/* tmem_save.c: queued invalidations, the save session. */
void tmem_record_inv(struct tmem_pool *pool, const struct tmem_pgd *p);
void tmem_client_drop_invs(struct tmem_client *c);
long tmem_save_begin(struct tmem_client *c, uint32_t arg);
long tmem_save_next(struct tmem_client *c, struct tmem_engine_ctl *ctl);
long tmem_save_next_inv(struct tmem_client *c, struct tmem_engine_ctl *ctl);
long tmem_save_end(struct tmem_client *c, uint32_t token);

/* tmem_ops.c: guest operations. */
int tmem_pool_flags_check(uint32_t flags);

#endif /* TMEM_PRIV_H */
