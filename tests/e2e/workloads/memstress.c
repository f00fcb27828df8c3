// SPDX-License-Identifier: GPL-2.0
/*
 * memstress: fill anonymous memory with pages whose contents are a pure
 * function of (seed, page index, version), push it through swap, and verify
 * every byte on the way back.
 *
 * Page kinds mix what a real guest swaps: zero pages, pages filled with one
 * repeated 64-bit word, compressible text-like pages and random pages.
 * A second round rewrites every third page with a new version, so a stale
 * copy anywhere in the swap path shows up as a mismatch.
 *
 * usage: memstress -m MIB [-s SEED] [-r ROUNDS] [-w FILE]
 * With -w, memstress stops after filling until FILE exists, so a scenario
 * can push its pages out (or swapoff) before they are verified.
 * Prints "RESULT key=value" lines for the lab.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL

static uint64_t mix(uint64_t x)
{
	/* splitmix64 finaliser: cheap and well distributed */
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

enum kind { K_ZERO, K_WORD, K_TEXT, K_RANDOM, K_NR };

static const char *const kind_name[K_NR] = { "zero", "word", "text", "random" };

static enum kind page_kind(uint64_t seed, size_t i)
{
	uint64_t h = mix(seed ^ (i * 0x100000001b3ULL)) % 100;

	/* roughly: 10% zero, 10% one word, 50% compressible, 30% random */
	if (h < 10)
		return K_ZERO;
	if (h < 20)
		return K_WORD;
	if (h < 70)
		return K_TEXT;
	return K_RANDOM;
}

static void fill_page(uint8_t *p, uint64_t seed, size_t i, unsigned int version)
{
	uint64_t key = mix(seed + i * 7919 + (uint64_t)version * 104729);
	uint64_t *w = (uint64_t *)p;
	size_t n;

	switch (page_kind(seed, i)) {
	case K_ZERO:
		memset(p, 0, PAGE);
		break;
	case K_WORD:
		for (n = 0; n < PAGE / 8; n++)
			w[n] = key | 1;
		break;
	case K_TEXT: {
		static const char *const words[] = {
			"swap ", "page ", "tmem ", "hypervisor ", "guest ",
			"memory ", "frontswap ", "cleancache ", "xen ", "linux ",
		};
		size_t off = 0;
		uint64_t r = key;

		while (off < PAGE) {
			const char *wd = words[r % 10];
			size_t len = strlen(wd);

			if (off + len > PAGE)
				len = PAGE - off;
			memcpy(p + off, wd, len);
			off += len;
			r = mix(r);
		}
		/* identity stamp so no two pages are alike */
		memcpy(p, &i, sizeof(i));
		memcpy(p + 8, &version, sizeof(version));
		break;
	}
	default:
		for (n = 0; n < PAGE / 8; n++) {
			key = mix(key);
			w[n] = key;
		}
		break;
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t mib = 64, pages, i, mismatches = 0, checked = 0;
	size_t kinds[K_NR] = { 0 };
	uint64_t seed = 1;
	unsigned int rounds = 2, r, *version;
	uint8_t *mem, *expect;
	const char *wait_file = NULL;
	double t0;
	int opt;

	while ((opt = getopt(argc, argv, "m:s:r:w:")) != -1) {
		switch (opt) {
		case 'm':
			mib = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			rounds = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			wait_file = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s -m MIB [-s SEED] [-r ROUNDS] [-w FILE]\n",
				argv[0]);
			return 2;
		}
	}
	if (mib == 0 || rounds == 0) {
		fprintf(stderr, "memstress: -m and -r must be positive\n");
		return 2;
	}
	pages = mib * 1024 * 1024 / PAGE;
	mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	version = calloc(pages, sizeof(*version));
	expect = malloc(PAGE);
	if (mem == MAP_FAILED || !version || !expect) {
		perror("memstress: allocation");
		return 1;
	}
	printf("memstress: %zu MiB, %zu pages, seed %llu, %u rounds\n",
	       mib, pages, (unsigned long long)seed, rounds);
	t0 = now();
	for (i = 0; i < pages; i++) {
		fill_page(mem + i * PAGE, seed, i, 0);
		kinds[page_kind(seed, i)]++;
	}
	if (wait_file) {
		printf("RESULT filled=1\n");
		fflush(stdout);
		while (access(wait_file, F_OK))
			usleep(100000);
	}
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < pages; i++) {
			fill_page(expect, seed, i, version[i]);
			checked++;
			if (memcmp(expect, mem + i * PAGE, PAGE)) {
				if (mismatches < 10)
					printf("memstress: MISMATCH page %zu (%s) round %u\n",
					       i, kind_name[page_kind(seed, i)], r);
				mismatches++;
			}
			/* rewrite every third page between rounds */
			if (r + 1 < rounds && i % 3 == r % 3) {
				version[i]++;
				fill_page(mem + i * PAGE, seed, i, version[i]);
			}
		}
	}
	printf("RESULT pages=%zu\n", pages);
	printf("RESULT zero_pages=%zu word_pages=%zu text_pages=%zu random_pages=%zu\n",
	       kinds[K_ZERO], kinds[K_WORD], kinds[K_TEXT], kinds[K_RANDOM]);
	printf("RESULT checked=%zu\n", checked);
	printf("RESULT mismatches=%zu\n", mismatches);
	printf("RESULT memstress_seconds=%.1f\n", now() - t0);
	return mismatches ? 1 : 0;
}
