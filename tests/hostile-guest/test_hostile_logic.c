// SPDX-License-Identifier: GPL-2.0
/*
 * test_hostile_logic.c: userspace checks of hostile_logic.h, the part of
 * tmem_hostile.ko that needs no hypervisor.  Built and run by
 * "make -C tests/hostile-guest check"; exits non-zero on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "hostile_logic.h"

static unsigned int failures, checks;

#define CHECK(cond) do {						\
	checks++;							\
	if (!(cond)) {							\
		failures++;						\
		printf("FAIL line %d: %s\n", __LINE__, #cond);		\
	}								\
} while (0)

static u64 page[HOSTILE_PAGE_WORDS], other[HOSTILE_PAGE_WORDS];

static void check_contents(void)
{
	unsigned int i, same;

	hostile_fill(page, 7, 0x1234, 99);
	CHECK(hostile_check(page, 7, 0x1234, 99));
	CHECK(page[0] == HOSTILE_MAGIC);
	CHECK(page[1] == 0x1234);
	CHECK(page[2] == 99);

	/* A pure function of (seed, key, version). */
	hostile_fill(other, 7, 0x1234, 99);
	CHECK(!memcmp(page, other, sizeof(page)));

	/* Any other seed, key or version gives another page. */
	CHECK(!hostile_check(page, 8, 0x1234, 99));
	CHECK(!hostile_check(page, 7, 0x1235, 99));
	CHECK(!hostile_check(page, 7, 0x1234, 100));
	hostile_fill(other, 7, 0x1234, 100);
	for (i = 3, same = 0; i < HOSTILE_PAGE_WORDS; i++)
		same += page[i] == other[i];
	CHECK(same == 0);

	/* One flipped bit anywhere is noticed, the last word included. */
	page[HOSTILE_PAGE_WORDS - 1] ^= 1ULL << 40;
	CHECK(!hostile_check(page, 7, 0x1234, 99));
	page[HOSTILE_PAGE_WORDS - 1] ^= 1ULL << 40;
	page[200] ^= 1;
	CHECK(!hostile_check(page, 7, 0x1234, 99));
	page[200] ^= 1;
	CHECK(hostile_check(page, 7, 0x1234, 99));

	/* Never same-filled: tmem would store such a page without memory. */
	for (i = 1, same = 1; i < HOSTILE_PAGE_WORDS; i++)
		same &= page[i] == page[0];
	CHECK(!same);
	hostile_fill(other, 0, 0, 0);
	for (i = 1, same = 1; i < HOSTILE_PAGE_WORDS; i++)
		same &= other[i] == other[0];
	CHECK(!same);
}

static void check_keys(void)
{
	u64 k = hostile_key(0xffffffffULL, 0xffffffffU);

	CHECK(k == ~0ULL);
	CHECK(hostile_key_obj(k) == 0xffffffffULL);
	CHECK(hostile_key_index(k) == 0xffffffffU);
	k = hostile_key(1ULL << 20, 5);
	CHECK(hostile_key_obj(k) == 1ULL << 20);
	CHECK(hostile_key_index(k) == 5);
	CHECK(hostile_key(0, 0) == 0);
	/* The keys of one object are one contiguous range. */
	CHECK(hostile_key(3, 0xffffffffU) + 1 == hostile_key(4, 0));
}

static void check_buckets(void)
{
	CHECK(hostile_rc_bucket(1) == HB_ONE);
	CHECK(hostile_rc_bucket(0) == HB_ZERO);
	CHECK(hostile_rc_bucket(2) == HB_POOL);
	CHECK(hostile_rc_bucket(15) == HB_POOL);
	CHECK(hostile_rc_bucket(-1) == HB_EPERM);
	CHECK(hostile_rc_bucket(-12) == HB_ENOMEM);
	CHECK(hostile_rc_bucket(-14) == HB_EFAULT);
	CHECK(hostile_rc_bucket(-19) == HB_ENODEV);
	CHECK(hostile_rc_bucket(-22) == HB_EINVAL);
	CHECK(hostile_rc_bucket(-38) == HB_ENOSYS);
	CHECK(hostile_rc_bucket(-95) == HB_EOPNOTSUPP);
	CHECK(hostile_rc_bucket(-1000) == HB_EFROZEN);
	CHECK(hostile_rc_bucket(-1001) == HB_EEMPTY);
	CHECK(hostile_rc_bucket(-2) == HB_OTHER);
	CHECK(hostile_rc_bucket(-1002) == HB_OTHER);
	CHECK(!strcmp(hostile_bucket_name[HB_ENOMEM], "ENOMEM"));
	CHECK(!strcmp(hostile_bucket_name[HB_OTHER], "other"));
}

static void check_cmds(void)
{
	u32 cmd;

	for (cmd = 0; cmd < 200; cmd++)
		CHECK(hostile_cmd_known(cmd) ==
		      (cmd == 1 || cmd == 2 || (cmd >= 4 && cmd <= 7)));
	CHECK(!hostile_cmd_known(0xffffffffU));
}

static void check_flags(void)
{
	u32 v1 = 1U << 24;
	unsigned int bit;

	CHECK(hostile_flags_valid(ABI_POOL_FLAGS(0, 0)));
	CHECK(hostile_flags_valid(ABI_POOL_FLAGS(1, 0)));
	CHECK(hostile_flags_valid(ABI_POOL_FLAGS(0, 1)));
	CHECK(ABI_POOL_FLAGS(1, 0) == (v1 | 1));
	CHECK(!hostile_flags_valid(ABI_POOL_FLAGS(1, 1)));
	CHECK(!hostile_flags_valid(v1 | ABI_POOL_PRECOMPRESSED));
	CHECK(!hostile_flags_valid(0));
	CHECK(!hostile_flags_valid(2U << 24));
	CHECK(!hostile_flags_valid(0xffU << 24));
	for (bit = 4; bit < 8; bit++)		/* page size not 4 KiB */
		CHECK(!hostile_flags_valid(v1 | 1U << bit));
	CHECK(!hostile_flags_valid(v1 | 1U << 3));
	for (bit = 8; bit < 24; bit++)		/* reserved */
		CHECK(!hostile_flags_valid(v1 | 1U << bit));
}

int main(void)
{
	check_contents();
	check_keys();
	check_buckets();
	check_cmds();
	check_flags();
	printf("%s: %u checks, %u failed\n", failures ? "FAIL" : "PASS",
	       checks, failures);
	return failures ? 1 : 0;
}
