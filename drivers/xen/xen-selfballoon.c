// SPDX-License-Identifier: GPL-2.0
/*
 * Self-ballooning and frontswap self-shrinking for Xen tmem guests
 *
 * A guest that keeps all the RAM it booted with holds memory it does not
 * use, which no other guest can have.  Every selfballoon_interval seconds
 * this driver:
 *
 *  - self-ballooning: sets the balloon target toward the memory the guest
 *    has committed (Committed_AS) plus what the kernel reserves plus
 *    selfballoon_reserved_mb.  It moves 1/selfballoon_downhysteresis of the
 *    distance per interval going down and 1/selfballoon_uphysteresis going
 *    up, never below selfballoon_min_usable_mb nor above the target the
 *    toolstack set.  What the guest then has to swap goes to frontswap,
 *    whose persistent pages Xen charges to the guest's allowance.
 *
 *  - frontswap self-shrinking: once frontswap has taken no page for
 *    frontswap_inertia intervals, brings 1/frontswap_hysteresis of the
 *    pages frontswap holds back into the guest per interval (swapping them
 *    in as swapoff would, with swap left on), so that Xen gets back the
 *    memory of a burst that is over.
 *
 * The knobs are in sysfs, /sys/devices/system/xen_memory/xen_memory0/
 * selfballoon/ (Documentation/ABI/stable/sysfs-devices-system-xen_memory);
 * the boot parameters tmem.selfballooning and tmem.selfshrinking (default
 * on) say whether each runs from boot once the tmem driver is on,
 * self-shrinking only where frontswap uses tmem.
 */

#define pr_fmt(fmt) "xen-selfballoon: " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/frontswap.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/swap.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

#include <xen/balloon.h>
#include <xen/tmem.h>
#include <xen/xen.h>

/* The boot parameters keep the names the tmem driver of Linux 3.x gave. */
#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "tmem."

static bool boot_selfballooning = true;
module_param_named(selfballooning, boot_selfballooning, bool, 0444);
MODULE_PARM_DESC(selfballooning, "Balloon down toward committed memory (default on)");

static bool boot_selfshrinking = true;
module_param_named(selfshrinking, boot_selfshrinking, bool, 0444);
MODULE_PARM_DESC(selfshrinking, "Bring frontswap pages back once swap is quiet (default on)");

#define MB2PAGES(mb)	((unsigned long)(mb) << (20 - PAGE_SHIFT))
#define PAGES2MB(pages)	((pages) >> (20 - PAGE_SHIFT))

/* the largest interval and hysteresis a user may set */
#define SELFBALLOON_MAX_INTERVAL	3600
#define SELFBALLOON_MAX_HYSTERESIS	1000

/*
 * Settings, read by the worker without a lock (READ_ONCE); sysfs writes
 * them under selfballoon_mutex, which also orders starting the worker.
 */
static unsigned int selfballooning;
static unsigned int frontswap_selfshrinking;
static unsigned int selfballoon_interval = 5;
static unsigned int selfballoon_downhysteresis = 8;
static unsigned int selfballoon_uphysteresis = 1;
static unsigned int selfballoon_min_usable_mb;
static unsigned int selfballoon_reserved_mb;
static unsigned int frontswap_hysteresis = 20;
static unsigned int frontswap_inertia = 3;

static DEFINE_MUTEX(selfballoon_mutex);

/* the toolstack's target, in balloon pages; 0 until its watch fires */
static unsigned long selfballoon_ceiling;

/* worker state: frontswap's store count last interval, quiet intervals */
static unsigned long selfshrink_last_stores;
static unsigned int selfshrink_quiet;

/* debugfs xen-selfballoon/: pages brought back from frontswap */
static unsigned long selfshrink_pages;

static void selfballoon_process(struct work_struct *work);
static DECLARE_DELAYED_WORK(selfballoon_work, selfballoon_process);

static unsigned long selfballoon_next_target(void)
{
	unsigned long cur = totalram_pages();
	unsigned long goal, tgt, floor, kernel, ceiling;

	goal = vm_memory_committed() + totalreserve_pages +
	       MB2PAGES(READ_ONCE(selfballoon_reserved_mb));
	if (cur > goal)
		tgt = cur - (cur - goal) / READ_ONCE(selfballoon_downhysteresis);
	else
		tgt = cur + (goal - cur) / READ_ONCE(selfballoon_uphysteresis);
	floor = MB2PAGES(READ_ONCE(selfballoon_min_usable_mb));
	tgt = max(tgt, floor);

	/*
	 * The balloon counts every page the guest has, totalram_pages() only
	 * those the kernel did not keep for itself at boot.
	 */
	kernel = balloon_stats.current_pages > cur ?
		 balloon_stats.current_pages - cur : 0;
	tgt += kernel;
	ceiling = READ_ONCE(selfballoon_ceiling);
	if (ceiling)
		tgt = min(tgt, ceiling);
	return tgt;
}

static void frontswap_selfshrink(void)
{
	unsigned long stores = frontswap_stores();
	unsigned long held, n;

	if (stores != selfshrink_last_stores) {
		selfshrink_last_stores = stores;
		selfshrink_quiet = 0;
		return;
	}
	if (selfshrink_quiet < READ_ONCE(frontswap_inertia)) {
		selfshrink_quiet++;
		return;
	}
	held = frontswap_curr_pages();
	if (!held)
		return;
	n = frontswap_shrink(DIV_ROUND_UP(held, READ_ONCE(frontswap_hysteresis)));
	WRITE_ONCE(selfshrink_pages, selfshrink_pages + n);
	/* pages brought back that had to be swapped out again end the quiet */
	selfshrink_last_stores = frontswap_stores();
}

static void selfballoon_process(struct work_struct *work)
{
	bool balloon = READ_ONCE(selfballooning);
	bool shrink = READ_ONCE(frontswap_selfshrinking);

	if (balloon) {
		unsigned long tgt = selfballoon_next_target();

		if (tgt != balloon_stats.target_pages)
			balloon_set_new_target(tgt);
	}
	if (shrink)
		frontswap_selfshrink();
	if (balloon || shrink)
		schedule_delayed_work(&selfballoon_work,
				      READ_ONCE(selfballoon_interval) * HZ);
}

/* caller holds selfballoon_mutex */
static void selfballoon_start(void)
{
	if (selfballooning || frontswap_selfshrinking)
		schedule_delayed_work(&selfballoon_work,
				      selfballoon_interval * HZ);
}

/**
 * xen_selfballoon_set_ceiling - the toolstack set a new balloon target
 * @target_pages: the target, in balloon pages
 *
 * Return: true when self-ballooning is on: the target is then the most the
 * guest balloons up to, and is applied at once only where it is lower than
 * the guest's own; false when the caller should apply it as usual.
 */
bool xen_selfballoon_set_ceiling(unsigned long target_pages)
{
	WRITE_ONCE(selfballoon_ceiling, target_pages);
	if (!READ_ONCE(selfballooning))
		return false;
	if (target_pages < balloon_stats.target_pages)
		balloon_set_new_target(target_pages);
	return true;
}

/* ---- sysfs: xen_memory0/selfballoon/ ---------------------------------- */

/* a knob: a setting of the same name, and the values it may take */
struct selfballoon_knob {
	struct device_attribute attr;
	unsigned int *setting;
	unsigned int min;
	unsigned int max;
};

static ssize_t selfballoon_knob_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct selfballoon_knob *knob =
		container_of(attr, struct selfballoon_knob, attr);

	return sysfs_emit(buf, "%u\n", READ_ONCE(*knob->setting));
}

static ssize_t selfballoon_knob_store(struct device *dev,
				      struct device_attribute *attr,
				      const char *buf, size_t count)
{
	struct selfballoon_knob *knob =
		container_of(attr, struct selfballoon_knob, attr);
	unsigned int val;
	int err;

	err = kstrtouint(buf, 10, &val);
	if (err)
		return err;
	if (val < knob->min || val > knob->max)
		return -EINVAL;
	mutex_lock(&selfballoon_mutex);
	WRITE_ONCE(*knob->setting, val);
	/* turned off, the guest goes back to the toolstack's target */
	if (knob->setting == &selfballooning && !val && selfballoon_ceiling)
		balloon_set_new_target(selfballoon_ceiling);
	selfballoon_start();
	mutex_unlock(&selfballoon_mutex);
	return count;
}

#define SELFBALLOON_KNOB(_name, _min, _max)				\
static struct selfballoon_knob knob_##_name = {				\
	.attr = {							\
		.attr = { .name = #_name, .mode = 0644 },		\
		.show = selfballoon_knob_show,				\
		.store = selfballoon_knob_store,			\
	},								\
	.setting = &(_name),						\
	.min = _min,							\
	.max = _max,							\
}

SELFBALLOON_KNOB(selfballooning, 0, 1);
SELFBALLOON_KNOB(selfballoon_interval, 1, SELFBALLOON_MAX_INTERVAL);
SELFBALLOON_KNOB(selfballoon_downhysteresis, 1, SELFBALLOON_MAX_HYSTERESIS);
SELFBALLOON_KNOB(selfballoon_uphysteresis, 1, SELFBALLOON_MAX_HYSTERESIS);
SELFBALLOON_KNOB(selfballoon_min_usable_mb, 0, UINT_MAX);
SELFBALLOON_KNOB(selfballoon_reserved_mb, 0, UINT_MAX);
SELFBALLOON_KNOB(frontswap_selfshrinking, 0, 1);
SELFBALLOON_KNOB(frontswap_hysteresis, 1, SELFBALLOON_MAX_HYSTERESIS);
SELFBALLOON_KNOB(frontswap_inertia, 1, SELFBALLOON_MAX_HYSTERESIS);

static struct attribute *selfballoon_attrs[] = {
	&knob_selfballooning.attr.attr,
	&knob_selfballoon_interval.attr.attr,
	&knob_selfballoon_downhysteresis.attr.attr,
	&knob_selfballoon_uphysteresis.attr.attr,
	&knob_selfballoon_min_usable_mb.attr.attr,
	&knob_selfballoon_reserved_mb.attr.attr,
	&knob_frontswap_selfshrinking.attr.attr,
	&knob_frontswap_hysteresis.attr.attr,
	&knob_frontswap_inertia.attr.attr,
	NULL
};

const struct attribute_group xen_selfballoon_group = {
	.name = "selfballoon",
	.attrs = selfballoon_attrs,
};

/* ---- boot ------------------------------------------------------------- */

/*
 * The floor a guest of @ram pages keeps by default: half of a small guest,
 * a smaller share of a large one.
 */
static unsigned long __init selfballoon_default_floor(unsigned long ram)
{
	if (ram < MB2PAGES(128))
		return MB2PAGES(8) + ram / 2;
	if (ram < MB2PAGES(512))
		return MB2PAGES(40) + ram / 4;
	if (ram < MB2PAGES(2048))
		return MB2PAGES(104) + ram / 8;
	if (ram < MB2PAGES(8192))
		return MB2PAGES(232) + ram / 16;
	return MB2PAGES(488) + ram / 32;
}

/*
 * The floor and the reserve follow the memory the guest booted with, also
 * for a guest whose tmem driver never started (sysfs can still turn
 * self-ballooning on).  Caller holds selfballoon_mutex.
 */
static void __init selfballoon_set_defaults(void)
{
	static bool done __initdata;
	unsigned long ram = totalram_pages();

	if (done)
		return;
	done = true;
	selfballoon_min_usable_mb = PAGES2MB(selfballoon_default_floor(ram));
	selfballoon_reserved_mb = PAGES2MB(ram / 10);
}

/* Start what the boot parameters asked for (tmem is on). */
static void __init selfballoon_boot_start(bool balloon, bool shrink)
{
	struct dentry *dir;

	mutex_lock(&selfballoon_mutex);
	selfballoon_set_defaults();
	selfballooning = balloon;
	frontswap_selfshrinking = shrink;
	selfshrink_last_stores = frontswap_stores();
	selfballoon_start();
	mutex_unlock(&selfballoon_mutex);

	dir = debugfs_create_dir("xen-selfballoon", NULL);
	debugfs_create_ulong("frontswap_selfshrunk", 0444, dir,
			     &selfshrink_pages);
	pr_info("self-ballooning %s, frontswap self-shrinking %s (floor %u MiB, reserve %u MiB)\n",
		balloon ? "on" : "off", shrink ? "on" : "off",
		selfballoon_min_usable_mb, selfballoon_reserved_mb);
}

/* After the device initcalls, where the tmem driver has made up its mind. */
static int __init selfballoon_late_init(void)
{
	if (!xen_domain())
		return 0;
	if (xen_tmem_active()) {
		selfballoon_boot_start(boot_selfballooning,
				       boot_selfshrinking &&
				       xen_tmem_frontswap_active());
		return 0;
	}
	/* Off from boot: the knobs still show their defaults. */
	mutex_lock(&selfballoon_mutex);
	selfballoon_set_defaults();
	mutex_unlock(&selfballoon_mutex);
	return 0;
}
late_initcall(selfballoon_late_init);
