/* Framebuffer text in every pixel format a loader may set, with a small font of our own. */
#include <stdlib.h>

#include "drivers/video/fbtext.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"

/* A 4x3 font: glyph 'A' a diagonal, glyph 'B' the left column, the rest empty (5x2 rows of 4 px). */
#define FW 4
#define FH 3
static uint8_t glyphs[256 * FH];
static const struct font font = { FW, FH, 1, glyphs };

static void font_setup(void)
{
    memset(glyphs, 0, sizeof(glyphs));
    glyphs['A' * FH + 0] = 0x80, glyphs['A' * FH + 1] = 0x40, glyphs['A' * FH + 2] = 0x20;
    glyphs['B' * FH + 0] = glyphs['B' * FH + 1] = glyphs['B' * FH + 2] = 0x80;
}

static uint32_t pixel_at(const struct fbtext *f, unsigned x, unsigned y)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < f->bytes_pp; i++)
        v |= (uint32_t)f->base[y * f->pitch + x * f->bytes_pp + i] << (8 * i);
    return v;
}

struct fmt_case {
    struct fb_format fmt;
    uint32_t white, light_red;      /* colour 15 and 12 as pixels */
};

static const struct fmt_case formats[] = {
    { { 32, 16, 8, 8, 8, 0, 8 }, 0xFFFFFF, 0xFF5555 },          /* x8r8g8b8 (GOP BGRX) */
    { { 32, 0, 8, 8, 8, 16, 8 }, 0xFFFFFF, 0x5555FF },          /* x8b8g8r8 (GOP RGBX) */
    { { 24, 16, 8, 8, 8, 0, 8 }, 0xFFFFFF, 0xFF5555 },
    { { 16, 11, 5, 5, 6, 0, 5 }, 0xFFFF, (0x1F << 11) | (0x15 << 5) | 0x0A },       /* 565 */
    { { 15, 10, 5, 5, 5, 0, 5 }, 0x7FFF, (0x1F << 10) | (0x0A << 5) | 0x0A },       /* 555 */
};

static void test_formats(void)
{
    font_setup();
    for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
        const struct fmt_case *fc = &formats[k];
        unsigned bpp = fc->fmt.bpp == 15 ? 2 : fc->fmt.bpp / 8;
        uint32_t pitch = 10 * bpp + 6;      /* padded lines: nothing is drawn in the padding */
        uint8_t *mem = malloc(pitch * 7);
        memset(mem, 0xEE, pitch * 7);
        struct fbtext f;
        CHECK_EQ_I64(fbtext_init(&f, mem, pitch, 10, 7, &fc->fmt, &font), 0);
        CHECK_EQ_U64(f.cols, 2);            /* 10 / 4: the last 2 columns unused */
        CHECK_EQ_U64(f.rows, 2);            /* 7 / 3 */
        fbtext_surface_ops.put(&f, 1, 1, 'A', TEXTCON_ATTR(TC_WHITE, TC_BLACK));
        CHECK_EQ_U64(pixel_at(&f, 4, 3), fc->white);    /* the diagonal's first pixel */
        CHECK_EQ_U64(pixel_at(&f, 5, 3), 0);
        CHECK_EQ_U64(pixel_at(&f, 5, 4), fc->white);
        CHECK_EQ_U64(pixel_at(&f, 6, 5), fc->white);
        CHECK_EQ_U64(pixel_at(&f, 7, 5), 0);
        fbtext_surface_ops.put(&f, 0, 0, 'B', TEXTCON_ATTR(TC_LIGHT_RED, TC_BLUE));
        CHECK_EQ_U64(pixel_at(&f, 0, 2), fc->light_red);
        CHECK(pixel_at(&f, 1, 2) != 0 && pixel_at(&f, 1, 2) != fc->light_red);  /* blue */
        for (unsigned y = 0; y < 7; y++)
            for (unsigned i = 10 * bpp; i < pitch; i++)
                CHECK_EQ_U64(mem[y * pitch + i], 0xEE);
        CHECK_EQ_U64(pixel_at(&f, 8, 0) & 0xFF, 0xEE);    /* right of the last cell */
        CHECK_EQ_U64(pixel_at(&f, 0, 6) & 0xFF, 0xEE);    /* below the last row */
        free(mem);
    }
}

static void test_scroll_clear_cursor(void)
{
    font_setup();
    const struct fb_format fmt = { 32, 16, 8, 8, 8, 0, 8 };
    uint32_t pitch = 8 * 4;
    uint8_t *mem = calloc(pitch, 9);
    struct fbtext f;
    CHECK_EQ_I64(fbtext_init(&f, mem, pitch, 8, 9, &fmt, &font), 0);
    CHECK_EQ_U64(f.rows, 3);
    fbtext_surface_ops.put(&f, 1, 0, 'B', TEXTCON_ATTR(TC_WHITE, TC_BLACK));
    fbtext_surface_ops.put(&f, 2, 1, 'A', TEXTCON_ATTR(TC_WHITE, TC_BLACK));
    fbtext_surface_ops.scroll(&f, TEXTCON_ATTR(TC_GREY, TC_RED));
    CHECK_EQ_U64(pixel_at(&f, 0, 0), 0xFFFFFF);     /* 'B' moved up a row */
    CHECK_EQ_U64(pixel_at(&f, 4, 3), 0xFFFFFF);     /* 'A' too */
    CHECK_EQ_U64(pixel_at(&f, 7, 8), 0xAA0000);     /* the last row: the background given */
    fbtext_surface_ops.clear(&f, 0, 0, 99, TEXTCON_ATTR(TC_GREY, TC_BLACK));    /* cut at the width */
    CHECK_EQ_U64(pixel_at(&f, 0, 0), 0);
    uint8_t before[8 * 4 * 9];
    memcpy(before, mem, sizeof(before));
    uint32_t under = pixel_at(&f, 4, 5);        /* the cell's bottom pixel row */
    fbtext_surface_ops.cursor(&f, 1, 1, true);
    CHECK_EQ_U64(pixel_at(&f, 4, 5), under ^ 0xFFFFFFFFu);
    CHECK_EQ_U64(pixel_at(&f, 4, 3), 0xFFFFFF);   /* the glyph's top stays */
    fbtext_surface_ops.cursor(&f, 1, 1, false);
    CHECK(memcmp(before, mem, sizeof(before)) == 0);
    fbtext_surface_ops.put(&f, 5, 0, 'A', 0x0F);     /* outside: ignored */
    free(mem);
}

static void test_refused(void)
{
    uint8_t mem[64];
    struct fbtext f;
    const struct fb_format bad8 = { 8, 0, 3, 3, 3, 6, 2 };
    const struct fb_format outside = { 16, 12, 5, 5, 6, 0, 5 };     /* red past bit 15 */
    const struct fb_format wide = { 32, 16, 9, 8, 8, 0, 8 };
    const struct fb_format ok = { 32, 16, 8, 8, 8, 0, 8 };
    font_setup();
    CHECK_EQ_I64(fbtext_init(&f, mem, 16, 4, 3, &bad8, &font), -NP_ENOTSUP);
    CHECK_EQ_I64(fbtext_init(&f, mem, 16, 4, 3, &outside, &font), -NP_ENOTSUP);
    CHECK_EQ_I64(fbtext_init(&f, mem, 16, 4, 3, &wide, &font), -NP_ENOTSUP);
    CHECK_EQ_I64(fbtext_init(&f, mem, 12, 4, 3, &ok, &font), -NP_EINVAL);  /* pitch < a line */
    CHECK_EQ_I64(fbtext_init(&f, mem, 16, 3, 3, &ok, &font), -NP_EINVAL);  /* narrower than a glyph */
    CHECK_EQ_I64(fbtext_init(&f, mem, 16, 4, 2, &ok, &font), -NP_EINVAL);
    CHECK_EQ_I64(fbtext_init(&f, mem, 16, 4, 3, &ok, &font), 0);
}

int main(void)
{
    TEST_RUN(test_formats);
    TEST_RUN(test_scroll_clear_cursor);
    TEST_RUN(test_refused);
    return test_finish();
}
