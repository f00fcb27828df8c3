/*
 * fuzz_lzo.c: libFuzzer target for the engine's LZO1X code against
 * Debian's liblzo2, on bytes the fuzzer chooses.
 *
 * The first input byte picks what the rest is:
 *   even: a compressed stream.  The engine's safe decompressor and
 *         liblzo2's lzo1x_decompress_safe() decode it into 4 KiB (or, by
 *         the byte's high bits, a smaller capacity); both must accept it
 *         and produce the same bytes, or both refuse it.  ASan watches
 *         that the engine's decoder stays in its buffers whatever it is
 *         given.
 *   odd:  page contents (up to 4 KiB), as a guest's put makes them: the
 *         engine's compressor, bounded as the engine bounds it, either
 *         refuses (not compressible enough) or produces a stream that
 *         both decompressors turn back into exactly the input.
 * A difference aborts (a finding).
 */
#include <lzo/lzo1x.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tmem_lzo.h"

#define PAGE 4096

static struct tmem_lzo_wrk wrk;

static void differ(const char *what, int ours, int theirs, size_t ol,
                   size_t tl)
{
    fprintf(stderr, "fuzz_lzo: %s: engine %d (%zu bytes), liblzo2 %d "
            "(%zu bytes)\n", what, ours, ol, theirs, tl);
    abort();
}

static void decode(const uint8_t *in, size_t len, size_t cap)
{
    static uint8_t ours[PAGE], theirs[PAGE];
    size_t ol = cap;
    lzo_uint tl = cap;
    int o, t;

    o = tmem_lzo1x_decompress_safe(in, len, ours, &ol);
    t = lzo1x_decompress_safe(in, len, theirs, &tl, NULL);
    if ( (o == TMEM_LZO_OK) != (t == LZO_E_OK) )
        differ("accepted by one decoder only", o, t, ol, tl);
    if ( o == TMEM_LZO_OK && (ol != tl || memcmp(ours, theirs, ol)) )
        differ("decoded differently", o, t, ol, tl);
}

static void roundtrip(const uint8_t *page, size_t len)
{
    static uint8_t c[TMEM_LZO_WORST(PAGE)], back[PAGE];
    size_t clen = 0, ol = PAGE;
    lzo_uint tl = PAGE;
    int rc;

    if ( !len )
        return;
    /* The engine keeps a page compressed only if it saves a quarter. */
    rc = tmem_lzo1x_1_compress(page, len, c, &clen, len - len / 4, &wrk);
    if ( rc == TMEM_LZO_E_NOT_COMPRESSIBLE )
        return;
    if ( rc != TMEM_LZO_OK || clen > len - len / 4 )
        differ("compressor failed", rc, 0, clen, 0);
    rc = tmem_lzo1x_decompress_safe(c, clen, back, &ol);
    if ( rc != TMEM_LZO_OK || ol != len || memcmp(back, page, len) )
        differ("engine round trip", rc, 0, ol, len);
    rc = lzo1x_decompress_safe(c, clen, back, &tl, NULL);
    if ( rc != LZO_E_OK || tl != len || memcmp(back, page, len) )
        differ("liblzo2 decoding the engine's stream", 0, rc, len, tl);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if ( lzo_init() != LZO_E_OK )
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cap;

    if ( size < 1 )
        return 0;
    if ( data[0] & 1 )
    {
        if ( size - 1 <= PAGE )
            roundtrip(data + 1, size - 1);
        return 0;
    }
    /* Capacity: a whole page mostly, sometimes less (output overrun). */
    cap = (data[0] & 0xe0) ? PAGE : (size_t)(data[0] >> 1) * 256;
    decode(data + 1, size - 1, cap);
    return 0;
}
