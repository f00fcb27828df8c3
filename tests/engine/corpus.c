/* corpus.c: varied page contents for LZO and engine tests and the bench. */
#include "corpus.h"
#include <string.h>

const char *const corpus_kind_name[CORPUS_NR_KINDS] = {
    "text", "code", "zero", "sparse", "random", "repeat", "fill", "mixed",
};

static const char *const words[] = {
    "the", "memory", "page", "hypervisor", "guest", "swap", "of", "and",
    "transcendent", "pool", "object", "index", "kernel", "a", "to", "is",
    "ephemeral", "persistent", "cache", "file", "system", "data", "in",
    "xen", "linux", "block", "device", "returns", "error", "for", "with",
};

static void gen_text(uint64_t *s, uint8_t *b)
{
    unsigned int i = 0, nw = sizeof(words) / sizeof(words[0]);

    while ( i < 4096 )
    {
        const char *w = words[corpus_rng(s) % nw];
        size_t l = strlen(w);
        uint64_t r = corpus_rng(s);

        while ( *w && i < 4096 )
            b[i++] = (uint8_t)*w++;
        if ( i < 4096 )
            b[i++] = (r % 11 == 0) ? '.' : (r % 13 == 0 ? '\n' : ' ');
        (void)l;
    }
}

static void gen_code(uint64_t *s, uint8_t *b)
{
    /* x86-like: opcodes from a small alphabet, little-endian immediates. */
    static const uint8_t ops[] = { 0x48, 0x89, 0x8b, 0xe8, 0xc3, 0x0f, 0x85,
                                   0x74, 0x31, 0xc0, 0x55, 0x5d, 0x41, 0xff };
    unsigned int i = 0;

    while ( i < 4096 )
    {
        uint64_t r = corpus_rng(s);

        b[i++] = ops[r % sizeof(ops)];
        if ( i < 4096 && (r >> 8) % 3 == 0 )
            b[i++] = (uint8_t)(r >> 16) & 0x3f;
        if ( i + 4 <= 4096 && (r >> 24) % 4 == 0 )
        {
            uint32_t imm = (uint32_t)((r >> 32) % 4096);

            memcpy(b + i, &imm, 4);
            i += 4;
        }
    }
}

void corpus_page(enum corpus_kind kind, uint64_t seed, uint8_t *b)
{
    uint64_t s = seed * 0x2545f4914f6cdd1dull + kind;
    unsigned int i, n;
    uint64_t w;

    switch ( kind )
    {
    case CORPUS_TEXT:
        gen_text(&s, b);
        break;
    case CORPUS_CODE:
        gen_code(&s, b);
        break;
    case CORPUS_ZERO:
        memset(b, 0, 4096);
        break;
    case CORPUS_SPARSE:
        memset(b, 0, 4096);
        n = 1 + corpus_rng(&s) % 64;
        for ( i = 0; i < n; i++ )
        {
            w = corpus_rng(&s);
            b[w % 4096] = (uint8_t)(w >> 32);
        }
        break;
    case CORPUS_RANDOM:
        for ( i = 0; i < 4096; i += 8 )
        {
            w = corpus_rng(&s);
            memcpy(b + i, &w, 8);
        }
        break;
    case CORPUS_REPEAT:
    {
        uint8_t pat[64];
        unsigned int pl = 1 + corpus_rng(&s) % 64;

        for ( i = 0; i < pl; i++ )
            pat[i] = (uint8_t)corpus_rng(&s);
        for ( i = 0; i < 4096; i++ )
            b[i] = pat[i % pl];
        break;
    }
    case CORPUS_FILL:
        w = corpus_rng(&s);
        for ( i = 0; i < 4096; i += 8 )
            memcpy(b + i, &w, 8);
        break;
    default:
        /* Half text, a random hole, a zero tail. */
        gen_text(&s, b);
        n = corpus_rng(&s) % 2048;
        for ( i = n; i < n + 512; i += 8 )
        {
            w = corpus_rng(&s);
            memcpy(b + i, &w, 8);
        }
        memset(b + 3072 + corpus_rng(&s) % 512, 0,
               4096 - 3072 - 511);
        break;
    }
}

void corpus_any_page(uint64_t seed, uint8_t *buf)
{
    uint64_t s = seed ^ 0x5bd1e995ull;

    corpus_page((enum corpus_kind)(corpus_rng(&s) % CORPUS_NR_KINDS), seed,
                buf);
}
