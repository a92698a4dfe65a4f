/*
 * Command-line parsing. Words are split on blanks; double quotes group blanks into a word and
 * are removed (as Linux does), a backslash inside quotes escapes `"` and `\`. The first word is
 * taken as the kernel's own name when it holds no '=' but a '/' or a '.': GRUB, iPXE and QEMU's
 * Multiboot loader put the kernel's path, file name or URL there; no key has either. QEMU puts
 * the path there as it is, blanks and all ("/srv/np build/netplant.elf url=..."): a first word
 * with a '/' takes the words after it up to the last one with a '/' before the first word with
 * an '=' (no key has a '/', so those words could not have been keys anyway).
 */
#include "kernel/cmdline.h"

#include "kernel/errno.h"
#include "kernel/string.h"

#define str_eq(a, b) (NP_STRFN(strcmp)((a), (b)) == 0)

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.';
}

static int fail(struct cmdline *cl, int err, const char *what, size_t pos)
{
    cl->error = what;
    cl->error_pos = pos;
    return err;
}

/* Copies one word from s+*pos into buf+*out, unquoting; returns 0 or an error. */
static int word_copy(struct cmdline *cl, const char *s, size_t *pos, size_t *out)
{
    bool quoted = false;
    size_t start = *pos;
    size_t i = *pos, o = *out;

    for (; s[i] && (quoted || !is_blank(s[i])); i++) {
        char c = s[i];
        if (c == '"') {
            quoted = !quoted;
            continue;
        }
        if (quoted && c == '\\' && (s[i + 1] == '"' || s[i + 1] == '\\'))
            c = s[++i];
        if (o + 1 >= sizeof(cl->buf))
            return fail(cl, -NP_ENOSPC, "command line too long", i);
        cl->buf[o++] = c;
    }
    if (quoted)
        return fail(cl, -NP_EINVAL, "unterminated quote", start);
    if (o >= sizeof(cl->buf))
        return fail(cl, -NP_ENOSPC, "command line too long", i);
    cl->buf[o++] = '\0';
    *pos = i;
    *out = o;
    return 0;
}

/* Splits the word at buf+w into key and value and checks the key. */
static int word_add(struct cmdline *cl, size_t w, size_t pos, bool first)
{
    char *word = cl->buf + w;
    char *eq = NP_STRFN(strchr)(word, '=');

    if (first && !eq && (NP_STRFN(strchr)(word, '/') || NP_STRFN(strchr)(word, '.'))) {
        cl->image = word;
        return 0;
    }
    if (cl->nargs == CMDLINE_MAX_ARGS)
        return fail(cl, -NP_ENOSPC, "too many command-line words", pos);
    if (eq)
        *eq = '\0';
    if (!*word)
        return fail(cl, -NP_EINVAL, "empty key", pos);
    for (const char *k = word; *k; k++)
        if (!is_key_char(*k))
            return fail(cl, -NP_EINVAL, "bad character in key", pos);
    cl->args[cl->nargs].key = word;
    cl->args[cl->nargs].value = eq ? eq + 1 : NULL;
    cl->nargs++;
    return 0;
}

/*
 * Where a kernel path that holds blanks ends in s (see the top), or 0 when the first word is
 * not such a path. No quotes: a quoted command line says where its words end itself.
 */
static size_t image_path_end(const char *s)
{
    size_t i = 0, end = 0;
    while (is_blank(s[i]))
        i++;
    for (bool first = true; s[i]; first = false) {
        bool slash = false;
        for (; s[i] && !is_blank(s[i]); i++) {
            if (s[i] == '=' || s[i] == '"')
                return end;
            slash |= s[i] == '/';
        }
        if (first && !slash)
            return 0;
        if (slash)
            end = i;
        while (is_blank(s[i]))
            i++;
    }
    return end;
}

int cmdline_parse(struct cmdline *cl, const char *s)
{
    size_t pos = 0, out = 0;
    bool first = true;

    cl->nargs = 0;
    cl->image = NULL;
    cl->error = NULL;
    cl->error_pos = 0;
    size_t path = image_path_end(s);
    while (path && is_blank(s[pos]))
        pos++;
    if (path) {     /* the kernel's path as the loader gave it, blanks and all */
        if (path - pos + 1 > sizeof(cl->buf))
            return fail(cl, -NP_ENOSPC, "command line too long", pos);
        NP_STRFN(memcpy)(cl->buf, s + pos, path - pos);
        cl->buf[path - pos] = '\0';
        cl->image = cl->buf;
        out = path - pos + 1;
        pos = path;
        first = false;
    }
    while (s[pos]) {
        if (is_blank(s[pos])) {
            pos++;
            continue;
        }
        size_t start = pos, w = out;
        int err = word_copy(cl, s, &pos, &out);
        if (!err)
            err = word_add(cl, w, start, first);
        if (err)
            return err;
        first = false;
    }
    return 0;
}

const char *cmdline_get(const struct cmdline *cl, const char *key)
{
    for (unsigned i = cl->nargs; i-- > 0;)
        if (str_eq(cl->args[i].key, key))
            return cl->args[i].value ? cl->args[i].value : "";
    return NULL;
}

unsigned cmdline_check(const struct cmdline *cl, const struct cmdline_key *known, size_t n,
                       void (*report)(void *ctx, const char *key), void *ctx)
{
    unsigned unknown = 0;
    for (unsigned i = 0; i < cl->nargs; i++) {
        size_t k = 0;
        while (k < n && !str_eq(known[k].name, cl->args[i].key))
            k++;
        if (k == n) {
            unknown++;
            if (report)
                report(ctx, cl->args[i].key);
        }
    }
    return unknown;
}

static int digit_value(char c, unsigned base)
{
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    return d >= 0 && (unsigned)d < base ? d : -1;
}

static unsigned suffix_shift(char c)
{
    switch (c) {
    case 'K': case 'k': return 10;
    case 'M': case 'm': return 20;
    case 'G': case 'g': return 30;
    case 'T': case 't': return 40;
    default: return 0;
    }
}

int cmdline_parse_u64(const char *s, uint64_t *out)
{
    unsigned base = 10;
    uint64_t v = 0;
    const char *p = s;

    if (!s || !*s)
        return -NP_EINVAL;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    const char *digits = p;
    for (int d; (d = digit_value(*p, base)) >= 0; p++) {
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            return -NP_ERANGE;
        v = v * base + (uint64_t)d;
    }
    if (p == digits)
        return -NP_EINVAL;
    unsigned shift = base == 10 ? suffix_shift(*p) : 0;
    if (shift) {
        if (v > (UINT64_MAX >> shift))
            return -NP_ERANGE;
        v <<= shift;
        p++;
    }
    if (*p)
        return -NP_EINVAL;
    *out = v;
    return 0;
}

int cmdline_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "", "1", "on", "yes", "true" };
    static const char *const no[] = { "0", "off", "no", "false" };
    if (!s)
        return -NP_EINVAL;
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        if (str_eq(s, yes[i]))
            return *out = true, 0;
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        if (str_eq(s, no[i]))
            return *out = false, 0;
    return -NP_EINVAL;
}
