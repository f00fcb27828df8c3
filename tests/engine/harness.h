/*
 * harness.h: helpers to drive the tmem engine as simulated guests would.
 */
#ifndef TMEM_TEST_HARNESS_H
#define TMEM_TEST_HARNESS_H

#include "tmem_priv.h"

#define H_FLAGS(persist, shared) \
    ((TMEM_ENGINE_SPEC_VERSION << TMEM_ENGINE_POOL_VERSION_SHIFT) | \
     ((persist) ? TMEM_ENGINE_POOL_PERSIST : 0) |                    \
     ((shared) ? TMEM_ENGINE_POOL_SHARED : 0))

struct hguest {
    struct tmem_env_caller caller;
    uint8_t *bad;
};

/* A guest with nr_frames frames of memory. */
/*
 * Decode a guest's raw 56-byte struct tmem_op (tests/abi/abi_tmem.h) into
 * an engine operation, with the Xen glue's own TMEM_ENGINE_DECODE_OP.
 */
struct abi_tmem_op;
void h_decode_guest_op(const struct abi_tmem_op *raw,
                       struct tmem_engine_op *op);

void hg_init(struct hguest *g, uint16_t domid, uint64_t nr_frames);
void hg_free(struct hguest *g);
static inline uint8_t *hg_frame(struct hguest *g, uint64_t f)
{
    return g->caller.mem + f * 4096;
}
void hg_mark_bad(struct hguest *g, uint64_t f);

/*
 * Guest and control calls as Xen makes them: -TMEM_ERESTART is repeated
 * (Xen: a continuation) until the call is done; h_restarts counts repeats.
 */
extern long h_restarts;
long h_guest_call(struct hguest *g, const struct tmem_engine_op *op);
long h_control(struct tmem_engine_ctl *ctl);
long hg_op(struct hguest *g, uint32_t cmd, int32_t pool, uint64_t o0,
           uint64_t o1, uint64_t o2, uint32_t index, uint64_t frame);
long hg_new_pool(struct hguest *g, uint32_t flags, uint64_t u0, uint64_t u1);
long hg_destroy_pool(struct hguest *g, int32_t pool);
long hg_put(struct hguest *g, int32_t pool, uint64_t oid, uint32_t index,
            uint64_t frame);
long hg_get(struct hguest *g, int32_t pool, uint64_t oid, uint32_t index,
            uint64_t frame);
long hg_flush(struct hguest *g, int32_t pool, uint64_t oid, uint32_t index);
long hg_flush_obj(struct hguest *g, int32_t pool, uint64_t oid);

long hc_simple(uint32_t cmd, uint32_t cli, uint32_t arg);
long hc_auth(uint32_t cli, uint64_t u0, uint64_t u1, uint32_t allow);
long hc_list(uint32_t cli, int use_long, char *buf, uint32_t len);
long hc_set_info(uint32_t cli, uint32_t weight, uint32_t flags);

/* Engine set-up/teardown with leak checks; returns problems found. */
int h_engine_start(void);
int h_engine_stop_check_leaks(void);

/* Pages currently held, meta bytes currently allocated. */
long h_pages_in_use(void);

/* Find "KEY:" after a record prefix in LIST output; -1 if missing. */
long h_list_value(const char *text, const char *record_prefix,
                  const char *key);
#endif
