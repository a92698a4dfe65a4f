/*
 * PS/2 keyboard scan codes, set 1 (what an i8042 with translation on delivers), to keys
 * (kernel/keys.h) on a US layout: make and break codes, the E0 prefix of the cursor block,
 * Shift and Caps Lock, Ctrl-U. Pure: the i8042 driver feeds it bytes.
 */
#ifndef DRIVERS_INPUT_PS2KBD_H
#define DRIVERS_INPUT_PS2KBD_H

#include <stdbool.h>
#include <stdint.h>

struct ps2kbd {
    bool e0;                /* the previous byte was the E0 prefix */
    unsigned skip;          /* bytes of an E1 (Pause) sequence still to drop */
    bool lshift, rshift, ctrl, caps;
};

void ps2kbd_init(struct ps2kbd *k);

/* One scan-code byte; returns a key or KEY_NONE (a release, a modifier, a prefix). */
int ps2kbd_feed(struct ps2kbd *k, uint8_t code);

#endif
