/*
 * VGA text mode as the BIOS or GRUB left it (mode 3: 80x25 cells of character + attribute at
 * 0xB8000). netplant loads its own font into plane 2, so the screen shows the same Terminus
 * glyphs as the framebuffer console, and drives the hardware cursor. Register names and the
 * plane-2 access sequence: IBM VGA Technical Reference, "Sequencer", "Graphics Controller".
 */
#include "drivers/video/vgatext.h"

#include "arch/x86_64/cpu.h"
#include "kernel/errno.h"

#define SEQ_INDEX       0x3C4
#define GC_INDEX        0x3CE
#define MISC_READ       0x3CC
#define CRTC_COLOUR     0x3D4   /* 0x3B4 when the misc output register selects mono */
#define MISC_IO_COLOUR  0x01

#define SEQ_RESET       0x00
#define SEQ_MAP_MASK    0x02    /* planes the CPU writes */
#define SEQ_MEM_MODE    0x04
#define GC_READ_MAP     0x04
#define GC_MODE         0x05
#define GC_MISC         0x06
#define CRTC_MAX_SCAN   0x09    /* low 5 bits: character height - 1 */
#define CRTC_CUR_START  0x0A
#define CRTC_CUR_END    0x0B
#define CRTC_CUR_HI     0x0E
#define CRTC_CUR_LO     0x0F
#define CUR_DISABLE     0x20

#define PLANE2_WINDOW   0xA0000 /* where plane 2 shows while GC_MISC maps 64 KiB at A0000 */
#define GLYPH_STRIDE    32      /* plane 2 keeps 32 bytes per character */

static uint16_t crtc_port(void)
{
    return (inb(MISC_READ) & MISC_IO_COLOUR) ? CRTC_COLOUR : CRTC_COLOUR - 0x20;
}

static void reg_write(uint16_t port, uint8_t index, uint8_t v)
{
    outb(port, index);
    outb((uint16_t)(port + 1), v);
}

static uint8_t reg_read(uint16_t port, uint8_t index)
{
    outb(port, index);
    return inb((uint16_t)(port + 1));
}

/*
 * Plane 2 holds the font. Text mode interleaves planes 0/1 (odd/even) at B8000; for the copy,
 * the sequencer writes plane 2 only, sequentially, and the graphics controller maps it at
 * A0000. Then text mode's settings come back.
 */
static void vgatext_load_font(const struct font *font)
{
    volatile uint8_t *plane = (volatile uint8_t *)(uintptr_t)PLANE2_WINDOW;
    reg_write(SEQ_INDEX, SEQ_RESET, 0x01);      /* synchronous reset while the map changes */
    reg_write(SEQ_INDEX, SEQ_MAP_MASK, 0x04);   /* plane 2 */
    reg_write(SEQ_INDEX, SEQ_MEM_MODE, 0x07);   /* sequential, extended memory */
    reg_write(SEQ_INDEX, SEQ_RESET, 0x03);
    reg_write(GC_INDEX, GC_READ_MAP, 0x02);
    reg_write(GC_INDEX, GC_MODE, 0x00);         /* no odd/even */
    reg_write(GC_INDEX, GC_MISC, 0x04);         /* A0000, 64 KiB, text */
    for (unsigned c = 0; c < 256; c++)
        for (unsigned y = 0; y < GLYPH_STRIDE; y++)
            plane[c * GLYPH_STRIDE + y] = y < font->height ? font->glyphs[c * font->height + y] : 0;
    reg_write(SEQ_INDEX, SEQ_RESET, 0x01);
    reg_write(SEQ_INDEX, SEQ_MAP_MASK, 0x03);   /* planes 0 and 1: characters and attributes */
    reg_write(SEQ_INDEX, SEQ_MEM_MODE, 0x03);   /* odd/even, extended memory */
    reg_write(SEQ_INDEX, SEQ_RESET, 0x03);
    reg_write(GC_INDEX, GC_READ_MAP, 0x00);
    reg_write(GC_INDEX, GC_MODE, 0x10);         /* odd/even */
    reg_write(GC_INDEX, GC_MISC, 0x0E);         /* B8000, 32 KiB, odd/even chained, text */
}

static void vga_put(void *ctx, unsigned row, unsigned col, uint8_t glyph, uint8_t attr)
{
    struct vgatext *v = ctx;
    if (row < v->rows && col < v->cols)
        v->cells[row * v->cols + col] = (uint16_t)(glyph | attr << 8);
}

static void vga_clear(void *ctx, unsigned row, unsigned col, unsigned n, uint8_t attr)
{
    struct vgatext *v = ctx;
    for (unsigned i = 0; i < n && col + i < v->cols && row < v->rows; i++)
        v->cells[row * v->cols + col + i] = (uint16_t)(' ' | (attr & 0x70) << 8);
}

static void vga_scroll(void *ctx, uint8_t attr)
{
    struct vgatext *v = ctx;
    for (unsigned i = 0; i < (v->rows - 1) * v->cols; i++)
        v->cells[i] = v->cells[i + v->cols];
    vga_clear(v, v->rows - 1, 0, v->cols, attr);
}

static void vga_cursor(void *ctx, unsigned row, unsigned col, bool show)
{
    struct vgatext *v = ctx;
    uint16_t crtc = crtc_port(), pos = (uint16_t)(row * v->cols + col);
    if (!show) {
        reg_write(crtc, CRTC_CUR_START, CUR_DISABLE);
        return;
    }
    reg_write(crtc, CRTC_CUR_HI, (uint8_t)(pos >> 8));
    reg_write(crtc, CRTC_CUR_LO, (uint8_t)pos);
    reg_write(crtc, CRTC_CUR_START, (uint8_t)(v->char_height - 2));     /* an underline */
    reg_write(crtc, CRTC_CUR_END, (uint8_t)(v->char_height - 1));
}

const struct textcon_surface_ops vgatext_surface_ops = {
    .put = vga_put,
    .clear = vga_clear,
    .scroll = vga_scroll,
    .cursor = vga_cursor,
};

int vgatext_init(struct vgatext *v, uint64_t addr, unsigned cols, unsigned rows, const struct font *font)
{
    if (!cols || !rows || cols > 256 || rows > 128 || addr + 2ull * cols * rows > (1ull << 32))
        return -NP_EINVAL;
    uint16_t crtc = crtc_port();
    *v = (struct vgatext){ (volatile uint16_t *)(uintptr_t)addr, rows, cols,
                           (reg_read(crtc, CRTC_MAX_SCAN) & 0x1F) + 1u, false };
    /* Only a font of the mode's own height fits its cells; else the BIOS's stays. */
    if (font->width == 8 && font->height == v->char_height) {
        vgatext_load_font(font);
        v->own_font = true;
    }
    reg_write(crtc, CRTC_CUR_START, CUR_DISABLE);
    return 0;
}
