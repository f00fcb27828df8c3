/* SPDX-License-Identifier: GPL-2.0 */
/*
 * glue_harness.h: the userspace world of the glue harness (glue_world.c),
 * its engine stand-in (glue_engine_mock.c) and the runner that turns bytes
 * into hypercalls and sysctls with their checks (glue_run.c).
 */
#ifndef GLUE_HARNESS_H
#define GLUE_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tmem_engine.h"

/* Bytes that decide everything: the runner's and the mock engine's. */
struct glue_input {
    const uint8_t *data;
    size_t size, pos;
};
extern struct glue_input glue_in;
uint8_t glue_take8(void);
uint32_t glue_take32(void);
uint64_t glue_take64(void);

/* ---- the world (glue_world.c) ---- */

#define GLUE_NR_DOMAINS 8
/* Room for the largest batch: 64 items and their pages, and some more. */
#define GLUE_ARENA_SIZE (64 * (32 + 4096) + 3 * 4096)

extern uint8_t *glue_arena;
/* Addresses that are no guest memory at all: copies from them fault. */
#define GLUE_WILD_ADDR ((void *)(uintptr_t)0x1000)

/* Set up once: registers, then runs the glue's initcall with "tmem" on. */
void glue_world_boot(void);
/*
 * A new world for one input: domains (existence and dying masks), the
 * calling domain, XSM's answer, which allocation and which guest copy
 * fail (0: none).
 */
void glue_world_reset(uint8_t exist, uint8_t dying, unsigned int cur,
                      int xsm_rc, unsigned int fail_alloc,
                      unsigned int fail_copy);
/* The bytes a call may touch; anything else in the arena is a finding. */
void glue_world_declare(const void *start, unsigned long len);
/* The existing domain with this id, or NULL; takes no reference. */
struct domain *glue_domain_find(uint32_t id);
/* Locks, RCU sections and allocations still held: all 0 between calls. */
void glue_world_check_balanced(void);

struct glue_continuation {
    unsigned int calls, op;
    void *arg;
};
extern struct glue_continuation glue_cont;
/* Allocations and guest copies made to fail on purpose, so far. */
extern unsigned int glue_injected;
#define GLUE_CONTINUATION_RC 0x7e57c0deL

/* ---- the engine stand-in (glue_engine_mock.c) ---- */

struct glue_engine_log {
    unsigned int guest_calls, control_calls;
    uint16_t guest_client;
    struct tmem_engine_op op;   /* the last guest op */
    long guest_rc;              /* what the last guest op returned */
    uint32_t last_ctl_cmd, last_ctl_cli;
};
extern struct glue_engine_log glue_engine;
void glue_engine_reset(void);

/* ---- the runner (glue_run.c) ---- */

/* Run one input; returns the number of calls made and checked. */
unsigned int glue_run_input(const uint8_t *data, size_t size);

#endif /* GLUE_HARNESS_H */
