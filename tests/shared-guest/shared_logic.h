/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shared_logic.h: the parts of tmem_shared.ko that need no hypervisor, so
 * that they can be checked in userspace too (test_shared_logic.c): the
 * UUID text and the page contents.
 *
 * Userspace includers define u32 and u64 and provide size_t and strlen
 * before including this file.
 */
#ifndef SHARED_LOGIC_H
#define SHARED_LOGIC_H

#ifdef __KERNEL__
#include <linux/string.h>
#include <linux/types.h>
#endif

#define SHARED_PAGE_BYTES	4096
#define SHARED_PAGE_WORDS	(SHARED_PAGE_BYTES / 8)
#define SHARED_MAGIC		0x746d656d73687264ULL	/* "tmemshrd" */

static inline int shared_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parse a pool UUID: 32 hex digits, or the usual
 * xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (what "xl tmem-shared-auth -u"
 * takes).  As there (xc_tmem_uuid_parse()), the first 16 digits are
 * uuid[1] and the last 16 uuid[0], each read as a number: the NEW_POOL
 * encoding.  Returns 0, or -1 if str is malformed.
 */
static inline int shared_parse_uuid(const char *str, u64 uuid[2])
{
	u64 half[2] = { 0, 0 };
	unsigned int i, digits = 0;
	size_t len;
	int v;

	if (!str)
		return -1;
	len = strlen(str);
	if (len != 32 && len != 36)
		return -1;
	for (i = 0; i < len; i++) {
		if (len == 36 && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (str[i] != '-')
				return -1;
			continue;
		}
		v = shared_hex_digit(str[i]);
		if (v < 0)
			return -1;
		half[digits / 16] = half[digits / 16] << 4 | (u64)v;
		digits++;
	}
	uuid[1] = half[0];
	uuid[0] = half[1];
	return 0;
}

/* splitmix64: a stateless 64-bit mixer. */
static inline u64 shared_mix(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * Word i of page index of a run with this seed.  A header (magic, seed,
 * index) says whose page it is; random words follow, so no two indexes
 * share a word by design and no page is same-filled.
 */
static inline u64 shared_word(u64 seed, u32 index, unsigned int i)
{
	switch (i) {
	case 0:
		return SHARED_MAGIC;
	case 1:
		return seed;
	case 2:
		return index;
	default:
		return shared_mix(shared_mix(seed ^ shared_mix(index)) + i);
	}
}

static inline void shared_fill(void *page, u64 seed, u32 index)
{
	u64 *w = page;
	unsigned int i;

	for (i = 0; i < SHARED_PAGE_WORDS; i++)
		w[i] = shared_word(seed, index, i);
}

/* 1 if page holds exactly what shared_fill(seed, index) wrote. */
static inline int shared_check(const void *page, u64 seed, u32 index)
{
	const u64 *w = page;
	unsigned int i;

	for (i = 0; i < SHARED_PAGE_WORDS; i++)
		if (w[i] != shared_word(seed, index, i))
			return 0;
	return 1;
}

/* Fill a page so that it matches no index of any seed (no magic). */
static inline void shared_poison(void *page, u32 index)
{
	u64 *w = page;
	unsigned int i;

	for (i = 0; i < SHARED_PAGE_WORDS; i++)
		w[i] = ~SHARED_MAGIC ^ index;
}

#endif /* SHARED_LOGIC_H */
