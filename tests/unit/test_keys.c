/* Terminal bytes to keys (keys_vt) and the line editor. */
#include "kernel/keys.h"
#include "kernel/lineedit.h"
#include "tests/unit/test.h"

static int feed(struct keys_vt *d, const char *s, uint64_t now)
{
    int k = KEY_NONE;
    for (; *s; s++) {
        int r = keys_vt_feed(d, (unsigned char)*s, now);
        if (r != KEY_NONE)
            k = r;
    }
    return k;
}

static void test_vt(void)
{
    struct keys_vt d;
    keys_vt_init(&d);
    CHECK_EQ_I64(feed(&d, "a", 0), 'a');
    CHECK_EQ_I64(feed(&d, "\x1b[A", 0), KEY_UP);
    CHECK_EQ_I64(feed(&d, "\x1bOB", 0), KEY_DOWN);
    CHECK_EQ_I64(feed(&d, "\x1b[3~", 0), KEY_DELETE);
    CHECK_EQ_I64(feed(&d, "\x1b[1;5C", 0), KEY_RIGHT);     /* with a modifier */
    CHECK_EQ_I64(feed(&d, "\x1b[4~", 0), KEY_END);
    CHECK_EQ_I64(feed(&d, "\x7f", 0), KEY_BACKSPACE);
    /* CR LF is one Enter; a lone LF is one too. */
    CHECK_EQ_I64(keys_vt_feed(&d, '\r', 0), KEY_ENTER);
    CHECK_EQ_I64(keys_vt_feed(&d, '\n', 0), KEY_NONE);
    CHECK_EQ_I64(keys_vt_feed(&d, '\n', 0), KEY_ENTER);
    /* A lone ESC is the Esc key once nothing follows for a while. */
    CHECK_EQ_I64(keys_vt_feed(&d, 0x1b, 1000), KEY_NONE);
    CHECK_EQ_I64(keys_vt_feed(&d, -1, 1000 + KEYS_ESC_WAIT_US - 1), KEY_NONE);
    CHECK_EQ_I64(keys_vt_feed(&d, -1, 1000 + KEYS_ESC_WAIT_US), KEY_ESC);
    CHECK_EQ_I64(keys_vt_feed(&d, -1, 1000 + 2 * KEYS_ESC_WAIT_US), KEY_NONE);
    /* ESC then a plain key: both, in order. */
    CHECK_EQ_I64(keys_vt_feed(&d, 0x1b, 0), KEY_NONE);
    CHECK_EQ_I64(keys_vt_feed(&d, 'x', 0), KEY_ESC);
    CHECK_EQ_I64(keys_vt_feed(&d, -1, 0), 'x');
    CHECK_EQ_I64(keys_vt_feed(&d, 0x03, 0), KEY_NONE);       /* Ctrl-C: nothing */
    CHECK_EQ_I64(feed(&d, "\x1b[99999999999999~", 0), KEY_NONE);
    CHECK_EQ_I64(feed(&d, "b", 0), 'b');
}

static enum lineedit_state keys(struct lineedit *e, const int *k, size_t n)
{
    enum lineedit_state s = LINEEDIT_EDITING;
    for (size_t i = 0; i < n; i++)
        s = lineedit_key(e, k[i]);
    return s;
}

static void test_edit(void)
{
    struct lineedit e;
    lineedit_init(&e, 8);
    const int k1[] = { 'v', 'd', 'x', KEY_BACKSPACE, 'b', KEY_HOME, KEY_DELETE, 'V', KEY_END, '!' };
    CHECK_EQ_I64(keys(&e, k1, sizeof(k1) / sizeof(k1[0])), LINEEDIT_EDITING);
    CHECK_STR(e.buf, "Vdb!");
    const int k2[] = { KEY_LEFT, KEY_LEFT, '-', KEY_RIGHT, KEY_RIGHT, KEY_RIGHT, '+' };
    keys(&e, k2, sizeof(k2) / sizeof(k2[0]));
    CHECK_STR(e.buf, "Vd-b!+");
    const int k3[] = { 'x', 'y', 'z', KEY_UP, 0x01, 0x200 };    /* full at 7; others ignored */
    keys(&e, k3, sizeof(k3) / sizeof(k3[0]));
    CHECK_STR(e.buf, "Vd-b!+x");
    CHECK_EQ_I64(lineedit_key(&e, KEY_ENTER), LINEEDIT_DONE);
    CHECK_EQ_I64(lineedit_key(&e, KEY_KILL), LINEEDIT_EDITING);
    CHECK_STR(e.buf, "");
    CHECK_EQ_I64(lineedit_key(&e, KEY_BACKSPACE), LINEEDIT_EDITING);   /* nothing to delete */
    CHECK_EQ_I64(lineedit_key(&e, KEY_ESC), LINEEDIT_CANCEL);
}

static void test_render(void)
{
    struct lineedit e;
    char out[128];
    lineedit_init(&e, sizeof(e.buf));
    for (const char *s = "abc"; *s; s++)
        lineedit_key(&e, *s);
    lineedit_render(&e, "> ", 80, out, sizeof(out));
    CHECK_STR(out, "\r> abc\x1b[K");
    lineedit_key(&e, KEY_LEFT);
    lineedit_render(&e, "> ", 80, out, sizeof(out));
    CHECK_STR(out, "\r> abc\x1b[K\x1b[1D");
    /* A line wider than the terminal: the part around the cursor, the cursor in view. */
    lineedit_init(&e, sizeof(e.buf));
    for (int i = 0; i < 40; i++)
        lineedit_key(&e, 'a' + i % 26);
    size_t n = lineedit_render(&e, "url: ", 20, out, sizeof(out));
    CHECK_EQ_U64(n, strlen(out));
    CHECK_STR(out, "\rurl: bcdefghijklmn\x1b[K");  /* 14 shown: 20 - 5 - 1 for the cursor */
    lineedit_key(&e, KEY_HOME);
    lineedit_render(&e, "url: ", 20, out, sizeof(out));
    CHECK_STR(out, "\rurl: abcdefghijklmn\x1b[K\x1b[14D");
    CHECK_EQ_U64(lineedit_render(&e, "url: ", 20, out, 8), 7);      /* cut, terminated */
    CHECK_EQ_U64(strlen(out), 7);
}

int main(void)
{
    TEST_RUN(test_vt);
    TEST_RUN(test_edit);
    TEST_RUN(test_render);
    return test_finish();
}
