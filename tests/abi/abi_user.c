/*
 * abi_user.c: runs the ABI conformance suite against the userspace engine.
 *
 * abi_tmem_op() plays the part of the Xen glue: it decodes the raw 56-byte
 * guest structure into a struct tmem_engine_op and calls the engine.
 */
#include "abi_tmem.h"
#include "harness.h"
#include <stdio.h>
#include <stdlib.h>

struct abi_ctx {
    struct hguest g;
    int fresh;
    int verbose;
    int no_control;              /* behave like the guest: no freeze, no limit */
    unsigned int n;
};

long abi_tmem_op(struct abi_ctx *ctx, struct abi_tmem_op *raw)
{
    struct tmem_engine_op op;

    h_decode_guest_op(raw, &op);
    return tmem_engine_guest_op(&ctx->g.caller, ctx->g.caller.domid, &op);
}

uint64_t abi_page_frame(struct abi_ctx *ctx, unsigned int i)
{
    (void)ctx;
    return i;
}

void abi_page_fill(struct abi_ctx *ctx, unsigned int i, uint64_t seed,
                   unsigned int kind)
{
    abi_gen_page(hg_frame(&ctx->g, i), seed, kind);
}

int abi_page_check(struct abi_ctx *ctx, unsigned int i, uint64_t seed,
                   unsigned int kind)
{
    static uint8_t want[4096];

    abi_gen_page(want, seed, kind);
    return !memcmp(want, hg_frame(&ctx->g, i), 4096);
}

uint64_t abi_bad_frame(struct abi_ctx *ctx)
{
    (void)ctx;
    return ABI_NR_PAGES;            /* frame ABI_NR_PAGES is marked bad */
}

int abi_fresh_client(struct abi_ctx *ctx)
{
    return ctx->fresh;
}

int abi_ctl_freeze(struct abi_ctx *ctx, int freeze)
{
    if ( ctx->no_control )
        return -1;
    return hc_simple(freeze ? TMEM_ENGINE_CTL_FREEZE : TMEM_ENGINE_CTL_THAW,
                     ctx->g.caller.domid, 0) != 0;
}

int abi_ctl_memory_limit(struct abi_ctx *ctx, unsigned long pages)
{
    if ( ctx->no_control )
        return -1;
    tmem_env_user_set_heap_limit(pages ? h_pages_in_use() + (long)pages : 0);
    return 0;
}

void abi_report(struct abi_ctx *ctx, int ok, const char *name, long got,
                long expected)
{
    ctx->n++;
    if ( !ok || ctx->verbose )
        printf("%s %u - %s (got %ld, expected %ld)\n", ok ? "ok" : "not ok",
               ctx->n, name, got, expected);
}

static unsigned int total_passed;

static int run(const char *label, uint16_t domid, int preexisting,
               int compress, long heap, int verbose, int no_control)
{
    unsigned int want = ABI_SUITE_FRESH_CHECKS;
    struct abi_ctx ctx;
    unsigned int passed, failed;
    int i;

    memset(&ctx, 0, sizeof(ctx));
    hg_init(&ctx.g, domid, ABI_NR_PAGES + 1);
    hg_mark_bad(&ctx.g, ABI_NR_PAGES);
    ctx.verbose = verbose;
    ctx.fresh = !preexisting;
    ctx.no_control = no_control;
    if ( no_control )
        want -= ABI_SUITE_FREEZE_CHECKS + ABI_SUITE_NOMEM_CHECKS;
    for ( i = 0; i < preexisting; i++ )
        hg_new_pool(&ctx.g, H_FLAGS(0, 0), 0, 0);
    if ( compress )
        hc_set_info(domid, 10, TMEM_ENGINE_CLIENT_COMPRESS);
    tmem_env_user_set_heap_limit(heap);
    abi_run_suite(&ctx, &passed, &failed);
    tmem_env_user_set_heap_limit(0);
    printf("# abi run '%s': %u passed, %u failed\n", label, passed, failed);
    if ( ctx.fresh && passed + failed != want )
    {
        printf("# abi run '%s': %u checks, ABI_SUITE_*_CHECKS say %u\n",
               label, passed + failed, want);
        failed++;
    }
    total_passed += passed;
    hg_free(&ctx.g);
    return (int)failed;
}

int main(int argc, char **argv)
{
    int verbose = argc > 1 && !strcmp(argv[1], "-v");
    long leaks;
    int failed = 0;

    if ( h_engine_start() )
        return 1;
    failed += run("fresh client", 1, 0, 0, 0, verbose, 0);
    failed += run("client with 3 pools", 2, 3, 0, 0, verbose, 0);
    failed += run("compressing client", 3, 0, 1, 0, verbose, 0);
    /* Little memory, but enough for the suite's persistent pages. */
    failed += run("tight memory", 4, 0, 1, 48, verbose, 0);
    /* As the guest module runs it: no control operations. */
    failed += run("no control operations", 5, 0, 0, 0, verbose, 1);
    leaks = h_engine_stop_check_leaks();
    tmem_env_user_release();
    if ( leaks )
        failed++;
    if ( leaks )
        printf("# leak check failed\n");
    printf("abi_user: %u passed, %d failed\n", total_passed, failed);
    return failed ? 1 : 0;
}
