/*
 * The screen as a console back-end: VGA text mode, or a linear framebuffer in any direct-colour
 * format, whichever the loader left (Multiboot2 framebuffer tag, section 3.6.12; Multiboot1
 * framebuffer fields; without either on a BIOS machine, the text mode the BIOS data area names).
 */
#ifndef DRIVERS_VIDEO_SCREEN_H
#define DRIVERS_VIDEO_SCREEN_H

#include "kernel/bootinfo.h"

/*
 * Finds the screen and registers it with the console. Returns 0, -NP_ENODEV (no screen) or
 * -NP_ENOTSUP (a framebuffer netplant cannot draw on, or one above 4 GiB before paging_map
 * can work: call again after the page allocator is up). Once attached, further calls return 0.
 */
int screen_init(const struct boot_info *bi);

/* One line for the log: "screen: ..." what was found, or why none. */
void screen_describe(const struct boot_info *bi, int err);

#endif
