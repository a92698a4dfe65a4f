/* The catalog parser (catalog.h): one image per line, each line parsed as a command line. */
#include "install/catalog.h"

#include <stdbool.h>

#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"

#define str_eq(a, b) (NP_STRFN(strcmp)((a), (b)) == 0)

enum { F_NAME = 1, F_URL = 2, F_SHA = 4, F_SIZE = 8, F_DESC = 16 };

struct line_ctx {
    unsigned lineno;
    char *err;
    size_t errcap;
};

__attribute__((format(printf, 2, 3)))
static int bad(const struct line_ctx *l, const char *fmt, ...)
{
    int n = np_snprintf(l->err, l->errcap, "line %u: ", l->lineno);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < l->errcap)
        np_vsnprintf(l->err + n, l->errcap - (size_t)n, fmt, ap);
    va_end(ap);
    return -NP_EBADMSG;
}

/* Printable ASCII only: names and descriptions reach terminals, where ESC would be a command. */
static bool printable(const char *s, size_t max)
{
    size_t n = 0;
    for (; s[n]; n++)
        if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] >= 0x7F)
            return false;
    return n >= 1 && n <= max;
}

static bool url_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if ((unsigned char)s[n] <= 0x20 || (unsigned char)s[n] >= 0x7F || s[n] == '"' || s[n] == '\\')
            return false;
    return n >= 1 && n <= CATALOG_URL_MAX;
}

static bool hex64(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') || (s[n] >= 'A' && s[n] <= 'F')))
            return false;
    return n == 64;
}

static int field(const struct line_ctx *l, struct catalog_entry *e, const char *k, const char *v, unsigned *seen)
{
    unsigned f = str_eq(k, "name") ? F_NAME : str_eq(k, "url") ? F_URL : str_eq(k, "sha256") ? F_SHA
               : str_eq(k, "size") ? F_SIZE : str_eq(k, "description") ? F_DESC : 0;
    if (!f)
        return bad(l, "unknown key '%s' (want name, url, sha256, size, description)", k);
    if (!v)
        return bad(l, "%s needs a value (%s=...)", k, k);
    if (*seen & f)
        return bad(l, "%s= given twice", k);
    *seen |= f;
    if (f == F_NAME && !printable(v, CATALOG_NAME_MAX))
        return bad(l, "name= wants 1 to %d printable characters", CATALOG_NAME_MAX);
    if (f == F_URL && !url_ok(v))
        return bad(l, "url= wants a URL of at most %d characters, without blanks or quotes", CATALOG_URL_MAX);
    if (f == F_SHA && !hex64(v))
        return bad(l, "sha256= wants 64 hex digits");
    if (f == F_SIZE && (cmdline_parse_u64(v, &e->size) || e->size == 0))
        return bad(l, "size= wants bytes, e.g. 2147483648 or 2G");
    if (f == F_DESC && !printable(v, CATALOG_DESC_MAX))
        return bad(l, "description= wants 1 to %d printable characters", CATALOG_DESC_MAX);
    char *dst = f == F_NAME ? e->name : f == F_URL ? e->url : f == F_SHA ? e->sha256 : f == F_DESC ? e->description : NULL;
    size_t cap = f == F_NAME ? sizeof(e->name) : f == F_URL ? sizeof(e->url) : f == F_SHA ? sizeof(e->sha256)
               : sizeof(e->description);
    if (dst)
        np_strlcpy(dst, v, cap);
    return 0;
}

/* One line that is neither blank nor a comment: one entry. */
static int entry_parse(const struct line_ctx *l, const char *line, struct catalog *c)
{
    static const char *const required[] = { "name", "url", "sha256" };
    static struct cmdline cl;      /* ~130 KiB: not on the 64 KiB kernel stack */
    if (cmdline_parse(&cl, line))
        return bad(l, "%s at column %zu", cl.error, cl.error_pos + 1);
    if (cl.image)
        return bad(l, "'%s' is not key=value", cl.image);
    if (c->n == CATALOG_MAX_ENTRIES)
        return bad(l, "more than %d images", CATALOG_MAX_ENTRIES);
    struct catalog_entry *e = &c->entries[c->n];
    unsigned seen = 0;
    NP_STRFN(memset)(e, 0, sizeof(*e));
    for (unsigned i = 0; i < cl.nargs; i++)
        if (field(l, e, cl.args[i].key, cl.args[i].value, &seen))
            return -NP_EBADMSG;
    for (unsigned i = 0; i < 3; i++)
        if (!(seen & (1u << i)))
            return bad(l, "no %s= (every image needs name, url and sha256)", required[i]);
    c->n++;
    return 0;
}

int catalog_parse(const char *text, size_t len, struct catalog *c, char *err, size_t errcap)
{
    static char line[CATALOG_LINE_MAX];     /* static: kept off the kernel stack */
    struct line_ctx l = { 0, err, errcap };
    c->n = 0;
    for (size_t pos = 0; pos < len;) {
        size_t end = pos, n = 0;
        l.lineno++;
        while (end < len && text[end] != '\n')
            end++;
        for (size_t i = pos; i < end; i++) {
            char ch = text[i] == '\t' || text[i] == '\r' ? ' ' : text[i];
            if ((unsigned char)ch < 0x20 || ch == 0x7F)
                return bad(&l, "control character (byte %#x)", (unsigned char)ch);
            if (n + 1 >= sizeof(line))
                return bad(&l, "longer than %zu bytes", sizeof(line) - 1);
            line[n++] = ch;
        }
        line[n] = '\0';
        pos = end + 1;
        size_t s = 0;
        while (line[s] == ' ')
            s++;
        if (line[s] == '\0' || line[s] == '#')
            continue;
        if (entry_parse(&l, line + s, c))
            return -NP_EBADMSG;
    }
    if (c->n == 0) {
        np_snprintf(err, errcap, "no images in it (one line per image: name=... url=... sha256=...)");
        return -NP_EBADMSG;
    }
    return 0;
}
