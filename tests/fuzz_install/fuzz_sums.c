/*
 * libFuzzer target: install/sums.c on any bytes. The input is a name (also tried as a URL for
 * sums_url_name), a NUL, and the text of a sums file. Rules:
 *  - sums_parse_line gives 1, 0, -NP_ENOTSUP or -NP_EBADMSG; an entry's name is non-empty,
 *    terminated inside its buffer, without NUL; written back as a GNU line (escaped when it
 *    must be) and as a BSD line, it parses to the same name and digest;
 *  - sums_find gives 0, -NP_ENOENT, -NP_ENOTSUP or -NP_EEXIST; on 0 the entry names the
 *    name (or "./" and the name), and its line, parsed alone, is that entry; on -NP_EEXIST
 *    the disagreeing line comes later; the listed names are one printable line in the buffer;
 *  - sums_url_name gives 0 or -NP_EINVAL, a non-empty name without control bytes on 0.
 * Crashes, sanitizer reports and broken rules (abort) are findings.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "install/sums.h"
#include "kernel/errno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "tests/fuzz/require.h"

static char line_buf[2 * SUMS_NAME_MAX + 2 * DIGEST_HEX_MAX + 32];

static void same(const struct sums_entry *a, const struct sums_entry *b)
{
    REQUIRE(strcmp(a->name, b->name) == 0);
    REQUIRE(a->digest.alg == b->digest.alg);
    REQUIRE(memcmp(a->digest.bytes, b->digest.bytes, digest_len(a->digest.alg)) == 0);
}

/* The entry written back as `sha256sum` and `sha256sum --tag` would, then parsed again. */
static void round_trip(const struct sums_entry *e)
{
    static struct sums_entry back;
    char hex[DIGEST_HEX_MAX], name[2 * SUMS_NAME_MAX];
    bool escape = strpbrk(e->name, "\\\n\r") != NULL;
    size_t o = 0;
    for (const char *p = e->name; *p; p++) {
        if (escape && (*p == '\\' || *p == '\n' || *p == '\r'))
            name[o++] = '\\', name[o++] = *p == '\\' ? '\\' : *p == '\n' ? 'n' : 'r';
        else
            name[o++] = *p;
    }
    name[o] = '\0';
    digest_hex(&e->digest, hex);
    int n = snprintf(line_buf, sizeof(line_buf), "%s%s *%s", escape ? "\\" : "", hex, name);
    REQUIRE(sums_parse_line(line_buf, (size_t)n, &back) == 1);
    same(e, &back);
    n = snprintf(line_buf, sizeof(line_buf), "%s%s (%s) = %s", escape ? "\\" : "",
                 e->digest.alg == DIGEST_SHA512 ? "SHA512" : "SHA256", name, hex);
    REQUIRE(sums_parse_line(line_buf, (size_t)n, &back) == 1);
    same(e, &back);
}

static void check_name(const char *name, size_t cap)
{
    size_t n = strnlen(name, cap);
    REQUIRE(n > 0 && n < cap);
}

/* Every line alone; returns the line count as sums_find counts lines. */
static unsigned each_line(const char *text, size_t len)
{
    static struct sums_entry e;
    unsigned lines = 0;
    for (size_t at = 0; at < len; lines++) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
        int got = sums_parse_line(text + at, n, &e);
        REQUIRE(got == 1 || got == 0 || got == -NP_ENOTSUP || got == -NP_EBADMSG);
        if (got == 1 || got == -NP_ENOTSUP)
            check_name(e.name, sizeof(e.name));
        if (got == 1)
            round_trip(&e);
        at += n + 1;
    }
    return lines;
}

/* The text of line number k (1-based). */
static const char *line_at(const char *text, size_t len, unsigned k, size_t *n)
{
    size_t at = 0;
    for (unsigned i = 1; i < k; i++)
        at += (size_t)((const char *)memchr(text + at, '\n', len - at) - (text + at)) + 1;
    const char *nl = memchr(text + at, '\n', len - at);
    *n = nl ? (size_t)(nl - (text + at)) : len - at;
    return text + at;
}

static void check_find(const char *text, size_t len, const char *name, unsigned lines)
{
    static struct sums_result r;
    static struct sums_entry alone;
    int got = sums_find(text, len, name, &r);
    REQUIRE(got == 0 || got == -NP_ENOENT || got == -NP_ENOTSUP || got == -NP_EEXIST);
    size_t ln = strnlen(r.listed, sizeof(r.listed));
    REQUIRE(ln < sizeof(r.listed));
    for (size_t i = 0; i < ln; i++)
        REQUIRE((unsigned char)r.listed[i] >= 0x20 && r.listed[i] != 0x7F);
    if (got != 0 && got != -NP_EEXIST)
        return;
    const char *n = r.entry.name;
    REQUIRE(strcmp(n, name) == 0 || (n[0] == '.' && n[1] == '/' && strcmp(n + 2, name) == 0));
    REQUIRE(r.entry.line >= 1 && r.entry.line <= lines);
    size_t k;
    const char *l = line_at(text, len, r.entry.line, &k);
    REQUIRE(sums_parse_line(l, k, &alone) == 1);
    same(&alone, &r.entry);
    if (got == -NP_EEXIST)
        REQUIRE(r.other_line > r.entry.line && r.other_line <= lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t name_len = nul ? (size_t)(nul - data) : size;
    char *name = malloc(name_len + 1);      /* exact sizes, so ASan sees any overrun */
    memcpy(name, data, name_len);
    name[name_len] = '\0';
    size_t len = nul ? size - name_len - 1 : 0;
    char *text = malloc(len ? len : 1);
    memcpy(text, data + size - len, len);

    unsigned lines = each_line(text, len);
    if (name_len)
        check_find(text, len, name, lines);

    char out[SUMS_NAME_MAX];
    int got = sums_url_name(name, out, sizeof(out));
    REQUIRE(got == 0 || got == -NP_EINVAL);
    if (got == 0) {
        check_name(out, sizeof(out));
        for (const char *p = out; *p; p++)
            REQUIRE((unsigned char)*p >= 0x20 && *p != 0x7F);
    }
    free(name);
    free(text);
    return 0;
}
