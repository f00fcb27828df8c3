/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_lzo.c: LZO1X-1 compression and safe decompression.
 *
 * Stream format (LZO1X): a sequence of instructions, each a literal run or
 * a back-reference (match) that may carry up to three trailing literals in
 * the low two bits of its last distance byte ("state").  The meaning of an
 * opcode below 16 depends on that state: after a match without literals it
 * starts a literal run; after 1-3 trailing literals it is a 2-byte match;
 * after a run of 4+ literals it is a 3-byte match 2049..3072 bytes back.
 * Opcodes 16-31 are far matches (16 KiB..48 KiB, and the end marker), 32-63
 * matches up to 16 KiB back, 64-255 short matches up to 2 KiB back.
 *
 * The compressor is a greedy single-probe hash matcher (the LZO1X-1
 * trade-off: one dictionary probe per position, skipping faster through
 * data that does not match).  The decompressor checks every read, write and
 * back-reference against its buffers; hostile input is the normal case.
 */
#include "tmem_lzo.h"

#define LZO_M2_MAX_LEN      8
#define LZO_M2_MAX_OFFSET   0x0800
#define LZO_M3_MAX_OFFSET   0x4000
#define LZO_M4_MAX_OFFSET   0xbfff
#define LZO_MIN_TAIL        13      /* shorter inputs are stored as literals */

static inline uint32_t lzo_get32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static inline uint64_t lzo_get64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static inline unsigned int lzo_hash(uint32_t v)
{
    /* Fibonacci hashing of the next four bytes. */
    return (v * 0x9e3779b1u) >> (32 - TMEM_LZO_DICT_BITS);
}

/* Bytes needed at most to emit a literal run of t bytes. */
static inline size_t lzo_lit_cost(size_t t)
{
    return t + t / 255 + 3;
}

/* Emit a length remainder as zero bytes (255 each) and a final byte. */
static inline uint8_t *lzo_put_len(uint8_t *op, size_t n)
{
    while ( n > 255 )
    {
        *op++ = 0;
        n -= 255;
    }
    *op++ = (uint8_t)n;
    return op;
}

/*
 * Copy t literal bytes in 8-byte blocks.  Used only where at least 8 bytes
 * beyond lit + t are still input and beyond op + t still output space, so
 * the over-read and over-write stay inside the buffers (the over-written
 * bytes are rewritten by what follows).
 */
static inline uint8_t *lzo_copy_fast(uint8_t *op, const uint8_t *lit,
                                     size_t t)
{
    uint8_t *end = op + t;

    do {
        memcpy(op, lit, 8);
        op += 8;
        lit += 8;
    } while ( op < end );
    return end;
}

static inline uint8_t *lzo_put_literals(uint8_t *op, const uint8_t *out,
                                 const uint8_t *lit, size_t t, bool fast)
{
    if ( t == 0 )
        return op;
    if ( op == out && t <= 238 )
        *op++ = (uint8_t)(17 + t);            /* first-byte literal form */
    else if ( t <= 3 )
        op[-2] |= (uint8_t)t;                 /* ride on the last match */
    else if ( t <= 18 )
        *op++ = (uint8_t)(t - 3);
    else
    {
        *op++ = 0;
        op = lzo_put_len(op, t - 18);
    }
    if ( fast )
        return lzo_copy_fast(op, lit, t);
    memcpy(op, lit, t);
    return op + t;
}

static inline uint8_t *lzo_put_match(uint8_t *op, size_t len, size_t dist)
{
    if ( len <= LZO_M2_MAX_LEN && dist <= LZO_M2_MAX_OFFSET )
    {
        dist--;
        *op++ = (uint8_t)(((len - 1) << 5) | ((dist & 7) << 2));
        *op++ = (uint8_t)(dist >> 3);
        return op;
    }
    if ( dist <= LZO_M3_MAX_OFFSET )
    {
        dist--;
        if ( len <= 33 )
            *op++ = (uint8_t)(32 | (len - 2));
        else
        {
            *op++ = 32;
            op = lzo_put_len(op, len - 33);
        }
    }
    else
    {
        dist -= 0x4000;
        if ( len <= 9 )
            *op++ = (uint8_t)(16 | ((dist >> 11) & 8) | (len - 2));
        else
        {
            *op++ = (uint8_t)(16 | ((dist >> 11) & 8));
            op = lzo_put_len(op, len - 9);
        }
    }
    *op++ = (uint8_t)(dist << 2);
    *op++ = (uint8_t)(dist >> 6);
    return op;
}

/* How far the 4-byte match of ip at ref goes on, 8 bytes at a time. */
static inline size_t lzo_match_len(const uint8_t *ip, const uint8_t *ref,
                                   const uint8_t *in_end)
{
    size_t len = 4;
    uint64_t x;

    while ( (size_t)(in_end - ip) >= len + 8 )
    {
        x = lzo_get64(ip + len) ^ lzo_get64(ref + len);
        if ( x )
            return len + ((size_t)__builtin_ctzll(x) >> 3);
        len += 8;
    }
    while ( ip + len < in_end && ip[len] == ref[len] )
        len++;
    return len;
}

int tmem_lzo1x_1_compress(const uint8_t *in, size_t in_len, uint8_t *out,
                          size_t *out_len, size_t max_out,
                          struct tmem_lzo_wrk *wrk)
{
    const uint8_t *in_end = in + in_len;
    const uint8_t *ip, *ii, *ip_end, *ref;
    uint8_t *op = out;
    uint8_t *op_limit = out + max_out;
    uint32_t dv, tag, tag_mask, pos_mask;
    unsigned int h, e;
    size_t len;

    if ( in_len > TMEM_LZO_MAX_INPUT )
        return TMEM_LZO_E_ERROR;

    ii = in;
    if ( in_len > LZO_MIN_TAIL )
    {
        if ( in_len <= 0x1000 )
        {
            /* 12-bit positions, 4-bit generation tag (1..15). */
            wrk->tag = wrk->tag % 15 + 1;
            if ( wrk->tag == 1 )
                memset(wrk->dict, 0, sizeof(wrk->dict));
            tag = wrk->tag << 12;
            tag_mask = 0xf000;
            pos_mask = 0x0fff;
        }
        else
        {
            /* 16-bit positions, every entry valid: start clean. */
            memset(wrk->dict, 0, sizeof(wrk->dict));
            wrk->tag = 0;
            tag = 0;
            tag_mask = 0;
            pos_mask = 0xffff;
        }

        ip_end = in_end - LZO_MIN_TAIL;
        wrk->dict[lzo_hash(lzo_get32(in))] = (uint16_t)tag;
        ip = in + 1;
        while ( ip < ip_end )
        {
            dv = lzo_get32(ip);
            h = lzo_hash(dv);
            e = wrk->dict[h];
            wrk->dict[h] = (uint16_t)(tag | (uint32_t)(ip - in));
            if ( (e & tag_mask) != tag )
                goto miss;
            ref = in + (e & pos_mask);
            if ( lzo_get32(ref) != dv || (size_t)(ip - ref) > LZO_M4_MAX_OFFSET )
                goto miss;

            len = lzo_match_len(ip, ref, in_end);
            /* 8 spare bytes: room for the literal copy to overshoot. */
            if ( op + lzo_lit_cost((size_t)(ip - ii)) + len / 255 + 5 + 8 >
                 op_limit )
            {
                if ( op + lzo_lit_cost((size_t)(ip - ii)) + len / 255 + 5 >
                     op_limit )
                    return TMEM_LZO_E_NOT_COMPRESSIBLE;
                op = lzo_put_literals(op, out, ii, (size_t)(ip - ii), false);
            }
            else
                /* ip + 4 <= in_end - 8 here, so reading on past ip is ok. */
                op = lzo_put_literals(op, out, ii, (size_t)(ip - ii), true);
            op = lzo_put_match(op, len, (size_t)(ip - ref));
            ip += len;
            ii = ip;
            continue;

        miss:
            /* Skip ahead faster the longer nothing has matched. */
            ip += 1 + ((size_t)(ip - ii) >> 5);
        }
    }

    if ( op + lzo_lit_cost((size_t)(in_end - ii)) + 3 > op_limit )
        return TMEM_LZO_E_NOT_COMPRESSIBLE;
    op = lzo_put_literals(op, out, ii, (size_t)(in_end - ii), false);
    /* End marker: a far match with distance 0x4000 and no literals. */
    *op++ = 16 | 1;
    *op++ = 0;
    *op++ = 0;
    *out_len = (size_t)(op - out);
    return TMEM_LZO_OK;
}

#define LZO_NEED_IN(n)                                  \
    do {                                                \
        if ( (size_t)(ip_end - ip) < (size_t)(n) )      \
            goto input_overrun;                         \
    } while ( 0 )

#define LZO_NEED_OUT(n)                                 \
    do {                                                \
        if ( (size_t)(op_end - op) < (size_t)(n) )      \
            goto output_overrun;                        \
    } while ( 0 )

/*
 * A length held in (t & mask), or after the instruction in an extension when
 * those bits are 0 (then mask is the extension's base).  A length beyond the
 * output is caught where it is used: the end-of-stream marker carries one
 * that means nothing.
 */
#define LZO_LEN_FIELD(len, t, mask)                                 \
    do {                                                            \
        (len) = (t) & (mask);                                       \
        if ( (len) == 0 )                                           \
        {                                                           \
            (len) = lzo_get_len(&ip, ip_end, (mask), *out_len);     \
            if ( (len) == 0 )                                       \
                goto input_overrun;                                 \
        }                                                           \
    } while ( 0 )

/* Copy n literal bytes from the input to the output. */
#define LZO_COPY_LITERALS(n)                                        \
    do {                                                            \
        LZO_NEED_IN(n);                                             \
        LZO_NEED_OUT(n);                                            \
        memcpy(op, ip, (n));                                        \
        op += (n);                                                  \
        ip += (n);                                                  \
    } while ( 0 )

/* The two little-endian bytes that follow a long match's length. */
#define LZO_GET_LE16(v)                                             \
    do {                                                            \
        LZO_NEED_IN(2);                                             \
        (v) = (size_t)ip[0] | ((size_t)ip[1] << 8);                 \
        ip += 2;                                                    \
    } while ( 0 )

/*
 * Read a length extension: zero bytes add 255 each, then a non-zero byte.
 * Returns base + the sum, 0 when the input ends first (a real length is
 * never 0), or limit + 1 for any length the output could not hold.  The
 * whole extension is consumed either way, as liblzo2 does, so that what
 * follows it is read from the same place.
 */
static inline size_t lzo_get_len(const uint8_t **ipp, const uint8_t *ip_end,
                                 size_t base, size_t limit)
{
    const uint8_t *ip = *ipp;
    size_t n = 0;

    for ( ;; )
    {
        if ( ip >= ip_end )
            return 0;
        if ( *ip )
            break;
        /* Stop adding once it is too long: no overflow, however many. */
        if ( n <= limit )
            n += 255;
        ip++;
    }
    n += base + *ip++;
    *ipp = ip;
    return n > limit ? limit + 1 : n;
}

/* Copy a match of len bytes from dist back; op has room for them. */
static inline uint8_t *lzo_copy_match(uint8_t *op, size_t dist, size_t len)
{
    const uint8_t *m = op - dist;

    if ( dist >= 8 )
    {
        /* Source and destination 8-byte blocks never overlap. */
        while ( len >= 8 )
        {
            memcpy(op, m, 8);
            op += 8;
            m += 8;
            len -= 8;
        }
    }
    while ( len-- )
        *op++ = *m++;
    return op;
}

int tmem_lzo1x_decompress_safe(const uint8_t *in, size_t in_len,
                               uint8_t *out, size_t *out_len)
{
    const uint8_t *ip = in, *ip_end = in + in_len;
    uint8_t *op = out, *op_end = out + *out_len;
    size_t t, len, dist, s, state, hi;
    bool far;

    LZO_NEED_IN(1);
    state = 0;
    if ( *ip > 17 )
    {
        t = (size_t)*ip++ - 17;
        LZO_COPY_LITERALS(t);
        state = t < 4 ? t : 4;
    }

    for ( ;; )
    {
        LZO_NEED_IN(1);
        t = *ip++;
        if ( t < 16 )
        {
            if ( state == 0 )
            {
                /* Literal run. */
                LZO_LEN_FIELD(t, t, 15);
                t += 3;
                LZO_COPY_LITERALS(t);
                state = 4;
                continue;
            }
            LZO_NEED_IN(1);
            if ( state == 4 )
            {
                dist = 1 + LZO_M2_MAX_OFFSET + (t >> 2) + ((size_t)*ip++ << 2);
                len = 3;
            }
            else
            {
                dist = 1 + (t >> 2) + ((size_t)*ip++ << 2);
                len = 2;
            }
            s = t & 3;
        }
        else if ( t >= 64 )
        {
            LZO_NEED_IN(1);
            dist = 1 + ((t >> 2) & 7) + ((size_t)*ip++ << 3);
            len = (t >> 5) + 1;
            s = t & 3;
        }
        else
        {
            /*
             * 32..63: a match of up to 16 KiB back; 16..31: beyond that,
             * bit 3 the distance's bit 14, distance 0 the end of stream.
             */
            far = t < 32;
            hi = far ? (t & 8) << 11 : 0;
            LZO_LEN_FIELD(len, t, far ? 7 : 31);
            len += 2;
            LZO_GET_LE16(t);
            dist = hi + (t >> 2);
            if ( far && dist == 0 )
                goto eof;
            dist += far ? 0x4000 : 1;
            s = t & 3;
        }

        if ( dist > (size_t)(op - out) )
            goto lookbehind_overrun;
        LZO_NEED_OUT(len);
        op = lzo_copy_match(op, dist, len);

        state = s;
        LZO_COPY_LITERALS(s);
    }

 eof:
    *out_len = (size_t)(op - out);
    return ip == ip_end ? TMEM_LZO_OK : TMEM_LZO_E_INPUT_NOT_CONSUMED;

 input_overrun:
    *out_len = (size_t)(op - out);
    return TMEM_LZO_E_INPUT_OVERRUN;

 output_overrun:
    *out_len = (size_t)(op - out);
    return TMEM_LZO_E_OUTPUT_OVERRUN;

 lookbehind_overrun:
    *out_len = (size_t)(op - out);
    return TMEM_LZO_E_LOOKBEHIND_OVERRUN;
}
