/* PS/2 scan code set 1 to keys. */
#include "drivers/input/ps2kbd.h"
#include "kernel/keys.h"
#include "tests/unit/test.h"

static int feed(struct ps2kbd *k, const uint8_t *codes, size_t n, char *text, size_t cap)
{
    size_t o = 0;
    int last = KEY_NONE;
    for (size_t i = 0; i < n; i++) {
        int key = ps2kbd_feed(k, codes[i]);
        if (key == KEY_NONE)
            continue;
        last = key;
        if (key < 0x100 && o + 1 < cap)
            text[o++] = (char)key;
    }
    text[o] = '\0';
    return last;
}

static void test_typing(void)
{
    struct ps2kbd k;
    char text[32];
    ps2kbd_init(&k);
    /* v d b (make, break), Shift-1, Enter */
    const uint8_t vdb[] = { 0x2F, 0xAF, 0x20, 0xA0, 0x30, 0xB0, 0x2A, 0x02, 0x82, 0xAA, 0x1C, 0x9C };
    feed(&k, vdb, sizeof(vdb), text, sizeof(text));
    CHECK_STR(text, "vdb!\n");
    /* Caps Lock: letters upper case, digits not; Shift undoes it for letters. */
    const uint8_t caps[] = { 0x3A, 0xBA, 0x1E, 0x9E, 0x03, 0x36, 0x1E, 0xB6, 0x3A, 0xBA, 0x1E };
    feed(&k, caps, sizeof(caps), text, sizeof(text));
    CHECK_STR(text, "A2aa");
    const uint8_t punct[] = { 0x34, 0x35, 0x27, 0x2A, 0x27, 0x0C, 0xAA, 0x39, 0x0E, 0x01 };
    feed(&k, punct, sizeof(punct), text, sizeof(text));
    CHECK_STR(text, "./;:_ \b\x1b");
}

static void test_special(void)
{
    struct ps2kbd k;
    char text[8];
    ps2kbd_init(&k);
    const uint8_t up[] = { 0xE0, 0x48, 0xE0, 0xC8 };
    CHECK_EQ_I64(feed(&k, up, sizeof(up), text, sizeof(text)), KEY_UP);
    const uint8_t kp_down[] = { 0x50, 0xD0 };       /* the keypad's 2, Num Lock off */
    CHECK_EQ_I64(feed(&k, kp_down, sizeof(kp_down), text, sizeof(text)), KEY_DOWN);
    const uint8_t del[] = { 0xE0, 0x53 };
    CHECK_EQ_I64(feed(&k, del, sizeof(del), text, sizeof(text)), KEY_DELETE);
    const uint8_t kp_enter[] = { 0xE0, 0x1C };
    CHECK_EQ_I64(feed(&k, kp_enter, sizeof(kp_enter), text, sizeof(text)), KEY_ENTER);
    /* E0 2A (a fake shift some keyboards send around the cursor block) is no Shift. */
    const uint8_t fake_shift[] = { 0xE0, 0x2A, 0x1E };
    feed(&k, fake_shift, sizeof(fake_shift), text, sizeof(text));
    CHECK_STR(text, "a");
    /* Ctrl-U empties the line; other Ctrl keys do nothing; right Ctrl is E0 1D. */
    const uint8_t ctrl_u[] = { 0xE0, 0x1D, 0x16, 0xE0, 0x9D };
    CHECK_EQ_I64(feed(&k, ctrl_u, sizeof(ctrl_u), text, sizeof(text)), KEY_KILL);
    const uint8_t ctrl_c[] = { 0x1D, 0x2E, 0x9D, 0x2E };
    feed(&k, ctrl_c, sizeof(ctrl_c), text, sizeof(text));
    CHECK_STR(text, "c");
    /* Pause (E1 1D 45 E1 9D C5) leaves nothing behind. */
    const uint8_t pause[] = { 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5, 0x10 };
    feed(&k, pause, sizeof(pause), text, sizeof(text));
    CHECK_STR(text, "q");
    for (unsigned c = 0; c < 256; c++)      /* no code reads outside the tables */
        ps2kbd_feed(&k, (uint8_t)c);
}

int main(void)
{
    TEST_RUN(test_typing);
    TEST_RUN(test_special);
    return test_finish();
}
