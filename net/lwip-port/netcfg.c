#include "net/lwip-port/netcfg.h"

#include "kernel/errno.h"
#include "kernel/string.h"

/* Parses "a.b.c.d" at s; returns the end, or NULL. */
static const char *parse_quad(const char *s, uint8_t out[4])
{
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4)
            v = v * 10 + (unsigned)(*s++ - '0'), digits++;
        if (digits == 0 || digits > 3 || v > 255)
            return NULL;
        out[part] = (uint8_t)v;
        if (part < 3 && *s++ != '.')
            return NULL;
    }
    return s;
}

int netcfg_parse_ipv4(const char *s, uint8_t out[4])
{
    const char *end = s ? parse_quad(s, out) : NULL;
    return end && !*end ? 0 : -NP_EINVAL;
}

int netcfg_parse_cidr(const char *s, uint8_t addr[4], unsigned *prefix)
{
    const char *end = s ? parse_quad(s, addr) : NULL;
    if (!end || *end != '/' || !end[1])
        return -NP_EINVAL;
    unsigned v = 0;
    for (end++; *end >= '0' && *end <= '9' && v <= 32; end++)
        v = v * 10 + (unsigned)(*end - '0');
    if (*end || v > 32)
        return -NP_EINVAL;
    *prefix = v;
    return 0;
}

int netcfg_parse_ipv4_list(const char *s, uint8_t (*out)[4], unsigned max)
{
    unsigned n = 0;
    if (!s || !*s)
        return -NP_EINVAL;
    for (;;) {
        if (n == max)
            return -NP_ENOSPC;
        const char *end = parse_quad(s, out[n]);
        if (!end || (*end && *end != ','))
            return -NP_EINVAL;
        n++;
        if (!*end)
            return (int)n;
        s = end + 1;
    }
}

void netcfg_prefix_mask(unsigned prefix, uint8_t mask[4])
{
    uint32_t m = prefix ? 0xFFFFFFFFu << (32 - (prefix > 32 ? 32 : prefix)) : 0;
    mask[0] = (uint8_t)(m >> 24);
    mask[1] = (uint8_t)(m >> 16);
    mask[2] = (uint8_t)(m >> 8);
    mask[3] = (uint8_t)m;
}
