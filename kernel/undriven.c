/* The list of devices found and not driven, and the messages that name them. */
#include "kernel/undriven.h"

#include <stdbool.h>

#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"

static struct undriven list[UNDRIVEN_MAX];
static unsigned n_list;

static const char *const none_found[DEV_KINDS] = { "no disk found", "no network device found" };
static const char *const kind_plural[DEV_KINDS] = { "storage device", "network device" };

int undriven_add(enum dev_kind kind, const char *location, const char *what, const char *failed)
{
    if ((unsigned)kind >= DEV_KINDS)
        return -NP_EINVAL;
    if (n_list == UNDRIVEN_MAX)
        return -NP_ENOSPC;
    struct undriven *u = &list[n_list++];
    u->kind = kind;
    np_strlcpy(u->location, location, sizeof(u->location));
    np_strlcpy(u->what, what, sizeof(u->what));
    np_strlcpy(u->failed, failed ? failed : "", sizeof(u->failed));
    return 0;
}

unsigned undriven_count(enum dev_kind kind)
{
    unsigned n = 0;
    for (unsigned i = 0; i < n_list; i++)
        n += list[i].kind == kind;
    return n;
}

const struct undriven *undriven_get(enum dev_kind kind, unsigned i)
{
    for (unsigned k = 0; k < n_list; k++)
        if (list[k].kind == kind && i-- == 0)
            return &list[k];
    return NULL;
}

void undriven_reset(void)
{
    n_list = 0;
}

int undriven_format(const struct undriven *u, char *buf, size_t size)
{
    if (u->failed[0])
        return np_snprintf(buf, size, "%s is %s whose driver failed: %s", u->location, u->what, u->failed);
    return np_snprintf(buf, size, "%s is %s, which netplant does not drive", u->location, u->what);
}

int undriven_explain(enum dev_kind kind, char *buf, size_t size)
{
    unsigned n = undriven_count(kind);
    if ((unsigned)kind >= DEV_KINDS || !size)
        return 0;
    if (n == 0)
        return np_snprintf(buf, size, "%s", none_found[kind]);
    size_t len = (size_t)np_snprintf(buf, size, "%s", none_found[kind]);
    if (n == 1 && len < size) {
        len += (size_t)np_snprintf(buf + len, size - len, ": ");
        if (len < size)
            len += (size_t)undriven_format(undriven_get(kind, 0), buf + len, size - len);
        return (int)(len < size ? len : size - 1);
    }
    if (len < size)
        len += (size_t)np_snprintf(buf + len, size - len, " that netplant can drive; %u %ss are not driven:",
                                   n, kind_plural[kind]);
    for (unsigned i = 0; i < n && len < size; i++) {
        const struct undriven *u = undriven_get(kind, i);
        len += (size_t)np_snprintf(buf + len, size - len, "%s %s (%s%s)", i ? "," : "", u->location, u->what,
                                   u->failed[0] ? ", driver failed" : "");
    }
    return (int)(len < size ? len : size - 1);
}

/* "0000:00:04.0" is also named "00:04.0", as nic= and disk= take it. */
static bool location_is(const char *loc, const char *spec)
{
    if (!NP_STRFN(strcmp)(loc, spec))
        return true;
    return !NP_STRFN(strncmp)(loc, "0000:", 5) && !NP_STRFN(strcmp)(loc + 5, spec);
}

const struct undriven *undriven_find(enum dev_kind kind, const char *spec)
{
    for (unsigned i = 0; spec && i < n_list; i++)
        if (list[i].kind == kind && location_is(list[i].location, spec))
            return &list[i];
    return NULL;
}
