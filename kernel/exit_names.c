/* Names for exit statuses and end actions: pure, shared by the kernel and the host tests. */
#include "kernel/errno.h"
#include "kernel/exit.h"
#include "kernel/string.h"

const char *np_exit_name(int status)
{
    switch (status) {
#define NP_EXIT_CASE(name, value, text) case value: return text;
    NP_EXITS(NP_EXIT_CASE)
#undef NP_EXIT_CASE
    default: return "unknown";
    }
}

static const char *const then_names[] = {
    [NP_THEN_REBOOT] = "reboot",
    [NP_THEN_POWEROFF] = "poweroff",
    [NP_THEN_HALT] = "halt",
};

const char *np_then_name(enum np_then t)
{
    return (unsigned)t < sizeof(then_names) / sizeof(then_names[0]) ? then_names[t] : "unknown";
}

int np_then_parse(const char *s, enum np_then *out)
{
    for (unsigned i = 0; s && i < sizeof(then_names) / sizeof(then_names[0]); i++) {
        if (NP_STRFN(strcmp)(s, then_names[i]) == 0) {
            *out = (enum np_then)i;
            return 0;
        }
    }
    return -NP_EINVAL;
}
