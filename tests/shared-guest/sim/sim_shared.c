// SPDX-License-Identifier: GPL-2.0
/*
 * sim_shared.c: runs tmem_shared.c, unchanged, in userspace against the
 * userspace build of the tmem engine (tests/engine), loaded in turn into
 * two simulated guests, with dom0's authorisations made through the
 * engine's control interface as "xl tmem-shared-auth" makes them.  The
 * kernel API comes from tests/hostile-guest/sim/sim_kernel.h.
 *
 * It checks the shared-pool scenario as the lab runs it: without
 * authorisation each guest gets a private pool and the other finds nothing;
 * with it, what one guest puts the other gets, intact, as often as it
 * likes; the pool outlives the putting guest's rmmod only once the other
 * has joined (or with keep=1); bad parameters and a hypervisor without
 * tmem are reported as documented.
 * Exit status 0 if every check passed.
 *
 *   sim_shared [-v]     (-v: the module's log lines too)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi_tmem.h"
#include "harness.h"
#include "sim_api.h"

#define SIM_FRAMES		16
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define DOM_A			3
#define DOM_B			4
#define UUID_TEXT		"01234567-89ab-cdef-0011-223344556677"
#define UUID_0			0x0011223344556677ULL	/* last 16 digits */
#define UUID_1			0x0123456789abcdefULL	/* first 16 digits */

static struct hguest dom_a, dom_b, *cur;
static bool frame_used[SIM_FRAMES];
static bool no_tmem;
static bool verbose;
static unsigned int checks, failures;
unsigned int sim_xa_fail_one_in;

#define CHECK(cond, what) do {						\
	checks++;							\
	if (!(cond)) {							\
		failures++;						\
		printf("FAIL: %s: %s (line %d)\n", what, #cond,	\
		       __LINE__);					\
	}								\
} while (0)

/* ---- what sim_kernel.h needs ---- */

void sim_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void sim_param_set_str(const char *name, const char *value)
{
	sim_param_set(name, (long long)(intptr_t)value);
}

struct page *sim_alloc_page(void)
{
	struct page *page;
	unsigned int f;

	for (f = 1; f < SIM_FRAMES; f++)
		if (!frame_used[f])
			break;
	if (f == SIM_FRAMES)
		return NULL;
	page = malloc(sizeof(*page));
	if (!page)
		return NULL;
	frame_used[f] = true;
	page->frame = f;
	page->addr = hg_frame(cur, f);
	return page;
}

void sim_free_page(struct page *page)
{
	frame_used[page->frame] = false;
	free(page);
}

unsigned long sim_local_pfn(unsigned long long mfn)
{
	return mfn && mfn < SIM_FRAMES ? (unsigned long)mfn : ~0UL;
}

long sim_memory_op(unsigned int cmd, void *arg)
{
	return -38;
}

/* Hypercall 38 from the current guest, decoded as the Xen glue does. */
long sim_tmem_op(void *arg)
{
	struct abi_tmem_op *raw = arg;
	struct tmem_engine_op op;

	if (no_tmem)
		return -ABI_ENOSYS;
	h_decode_guest_op(raw, &op);
	return h_guest_call(cur, &op);
}

/* ---- the module, loaded into one guest ---- */

struct load {
	const char *mode;
	const char *uuid;
	unsigned int pages;
	unsigned long seed;
	bool keep;
};

/* insmod in guest g; returns what init returned. */
static int sim_insmod(struct hguest *g, const struct load *l)
{
	static const char * const zero[] = {
		"pool_rc", "puts_ok", "puts_failed", "gets_found",
		"gets_missing", "gets_corrupt", "gets_error", "first_error",
		"done",
	};
	unsigned int i;

	cur = g;
	memset(frame_used, 0, sizeof(frame_used));
	for (i = 0; i < ARRAY_SIZE(zero); i++)
		sim_param_set(zero[i], 0);
	sim_param_set("pool", -1);
	sim_param_set_str("mode", l->mode);
	sim_param_set_str("uuid", l->uuid);
	sim_param_set("pages", l->pages);
	sim_param_set("seed", (long long)l->seed);
	sim_param_set("keep", l->keep);
	return sim_module_init();
}

static void sim_rmmod(struct hguest *g)
{
	cur = g;
	sim_module_exit();
}

static long long P(const char *name)
{
	return sim_param_get(name);
}

/* A pool of cli: its type letters ("ES" shared, "EP" private) or "". */
static void sim_pool_type(unsigned int cli, int pool, char type[3])
{
	static char text[8192];
	char key[32], *p;

	type[0] = 0;
	if (hc_list(cli, 0, text, sizeof(text)) < 0)
		return;
	snprintf(key, sizeof(key), "P=CI:%u,PI:%d,PT:", cli, pool);
	p = strstr(text, key);
	if (!p)
		return;
	p += strlen(key);
	type[0] = p[0];
	type[1] = p[1];
	type[2] = 0;
}

/* ---- scenarios ---- */

static void sim_start(void)
{
	CHECK(!h_engine_start(), "engine start");
	hg_init(&dom_a, DOM_A, SIM_FRAMES);
	hg_init(&dom_b, DOM_B, SIM_FRAMES);
}

static void sim_stop(void)
{
	tmem_engine_client_destroy(DOM_A);
	tmem_engine_client_destroy(DOM_B);
	CHECK(!h_engine_stop_check_leaks(), "engine leak check");
	hg_free(&dom_a);
	hg_free(&dom_b);
}

static void sim_unauthorised(void)
{
	struct load put = { "put", UUID_TEXT, 64, 9, false };
	struct load get = { "get", UUID_TEXT, 64, 9, false };
	char type[3];

	printf("== not authorised: private pools\n");
	sim_start();
	CHECK(sim_insmod(&dom_a, &put) == 0, "insmod put");
	CHECK(P("pool") >= 0 && P("pool_rc") == P("pool"), "put: a pool");
	CHECK(P("puts_ok") == 64 && P("puts_failed") == 0, "put: 64 puts");
	sim_pool_type(DOM_A, (int)P("pool"), type);
	CHECK(!strcmp(type, "EP"), "put side: private ephemeral pool");
	CHECK(sim_insmod(&dom_b, &get) == 0, "insmod get");
	CHECK(P("pool") >= 0, "get: a pool");
	CHECK(P("gets_missing") == 64 && P("gets_found") == 0 &&
	      P("gets_corrupt") == 0 && P("gets_error") == 0,
	      "get: nothing found in another domain's private pool");
	sim_rmmod(&dom_b);
	sim_rmmod(&dom_a);
	sim_stop();
}

static void sim_authorised(void)
{
	struct load put = { "put", "0123456789ABCDEF0011223344556677", 64, 9,
			    false };
	struct load get = { "get", UUID_TEXT, 64, 9, false };
	struct load wrong_seed = { "get", UUID_TEXT, 64, 10, false };
	int pool_a;
	char type[3];

	printf("== authorised: one shared pool\n");
	sim_start();
	CHECK(hc_auth(DOM_A, UUID_0, UUID_1, 1) >= 0, "auth A");
	CHECK(hc_auth(DOM_B, UUID_0, UUID_1, 1) >= 0, "auth B");
	/* Another pool first, so that the two pool ids differ. */
	cur = &dom_b;
	CHECK(hg_new_pool(&dom_b, ABI_POOL_FLAGS(0, 0), 0, 0) == 0,
	      "B's first pool");

	CHECK(sim_insmod(&dom_a, &put) == 0, "insmod put");
	pool_a = (int)P("pool");
	CHECK(pool_a == 0 && P("puts_ok") == 64, "put: 64 puts");
	sim_pool_type(DOM_A, pool_a, type);
	CHECK(!strcmp(type, "ES"), "put side: shared ephemeral pool");

	/*
	 * A's module stays loaded from here on.  The simulation has one
	 * instance of the module: A's rmmod is done by hand further down.
	 */
	CHECK(sim_insmod(&dom_b, &get) == 0, "insmod get");
	CHECK(P("pool") == 1, "get: its own id for the same pool");
	sim_pool_type(DOM_B, 1, type);
	CHECK(!strcmp(type, "ES"), "get side: shared ephemeral pool");
	CHECK(P("gets_found") == 64 && P("gets_missing") == 0 &&
	      P("gets_corrupt") == 0 && P("gets_error") == 0,
	      "get: all 64 found intact");
	sim_rmmod(&dom_b);

	/* Gets are not exclusive: again, and with the wrong seed. */
	CHECK(sim_insmod(&dom_b, &get) == 0 && P("gets_found") == 64,
	      "get again: all found again");
	sim_rmmod(&dom_b);
	CHECK(sim_insmod(&dom_b, &wrong_seed) == 0 &&
	      P("gets_corrupt") == 64 && P("gets_found") == 0,
	      "get with another seed: all reported corrupt");

	/* A's rmmod (DESTROY_POOL): B still has the pool and its pages. */
	CHECK(hg_destroy_pool(&dom_a, pool_a) == 1, "A's rmmod");
	CHECK(hg_get(&dom_b, 1, 1, 63, 1) == 1, "the pool outlives A's rmmod");
	sim_rmmod(&dom_b);
	CHECK(sim_insmod(&dom_b, &get) == 0 && P("gets_missing") == 64,
	      "pool gone once both destroyed it");
	sim_rmmod(&dom_b);
	sim_stop();
}

static void sim_lifetime(void)
{
	struct load put = { "put", UUID_TEXT, 32, 5, false };
	struct load put_keep = { "put", UUID_TEXT, 32, 5, true };
	struct load get = { "get", UUID_TEXT, 32, 5, false };

	printf("== pool lifetime: rmmod before the other side joins\n");
	sim_start();
	hc_auth(DOM_A, UUID_0, UUID_1, 1);
	hc_auth(DOM_B, UUID_0, UUID_1, 1);

	CHECK(sim_insmod(&dom_a, &put) == 0 && P("puts_ok") == 32, "put");
	sim_rmmod(&dom_a);
	CHECK(sim_insmod(&dom_b, &get) == 0 && P("gets_missing") == 32,
	      "keep=0: the pool went with the put side's rmmod");
	sim_rmmod(&dom_b);

	CHECK(sim_insmod(&dom_a, &put_keep) == 0 && P("puts_ok") == 32,
	      "put, keep=1");
	sim_rmmod(&dom_a);
	CHECK(sim_insmod(&dom_b, &get) == 0 && P("gets_found") == 32,
	      "keep=1: the pool outlives rmmod");
	sim_rmmod(&dom_b);
	CHECK(sim_insmod(&dom_a, &get) == 0 && P("gets_found") == 32 &&
	      P("pool") == 0, "reload in the put side: same pool again");
	sim_rmmod(&dom_a);
	sim_stop();
}

static void sim_params(void)
{
	struct load probe = { "probe", UUID_TEXT, 64, 0, false };
	struct load l;

	printf("== parameters and probe\n");
	sim_start();
	l = probe;
	l.uuid = NULL;
	CHECK(sim_insmod(&dom_a, &l) == -EINVAL, "no uuid: -EINVAL");
	l.uuid = "0123456789abcdef";
	CHECK(sim_insmod(&dom_a, &l) == -EINVAL, "short uuid: -EINVAL");
	l = probe;
	l.mode = "steal";
	CHECK(sim_insmod(&dom_a, &l) == -EINVAL, "bad mode: -EINVAL");
	l = probe;
	l.pages = (1U << 20) + 1;
	CHECK(sim_insmod(&dom_a, &l) == -EINVAL, "too many pages: -EINVAL");

	CHECK(sim_insmod(&dom_a, &probe) == 0, "probe");
	CHECK(P("pool") == 0 && P("pool_rc") == 0 && P("done") == 1,
	      "probe: pool 0");
	CHECK(P("puts_ok") == 0 && P("gets_missing") == 0, "probe: no I/O");
	sim_rmmod(&dom_a);

	no_tmem = true;
	CHECK(sim_insmod(&dom_a, &probe) == 0, "no tmem: loads");
	CHECK(P("pool_rc") == -ABI_ENOSYS && P("pool") == -1,
	      "no tmem: pool_rc -ENOSYS, pool -1");
	sim_rmmod(&dom_a);
	l = probe;
	l.mode = "get";
	CHECK(sim_insmod(&dom_a, &l) == 0 && P("gets_missing") == 0 &&
	      P("gets_error") == 0 && P("done") == 1,
	      "no tmem, get: nothing tried");
	sim_rmmod(&dom_a);
	no_tmem = false;
	sim_stop();
}

int main(int argc, char **argv)
{
	verbose = argc > 1 && !strcmp(argv[1], "-v");
	sim_unauthorised();
	sim_authorised();
	sim_lifetime();
	sim_params();
	tmem_env_user_release();
	printf("%s: %u checks, %u failed\n", failures ? "FAIL" : "PASS",
	       checks, failures);
	return failures ? 1 : 0;
}
