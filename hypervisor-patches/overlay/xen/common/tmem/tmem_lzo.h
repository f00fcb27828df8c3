/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_lzo.h: LZO1X-1 compressor and safe decompressor for tmem pages.
 *
 * Written for tmem from the LZO1X stream format; the names are prefixed so
 * that they never clash with Xen's own lzo1x_* (xen/common/lzo.c).
 */
#ifndef TMEM_LZO_H
#define TMEM_LZO_H

#include "tmem_env.h"

#define TMEM_LZO_OK                     0
#define TMEM_LZO_E_ERROR               (-1)
#define TMEM_LZO_E_INPUT_OVERRUN       (-4)
#define TMEM_LZO_E_OUTPUT_OVERRUN      (-5)
#define TMEM_LZO_E_LOOKBEHIND_OVERRUN  (-6)
#define TMEM_LZO_E_INPUT_NOT_CONSUMED  (-8)
#define TMEM_LZO_E_NOT_COMPRESSIBLE    (-9)

/* Largest input the compressor accepts (positions are 16-bit). */
#define TMEM_LZO_MAX_INPUT        0xffffu
/* Output buffer needed to compress n bytes without a limit. */
#define TMEM_LZO_WORST(n)         ((n) + (n) / 16 + 64 + 3)

#define TMEM_LZO_DICT_BITS        14

/*
 * Work memory: a 16K-entry dictionary of 16-bit input positions.  For
 * inputs up to 4 KiB (pages) an entry also carries, in its top 4 bits, the
 * generation of the call that wrote it, so the table needs clearing only
 * every 15th call; older entries simply never match.  Longer inputs clear it
 * on every call.  Either way the output is a function of the input alone.
 * Must be zeroed before first use.
 */
struct tmem_lzo_wrk {
    uint16_t dict[1u << TMEM_LZO_DICT_BITS];
    uint32_t tag;
};

/*
 * Compress in[0..in_len) into out.  Stops with TMEM_LZO_E_NOT_COMPRESSIBLE
 * as soon as the output would exceed max_out bytes (pass
 * TMEM_LZO_WORST(in_len) to always finish).  out must have room for
 * max_out bytes; nothing is written beyond them.
 */
int tmem_lzo1x_1_compress(const uint8_t *in, size_t in_len, uint8_t *out,
                          size_t *out_len, size_t max_out,
                          struct tmem_lzo_wrk *wrk);

/*
 * Decompress in[0..in_len) into out, whose capacity is *out_len; on return
 * *out_len is the number of bytes produced.  Never reads or writes outside
 * the given buffers, whatever the input.
 */
int tmem_lzo1x_decompress_safe(const uint8_t *in, size_t in_len,
                               uint8_t *out, size_t *out_len);

#endif /* TMEM_LZO_H */
