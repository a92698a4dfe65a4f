/* VGA text mode: the cells at 0xB8000 as a textcon surface, netplant's font in plane 2. */
#ifndef DRIVERS_VIDEO_VGATEXT_H
#define DRIVERS_VIDEO_VGATEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/video/font.h"
#include "kernel/textcon.h"

struct vgatext {
    volatile uint16_t *cells;   /* character | attribute << 8, row by row */
    unsigned rows, cols;
    unsigned char_height;       /* pixel rows per cell, from the CRTC */
    bool own_font;              /* font loaded into plane 2 */
};

/*
 * Takes over a text mode already set (by the BIOS, or GRUB's EGA text framebuffer): cells at
 * addr (below 4 GiB), cols x rows. Loads font when it has the mode's cell height, hides the
 * cursor. Returns 0 or -NP_EINVAL.
 */
int vgatext_init(struct vgatext *v, uint64_t addr, unsigned cols, unsigned rows, const struct font *font);

extern const struct textcon_surface_ops vgatext_surface_ops;

#endif
