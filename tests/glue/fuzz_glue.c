/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_glue.c: libFuzzer target over the Xen glue of tmem (tmem_xen.c,
 * tmem_sysctl.c, tmem_sysctl_save.c, compiled unchanged): the bytes decide the guest's struct tmem_op, the
 * toolstack's XEN_SYSCTL_tmem_op, its buffers and lengths, the domains,
 * the faults and the engine's answers (glue_run.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "glue_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    glue_run_input(data, size);
    return 0;
}
