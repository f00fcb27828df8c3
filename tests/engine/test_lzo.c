/*
 * test_lzo.c: our LZO1X-1 against Debian's liblzo2, in both directions,
 * over a varied page corpus, plus hostile (corrupt, truncated) input.
 */
#include <lzo/lzo1x.h>
#include <stdint.h>
#include <string.h>
#include "corpus.h"
#include "check.h"
#include "tmem_lzo.h"

#define NPAGES_PER_KIND 1500

static struct tmem_lzo_wrk wrk;
static unsigned char lzo_wrkmem[LZO1X_1_MEM_COMPRESS];

int main(int argc, char **argv)
{
    uint8_t *page = malloc(4096), *out = malloc(4096);
    uint8_t *cbuf = malloc(TMEM_LZO_WORST(4096));
    uint8_t *lbuf = malloc(TMEM_LZO_WORST(4096));
    uint8_t *cut;
    size_t ours_total = 0, theirs_total = 0;
    unsigned long long seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    uint64_t rs = seed;
    long pages = 0;
    int k;

    if ( lzo_init() != LZO_E_OK )
    {
        printf("liblzo2 init failed\n0 passed, 1 failed\n");
        return 1;
    }
    printf("# test_lzo seed=%llu\n", seed);

    for ( k = 0; k < CORPUS_NR_KINDS; k++ )
    {
        size_t ok_kind_ours = 0, ok_kind_theirs = 0;
        int i;

        for ( i = 0; i < NPAGES_PER_KIND; i++ )
        {
            size_t clen = 0, dlen;
            lzo_uint llen = 0, lout;
            int rc;

            corpus_page(k, seed * 100003 + i, page);
            pages++;

            /* Ours -> liblzo2 and ours -> ours. */
            rc = tmem_lzo1x_1_compress(page, 4096, cbuf, &clen,
                                       TMEM_LZO_WORST(4096), &wrk);
            CHECK_EQ(rc, TMEM_LZO_OK);
            lout = 4096;
            rc = lzo1x_decompress_safe(cbuf, clen, out, &lout, NULL);
            CHECK(rc == LZO_E_OK && lout == 4096 && !memcmp(out, page, 4096),
                  "liblzo2 rejects ours: kind %s page %d rc %d len %lu",
                  corpus_kind_name[k], i, rc, (unsigned long)lout);
            dlen = 4096;
            rc = tmem_lzo1x_decompress_safe(cbuf, clen, out, &dlen);
            CHECK(rc == TMEM_LZO_OK && dlen == 4096 &&
                  !memcmp(out, page, 4096),
                  "ours rejects ours: kind %s page %d rc %d",
                  corpus_kind_name[k], i, rc);

            /* liblzo2 -> ours. */
            rc = lzo1x_1_compress(page, 4096, lbuf, &llen, lzo_wrkmem);
            CHECK_EQ(rc, LZO_E_OK);
            dlen = 4096;
            rc = tmem_lzo1x_decompress_safe(lbuf, llen, out, &dlen);
            CHECK(rc == TMEM_LZO_OK && dlen == 4096 &&
                  !memcmp(out, page, 4096),
                  "ours rejects liblzo2: kind %s page %d rc %d",
                  corpus_kind_name[k], i, rc);
            ok_kind_ours += clen;
            ok_kind_theirs += llen;

            /* Truncated input must be rejected, never over-read. */
            {
                size_t cl = corpus_rng(&rs) % clen;

                cut = malloc(cl ? cl : 1);
                memcpy(cut, cbuf, cl);
                dlen = 4096;
                rc = tmem_lzo1x_decompress_safe(cut, cl, out, &dlen);
                CHECK(rc != TMEM_LZO_OK || dlen < 4096,
                      "truncated stream accepted (%zu of %zu)", cl, clen);
                free(cut);
            }
            /* Corrupted input: must stay in bounds (ASan checks that). */
            {
                unsigned int f, nf = 1 + corpus_rng(&rs) % 4;

                cut = malloc(clen);
                memcpy(cut, cbuf, clen);
                for ( f = 0; f < nf; f++ )
                {
                    uint64_t r = corpus_rng(&rs);

                    cut[r % clen] ^= (uint8_t)(1 + (r >> 32) % 255);
                }
                dlen = 4096;
                rc = tmem_lzo1x_decompress_safe(cut, clen, out, &dlen);
                CHECK(dlen <= 4096, "output length %zu", dlen);
                /* Too-small output buffer must be reported, not overrun. */
                dlen = 1000;
                rc = tmem_lzo1x_decompress_safe(cbuf, clen, out, &dlen);
                CHECK(k == CORPUS_ZERO || k == CORPUS_FILL ||
                      k == CORPUS_REPEAT || rc == TMEM_LZO_E_OUTPUT_OVERRUN,
                      "short output buffer rc %d kind %d", rc, k);
                CHECK(rc != TMEM_LZO_OK, "4096 bytes fit in 1000?");
                free(cut);
            }
        }
        printf("# %-7s ours %8zu bytes, liblzo2 %8zu bytes (%.4f)\n",
               corpus_kind_name[k], ok_kind_ours, ok_kind_theirs,
               (double)ok_kind_ours / ok_kind_theirs);
        ours_total += ok_kind_ours;
        theirs_total += ok_kind_theirs;
    }

    /* Random garbage: never crashes, never claims success past capacity. */
    {
        int i;

        for ( i = 0; i < 20000; i++ )
        {
            size_t n = 1 + corpus_rng(&rs) % 200, j, dlen = 512;
            uint8_t *g = malloc(n);
            int rc;

            for ( j = 0; j < n; j++ )
                g[j] = (uint8_t)corpus_rng(&rs);
            rc = tmem_lzo1x_decompress_safe(g, n, out, &dlen);
            CHECK(dlen <= 512 && rc <= 0, "garbage rc %d len %zu", rc, dlen);
            free(g);
        }
    }

    /* Limit: incompressible input aborts early, in bounds. */
    {
        size_t clen = 0;
        int rc;

        corpus_page(CORPUS_RANDOM, 77, page);
        rc = tmem_lzo1x_1_compress(page, 4096, cbuf, &clen, 2048, &wrk);
        CHECK_EQ(rc, TMEM_LZO_E_NOT_COMPRESSIBLE);
        corpus_page(CORPUS_TEXT, 77, page);
        rc = tmem_lzo1x_1_compress(page, 4096, cbuf, &clen, 4000, &wrk);
        CHECK_EQ(rc, TMEM_LZO_OK);
        /* Odd lengths, including the tiny all-literal ones. */
        for ( size_t n = 0; n < 300; n++ )
        {
            size_t dlen = 4096;

            rc = tmem_lzo1x_1_compress(page, n, cbuf, &clen,
                                       TMEM_LZO_WORST(n), &wrk);
            CHECK_EQ(rc, TMEM_LZO_OK);
            lzo_uint lout = 4096;
            CHECK(lzo1x_decompress_safe(cbuf, clen, out, &lout, NULL) ==
                  LZO_E_OK && lout == n && !memcmp(out, page, n),
                  "liblzo2 on length %zu", n);
            rc = tmem_lzo1x_decompress_safe(cbuf, clen, out, &dlen);
            CHECK(rc == TMEM_LZO_OK && dlen == n && !memcmp(out, page, n),
                  "ours on length %zu", n);
        }
    }

    /* Inputs longer than a page take the 16-bit-position path. */
    {
        static const size_t lens[] = { 4097, 8192, 30000, 65535 };
        uint8_t *big = malloc(65535), *bout = malloc(65535);
        uint8_t *bc = malloc(TMEM_LZO_WORST(65535));
        unsigned int li, kk;

        for ( li = 0; li < 4; li++ )
            for ( kk = 0; kk < CORPUS_NR_KINDS; kk++ )
            {
                size_t n = lens[li], off, clen = 0, dlen = 65535;
                lzo_uint lout = 65535;
                int rc;

                for ( off = 0; off < n; off += 4096 )
                {
                    corpus_page(kk, off + li, page);
                    memcpy(big + off, page, n - off < 4096 ? n - off : 4096);
                }
                rc = tmem_lzo1x_1_compress(big, n, bc, &clen,
                                           TMEM_LZO_WORST(n), &wrk);
                CHECK_EQ(rc, TMEM_LZO_OK);
                CHECK(lzo1x_decompress_safe(bc, clen, bout, &lout, NULL) ==
                      LZO_E_OK && lout == n && !memcmp(bout, big, n),
                      "liblzo2 on %zu bytes kind %u", n, kk);
                rc = tmem_lzo1x_decompress_safe(bc, clen, bout, &dlen);
                CHECK(rc == TMEM_LZO_OK && dlen == n &&
                      !memcmp(bout, big, n), "ours on %zu bytes", n);
            }
        /* Too long for 16-bit positions: refused. */
        {
            size_t clen;

            CHECK_EQ(tmem_lzo1x_1_compress(big, 65536, bc, &clen, 100, &wrk),
                     TMEM_LZO_E_ERROR);
        }
        free(big);
        free(bout);
        free(bc);
    }
    /* Same input, same output, whatever came before (generation tags). */
    {
        uint8_t *c1 = malloc(TMEM_LZO_WORST(4096));
        size_t l1 = 0, l2 = 0;
        int r, same = 1;

        corpus_page(CORPUS_TEXT, 4242, page);
        tmem_lzo1x_1_compress(page, 4096, c1, &l1, TMEM_LZO_WORST(4096),
                              &wrk);
        for ( r = 0; r < 40; r++ )
        {
            corpus_page(CORPUS_CODE, r, out);
            tmem_lzo1x_1_compress(out, 4096, cbuf, &l2, TMEM_LZO_WORST(4096),
                                  &wrk);
            tmem_lzo1x_1_compress(page, 4096, cbuf, &l2, TMEM_LZO_WORST(4096),
                                  &wrk);
            if ( l2 != l1 || memcmp(cbuf, c1, l1) )
                same = 0;
        }
        CHECK(same, "compression output depends on earlier calls");
        free(c1);
    }

    printf("# %ld pages, total ours %zu, liblzo2 %zu, ratio %.4f\n", pages,
           ours_total, theirs_total, (double)ours_total / theirs_total);
    free(page);
    free(out);
    free(cbuf);
    free(lbuf);
    return check_summary("test_lzo");
}
