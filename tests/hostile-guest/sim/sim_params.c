// SPDX-License-Identifier: GPL-2.0
/*
 * sim_params.c: the module-parameter registry of the userspace kernel
 * shim, shared by the hostile and shared-pool module simulations.  Each
 * module_param() of the simulated module registers itself here from a
 * constructor (sim_kernel.h); the simulations read and set parameters by
 * name, as the lab reads /sys/module/.../parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_api.h"

#define SIM_MAX_PARAMS		32

static struct {
	const char *name;
	void *addr;
	size_t size;
} params[SIM_MAX_PARAMS];
static unsigned int nr_params;

void sim_param_register(const char *name, void *addr, size_t size)
{
	if (nr_params == SIM_MAX_PARAMS)
		abort();
	params[nr_params].name = name;
	params[nr_params].addr = addr;
	params[nr_params].size = size;
	nr_params++;
}

static unsigned int sim_param_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < nr_params; i++)
		if (!strcmp(params[i].name, name))
			return i;
	fprintf(stderr, "no parameter %s\n", name);
	abort();
}

long long sim_param_get(const char *name)
{
	unsigned int i = sim_param_find(name);

	switch (params[i].size) {
	case 1:
		return *(unsigned char *)params[i].addr;
	case 4:
		return __atomic_load_n((int *)params[i].addr, __ATOMIC_RELAXED);
	default:
		return __atomic_load_n((long long *)params[i].addr,
				       __ATOMIC_RELAXED);
	}
}

void sim_param_set(const char *name, long long value)
{
	unsigned int i = sim_param_find(name);

	switch (params[i].size) {
	case 1:
		*(unsigned char *)params[i].addr = (unsigned char)value;
		break;
	case 4:
		*(int *)params[i].addr = (int)value;
		break;
	default:
		*(long long *)params[i].addr = value;
		break;
	}
}
