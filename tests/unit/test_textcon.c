/* The text console's state machine against a fake surface: a grid of cells. */
#include "kernel/textcon.h"
#include "tests/unit/test.h"

#define ROWS 4
#define COLS 10

static struct fake {
    uint8_t glyph[ROWS][COLS], attr[ROWS][COLS];
    unsigned scrolls, cursor_shows, cursor_hides, cursor_row, cursor_col;
    bool cursor_on;
} fk;

static void f_put(void *ctx, unsigned r, unsigned c, uint8_t g, uint8_t a)
{
    (void)ctx;
    CHECK(r < ROWS && c < COLS);
    CHECK(!fk.cursor_on);   /* textcon hides the cursor before it draws */
    fk.glyph[r][c] = g, fk.attr[r][c] = a;
}

static void f_clear(void *ctx, unsigned r, unsigned c, unsigned n, uint8_t a)
{
    (void)ctx;
    CHECK(r < ROWS && c + n <= COLS);
    for (unsigned i = 0; i < n; i++)
        fk.glyph[r][c + i] = ' ', fk.attr[r][c + i] = a;
}

static void f_scroll(void *ctx, uint8_t a)
{
    (void)ctx;
    fk.scrolls++;
    memmove(fk.glyph[0], fk.glyph[1], sizeof(fk.glyph[0]) * (ROWS - 1));
    memmove(fk.attr[0], fk.attr[1], sizeof(fk.attr[0]) * (ROWS - 1));
    f_clear(NULL, ROWS - 1, 0, COLS, a);
}

static void f_cursor(void *ctx, unsigned r, unsigned c, bool show)
{
    (void)ctx;
    CHECK(fk.cursor_on != show);    /* shown and hidden in turn, at the same place */
    if (!show)
        CHECK(r == fk.cursor_row && c == fk.cursor_col);
    fk.cursor_on = show, fk.cursor_row = r, fk.cursor_col = c;
    show ? fk.cursor_shows++ : fk.cursor_hides++;
}

static const struct textcon_surface_ops ops = { f_put, f_clear, f_scroll, f_cursor };

static const char *row(unsigned r)
{
    static char s[COLS + 1];
    for (unsigned c = 0; c < COLS; c++)
        s[c] = (char)fk.glyph[r][c];
    s[COLS] = '\0';
    return s;
}

static struct textcon tc;
static const uint8_t GREY = TEXTCON_ATTR(TC_GREY, TC_BLACK), RED = TEXTCON_ATTR(TC_LIGHT_RED, TC_BLACK);

static void reset(void)
{
    memset(&fk, 0, sizeof(fk));
    textcon_init(&tc, &ops, NULL, ROWS, COLS);
}

static void put(uint8_t attr, const char *s)
{
    textcon_write(&tc, attr, s, strlen(s));
}

static void test_lines_wrap_scroll(void)
{
    reset();
    CHECK_STR(row(0), "          ");
    put(GREY, "hello\nworld\r");
    CHECK_STR(row(0), "hello     ");
    CHECK_STR(row(1), "world     ");
    CHECK_EQ_U64(tc.row, 1);
    CHECK_EQ_U64(tc.col, 0);
    put(GREY, "W\n0123456789abc");  /* exactly a row, then wrap */
    CHECK_STR(row(1), "World     ");
    CHECK_STR(row(2), "0123456789");
    CHECK_STR(row(3), "abc       ");
    put(GREY, "\nlast");
    CHECK_EQ_U64(fk.scrolls, 1);
    CHECK_STR(row(0), "World     ");
    CHECK_STR(row(3), "last      ");
    /* A full last column waits for the next glyph before it wraps: no empty row after it. */
    reset();
    put(GREY, "0123456789\nx");
    CHECK_STR(row(1), "x         ");
    put(GREY, "\t|\x01\x7f\x80");
    CHECK_STR(row(1), "x       |?");
}

static void test_csi(void)
{
    reset();
    put(GREY, "abcdefgh\rab\x1b[K");
    CHECK_STR(row(0), "ab        ");
    put(GREY, "\n\n\x1b[2AXY\x1b[1;8HZ");
    CHECK_STR(row(0), "XY     Z  ");
    put(GREY, "\x1b[31mR\x1b[0mg\x1b[7mv\x1b[m");
    CHECK_EQ_U64(fk.attr[0][8], TEXTCON_ATTR(TC_RED, TC_BLACK));
    CHECK_EQ_U64(fk.attr[0][9], GREY);
    CHECK_EQ_U64(fk.attr[1][0], TEXTCON_ATTR(TC_BLACK, TC_GREY));   /* reverse video */
    put(GREY, "\x1b[1;33;44mB\x1b[0m");
    CHECK_EQ_U64(fk.attr[1][1], TEXTCON_ATTR(TC_YELLOW, TC_BLUE));
    /* Unknown and private sequences vanish whole; a runaway parameter stays a number. */
    put(GREY, "\x1b[?1049h\x1b[99999999999Z\x1b(Bq");
    CHECK_STR(row(1), "vBq       ");
    put(GREY, "\x1b[2J");
    CHECK_STR(row(0), "          ");
    CHECK_STR(row(1), "          ");
    /* The log level's colour: the caller's attribute. */
    put(RED, "\x1b[Herr");
    CHECK_EQ_U64(fk.attr[0][0], RED);
}

static void test_status_line(void)
{
    reset();
    put(GREY, "log");
    textcon_status(&tc, 500, "p 1", 3);     /* a partial line stays; the status takes the next */
    CHECK_STR(row(0), "log       ");
    CHECK_EQ_U64(fk.glyph[1][0], TEXTCON_GLYPH_FULL);
    textcon_status(&tc, 1000, "p 2", 3);    /* in place */
    CHECK_EQ_U64(tc.row, 1);
    CHECK_EQ_U64(fk.glyph[1][9], TEXTCON_GLYPH_FULL);   /* the bar is cut at the width */
    reset();
    textcon_status(&tc, -1, "p 3\n", 4);
    CHECK_STR(row(0), "p 3       ");
    put(GREY, "next line\n");               /* the next output takes the row over */
    CHECK_STR(row(0), "next line ");
    CHECK_EQ_U64(tc.row, 1);
    /* 0 permille: the whole bar in the shade glyph. */
    struct textcon wide;
    textcon_init(&wide, &ops, NULL, ROWS, COLS);
    textcon_status(&wide, 0, "", 0);
    CHECK_EQ_U64(fk.glyph[0][0], TEXTCON_GLYPH_SHADE);
}

static void test_cursor(void)
{
    reset();
    put(GREY, "\x1b[?25h> ");
    CHECK(fk.cursor_on);
    CHECK_EQ_U64(fk.cursor_col, 2);
    put(GREY, "ab\b");
    CHECK(fk.cursor_on);
    CHECK_EQ_U64(fk.cursor_col, 3);
    textcon_status(&tc, 10, "s", 1);
    put(GREY, "\x1b[?25l");
    CHECK(!fk.cursor_on);
    CHECK_EQ_U64(fk.cursor_shows, fk.cursor_hides);
}

int main(void)
{
    TEST_RUN(test_lines_wrap_scroll);
    TEST_RUN(test_csi);
    TEST_RUN(test_status_line);
    TEST_RUN(test_cursor);
    return test_finish();
}
