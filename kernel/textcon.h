/*
 * A text console on a grid of character cells: a cursor, line wrap, scrolling, one updating
 * status line (the install's progress bar), and the few ECMA-48 (VT100) sequences netplant's
 * own output uses. It keeps no cells of its own: it draws through a surface (VGA text memory
 * or a framebuffer, drivers/video/), so it is pure and host-tested against a fake surface.
 *
 * Sequences understood (ECMA-48 section 8.3): CSI n A/B/C/D (cursor up/down/forward/back),
 * CSI r;c H (position, 1-based), CSI K (erase to the end of the line), CSI 2 J (erase the
 * screen), CSI ... m (SGR: 0 reset, 1 bold, 7 reverse, 22, 27, 30-37, 39, 40-47, 49),
 * CSI ? 25 h / l (show / hide the cursor). Others are swallowed whole, never drawn.
 */
#ifndef KERNEL_TEXTCON_H
#define KERNEL_TEXTCON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Cell contents: a glyph code and a VGA attribute byte (foreground in bits 0-3, background in
 * bits 4-6). Glyph codes 0x20-0x7E are ASCII; the progress bar's two blocks sit where code
 * page 437 has them, so VGA text shows them even with the BIOS's own font (and 0xDB is in
 * VGA's line-graphics range, whose ninth pixel column repeats the eighth: a bar without gaps).
 */
#define TEXTCON_GLYPH_FULL  0xDB    /* full block */
#define TEXTCON_GLYPH_SHADE 0xB0    /* light shade */
#define TEXTCON_GLYPH_BAD   '?'     /* any byte the font does not have */

enum textcon_colour {
    TC_BLACK, TC_BLUE, TC_GREEN, TC_CYAN, TC_RED, TC_MAGENTA, TC_BROWN, TC_GREY,
    TC_DARK_GREY, TC_LIGHT_BLUE, TC_LIGHT_GREEN, TC_LIGHT_CYAN, TC_LIGHT_RED, TC_PINK, TC_YELLOW, TC_WHITE,
};
#define TEXTCON_ATTR(fg, bg) ((uint8_t)((fg) | ((bg) << 4)))

struct textcon_surface_ops {
    void (*put)(void *ctx, unsigned row, unsigned col, uint8_t glyph, uint8_t attr);
    /* n blank cells from (row, col) in attr's background. */
    void (*clear)(void *ctx, unsigned row, unsigned col, unsigned n, uint8_t attr);
    /* Everything one row up; the last row blank in attr's background. */
    void (*scroll)(void *ctx, uint8_t attr);
    /* Shows the cursor at (row, col), or hides it (show false). NULL: no cursor. */
    void (*cursor)(void *ctx, unsigned row, unsigned col, bool show);
};

struct textcon {
    const struct textcon_surface_ops *ops;
    void *ctx;
    unsigned rows, cols;
    unsigned row, col;
    bool wrap_pending;      /* the last column was written: wrap before the next glyph */
    uint8_t base_attr;      /* the caller's colour for this write (the log level's) */
    int8_t sgr_fg, sgr_bg;  /* what SGR set; -1: base_attr's */
    bool bold, reverse;
    bool cursor_on;         /* CSI ? 25 h */
    bool status;            /* the status line occupies row `row`, cursor at its column 0 */
    uint8_t esc;            /* escape parser state */
    bool esc_private;       /* CSI ? ... */
    unsigned args[4], nargs;
};

/* rows and cols at least 1. Clears the surface. */
void textcon_init(struct textcon *t, const struct textcon_surface_ops *ops, void *ctx,
                  unsigned rows, unsigned cols);

/* Bytes of output in attr (the caller's colour; SGR sequences in s change it until reset). */
void textcon_write(struct textcon *t, uint8_t attr, const char *s, size_t n);

/*
 * The status line: a bar of permille (0-1000; negative: no bar) and text, drawn on the
 * cursor's row in place of the previous status line. The next textcon_write takes the row.
 */
void textcon_status(struct textcon *t, int permille, const char *s, size_t n);

#define TEXTCON_BAR_CELLS 24

#endif
