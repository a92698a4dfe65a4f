/* header= checks (see hdropt.h): pure, host-tested. */
#include "net/http/hdropt.h"

#include "kernel/errno.h"
#include "kernel/string.h"

/* RFC 9110 5.6.2 tchar. */
static bool tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && NP_STRFN(strchr)("!#$%&'*+-.^_`|~", c));
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

bool hdropt_is(const char *line, const char *name)
{
    size_t i = 0;
    for (; name[i]; i++)
        if (lower(line[i]) != lower(name[i]))
            return false;
    return line[i] == ':';
}

int hdropt_check(const char *line)
{
    static const char *const ours[] = { "Host", "Range", "If-Range", "Connection", "Content-Length",
                                        "Transfer-Encoding", "Proxy-Authorization" };  /* the last: proxy= */
    const char *p = line;
    while (tchar(*p))
        p++;
    if (p == line || *p != ':')
        return -NP_EINVAL;
    for (const char *v = p + 1; *v; v++)
        if ((*v < ' ' && *v != '\t') || *v == 0x7F)
            return -NP_EINVAL;
    for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
        if (hdropt_is(line, ours[i]))
            return -NP_EPERM;
    return 0;
}
