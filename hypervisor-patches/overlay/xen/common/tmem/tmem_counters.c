/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmem_counters.c: the operation counts LIST shows, exact under any
 * concurrency without a locked instruction on the data path (tmem_priv.h,
 * struct tmem_counters).
 */
#include "tmem_priv.h"

/* What one counter set costs in memory, for the account that pays it. */
size_t tmem_cnt_bytes(void)
{
    return tmem_global.nr_pcpu * sizeof(struct tmem_cnt_row);
}

bool tmem_cnt_init(struct tmem_counters *k)
{
    memset(&k->shared, 0, sizeof(k->shared));
    k->rows = NULL;
    if ( !tmem_global.nr_pcpu )
        return true;
    k->rows = tmem_env_zalloc(tmem_cnt_bytes());
    return k->rows != NULL;
}

void tmem_cnt_fini(struct tmem_counters *k)
{
    if ( k->rows )
        tmem_env_free(k->rows, tmem_cnt_bytes());
    k->rows = NULL;
}

/*
 * The sum of every row.  Exact once the counted operations have returned;
 * while they run, a count they have not added yet is not in it.
 */
long tmem_cnt_read(const struct tmem_counters *k, unsigned int i)
{
    long n = tmem_atomic_read((long *)&k->shared.v[i]);
    unsigned int slot;

    if ( k->rows )
        for ( slot = 0; slot < tmem_global.nr_pcpu; slot++ )
            n += tmem_atomic_read((long *)&k->rows[slot].v[i]);
    return n;
}
