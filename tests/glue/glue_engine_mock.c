/* SPDX-License-Identifier: GPL-2.0 */
/*
 * glue_engine_mock.c: the engine as the glue sees it, through
 * tmem_engine.h, answering with bytes from the input.  It checks what the
 * glue promises the engine (inside tmem_enter_engine(), buffers as long
 * as buf_len says, the domain held and alive where state may be created)
 * and answers with anything, in range or not: the glue must keep the
 * caller's memory safe whatever the engine returns.
 */
#include "glue_emul.h"
#include "tmem_engine.h"
#include "tmem_xen.h"
#include "glue_harness.h"

bool tmem_engine_enabled;
bool tmem_engine_compress_default;
unsigned long tmem_engine_max_client_pages;
unsigned long tmem_engine_meta_limit = 1UL << 25;

struct glue_engine_log glue_engine;

void glue_engine_reset(void)
{
    memset(&glue_engine, 0, sizeof(glue_engine));
}

int tmem_engine_init(void)
{
    return 0;
}

static void in_engine(void)
{
    if ( !this_cpu(tmem_in_engine) )
        glue_finding("the engine was called outside tmem_enter_engine()");
}

/* A result: mostly an error or a small count, sometimes anything. */
static long answer(long in_range_max)
{
    uint8_t b = glue_take8();

    switch ( b & 7 )
    {
    case 0: return -ESRCH;
    case 1: return -EINVAL;
    case 2: return 0;
    case 3: return in_range_max;
    case 4: return in_range_max + 1 + (b >> 3);
    case 5: return (long)glue_take32();
    default: return in_range_max > 0 ? (long)(b >> 3) % (in_range_max + 1) : 0;
    }
}

long tmem_engine_guest_op(struct tmem_env_caller *caller, uint16_t client_id,
                          const struct tmem_engine_op *op)
{
    uint8_t b;

    in_engine();
    if ( caller->d != current->domain )
        glue_finding("a guest op's caller is not the calling domain");
    glue_engine.guest_calls++;
    glue_engine.guest_client = client_id;
    glue_engine.op = *op;
    b = glue_take8();
    glue_engine.guest_rc = (b & 3) == 0 ? -ERESTART : (long)(int8_t)b;
    return glue_engine.guest_rc;
}

/* Commands whose engine call must hold the domain's lock, alive. */
static bool locked_cmd(uint32_t cmd)
{
    switch ( cmd )
    {
    case TMEM_ENGINE_CTL_SET_CLIENT_INFO:
    case TMEM_ENGINE_CTL_SET_POOLS:
    case TMEM_ENGINE_CTL_SET_AUTH:
    case TMEM_ENGINE_CTL_RESTORE_BEGIN:
    case TMEM_ENGINE_CTL_RESTORE_PUT_PAGE:
    case TMEM_ENGINE_CTL_RESTORE_FLUSH_PAGE:
        return true;
    }
    return false;
}

static void check_client(const struct tmem_engine_ctl *ctl)
{
    const struct domain *d;

    if ( ctl->cmd == TMEM_ENGINE_CTL_QUERY_FREEABLE_MB )
        return;
    if ( ctl->cli_id == TMEM_ENGINE_CLI_ID_ALL )
    {
        /* The engine walks its own clients: no one domain to hold. */
        return;
    }
    d = glue_domain_find(ctl->cli_id);
    if ( !d )
        glue_finding("the engine was asked about a domain that does not exist");
    if ( locked_cmd(ctl->cmd) && (!d->domain_lock.held || d->is_dying) )
        glue_finding("client state may be made without the domain's lock, "
                     "or for a dying domain");
}

long tmem_engine_control(struct tmem_engine_ctl *ctl)
{
    uint8_t *buf = ctl->buf;
    uint32_t i;

    in_engine();
    check_client(ctl);
    glue_engine.control_calls++;
    glue_engine.last_ctl_cmd = ctl->cmd;
    glue_engine.last_ctl_cli = ctl->cli_id;
    if ( ctl->buf_len && !buf )
        glue_finding("buf_len without a buffer");

    switch ( ctl->cmd )
    {
    case TMEM_ENGINE_CTL_LIST:
        /* Text with no NUL where the glue might hope for one. */
        for ( i = 0; i < ctl->buf_len; i++ )
            buf[i] = 'a' + (i % 26);
        return answer(ctl->buf_len ? ctl->buf_len - 1 : 0);

    case TMEM_ENGINE_CTL_GET_POOLS:
        if ( ctl->buf_len != sizeof(struct tmem_engine_pool_info) *
                            TMEM_ENGINE_MAX_POOLS_PER_CLIENT )
            glue_finding("GET_POOLS without room for every pool");
        memset(buf, glue_take8(), ctl->buf_len);
        return answer(TMEM_ENGINE_MAX_POOLS_PER_CLIENT);

    case TMEM_ENGINE_CTL_GET_AUTH:
        if ( ctl->buf_len % (2 * sizeof(uint64_t)) )
            glue_finding("GET_AUTH with a partial UUID slot");
        memset(buf, glue_take8(), ctl->buf_len);
        return answer(ctl->buf_len / (2 * sizeof(uint64_t)));

    case TMEM_ENGINE_CTL_GET_CLIENT_INFO:
        ctl->weight = glue_take32();
        ctl->flags = glue_take8();
        return answer(0);

    case TMEM_ENGINE_CTL_SAVE_GET_NEXT_PAGE:
    case TMEM_ENGINE_CTL_SAVE_GET_NEXT_INV:
        if ( buf )
            memset(buf, glue_take8(), ctl->buf_len);
        ctl->out_pool_id = (int32_t)glue_take32();
        ctl->out_index = glue_take32();
        ctl->out_oid[0] = glue_take64();
        ctl->out_oid[1] = ctl->out_oid[2] = glue_take32();
        return answer(TMEM_ENGINE_SAVE_RESET);

    case TMEM_ENGINE_CTL_SET_POOLS:
    case TMEM_ENGINE_CTL_RESTORE_PUT_PAGE:
    {
        /* Read all of it: a short buffer shows under the sanitizers. */
        volatile uint8_t sum = 0;

        for ( i = 0; i < ctl->buf_len; i++ )
            sum += buf[i];
        (void)sum;
        return answer(1);
    }
    }

    return answer(1);
}

long tmem_engine_client_destroy_step(uint16_t client_id)
{
    in_engine();
    return glue_take8() & 1 ? -ERESTART : 0;
}

unsigned long tmem_engine_reclaim(unsigned long nr_pages)
{
    in_engine();
    return nr_pages / 2;
}

void tmem_engine_note_call_ns(unsigned int kind, uint32_t cmd, uint64_t ns)
{
}

unsigned long tmem_engine_freeable_pages(void)
{
    return glue_take8();
}
