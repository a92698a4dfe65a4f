/*
 * Text on a linear framebuffer (pure): glyphs of a bitmap font drawn as pixels in whatever
 * format the loader set (Multiboot2 "direct RGB" framebuffer info, section 3.6.12: bits per
 * pixel, and each channel's position and size), scrolling by moving pixel rows. It touches
 * nothing but the memory it is given, so the host tests run it on a buffer.
 */
#ifndef DRIVERS_VIDEO_FBTEXT_H
#define DRIVERS_VIDEO_FBTEXT_H

#include <stdint.h>

#include "drivers/video/font.h"
#include "kernel/textcon.h"

struct fb_format {
    uint8_t bpp;            /* 15, 16, 24 or 32 */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct fbtext {
    uint8_t *base;
    uint32_t pitch, width, height;      /* bytes per line; pixels */
    unsigned bytes_pp;
    const struct font *font;
    uint32_t pixel[16];     /* the 16 text colours as pixel values */
    unsigned rows, cols;
};

/*
 * Returns 0, or -NP_ENOTSUP for a pixel format it cannot draw (palette, under 15 bits, a
 * channel outside the pixel) and -NP_EINVAL for a framebuffer smaller than one glyph or a
 * pitch shorter than a line.
 */
int fbtext_init(struct fbtext *f, void *base, uint32_t pitch, uint32_t width, uint32_t height,
                const struct fb_format *fmt, const struct font *font);

/* The 16 text colours (VGA's default palette) as 0xRRGGBB. */
extern const uint32_t fbtext_rgb[16];

/* textcon's surface over a struct fbtext (ctx); the cursor is two inverted pixel rows. */
extern const struct textcon_surface_ops fbtext_surface_ops;

#endif
