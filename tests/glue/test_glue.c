/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_glue.c: the glue harness without libFuzzer, for make check and the
 * sanitizers: a few directed calls whose results are known, every input
 * of the corpus (tests/glue/fuzz-corpus), then seeded random inputs.
 * Each call is checked as glue_run.c says; a finding aborts.
 * usage: test_glue CORPUS_DIR [RANDOM_INPUTS [SEED]]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "glue_emul.h"
#include <public/sysctl.h>
#include <public/tmem.h>
#include <xen/tmem.h>
#include "tmem_engine.h"
#include "glue_harness.h"

static unsigned int passed, failed;

static void check(bool ok, const char *what)
{
    if ( ok )
        passed++;
    else
    {
        failed++;
        printf("FAIL: %s\n", what);
    }
}

/* One sysctl on a world of domains 0-7, the engine answering 'answer'. */
static long sysctl_with(struct xen_sysctl_tmem_op *op, void *buf,
                        const uint8_t *answer, size_t n)
{
    glue_world_reset(0xff, 0, 0, 0, 0, 0);
    glue_world_declare(buf, op->len);
    glue_engine_reset();
    op->u.buf.p = buf;
    glue_in.data = answer;
    glue_in.size = n;
    glue_in.pos = 0;
    return tmem_sysctl(op);
}

/* xl tmem-set -a: SET_CLIENT_INFO of every client goes to the engine. */
static void directed_set_client_info_all(void)
{
    static const uint8_t ok[] = { 2 };      /* the engine says 0 */
    xen_tmem_client_t *info = (void *)glue_arena;
    struct xen_sysctl_tmem_op op = {
        .cmd = XEN_SYSCTL_TMEM_OP_SET_CLIENT_INFO,
        .cli_id = XEN_SYSCTL_TMEM_OP_ALL_CLIENTS,
        .len = sizeof(*info),
    };
    long rc;

    *info = (xen_tmem_client_t){
        .version = TMEM_SPEC_VERSION,
        .maxpools = TMEM_ENGINE_MAX_POOLS_PER_CLIENT,
        .weight = 5,
    };
    rc = sysctl_with(&op, info, ok, sizeof(ok));
    printf("# SET_CLIENT_INFO for all clients: rc %ld, %u engine calls\n",
           rc, glue_engine.control_calls);
    check(rc == 0, "SET_CLIENT_INFO for all clients succeeds");
    check(glue_engine.control_calls == 1 &&
          glue_engine.last_ctl_cli == TMEM_ENGINE_CLI_ID_ALL &&
          glue_engine.last_ctl_cmd == TMEM_ENGINE_CTL_SET_CLIENT_INFO,
          "and reaches the engine once, for all clients");
}

/* GET_AUTH with room for 2 records while the engine claims 3. */
static void directed_get_auth_overclaim(void)
{
    /* The engine's fill byte, then its answer (in range + 1). */
    static const uint8_t three[] = { 0x11, 4 };
    struct xen_sysctl_tmem_op op = {
        .cmd = XEN_SYSCTL_TMEM_OP_GET_AUTH,
        .cli_id = 1,
        .len = 2 * sizeof(xen_tmem_pool_info_t),
    };
    long rc;

    memset(glue_arena, 0xee, 4 * sizeof(xen_tmem_pool_info_t));
    rc = sysctl_with(&op, glue_arena, three, sizeof(three));
    printf("# GET_AUTH, room for 2, the engine claims 3: rc %ld\n", rc);
    check(rc >= 0 && rc <= 2, "GET_AUTH returns at most the records len holds");
    check(glue_arena[2 * sizeof(xen_tmem_pool_info_t)] == 0xee,
          "and writes nothing after them");
}

/* LIST whose engine claims more text than the buffer. */
static void directed_list_overclaim(void)
{
    static const uint8_t long_text[] = { 4 | (9 << 3) };
    struct xen_sysctl_tmem_op op = {
        .cmd = XEN_SYSCTL_TMEM_OP_LIST,
        .cli_id = XEN_SYSCTL_TMEM_OP_ALL_CLIENTS,
        .len = 100,
    };
    long rc;

    rc = sysctl_with(&op, glue_arena, long_text, sizeof(long_text));
    check(rc == 99 && glue_arena[99] == '\0',
          "LIST clamps an over-long text to len - 1 and ends it with NUL");
}

static unsigned long run_file(const char *path)
{
    static uint8_t data[1 << 16];
    FILE *f = fopen(path, "rb");
    size_t n;

    if ( !f )
        return 0;
    n = fread(data, 1, sizeof(data), f);
    fclose(f);
    return glue_run_input(data, n);
}

static unsigned long run_corpus(const char *dir, unsigned int *files)
{
    char path[4096];
    struct dirent *e;
    unsigned long calls = 0;
    DIR *d = opendir(dir);

    if ( !d )
        return 0;
    while ( (e = readdir(d)) != NULL )
    {
        if ( e->d_name[0] == '.' )
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        calls += run_file(path);
        (*files)++;
    }
    closedir(d);
    return calls;
}

static uint64_t rng;

static uint8_t rnd8(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint8_t)(rng >> 24);
}

int main(int argc, char **argv)
{
    unsigned long inputs = argc > 2 ? strtoul(argv[2], NULL, 0) : 200000;
    unsigned long i, calls;
    unsigned int files = 0;
    static uint8_t buf[1024];

    setvbuf(stdout, NULL, _IOLBF, 0);
    rng = argc > 3 ? strtoull(argv[3], NULL, 0) : 20261202;
    glue_run_input(NULL, 0);            /* boots the world */

    directed_set_client_info_all();
    directed_get_auth_overclaim();
    directed_list_overclaim();

    calls = run_corpus(argc > 1 ? argv[1] : "tests/glue/fuzz-corpus", &files);
    check(files > 0 && calls > 0, "the corpus was read and ran");
    printf("# corpus: %u inputs, %lu calls checked\n", files, calls);
    passed += calls;

    calls = 0;
    for ( i = 0; i < inputs; i++ )
    {
        size_t n = 8 + rnd8() * 3, k;

        for ( k = 0; k < n; k++ )
            buf[k] = rnd8();
        calls += glue_run_input(buf, n);
    }
    printf("# random: %lu inputs, %lu calls checked\n", inputs, calls);
    passed += calls;

    printf("test_glue: %u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
