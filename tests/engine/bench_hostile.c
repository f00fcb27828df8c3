/*
 * bench_hostile.c: what chosen object ids cost (a benchmark, not a test).
 *
 * One pool gets a million objects of one same-filled page each, with
 * random oids; a fresh pool gets a million oids of the family that shared
 * one hash chain under the engine's old oid mixing.  Both runs time every
 * put and then every get, in the same process, and print the per-op cost
 * of the chosen oids over the random ones (target: at most 2.0).  Each run
 * starts on a fresh engine (a pool built where another was just freed is
 * slower to read whatever its oids), and the runs alternate, three each:
 * the ratio is of the medians.
 */
#include "harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NOBJ   (1ul << 20)
#define CLIENT 2

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static void oid_of(int chosen, unsigned long i, uint64_t oid[3])
{
    if ( chosen )
    {
        oid[1] = i;
        oid[0] = 0x5a5a5a5a5a5a5a5aull ^ (i * 0x9e3779b97f4a7c15ull);
        oid[2] = 0;
    }
    else
    {
        oid[0] = mix(3 * i);
        oid[1] = mix(3 * i + 1);
        oid[2] = mix(3 * i + 2);
    }
}

static unsigned int longest_chain(const struct tmem_pool *pool)
{
    unsigned int b, n, max = 0;
    uint32_t oh;

    for ( b = 0; b < pool->nbuckets; b++ )
    {
        for ( n = 0, oh = pool->buckets[b]; oh; oh = tmem_obj_ptr(oh)->hnext )
            n++;
        max = n > max ? n : max;
    }
    return max;
}

/* ns per put + ns per get over NOBJ objects. */
static double run(struct hguest *g, int chosen)
{
    double t0, t1, t2;
    uint64_t oid[3];
    unsigned long i, bad = 0;
    long pool = hg_new_pool(g, H_FLAGS(1, 0), 0, 0);

    t0 = now_s();
    for ( i = 0; i < NOBJ; i++ )
    {
        oid_of(chosen, i, oid);
        bad += hg_op(g, TMEM_ENGINE_CMD_PUT_PAGE, (int32_t)pool, oid[0],
                     oid[1], oid[2], 0, 0) != 1;
    }
    t1 = now_s();
    for ( i = 0; i < NOBJ; i++ )
    {
        oid_of(chosen, i, oid);
        bad += hg_op(g, TMEM_ENGINE_CMD_GET_PAGE, (int32_t)pool, oid[0],
                     oid[1], oid[2], 0, 1) != 1;
    }
    t2 = now_s();
    printf("%-7s oids: put %6.0f ns  get %6.0f ns  longest chain %u in %u "
           "buckets\n", chosen ? "chosen" : "random",
           (t1 - t0) * 1e9 / NOBJ, (t2 - t1) * 1e9 / NOBJ,
           longest_chain(tmem_client_get(CLIENT)->pools[pool]),
           tmem_client_get(CLIENT)->pools[pool]->nbuckets);
    /* A refused put is cheap: timing refusals would flatter the ratio. */
    if ( bad )
    {
        fprintf(stderr, "bench_hostile: %lu of %lu puts and gets failed\n",
                bad, 2 * NOBJ);
        exit(1);
    }
    hg_destroy_pool(g, (int32_t)pool);
    return (t2 - t0) * 1e9 / NOBJ;
}

static double median3(double a, double b, double c)
{
    if ( a > b ) { double t = a; a = b; b = t; }
    if ( b > c ) { double t = b; b = c; c = t; }
    return a > b ? a : b;
}

int main(void)
{
    struct hguest g;
    double r[3], c[3];
    unsigned int k;

    tmem_engine_max_client_pages = 2 * NOBJ;
    /* A million objects need more metadata than a guest's default limit. */
    tmem_engine_meta_limit = 1ul << 30;
    hg_init(&g, CLIENT, 2);
    memset(hg_frame(&g, 0), 0, 4096);
    for ( k = 0; k < 3; k++ )
    {
        if ( h_engine_start() )
            return 1;
        r[k] = run(&g, 0);
        h_engine_stop_check_leaks();
        if ( h_engine_start() )
            return 1;
        c[k] = run(&g, 1);
        h_engine_stop_check_leaks();
    }
    printf("hostile-bench (userspace part, %lu objects): "
           "adversarial_oid_ratio=%.2f\n", NOBJ,
           median3(c[0], c[1], c[2]) / median3(r[0], r[1], r[2]));
    hg_free(&g);
    return 0;
}
