/* The text console's state machine (textcon.h): cursor, wrap, scroll, status line, CSI. */
#include "kernel/textcon.h"

enum { ESC_NONE, ESC_ESC, ESC_CSI };

#define ESC         0x1B
#define ARG_MAX     9999        /* a runaway number stays a number */
#define TAB         8

/* SGR's colour order (ECMA-48: black red green yellow blue magenta cyan white) to VGA's. */
static const uint8_t sgr_to_vga[8] = { TC_BLACK, TC_RED, TC_GREEN, TC_BROWN, TC_BLUE, TC_MAGENTA, TC_CYAN, TC_GREY };

static uint8_t attr_now(const struct textcon *t)
{
    unsigned fg = t->sgr_fg >= 0 ? (unsigned)t->sgr_fg : t->base_attr & 0x0Fu;
    unsigned bg = t->sgr_bg >= 0 ? (unsigned)t->sgr_bg : (t->base_attr >> 4) & 0x07u;
    if (t->bold)
        fg |= 0x08;
    if (t->reverse)
        return TEXTCON_ATTR(bg, fg & 0x07);
    return TEXTCON_ATTR(fg, bg);
}

static void sgr_reset(struct textcon *t)
{
    t->sgr_fg = t->sgr_bg = -1;
    t->bold = t->reverse = false;
}

static void cursor_show(struct textcon *t, bool show)
{
    if (t->ops->cursor && t->cursor_on)
        t->ops->cursor(t->ctx, t->row, t->col, show);
}

static void newline(struct textcon *t)
{
    t->col = 0;
    t->wrap_pending = false;
    if (t->row + 1 < t->rows)
        t->row++;
    else
        t->ops->scroll(t->ctx, attr_now(t));
}

static void put_glyph(struct textcon *t, uint8_t g)
{
    if (t->wrap_pending)
        newline(t);
    t->ops->put(t->ctx, t->row, t->col, g, attr_now(t));
    if (t->col + 1 < t->cols)
        t->col++;
    else
        t->wrap_pending = true;
}

static void clear_screen(struct textcon *t, unsigned from_row)
{
    for (unsigned r = from_row; r < t->rows; r++)
        t->ops->clear(t->ctx, r, 0, t->cols, attr_now(t));
}

static unsigned arg(const struct textcon *t, unsigned i, unsigned dflt)
{
    return i < t->nargs && t->args[i] ? t->args[i] : dflt;
}

static void csi_sgr(struct textcon *t)
{
    if (t->nargs == 0)
        sgr_reset(t);
    for (unsigned i = 0; i < t->nargs; i++) {
        unsigned a = t->args[i];
        if (a == 0)
            sgr_reset(t);
        else if (a == 1 || a == 22)
            t->bold = a == 1;
        else if (a == 7 || a == 27)
            t->reverse = a == 7;
        else if (a >= 30 && a <= 37)
            t->sgr_fg = sgr_to_vga[a - 30];
        else if (a == 39)
            t->sgr_fg = -1;
        else if (a >= 40 && a <= 47)
            t->sgr_bg = sgr_to_vga[a - 40];
        else if (a == 49)
            t->sgr_bg = -1;
    }
}

static void csi_erase_line(struct textcon *t, unsigned mode)
{
    if (mode == 0)
        t->ops->clear(t->ctx, t->row, t->col, t->cols - t->col, attr_now(t));
    else if (mode == 1)
        t->ops->clear(t->ctx, t->row, 0, t->col + 1, attr_now(t));
    else if (mode == 2)
        t->ops->clear(t->ctx, t->row, 0, t->cols, attr_now(t));
}

static void csi_run(struct textcon *t, char final)
{
    unsigned n = arg(t, 0, 1);
    if (final != 'm' && final != 'K')
        t->wrap_pending = false;
    switch (final) {
    case 'A': t->row = t->row >= n ? t->row - n : 0; break;
    case 'B': t->row = t->row + n < t->rows ? t->row + n : t->rows - 1; break;
    case 'C': t->col = t->col + n < t->cols ? t->col + n : t->cols - 1; break;
    case 'D': t->col = t->col >= n ? t->col - n : 0; break;
    case 'H':
    case 'f':
        t->row = arg(t, 0, 1) <= t->rows ? arg(t, 0, 1) - 1 : t->rows - 1;
        t->col = arg(t, 1, 1) <= t->cols ? arg(t, 1, 1) - 1 : t->cols - 1;
        break;
    case 'K': csi_erase_line(t, t->nargs ? t->args[0] : 0); break;
    case 'J':
        if (arg(t, 0, 0) >= 2)
            clear_screen(t, 0);
        else if (arg(t, 0, 0) == 0)
            csi_erase_line(t, 0), clear_screen(t, t->row + 1);
        break;
    case 'm': csi_sgr(t); break;
    case 'h':
    case 'l':
        if (t->esc_private && arg(t, 0, 0) == 25)
            t->cursor_on = final == 'h';
        break;
    default: break;     /* a sequence we do not do is swallowed, not drawn */
    }
}

static void csi_byte(struct textcon *t, char c)
{
    if (c >= '0' && c <= '9') {
        if (t->nargs == 0)
            t->nargs = 1;
        unsigned *a = &t->args[t->nargs - 1];
        *a = *a * 10 + (unsigned)(c - '0') > ARG_MAX ? ARG_MAX : *a * 10 + (unsigned)(c - '0');
    } else if (c == ';') {
        if (t->nargs == 0)
            t->nargs = 1;
        if (t->nargs < sizeof(t->args) / sizeof(t->args[0]))
            t->args[t->nargs++] = 0;
    } else if (c == '?' && t->nargs == 0) {
        t->esc_private = true;
    } else if (c >= 0x40 && c <= 0x7E) {
        csi_run(t, c);
        t->esc = ESC_NONE;
    }
    /* intermediates (0x20-0x2F) and stray controls inside a sequence are dropped */
}

static void plain_byte(struct textcon *t, unsigned char c)
{
    if (c == ESC) {
        t->esc = ESC_ESC;
    } else if (c == '\n') {
        newline(t);
    } else if (c == '\r') {
        t->col = 0, t->wrap_pending = false;
    } else if (c == '\b') {
        t->wrap_pending = false;
        if (t->col)
            t->col--;
    } else if (c == '\t') {
        do
            put_glyph(t, ' ');
        while (t->col % TAB && !t->wrap_pending);
    } else if (c >= 0x20 && c < 0x7F) {
        put_glyph(t, c);
    } else if (c >= 0x80) {
        put_glyph(t, TEXTCON_GLYPH_BAD);
    }
    /* other C0 controls (BEL, ...) draw nothing */
}

static void byte_in(struct textcon *t, unsigned char c)
{
    if (t->esc == ESC_ESC) {
        /* ESC [ starts CSI; ESC, intermediates (0x20-0x2F), a final byte: swallowed whole. */
        t->esc = c == '[' ? ESC_CSI : (c >= 0x20 && c <= 0x2F) ? ESC_ESC : ESC_NONE;
        t->nargs = 0;
        t->esc_private = false;
        t->args[0] = 0;
    } else if (t->esc == ESC_CSI) {
        csi_byte(t, (char)c);
    } else {
        plain_byte(t, c);
    }
}

/* The status line gives its row back: blank, cursor at its start. */
static void status_end(struct textcon *t)
{
    if (!t->status)
        return;
    t->status = false;
    t->ops->clear(t->ctx, t->row, 0, t->cols, attr_now(t));
    t->col = 0;
    t->wrap_pending = false;
}

void textcon_init(struct textcon *t, const struct textcon_surface_ops *ops, void *ctx,
                  unsigned rows, unsigned cols)
{
    *t = (struct textcon){ .ops = ops, .ctx = ctx, .rows = rows ? rows : 1, .cols = cols ? cols : 1,
                           .base_attr = TEXTCON_ATTR(TC_GREY, TC_BLACK) };
    sgr_reset(t);
    clear_screen(t, 0);
}

void textcon_write(struct textcon *t, uint8_t attr, const char *s, size_t n)
{
    cursor_show(t, false);
    status_end(t);
    t->base_attr = attr;
    for (size_t i = 0; i < n; i++)
        byte_in(t, (unsigned char)s[i]);
    cursor_show(t, true);
}

void textcon_status(struct textcon *t, int permille, const char *s, size_t n)
{
    uint8_t attr = TEXTCON_ATTR(TC_GREY, TC_BLACK);
    unsigned c = 0;
    cursor_show(t, false);
    if (!t->status && (t->col || t->wrap_pending))
        newline(t);
    t->status = true;
    t->col = 0;
    if (permille >= 0) {
        unsigned full = (unsigned)(permille > 1000 ? 1000 : permille) * TEXTCON_BAR_CELLS / 1000;
        for (unsigned i = 0; i < TEXTCON_BAR_CELLS && c < t->cols; i++, c++)
            t->ops->put(t->ctx, t->row, c, i < full ? TEXTCON_GLYPH_FULL : TEXTCON_GLYPH_SHADE,
                        TEXTCON_ATTR(TC_LIGHT_GREEN, TC_BLACK));
        if (c < t->cols)
            t->ops->put(t->ctx, t->row, c++, ' ', attr);
    }
    for (size_t i = 0; i < n && c < t->cols; i++)
        if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7F)
            t->ops->put(t->ctx, t->row, c++, (uint8_t)s[i], attr);
    if (c < t->cols)
        t->ops->clear(t->ctx, t->row, c, t->cols - c, attr);
    cursor_show(t, true);
}
