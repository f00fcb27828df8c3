// SPDX-License-Identifier: GPL-2.0
/*
 * Xen transcendent memory (tmem) backend for frontswap and cleancache.
 *
 * Off unless the guest is booted with "tmem" or "tmem=1".  Then:
 *  - frontswap (tmem.frontswap, default on): one persistent private pool,
 *    made at the first swapon; swap slot (type, offset) is kept in object
 *    (type << 4) | (offset & 15) at index offset >> 4;
 *  - cleancache (tmem.cleancache, default on): one ephemeral private pool
 *    per opted-in filesystem, or an ephemeral shared pool keyed by the
 *    filesystem's UUID for filesystems that ask; a file is an object keyed
 *    by the 24-byte cleancache file key, a page its index (pages whose
 *    index does not fit 32 bits are not cached).
 *
 * Pages are named by frame: the machine frame in PV guests, the guest
 * frame in PVH/HVM guests (xen_page_to_gfn()).  A failed put sends the
 * page to disk, a failed get reads it from disk; errors are counted in
 * debugfs (tmem/).  When the hypervisor has no tmem, or has it disabled,
 * the driver says so once and registers nothing.
 *
 * If the toolstack destroys the domain's tmem client while the guest runs,
 * every pool is lost: operations on them fail from then on (frontswap
 * loads of lost pages are I/O errors, its stores go to disk until it has a
 * new pool), and no page ever reaches a later pool that Xen gives the same
 * id (see "Pool handles").
 */

#define pr_fmt(fmt) "xen-tmem: " fmt

#include <linux/atomic.h>
#include <linux/cleancache.h>
#include <linux/debugfs.h>
#include <linux/frontswap.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>

#include <asm/xen/hypercall.h>
#include <xen/page.h>
#include <xen/tmem.h>
#include <xen/xen.h>

/* "tmem", "tmem=1" on the kernel command line; no module prefix */
static bool tmem_enabled __ro_after_init;
core_param(tmem, tmem_enabled, bool, 0444);

static bool frontswap = true;
module_param(frontswap, bool, 0444);
MODULE_PARM_DESC(frontswap, "Keep swapped-out pages in tmem (default on)");

static bool cleancache = true;
module_param(cleancache, bool, 0444);
MODULE_PARM_DESC(cleancache, "Keep evicted clean page-cache pages in tmem (default on)");

/* ---- accounting ---------------------------------------------------- */

static const struct {
	u32 cmd;
	const char *name;
} tmem_cmds[] = {
	{ TMEM_NEW_POOL, "new_pool" },
	{ TMEM_DESTROY_POOL, "destroy_pool" },
	{ TMEM_PUT_PAGE, "put_page" },
	{ TMEM_GET_PAGE, "get_page" },
	{ TMEM_FLUSH_PAGE, "flush_page" },
	{ TMEM_FLUSH_OBJECT, "flush_object" },
};

static atomic_long_t tmem_calls[ARRAY_SIZE(tmem_cmds)];

/* the last entry counts every other negative result */
static const struct {
	int code;
	const char *name;
} tmem_errs[] = {
	{ -TMEM_EFROZEN, "EFROZEN" },
	{ -TMEM_EEMPTY, "EEMPTY" },
	{ -ENODEV, "ENODEV" },
	{ -EPERM, "EPERM" },
	{ -ENOMEM, "ENOMEM" },
	{ -EFAULT, "EFAULT" },
	{ -EOPNOTSUPP, "EOPNOTSUPP" },
	{ -TMEM_ENOHYPERCALL, "ENOSYS" },
	{ -EINVAL, "EINVAL" },
	{ 0, "other" },
};

static atomic_long_t tmem_errors[ARRAY_SIZE(tmem_errs)];

/* pool ids are 0..15 per client */
#define TMEM_MAX_POOLS	16

enum tmem_pool_kind {
	TMEM_POOL_UNUSED,
	TMEM_POOL_FRONTSWAP,
	TMEM_POOL_PRIVATE,
	TMEM_POOL_SHARED_EPH,
};

static const char * const tmem_pool_kind_names[] = {
	[TMEM_POOL_UNUSED] = "unused",
	[TMEM_POOL_FRONTSWAP] = "persistent-private(frontswap)",
	[TMEM_POOL_PRIVATE] = "ephemeral-private(cleancache)",
	[TMEM_POOL_SHARED_EPH] = "ephemeral-shared(cleancache)",
};

/*
 * Pool handles.  Frontswap and cleancache hold the driver's handles, not
 * Xen's pool ids.  Once the toolstack has destroyed the domain's client
 * (xl tmem-destroy) Xen's ids name nothing, and Xen gives the same ids to
 * the next pools the domain makes, whatever their kind: a page sent with a
 * stale id could land in a pool of another kind, or be read from one.  A
 * handle whose pool is gone is dead: its operations fail without a
 * hypercall.
 *
 * Operations read a handle's id inside an SRCU read section; the id only
 * ever changes to another pool under tmem_pool_mutex after a grace period,
 * so no operation can still be on its way with the old one.  A handle dies
 * when Xen answers -ENODEV for its pool (any context) or when Xen hands
 * out its id again (the client was lost without any operation noticing).
 */
#define TMEM_MAX_HANDLES	32

struct tmem_handle {
	int hv;			/* Xen's pool id, -1 if dead (READ_ONCE) */
	enum tmem_pool_kind kind;	/* TMEM_POOL_UNUSED: a free handle */
	u64 uuid[2];		/* of a shared pool */
	unsigned int users;	/* filesystems on it (tmem_pool_mutex) */
	atomic_long_t puts;
	atomic_long_t failed_puts;
	atomic_long_t gets;
	atomic_long_t failed_gets;
	atomic_long_t flushes;
};

static struct tmem_handle tmem_handles[TMEM_MAX_HANDLES];
static DEFINE_MUTEX(tmem_pool_mutex);
DEFINE_STATIC_SRCU(tmem_srcu);
/* a handle died since the last grace period: its old id may be in flight */
static bool tmem_unquiesced;

static void tmem_count(u32 cmd, int rc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tmem_cmds); i++) {
		if (tmem_cmds[i].cmd == cmd) {
			atomic_long_inc(&tmem_calls[i]);
			break;
		}
	}
	if (rc >= 0)
		return;
	for (i = 0; i < ARRAY_SIZE(tmem_errs) - 1; i++)
		if (tmem_errs[i].code == rc)
			break;
	atomic_long_inc(&tmem_errors[i]);
}

/* A handle in use, or NULL. */
static struct tmem_handle *tmem_handle(int handle)
{
	if (handle < 0 || handle >= TMEM_MAX_HANDLES ||
	    READ_ONCE(tmem_handles[handle].kind) == TMEM_POOL_UNUSED)
		return NULL;
	return &tmem_handles[handle];
}

static void tmem_handles_reset(void)
{
	unsigned int i;

	memset(tmem_handles, 0, sizeof(tmem_handles));
	for (i = 0; i < TMEM_MAX_HANDLES; i++)
		tmem_handles[i].hv = -1;
}

/* ---- hypercalls ----------------------------------------------------- */

static int tmem_hypercall_xen(struct tmem_op *op)
{
	return HYPERVISOR_tmem_op(op);
}

#ifdef CONFIG_XEN_TMEM_KUNIT_TEST
/* the tests replace the hypercall while the driver is not in use */
static int (*tmem_hypercall)(struct tmem_op *op) = tmem_hypercall_xen;
#else
#define tmem_hypercall tmem_hypercall_xen
#endif

static int tmem_page_op(u32 cmd, int pool, const struct tmem_oid *oid,
			u32 index, struct page *page)
{
	struct tmem_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.pool_id = pool;
	if (oid)
		memcpy(op.u.gen.oid, oid->oid, sizeof(op.u.gen.oid));
	op.u.gen.index = index;
	/* the ABI carries a frame number in this 64-bit field */
	if (page)
		set_xen_guest_handle(op.u.gen.gmfn,
				     (void *)xen_page_to_gfn(page));
	rc = tmem_hypercall(&op);
	tmem_count(cmd, rc);
	return rc;
}

static int tmem_new_pool(u64 uuid_lo, u64 uuid_hi, u32 flags)
{
	struct tmem_op op;
	int rc;

	memset(&op, 0, sizeof(op));
	op.cmd = TMEM_NEW_POOL;
	op.u.new.uuid[0] = uuid_lo;
	op.u.new.uuid[1] = uuid_hi;
	op.u.new.flags = flags;
	rc = tmem_hypercall(&op);
	tmem_count(TMEM_NEW_POOL, rc);
	return rc;
}

static int tmem_destroy_pool(int pool)
{
	return tmem_page_op(TMEM_DESTROY_POOL, pool, NULL, 0, NULL);
}

/* Xen no longer has handle h's pool @hv: no operation will use it again. */
static void tmem_handle_died(struct tmem_handle *h, int hv)
{
	if (cmpxchg(&h->hv, hv, -1) != hv)
		return;
	WRITE_ONCE(tmem_unquiesced, true);
	pr_warn_ratelimited("%s pool %d is gone from the hypervisor\n",
			    tmem_pool_kind_names[h->kind], hv);
}

/* An operation on handle @handle's pool; -ENODEV if it is dead. */
static int tmem_handle_op(int handle, u32 cmd, const struct tmem_oid *oid,
			  u32 index, struct page *page)
{
	struct tmem_handle *h = tmem_handle(handle);
	int idx, hv, rc;

	if (!h)
		return -EINVAL;
	idx = srcu_read_lock(&tmem_srcu);
	hv = READ_ONCE(h->hv);
	if (hv < 0) {
		rc = -ENODEV;
	} else {
		rc = tmem_page_op(cmd, hv, oid, index, page);
		if (rc == -ENODEV)
			tmem_handle_died(h, hv);
	}
	srcu_read_unlock(&tmem_srcu, idx);
	return rc;
}

/* PUT: 0 if the hypervisor took the page, a negative errno if not */
static int tmem_put(int handle, const struct tmem_oid *oid, u32 index,
		    struct page *page)
{
	struct tmem_handle *h = tmem_handle(handle);
	int rc = tmem_handle_op(handle, TMEM_PUT_PAGE, oid, index, page);

	if (h)
		atomic_long_inc(rc == 1 ? &h->puts : &h->failed_puts);
	if (rc == 1)
		return 0;
	return rc < 0 ? rc : -ENOSPC;
}

/* GET: 0 if @page was filled, a negative errno if not */
static int tmem_get(int handle, const struct tmem_oid *oid, u32 index,
		    struct page *page)
{
	struct tmem_handle *h = tmem_handle(handle);
	int rc = tmem_handle_op(handle, TMEM_GET_PAGE, oid, index, page);

	if (h)
		atomic_long_inc(rc == 1 ? &h->gets : &h->failed_gets);
	if (rc == 1)
		return 0;
	return rc < 0 ? rc : -ENOENT;
}

static void tmem_flush_page(int handle, const struct tmem_oid *oid, u32 index)
{
	struct tmem_handle *h = tmem_handle(handle);

	tmem_handle_op(handle, TMEM_FLUSH_PAGE, oid, index, NULL);
	if (h)
		atomic_long_inc(&h->flushes);
}

static void tmem_flush_object(int handle, const struct tmem_oid *oid)
{
	tmem_handle_op(handle, TMEM_FLUSH_OBJECT, oid, 0, NULL);
}

/* Wait until no operation can still be using an id a handle had. */
static void tmem_quiesce(void)
{
	lockdep_assert_held(&tmem_pool_mutex);
	synchronize_srcu(&tmem_srcu);
	WRITE_ONCE(tmem_unquiesced, false);
}

/*
 * A new pool in Xen (tmem_pool_mutex held), its id returned.  If Xen gives
 * an id that a live handle still holds, the pool behind that handle was
 * lost and the id reused: the handle dies, and the new pool, which stale
 * operations may already have reached, is destroyed and made again.
 * @join is the shared handle that may rightly hold the id (same UUID).
 */
static int tmem_pool_open(u64 lo, u64 hi, u32 flags,
			  const struct tmem_handle *join)
{
	bool clash;
	int hv, i, tries;

	for (tries = 0; tries < 4; tries++) {
		if (READ_ONCE(tmem_unquiesced))
			tmem_quiesce();
		hv = tmem_new_pool(lo, hi, flags);
		if (hv < 0)
			return hv;
		if (hv >= TMEM_MAX_POOLS) {
			tmem_destroy_pool(hv);
			return -ERANGE;
		}
		clash = false;
		for (i = 0; i < TMEM_MAX_HANDLES; i++) {
			struct tmem_handle *h = &tmem_handles[i];

			if (h == join || h->kind == TMEM_POOL_UNUSED ||
			    READ_ONCE(h->hv) != hv)
				continue;
			tmem_handle_died(h, hv);
			clash = true;
		}
		if (!clash)
			return hv;
		tmem_quiesce();
		tmem_destroy_pool(hv);
	}
	return -EBUSY;
}

/* A free handle for a new pool (tmem_pool_mutex held), or NULL. */
static struct tmem_handle *tmem_handle_alloc(enum tmem_pool_kind kind,
					     u64 lo, u64 hi)
{
	struct tmem_handle *h;
	int i;

	for (i = 0; i < TMEM_MAX_HANDLES; i++) {
		h = &tmem_handles[i];
		if (h->kind != TMEM_POOL_UNUSED)
			continue;
		h->hv = -1;
		WRITE_ONCE(h->kind, kind);
		h->uuid[0] = lo;
		h->uuid[1] = hi;
		h->users = 1;
		atomic_long_set(&h->puts, 0);
		atomic_long_set(&h->failed_puts, 0);
		atomic_long_set(&h->gets, 0);
		atomic_long_set(&h->failed_gets, 0);
		atomic_long_set(&h->flushes, 0);
		return h;
	}
	return NULL;
}

/* Give a handle and its pool back (tmem_pool_mutex held). */
static void tmem_handle_release(struct tmem_handle *h)
{
	int hv = READ_ONCE(h->hv);

	WRITE_ONCE(h->hv, -1);
	/* no operation may reach the pool once Xen reuses its id */
	tmem_quiesce();
	if (hv >= 0)
		tmem_destroy_pool(hv);
	WRITE_ONCE(h->kind, TMEM_POOL_UNUSED);
	h->users = 0;
}

static int tmem_handle_index(const struct tmem_handle *h)
{
	return h - tmem_handles;
}

/* Why pool creation failed, or NULL if it did not. */
static const char *tmem_absent_reason(int rc)
{
	if (rc >= 0)
		return NULL;
	switch (rc) {
	case -TMEM_ENOHYPERCALL:
		return "the hypervisor has no tmem (hypercall 38 returned -ENOSYS)";
	case -ENODEV:
		return "tmem is disabled in the hypervisor (-ENODEV)";
	case -EPERM:
		return "the hypervisor refused tmem to this guest (-EPERM)";
	default:
		return "the hypervisor refused a tmem pool";
	}
}

/* ---- frontswap ------------------------------------------------------- */

static int tmem_frontswap_handle = -1;

static int tmem_frontswap_open(void)
{
	return tmem_pool_open(TMEM_POOL_PRIVATE_UUID, TMEM_POOL_PRIVATE_UUID,
			      tmem_pool_flags(true, false, PAGE_SHIFT), NULL);
}

static void tmem_frontswap_init(unsigned int type)
{
	struct tmem_handle *h;
	int hv;

	/* one pool for every swap device, made at the first swapon */
	if (READ_ONCE(tmem_frontswap_handle) >= 0)
		return;
	mutex_lock(&tmem_pool_mutex);
	if (tmem_frontswap_handle >= 0)
		goto out;
	hv = tmem_frontswap_open();
	if (hv < 0) {
		pr_warn("frontswap: no persistent pool (%d), swap goes to disk\n",
			hv);
		goto out;
	}
	h = tmem_handle_alloc(TMEM_POOL_FRONTSWAP, TMEM_POOL_PRIVATE_UUID,
			      TMEM_POOL_PRIVATE_UUID);
	if (!h) {
		tmem_destroy_pool(hv);
		goto out;
	}
	WRITE_ONCE(h->hv, hv);
	WRITE_ONCE(tmem_frontswap_handle, tmem_handle_index(h));
	pr_info("frontswap: persistent private pool %d\n", hv);
out:
	mutex_unlock(&tmem_pool_mutex);
}

/*
 * The frontswap pool is gone (the toolstack destroyed the client): what it
 * held is lost, and loads of it fail, as for a lost disk block.  Stores go
 * to disk until a new pool is there.
 */
static void tmem_frontswap_revive(struct work_struct *work)
{
	struct tmem_handle *h = tmem_handle(READ_ONCE(tmem_frontswap_handle));
	int hv;

	if (!h)
		return;
	mutex_lock(&tmem_pool_mutex);
	if (READ_ONCE(h->hv) < 0) {
		hv = tmem_frontswap_open();
		if (hv >= 0) {
			WRITE_ONCE(h->hv, hv);
			pr_warn("frontswap: new persistent pool %d, pages in the lost one are gone\n",
				hv);
		}
	}
	mutex_unlock(&tmem_pool_mutex);
}

static DECLARE_WORK(tmem_frontswap_revive_work, tmem_frontswap_revive);

static int tmem_frontswap_store(unsigned int type, pgoff_t offset,
				struct page *page)
{
	int handle = READ_ONCE(tmem_frontswap_handle);
	struct tmem_oid oid;
	u64 index = tmem_frontswap_oid(type, offset, &oid);
	int rc;

	if (handle < 0 || index > U32_MAX)
		return -EINVAL;
	rc = tmem_put(handle, &oid, index, page);
	if (rc == -ENODEV)
		schedule_work(&tmem_frontswap_revive_work);
	return rc;
}

static int tmem_frontswap_load(unsigned int type, pgoff_t offset,
			       struct page *page)
{
	int handle = READ_ONCE(tmem_frontswap_handle);
	struct tmem_oid oid;
	u64 index = tmem_frontswap_oid(type, offset, &oid);

	if (handle < 0 || index > U32_MAX)
		return -EINVAL;
	return tmem_get(handle, &oid, index, page);
}

static void tmem_frontswap_invalidate_page(unsigned int type, pgoff_t offset)
{
	int handle = READ_ONCE(tmem_frontswap_handle);
	struct tmem_oid oid;
	u64 index = tmem_frontswap_oid(type, offset, &oid);

	if (handle < 0 || index > U32_MAX)
		return;
	tmem_flush_page(handle, &oid, index);
}

static void tmem_frontswap_invalidate_area(unsigned int type)
{
	int handle = READ_ONCE(tmem_frontswap_handle);
	struct tmem_oid oid;
	unsigned long i;

	if (handle < 0)
		return;
	for (i = 0; i < (1UL << TMEM_FRONTSWAP_SLOTS_PER_OBJ_SHIFT); i++) {
		tmem_frontswap_oid(type, i, &oid);
		tmem_flush_object(handle, &oid);
	}
}

static const struct frontswap_ops tmem_frontswap_ops = {
	.init = tmem_frontswap_init,
	.store = tmem_frontswap_store,
	.load = tmem_frontswap_load,
	.invalidate_page = tmem_frontswap_invalidate_page,
	.invalidate_area = tmem_frontswap_invalidate_area,
};

/* ---- cleancache ------------------------------------------------------ */

static void tmem_cc_oid(const struct cleancache_filekey *key,
			struct tmem_oid *oid)
{
	BUILD_BUG_ON(sizeof(*key) != sizeof(*oid));
	memcpy(oid->oid, key->k, sizeof(oid->oid));
}

/*
 * Filesystems with the same UUID asking for a shared pool get the one pool
 * Xen keeps per UUID and client: each of them holds a reference to its
 * handle, and the pool goes when the last one is unmounted.  Returns the
 * handle, which cleancache keeps as the filesystem's pool id.
 */
static int tmem_cc_new_pool(u64 lo, u64 hi, bool shared, size_t pagesize)
{
	struct tmem_handle *h, *join = NULL;
	int hv, i, rc;

	if (pagesize != PAGE_SIZE)
		return -EINVAL;
	mutex_lock(&tmem_pool_mutex);
	for (i = 0; shared && i < TMEM_MAX_HANDLES; i++) {
		h = &tmem_handles[i];
		if (h->kind == TMEM_POOL_SHARED_EPH && READ_ONCE(h->hv) >= 0 &&
		    h->uuid[0] == lo && h->uuid[1] == hi)
			join = h;
	}
	hv = tmem_pool_open(lo, hi, tmem_pool_flags(false, shared, PAGE_SHIFT),
			    join);
	if (hv < 0) {
		rc = hv;
		goto out;
	}
	if (join && READ_ONCE(join->hv) == hv) {
		join->users++;
		rc = tmem_handle_index(join);
		pr_info("cleancache: ephemeral shared pool %d, %u users\n", hv,
			join->users);
		goto out;
	}
	h = tmem_handle_alloc(shared ? TMEM_POOL_SHARED_EPH : TMEM_POOL_PRIVATE,
			      lo, hi);
	if (!h) {
		tmem_destroy_pool(hv);
		rc = -ENOSPC;
		goto out;
	}
	WRITE_ONCE(h->hv, hv);
	rc = tmem_handle_index(h);
	pr_info("cleancache: ephemeral %s pool %d\n",
		shared ? "shared" : "private", hv);
out:
	mutex_unlock(&tmem_pool_mutex);
	return rc;
}

static int tmem_cc_init_fs(size_t pagesize)
{
	return tmem_cc_new_pool(TMEM_POOL_PRIVATE_UUID,
				TMEM_POOL_PRIVATE_UUID, false, pagesize);
}

/*
 * The two halves of a shared pool's UUID, as the toolstack spells them:
 * uuid[1] ("hi") holds bytes 0-7 of the UUID as a big-endian number,
 * uuid[0] ("lo") bytes 8-15.
 */
static void tmem_uuid_halves(const uuid_t *uuid, u64 *lo, u64 *hi)
{
	*hi = get_unaligned_be64(&uuid->b[0]);
	*lo = get_unaligned_be64(&uuid->b[8]);
}

static int tmem_cc_init_shared_fs(const uuid_t *uuid, size_t pagesize)
{
	u64 lo, hi;

	tmem_uuid_halves(uuid, &lo, &hi);
	return tmem_cc_new_pool(lo, hi, true, pagesize);
}

static int tmem_cc_get_page(int pool, const struct cleancache_filekey *key,
			    pgoff_t index, struct page *page)
{
	struct tmem_oid oid;

	if (index > U32_MAX)
		return -EINVAL;
	tmem_cc_oid(key, &oid);
	return tmem_get(pool, &oid, index, page);
}

static int tmem_cc_put_page(int pool, const struct cleancache_filekey *key,
			    pgoff_t index, struct page *page)
{
	struct tmem_oid oid;

	if (index > U32_MAX)
		return -EINVAL;
	tmem_cc_oid(key, &oid);
	return tmem_put(pool, &oid, index, page);
}

static void tmem_cc_invalidate_page(int pool,
				    const struct cleancache_filekey *key,
				    pgoff_t index)
{
	struct tmem_oid oid;

	if (index > U32_MAX)
		return;
	tmem_cc_oid(key, &oid);
	tmem_flush_page(pool, &oid, index);
}

static void tmem_cc_invalidate_inode(int pool,
				     const struct cleancache_filekey *key)
{
	struct tmem_oid oid;

	tmem_cc_oid(key, &oid);
	tmem_flush_object(pool, &oid);
}

static void tmem_cc_invalidate_fs(int pool)
{
	struct tmem_handle *h = tmem_handle(pool);

	mutex_lock(&tmem_pool_mutex);
	if (h && h->kind != TMEM_POOL_UNUSED && !--h->users)
		tmem_handle_release(h);
	mutex_unlock(&tmem_pool_mutex);
}

static const struct cleancache_ops tmem_cleancache_ops = {
	.init_fs = tmem_cc_init_fs,
	.init_shared_fs = tmem_cc_init_shared_fs,
	.get_page = tmem_cc_get_page,
	.put_page = tmem_cc_put_page,
	.invalidate_page = tmem_cc_invalidate_page,
	.invalidate_inode = tmem_cc_invalidate_inode,
	.invalidate_fs = tmem_cc_invalidate_fs,
};

/* ---- debugfs --------------------------------------------------------- */

#ifdef CONFIG_DEBUG_FS
static int tmem_calls_show(struct seq_file *m, void *v)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tmem_cmds); i++)
		seq_printf(m, "%s %ld\n", tmem_cmds[i].name,
			   atomic_long_read(&tmem_calls[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tmem_calls);

static int tmem_errors_show(struct seq_file *m, void *v)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tmem_errs); i++)
		seq_printf(m, "%s %ld\n", tmem_errs[i].name,
			   atomic_long_read(&tmem_errors[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tmem_errors);

/*
 * One line per pool in use.  "pages" is exact for the frontswap pool; for
 * ephemeral pools it is successful puts minus successful (exclusive) gets,
 * an estimate: the hypervisor may drop ephemeral pages at any time.
 */
static int tmem_pools_show(struct seq_file *m, void *v)
{
	unsigned int i;

	seq_puts(m, "pool kind puts failed_puts gets failed_gets flushes pages\n");
	mutex_lock(&tmem_pool_mutex);
	for (i = 0; i < TMEM_MAX_HANDLES; i++) {
		struct tmem_handle *h = &tmem_handles[i];
		long puts = atomic_long_read(&h->puts);
		long gets = atomic_long_read(&h->gets);
		long pages;

		if (h->kind == TMEM_POOL_UNUSED)
			continue;
		if (h->kind == TMEM_POOL_FRONTSWAP)
			pages = frontswap_curr_pages();
		else
			pages = max(puts - gets, 0L);
		/* a pool Xen lost shows as -1 */
		seq_printf(m, "%d %s %ld %ld %ld %ld %ld %ld\n",
			   READ_ONCE(h->hv), tmem_pool_kind_names[h->kind], puts,
			   atomic_long_read(&h->failed_puts), gets,
			   atomic_long_read(&h->failed_gets),
			   atomic_long_read(&h->flushes), pages);
	}
	mutex_unlock(&tmem_pool_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tmem_pools);

static void __init tmem_debugfs_init(void)
{
	struct dentry *root = debugfs_create_dir("tmem", NULL);

	debugfs_create_file("calls", 0444, root, NULL, &tmem_calls_fops);
	debugfs_create_file("errors", 0444, root, NULL, &tmem_errors_fops);
	debugfs_create_file("pools", 0444, root, NULL, &tmem_pools_fops);
}
#else
static inline void tmem_debugfs_init(void)
{
}
#endif /* CONFIG_DEBUG_FS */

/* ---- set-up ---------------------------------------------------------- */

static bool tmem_active;
static bool tmem_frontswap_active;

/* What drivers built on tmem (xen-selfballoon.c) start from. */
bool xen_tmem_active(void)
{
	return tmem_active;
}

bool xen_tmem_frontswap_active(void)
{
	return tmem_frontswap_active;
}

/*
 * A kernel started again in its domain (kexec) finds the pools of the one
 * before: their pages stay charged to the domain and nothing can reach
 * them.  Pool ids belong to the domain, so at start every id is such a
 * pool.  Returns how many there were.
 */
static int tmem_release_stale_pools(void)
{
	int pool, rc, n = 0;

	for (pool = 0; pool < TMEM_MAX_POOLS; pool++) {
		rc = tmem_destroy_pool(pool);
		if (rc < 0)
			break;	/* no tmem: nothing to release */
		n += rc == 1;
	}
	return n;
}

static int __init xen_tmem_init(void)
{
	const char *reason;
	bool fs_on = false, cc_on = false;
	int pool, stale;

	if (!tmem_enabled)
		return 0;
	if (!xen_domain()) {
		pr_info("not running on Xen, ignoring tmem=1\n");
		return 0;
	}
	tmem_handles_reset();
	tmem_debugfs_init();

	stale = tmem_release_stale_pools();

	/* probe: a pool made and destroyed at once */
	pool = tmem_new_pool(TMEM_POOL_PRIVATE_UUID, TMEM_POOL_PRIVATE_UUID,
			     tmem_pool_flags(false, false, PAGE_SHIFT));
	reason = tmem_absent_reason(pool);
	if (reason) {
		pr_info("%s: not used\n", reason);
		return 0;
	}
	tmem_destroy_pool(pool);
	tmem_active = true;
	if (stale)
		pr_info("released %d pools a previous kernel left\n", stale);

	if (frontswap && IS_ENABLED(CONFIG_FRONTSWAP)) {
		if (frontswap_register_ops(&tmem_frontswap_ops))
			pr_warn("another frontswap backend is registered\n");
		else
			fs_on = true;
	}
	if (cleancache && IS_ENABLED(CONFIG_CLEANCACHE)) {
		if (cleancache_register_ops(&tmem_cleancache_ops))
			pr_warn("another cleancache backend is registered\n");
		else
			cc_on = true;
	}
	tmem_frontswap_active = fs_on;
	pr_info("enabled in a %s guest (%s frames): frontswap %s, cleancache %s\n",
		xen_pv_domain() ? "PV" : (xen_pvh_domain() ? "PVH" : "HVM"),
		xen_pv_domain() ? "machine" : "guest",
		fs_on ? "on" : "off", cc_on ? "on" : "off");
	return 0;
}
module_init(xen_tmem_init);

#ifdef CONFIG_XEN_TMEM_KUNIT_TEST
#include "tmem_kunit.c"
#endif
