/* corpus.h: deterministic generator of varied 4 KiB test pages. */
#ifndef TMEM_TEST_CORPUS_H
#define TMEM_TEST_CORPUS_H
#include <stdint.h>

enum corpus_kind {
    CORPUS_TEXT, CORPUS_CODE, CORPUS_ZERO, CORPUS_SPARSE, CORPUS_RANDOM,
    CORPUS_REPEAT, CORPUS_FILL, CORPUS_MIXED, CORPUS_NR_KINDS
};

extern const char *const corpus_kind_name[CORPUS_NR_KINDS];

static inline uint64_t corpus_rng(uint64_t *s)
{
    /* splitmix64: good enough for test data, fully reproducible. */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Fill buf (4096 bytes) with a page of the given kind derived from seed. */
void corpus_page(enum corpus_kind kind, uint64_t seed, uint8_t *buf);
/* A page whose kind is also derived from the seed (a realistic mix). */
void corpus_any_page(uint64_t seed, uint8_t *buf);
#endif
