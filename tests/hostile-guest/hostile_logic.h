/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile_logic.h: the parts of tmem_hostile.ko that need no hypervisor,
 * so that they can be checked in userspace too (test_hostile_logic.c):
 * page contents, (oid, index) keys and result buckets.
 *
 * Userspace includers define u8, u32 and u64 and provide bool, memcmp and
 * the ABI header (abi_tmem.h) before including this file.
 */
#ifndef HOSTILE_LOGIC_H
#define HOSTILE_LOGIC_H

#ifdef __KERNEL__
#include <linux/types.h>
#endif

#include "abi_tmem.h"

#define HOSTILE_PAGE_BYTES	4096
#define HOSTILE_PAGE_WORDS	(HOSTILE_PAGE_BYTES / 8)
#define HOSTILE_MAGIC		0x74686f7374696c65ULL	/* "thostile" */

/* splitmix64: a stateless 64-bit mixer. */
static inline u64 hostile_mix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Word i of the page put under key with version ver (seed: the run's). */
static inline u64 hostile_word(u64 seed, u64 key, u64 ver, unsigned int i)
{
	switch (i) {
	case 0:
		return HOSTILE_MAGIC;
	case 1:
		return key;
	case 2:
		return ver;
	default:
		return hostile_mix(hostile_mix(seed ^ hostile_mix(ver)) + i);
	}
}

/*
 * Page contents are a pure function of (seed, key, version), start with a
 * header that names them (so that a wrong page found by a get says whose it
 * is) and are random after it: never same-filled, never compressible.
 */
static inline void hostile_fill(void *page, u64 seed, u64 key, u64 ver)
{
	u64 *w = page;
	unsigned int i;

	for (i = 0; i < HOSTILE_PAGE_WORDS; i++)
		w[i] = hostile_word(seed, key, ver, i);
}

/* 1 if page holds exactly what hostile_fill(seed, key, ver) wrote. */
static inline int hostile_check(const void *page, u64 seed, u64 key, u64 ver)
{
	const u64 *w = page;
	unsigned int i;

	for (i = 0; i < HOSTILE_PAGE_WORDS; i++)
		if (w[i] != hostile_word(seed, key, ver, i))
			return 0;
	return 1;
}

/*
 * Keys: the module only ever puts to oid {obj, 0, 0} with obj < 2^32, so
 * (obj, index) packs into one 64-bit key (an xarray index).  Random oids,
 * used for gets and flushes only, always have oid[2] != 0 and never match.
 */
static inline u64 hostile_key(u64 obj, u32 index)
{
	return (obj << 32) | index;
}

static inline u64 hostile_key_obj(u64 key)
{
	return key >> 32;
}

static inline u32 hostile_key_index(u64 key)
{
	return (u32)key;
}

/* Result buckets for the per-op table. */
enum hostile_bucket {
	HB_ONE,		/* 1: done / found */
	HB_ZERO,	/* 0: absent / no such pool */
	HB_POOL,	/* > 1: a pool id from NEW_POOL */
	HB_EPERM,
	HB_ENOMEM,
	HB_EFAULT,
	HB_ENODEV,
	HB_EINVAL,
	HB_ENOSYS,
	HB_EOPNOTSUPP,
	HB_EFROZEN,
	HB_EEMPTY,
	HB_OTHER,	/* any other negative value */
	HB_NR
};

static const char * const hostile_bucket_name[HB_NR] = {
	[HB_ONE] = "1",
	[HB_ZERO] = "0",
	[HB_POOL] = "id>1",
	[HB_EPERM] = "EPERM",
	[HB_ENOMEM] = "ENOMEM",
	[HB_EFAULT] = "EFAULT",
	[HB_ENODEV] = "ENODEV",
	[HB_EINVAL] = "EINVAL",
	[HB_ENOSYS] = "ENOSYS",
	[HB_EOPNOTSUPP] = "EOPNOTSUPP",
	[HB_EFROZEN] = "EFROZEN",
	[HB_EEMPTY] = "EEMPTY",
	[HB_OTHER] = "other",
};

static inline enum hostile_bucket hostile_rc_bucket(long rc)
{
	if (rc == 1)
		return HB_ONE;
	if (rc == 0)
		return HB_ZERO;
	if (rc > 1)
		return HB_POOL;
	switch (-rc) {
	case ABI_EPERM:
		return HB_EPERM;
	case ABI_ENOMEM:
		return HB_ENOMEM;
	case ABI_EFAULT:
		return HB_EFAULT;
	case ABI_ENODEV:
		return HB_ENODEV;
	case ABI_EINVAL:
		return HB_EINVAL;
	case ABI_ENOSYS:
		return HB_ENOSYS;
	case ABI_EOPNOTSUPP:
		return HB_EOPNOTSUPP;
	case ABI_EFROZEN:
		return HB_EFROZEN;
	case ABI_EEMPTY:
		return HB_EEMPTY;
	default:
		return HB_OTHER;
	}
}

/* Is cmd one of the commands the ABI implements for guests (1, 2, 4-7)? */
static inline int hostile_cmd_known(u32 cmd)
{
	return cmd == ABI_TMEM_NEW_POOL || cmd == ABI_TMEM_DESTROY_POOL ||
	       (cmd >= ABI_TMEM_PUT_PAGE && cmd <= ABI_TMEM_FLUSH_OBJECT);
}

/*
 * NEW_POOL flags a guest may use: spec version 1, 4 KiB pages, and
 * PERSIST or SHARED (not both).  Everything else must be refused.
 */
static inline int hostile_flags_valid(u32 flags)
{
	u32 known = ABI_POOL_PERSIST | ABI_POOL_SHARED;

	if (flags >> ABI_POOL_VERSION_SHIFT != ABI_SPEC_VERSION)
		return 0;
	if (flags & ~(known | (0xffu << ABI_POOL_VERSION_SHIFT)))
		return 0;	/* reserved, page size or PRECOMPRESSED */
	return (flags & known) != known;
}

#endif /* HOSTILE_LOGIC_H */
