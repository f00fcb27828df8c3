// SPDX-License-Identifier: GPL-2.0
/*
 * test_shared_logic.c: userspace checks of shared_logic.h, the part of
 * tmem_shared.ko that needs no hypervisor.  Built and run by
 * "make -C tests/shared-guest check"; exits non-zero on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "shared_logic.h"

static unsigned int failures, checks;

#define CHECK(cond) do {						\
	checks++;							\
	if (!(cond)) {							\
		failures++;						\
		printf("FAIL line %d: %s\n", __LINE__, #cond);		\
	}								\
} while (0)

static u64 page[SHARED_PAGE_WORDS], other[SHARED_PAGE_WORDS];

static void check_uuid(void)
{
	u64 id[2] = { 1, 2 };

	/* The xl form: uuid[1] = first 16 digits, uuid[0] = last 16. */
	CHECK(!shared_parse_uuid("01234567-89ab-cdef-0011-223344556677", id));
	CHECK(id[1] == 0x0123456789abcdefULL);
	CHECK(id[0] == 0x0011223344556677ULL);

	/* 32 digits, upper case: the same. */
	id[0] = 0;
	id[1] = 0;
	CHECK(!shared_parse_uuid("0123456789ABCDEF0011223344556677", id));
	CHECK(id[1] == 0x0123456789abcdefULL);
	CHECK(id[0] == 0x0011223344556677ULL);

	CHECK(!shared_parse_uuid("ffffffffffffffffffffffffffffffff", id));
	CHECK(id[0] == ~0ULL && id[1] == ~0ULL);
	CHECK(!shared_parse_uuid("00000000-0000-0000-0000-000000000001", id));
	CHECK(id[0] == 1 && id[1] == 0);

	/* Malformed: left untouched, -1. */
	id[0] = 5;
	id[1] = 6;
	CHECK(shared_parse_uuid(NULL, id) == -1);
	CHECK(shared_parse_uuid("", id) == -1);
	CHECK(shared_parse_uuid("0123456789abcdef001122334455667", id) == -1);
	CHECK(shared_parse_uuid("0123456789abcdef00112233445566778", id) == -1);
	CHECK(shared_parse_uuid("0123456789abcdef001122334455667g", id) == -1);
	CHECK(shared_parse_uuid("01234567-89ab-cdef-0011-22334455667", id) == -1);
	CHECK(shared_parse_uuid("012345678-9ab-cdef-0011-223344556677", id) == -1);
	CHECK(shared_parse_uuid("01234567-89ab-cdef-0011+223344556677", id) == -1);
	CHECK(shared_parse_uuid("0123456789abcdef-0011223344556677--", id) == -1);
	CHECK(shared_parse_uuid("0123456789abcdef 011223344556677", id) == -1);
	CHECK(shared_parse_uuid("01234567-89ab-cdef-0011-223344556677\n", id) == -1);
	CHECK(id[0] == 5 && id[1] == 6);
}

static void check_contents(void)
{
	unsigned int i, same;

	shared_fill(page, 42, 7);
	CHECK(shared_check(page, 42, 7));
	CHECK(page[0] == SHARED_MAGIC && page[1] == 42 && page[2] == 7);

	/* A pure function of (seed, index). */
	shared_fill(other, 42, 7);
	CHECK(!memcmp(page, other, sizeof(page)));

	/* Another index or seed: another page, not one word in common. */
	CHECK(!shared_check(page, 42, 8));
	CHECK(!shared_check(page, 43, 7));
	shared_fill(other, 42, 8);
	for (i = 3, same = 0; i < SHARED_PAGE_WORDS; i++)
		same += page[i] == other[i];
	CHECK(same == 0);
	shared_fill(other, 0, 7);
	for (i = 3, same = 0; i < SHARED_PAGE_WORDS; i++)
		same += page[i] == other[i];
	CHECK(same == 0);

	/* One flipped bit anywhere is noticed. */
	for (i = 0; i < SHARED_PAGE_WORDS; i += 73) {
		page[i] ^= 1ULL << (i % 64);
		CHECK(!shared_check(page, 42, 7));
		page[i] ^= 1ULL << (i % 64);
	}
	CHECK(shared_check(page, 42, 7));

	/* Not same-filled. */
	for (i = 1, same = 1; i < SHARED_PAGE_WORDS; i++)
		same &= page[i] == page[0];
	CHECK(!same);

	/* A poisoned page matches no (seed, index). */
	shared_poison(page, 7);
	CHECK(!shared_check(page, 42, 7));
	CHECK(!shared_check(page, 0, 0));
	CHECK(page[0] != SHARED_MAGIC);
}

int main(void)
{
	check_uuid();
	check_contents();
	printf("%s: %u checks, %u failed\n", failures ? "FAIL" : "PASS",
	       checks, failures);
	return failures ? 1 : 0;
}
