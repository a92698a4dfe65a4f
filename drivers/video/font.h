/*
 * The console font: 256 glyphs of a PSF font from Debian's console-setup-linux (Terminus),
 * converted at build time by tools/psf2c into font_console.c in the build tree. Glyph codes
 * are textcon's (kernel/textcon.h): ASCII at its own codes, the progress bar's two blocks at
 * 0x80 and 0x81, anything the font lacks drawn as '?'.
 */
#ifndef DRIVERS_VIDEO_FONT_H
#define DRIVERS_VIDEO_FONT_H

#include <stdint.h>

struct font {
    uint8_t width, height;      /* pixels; width at most 16 */
    uint8_t row_bytes;          /* (width + 7) / 8 */
    const uint8_t *glyphs;      /* 256 glyphs of height * row_bytes bytes, leftmost pixel in the MSB */
};

extern const struct font font_console;

#endif
