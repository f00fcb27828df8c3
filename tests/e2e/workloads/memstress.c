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
 * usage: memstress -m MIB [-s SEED] [-r ROUNDS] [-w FILE] [-p PASSES]
 *                  [-L STOPFILE [-H HOT_MIB]]
 * With -w, memstress stops after filling (with -L: after the loop) until
 * FILE exists, so a scenario can push its pages out (or swapoff) before
 * they are verified.
 * With -p, the verification (ROUNDS rounds) is done PASSES times, each pass
 * reporting its own counts; before pass k >= 2 memstress waits until
 * FILE.k exists (FILE from -w), so a scenario can save, restore or migrate
 * the guest between passes.
 * With -L, memstress keeps swapping actively after the fill: round after
 * round it reads and verifies every page and rewrites a rotating third of
 * them, until STOPFILE exists (the stores and loads of a busy guest); it
 * then reports "loop_stopped" and verifies as it would after a fill.
 * -H limits the loop to the last HOT_MIB MiB, the pages filled last: the
 * ones filled first went to swap during the fill and stay there, cold,
 * until the verification.
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

/* The whole working set and what it should hold. */
struct work {
	uint8_t *mem;
	uint8_t *expect;
	unsigned int *version;
	size_t pages;
	uint64_t seed;
	size_t checked;
	size_t mismatches;
};

static int exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static void wait_for(const char *path)
{
	while (!exists(path))
		usleep(100000);
}

/*
 * Compares page i with what it should hold and counts a mismatch. WHAT says
 * where in the run that was ("" for a plain verification).
 */
static void check_page(struct work *w, size_t i, const char *what,
		      unsigned int round)
{
	fill_page(w->expect, w->seed, i, w->version[i]);
	w->checked++;
	if (!memcmp(w->expect, w->mem + i * PAGE, PAGE))
		return;
	if (w->mismatches < 10)
		printf("memstress: MISMATCH page %zu (%s) %sround %u\n",
		       i, kind_name[page_kind(w->seed, i)], what, round);
	w->mismatches++;
}

static void rewrite_page(struct work *w, size_t i)
{
	w->version[i]++;
	fill_page(w->mem + i * PAGE, w->seed, i, w->version[i]);
}

/*
 * One verification pass: ROUNDS rounds over every page, rewriting every
 * third page between rounds.
 */
static void verify_pass(struct work *w, unsigned int rounds, const char *what)
{
	unsigned int r;
	size_t i;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < w->pages; i++) {
			check_page(w, i, what, r);
			if (r + 1 < rounds && i % 3 == r % 3)
				rewrite_page(w, i);
		}
	}
}

/*
 * The active loop of -L: verify the pages from index FIRST on and rewrite a
 * third of them, round after round, until STOP exists (looked for every 256
 * pages).
 * Returns the number of rounds begun.
 */
static unsigned int swap_loop(struct work *w, size_t first, const char *stop)
{
	unsigned int round = 0;
	size_t i;

	for (;;) {
		for (i = first; i < w->pages; i++) {
			if ((i - first) % 256 == 0 && exists(stop))
				return round + (i > first);
			check_page(w, i, "loop ", round);
			if (i % 3 == round % 3)
				rewrite_page(w, i);
		}
		round++;
	}
}

int main(int argc, char **argv)
{
	size_t mib = 64, hot_mib = 0, hot, i;
	size_t kinds[K_NR] = { 0 };
	struct work w = { .seed = 1 };
	unsigned int rounds = 2, passes = 1, pass, loop_rounds;
	const char *wait_file = NULL, *stop_file = NULL;
	char name[4096], what[32];
	int opt, pass_lines = 0;
	double t0;

	while ((opt = getopt(argc, argv, "m:s:r:w:p:L:H:")) != -1) {
		switch (opt) {
		case 'm':
			mib = strtoul(optarg, NULL, 0);
			break;
		case 's':
			w.seed = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			rounds = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			wait_file = optarg;
			break;
		case 'p':
			passes = strtoul(optarg, NULL, 0);
			pass_lines = 1;
			break;
		case 'L':
			stop_file = optarg;
			break;
		case 'H':
			hot_mib = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr,
				"usage: %s -m MIB [-s SEED] [-r ROUNDS] [-w FILE] [-p N] [-L STOP [-H MIB]]\n",
				argv[0]);
			return 2;
		}
	}
	if (mib == 0 || rounds == 0 || passes == 0) {
		fprintf(stderr, "memstress: -m, -r and -p must be positive\n");
		return 2;
	}
	if (wait_file && strlen(wait_file) + 12 > sizeof(name)) {
		fprintf(stderr, "memstress: -w path too long\n");
		return 2;
	}
	w.pages = mib * 1024 * 1024 / PAGE;
	w.mem = mmap(NULL, w.pages * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	w.version = calloc(w.pages, sizeof(*w.version));
	w.expect = malloc(PAGE);
	if (w.mem == MAP_FAILED || !w.version || !w.expect) {
		perror("memstress: allocation");
		return 1;
	}
	printf("memstress: %zu MiB, %zu pages, seed %llu, %u rounds\n",
	       mib, w.pages, (unsigned long long)w.seed, rounds);
	t0 = now();
	for (i = 0; i < w.pages; i++) {
		fill_page(w.mem + i * PAGE, w.seed, i, 0);
		kinds[page_kind(w.seed, i)]++;
	}
	if (wait_file || stop_file) {
		printf("RESULT filled=1\n");
		fflush(stdout);
	}
	if (stop_file) {
		size_t checked0 = w.checked, mismatches0 = w.mismatches;

		hot = hot_mib ? hot_mib * 1024 * 1024 / PAGE : w.pages;
		if (hot > w.pages)
			hot = w.pages;
		loop_rounds = swap_loop(&w, w.pages - hot, stop_file);
		printf("RESULT loop_hot_pages=%zu\n", hot);
		printf("RESULT loop_rounds=%u\n", loop_rounds);
		printf("RESULT loop_checked=%zu\n", w.checked - checked0);
		printf("RESULT loop_mismatches=%zu\n", w.mismatches - mismatches0);
		printf("RESULT loop_stopped=1\n");
		fflush(stdout);
	}
	for (pass = 1; pass <= passes; pass++) {
		size_t checked0 = w.checked, mismatches0 = w.mismatches;

		if (wait_file) {
			if (pass == 1)
				snprintf(name, sizeof(name), "%s", wait_file);
			else
				snprintf(name, sizeof(name), "%s.%u", wait_file, pass);
			wait_for(name);
		}
		what[0] = '\0';
		if (pass_lines)
			snprintf(what, sizeof(what), "pass %u ", pass);
		verify_pass(&w, rounds, what);
		if (pass_lines) {
			printf("RESULT pass%u_checked=%zu\n", pass, w.checked - checked0);
			printf("RESULT pass%u_mismatches=%zu\n", pass,
			       w.mismatches - mismatches0);
			printf("RESULT pass%u_done=1\n", pass);
			fflush(stdout);
		}
	}
	printf("RESULT pages=%zu\n", w.pages);
	printf("RESULT zero_pages=%zu word_pages=%zu text_pages=%zu random_pages=%zu\n",
	       kinds[K_ZERO], kinds[K_WORD], kinds[K_TEXT], kinds[K_RANDOM]);
	printf("RESULT checked=%zu\n", w.checked);
	printf("RESULT mismatches=%zu\n", w.mismatches);
	printf("RESULT memstress_seconds=%.1f\n", now() - t0);
	return w.mismatches ? 1 : 0;
}
