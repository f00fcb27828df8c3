// SPDX-License-Identifier: GPL-2.0
/*
 * tmem_hostile.c: a hostile tmem client.  Loaded into a Xen PV guest, it
 * attacks the hypervisor's transcendent memory through hypercall 38 for a
 * while and checks every answer against the guest ABI.
 *
 *   insmod tmem_hostile.ko [seconds=30] [seed=1] [flood_max=262144]
 *                          [burst_gap_ms=0]
 *
 * insmod returns at once: a kernel thread does the work.  At load the
 * module takes every free pool slot of its client (NEW_POOL until -EPERM),
 * so it knows which slots are its own, and gives them back (they are the
 * "unused" slots below).  Slots it did not get belong to another tmem user
 * of this guest and are never touched; the module is "exclusive" only if it
 * got all 16, and checks some results (free in-range slots, the 16-pool
 * limit) only then.  Run it in a guest booted without the tmem driver.
 *
 * The thread then mixes, at random (seeded by seed=):
 *  - NEW_POOL with valid flags (private persistent or ephemeral, shared
 *    with a random, unauthorised UUID: that must give a private pool);
 *  - NEW_POOL with reserved flag bits, a wrong spec version, a wrong page
 *    size, shared+persistent, PRECOMPRESSED: -EPERM expected;
 *  - DESTROY_POOL of its pools (1) and of negative, out of range, unused
 *    and destroyed pool ids (0);
 *  - PUT, GET, FLUSH_PAGE and FLUSH_OBJECT on negative, out of range,
 *    unused and destroyed pool ids: -ENODEV expected;
 *  - unknown commands (0, 3, 8, 9, 10, 101, 102, random ones): an error,
 *    -ENOSYS for all but the three control-plane ones (0, 101, 102);
 *  - PUT and GET with its own pages, with huge and beyond-RAM frames
 *    (-EINVAL/-EFAULT), with foreign machine frames (frame 0, random frames
 *    below the host's highest RAM page that this guest does not own:
 *    -EFAULT);
 *  - FLUSH_PAGE and FLUSH_OBJECT on its keys and on random oids (1);
 *  - every few seconds a flood of persistent puts of distinct pages, until
 *    -ENOMEM, then half of the flood is flushed again (or the pool is
 *    destroyed); every other flood is a metadata flood instead: zero
 *    pages (no data page needed) each in an object of its own at a sparse
 *    index, which costs Xen only metadata, until the client's metadata
 *    limit answers -ENOMEM; then a churn burst (NEW_POOL, one put,
 *    DESTROY_POOL, up to 2000 times, persistent and ephemeral in turn);
 *    then a collision flood: zero pages under oids of a family chosen to
 *    share one hash chain (under the mixing Xen's object hash used before
 *    it was keyed), each its own object, until -ENOMEM or 50000, flushed
 *    after.
 * It remembers every page it holds ((pool, oid, index) -> version, the
 * content being a function of seed and version), so that it also checks
 * that a persistent page is there and intact until flushed, that an
 * ephemeral page, if found, is intact and is found once, that a failed put
 * leaves no older copy behind and that a failed get writes nothing.
 * A result the ABI does not allow is a violation: counted, and the first
 * ones logged with pr_err ("violation: ...").  The persistent pages held at
 * once must not exceed the domain's allowance (maximum minus current
 * reservation at load, parameter quota_pages) plus a small slack.
 *
 * Parameters (read-only in /sys/module/tmem_hostile/parameters/):
 *   seconds, seed, flood_max  as given (flood_max caps a flood's pages
 *                             when the allowance is unknown);
 *   burst_gap_ms              time between two bursts (floods, churn);
 *                             0 (default): 1 to 4 s at random;
 *   ops, ok, errors, enomem   hypercalls made, results >= 0, < 0, -ENOMEM;
 *   violations                results the ABI does not allow (want 0);
 *   max_persistent_pages      most persistent pages held at once (puts
 *                             returning 1 for a new (pool, oid, index),
 *                             minus flushes, failed puts and destroys);
 *   persistent_pages          persistent pages held now;
 *   floods                    floods run; flood_enomem: ended by -ENOMEM;
 *   meta_floods               metadata floods run; meta_flood_enomem: ended
 *                             by -ENOMEM, meta_flood_pages: pages the
 *                             largest one stored;
 *   churns, churn_pools       churn bursts run, pools they made and
 *                             destroyed;
 *   collision_floods          collision floods run; collision_objects:
 *                             objects the largest one stored;
 *   quota_pages               the allowance above (-1: unknown);
 *   exclusive                 1 if all 16 pool slots were this module's;
 *   done                      1 once the run is over.
 * At the end: one line "tmem_hostile: N ops, ..." and one line per kind of
 * operation with its results by return code ("put: 1=... ENOMEM=...").
 * rmmod stops the thread (early if need be) and destroys the pools.
 * Loading fails with -ENODEV outside a Xen PV guest, -EOPNOTSUPP when the
 * hypervisor has no tmem, -EBUSY when no pool slot is free.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>
#include <xen/interface/memory.h>
#include <xen/page.h>
#include <xen/xen.h>

#include "abi_hcall.h"
#include "hostile_logic.h"

static unsigned int seconds = 30;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "How long to attack (default 30)");

static ulong seed = 1;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "Seed of the random choices and page contents");

static uint burst_gap_ms;
module_param(burst_gap_ms, uint, 0444);
MODULE_PARM_DESC(burst_gap_ms, "Time between two bursts (0: 1 to 4 s at random)");

static ulong flood_max = 262144;
module_param(flood_max, ulong, 0444);
MODULE_PARM_DESC(flood_max, "Pages per flood at most if the allowance is unknown");

static ulong ops;
module_param(ops, ulong, 0444);
MODULE_PARM_DESC(ops, "Hypercalls made");

static ulong ok;
module_param(ok, ulong, 0444);
MODULE_PARM_DESC(ok, "Hypercalls that returned >= 0");

static ulong errors;
module_param(errors, ulong, 0444);
MODULE_PARM_DESC(errors, "Hypercalls that returned < 0");

static ulong enomem;
module_param(enomem, ulong, 0444);
MODULE_PARM_DESC(enomem, "Hypercalls that returned -ENOMEM");

static ulong violations;
module_param(violations, ulong, 0444);
MODULE_PARM_DESC(violations, "Results the ABI does not allow");

static ulong max_persistent_pages;
module_param(max_persistent_pages, ulong, 0444);
MODULE_PARM_DESC(max_persistent_pages, "Most persistent pages held at once");

static ulong persistent_pages;
module_param(persistent_pages, ulong, 0444);
MODULE_PARM_DESC(persistent_pages, "Persistent pages held now");

static uint floods;
module_param(floods, uint, 0444);
MODULE_PARM_DESC(floods, "Floods of persistent puts run");

static uint flood_enomem;
module_param(flood_enomem, uint, 0444);
MODULE_PARM_DESC(flood_enomem, "Floods that ended with -ENOMEM");

static uint meta_floods;
module_param(meta_floods, uint, 0444);
MODULE_PARM_DESC(meta_floods, "Metadata floods run");

static uint meta_flood_enomem;
module_param(meta_flood_enomem, uint, 0444);
MODULE_PARM_DESC(meta_flood_enomem, "Metadata floods Xen stopped with -ENOMEM");

static ulong meta_flood_pages;
module_param(meta_flood_pages, ulong, 0444);
MODULE_PARM_DESC(meta_flood_pages, "Pages the largest metadata flood stored");

static uint churns;
module_param(churns, uint, 0444);
MODULE_PARM_DESC(churns, "Pool churn bursts run");

static ulong churn_pools;
module_param(churn_pools, ulong, 0444);
MODULE_PARM_DESC(churn_pools, "Pools the churn bursts made and destroyed");

static uint collision_floods;
module_param(collision_floods, uint, 0444);
MODULE_PARM_DESC(collision_floods, "Collision floods run");

static ulong collision_objects;
module_param(collision_objects, ulong, 0444);
MODULE_PARM_DESC(collision_objects, "Objects the largest collision flood stored");

static long quota_pages = -1;
module_param(quota_pages, long, 0444);
MODULE_PARM_DESC(quota_pages, "Persistent pages the domain may hold (-1: unknown)");

static uint exclusive;
module_param(exclusive, uint, 0444);
MODULE_PARM_DESC(exclusive, "1 if this module had all 16 pool slots");

static uint done;
module_param(done, uint, 0444);
MODULE_PARM_DESC(done, "1 once the run is over");

#define HOSTILE_SLOTS		ABI_MAX_POOLS
#define HOSTILE_NR_PAGES	8
#define HOSTILE_SMALL_OBJS	16	/* oids {1..16, 0, 0} */
#define HOSTILE_SMALL_INDEX	64
#define HOSTILE_FLOOD_OBJ	BIT_ULL(20)	/* flood oids from here on */
#define HOSTILE_FLOOD_INDEX	1024	/* pages per flood object */
#define HOSTILE_QUOTA_SLACK	64
#define HOSTILE_MAX_REPORTS	20
#define HOSTILE_VER_UNKNOWN	0	/* held, content unknown */
#define HOSTILE_POISON		0x5a5a5a5aa5a5a5a5ULL

enum hostile_op {
	OP_NEW_POOL,		/* valid flags */
	OP_NEW_POOL_SHARED,	/* shared, unauthorised UUID */
	OP_NEW_POOL_BAD,	/* flags to refuse */
	OP_DESTROY,		/* one of its pools */
	OP_DESTROY_BAD,		/* bad pool ids */
	OP_POOL_NEGATIVE,	/* page ops on pool ids < 0 */
	OP_POOL_RANGE,		/* ... on pool ids >= 16 */
	OP_POOL_UNUSED,		/* ... on free slots never used for data */
	OP_POOL_DESTROYED,	/* ... on slots whose pool was destroyed */
	OP_BAD_CMD,
	OP_PUT,
	OP_PUT_HUGE,
	OP_PUT_FOREIGN,
	OP_GET,
	OP_GET_HUGE,
	OP_GET_FOREIGN,
	OP_FLUSH_PAGE,
	OP_FLUSH_OBJECT,
	OP_FLOOD_PUT,
	OP_FLOOD_FLUSH,
	OP_NR
};

static const char * const hostile_op_name[OP_NR] = {
	[OP_NEW_POOL] = "new_pool",
	[OP_NEW_POOL_SHARED] = "new_pool_shared",
	[OP_NEW_POOL_BAD] = "new_pool_bad_flags",
	[OP_DESTROY] = "destroy",
	[OP_DESTROY_BAD] = "destroy_bad_id",
	[OP_POOL_NEGATIVE] = "pool_negative",
	[OP_POOL_RANGE] = "pool_out_of_range",
	[OP_POOL_UNUSED] = "pool_unused",
	[OP_POOL_DESTROYED] = "pool_destroyed",
	[OP_BAD_CMD] = "bad_cmd",
	[OP_PUT] = "put",
	[OP_PUT_HUGE] = "put_huge_frame",
	[OP_PUT_FOREIGN] = "put_foreign_frame",
	[OP_GET] = "get",
	[OP_GET_HUGE] = "get_huge_frame",
	[OP_GET_FOREIGN] = "get_foreign_frame",
	[OP_FLUSH_PAGE] = "flush_page",
	[OP_FLUSH_OBJECT] = "flush_object",
	[OP_FLOOD_PUT] = "flood_put",
	[OP_FLOOD_FLUSH] = "flood_flush",
};

/* How often each operation is picked (per mille); floods are timed. */
static const unsigned short hostile_weight[OP_NR] = {
	[OP_NEW_POOL] = 4,
	[OP_NEW_POOL_SHARED] = 2,
	[OP_NEW_POOL_BAD] = 40,
	[OP_DESTROY] = 4,
	[OP_DESTROY_BAD] = 20,
	[OP_POOL_NEGATIVE] = 25,
	[OP_POOL_RANGE] = 25,
	[OP_POOL_UNUSED] = 25,
	[OP_POOL_DESTROYED] = 25,
	[OP_BAD_CMD] = 50,
	[OP_PUT] = 240,
	[OP_PUT_HUGE] = 30,
	[OP_PUT_FOREIGN] = 50,
	[OP_GET] = 210,
	[OP_GET_HUGE] = 30,
	[OP_GET_FOREIGN] = 50,
	[OP_FLUSH_PAGE] = 60,
	[OP_FLUSH_OBJECT] = 30,
};

enum hostile_slot_state {
	SLOT_OTHER,		/* another tmem user's: never touched */
	SLOT_UNUSED,		/* free, never used for data */
	SLOT_DESTROYED,		/* free, its pool was destroyed */
	SLOT_LIVE,		/* one of this module's pools */
};

struct hostile_slot {
	enum hostile_slot_state state;
	bool persistent;
	struct xarray keys;	/* key -> xa_mk_value(version) */
	unsigned long nkeys;
	u64 flood_lo, flood_hi;	/* flood objects [lo, hi) */
};

struct hostile {
	struct rnd_state rnd;
	struct hostile_slot slot[HOSTILE_SLOTS];
	struct page *pages[HOSTILE_NR_PAGES];
	struct page *zero;	/* never written: same-filled */
	u64 serial;		/* version of the last page put */
	unsigned long held;	/* persistent pages held */
	u64 max_ram_page;	/* the host's highest RAM frame + 1 */
	u64 next_flood_obj;
	unsigned long next_flood;	/* jiffies */
	unsigned int turn;		/* which kind of burst comes next */
	unsigned long deadline;		/* jiffies */
	unsigned int weight_sum;
	unsigned int reported;
	unsigned long table[OP_NR][HB_NR];
};

static struct hostile *hostile_state;
static struct task_struct *hostile_task;

/* ---- randomness ---------------------------------------------------- */

static u32 hr32(struct hostile *h)
{
	return prandom_u32_state(&h->rnd);
}

static u64 hr64(struct hostile *h)
{
	u64 hi = hr32(h);

	return hi << 32 | hr32(h);
}

static u32 hrange(struct hostile *h, u32 n)
{
	return hr32(h) % n;
}

/* ---- hypercalls and accounting ----------------------------------- */

static long hostile_call(struct hostile *h, enum hostile_op op,
			 struct abi_tmem_op *t)
{
	long rc = abi_hcall(t);

	h->table[op][hostile_rc_bucket(rc)]++;
	WRITE_ONCE(ops, ops + 1);
	if (rc >= 0)
		WRITE_ONCE(ok, ok + 1);
	else
		WRITE_ONCE(errors, errors + 1);
	if (rc == -ABI_ENOMEM)
		WRITE_ONCE(enomem, enomem + 1);
	return rc;
}

/* Count a result the ABI does not allow; true if it was logged. */
static bool hostile_violation(struct hostile *h, enum hostile_op op,
			      const struct abi_tmem_op *t, long rc,
			      const char *why)
{
	WRITE_ONCE(violations, violations + 1);
	if (h->reported >= HOSTILE_MAX_REPORTS)
		return false;
	h->reported++;
	if (t->cmd == ABI_TMEM_NEW_POOL)
		pr_err("violation: %s: NEW_POOL flags %#x uuid %llx:%llx -> %ld: %s\n",
		       hostile_op_name[op], t->u.creat.flags,
		       t->u.creat.uuid[0], t->u.creat.uuid[1], rc, why);
	else
		pr_err("violation: %s: cmd %u pool %d oid %llx:%llx:%llx index %#x frame %#llx -> %ld: %s\n",
		       hostile_op_name[op], t->cmd, t->pool_id,
		       t->u.gen.oid.oid[0], t->u.gen.oid.oid[1],
		       t->u.gen.oid.oid[2], t->u.gen.index, t->u.gen.cmfn,
		       rc, why);
	return true;
}

static void hostile_page_op(struct hostile *h, struct abi_tmem_op *t,
			    u32 cmd, int pool, u64 key, u64 frame)
{
	abi_page_op(t, cmd, pool, hostile_key_obj(key), hostile_key_index(key),
		    frame);
	/* Unused by the ABI: whole pages only.  Must be ignored. */
	if (!hrange(h, 4)) {
		t->u.gen.tmem_offset = hr32(h);
		t->u.gen.pfn_offset = hr32(h);
		t->u.gen.len = hr32(h);
	}
}

/* An oid the module never puts to: oid[2] != 0. */
static void hostile_random_oid(struct hostile *h, struct abi_tmem_op *t)
{
	t->u.gen.oid.oid[0] = hr64(h);
	t->u.gen.oid.oid[1] = hr64(h);
	t->u.gen.oid.oid[2] = hr64(h) | 1;
	t->u.gen.index = hrange(h, 2) ? hr32(h) : U32_MAX;
}

static bool hostile_rc_absent(long rc)
{
	return rc == 0 || rc == -ABI_EEMPTY;
}

static bool hostile_rc_bad_frame(long rc)
{
	return rc == -ABI_EINVAL || rc == -ABI_EFAULT;
}

/* ---- pages and frames ---------------------------------------------- */

static struct page *hostile_page(struct hostile *h)
{
	return h->pages[hrange(h, HOSTILE_NR_PAGES)];
}

static void hostile_poison(struct page *page, u64 pattern)
{
	u64 *w = page_address(page);
	unsigned int i;

	for (i = 0; i < HOSTILE_PAGE_WORDS; i++)
		w[i] = pattern;
}

static bool hostile_poisoned(struct page *page, u64 pattern)
{
	const u64 *w = page_address(page);
	unsigned int i;

	for (i = 0; i < HOSTILE_PAGE_WORDS; i++)
		if (w[i] != pattern)
			return false;
	return true;
}

/* Not a frame of this guest's RAM: huge, or beyond the host's RAM. */
static u64 hostile_huge_frame(struct hostile *h)
{
	switch (hrange(h, 4)) {
	case 0:
		return ~0ULL;
	case 1:
		return (1ULL << 63) | hr64(h);
	case 2:
		return (1ULL << 40) + hr32(h);	/* beyond 52-bit addresses */
	default:
		return h->max_ram_page + hrange(h, 1U << 20);
	}
}

/* A machine frame this guest does not own (PV: frames are mfns). */
static u64 hostile_foreign_frame(struct hostile *h)
{
	unsigned int tries;
	u64 mfn;

	if (!hrange(h, 4) || h->max_ram_page < 2)
		return 0;
	for (tries = 0; tries < 8; tries++) {
		mfn = 1 + hr64(h) % (h->max_ram_page - 1);
		if (bfn_to_local_pfn(mfn) == ~0UL)
			return mfn;
	}
	return 0;
}

/* ---- what the module holds ------------------------------------------ */

static void hostile_dropped(struct hostile *h, struct hostile_slot *s)
{
	s->nkeys--;
	if (s->persistent) {
		h->held--;
		WRITE_ONCE(persistent_pages, h->held);
	}
}

static void hostile_forget(struct hostile *h, struct hostile_slot *s,
			   u64 key)
{
	if (xa_erase(&s->keys, key))
		hostile_dropped(h, s);
}

static void hostile_forget_obj(struct hostile *h, struct hostile_slot *s,
			       u64 obj)
{
	unsigned long idx = hostile_key(obj, 0);
	unsigned long last = hostile_key(obj, U32_MAX);

	while (xa_find(&s->keys, &idx, last, XA_PRESENT)) {
		xa_erase(&s->keys, idx);
		hostile_dropped(h, s);
		if (idx++ == last)
			break;
	}
}

static void hostile_forget_all(struct hostile *h, struct hostile_slot *s)
{
	if (s->persistent) {
		h->held -= s->nkeys;
		WRITE_ONCE(persistent_pages, h->held);
	}
	s->nkeys = 0;
	s->flood_lo = 0;
	s->flood_hi = 0;
	xa_destroy(&s->keys);
}

static void hostile_remember(struct hostile *h, int pool, u64 key, u64 ver)
{
	struct hostile_slot *s = &h->slot[pool];
	struct abi_tmem_op t;
	void *old;
	long rc;

	old = xa_store(&s->keys, key, xa_mk_value(ver), GFP_KERNEL);
	if (xa_is_err(old)) {
		/* Cannot track it: take it out of tmem too. */
		hostile_page_op(h, &t, ABI_TMEM_FLUSH_PAGE, pool, key, 0);
		rc = hostile_call(h, OP_FLUSH_PAGE, &t);
		if (rc != 1)
			hostile_violation(h, OP_FLUSH_PAGE, &t, rc,
					  "flush must return 1");
		hostile_forget(h, s, key);
		return;
	}
	if (old)
		return;		/* a replacement: nothing more held */
	s->nkeys++;
	if (s->persistent) {
		h->held++;
		WRITE_ONCE(persistent_pages, h->held);
		if (h->held > max_persistent_pages)
			WRITE_ONCE(max_persistent_pages, h->held);
	}
}

/* Is key held in pool?  *ver gets its version. */
static bool hostile_holds(struct hostile *h, int pool, u64 key, u64 *ver)
{
	void *entry = xa_load(&h->slot[pool].keys, key);

	if (!entry)
		return false;
	*ver = xa_to_value(entry);
	return true;
}

/* A key to use in pool: mostly a small set, so that many are held. */
static u64 hostile_pick_key(struct hostile *h, int pool)
{
	struct hostile_slot *s = &h->slot[pool];
	u32 r = hrange(h, 16);

	if (!r)
		return hostile_key(hrange(h, 2) ? 0 : U32_MAX,
				   hrange(h, 2) ? 0 : U32_MAX);
	if (r < 6 && s->flood_hi > s->flood_lo)
		return hostile_key(s->flood_lo +
				   hr64(h) % (s->flood_hi - s->flood_lo),
				   hrange(h, HOSTILE_FLOOD_INDEX));
	return hostile_key(1 + hrange(h, HOSTILE_SMALL_OBJS),
			   hrange(h, HOSTILE_SMALL_INDEX));
}

/* ---- pools ------------------------------------------------------------ */

/* A random slot in state st (persistent: -1 any, else must match). */
static int hostile_pick_slot(struct hostile *h, enum hostile_slot_state st,
			     int persistent)
{
	int i, n = 0, pick[HOSTILE_SLOTS];

	for (i = 0; i < HOSTILE_SLOTS; i++)
		if (h->slot[i].state == st &&
		    (persistent < 0 || h->slot[i].persistent == persistent))
			pick[n++] = i;
	return n ? pick[hrange(h, n)] : -1;
}

static bool hostile_has_free_slot(struct hostile *h)
{
	return hostile_pick_slot(h, SLOT_UNUSED, -1) >= 0 ||
	       hostile_pick_slot(h, SLOT_DESTROYED, -1) >= 0;
}

static void hostile_destroy(struct hostile *h, enum hostile_op op, int pool)
{
	struct abi_tmem_op t;
	long rc;

	memset(&t, 0, sizeof(t));
	t.cmd = ABI_TMEM_DESTROY_POOL;
	t.pool_id = pool;
	rc = hostile_call(h, op, &t);
	if (rc != 1)
		hostile_violation(h, op, &t, rc, "destroying a live pool");
	hostile_forget_all(h, &h->slot[pool]);
	h->slot[pool].state = SLOT_DESTROYED;
}

/* Take the pool NEW_POOL returned.  Returns it, or -1. */
static int hostile_take_slot(struct hostile *h, enum hostile_op op,
			     const struct abi_tmem_op *t, long rc,
			     bool persistent)
{
	struct hostile_slot *s;

	if (rc >= HOSTILE_SLOTS) {
		hostile_violation(h, op, t, rc, "pool id out of range");
		return -1;
	}
	s = &h->slot[rc];
	if (s->state == SLOT_LIVE) {
		hostile_violation(h, op, t, rc, "pool id already in use");
		return -1;
	}
	if (s->state == SLOT_OTHER && exclusive)
		hostile_violation(h, op, t, rc, "pool id never freed");
	s->state = SLOT_LIVE;
	s->persistent = persistent;
	return (int)rc;
}

static int hostile_new_pool(struct hostile *h, enum hostile_op op,
			    bool persistent)
{
	bool shared = op == OP_NEW_POOL_SHARED;
	bool room = hostile_has_free_slot(h);
	struct abi_tmem_op t;
	long rc;

	memset(&t, 0, sizeof(t));
	t.cmd = ABI_TMEM_NEW_POOL;
	t.pool_id = (s32)hr32(h);	/* ignored by NEW_POOL */
	t.u.creat.uuid[0] = hr64(h);
	t.u.creat.uuid[1] = hr64(h);
	t.u.creat.flags = ABI_POOL_FLAGS(persistent && !shared, shared);
	t.u.creat.arg1 = hr32(h);
	rc = hostile_call(h, op, &t);
	if (rc >= 0)
		return hostile_take_slot(h, op, &t, rc, persistent && !shared);
	if (rc == -ABI_ENOMEM)
		return -1;
	if (rc != -ABI_EPERM)
		hostile_violation(h, op, &t, rc, "valid NEW_POOL refused");
	else if (room && exclusive)
		hostile_violation(h, op, &t, rc, "-EPERM with a slot free");
	return -1;
}

/* One of its live pools (persistent: -1 any), made if need be. */
static int hostile_live_pool(struct hostile *h, int persistent)
{
	int pool = hostile_pick_slot(h, SLOT_LIVE, persistent);

	if (pool >= 0)
		return pool;
	if (!hostile_has_free_slot(h)) {
		pool = hostile_pick_slot(h, SLOT_LIVE, -1);
		if (pool < 0)
			return -1;
		hostile_destroy(h, OP_DESTROY, pool);
	}
	if (persistent < 0)
		persistent = hrange(h, 2);
	return hostile_new_pool(h, OP_NEW_POOL, persistent);
}

static u32 hostile_bad_flags(struct hostile *h)
{
	u32 good = ABI_POOL_FLAGS(hrange(h, 2), 0);
	u32 flags, v;

	switch (hrange(h, 6)) {
	case 0:		/* a reserved bit: 3 or 8..23 */
		v = hrange(h, 17);
		return good | (v ? 1U << (7 + v) : 1U << 3);
	case 1:		/* spec version 0 or 2..255 */
		v = hrange(h, 255);
		return (good & 0xffffff) | (v ? v + 1 : 0) << ABI_POOL_VERSION_SHIFT;
	case 2:		/* page size other than 4 KiB */
		return good | (1 + hrange(h, 15)) << ABI_POOL_PAGESIZE_SHIFT;
	case 3:
		return ABI_POOL_FLAGS(1, 1);
	case 4:
		return good | ABI_POOL_PRECOMPRESSED;
	default:
		do {
			flags = hr32(h);
		} while (hostile_flags_valid(flags));
		return flags;
	}
}

static void hostile_op_new_pool_bad(struct hostile *h)
{
	struct abi_tmem_op t;
	long rc;
	int pool;

	memset(&t, 0, sizeof(t));
	t.cmd = ABI_TMEM_NEW_POOL;
	t.u.creat.uuid[0] = hr64(h);
	t.u.creat.uuid[1] = hr64(h);
	t.u.creat.flags = hostile_bad_flags(h);
	rc = hostile_call(h, OP_NEW_POOL_BAD, &t);
	if (rc == -ABI_EPERM)
		return;
	hostile_violation(h, OP_NEW_POOL_BAD, &t, rc,
			  "NEW_POOL flags not refused with -EPERM");
	if (rc >= 0 && rc < HOSTILE_SLOTS && h->slot[rc].state != SLOT_LIVE &&
	    h->slot[rc].state != SLOT_OTHER) {
		/* A pool made by mistake: get rid of it. */
		pool = hostile_take_slot(h, OP_NEW_POOL_BAD, &t, rc, false);
		if (pool >= 0)
			hostile_destroy(h, OP_DESTROY, pool);
	}
}

/* A pool id for page ops that no pool of this client has. */
static int hostile_bad_pool(struct hostile *h, enum hostile_op *op)
{
	int pool = -1;

	if (*op == OP_POOL_UNUSED || *op == OP_POOL_DESTROYED) {
		if (exclusive)
			pool = hostile_pick_slot(h, *op == OP_POOL_UNUSED ?
						 SLOT_UNUSED : SLOT_DESTROYED,
						 -1);
		if (pool >= 0)
			return pool;
		*op = hrange(h, 2) ? OP_POOL_NEGATIVE : OP_POOL_RANGE;
	}
	if (*op == OP_POOL_NEGATIVE) {
		switch (hrange(h, 3)) {
		case 0:
			return -1;
		case 1:
			return S32_MIN;
		default:
			return -1 - (int)hrange(h, S32_MAX);
		}
	}
	switch (hrange(h, 3)) {
	case 0:
		return HOSTILE_SLOTS;
	case 1:
		return S32_MAX;
	default:
		return HOSTILE_SLOTS + (int)hrange(h, S32_MAX - HOSTILE_SLOTS);
	}
}

static void hostile_op_destroy_bad(struct hostile *h)
{
	static const enum hostile_op kinds[] = {
		OP_POOL_NEGATIVE, OP_POOL_RANGE, OP_POOL_UNUSED,
		OP_POOL_DESTROYED,
	};
	enum hostile_op kind = kinds[hrange(h, ARRAY_SIZE(kinds))];
	struct abi_tmem_op t;
	long rc;

	memset(&t, 0, sizeof(t));
	t.cmd = ABI_TMEM_DESTROY_POOL;
	t.pool_id = hostile_bad_pool(h, &kind);
	rc = hostile_call(h, OP_DESTROY_BAD, &t);
	if (rc != 0)
		hostile_violation(h, OP_DESTROY_BAD, &t, rc,
				  "DESTROY_POOL of no pool must return 0");
}

static void hostile_op_bad_pool(struct hostile *h, enum hostile_op op)
{
	static const u32 cmds[] = {
		ABI_TMEM_PUT_PAGE, ABI_TMEM_GET_PAGE, ABI_TMEM_FLUSH_PAGE,
		ABI_TMEM_FLUSH_OBJECT,
	};
	u32 cmd = cmds[hrange(h, ARRAY_SIZE(cmds))];
	struct page *page = hostile_page(h);
	u64 pattern = HOSTILE_POISON ^ hr64(h);
	struct abi_tmem_op t;
	int pool;
	long rc;

	pool = hostile_bad_pool(h, &op);
	hostile_page_op(h, &t, cmd, pool,
			hostile_key(1 + hrange(h, HOSTILE_SMALL_OBJS),
				    hrange(h, HOSTILE_SMALL_INDEX)),
			xen_page_to_gfn(page));
	if (hrange(h, 2))
		hostile_random_oid(h, &t);
	hostile_poison(page, pattern);
	rc = hostile_call(h, op, &t);
	if (rc != -ABI_ENODEV)
		hostile_violation(h, op, &t, rc, "no such pool: -ENODEV");
	if (!hostile_poisoned(page, pattern))
		hostile_violation(h, op, &t, rc, "page written without a pool");
}

static void hostile_op_bad_cmd(struct hostile *h)
{
	static const u32 cmds[] = {
		ABI_TMEM_CONTROL, ABI_TMEM_NEW_PAGE, ABI_TMEM_READ,
		ABI_TMEM_WRITE, ABI_TMEM_XCHG, ABI_TMEM_AUTH,
		ABI_TMEM_RESTORE_NEW,
	};
	struct abi_tmem_op t;
	u32 cmd;
	long rc;

	cmd = hrange(h, 8) ? cmds[hrange(h, ARRAY_SIZE(cmds))] : hr32(h);
	if (hostile_cmd_known(cmd))
		cmd += 1000;
	prandom_bytes_state(&h->rnd, &t, sizeof(t));
	t.cmd = cmd;
	rc = hostile_call(h, OP_BAD_CMD, &t);
	if (cmd == ABI_TMEM_CONTROL || cmd == ABI_TMEM_AUTH ||
	    cmd == ABI_TMEM_RESTORE_NEW) {
		if (rc >= 0)
			hostile_violation(h, OP_BAD_CMD, &t, rc,
					  "control-plane command from a guest");
	} else if (rc != -ABI_ENOSYS) {
		hostile_violation(h, OP_BAD_CMD, &t, rc,
				  "unknown command: -ENOSYS");
	}
}

/* ---- puts and gets ---------------------------------------------------- */

static void hostile_op_put(struct hostile *h)
{
	struct page *page = hostile_page(h);
	int pool = hostile_live_pool(h, -1);
	struct abi_tmem_op t;
	u64 key, ver;
	long rc;

	if (pool < 0)
		return;
	key = hostile_pick_key(h, pool);
	ver = ++h->serial;
	hostile_fill(page_address(page), seed, key, ver);
	hostile_page_op(h, &t, ABI_TMEM_PUT_PAGE, pool, key,
			xen_page_to_gfn(page));
	rc = hostile_call(h, OP_PUT, &t);
	if (rc == 1) {
		hostile_remember(h, pool, key, ver);
		return;
	}
	if (rc != -ABI_ENOMEM)
		hostile_violation(h, OP_PUT, &t, rc, "put of an own page");
	/* A failed put leaves no older copy behind. */
	hostile_forget(h, &h->slot[pool], key);
}

static void hostile_op_put_bad_frame(struct hostile *h, enum hostile_op op)
{
	int pool = hostile_live_pool(h, -1);
	struct abi_tmem_op t;
	u64 key, frame;
	long rc;

	if (pool < 0)
		return;
	key = hostile_pick_key(h, pool);
	frame = op == OP_PUT_HUGE ? hostile_huge_frame(h) :
				    hostile_foreign_frame(h);
	hostile_page_op(h, &t, ABI_TMEM_PUT_PAGE, pool, key, frame);
	rc = hostile_call(h, op, &t);
	if (rc == 1) {
		hostile_violation(h, op, &t, rc, "put from a frame not the guest's");
		hostile_remember(h, pool, key, HOSTILE_VER_UNKNOWN);
		return;
	}
	if (!hostile_rc_bad_frame(rc) && rc != -ABI_ENOMEM)
		hostile_violation(h, op, &t, rc, "bad frame: -EINVAL/-EFAULT");
	hostile_forget(h, &h->slot[pool], key);
}

/* Say whose page a get found, from the header hostile_fill() wrote. */
static void hostile_report_found(struct page *page)
{
	const u64 *w = page_address(page);

	pr_err("violation: the page found has magic %llx key %llx version %llu\n",
	       w[0], w[1], w[2]);
}

/* Check a page a get returned 1 for; ver is what the module put there. */
static void hostile_check_found(struct hostile *h, enum hostile_op op,
				const struct abi_tmem_op *t,
				struct page *page, u64 key, u64 ver)
{
	if (ver == HOSTILE_VER_UNKNOWN ||
	    hostile_check(page_address(page), seed, key, ver))
		return;
	if (hostile_violation(h, op, t, 1, "page content differs from the put")) {
		pr_err("violation: expected key %llx version %llu\n", key, ver);
		hostile_report_found(page);
	}
}

static void hostile_op_get(struct hostile *h)
{
	struct page *page = hostile_page(h);
	u64 pattern = HOSTILE_POISON ^ hr64(h);
	int pool = hostile_live_pool(h, -1);
	struct hostile_slot *s;
	struct abi_tmem_op t;
	bool held = false;
	u64 key, ver = 0;
	long rc;

	if (pool < 0)
		return;
	s = &h->slot[pool];
	key = hostile_pick_key(h, pool);
	hostile_page_op(h, &t, ABI_TMEM_GET_PAGE, pool, key,
			xen_page_to_gfn(page));
	if (!hrange(h, 10))
		hostile_random_oid(h, &t);
	else
		held = hostile_holds(h, pool, key, &ver);
	hostile_poison(page, pattern);
	rc = hostile_call(h, OP_GET, &t);

	if (rc != 1 && !hostile_poisoned(page, pattern))
		hostile_violation(h, OP_GET, &t, rc, "page written by a failed get");
	if (rc == 1) {
		if (!held) {
			/* Never put, flushed, failed put or already got. */
			if (hostile_violation(h, OP_GET, &t, rc,
					      "found a page not held"))
				hostile_report_found(page);
			return;
		}
		hostile_check_found(h, OP_GET, &t, page, key, ver);
		if (!s->persistent)
			hostile_forget(h, s, key);	/* exclusive get */
		return;
	}
	if (!hostile_rc_absent(rc)) {
		hostile_violation(h, OP_GET, &t, rc, "get: 1, 0 or -EEMPTY");
		return;
	}
	if (!held)
		return;
	if (s->persistent)
		hostile_violation(h, OP_GET, &t, rc, "persistent page lost");
	else
		hostile_forget(h, s, key);	/* evicted */
}

static void hostile_op_get_bad_frame(struct hostile *h, enum hostile_op op)
{
	int pool = hostile_live_pool(h, -1);
	struct hostile_slot *s;
	struct abi_tmem_op t;
	u64 key, frame, ver;
	bool held;
	long rc;

	if (pool < 0)
		return;
	s = &h->slot[pool];
	key = hostile_pick_key(h, pool);
	held = hostile_holds(h, pool, key, &ver);
	frame = op == OP_GET_HUGE ? hostile_huge_frame(h) :
				    hostile_foreign_frame(h);
	hostile_page_op(h, &t, ABI_TMEM_GET_PAGE, pool, key, frame);
	rc = hostile_call(h, op, &t);
	if (rc >= 1) {
		hostile_violation(h, op, &t, rc, "get into a frame not the guest's");
		if (!s->persistent)
			hostile_forget(h, s, key);
		return;
	}
	if (hostile_rc_absent(rc)) {
		if (held && s->persistent)
			hostile_violation(h, op, &t, rc, "persistent page lost");
		else if (held)
			hostile_forget(h, s, key);	/* evicted */
		return;
	}
	if (!hostile_rc_bad_frame(rc))
		hostile_violation(h, op, &t, rc, "bad frame: -EINVAL/-EFAULT");
}

static void hostile_op_flush(struct hostile *h, enum hostile_op op)
{
	u32 cmd = op == OP_FLUSH_PAGE ? ABI_TMEM_FLUSH_PAGE :
					ABI_TMEM_FLUSH_OBJECT;
	int pool = hostile_live_pool(h, -1);
	struct hostile_slot *s;
	struct abi_tmem_op t;
	bool random_oid;
	u64 key;
	long rc;

	if (pool < 0)
		return;
	s = &h->slot[pool];
	key = hostile_pick_key(h, pool);
	hostile_page_op(h, &t, cmd, pool, key, hr64(h));
	random_oid = !hrange(h, 8);
	if (random_oid)
		hostile_random_oid(h, &t);
	rc = hostile_call(h, op, &t);
	if (rc != 1)
		hostile_violation(h, op, &t, rc, "flush must return 1");
	if (random_oid)
		return;
	if (op == OP_FLUSH_PAGE)
		hostile_forget(h, s, key);
	else
		hostile_forget_obj(h, s, hostile_key_obj(key));
}

/* ---- floods ------------------------------------------------------------ */

static bool hostile_should_stop(struct hostile *h)
{
	return kthread_should_stop() || time_after(jiffies, h->deadline);
}

/* FLUSH_OBJECT of flood object obj, which always returns 1. */
static void hostile_flush_flood_obj(struct hostile *h, int pool, u64 obj)
{
	struct abi_tmem_op t;
	long rc;

	hostile_page_op(h, &t, ABI_TMEM_FLUSH_OBJECT, pool, hostile_key(obj, 0),
			0);
	rc = hostile_call(h, OP_FLOOD_FLUSH, &t);
	if (rc != 1)
		hostile_violation(h, OP_FLOOD_FLUSH, &t, rc,
				  "flush must return 1");
}

/* Release about half of the flood (or the whole pool). */
static void hostile_flood_release(struct hostile *h, int pool)
{
	struct hostile_slot *s = &h->slot[pool];
	u64 obj;

	if (!hrange(h, 4)) {
		hostile_destroy(h, OP_DESTROY, pool);
		return;
	}
	for (obj = s->flood_lo; obj < s->flood_hi; obj++) {
		if (hrange(h, 2))
			continue;
		hostile_flush_flood_obj(h, pool, obj);
		hostile_forget_obj(h, s, obj);
		cond_resched();
	}
}

/*
 * Persistent puts of distinct pages into one persistent pool until tmem
 * says -ENOMEM: the domain's allowance (or the host) is exhausted.
 */
static void hostile_flood(struct hostile *h)
{
	unsigned long cap, puts = 0, start_held = h->held;
	int pool = hostile_live_pool(h, 1);
	struct hostile_slot *s;
	struct abi_tmem_op t;
	struct page *page;
	const char *end = "stopped";
	u64 key, ver;
	long rc = 0;
	u32 index;

	memset(&t, 0, sizeof(t));
	if (pool < 0)
		return;
	s = &h->slot[pool];
	/* Stop one page beyond the allowance: that is a violation. */
	cap = quota_pages >= 0 ?
	      (unsigned long)quota_pages + HOSTILE_QUOTA_SLACK + 1 : flood_max;
	if (s->flood_hi == s->flood_lo)
		s->flood_lo = h->next_flood_obj;
	for (index = 0; !hostile_should_stop(h); index++) {
		if (index == HOSTILE_FLOOD_INDEX) {
			index = 0;
			h->next_flood_obj++;
		}
		if (h->held >= cap) {
			end = "cap";
			break;
		}
		key = hostile_key(h->next_flood_obj, index);
		s->flood_hi = h->next_flood_obj + 1;
		ver = ++h->serial;
		page = h->pages[index % HOSTILE_NR_PAGES];
		hostile_fill(page_address(page), seed, key, ver);
		hostile_page_op(h, &t, ABI_TMEM_PUT_PAGE, pool, key,
				xen_page_to_gfn(page));
		rc = hostile_call(h, OP_FLOOD_PUT, &t);
		puts++;
		if (rc == 1) {
			hostile_remember(h, pool, key, ver);
		} else {
			if (rc == -ABI_ENOMEM) {
				end = "-ENOMEM";
				WRITE_ONCE(flood_enomem, flood_enomem + 1);
			} else {
				end = "error";
				hostile_violation(h, OP_FLOOD_PUT, &t, rc,
						  "flood put: 1 or -ENOMEM");
			}
			hostile_forget(h, s, key);
			break;
		}
		cond_resched();
	}
	/* Later floods start on a fresh object. */
	h->next_flood_obj++;
	if (quota_pages >= 0 &&
	    h->held > (unsigned long)quota_pages + HOSTILE_QUOTA_SLACK)
		hostile_violation(h, OP_FLOOD_PUT, &t, rc,
				  "persistent pages beyond the domain's allowance");
	WRITE_ONCE(floods, floods + 1);
	pr_info("flood %u: pool %d, %lu puts, held %lu -> %lu persistent pages (max %lu, allowance %ld), %s\n",
		floods, pool, puts, start_held, h->held, max_persistent_pages,
		quota_pages, end);
	if (!hostile_should_stop(h))
		hostile_flood_release(h, pool);
}

/*
 * Zero pages need no data page in Xen, only metadata, and each one here
 * gets an object of its own and a sparse index, so a whole index path:
 * the most metadata a put can cost.  Xen must stop it with -ENOMEM at the
 * client's metadata limit, whatever the allowance (which these pages do
 * not use, so they are not counted as held).  Their objects are flushed
 * right after: no other operation ever picks their sparse keys.
 */
static void hostile_meta_flood(struct hostile *h)
{
	unsigned long puts = 0, stored = 0;
	int pool = hostile_live_pool(h, 1);
	const char *end = "stopped";
	struct abi_tmem_op t;
	u64 key, obj, first = h->next_flood_obj;
	long rc = 0;

	memset(&t, 0, sizeof(t));
	if (pool < 0)
		return;
	while (!hostile_should_stop(h) && puts < flood_max) {
		obj = h->next_flood_obj++;
		key = hostile_key(obj, hr32(h) | BIT(31));
		hostile_page_op(h, &t, ABI_TMEM_PUT_PAGE, pool, key,
				xen_page_to_gfn(h->zero));
		rc = hostile_call(h, OP_FLOOD_PUT, &t);
		puts++;
		if (rc == 1) {
			stored++;
		} else {
			if (rc == -ABI_ENOMEM) {
				end = "-ENOMEM";
				WRITE_ONCE(meta_flood_enomem,
					   meta_flood_enomem + 1);
			} else {
				end = "error";
				hostile_violation(h, OP_FLOOD_PUT, &t, rc,
						  "flood put: 1 or -ENOMEM");
			}
			break;
		}
		cond_resched();
	}
	if (stored > meta_flood_pages)
		WRITE_ONCE(meta_flood_pages, stored);
	WRITE_ONCE(meta_floods, meta_floods + 1);
	pr_info("metadata flood %u: pool %d, %lu puts, %lu zero pages stored, %s\n",
		meta_floods, pool, puts, stored, end);
	for (obj = first; obj < h->next_flood_obj; obj++) {
		hostile_flush_flood_obj(h, pool, obj);
		cond_resched();
	}
}

#define HOSTILE_CHURN_CYCLES	2000
#define HOSTILE_COLLISION_MAX	50000

/*
 * Pool churn: NEW_POOL, one put, DESTROY_POOL, over and over.  Every call
 * must get its ABI answer; what Xen must not do meanwhile (make another
 * client's operations wait) is measured by make bench-hostile.
 */
static void hostile_churn(struct hostile *h)
{
	unsigned int n, made = 0;
	struct abi_tmem_op t;
	u64 key, ver;
	int pool;
	long rc;

	for (n = 0; n < HOSTILE_CHURN_CYCLES && !hostile_should_stop(h); n++) {
		if (!hostile_has_free_slot(h)) {
			pool = hostile_pick_slot(h, SLOT_LIVE, -1);
			if (pool < 0)
				break;
			hostile_destroy(h, OP_DESTROY, pool);
		}
		pool = hostile_new_pool(h, OP_NEW_POOL, n & 1);
		if (pool < 0)
			continue;
		made++;
		key = hostile_key(h->next_flood_obj++, 0);
		ver = ++h->serial;
		hostile_fill(page_address(h->pages[0]), seed, key, ver);
		hostile_page_op(h, &t, ABI_TMEM_PUT_PAGE, pool, key,
				xen_page_to_gfn(h->pages[0]));
		rc = hostile_call(h, OP_FLOOD_PUT, &t);
		if (rc == 1 && h->slot[pool].persistent)
			hostile_remember(h, pool, key, ver);
		else if (rc != 1 && rc != -ABI_ENOMEM)
			hostile_violation(h, OP_FLOOD_PUT, &t, rc,
					  "churn put: 1 or -ENOMEM");
		hostile_destroy(h, OP_DESTROY, pool);
		cond_resched();
	}
	WRITE_ONCE(churns, churns + 1);
	WRITE_ONCE(churn_pools, churn_pools + made);
	pr_info("churn %u: %u cycles, %u pools made and destroyed\n", churns, n,
		made);
}

/* The i-th oid of the family that shared one chain under the old mixing. */
static void hostile_collision_oid(struct abi_tmem_op *t, u64 i)
{
	t->u.gen.oid.oid[0] = 0x5a5a5a5a5a5a5a5aull ^
			      (i * 0x9e3779b97f4a7c15ull);
	t->u.gen.oid.oid[1] = i + 1;	/* never one of the module's keys */
	t->u.gen.oid.oid[2] = 0;
	t->u.gen.index = 0;
}

static void hostile_collision_flood(struct hostile *h)
{
	int pool = hostile_live_pool(h, 1);
	const char *end = "stopped";
	struct abi_tmem_op t;
	u64 i, stored = 0;
	long rc;

	if (pool < 0)
		return;
	for (i = 0; i < HOSTILE_COLLISION_MAX && !hostile_should_stop(h); i++) {
		hostile_page_op(h, &t, ABI_TMEM_PUT_PAGE, pool, 0,
				xen_page_to_gfn(h->zero));
		hostile_collision_oid(&t, i);
		rc = hostile_call(h, OP_FLOOD_PUT, &t);
		if (rc == 1) {
			stored++;
		} else {
			if (rc == -ABI_ENOMEM) {
				end = "-ENOMEM";
			} else {
				end = "error";
				hostile_violation(h, OP_FLOOD_PUT, &t, rc,
						  "collision put: 1 or -ENOMEM");
			}
			break;
		}
		cond_resched();
	}
	if (stored > collision_objects)
		WRITE_ONCE(collision_objects, stored);
	WRITE_ONCE(collision_floods, collision_floods + 1);
	pr_info("collision flood %u: pool %d, %llu objects stored, %s\n",
		collision_floods, pool, stored, end);
	for (i = 0; i < stored; i++) {
		memset(&t, 0, sizeof(t));
		t.cmd = ABI_TMEM_FLUSH_OBJECT;
		t.pool_id = pool;
		hostile_collision_oid(&t, i);
		rc = hostile_call(h, OP_FLOOD_FLUSH, &t);
		if (rc != 1)
			hostile_violation(h, OP_FLOOD_FLUSH, &t, rc,
					  "flush must return 1");
		cond_resched();
	}
}

/* ---- the run ----------------------------------------------------------- */

static enum hostile_op hostile_pick_op(struct hostile *h)
{
	unsigned int r = hrange(h, h->weight_sum);
	enum hostile_op op;

	for (op = 0; op < OP_NR; op++) {
		if (r < hostile_weight[op])
			return op;
		r -= hostile_weight[op];
	}
	return OP_PUT;
}

static void hostile_one(struct hostile *h)
{
	enum hostile_op op = hostile_pick_op(h);
	int pool;

	switch (op) {
	case OP_NEW_POOL:
	case OP_NEW_POOL_SHARED:
		hostile_new_pool(h, op, hrange(h, 2));
		break;
	case OP_NEW_POOL_BAD:
		hostile_op_new_pool_bad(h);
		break;
	case OP_DESTROY:
		pool = hostile_pick_slot(h, SLOT_LIVE, -1);
		if (pool >= 0)
			hostile_destroy(h, OP_DESTROY, pool);
		break;
	case OP_DESTROY_BAD:
		hostile_op_destroy_bad(h);
		break;
	case OP_POOL_NEGATIVE:
	case OP_POOL_RANGE:
	case OP_POOL_UNUSED:
	case OP_POOL_DESTROYED:
		hostile_op_bad_pool(h, op);
		break;
	case OP_BAD_CMD:
		hostile_op_bad_cmd(h);
		break;
	case OP_PUT:
		hostile_op_put(h);
		break;
	case OP_PUT_HUGE:
	case OP_PUT_FOREIGN:
		hostile_op_put_bad_frame(h, op);
		break;
	case OP_GET:
		hostile_op_get(h);
		break;
	case OP_GET_HUGE:
	case OP_GET_FOREIGN:
		hostile_op_get_bad_frame(h, op);
		break;
	default:
		hostile_op_flush(h, op);
		break;
	}
}

static void hostile_run(struct hostile *h)
{
	h->deadline = jiffies + (unsigned long)seconds * HZ;
	h->next_flood = jiffies + HZ / 2;

	while (!hostile_should_stop(h)) {
		if (time_after_eq(jiffies, h->next_flood)) {
			/* The four kinds of burst take turns. */
			switch (h->turn++ % 4) {
			case 0:
				hostile_flood(h);
				break;
			case 1:
				hostile_meta_flood(h);
				break;
			case 2:
				hostile_churn(h);
				break;
			default:
				hostile_collision_flood(h);
				break;
			}
			h->next_flood = jiffies +
					(burst_gap_ms ? msecs_to_jiffies(burst_gap_ms) :
					 HZ + hrange(h, 3 * HZ));
		} else {
			hostile_one(h);
		}
		cond_resched();
	}
}

static void hostile_summary(struct hostile *h, bool stopped)
{
	char line[384];
	enum hostile_op op;
	int b, len;

	pr_info("%lu ops, %lu ok, %lu errors, %lu enomem, %lu violations, max %lu persistent pages (allowance %ld), %u floods (%u to -ENOMEM), %u metadata floods (%u to -ENOMEM, at most %lu pages), %sexclusive, seed %lu%s\n",
		ops, ok, errors, enomem, violations, max_persistent_pages,
		quota_pages, floods, flood_enomem, meta_floods,
		meta_flood_enomem, meta_flood_pages, exclusive ? "" : "not ",
		seed, stopped ? ", stopped early" : "");
	for (op = 0; op < OP_NR; op++) {
		len = scnprintf(line, sizeof(line), "%s:",
				hostile_op_name[op]);
		for (b = 0; b < HB_NR; b++)
			if (h->table[op][b])
				len += scnprintf(line + len, sizeof(line) - len,
						 " %s=%lu",
						 hostile_bucket_name[b],
						 h->table[op][b]);
		pr_info("%s\n", line);
	}
}

static int hostile_thread(void *arg)
{
	struct hostile *h = arg;

	hostile_run(h);
	hostile_summary(h, kthread_should_stop());
	WRITE_ONCE(done, 1);

	/* The pools stay until rmmod, which stops this thread. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* ---- load and unload ------------------------------------------------- */

/*
 * Take every free pool slot (the 17th NEW_POOL must be refused), then give
 * them back.  Returns 0, or a NEW_POOL error if not a single slot came.
 */
static long hostile_grab(struct hostile *h)
{
	struct abi_tmem_op t;
	int i, got = 0;
	long rc = 0;

	for (i = 0; i <= HOSTILE_SLOTS; i++) {
		memset(&t, 0, sizeof(t));
		t.cmd = ABI_TMEM_NEW_POOL;
		t.u.creat.uuid[0] = ~0ULL;
		t.u.creat.uuid[1] = ~0ULL;
		t.u.creat.flags = ABI_POOL_FLAGS(0, 0);
		rc = hostile_call(h, OP_NEW_POOL, &t);
		if (rc < 0)
			break;
		if (hostile_take_slot(h, OP_NEW_POOL, &t, rc, false) < 0)
			break;
		got++;
	}
	if (!got)
		return rc;
	WRITE_ONCE(exclusive, got == HOSTILE_SLOTS);
	/* A 17th pool was reported by hostile_take_slot() already. */
	if (exclusive && rc < 0 && rc != -ABI_EPERM && rc != -ABI_ENOMEM)
		hostile_violation(h, OP_NEW_POOL, &t, rc,
				  "17th pool: -EPERM expected");
	if (!exclusive)
		pr_warn("another tmem user holds %d pool slots: not touched, fewer checks\n",
			HOSTILE_SLOTS - got);

	for (i = 0; i < HOSTILE_SLOTS; i++) {
		if (h->slot[i].state != SLOT_LIVE)
			continue;
		hostile_destroy(h, OP_DESTROY, i);
		h->slot[i].state = SLOT_UNUSED;
	}
	return 0;
}

/* How many persistent pages may this domain hold?  -1 if unknown. */
static long hostile_allowance(void)
{
	domid_t self = DOMID_SELF;
	long max, cur;

	max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);
	cur = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
	if (max <= 0 || cur <= 0 || max < cur)
		return -1;
	return max - cur;
}

static void hostile_free(struct hostile *h)
{
	int i;

	for (i = 0; i < HOSTILE_SLOTS; i++) {
		if (h->slot[i].state == SLOT_LIVE)
			hostile_destroy(h, OP_DESTROY, i);
		xa_destroy(&h->slot[i].keys);
	}
	for (i = 0; i < HOSTILE_NR_PAGES; i++)
		if (h->pages[i])
			__free_page(h->pages[i]);
	if (h->zero)
		__free_page(h->zero);
	kfree(h);
}

static int __init tmem_hostile_init(void)
{
	struct hostile *h;
	enum hostile_op op;
	long rc;
	int i;

	BUILD_BUG_ON(PAGE_SIZE != HOSTILE_PAGE_BYTES);
	if (!xen_pv_domain()) {
		pr_err("not a Xen PV guest: nothing tested\n");
		return -ENODEV;
	}

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	for (i = 0; i < HOSTILE_SLOTS; i++)
		xa_init(&h->slot[i].keys);
	for (i = 0; i < HOSTILE_NR_PAGES; i++) {
		h->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!h->pages[i]) {
			hostile_free(h);
			return -ENOMEM;
		}
	}
	h->zero = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!h->zero) {
		hostile_free(h);
		return -ENOMEM;
	}
	prandom_seed_state(&h->rnd, seed);
	for (op = 0; op < OP_NR; op++)
		h->weight_sum += hostile_weight[op];
	h->next_flood_obj = HOSTILE_FLOOD_OBJ;
	rc = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
	h->max_ram_page = rc > 0 ? (u64)rc : 1ULL << 20;
	quota_pages = hostile_allowance();

	rc = hostile_grab(h);
	if (rc) {
		hostile_free(h);
		if (rc == -ABI_ENOSYS) {
			pr_err("the hypervisor has no tmem (boot Xen with 'tmem'): nothing tested\n");
			return -EOPNOTSUPP;
		}
		if (rc == -ABI_EPERM) {
			pr_err("no free pool slot: nothing tested\n");
			return -EBUSY;
		}
		pr_err("NEW_POOL failed (%ld): nothing tested\n", rc);
		return -EIO;
	}

	pr_info("attacking tmem for %u s, seed %lu, host RAM up to frame %#llx, allowance %ld pages\n",
		seconds, seed, h->max_ram_page, quota_pages);
	hostile_task = kthread_run(hostile_thread, h, "tmem_hostile");
	if (IS_ERR(hostile_task)) {
		hostile_free(h);
		return PTR_ERR(hostile_task);
	}
	hostile_state = h;
	return 0;
}

static void __exit tmem_hostile_exit(void)
{
	struct hostile *h = hostile_state;
	unsigned int live = 0;
	int i;

	kthread_stop(hostile_task);
	for (i = 0; i < HOSTILE_SLOTS; i++)
		if (h->slot[i].state == SLOT_LIVE)
			live++;
	hostile_free(h);
	pr_info("unloaded: %u pools destroyed, %lu violations\n", live,
		violations);
}

module_init(tmem_hostile_init);
module_exit(tmem_hostile_exit);

MODULE_DESCRIPTION("Hostile tmem client: attacks Xen's tmem over hypercall 38");
MODULE_LICENSE("GPL");
