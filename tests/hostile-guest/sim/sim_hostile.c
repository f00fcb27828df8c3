// SPDX-License-Identifier: GPL-2.0
/*
 * sim_hostile.c: runs tmem_hostile.c, unchanged, in userspace against the
 * userspace build of the tmem engine (tests/engine), as a simulated PV
 * guest: its pages are frames of a simulated guest memory, some of whose
 * frames are "foreign" (not the guest's), and its hypercalls are decoded as
 * the Xen glue does and handed to the engine.
 *
 * What it checks, scenario by scenario:
 *  - against a correct engine the module finds no violation, ends its
 *    floods with -ENOMEM, and its count of persistent pages held equals what
 *    the engine charged to the domain, exactly (so max_persistent_pages is
 *    the domain's allowance when that is what stops the floods);
 *  - another tmem user's pools are left alone;
 *  - rmmod stops the thread early and destroys every pool;
 *  - without tmem, loading fails with -EOPNOTSUPP;
 *  - against an engine made to misbehave in one way at a time (foreign
 *    frame accepted, refused flags accepted, persistent page lost, page
 *    corrupted, wrong error for an unknown command, allowance not kept) the
 *    module reports violations.
 * Exit status 0 if every check passed.
 *
 *   sim_hostile [-v]     (-v: the module's log lines too)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abi_tmem.h"
#include "harness.h"
#include "sim_api.h"

#define SIM_DOMID		5
#define SIM_FRAMES		64	/* guest frames */
#define SIM_FOREIGN_FIRST	56	/* frames 56..63 and 0 are not its own */
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

enum sim_fault {
	FAULT_NONE,
	FAULT_FOREIGN_PUT_OK,	/* put from a foreign frame returns 1 */
	FAULT_BAD_FLAGS_OK,	/* refused NEW_POOL flags are accepted */
	FAULT_LOSE_PAGE,	/* some gets that found a page say 0 */
	FAULT_CORRUPT_PAGE,	/* some gets return a changed page */
	FAULT_WRONG_ENOSYS,	/* unknown commands return -EINVAL */
	FAULT_ALLOWANCE,	/* XENMEM reports half the real allowance */
};

static struct hguest guest;
static bool frame_used[SIM_FRAMES];
static enum sim_fault fault;
static bool no_tmem;
static long allowance;
static unsigned long gets_found;
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

	if (!verbose && level < 2)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static bool sim_frame_foreign(unsigned long long frame)
{
	return frame == 0 || frame >= SIM_FOREIGN_FIRST;
}

struct page *sim_alloc_page(void)
{
	struct page *page;
	unsigned int f;

	for (f = 1; f < SIM_FOREIGN_FIRST; f++)
		if (!frame_used[f])
			break;
	if (f == SIM_FOREIGN_FIRST)
		return NULL;
	page = malloc(sizeof(*page));
	if (!page)
		return NULL;
	frame_used[f] = true;
	page->frame = f;
	page->addr = hg_frame(&guest, f);
	return page;
}

void sim_free_page(struct page *page)
{
	frame_used[page->frame] = false;
	free(page);
}

unsigned long sim_local_pfn(unsigned long long mfn)
{
	return sim_frame_foreign(mfn) ? ~0UL : (unsigned long)mfn;
}

long sim_memory_op(unsigned int cmd, void *arg)
{
	(void)arg;
	switch (cmd) {
	case 2:		/* XENMEM_maximum_ram_page */
		return 4 * SIM_FRAMES;
	case 3:		/* XENMEM_current_reservation */
		return SIM_FRAMES;
	case 4:		/* XENMEM_maximum_reservation */
		return SIM_FRAMES +
		       (fault == FAULT_ALLOWANCE ? allowance / 2 : allowance);
	default:
		return -38;
	}
}

static bool sim_flags_valid(uint32_t flags)
{
	return flags >> 24 == 1 && !(flags & 0x00fffffc) &&
	       (flags & 3) != 3;
}

static bool sim_cmd_known(uint32_t cmd)
{
	return cmd == 1 || cmd == 2 || (cmd >= 4 && cmd <= 7);
}

/* Hypercall 38: decode as the Xen glue does, call the engine. */
long sim_tmem_op(void *arg)
{
	struct abi_tmem_op *raw = arg;
	struct tmem_engine_op op;
	long rc;

	if (no_tmem)
		return -ABI_ENOSYS;
	h_decode_guest_op(raw, &op);

	if (fault == FAULT_FOREIGN_PUT_OK && op.cmd == ABI_TMEM_PUT_PAGE &&
	    sim_frame_foreign(op.frame))
		return 1;
	if (fault == FAULT_BAD_FLAGS_OK && op.cmd == ABI_TMEM_NEW_POOL &&
	    !sim_flags_valid(op.flags))
		op.flags = ABI_POOL_FLAGS(0, 0);
	if (fault == FAULT_WRONG_ENOSYS && !sim_cmd_known(op.cmd))
		return -ABI_EINVAL;

	rc = h_guest_call(&guest, &op);

	if (op.cmd == ABI_TMEM_GET_PAGE && rc == 1 && !(++gets_found % 16)) {
		if (fault == FAULT_LOSE_PAGE)
			rc = 0;
		if (fault == FAULT_CORRUPT_PAGE)
			hg_frame(&guest, op.frame)[100] ^= 0x40;
	}
	return rc;
}

/* ---- scenarios ---- */

struct scenario {
	const char *name;
	enum sim_fault fault;
	long allowance;		/* the domain's maximum, in pages */
	long heap;		/* tmem's memory, in pages (0: no limit) */
	unsigned int seconds;
	unsigned int other_pools;	/* pools of another user first */
	unsigned int xa_fail_one_in;
	unsigned int stop_after_ms;	/* rmmod while running (0: no) */
	unsigned int burst_gap_ms;	/* every kind of burst, quickly */
};

static void sim_reset_params(const struct scenario *sc, unsigned long seed)
{
	static const char * const zero[] = {
		"ops", "ok", "errors", "enomem", "violations",
		"max_persistent_pages", "persistent_pages", "floods",
		"flood_enomem", "exclusive", "done", "meta_floods",
		"meta_flood_enomem", "meta_flood_pages", "churns",
		"churn_pools", "collision_floods", "collision_objects",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(zero); i++)
		sim_param_set(zero[i], 0);
	sim_param_set("quota_pages", -1);
	sim_param_set("seconds", sc->seconds);
	sim_param_set("burst_gap_ms", sc->burst_gap_ms);
	sim_param_set("seed", (long long)seed);
}

/* Another tmem user: pools first, one persistent with pages in it. */
static void sim_other_user(unsigned int n, int *pers_pool)
{
	unsigned int i;

	*pers_pool = (int)hg_new_pool(&guest, ABI_POOL_FLAGS(1, 0), 0, 0);
	for (i = 1; i < n; i++)
		hg_new_pool(&guest, ABI_POOL_FLAGS(0, 0), 0, 0);
	for (i = 0; i < 4; i++) {
		memset(hg_frame(&guest, SIM_FOREIGN_FIRST - 1), 'a' + i, 4096);
		hg_put(&guest, *pers_pool, 77, i, SIM_FOREIGN_FIRST - 1);
	}
	frame_used[SIM_FOREIGN_FIRST - 1] = true;
}

static void sim_other_user_check(int pers_pool)
{
	unsigned char *p = hg_frame(&guest, SIM_FOREIGN_FIRST - 1);
	unsigned int i, good = 0;

	for (i = 0; i < 4; i++) {
		memset(p, 0, 4096);
		if (hg_get(&guest, pers_pool, 77, i, SIM_FOREIGN_FIRST - 1) == 1 &&
		    p[0] == 'a' + i && p[4095] == 'a' + i)
			good++;
	}
	CHECK(good == 4, "another user's persistent pages intact");
	CHECK(hg_destroy_pool(&guest, pers_pool) == 1,
	      "another user's pool still there");
}

static void sim_run(const struct scenario *sc, unsigned long seed)
{
	long long violations, charged;
	unsigned int waited = 0;
	int pers_pool = -1, rc;

	printf("== %s (seed %lu)\n", sc->name, seed);
	if (h_engine_start()) {
		CHECK(0, "engine start");
		return;
	}
	memset(frame_used, 0, sizeof(frame_used));
	hg_init(&guest, SIM_DOMID, SIM_FRAMES);
	for (rc = SIM_FOREIGN_FIRST; rc < SIM_FRAMES; rc++)
		hg_mark_bad(&guest, rc);
	hg_mark_bad(&guest, 0);
	fault = sc->fault;
	allowance = sc->allowance;
	tmem_env_user_set_domain_max(SIM_DOMID, sc->allowance);
	tmem_env_user_set_heap_limit(sc->heap);
	sim_xa_fail_one_in = sc->xa_fail_one_in;
	if (sc->other_pools)
		sim_other_user(sc->other_pools, &pers_pool);
	sim_reset_params(sc, seed);

	rc = sim_module_init();
	CHECK(rc == 0, sc->name);
	if (rc)
		goto out;
	while (!sim_param_get("done") && waited < 60000) {
		if (sc->stop_after_ms && waited >= sc->stop_after_ms)
			break;
		usleep(10000);
		waited += 10;
	}
	violations = sim_param_get("violations");
	charged = tmem_env_user_domain_charged(SIM_DOMID);

	if (sc->stop_after_ms) {
		CHECK(!sim_param_get("done"), "still running when stopped");
		sim_module_exit();
		CHECK(sim_param_get("done"), "done once stopped");
		CHECK(violations == 0, sc->name);
		CHECK(tmem_env_user_domain_charged(SIM_DOMID) == 0,
		      "no persistent page left after rmmod");
		goto out;
	}
	CHECK(sim_param_get("done") == 1, "run over in time");
	printf("   %lld ops, %lld ok, %lld errors, %lld enomem, %lld violations,",
	       sim_param_get("ops"), sim_param_get("ok"),
	       sim_param_get("errors"), sim_param_get("enomem"), violations);
	printf(" max %lld persistent (allowance %lld), %lld floods",
	       sim_param_get("max_persistent_pages"),
	       sim_param_get("quota_pages"), sim_param_get("floods"));
	printf(" (%lld to -ENOMEM), now %lld held, %lld charged\n",
	       sim_param_get("flood_enomem"),
	       sim_param_get("persistent_pages"), charged);

	if (sc->fault != FAULT_NONE) {
		CHECK(violations > 0, "misbehaviour reported");
		sim_module_exit();
		goto out;
	}

	CHECK(violations == 0, "no violation from a correct engine");
	CHECK(sim_param_get("ops") > 1000, "ops made");
	CHECK(sim_param_get("ok") + sim_param_get("errors") ==
	      sim_param_get("ops"), "ok + errors = ops");
	CHECK(sim_param_get("floods") >= 1, "floods run");
	CHECK(sim_param_get("flood_enomem") >= 1, "a flood ended with -ENOMEM");
	CHECK(sim_param_get("enomem") >= sim_param_get("flood_enomem"),
	      "enomem counted");
	CHECK(sim_param_get("persistent_pages") == charged,
	      "pages held as counted = pages charged by tmem");
	CHECK(sim_param_get("quota_pages") == sc->allowance,
	      "allowance from XENMEM");
	if (!sc->heap)
		CHECK(sim_param_get("max_persistent_pages") == sc->allowance,
		      "held the whole allowance at once");
	else
		CHECK(sim_param_get("max_persistent_pages") <= sc->heap &&
		      sim_param_get("max_persistent_pages") > 0,
		      "held at most what the host had");
	CHECK(sim_param_get("exclusive") == !sc->other_pools,
	      "exclusive unless another user");
	if (sc->burst_gap_ms) {
		CHECK(sim_param_get("meta_floods") >= 1, "metadata floods run");
		CHECK(sim_param_get("churns") >= 1 &&
		      sim_param_get("churn_pools") >= 100,
		      "churn bursts made and destroyed pools");
		CHECK(sim_param_get("collision_floods") >= 1 &&
		      sim_param_get("collision_objects") >= 1000,
		      "collision floods stored objects");
		printf("   %lld metadata floods, %lld churns (%lld pools), %lld collision floods (at most %lld objects)\n",
		       sim_param_get("meta_floods"), sim_param_get("churns"),
		       sim_param_get("churn_pools"),
		       sim_param_get("collision_floods"),
		       sim_param_get("collision_objects"));
	}
	sim_module_exit();
	CHECK(tmem_env_user_domain_charged(SIM_DOMID) == 0,
	      "no persistent page left after rmmod");
	if (sc->other_pools)
		sim_other_user_check(pers_pool);
out:
	tmem_engine_client_destroy(SIM_DOMID);
	CHECK(!h_engine_stop_check_leaks(), "engine leak check");
	hg_free(&guest);
	fault = FAULT_NONE;
	sim_xa_fail_one_in = 0;
}

static void sim_no_tmem(void)
{
	struct scenario sc = { .name = "no tmem", .seconds = 1 };

	printf("== no tmem\n");
	memset(frame_used, 0, sizeof(frame_used));
	hg_init(&guest, SIM_DOMID, SIM_FRAMES);
	sim_reset_params(&sc, 1);
	no_tmem = true;
	CHECK(sim_module_init() == -95, "insmod fails with -EOPNOTSUPP");
	no_tmem = false;
	hg_free(&guest);
}

int main(int argc, char **argv)
{
	static const struct scenario scenarios[] = {
		{ "allowance stops the floods", FAULT_NONE, 3000, 0, 3 },
		{ "host memory stops the floods", FAULT_NONE, 100000, 1500, 2 },
		{ "another tmem user", FAULT_NONE, 2000, 0, 2, 3 },
		{ "module's tracking runs out of memory", FAULT_NONE, 2000, 0,
		  2, 0, 97 },
		{ "rmmod while running", FAULT_NONE, 2000, 0, 60, 0, 0, 700 },
		{ "every kind of burst", FAULT_NONE, 3000, 0, 3, 0, 0, 0, 150 },
		{ "fault: foreign put accepted", FAULT_FOREIGN_PUT_OK, 2000,
		  0, 1 },
		{ "fault: refused flags accepted", FAULT_BAD_FLAGS_OK, 2000,
		  0, 1 },
		{ "fault: persistent page lost", FAULT_LOSE_PAGE, 2000, 0, 1 },
		{ "fault: page corrupted", FAULT_CORRUPT_PAGE, 2000, 0, 1 },
		{ "fault: unknown command -EINVAL", FAULT_WRONG_ENOSYS, 2000,
		  0, 1 },
		{ "fault: allowance not kept", FAULT_ALLOWANCE, 2000, 0, 2 },
	};
	unsigned int i;

	verbose = argc > 1 && !strcmp(argv[1], "-v");
	for (i = 0; i < ARRAY_SIZE(scenarios); i++)
		sim_run(&scenarios[i], 1000 + i);
	sim_no_tmem();
	tmem_env_user_release();
	printf("%s: %u checks, %u failed\n", failures ? "FAIL" : "PASS",
	       checks, failures);
	return failures ? 1 : 0;
}
