/* The PS/2 controller (i8042) and its keyboard, polled, as an input source (kernel/input.h). */
#ifndef DRIVERS_INPUT_I8042_H
#define DRIVERS_INPUT_I8042_H

/*
 * Finds the controller, turns its interrupts off (netplant polls) and scan-code translation on
 * (set 1 reaches ps2kbd.c whatever set the keyboard speaks), and registers the keyboard as an
 * input source. Returns 0, or -NP_ENODEV where no controller answers (USB-only machines whose
 * firmware does not emulate one).
 */
int i8042_init(void);

#endif
