/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sim_api.h: what the userspace simulation (sim_hostile.c) and the kernel
 * shim that tmem_hostile.c is compiled against (sim_kernel.h) share.
 */
#ifndef SIM_API_H
#define SIM_API_H

#include <stddef.h>

/* A guest page: its frame in the simulated guest and its address. */
struct page {
	unsigned long long frame;
	void *addr;
};

struct page *sim_alloc_page(void);
void sim_free_page(struct page *page);

/* Hypercall 38 and the XENMEM_* queries the module makes. */
long sim_tmem_op(void *op);
long sim_memory_op(unsigned int cmd, void *arg);
/* The pfn of a frame this guest owns, ~0UL if it is not the guest's. */
unsigned long sim_local_pfn(unsigned long long mfn);

/* Module parameters, by name. */
void sim_param_register(const char *name, void *addr, size_t size);
long long sim_param_get(const char *name);
void sim_param_set(const char *name, long long value);

/* The module's init and exit functions (module_init, module_exit). */
extern int (*const sim_module_init)(void);
extern void (*const sim_module_exit)(void);

/* The module's printk formats are checked by the kernel build. */
void sim_log(int level, const char *fmt, ...);

#endif /* SIM_API_H */
