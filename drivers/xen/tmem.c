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
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/uuid.h>

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

struct tmem_pool_stats {
	enum tmem_pool_kind kind;
	unsigned int users;	/* filesystems on it (tmem_pool_mutex) */
	atomic_long_t puts;
	atomic_long_t failed_puts;
	atomic_long_t gets;
	atomic_long_t failed_gets;
	atomic_long_t flushes;
};

static struct tmem_pool_stats tmem_pools[TMEM_MAX_POOLS];

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

static struct tmem_pool_stats *tmem_pool_stats(int pool)
{
	if (pool < 0 || pool >= TMEM_MAX_POOLS)
		return NULL;
	return &tmem_pools[pool];
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

static void tmem_set_pool_kind(int pool, enum tmem_pool_kind kind)
{
	struct tmem_pool_stats *st = tmem_pool_stats(pool);

	if (!st)
		return;
	st->kind = kind;
	atomic_long_set(&st->puts, 0);
	atomic_long_set(&st->failed_puts, 0);
	atomic_long_set(&st->gets, 0);
	atomic_long_set(&st->failed_gets, 0);
	atomic_long_set(&st->flushes, 0);
}

static int tmem_destroy_pool(int pool)
{
	int rc = tmem_page_op(TMEM_DESTROY_POOL, pool, NULL, 0, NULL);

	tmem_set_pool_kind(pool, TMEM_POOL_UNUSED);
	return rc;
}

/* PUT: 0 if the hypervisor took the page, a negative errno if not */
static int tmem_put(int pool, const struct tmem_oid *oid, u32 index,
		    struct page *page)
{
	struct tmem_pool_stats *st = tmem_pool_stats(pool);
	int rc = tmem_page_op(TMEM_PUT_PAGE, pool, oid, index, page);

	if (st)
		atomic_long_inc(rc == 1 ? &st->puts : &st->failed_puts);
	if (rc == 1)
		return 0;
	return rc < 0 ? rc : -ENOSPC;
}

/* GET: 0 if @page was filled, a negative errno if not */
static int tmem_get(int pool, const struct tmem_oid *oid, u32 index,
		    struct page *page)
{
	struct tmem_pool_stats *st = tmem_pool_stats(pool);
	int rc = tmem_page_op(TMEM_GET_PAGE, pool, oid, index, page);

	if (st)
		atomic_long_inc(rc == 1 ? &st->gets : &st->failed_gets);
	if (rc == 1)
		return 0;
	return rc < 0 ? rc : -ENOENT;
}

static void tmem_flush_page(int pool, const struct tmem_oid *oid, u32 index)
{
	struct tmem_pool_stats *st = tmem_pool_stats(pool);

	tmem_page_op(TMEM_FLUSH_PAGE, pool, oid, index, NULL);
	if (st)
		atomic_long_inc(&st->flushes);
}

static void tmem_flush_object(int pool, const struct tmem_oid *oid)
{
	tmem_page_op(TMEM_FLUSH_OBJECT, pool, oid, 0, NULL);
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

static int tmem_frontswap_pool = -1;

static void tmem_frontswap_init(unsigned int type)
{
	int pool;

	/* one pool for every swap device, made at the first swapon */
	if (READ_ONCE(tmem_frontswap_pool) >= 0)
		return;
	pool = tmem_new_pool(TMEM_POOL_PRIVATE_UUID, TMEM_POOL_PRIVATE_UUID,
			     tmem_pool_flags(true, false, PAGE_SHIFT));
	if (pool < 0 || pool >= TMEM_MAX_POOLS) {
		pr_warn("frontswap: no persistent pool (%d), swap goes to disk\n",
			pool);
		return;
	}
	tmem_set_pool_kind(pool, TMEM_POOL_FRONTSWAP);
	WRITE_ONCE(tmem_frontswap_pool, pool);
	pr_info("frontswap: persistent private pool %d\n", pool);
}

static int tmem_frontswap_store(unsigned int type, pgoff_t offset,
				struct page *page)
{
	int pool = READ_ONCE(tmem_frontswap_pool);
	struct tmem_oid oid;
	u64 index = tmem_frontswap_oid(type, offset, &oid);

	if (pool < 0 || index > U32_MAX)
		return -EINVAL;
	return tmem_put(pool, &oid, index, page);
}

static int tmem_frontswap_load(unsigned int type, pgoff_t offset,
			       struct page *page)
{
	int pool = READ_ONCE(tmem_frontswap_pool);
	struct tmem_oid oid;
	u64 index = tmem_frontswap_oid(type, offset, &oid);

	if (pool < 0 || index > U32_MAX)
		return -EINVAL;
	return tmem_get(pool, &oid, index, page);
}

static void tmem_frontswap_invalidate_page(unsigned int type, pgoff_t offset)
{
	int pool = READ_ONCE(tmem_frontswap_pool);
	struct tmem_oid oid;
	u64 index = tmem_frontswap_oid(type, offset, &oid);

	if (pool < 0 || index > U32_MAX)
		return;
	tmem_flush_page(pool, &oid, index);
}

static void tmem_frontswap_invalidate_area(unsigned int type)
{
	int pool = READ_ONCE(tmem_frontswap_pool);
	struct tmem_oid oid;
	unsigned long i;

	if (pool < 0)
		return;
	for (i = 0; i < (1UL << TMEM_FRONTSWAP_SLOTS_PER_OBJ_SHIFT); i++) {
		tmem_frontswap_oid(type, i, &oid);
		tmem_flush_object(pool, &oid);
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
 * Xen keeps per UUID and client: each of them holds a reference, and the
 * pool goes when the last one is unmounted.
 */
static DEFINE_MUTEX(tmem_pool_mutex);

static int tmem_cc_new_pool(u64 lo, u64 hi, bool shared, size_t pagesize)
{
	struct tmem_pool_stats *st;
	int pool;

	if (pagesize != PAGE_SIZE)
		return -EINVAL;
	mutex_lock(&tmem_pool_mutex);
	pool = tmem_new_pool(lo, hi, tmem_pool_flags(false, shared,
						     PAGE_SHIFT));
	if (pool < 0)
		goto out;
	if (pool >= TMEM_MAX_POOLS) {
		tmem_destroy_pool(pool);
		pool = -ERANGE;
		goto out;
	}
	st = &tmem_pools[pool];
	if (shared && st->kind == TMEM_POOL_SHARED_EPH) {
		st->users++;
		pr_info("cleancache: ephemeral shared pool %d, %u users\n",
			pool, st->users);
		goto out;
	}
	tmem_set_pool_kind(pool, shared ? TMEM_POOL_SHARED_EPH :
			   TMEM_POOL_PRIVATE);
	st->users = 1;
	pr_info("cleancache: ephemeral %s pool %d\n",
		shared ? "shared" : "private", pool);
out:
	mutex_unlock(&tmem_pool_mutex);
	return pool;
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
	struct tmem_pool_stats *st = tmem_pool_stats(pool);

	mutex_lock(&tmem_pool_mutex);
	if (!st || !st->users || !--st->users)
		tmem_destroy_pool(pool);
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
	for (i = 0; i < TMEM_MAX_POOLS; i++) {
		struct tmem_pool_stats *st = &tmem_pools[i];
		long puts = atomic_long_read(&st->puts);
		long gets = atomic_long_read(&st->gets);
		long pages;

		if (st->kind == TMEM_POOL_UNUSED)
			continue;
		if (st->kind == TMEM_POOL_FRONTSWAP)
			pages = frontswap_curr_pages();
		else
			pages = max(puts - gets, 0L);
		seq_printf(m, "%u %s %ld %ld %ld %ld %ld %ld\n", i,
			   tmem_pool_kind_names[st->kind], puts,
			   atomic_long_read(&st->failed_puts), gets,
			   atomic_long_read(&st->failed_gets),
			   atomic_long_read(&st->flushes), pages);
	}
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
