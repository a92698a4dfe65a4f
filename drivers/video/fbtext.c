/* Text on a linear framebuffer (fbtext.h): glyphs as pixels in any direct-colour format. */
#include "drivers/video/fbtext.h"

#include "kernel/errno.h"
#include "kernel/string.h"

#define CURSOR_LINES 2      /* pixel rows of the cursor, at the bottom of its cell */

const uint32_t fbtext_rgb[16] = {
    0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500, 0xAAAAAA,
    0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF,
};

/* An 8-bit channel value scaled to size bits at pos. */
static uint32_t channel(uint32_t v8, uint8_t pos, uint8_t size)
{
    return (v8 >> (8 - size)) << pos;
}

static bool channel_ok(uint8_t pos, uint8_t size, uint8_t bits)
{
    return size >= 1 && size <= 8 && pos + size <= bits;
}

int fbtext_init(struct fbtext *f, void *base, uint32_t pitch, uint32_t width, uint32_t height,
                const struct fb_format *fmt, const struct font *font)
{
    unsigned bits = fmt->bpp == 15 ? 16 : fmt->bpp;
    if (bits != 16 && bits != 24 && bits != 32)
        return -NP_ENOTSUP;
    if (!channel_ok(fmt->red_pos, fmt->red_size, (uint8_t)bits) ||
        !channel_ok(fmt->green_pos, fmt->green_size, (uint8_t)bits) ||
        !channel_ok(fmt->blue_pos, fmt->blue_size, (uint8_t)bits))
        return -NP_ENOTSUP;
    if (!font->width || font->width > 16 || !font->height || width < font->width ||
        height < font->height || pitch / (bits / 8) < width)
        return -NP_EINVAL;
    *f = (struct fbtext){ .base = base, .pitch = pitch, .width = width, .height = height,
                          .bytes_pp = bits / 8, .font = font,
                          .rows = height / font->height, .cols = width / font->width };
    for (unsigned i = 0; i < 16; i++) {
        uint32_t rgb = fbtext_rgb[i];
        f->pixel[i] = channel(rgb >> 16 & 0xFF, fmt->red_pos, fmt->red_size) |
                      channel(rgb >> 8 & 0xFF, fmt->green_pos, fmt->green_size) |
                      channel(rgb & 0xFF, fmt->blue_pos, fmt->blue_size);
    }
    return 0;
}

/* Little-endian, byte by byte: 24-bit pixels have no aligned word to store. */
static void pixel_store(uint8_t *p, unsigned bytes_pp, uint32_t v)
{
    for (unsigned i = 0; i < bytes_pp; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint8_t *cell_origin(const struct fbtext *f, unsigned row, unsigned col)
{
    return f->base + (size_t)row * f->font->height * f->pitch + (size_t)col * f->font->width * f->bytes_pp;
}

static void fb_put(void *ctx, unsigned row, unsigned col, uint8_t glyph, uint8_t attr)
{
    struct fbtext *f = ctx;
    const struct font *ft = f->font;
    if (row >= f->rows || col >= f->cols)
        return;
    const uint8_t *g = ft->glyphs + (size_t)glyph * ft->height * ft->row_bytes;
    uint32_t fg = f->pixel[attr & 0x0F], bg = f->pixel[(attr >> 4) & 0x07];
    uint8_t *line = cell_origin(f, row, col);
    for (unsigned y = 0; y < ft->height; y++, line += f->pitch, g += ft->row_bytes)
        for (unsigned x = 0; x < ft->width; x++)
            pixel_store(line + x * f->bytes_pp, f->bytes_pp, (g[x / 8] & (0x80 >> (x % 8))) ? fg : bg);
}

static void fb_clear(void *ctx, unsigned row, unsigned col, unsigned n, uint8_t attr)
{
    struct fbtext *f = ctx;
    if (row >= f->rows || col >= f->cols)
        return;
    if (n > f->cols - col)
        n = f->cols - col;
    uint32_t bg = f->pixel[(attr >> 4) & 0x07];
    uint8_t *line = cell_origin(f, row, col);
    unsigned px = n * f->font->width;
    for (unsigned y = 0; y < f->font->height; y++, line += f->pitch)
        for (unsigned x = 0; x < px; x++)
            pixel_store(line + x * f->bytes_pp, f->bytes_pp, bg);
}

static void fb_scroll(void *ctx, uint8_t attr)
{
    struct fbtext *f = ctx;
    size_t row_bytes = (size_t)f->font->height * f->pitch;
    if (f->rows > 1)
        NP_STRFN(memmove)(f->base, f->base + row_bytes, (f->rows - 1) * row_bytes);
    fb_clear(f, f->rows - 1, 0, f->cols, attr);
}

/* Inverts the cell's bottom pixel rows: drawing it twice takes it away again. */
static void fb_cursor(void *ctx, unsigned row, unsigned col, bool show)
{
    struct fbtext *f = ctx;
    (void)show;
    if (row >= f->rows || col >= f->cols)
        return;
    unsigned lines = f->font->height < CURSOR_LINES ? f->font->height : CURSOR_LINES;
    uint8_t *line = cell_origin(f, row, col) + (size_t)(f->font->height - lines) * f->pitch;
    for (unsigned y = 0; y < lines; y++, line += f->pitch)
        for (unsigned x = 0; x < f->font->width * f->bytes_pp; x++)
            line[x] ^= 0xFF;
}

const struct textcon_surface_ops fbtext_surface_ops = {
    .put = fb_put,
    .clear = fb_clear,
    .scroll = fb_scroll,
    .cursor = fb_cursor,
};
