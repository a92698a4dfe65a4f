/* The screen console back-end (screen.h): finds VGA text or a framebuffer, draws the log on it. */
#include "drivers/video/screen.h"

#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "drivers/video/fbtext.h"
#include "drivers/video/vgatext.h"
#include "kernel/console.h"
#include "kernel/errno.h"

#define FB_TYPE_RGB     1
#define FB_TYPE_TEXT    2
#define BDA_BASE        0x400   /* BIOS data area */
#define BDA_LEN         0x100
#define BDA_VIDEO_MODE  0x49    /* current video mode */
#define BDA_COLUMNS     0x4A    /* u16 */
#define BDA_ROWS_M1     0x84    /* rows - 1 (EGA and later) */
#define VGA_MISC_READ   0x3CC   /* reads 0xFF where no VGA decodes it */
#define FOUR_GIB        (1ull << 32)

static struct {
    bool attached;
    struct textcon tc;
    struct vgatext vga;
    struct fbtext fb;
} screen;

/* Errors red, warnings yellow, debug dim, the rest light grey. */
static uint8_t level_attr(int level)
{
    if (level <= LOG_ERR)
        return TEXTCON_ATTR(TC_LIGHT_RED, TC_BLACK);
    if (level == LOG_WARN)
        return TEXTCON_ATTR(TC_YELLOW, TC_BLACK);
    if (level >= LOG_DEBUG)
        return TEXTCON_ATTR(TC_DARK_GREY, TC_BLACK);
    return TEXTCON_ATTR(TC_GREY, TC_BLACK);
}

static void screen_write(void *ctx, int level, const char *s, size_t n)
{
    textcon_write(ctx, level_attr(level), s, n);
}

static void screen_status(void *ctx, int permille, const char *s, size_t n)
{
    textcon_status(ctx, permille, s, n);
}

static const struct console_backend screen_backend = {
    CONSOLE_SCREEN, screen_write, screen_status, &screen.tc,
};

/* Text mode without a loader's word for it: only where a BIOS left one (Multiboot1 loaders). */
static bool bios_text_mode(unsigned *cols, unsigned *rows, uint64_t *addr)
{
    const volatile uint8_t *bda = phys_map(NULL, BDA_BASE, BDA_LEN);
    if (!bda)
        return false;
    uint8_t mode = bda[BDA_VIDEO_MODE];
    if ((mode != 2 && mode != 3 && mode != 7) || inb(VGA_MISC_READ) == 0xFF)
        return false;
    *cols = bda[BDA_COLUMNS] | (unsigned)bda[BDA_COLUMNS + 1] << 8;
    *rows = bda[BDA_ROWS_M1] + 1u;
    if (*rows == 1)
        *rows = 25;
    *addr = mode == 7 ? 0xB0000 : 0xB8000;
    return true;
}

static int attach_text(uint64_t addr, unsigned cols, unsigned rows)
{
    int err = vgatext_init(&screen.vga, addr, cols, rows, &font_console);
    if (err)
        return err;
    textcon_init(&screen.tc, &vgatext_surface_ops, &screen.vga, rows, cols);
    return 0;
}

static int attach_fb(const struct boot_fb *f)
{
    uint64_t len = (uint64_t)f->pitch * f->height;
    if (f->addr + len > FOUR_GIB && paging_map(f->addr, len, false))
        return -NP_ENOTSUP;
    struct fb_format fmt = { f->bpp, f->red_pos, f->red_size, f->green_pos, f->green_size,
                             f->blue_pos, f->blue_size };
    int err = fbtext_init(&screen.fb, (void *)(uintptr_t)f->addr, f->pitch, f->width, f->height, &fmt,
                          &font_console);
    if (err)
        return err;
    textcon_init(&screen.tc, &fbtext_surface_ops, &screen.fb, screen.fb.rows, screen.fb.cols);
    return 0;
}

int screen_init(const struct boot_info *bi)
{
    unsigned cols, rows;
    uint64_t addr;
    int err;
    if (screen.attached)
        return 0;
    if (bi->have_fb && bi->fb.type == FB_TYPE_TEXT)
        err = attach_text(bi->fb.addr, bi->fb.width, bi->fb.height);
    else if (bi->have_fb && bi->fb.type == FB_TYPE_RGB)
        err = attach_fb(&bi->fb);
    else if (bi->have_fb)
        err = -NP_ENOTSUP;      /* indexed colour: no loader netplant knows sets it */
    else if (bi->proto == BOOT_MB1 && bios_text_mode(&cols, &rows, &addr))
        err = attach_text(addr, cols, rows);
    else
        err = -NP_ENODEV;
    if (err)
        return err;
    screen.attached = true;
    return console_register(&screen_backend);
}

void screen_describe(const struct boot_info *bi, int err)
{
    const struct boot_fb *f = &bi->fb;
    if (err == -NP_ENODEV)
        log_info("screen: none (the console is the serial port only)\n");
    else if (err)
        log_warn("screen: framebuffer %ux%u, %u bits per pixel, type %u at %#llx: not usable (%s)\n",
                 f->width, f->height, f->bpp, f->type, (unsigned long long)f->addr, np_strerror(err));
    else if (screen.tc.ops == &fbtext_surface_ops)
        log_info("screen: framebuffer %ux%u, %u bits per pixel (red %u@%u, green %u@%u, blue %u@%u) "
                 "at %#llx: %ux%u text\n", f->width, f->height, f->bpp, f->red_size, f->red_pos,
                 f->green_size, f->green_pos, f->blue_size, f->blue_pos, (unsigned long long)f->addr,
                 screen.tc.cols, screen.tc.rows);
    else
        log_info("screen: VGA text %ux%u at %#llx, %s font\n", screen.vga.cols, screen.vga.rows,
                 (unsigned long long)(uintptr_t)screen.vga.cells,
                 screen.vga.own_font ? "netplant's" : "the BIOS's");
}
