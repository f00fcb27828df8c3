/*
 * abi_tmem.h: the tmem guest ABI as the conformance suite sees it, and the
 * backend interface the suite runs on.
 *
 * The suite (abi_suite.c) is plain C that compiles both in userspace (run
 * against the engine by abi_user.c) and in a Linux kernel module (a runner
 * that issues real hypercall 38s).  It needs nothing but this header.
 */
#ifndef ABI_TMEM_H
#define ABI_TMEM_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/stddef.h>
#else
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#endif

/* ---- raw guest structure: 56 bytes on x86-64 ---- */

struct abi_tmem_oid {
    uint64_t oid[3];
};

struct abi_tmem_op {
    uint32_t cmd;
    int32_t pool_id;
    union {
        struct {                 /* NEW_POOL */
            uint64_t uuid[2];
            uint32_t flags;
            uint32_t arg1;
        } creat;
        struct {                 /* every other op */
            struct abi_tmem_oid oid;
            uint32_t index;
            uint32_t tmem_offset;
            uint32_t pfn_offset;
            uint32_t len;
            uint64_t cmfn;       /* guest frame (PV: mfn; HVM/PVH: gpfn) */
        } gen;
    } u;
};

#define ABI_OFF(m) offsetof(struct abi_tmem_op, m)
_Static_assert(sizeof(struct abi_tmem_op) == 56, "tmem_op is 56 bytes");
_Static_assert(ABI_OFF(cmd) == 0, "cmd @0");
_Static_assert(ABI_OFF(pool_id) == 4, "pool_id @4");
_Static_assert(ABI_OFF(u.creat.uuid) == 8, "uuid @8");
_Static_assert(ABI_OFF(u.creat.flags) == 24, "flags @24");
_Static_assert(ABI_OFF(u.creat.arg1) == 28, "arg1 @28");
_Static_assert(ABI_OFF(u.gen.oid) == 8, "oid @8");
_Static_assert(ABI_OFF(u.gen.index) == 32, "index @32");
_Static_assert(ABI_OFF(u.gen.tmem_offset) == 36, "tmem_offset @36");
_Static_assert(ABI_OFF(u.gen.pfn_offset) == 40, "pfn_offset @40");
_Static_assert(ABI_OFF(u.gen.len) == 44, "len @44");
_Static_assert(ABI_OFF(u.gen.cmfn) == 48, "cmfn @48");

/*
 * ---- the same structure from a 32-bit guest: 52 bytes ----
 * Its 64-bit members are only 4-byte aligned (the i386 ABI) and its frame
 * is 32 bits wide, so every offset up to cmfn is the native one.
 */
struct abi_tmem_op32 {
    uint32_t cmd;
    int32_t pool_id;
    union {
        struct {
            uint64_t uuid[2];
            uint32_t flags;
            uint32_t arg1;
        } __attribute__((packed)) creat;
        struct {
            uint64_t oid[3];
            uint32_t index;
            uint32_t tmem_offset;
            uint32_t pfn_offset;
            uint32_t len;
            uint32_t cmfn;
        } __attribute__((packed)) gen;
    } u;
} __attribute__((packed));

#define ABI32_OFF(m) offsetof(struct abi_tmem_op32, m)

_Static_assert(sizeof(struct abi_tmem_op32) == 52, "32-bit tmem_op: 52 bytes");
_Static_assert(ABI32_OFF(u.creat.flags) == 24, "32-bit flags @24");
_Static_assert(ABI32_OFF(u.gen.index) == 32, "32-bit index @32");
_Static_assert(ABI32_OFF(u.gen.cmfn) == 48, "32-bit cmfn @48");

#define ABI_TMEM_CONTROL          0
#define ABI_TMEM_NEW_POOL         1
#define ABI_TMEM_DESTROY_POOL     2
#define ABI_TMEM_NEW_PAGE         3
#define ABI_TMEM_PUT_PAGE         4
#define ABI_TMEM_GET_PAGE         5
#define ABI_TMEM_FLUSH_PAGE       6
#define ABI_TMEM_FLUSH_OBJECT     7
#define ABI_TMEM_READ             8
#define ABI_TMEM_WRITE            9
#define ABI_TMEM_XCHG            10
#define ABI_TMEM_AUTH           101
#define ABI_TMEM_RESTORE_NEW    102

#define ABI_POOL_PERSIST          0x1u
#define ABI_POOL_SHARED           0x2u
#define ABI_POOL_PRECOMPRESSED    0x4u
#define ABI_POOL_PAGESIZE_SHIFT   4
#define ABI_POOL_VERSION_SHIFT    24
#define ABI_SPEC_VERSION          1u
#define ABI_POOL_FLAGS(persist, shared) \
    ((ABI_SPEC_VERSION << ABI_POOL_VERSION_SHIFT) | \
     ((persist) ? ABI_POOL_PERSIST : 0) | ((shared) ? ABI_POOL_SHARED : 0))

#define ABI_EPERM      1
#define ABI_ENOMEM    12
#define ABI_EFAULT    14
#define ABI_ENODEV    19
#define ABI_EINVAL    22
#define ABI_ENOSYS    38
#define ABI_EOPNOTSUPP 95
#define ABI_EFROZEN  1000
#define ABI_EEMPTY   1001

#define ABI_MAX_POOLS 16

/* ---- backend interface (implemented by each runner) ---- */

struct abi_ctx;

/* Issue one tmem operation (hypercall 38) and return its result. */
long abi_tmem_op(struct abi_ctx *ctx, struct abi_tmem_op *op);

/* The backend owns ABI_NR_PAGES guest pages for the suite. */
#define ABI_NR_PAGES 8
uint64_t abi_page_frame(struct abi_ctx *ctx, unsigned int i);
/* Fill page i with content derived from seed; kind picks zero/fill/
 * text/random.  Compare page i with that content: 1 if equal. */
void abi_page_fill(struct abi_ctx *ctx, unsigned int i, uint64_t seed,
                   unsigned int kind);
int abi_page_check(struct abi_ctx *ctx, unsigned int i, uint64_t seed,
                   unsigned int kind);
/* A frame number that is not RAM of this guest. */
uint64_t abi_bad_frame(struct abi_ctx *ctx);
/* Nonzero if the caller has no pools yet (so exactly 16 can be made). */
int abi_fresh_client(struct abi_ctx *ctx);

/*
 * Optional powers a runner may have (a guest kernel usually has not):
 * return 0 if done, nonzero if unsupported (the checks are then skipped).
 *   abi_ctl_freeze: freeze (1) or thaw (0) this client, as the toolstack.
 *   abi_ctl_memory_limit: let tmem hold at most `pages' more data pages
 *   (0 lifts the limit), as if the host ran out of memory.
 */
int abi_ctl_freeze(struct abi_ctx *ctx, int freeze);
int abi_ctl_memory_limit(struct abi_ctx *ctx, unsigned long pages);

/* One result line (TAP); the backend prints it. */
void abi_report(struct abi_ctx *ctx, int ok, const char *name, long got,
                long expected);

/*
 * Checks the whole suite makes for a fresh client (no pool of anyone else),
 * and those of its two optional sections, run only by a backend that can
 * freeze the client (abi_ctl_freeze) or limit its memory
 * (abi_ctl_memory_limit).  The userspace run, which has both, asserts the
 * total, so a backend's run, which must match its share, cannot stop
 * early and still pass.  Change them with the suite.
 */
#define ABI_SUITE_FRESH_CHECKS   497
#define ABI_SUITE_FREEZE_CHECKS    5
#define ABI_SUITE_NOMEM_CHECKS     4

/* Run the whole suite; returns the number of failures. */
int abi_run_suite(struct abi_ctx *ctx, unsigned int *passed,
                  unsigned int *failed);

/* Page content used by abi_page_fill implementations (shared code). */
static inline void abi_gen_page(uint8_t *p, uint64_t seed, unsigned int kind)
{
    uint64_t s = seed * 0x9e3779b97f4a7c15ull + kind + 1;
    unsigned int i;

    for ( i = 0; i < 4096; i += 8 )
    {
        uint64_t w;

        switch ( kind & 3 )
        {
        case 0:
            w = 0;
            break;
        case 1:
            w = seed | 1;
            break;
        case 2:
            /* Text-like, compressible. */
            w = 0x2065676170206f74ull + ((i / 64) % 7) + (seed << 48);
            break;
        default:
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            w = s;
            break;
        }
        memcpy(p + i, &w, 8);
    }
}
#endif
