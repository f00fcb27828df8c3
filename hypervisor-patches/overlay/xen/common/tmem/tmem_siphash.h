/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tmem_siphash.h: SipHash-2-4 over whole 64-bit words, for the object
 * index.  Guests choose their object ids; with a per-pool secret key they
 * still cannot choose ids that share a hash chain (a weaker mix of the
 * three oid words let them cancel the key out and put every object of a
 * pool in one chain).
 */
#ifndef TMEM_SIPHASH_H
#define TMEM_SIPHASH_H

#include "tmem_env.h"

static inline uint64_t tmem_sip_rotl(uint64_t x, unsigned int b)
{
    return (x << b) | (x >> (64 - b));
}

#define TMEM_SIPROUND(v0, v1, v2, v3)                              \
    do {                                                           \
        (v0) += (v1); (v1) = tmem_sip_rotl(v1, 13); (v1) ^= (v0);  \
        (v0) = tmem_sip_rotl(v0, 32);                              \
        (v2) += (v3); (v3) = tmem_sip_rotl(v3, 16); (v3) ^= (v2);  \
        (v0) += (v3); (v3) = tmem_sip_rotl(v3, 21); (v3) ^= (v0);  \
        (v2) += (v1); (v1) = tmem_sip_rotl(v1, 17); (v1) ^= (v2);  \
        (v2) = tmem_sip_rotl(v2, 32);                              \
    } while ( 0 )

/*
 * SipHash-2-4 of nr words taken as 8 * nr little-endian bytes (what the
 * reference computes for that byte string on a little-endian machine).
 */
static inline uint64_t tmem_siphash(const uint64_t key[2],
                                    const uint64_t *w, unsigned int nr)
{
    uint64_t v0 = key[0] ^ 0x736f6d6570736575ull;
    uint64_t v1 = key[1] ^ 0x646f72616e646f6dull;
    uint64_t v2 = key[0] ^ 0x6c7967656e657261ull;
    uint64_t v3 = key[1] ^ 0x7465646279746573ull;
    uint64_t last = (uint64_t)(8 * nr) << 56;
    unsigned int i;

    for ( i = 0; i < nr; i++ )
    {
        v3 ^= w[i];
        TMEM_SIPROUND(v0, v1, v2, v3);
        TMEM_SIPROUND(v0, v1, v2, v3);
        v0 ^= w[i];
    }
    v3 ^= last;
    TMEM_SIPROUND(v0, v1, v2, v3);
    TMEM_SIPROUND(v0, v1, v2, v3);
    v0 ^= last;
    v2 ^= 0xff;
    TMEM_SIPROUND(v0, v1, v2, v3);
    TMEM_SIPROUND(v0, v1, v2, v3);
    TMEM_SIPROUND(v0, v1, v2, v3);
    TMEM_SIPROUND(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

#endif /* TMEM_SIPHASH_H */
