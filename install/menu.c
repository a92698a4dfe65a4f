/*
 * The menu (menu.h). Everything it draws is plain text plus a few ECMA-48 sequences (cursor
 * up, erase line, reverse video), the same bytes for the screen (kernel/textcon.c draws them)
 * and the serial port (a terminal draws them), so one person can use either. What it chooses
 * goes to install_run as url=, sha256= and disk= words: the same checks, the same refusals.
 */
#include "install/menu.h"

#include "install/catalog.h"
#include "install/install.h"
#include "kernel/blkdev.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/input.h"
#include "kernel/lineedit.h"
#include "kernel/printf.h"
#include "kernel/string.h"
#include "kernel/urlmask.h"
#include "net/http/http_fetch.h"
#include "net/http/url.h"
#include "net/lwip-port/net.h"

#define WIDTH       78              /* fits 80-column VGA text and any serial terminal */
#define FOREVER     UINT64_MAX
#define PICK_QUIT   (-1)            /* Esc */
#define PICK_URL    (-2)            /* 'u': type a URL */
#define PICK_RELOAD (-3)            /* 'r': load the catalog again */

static struct {
    const struct cmdline *cl;
    const struct boot_info *bi;
    const char *catalog_url;
    struct catalog cat;
    bool cat_ok, net_ok;
    char text[CATALOG_MAX_BYTES];
    char url[CATALOG_URL_MAX + 1], sha[65], name[CATALOG_NAME_MAX + 1];
    uint64_t size;                  /* the chosen image's, 0: unknown */
    struct lineedit ed;
    struct cmdline install_cl;
    char words[CMDLINE_MAX_LEN];
} m;

static void idle(void)
{
    if (m.net_ok)
        net_poll();     /* keep the lease and ARP alive while the person reads */
}

static void human_size(uint64_t bytes, char *out, size_t cap)
{
    if (bytes >= (1ull << 30))
        np_snprintf(out, cap, "%llu.%llu GiB", (unsigned long long)(bytes >> 30),
                    (unsigned long long)((bytes & ((1ull << 30) - 1)) * 10 >> 30));
    else
        np_snprintf(out, cap, "%llu MiB", (unsigned long long)(bytes >> 20));
}

/* A list the person picks from: rows drawn by row(), one of them marked and in reverse video. */
struct list {
    const char *title, *help;
    unsigned n;
    void (*row)(unsigned i, char *out, size_t cap);
    const char *extra;      /* letters that end the choice with a PICK_ code, e.g. "ur" */
};

static void list_draw_rows(const struct list *l, unsigned sel)
{
    char row[WIDTH + 1];
    for (unsigned i = 0; i < l->n; i++) {
        l->row(i, row, sizeof(row));
        if (i == sel)
            console_printf("\r\x1b[7m> %2u) %-*.*s\x1b[0m\x1b[K\n", i + 1, WIDTH - 6, WIDTH - 6, row);
        else
            console_printf("\r  %2u) %.*s\x1b[K\n", i + 1, WIDTH - 6, row);
    }
}

static int extra_pick(const struct list *l, int key)
{
    for (const char *e = l->extra; e && *e; e++)
        if (key == *e)
            return *e == 'u' ? PICK_URL : PICK_RELOAD;
    return 0;
}

/* Returns the row chosen, or a PICK_ code. Arrows move, a number jumps, Enter picks. */
static int list_pick(const struct list *l, unsigned sel)
{
    unsigned typed = 0;
    console_printf("\n%s\n", l->title);
    list_draw_rows(l, sel);
    console_printf("%s\n", l->help);
    for (;;) {
        int key = input_getkey(FOREVER, idle), x;
        unsigned old = sel;
        if (key == KEY_ESC)
            return PICK_QUIT;
        if (key == KEY_ENTER && l->n)
            return (int)sel;
        if ((x = extra_pick(l, key)) != 0)
            return x;
        if (key == KEY_UP && sel > 0)
            sel--, typed = 0;
        else if (key == KEY_DOWN && sel + 1 < l->n)
            sel++, typed = 0;
        else if (key >= '0' && key <= '9') {
            typed = typed * 10 + (unsigned)(key - '0');
            if (typed == 0 || typed > l->n)
                typed = (unsigned)(key - '0');
            if (typed >= 1 && typed <= l->n)
                sel = typed - 1;
            if (l->n < 10 && typed >= 1 && typed <= l->n)
                return (int)sel;    /* one digit is the whole number */
        }
        if (sel != old) {
            console_printf("\x1b[%uA", l->n + 1);  /* back to the first row, over the help line */
            list_draw_rows(l, sel);
            console_printf("%s\x1b[K\n", l->help);
        }
    }
}

/* Reads a line; returns its text, or NULL for Esc. */
static const char *ask(const char *prompt, size_t cap)
{
    char out[WIDTH * 2 + 32];
    lineedit_init(&m.ed, cap);
    console_printf("\x1b[?25h");
    for (;;) {
        lineedit_render(&m.ed, prompt, WIDTH, out, sizeof(out));
        console_printf("%s", out);
        enum lineedit_state s = lineedit_key(&m.ed, input_getkey(FOREVER, idle));
        if (s != LINEEDIT_EDITING) {
            console_printf("\x1b[?25l\n");
            return s == LINEEDIT_DONE ? m.ed.buf : NULL;
        }
    }
}

static void image_row(unsigned i, char *out, size_t cap)
{
    const struct catalog_entry *e = &m.cat.entries[i];
    char size[24] = "";
    if (e->size)
        human_size(e->size, size, sizeof(size));
    np_snprintf(out, cap, "%-20s %9s  %s", e->name, size, e->description);
}

static int net_ready(void)
{
    if (!m.net_ok && net_up(m.cl, m.bi) == NP_EXIT_OK)
        m.net_ok = true;
    return m.net_ok ? 0 : -1;
}

static void catalog_load(void)
{
    static char err[160];
    size_t len;
    m.cat_ok = false;
    m.cat.n = 0;
    if (!m.catalog_url || net_ready())
        return;
    log_info("menu: loading the catalog %s\n", m.catalog_url);
    if (http_fetch(m.catalog_url, m.text, sizeof(m.text), &len) != NP_EXIT_OK) {
        log_err("error: catalog %s could not be loaded (see above); type a URL or press r to retry\n",
                m.catalog_url);
        return;
    }
    if (catalog_parse(m.text, len, &m.cat, err, sizeof(err))) {
        log_err("error: catalog %s: %s; type a URL or press r to retry\n", m.catalog_url, err);
        m.cat.n = 0;
        return;
    }
    m.cat_ok = true;
}

/* A catalog entry's URL, relative ones resolved against the catalog's own. */
static int entry_url(const struct catalog_entry *e)
{
    static struct url base, out;
    if (NP_STRFN(strstr)(e->url, "://")) {
        np_strlcpy(m.url, e->url, sizeof(m.url));
        return 0;
    }
    if (url_parse(m.catalog_url, &base) || url_resolve(&base, e->url, &out)) {
        log_err("error: catalog: %s: cannot resolve url=%s against %s\n", e->name, e->url, m.catalog_url);
        return -1;
    }
    /* The scheme and the credentials of the catalog's URL carry over, as url_resolve keeps them. */
    np_snprintf(m.url, sizeof(m.url), "%s://%.*s%s%s:%u%s", out.tls ? "https" : "http", (int)out.userinfo_len,
                out.text, out.userinfo_len ? "@" : "", out.host, out.port, url_path(&out));
    return 0;
}

static bool url_typed_ok(const char *s)
{
    for (const char *p = s; *p; p++)
        if (*p == '"' || *p == '\\' || *p == ' ')
            return false;
    return NP_STRFN(strncmp)(s, "http://", 7) == 0 || NP_STRFN(strncmp)(s, "https://", 8) == 0;
}

/* 'u': a URL and, optionally, its SHA-256. 0 when both are in m; -1 for Esc. */
static int type_url(void)
{
    const char *s;
    for (;;) {
        if (!(s = ask("URL (Esc goes back): ", sizeof(m.url))))
            return -1;
        if (url_typed_ok(s))
            break;
        log_err("error: %s: want http://HOST[:PORT]/PATH or https://..., without blanks or quotes\n", s);
    }
    np_strlcpy(m.url, s, sizeof(m.url));
    for (;;) {
        if (!(s = ask("SHA-256 (64 hex digits; Enter: none): ", 65)))
            return -1;
        if (!*s || NP_STRFN(strlen)(s) == 64)
            break;
        log_err("error: want 64 hex digits, or nothing\n");
    }
    np_strlcpy(m.sha, s, sizeof(m.sha));
    np_strlcpy(m.name, m.url, sizeof(m.name));
    m.size = 0;
    return 0;
}

/* The first step: returns 0 with url/sha/name chosen, or -1 when the person quits. */
static int choose_image(void)
{
    static char title[WIDTH + 40];
    for (;;) {
        if (m.cat_ok)
            np_snprintf(title, sizeof(title), "netplant: choose an image to install (%u in the catalog)", m.cat.n);
        else
            np_snprintf(title, sizeof(title), "netplant: %s", m.catalog_url ? "the catalog did not load"
                        : "no catalog= given");
        struct list l = { title, m.cat_ok ? "arrows and Enter, or its number; u: type a URL; Esc: quit"
                          : m.catalog_url ? "u: type a URL; r: load the catalog again; Esc: quit"
                          : "u: type a URL; Esc: quit", m.cat.n, image_row, m.catalog_url ? "ur" : "u" };
        int pick = list_pick(&l, 0);
        if (pick == PICK_QUIT)
            return -1;
        if (pick == PICK_RELOAD) {
            catalog_load();
            continue;
        }
        if (pick == PICK_URL) {
            if (type_url() == 0)
                return 0;
            continue;
        }
        const struct catalog_entry *e = &m.cat.entries[pick];
        if (entry_url(e))
            continue;
        np_strlcpy(m.sha, e->sha256, sizeof(m.sha));
        np_strlcpy(m.name, e->name, sizeof(m.name));
        m.size = e->size;
        return 0;
    }
}

static void disk_row(unsigned i, char *out, size_t cap)
{
    const struct blkdev *d = blkdev_get(i);
    char size[24];
    human_size(d->size, size, sizeof(size));
    np_snprintf(out, cap, "%-5s %9s  %s %s, serial \"%s\"%s%s", d->name, size, d->transport, d->location,
                d->serial, d->read_only ? ", read-only" : "",
                m.size > d->size ? ", too small" : "");
}

/* Returns the disk the person confirmed, or NULL to go back to the images. */
static struct blkdev *choose_disk(void)
{
    static char title[WIDTH + 80], prompt[WIDTH];
    for (;;) {
        np_snprintf(title, sizeof(title), "Install %s onto which disk?", m.name);
        struct list l = { title, "arrows and Enter, or its number; Esc: back", blkdev_count(), disk_row, NULL };
        if (!blkdev_count())
            log_err("error: no disk found\n");
        int pick = list_pick(&l, 0);
        if (pick < 0)
            return NULL;
        struct blkdev *d = blkdev_get((unsigned)pick);
        if (d->read_only || m.size > d->size) {
            log_err("error: disk %s %s\n", d->name, d->read_only ? "is read-only" : "is smaller than the image");
            continue;
        }
        console_printf("\x1b[1mEverything on disk %s (%s, serial \"%s\") will be overwritten.\x1b[0m\n",
                       d->name, d->location, d->serial);
        np_snprintf(prompt, sizeof(prompt), "Type %s to confirm (Esc: back): ", d->name);
        const char *s = ask(prompt, sizeof(d->name) + 8);
        if (s && !NP_STRFN(strcmp)(s, d->name))
            return d;
        console_printf("menu: not confirmed; disk %s was not touched\n", d->name);
    }
}

/* The same install as url=: the boot command line with url=, sha256= and disk= after it. */
static enum np_exit install(const struct blkdev *d)
{
    int n = np_snprintf(m.words, sizeof(m.words), "%s url=\"%s\"%s%s disk=%s", m.bi->cmdline, m.url,
                        m.sha[0] ? " sha256=" : "", m.sha, d->name);
    if (n < 0 || (size_t)n >= sizeof(m.words) || cmdline_parse(&m.install_cl, m.words)) {
        log_err("error: menu: the command line for the install is too long\n");
        return NP_EXIT_USAGE;
    }
    if (NP_STRFN(strcmp)(m.name, m.url))
        log_info("menu: installing %s (%s) onto disk %s\n", m.name, urlmask_str(m.url), d->name);
    else
        log_info("menu: installing %s onto disk %s\n", urlmask_str(m.url), d->name);
    return install_run(&m.install_cl, m.bi);
}

bool menu_wanted(const struct cmdline *cl, bool have_screen)
{
    const char *v = cmdline_get(cl, "menu");
    bool on = false;
    if (v && cmdline_parse_bool(v, &on)) {
        log_err("error: menu=%s: want on or off\n", v);
        return false;
    }
    if (v)
        return on;
    return cmdline_get(cl, "catalog") || (have_screen && !cmdline_get(cl, "url"));
}

enum np_exit menu_run(const struct cmdline *cl, const struct boot_info *bi)
{
    NP_STRFN(memset)(&m, 0, sizeof(m));
    m.cl = cl, m.bi = bi;
    m.catalog_url = cmdline_get(cl, "catalog");
    catalog_load();
    for (;;) {
        if (choose_image()) {
            log_info("menu: quit; nothing was written\n");
            return NP_EXIT_CANCELLED;
        }
        const struct blkdev *d = choose_disk();
        if (d)
            return install(d);
    }
}
