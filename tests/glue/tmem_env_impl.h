/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_env_impl.h for the glue harness: the glue only declares engine and
 * environment calls (tmem_engine.h, tmem_env.h), and the engine here is
 * glue_engine_mock.c, so no lock, atomic or slot of the environment is
 * needed; the Xen one (xen/tmem_env_impl.h) would pull in all of Xen.
 */
#ifndef TMEM_ENV_IMPL_H
#define TMEM_ENV_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#endif /* TMEM_ENV_IMPL_H */
