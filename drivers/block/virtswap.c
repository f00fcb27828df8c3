// SPDX-License-Identifier: GPL-2.0
/*
 * virtswap: a swap disk whose pages live in the hypervisor's transcendent
 * memory (Xen tmem, hypercall 38).
 *
 * Each device /dev/virtswapN has a private persistent tmem pool of its own.
 * A write of a 4 KiB block puts the page there (block b is object b >> 4,
 * index b & 15: sixteen consecutive slots form one object, as frontswap
 * maps swap slots); a read gets it back; discard, write-zeroes and the swap
 * layer's slot-free notification flush it.  A page that is one 64-bit word
 * repeated never leaves the guest: the slot keeps the word.  A page tmem
 * refuses (frozen client, no room, over the domain's allowance, no tmem at
 * all) goes to the backing device if one is set, else the write fails; so
 * every read returns what was last written, wherever it went.
 *
 * It needs no hook in mm: the kernel decides what to swap, as for any swap
 * disk.  The same source builds in the kernel tree and as an external
 * module against a distribution's packaged headers (Documentation/admin-
 * guide/blockdev/virtswap.rst).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include <asm/xen/hypercall.h>
#include <xen/interface/xen.h>
#include <xen/page.h>
#include <xen/xen.h>

/* ---- the tmem interface (hypercall 38) ---- */

#define VS_TMEM_NEW_POOL	1
#define VS_TMEM_DESTROY_POOL	2
#define VS_TMEM_PUT_PAGE	4
#define VS_TMEM_GET_PAGE	5
#define VS_TMEM_FLUSH_PAGE	6
/* persistent, private, spec version 1, 4 KiB pages */
#define VS_TMEM_POOL_FLAGS	(0x1 | (1u << 24))
#define VS_TMEM_EFROZEN		1000
#define VS_SLOTS_PER_OBJ_SHIFT	4

/* Xen's ENOSYS: no tmem in the hypervisor. */
#define VS_XEN_ENOSYS		38

/*
 * What differs between the kernels it is built for.  In the tree, this
 * kernel's interfaces; built outside it (the DKMS package), the
 * compatibility header says which ones the target kernel has.
 */
#ifdef VIRTSWAP_EXTERNAL
#include "virtswap_compat.h"
#else
#define VS_HAVE_QUEUE_LIMITS 1
#define VS_BACKING_IS_FILE 1
#endif

/* ---- devices ---- */

enum vs_where {
	VS_NOWHERE,		/* never written, or discarded: reads zeroes */
	VS_TMEM,		/* in the device's tmem pool */
	VS_BACKING,		/* on the backing device, same block */
	VS_FILLED,		/* one repeated word, kept in the slot */
};

/* A slot: bit 0 its lock, bits 1-2 where its page is. */
struct vs_slot {
	unsigned long flags;
	u64 fill;
};

#define VS_SLOT_LOCK	0
#define VS_WHERE_SHIFT	1
#define VS_WHERE_MASK	(3UL << VS_WHERE_SHIFT)

enum vs_stat {
	VS_STORED_TMEM, VS_STORED_BACKING, VS_STORED_FILLED,
	VS_LOADED_TMEM, VS_LOADED_BACKING, VS_LOADED_FILLED, VS_LOADED_ZERO,
	VS_PUT_ENOMEM, VS_PUT_FROZEN, VS_PUT_NODEV, VS_PUT_OTHER,
	VS_GET_FAILED, VS_BACKING_ERRORS, VS_WRITE_FAILED,
	VS_FLUSHED, VS_NOTIFY_FREE, VS_NOTIFY_MISSED, VS_NR_STATS
};

static const char * const vs_stat_names[VS_NR_STATS] = {
	[VS_STORED_TMEM] = "stored_tmem",
	[VS_STORED_BACKING] = "stored_backing",
	[VS_STORED_FILLED] = "stored_same_filled",
	[VS_LOADED_TMEM] = "loaded_tmem",
	[VS_LOADED_BACKING] = "loaded_backing",
	[VS_LOADED_FILLED] = "loaded_same_filled",
	[VS_LOADED_ZERO] = "loaded_unwritten",
	[VS_PUT_ENOMEM] = "put_failed_enomem",
	[VS_PUT_FROZEN] = "put_failed_frozen",
	[VS_PUT_NODEV] = "put_failed_nodev",
	[VS_PUT_OTHER] = "put_failed_other",
	[VS_GET_FAILED] = "get_failed",
	[VS_BACKING_ERRORS] = "backing_errors",
	[VS_WRITE_FAILED] = "write_failed",
	[VS_FLUSHED] = "flushed",
	[VS_NOTIFY_FREE] = "notify_free",
	[VS_NOTIFY_MISSED] = "notify_missed",
};

struct virtswap {
	struct gendisk *disk;
	int id;
	struct mutex lock;		/* disksize, backing, pool */
	u64 disksize;			/* bytes; 0 until set */
	unsigned long nr_slots;
	struct vs_slot *slots;
	int pool;			/* tmem pool id, or -1 */
	char backing_path[128];
#ifdef VS_BACKING_IS_FILE
	struct file *backing_file;
#endif
	struct block_device *backing;
	atomic64_t stats[VS_NR_STATS];
	/* pages in each place now */
	atomic64_t in_tmem, in_backing, in_filled;
	struct dentry *debugfs;
};

static unsigned int num_devices = 1;
module_param(num_devices, uint, 0444);
MODULE_PARM_DESC(num_devices, "Number of virtswap devices (default 1)");

static unsigned long disksize_mb;
module_param(disksize_mb, ulong, 0444);
MODULE_PARM_DESC(disksize_mb, "Size of every device in MiB at load (0: set it in sysfs)");

static char *backing_dev;
module_param(backing_dev, charp, 0444);
MODULE_PARM_DESC(backing_dev, "Block device that takes the pages tmem refuses, for device 0");

#define VS_MAX_DEVICES	32
static int vs_major;
static DEFINE_IDR(vs_idr);
static struct dentry *vs_debugfs_root;

static void vs_count(struct virtswap *vs, enum vs_stat s)
{
	atomic64_inc(&vs->stats[s]);
}

/* ---- tmem ---- */

static long vs_hypercall(struct tmem_op *op)
{
	return _hypercall1(int, tmem_op, op);
}

static long vs_page_op(struct virtswap *vs, u32 cmd, unsigned long slot,
		       struct page *page)
{
	struct tmem_op op;

	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.pool_id = vs->pool;
	op.u.gen.oid[0] = slot >> VS_SLOTS_PER_OBJ_SHIFT;
	op.u.gen.index = slot & ((1UL << VS_SLOTS_PER_OBJ_SHIFT) - 1);
	if (page)
		set_xen_guest_handle(op.u.gen.gmfn,
				     (void *)xen_page_to_gfn(page));
	return vs_hypercall(&op);
}

static int vs_pool_create(void)
{
	struct tmem_op op;

	memset(&op, 0, sizeof(op));
	op.cmd = VS_TMEM_NEW_POOL;
	op.u.new.uuid[0] = ~0ULL;	/* private */
	op.u.new.uuid[1] = ~0ULL;
	op.u.new.flags = VS_TMEM_POOL_FLAGS;
	return vs_hypercall(&op);
}

static void vs_pool_destroy(struct virtswap *vs)
{
	struct tmem_op op;

	if (vs->pool < 0)
		return;
	memset(&op, 0, sizeof(op));
	op.cmd = VS_TMEM_DESTROY_POOL;
	op.pool_id = vs->pool;
	vs_hypercall(&op);
	vs->pool = -1;
}

/* ---- slots ---- */

static void vs_slot_lock(struct vs_slot *s)
{
	bit_spin_lock(VS_SLOT_LOCK, &s->flags);
}

static bool vs_slot_trylock(struct vs_slot *s)
{
	return bit_spin_trylock(VS_SLOT_LOCK, &s->flags);
}

static void vs_slot_unlock(struct vs_slot *s)
{
	bit_spin_unlock(VS_SLOT_LOCK, &s->flags);
}

static enum vs_where vs_where(const struct vs_slot *s)
{
	return (s->flags & VS_WHERE_MASK) >> VS_WHERE_SHIFT;
}

static void vs_set_where(struct virtswap *vs, struct vs_slot *s,
			 enum vs_where w)
{
	atomic64_t *in[] = { NULL, &vs->in_tmem, &vs->in_backing,
			     &vs->in_filled };
	enum vs_where old = vs_where(s);

	if (in[old])
		atomic64_dec(in[old]);
	if (in[w])
		atomic64_inc(in[w]);
	s->flags = (s->flags & ~VS_WHERE_MASK) |
		   ((unsigned long)w << VS_WHERE_SHIFT);
}

/*
 * Forget slot @i's page (its lock held): tmem's copy is flushed at once, so
 * Xen holds nothing the guest no longer wants.  Runs in atomic context
 * (slot-free notification): a hypercall does not sleep.
 */
static void vs_slot_free(struct virtswap *vs, unsigned long i)
{
	struct vs_slot *s = &vs->slots[i];

	if (vs_where(s) == VS_NOWHERE)
		return;
	if (vs_where(s) == VS_TMEM) {
		vs_page_op(vs, VS_TMEM_FLUSH_PAGE, i, NULL);
		vs_count(vs, VS_FLUSHED);
	}
	vs_set_where(vs, s, VS_NOWHERE);
}

/* The word @page repeats, if it is one word repeated. */
static bool vs_page_filled(struct page *page, u64 *word)
{
	const u64 *p = kmap_local_page(page);
	unsigned int i;
	bool same = true;

	for (i = 1; i < PAGE_SIZE / sizeof(*p); i++)
		if (p[i] != p[0]) {
			same = false;
			break;
		}
	*word = p[0];
	kunmap_local(p);
	return same;
}

static void vs_page_fill(struct page *page, u64 word)
{
	u64 *p = kmap_local_page(page);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(*p); i++)
		p[i] = word;
	kunmap_local(p);
}

/* ---- the backing device ---- */

struct vs_backing_io {
	struct work_struct work;
	struct virtswap *vs;
	unsigned long slot;
	struct page *page;
	blk_opf_t opf;
	int rc;
};

static void vs_backing_io_work(struct work_struct *work)
{
	struct vs_backing_io *io = container_of(work, struct vs_backing_io,
						work);
	struct bio *bio;

	bio = bio_alloc(io->vs->backing, 1, io->opf, GFP_NOIO);
	bio->bi_iter.bi_sector = (sector_t)io->slot <<
				 (PAGE_SHIFT - SECTOR_SHIFT);
	__bio_add_page(bio, io->page, PAGE_SIZE, 0);
	io->rc = submit_bio_wait(bio);
	bio_put(bio);
}

/*
 * One page to or from the backing device, waited for.  Inside our own
 * ->submit_bio, a bio we submit is only dispatched once we return, so
 * waiting for it there would never end: a worker submits it instead.
 */
static int vs_backing_rw(struct virtswap *vs, unsigned long slot,
			 struct page *page, blk_opf_t opf)
{
	struct vs_backing_io io = {
		.vs = vs, .slot = slot, .page = page, .opf = opf,
	};

	INIT_WORK_ONSTACK(&io.work, vs_backing_io_work);
	queue_work(system_unbound_wq, &io.work);
	flush_work(&io.work);
	destroy_work_on_stack(&io.work);
	if (io.rc)
		vs_count(vs, VS_BACKING_ERRORS);
	return io.rc;
}

static int vs_backing_open(struct virtswap *vs, const char *path)
{
	struct block_device *bdev;

#ifdef VS_BACKING_IS_FILE
	struct file *f = bdev_file_open_by_path(path, BLK_OPEN_READ |
						BLK_OPEN_WRITE, vs, NULL);

	if (IS_ERR(f))
		return PTR_ERR(f);
	bdev = file_bdev(f);
	vs->backing_file = f;
#else
	bdev = blkdev_get_by_path(path, FMODE_READ | FMODE_WRITE | FMODE_EXCL,
				  vs);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
#endif
	vs->backing = bdev;
	strscpy(vs->backing_path, path, sizeof(vs->backing_path));
	return 0;
}

static void vs_backing_close(struct virtswap *vs)
{
	if (!vs->backing)
		return;
#ifdef VS_BACKING_IS_FILE
	fput(vs->backing_file);
	vs->backing_file = NULL;
#else
	blkdev_put(vs->backing, FMODE_READ | FMODE_WRITE | FMODE_EXCL);
#endif
	vs->backing = NULL;
	vs->backing_path[0] = '\0';
}

/* ---- reads and writes of one page ---- */

static int vs_write_page(struct virtswap *vs, unsigned long i,
			 struct page *page)
{
	struct vs_slot *s = &vs->slots[i];
	long rc = -ENODEV;
	u64 word;

	if (vs_page_filled(page, &word)) {
		vs_slot_lock(s);
		vs_slot_free(vs, i);
		s->fill = word;
		vs_set_where(vs, s, VS_FILLED);
		vs_slot_unlock(s);
		vs_count(vs, VS_STORED_FILLED);
		return 0;
	}

	vs_slot_lock(s);
	/* A put replaces what tmem holds at the key; a failed one drops it. */
	if (vs->pool >= 0)
		rc = vs_page_op(vs, VS_TMEM_PUT_PAGE, i, page);
	if (rc == 1) {
		vs_set_where(vs, s, VS_TMEM);
		vs_slot_unlock(s);
		vs_count(vs, VS_STORED_TMEM);
		return 0;
	}
	vs_slot_free(vs, i);
	vs_slot_unlock(s);
	if (rc == -ENOMEM)
		vs_count(vs, VS_PUT_ENOMEM);
	else if (rc == -VS_TMEM_EFROZEN)
		vs_count(vs, VS_PUT_FROZEN);
	else if (rc == -ENODEV || rc == -VS_XEN_ENOSYS)
		vs_count(vs, VS_PUT_NODEV);
	else
		vs_count(vs, VS_PUT_OTHER);

	if (!vs->backing) {
		vs_count(vs, VS_WRITE_FAILED);
		return -EIO;
	}
	/* The slot stays nowhere until the backing device has the page. */
	if (vs_backing_rw(vs, i, page, REQ_OP_WRITE | REQ_SYNC))
		return -EIO;
	vs_slot_lock(s);
	vs_set_where(vs, s, VS_BACKING);
	vs_slot_unlock(s);
	vs_count(vs, VS_STORED_BACKING);
	return 0;
}

static int vs_read_page(struct virtswap *vs, unsigned long i,
			struct page *page)
{
	struct vs_slot *s = &vs->slots[i];
	enum vs_where w;
	long rc;
	u64 word;

	vs_slot_lock(s);
	w = vs_where(s);
	word = s->fill;
	if (w == VS_TMEM) {
		rc = vs_page_op(vs, VS_TMEM_GET_PAGE, i, page);
		vs_slot_unlock(s);
		if (rc == 1) {
			vs_count(vs, VS_LOADED_TMEM);
			return 0;
		}
		vs_count(vs, VS_GET_FAILED);
		pr_err_ratelimited("virtswap%d: block %lu: tmem get failed (%ld)\n",
				   vs->id, i, rc);
		return -EIO;
	}
	vs_slot_unlock(s);

	switch (w) {
	case VS_FILLED:
		vs_page_fill(page, word);
		vs_count(vs, VS_LOADED_FILLED);
		return 0;
	case VS_BACKING:
		vs_count(vs, VS_LOADED_BACKING);
		return vs_backing_rw(vs, i, page, REQ_OP_READ) ? -EIO : 0;
	default:
		vs_page_fill(page, 0);
		vs_count(vs, VS_LOADED_ZERO);
		return 0;
	}
}

/* ---- bios ---- */

static bool vs_in_range(struct virtswap *vs, sector_t sector,
			unsigned int bytes)
{
	u64 end = ((u64)sector << SECTOR_SHIFT) + bytes;

	return !(sector & (PAGE_SECTORS - 1)) && !(bytes & (PAGE_SIZE - 1)) &&
	       end <= vs->disksize;
}

static void vs_discard(struct virtswap *vs, struct bio *bio)
{
	unsigned long i = bio->bi_iter.bi_sector >> (PAGE_SHIFT - SECTOR_SHIFT);
	unsigned long n = bio->bi_iter.bi_size >> PAGE_SHIFT;

	for (; n; n--, i++) {
		vs_slot_lock(&vs->slots[i]);
		vs_slot_free(vs, i);
		vs_slot_unlock(&vs->slots[i]);
		/* A whole-device discard (swapon -d) is many flushes. */
		if (!(n & 1023))
			cond_resched();
	}
}

static void vs_submit_bio(struct bio *bio)
{
	struct virtswap *vs = bio->bi_bdev->bd_disk->private_data;
	struct bvec_iter iter;
	struct bio_vec bv;
	unsigned long i;
	int rc = 0;

	if (!vs_in_range(vs, bio->bi_iter.bi_sector, bio->bi_iter.bi_size)) {
		bio_io_error(bio);
		return;
	}
	switch (bio_op(bio)) {
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		vs_discard(vs, bio);
		bio_endio(bio);
		return;
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		break;
	case REQ_OP_FLUSH:
		bio_endio(bio);
		return;
	default:
		bio->bi_status = BLK_STS_NOTSUPP;
		bio_endio(bio);
		return;
	}

	i = bio->bi_iter.bi_sector >> (PAGE_SHIFT - SECTOR_SHIFT);
	bio_for_each_segment(bv, bio, iter) {
		/* 4 KiB blocks: every segment is one whole page. */
		if (WARN_ON_ONCE(bv.bv_offset || bv.bv_len != PAGE_SIZE)) {
			rc = -EIO;
			break;
		}
		if (op_is_write(bio_op(bio)))
			rc = vs_write_page(vs, i, bv.bv_page);
		else
			rc = vs_read_page(vs, i, bv.bv_page);
		if (rc)
			break;
		i++;
		cond_resched();
	}
	if (rc)
		bio->bi_status = BLK_STS_IOERR;
	bio_endio(bio);
}

/* Called by the swap layer with its lock held: no sleeping. */
static void vs_slot_free_notify(struct block_device *bdev,
				unsigned long index)
{
	struct virtswap *vs = bdev->bd_disk->private_data;
	struct vs_slot *s;

	if (index >= vs->nr_slots)
		return;
	s = &vs->slots[index];
	vs_count(vs, VS_NOTIFY_FREE);
	if (!vs_slot_trylock(s)) {
		vs_count(vs, VS_NOTIFY_MISSED);
		return;
	}
	vs_slot_free(vs, index);
	vs_slot_unlock(s);
}

#ifdef VS_HAVE_RW_PAGE
static int vs_rw_page(struct block_device *bdev, sector_t sector,
		      struct page *page, enum req_op op)
{
	struct virtswap *vs = bdev->bd_disk->private_data;
	unsigned long i = sector >> (PAGE_SHIFT - SECTOR_SHIFT);
	int rc;

	if (PageTransHuge(page) || !vs_in_range(vs, sector, PAGE_SIZE))
		return -EIO;
	rc = op_is_write(op) ? vs_write_page(vs, i, page) :
			       vs_read_page(vs, i, page);
	page_endio(page, op_is_write(op), rc);
	return 0;
}
#endif

static const struct block_device_operations vs_fops = {
	.owner = THIS_MODULE,
	.submit_bio = vs_submit_bio,
	.swap_slot_free_notify = vs_slot_free_notify,
#ifdef VS_HAVE_RW_PAGE
	.rw_page = vs_rw_page,
#endif
};

/* ---- set-up ---- */

/* Give the device its size: slots, a tmem pool of its own, capacity. */
static int vs_set_disksize(struct virtswap *vs, u64 bytes)
{
	struct vs_slot *slots;
	int pool;

	bytes = round_down(bytes, PAGE_SIZE);
	if (!bytes || (bytes >> PAGE_SHIFT) > (1UL << 32) << VS_SLOTS_PER_OBJ_SHIFT)
		return -EINVAL;
	if (vs->disksize)
		return -EBUSY;
	slots = vzalloc(array_size(bytes >> PAGE_SHIFT, sizeof(*slots)));
	if (!slots)
		return -ENOMEM;
	pool = vs_pool_create();
	if (pool < 0)
		pr_warn("virtswap%d: no tmem pool (%d): %s\n", vs->id, pool,
			vs->backing ? "every page goes to the backing device" :
				      "every write will fail");
	vs->slots = slots;
	vs->nr_slots = bytes >> PAGE_SHIFT;
	vs->pool = pool < 0 ? -1 : pool;
	vs->disksize = bytes;
	set_capacity_and_notify(vs->disk, bytes >> SECTOR_SHIFT);
	pr_info("virtswap%d: %llu MiB, tmem pool %d%s%s\n", vs->id, bytes >> 20,
		vs->pool, vs->backing ? ", backing device " : "",
		vs->backing ? vs->backing_path : "");
	return 0;
}

/* Everything the device holds, gone (no opener left). */
static void vs_reset(struct virtswap *vs)
{
	unsigned long i;

	for (i = 0; i < vs->nr_slots; i++)
		vs_set_where(vs, &vs->slots[i], VS_NOWHERE);
	/* One DESTROY_POOL frees all the device's pages in Xen. */
	vs_pool_destroy(vs);
	vfree(vs->slots);
	vs->slots = NULL;
	vs->nr_slots = 0;
	vs->disksize = 0;
	set_capacity_and_notify(vs->disk, 0);
}

static struct virtswap *vs_of(struct device *dev)
{
	return dev_to_disk(dev)->private_data;
}

static ssize_t disksize_show(struct device *dev, struct device_attribute *a,
			     char *buf)
{
	return sysfs_emit(buf, "%llu\n", vs_of(dev)->disksize);
}

static ssize_t disksize_store(struct device *dev, struct device_attribute *a,
			      const char *buf, size_t len)
{
	struct virtswap *vs = vs_of(dev);
	u64 bytes = memparse(buf, NULL);
	int rc;

	mutex_lock(&vs->lock);
	rc = vs_set_disksize(vs, bytes);
	mutex_unlock(&vs->lock);
	return rc ? rc : len;
}
static DEVICE_ATTR_RW(disksize);

static ssize_t backing_dev_show(struct device *dev,
				struct device_attribute *a, char *buf)
{
	struct virtswap *vs = vs_of(dev);
	ssize_t n;

	mutex_lock(&vs->lock);
	n = sysfs_emit(buf, "%s\n", vs->backing ? vs->backing_path : "none");
	mutex_unlock(&vs->lock);
	return n;
}

static ssize_t backing_dev_store(struct device *dev,
				 struct device_attribute *a, const char *buf,
				 size_t len)
{
	struct virtswap *vs = vs_of(dev);
	char path[128];
	int rc;

	if (strscpy(path, buf, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	strim(path);
	mutex_lock(&vs->lock);
	/* Only before the size is set: no page may be on the old one. */
	if (vs->disksize)
		rc = -EBUSY;
	else if (vs->backing)
		rc = -EEXIST;
	else
		rc = vs_backing_open(vs, path);
	mutex_unlock(&vs->lock);
	return rc ? rc : len;
}
static DEVICE_ATTR_RW(backing_dev);

static ssize_t reset_store(struct device *dev, struct device_attribute *a,
			   const char *buf, size_t len)
{
	struct virtswap *vs = vs_of(dev);
	int rc = 0;

	mutex_lock(&vs->lock);
	if (disk_openers(vs->disk))
		rc = -EBUSY;
	else if (vs->disksize)
		vs_reset(vs);
	mutex_unlock(&vs->lock);
	return rc ? rc : len;
}
static DEVICE_ATTR_WO(reset);

/*
 * mm_stat: pages in tmem, on the backing device, same-filled (in the
 * slot), the tmem pool id.  io_stat: pages stored and loaded per place.
 * errors: refused puts by reason, failed gets, backing device errors,
 * failed writes.
 */
static ssize_t mm_stat_show(struct device *dev, struct device_attribute *a,
			    char *buf)
{
	struct virtswap *vs = vs_of(dev);

	return sysfs_emit(buf, "%8lld %8lld %8lld %8d\n",
			  atomic64_read(&vs->in_tmem),
			  atomic64_read(&vs->in_backing),
			  atomic64_read(&vs->in_filled), vs->pool);
}
static DEVICE_ATTR_RO(mm_stat);

static long long vs_stat(struct virtswap *vs, enum vs_stat s)
{
	return atomic64_read(&vs->stats[s]);
}

/* One line of counters, in the order given. */
static ssize_t vs_emit_stats(struct virtswap *vs, char *buf,
			     const enum vs_stat *which, unsigned int n)
{
	ssize_t len = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		len += sysfs_emit_at(buf, len, "%8lld%c", vs_stat(vs, which[i]),
				     i + 1 < n ? ' ' : '\n');
	return len;
}

static ssize_t io_stat_show(struct device *dev, struct device_attribute *a,
			    char *buf)
{
	static const enum vs_stat which[] = {
		VS_STORED_TMEM, VS_STORED_BACKING, VS_STORED_FILLED,
		VS_LOADED_TMEM, VS_LOADED_BACKING, VS_LOADED_FILLED,
		VS_LOADED_ZERO,
	};

	return vs_emit_stats(vs_of(dev), buf, which, ARRAY_SIZE(which));
}
static DEVICE_ATTR_RO(io_stat);

static ssize_t errors_show(struct device *dev, struct device_attribute *a,
			   char *buf)
{
	static const enum vs_stat which[] = {
		VS_PUT_ENOMEM, VS_PUT_FROZEN, VS_PUT_NODEV, VS_PUT_OTHER,
		VS_GET_FAILED, VS_BACKING_ERRORS, VS_WRITE_FAILED,
	};

	return vs_emit_stats(vs_of(dev), buf, which, ARRAY_SIZE(which));
}
static DEVICE_ATTR_RO(errors);

static struct attribute *vs_attrs[] = {
	&dev_attr_disksize.attr,
	&dev_attr_backing_dev.attr,
	&dev_attr_reset.attr,
	&dev_attr_mm_stat.attr,
	&dev_attr_io_stat.attr,
	&dev_attr_errors.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vs);

/* debugfs: every counter by name, one per line. */
static int vs_counters_show(struct seq_file *m, void *v)
{
	struct virtswap *vs = m->private;
	int s;

	for (s = 0; s < VS_NR_STATS; s++)
		seq_printf(m, "%s %lld\n", vs_stat_names[s], vs_stat(vs, s));
	seq_printf(m, "pages_in_tmem %lld\n", atomic64_read(&vs->in_tmem));
	seq_printf(m, "pages_in_backing %lld\n",
		   atomic64_read(&vs->in_backing));
	seq_printf(m, "pages_same_filled %lld\n",
		   atomic64_read(&vs->in_filled));
	seq_printf(m, "tmem_pool %d\n", vs->pool);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vs_counters);

static struct gendisk *vs_alloc_disk(void)
{
#ifdef VS_HAVE_QUEUE_LIMITS
	struct queue_limits lim = {
		.logical_block_size = PAGE_SIZE,
		.physical_block_size = PAGE_SIZE,
		.io_min = PAGE_SIZE,
		.io_opt = PAGE_SIZE,
		.max_hw_discard_sectors = UINT_MAX,
		.max_write_zeroes_sectors = UINT_MAX,
		.features = BLK_FEAT_SYNCHRONOUS | BLK_FEAT_STABLE_WRITES,
	};

	return blk_alloc_disk(&lim, NUMA_NO_NODE);
#else
	struct gendisk *disk = blk_alloc_disk(NUMA_NO_NODE);

	if (!disk)
		return ERR_PTR(-ENOMEM);
	blk_queue_logical_block_size(disk->queue, PAGE_SIZE);
	blk_queue_physical_block_size(disk->queue, PAGE_SIZE);
	blk_queue_io_min(disk->queue, PAGE_SIZE);
	blk_queue_io_opt(disk->queue, PAGE_SIZE);
	blk_queue_max_discard_sectors(disk->queue, UINT_MAX);
	blk_queue_max_write_zeroes_sectors(disk->queue, UINT_MAX);
	blk_queue_flag_set(QUEUE_FLAG_STABLE_WRITES, disk->queue);
	return disk;
#endif
}

static int vs_add(const char *backing)
{
	struct virtswap *vs;
	int rc;

	vs = kzalloc(sizeof(*vs), GFP_KERNEL);
	if (!vs)
		return -ENOMEM;
	mutex_init(&vs->lock);
	vs->pool = -1;
	rc = idr_alloc(&vs_idr, vs, 0, VS_MAX_DEVICES, GFP_KERNEL);
	if (rc < 0)
		goto out_free;
	vs->id = rc;

	vs->disk = vs_alloc_disk();
	if (IS_ERR(vs->disk)) {
		rc = PTR_ERR(vs->disk);
		goto out_idr;
	}
	vs->disk->major = vs_major;
	vs->disk->first_minor = vs->id;
	vs->disk->minors = 1;
	vs->disk->flags |= GENHD_FL_NO_PART;
	vs->disk->fops = &vs_fops;
	vs->disk->private_data = vs;
	snprintf(vs->disk->disk_name, sizeof(vs->disk->disk_name),
		 "virtswap%d", vs->id);
	set_capacity(vs->disk, 0);

	if (backing) {
		rc = vs_backing_open(vs, backing);
		if (rc) {
			pr_err("virtswap%d: backing device %s: %d\n", vs->id,
			       backing, rc);
			goto out_disk;
		}
	}
	if (disksize_mb) {
		rc = vs_set_disksize(vs, (u64)disksize_mb << 20);
		if (rc)
			goto out_backing;
	}
	rc = device_add_disk(NULL, vs->disk, vs_groups);
	if (rc)
		goto out_size;
	vs->debugfs = debugfs_create_file(vs->disk->disk_name, 0444,
					  vs_debugfs_root, vs,
					  &vs_counters_fops);
	return 0;

out_size:
	if (vs->disksize)
		vs_reset(vs);
out_backing:
	vs_backing_close(vs);
out_disk:
	put_disk(vs->disk);
out_idr:
	idr_remove(&vs_idr, vs->id);
out_free:
	kfree(vs);
	return rc;
}

static int vs_remove(int id, void *p, void *data)
{
	struct virtswap *vs = p;

	debugfs_remove(vs->debugfs);
	del_gendisk(vs->disk);
	if (vs->disksize)
		vs_reset(vs);
	vs_backing_close(vs);
	put_disk(vs->disk);
	kfree(vs);
	return 0;
}

static int __init virtswap_init(void)
{
	unsigned int i;
	int rc;

	if (!xen_domain()) {
		pr_info("not a Xen guest: no tmem\n");
		return -ENODEV;
	}
	if (!num_devices || num_devices > VS_MAX_DEVICES) {
		pr_err("num_devices=%u: 1 to %d\n", num_devices,
		       VS_MAX_DEVICES);
		return -EINVAL;
	}
	vs_major = register_blkdev(0, "virtswap");
	if (vs_major < 0)
		return vs_major;
	vs_debugfs_root = debugfs_create_dir("virtswap", NULL);
	for (i = 0; i < num_devices; i++) {
		rc = vs_add(i == 0 ? backing_dev : NULL);
		if (rc) {
			idr_for_each(&vs_idr, vs_remove, NULL);
			idr_destroy(&vs_idr);
			debugfs_remove_recursive(vs_debugfs_root);
			unregister_blkdev(vs_major, "virtswap");
			return rc;
		}
	}
	return 0;
}

static void __exit virtswap_exit(void)
{
	idr_for_each(&vs_idr, vs_remove, NULL);
	idr_destroy(&vs_idr);
	debugfs_remove_recursive(vs_debugfs_root);
	unregister_blkdev(vs_major, "virtswap");
}

module_init(virtswap_init);
module_exit(virtswap_exit);

MODULE_DESCRIPTION("Swap disk in Xen transcendent memory, with a backing device for what it refuses");
MODULE_LICENSE("GPL");
