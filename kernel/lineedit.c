/* The menu's line editor (lineedit.h). */
#include "kernel/lineedit.h"

#include "kernel/keys.h"
#include "kernel/printf.h"
#include "kernel/string.h"

void lineedit_init(struct lineedit *e, size_t cap)
{
    e->cap = cap == 0 ? 1 : cap > LINEEDIT_MAX ? LINEEDIT_MAX : cap;
    e->len = e->cur = 0;
    e->buf[0] = '\0';
}

static void insert(struct lineedit *e, char c)
{
    if (e->len + 1 >= e->cap)
        return;
    NP_STRFN(memmove)(e->buf + e->cur + 1, e->buf + e->cur, e->len - e->cur + 1);
    e->buf[e->cur++] = c;
    e->len++;
}

static void delete_at(struct lineedit *e, size_t at)
{
    NP_STRFN(memmove)(e->buf + at, e->buf + at + 1, e->len - at);
    e->len--;
}

enum lineedit_state lineedit_key(struct lineedit *e, int key)
{
    switch (key) {
    case KEY_ENTER: return LINEEDIT_DONE;
    case KEY_ESC: return LINEEDIT_CANCEL;
    case KEY_BACKSPACE:
        if (e->cur)
            delete_at(e, --e->cur);
        break;
    case KEY_DELETE:
        if (e->cur < e->len)
            delete_at(e, e->cur);
        break;
    case KEY_LEFT: e->cur -= e->cur > 0; break;
    case KEY_RIGHT: e->cur += e->cur < e->len; break;
    case KEY_HOME: e->cur = 0; break;
    case KEY_END: e->cur = e->len; break;
    case KEY_KILL: e->len = e->cur = 0, e->buf[0] = '\0'; break;
    default:
        if (key >= 0x20 && key < 0x7F)
            insert(e, (char)key);
        break;
    }
    return LINEEDIT_EDITING;
}

size_t lineedit_render(const struct lineedit *e, const char *prompt, unsigned width, char *out, size_t cap)
{
    size_t plen = NP_STRFN(strlen)(prompt);
    /* Room for the text: the whole width less the prompt and one cell for the cursor at the end. */
    size_t room = width > plen + 8 ? width - plen - 1 : 8;
    size_t start = e->cur >= room ? e->cur - room + 1 : 0;
    size_t shown = e->len - start < room ? e->len - start : room;
    size_t back = start + shown - e->cur;
    int n;
    if (back)
        n = np_snprintf(out, cap, "\r%s%.*s\x1b[K\x1b[%zuD", prompt, (int)shown, e->buf + start, back);
    else
        n = np_snprintf(out, cap, "\r%s%.*s\x1b[K", prompt, (int)shown, e->buf + start);
    if (n < 0)
        return 0;
    return (size_t)n < cap ? (size_t)n : cap ? cap - 1 : 0;
}
