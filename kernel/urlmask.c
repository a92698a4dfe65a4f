#include "kernel/urlmask.h"

#include <stdbool.h>

#include "kernel/cmdline.h"
#include "kernel/string.h"

static bool ends_authority(char c)
{
    return !c || c == '/' || c == '?' || c == '#' || c == ' ' || c == '\t' || c == '\n' ||
           c == '\r' || c == '"';
}

struct copy {
    char *out;
    size_t cap, len;
};

static void put(struct copy *c, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, c->len++)
        if (c->len + 1 < c->cap)
            c->out[c->len] = s[i];
}

size_t urlmask_copy(char *out, size_t cap, const char *in)
{
    struct copy c = { out, cap, 0 };
    const char *s = in;
    /* "//", not "://": a scheme-relative URL has userinfo too, and "a:b@c://d:e@f" two. */
    for (const char *sep; (sep = NP_STRFN(strstr)(s, "//")) != NULL;) {
        const char *a = sep + 2, *end = a, *at = NULL, *colon = NULL;
        for (; !ends_authority(*end); end++)
            if (*end == '@')
                at = end;       /* the last '@' ends the userinfo */
        for (const char *p = a; at && p < at && !colon; p++)
            if (*p == ':')
                colon = p;
        if (!colon) {
            put(&c, s, (size_t)(end - s));
        } else {
            put(&c, s, (size_t)(colon + 1 - s));
            put(&c, "***", 3);
            put(&c, at, (size_t)(end - at));
        }
        s = end;
    }
    put(&c, s, NP_STRFN(strlen)(s));
    if (cap)
        out[c.len < cap ? c.len : cap - 1] = '\0';
    return c.len;
}

/* A word boundary before p: the start, a blank or a quote. */
static bool word_start(const char *in, const char *p)
{
    return p == in || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '"';
}

size_t headermask_copy(char *out, size_t cap, const char *in)
{
    struct copy c = { out, cap, 0 };
    const char *s = in;
    for (const char *h = in; (h = NP_STRFN(strstr)(h, "header=")) != NULL;) {
        if (!word_start(in, h)) {
            h += 7;
            continue;
        }
        const char *v = h + 7;
        bool quoted = *v == '"';
        const char *end = v + quoted;
        while (*end && (quoted ? *end != '"' : *end != ' ' && *end != '\t'))
            end++;
        const char *colon = v;
        while (colon < end && *colon != ':')
            colon++;
        if (colon < end) {      /* keep "Name:", hide the value */
            put(&c, s, (size_t)(colon + 1 - s));
            put(&c, " ***", 4);
            s = end;
        }
        h = end;
    }
    put(&c, s, NP_STRFN(strlen)(s));
    if (cap)
        out[c.len < cap ? c.len : cap - 1] = '\0';
    return c.len;
}

const char *urlmask_str(const char *in)
{
    static char buf[URLMASK_CAP(CMDLINE_MAX_LEN)], buf2[URLMASK_CAP(CMDLINE_MAX_LEN)];
    urlmask_copy(buf, sizeof(buf), in);
    headermask_copy(buf2, sizeof(buf2), buf);
    return buf2;
}
