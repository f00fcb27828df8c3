/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtswap built outside the kernel tree: which interfaces the target
 * kernel has, keyed on its version.  Known to build and run on Debian's
 * 6.1 and 6.12 kernels; the kernel tree's own copy needs none of this.
 */
#ifndef VIRTSWAP_COMPAT_H
#define VIRTSWAP_COMPAT_H

#include <linux/version.h>

/* 6.9: blk_alloc_disk() takes queue_limits, with features in them. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#define VS_HAVE_QUEUE_LIMITS 1
#endif

/* 6.9: block devices are opened as files (bdev_file_open_by_path()). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#define VS_BACKING_IS_FILE 1
#endif

/* Before 6.3, swap skips the swap cache for a disk with ->rw_page. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
#define VS_HAVE_RW_PAGE 1
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0) || \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0) && \
	 LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0))
#warning "virtswap: not tried on this kernel version (known: 6.1, 6.12)"
#endif

#endif /* VIRTSWAP_COMPAT_H */
