/*
 * Fuzz target: cmdline_parse on any NUL-terminated input, then the accessors on its result.
 * Crashes, sanitizer reports and broken invariants (__builtin_trap) are findings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/errno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cmdline cl;

static const struct cmdline_key known[] = {
    { "console", "" }, { "ip", "" }, { "verbose", "" }, { "then", "" }, { "qemu_exit", "" },
};

static void count_unknown(void *ctx, const char *key)
{
    if (!key || !*key)
        __builtin_trap();
    (*(unsigned *)ctx)++;
}

static bool in_buf(const char *p)
{
    return p >= cl.buf && p < cl.buf + sizeof(cl.buf);
}

static void check_result(void)
{
    if (cl.nargs > CMDLINE_MAX_ARGS || (cl.image && !in_buf(cl.image)))
        __builtin_trap();
    for (unsigned i = 0; i < cl.nargs; i++) {
        const struct cmdline_arg *a = &cl.args[i];
        if (!in_buf(a->key) || !*a->key || (a->value && !in_buf(a->value)))
            __builtin_trap();
        /* The last occurrence wins: a later argument with the same key shadows this one. */
        const char *v = cmdline_get(&cl, a->key);
        if (!v)
            __builtin_trap();
        uint64_t u;
        bool b;
        (void)cmdline_parse_u64(v, &u);
        (void)cmdline_parse_bool(v, &b);
    }
    unsigned reported = 0;
    unsigned unknown = cmdline_check(&cl, known, sizeof(known) / sizeof(known[0]), count_unknown, &reported);
    if (unknown != reported || unknown > cl.nargs)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    int err = cmdline_parse(&cl, s);
    if (err == 0) {
        check_result();
    } else if ((err != -NP_EINVAL && err != -NP_ENOSPC) || !cl.error || cl.error_pos > strlen(s)) {
        __builtin_trap();
    }

    /* The value parsers on the raw input too. */
    uint64_t u;
    bool b;
    (void)cmdline_parse_u64(s, &u);
    (void)cmdline_parse_bool(s, &b);
    free(s);
    return 0;
}
