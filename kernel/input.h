/*
 * Keyboard input for the menu, from every source at once: the serial port (always; a terminal's
 * bytes through keys_vt) and whatever registered itself (drivers/input/i8042.c, the PS/2
 * keyboard). Everything is polled; nothing runs from an interrupt.
 */
#ifndef KERNEL_INPUT_H
#define KERNEL_INPUT_H

#include <stdint.h>

#include "kernel/keys.h"

struct input_source {
    /* The next key, or KEY_NONE; now_us for sources that time sequences. */
    int (*poll)(void *ctx, uint64_t now_us);
    void *ctx;
};

#define INPUT_MAX_SOURCES 4

/* Adds a source (s must stay valid); returns 0 or -NP_ENOSPC. */
int input_register(const struct input_source *s);

/*
 * Waits up to timeout_us for a key from any source, calling idle (may be NULL) between polls
 * (the menu keeps the network running there). Returns the key, or KEY_NONE on timeout.
 */
int input_getkey(uint64_t timeout_us, void (*idle)(void));

#endif
