/*
 * libFuzzer target: kernel/urlmask.c on any text (the command line is the loader's, the
 * config file the network's). What comes out must hold no password: every authority after
 * "//" whose userinfo has a ':' shows "***" between that ':' and the last '@'. Besides: the
 * length is what urlmask_copy returns and below URLMASK_CAP, masking twice changes nothing,
 * and a copy cut at any cap is a prefix of the whole one.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/urlmask.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "tests/fuzz/require.h"

static bool ends_authority(char c)
{
    return strchr("/?#\"\t\n\r ", c) != NULL;       /* strchr finds the NUL too */
}

/* Each "//" authority with userinfo "user:..." shows exactly "user:***@". */
static void check_masked(const char *s)
{
    for (const char *p = strstr(s, "//"); p; p = strstr(p, "//")) {
        const char *a = p + 2, *end = a, *at = NULL, *colon = NULL;
        for (; !ends_authority(*end); end++)
            if (*end == '@')
                at = end;
        for (const char *q = a; at && q < at; q++)
            if (*q == ':') {
                colon = q;
                break;
            }
        if (colon)
            REQUIRE(at - colon == 4 && memcmp(colon, ":***@", 5) == 0);
        p = end;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1);
    memcpy(in, data, size);
    in[size] = '\0';
    size_t cap = URLMASK_CAP(size + 1);
    char *out = malloc(cap), *again = malloc(cap), *cut = malloc(cap);
    size_t n = urlmask_copy(out, cap, in);
    REQUIRE(n < cap && strlen(out) == n);
    check_masked(out);
    REQUIRE(urlmask_copy(again, cap, out) == n && strcmp(again, out) == 0);
    size_t c = size ? data[0] % (n + 2) : 0;
    REQUIRE(urlmask_copy(cut, c, in) == n);
    if (c)
        REQUIRE(strlen(cut) == (c - 1 < n ? c - 1 : n) && strncmp(cut, out, strlen(cut)) == 0);
    free(in);
    free(out);
    free(again);
    free(cut);
    return 0;
}
