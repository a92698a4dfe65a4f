/* Keyboard input from every source (input.h). */
#include "kernel/input.h"

#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "kernel/errno.h"

static struct keys_vt serial_keys = { .pending = -1 };

static int serial_poll(void *ctx, uint64_t now_us)
{
    (void)ctx;
    return keys_vt_feed(&serial_keys, serial_getc(), now_us);
}

static const struct input_source serial_source = { serial_poll, NULL };
static const struct input_source *sources[INPUT_MAX_SOURCES] = { &serial_source };
static unsigned nsources = 1;

int input_register(const struct input_source *s)
{
    if (nsources == INPUT_MAX_SOURCES)
        return -NP_ENOSPC;
    sources[nsources++] = s;
    return 0;
}

int input_getkey(uint64_t timeout_us, void (*idle)(void))
{
    uint64_t start = clock_us();
    for (;;) {
        uint64_t now = clock_us();
        for (unsigned i = 0; i < nsources; i++) {
            int k = sources[i]->poll(sources[i]->ctx, now);
            if (k != KEY_NONE)
                return k;
        }
        if (now - start >= timeout_us)
            return KEY_NONE;
        if (idle)
            idle();
        cpu_relax();
    }
}
