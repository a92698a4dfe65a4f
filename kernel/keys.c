/* Terminal input bytes to keys (keys.h). */
#include "kernel/keys.h"

enum { VT_PLAIN, VT_ESC, VT_CSI, VT_SS3 };

#define ARG_MAX 1000

void keys_vt_init(struct keys_vt *d)
{
    *d = (struct keys_vt){ .pending = -1 };
}

/* The final byte of CSI or SS3: cursor keys, Home/End, and CSI n ~ (1/7 Home, 4/8 End, 3 Delete). */
static int vt_final(unsigned arg, int c)
{
    switch (c) {
    case 'A': return KEY_UP;
    case 'B': return KEY_DOWN;
    case 'C': return KEY_RIGHT;
    case 'D': return KEY_LEFT;
    case 'H': return KEY_HOME;
    case 'F': return KEY_END;
    case '~':
        if (arg == 1 || arg == 7)
            return KEY_HOME;
        if (arg == 4 || arg == 8)
            return KEY_END;
        return arg == 3 ? KEY_DELETE : KEY_NONE;
    default: return KEY_NONE;
    }
}

static int vt_plain(struct keys_vt *d, int c, uint64_t now_us)
{
    bool after_cr = d->after_cr;
    d->after_cr = c == '\r';
    if (c == 0x1B) {
        d->state = VT_ESC, d->esc_us = now_us;
        return KEY_NONE;
    }
    if (c == '\r' || (c == '\n' && !after_cr))
        return KEY_ENTER;
    if (c == 0x7F || c == 0x08)
        return KEY_BACKSPACE;
    if (c == '\t' || c == KEY_KILL || (c >= 0x20 && c < 0x7F))
        return c;
    return KEY_NONE;
}

int keys_vt_feed(struct keys_vt *d, int byte, uint64_t now_us)
{
    if (byte < 0 && d->pending >= 0 && d->state == VT_PLAIN) {
        byte = d->pending;
        d->pending = -1;
    }
    switch (d->state) {
    case VT_ESC:
        if (byte < 0) {
            if (now_us - d->esc_us < KEYS_ESC_WAIT_US)
                return KEY_NONE;
            d->state = VT_PLAIN;
            return KEY_ESC;
        }
        d->arg = 0;
        if (byte == '[' || byte == 'O') {
            d->state = byte == '[' ? VT_CSI : VT_SS3;
            return KEY_NONE;
        }
        d->state = VT_PLAIN;    /* ESC then a plain byte: the Esc key, and the byte after it */
        d->pending = byte;
        return KEY_ESC;
    case VT_CSI:
    case VT_SS3:
        if (byte < 0)
            return KEY_NONE;
        if (byte >= '0' && byte <= '9' && d->state == VT_CSI) {
            d->arg = d->arg * 10 + (unsigned)(byte - '0') > ARG_MAX ? ARG_MAX : d->arg * 10 + (unsigned)(byte - '0');
            return KEY_NONE;
        }
        if (byte == ';' || (byte >= 0x20 && byte < 0x40))
            return KEY_NONE;    /* parameters we do not use (modifiers) */
        d->state = VT_PLAIN;
        return vt_final(d->arg, byte);
    default:
        return byte < 0 ? KEY_NONE : vt_plain(d, byte, now_us);
    }
}
