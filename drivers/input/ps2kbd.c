/* Scan code set 1 to keys (ps2kbd.h); the table is IBM PC/AT's, US layout. */
#include "drivers/input/ps2kbd.h"

#include "kernel/keys.h"

#define BREAK       0x80
#define PREFIX_E0   0xE0
#define PREFIX_E1   0xE1    /* Pause: E1 1D 45 E1 9D C5 */
#define SC_LCTRL    0x1D
#define SC_LSHIFT   0x2A
#define SC_RSHIFT   0x36
#define SC_CAPS     0x3A

/* Codes 0x00-0x39: unshifted, then shifted. 0 where the key has no character. */
static const char plain[0x3A] =
    "\0\x1b" "1234567890-=\b\t" "qwertyuiop[]\n\0" "asdfghjkl;'`\0\\" "zxcvbnm,./\0*\0 ";
static const char shifted[0x3A] =
    "\0\x1b" "!@#$%^&*()_+\b\t" "QWERTYUIOP{}\n\0" "ASDFGHJKL:\"~\0|" "ZXCVBNM<>?\0*\0 ";

void ps2kbd_init(struct ps2kbd *k)
{
    *k = (struct ps2kbd){ 0 };
}

/* The cursor block, and the keypad's navigation keys (Num Lock off, as at power-on). */
static int nav_key(uint8_t code)
{
    switch (code) {
    case 0x48: return KEY_UP;
    case 0x50: return KEY_DOWN;
    case 0x4B: return KEY_LEFT;
    case 0x4D: return KEY_RIGHT;
    case 0x47: return KEY_HOME;
    case 0x4F: return KEY_END;
    case 0x53: return KEY_DELETE;
    default: return KEY_NONE;
    }
}

static bool modifier(struct ps2kbd *k, uint8_t make, bool down, bool e0)
{
    if (make == SC_LSHIFT && !e0)
        k->lshift = down;
    else if (make == SC_RSHIFT && !e0)
        k->rshift = down;
    else if (make == SC_LCTRL)
        k->ctrl = down;     /* left (plain) or right (E0) Ctrl */
    else if (make == SC_CAPS && !e0)
        k->caps ^= down;
    else
        return false;
    return true;
}

static int char_key(const struct ps2kbd *k, uint8_t make)
{
    char c = (k->lshift || k->rshift) ? shifted[make] : plain[make];
    if (c >= 'a' && c <= 'z' && k->caps)
        c = (char)(c - 'a' + 'A');
    else if (c >= 'A' && c <= 'Z' && k->caps)
        c = (char)(c - 'A' + 'a');
    if (k->ctrl)
        return c == 'u' || c == 'U' ? KEY_KILL : KEY_NONE;
    return c ? (unsigned char)c : KEY_NONE;
}

int ps2kbd_feed(struct ps2kbd *k, uint8_t code)
{
    if (k->skip) {
        k->skip--;
        return KEY_NONE;
    }
    if (code == PREFIX_E0) {
        k->e0 = true;
        return KEY_NONE;
    }
    if (code == PREFIX_E1) {
        k->skip = 5;
        return KEY_NONE;
    }
    bool e0 = k->e0, down = !(code & BREAK);
    uint8_t make = code & (uint8_t)~BREAK;
    k->e0 = false;
    if (modifier(k, make, down, e0) || !down)
        return KEY_NONE;
    if (e0)
        return make == 0x1C ? KEY_ENTER : make == 0x35 ? '/' : nav_key(make);
    int nav = nav_key(make);
    if (nav != KEY_NONE)
        return nav;
    return make < sizeof(plain) ? char_key(k, make) : KEY_NONE;
}
