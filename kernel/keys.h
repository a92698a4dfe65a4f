/*
 * Keys, as the menu sees them whatever the keyboard: printable ASCII as itself, a few controls,
 * and codes above 0xFF for keys without a character. keys_vt turns the bytes a terminal on the
 * serial port sends into keys (ECMA-48 / VT100 cursor keys: CSI A-D, SS3 A-D, CSI n ~), pure.
 */
#ifndef KERNEL_KEYS_H
#define KERNEL_KEYS_H

#include <stdbool.h>
#include <stdint.h>

enum key {
    KEY_NONE = -1,
    KEY_BACKSPACE = 0x08,
    KEY_TAB = 0x09,
    KEY_ENTER = 0x0A,
    KEY_KILL = 0x15,        /* Ctrl-U: empty the line */
    KEY_ESC = 0x1B,
    KEY_UP = 0x100, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END, KEY_DELETE,
};

/* A lone ESC is the Esc key when no byte follows within this (a sequence arrives at once). */
#define KEYS_ESC_WAIT_US 60000

struct keys_vt {
    uint8_t state;
    unsigned arg;
    uint64_t esc_us;        /* when the ESC came */
    int pending;            /* a byte that ended a lone ESC, read on the next call; -1: none */
    bool after_cr;          /* CR LF is one Enter */
};

void keys_vt_init(struct keys_vt *d);

/* Feeds one byte (or -1: none arrived) at now_us; returns a key or KEY_NONE. */
int keys_vt_feed(struct keys_vt *d, int byte, uint64_t now_us);

#endif
