#include "kernel/netdev.h"

#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"

#define NETDEV_MAX 8

static struct netdev *devs[NETDEV_MAX];
static unsigned n_devs;

int netdev_register(struct netdev *d)
{
    if (n_devs == NETDEV_MAX)
        return -NP_ENOSPC;
    devs[n_devs++] = d;
    return 0;
}

unsigned netdev_count(void) { return n_devs; }
struct netdev *netdev_get(unsigned i) { return i < n_devs ? devs[i] : 0; }
struct netdev *const *netdev_all(void) { return devs; }

static bool str_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a, y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

bool netdev_matches(const struct netdev *d, const char *spec)
{
    char mac[24];
    uint8_t m[6];
    netdev_mac_format(d->mac, mac, sizeof(mac));
    const char *loc = NP_STRFN(strchr)(d->location, ' ');
    loc = loc ? loc + 1 : d->location;
    if (str_ieq(spec, d->name) || str_ieq(spec, mac) || str_ieq(spec, loc) ||
        (NP_STRFN(strncmp)(loc, "0000:", 5) == 0 && str_ieq(spec, loc + 5)))
        return true;
    /* A MAC written another way ("52-54-00-...", BOOTIF's "01-52-54-..."). */
    return netdev_parse_mac(spec, m) == 0 && NP_STRFN(memcmp)(m, d->mac, 6) == 0;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* n bytes of two hex digits each, separated by sep; 0 when s is exactly that. */
static int parse_hex_bytes(const char *s, char sep, uint8_t *out, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);
        if (lo < 0)
            return -NP_EINVAL;
        out[i] = (uint8_t)(hi << 4 | lo);
        s += 2;
        if (i + 1 < n && *s++ != sep)
            return -NP_EINVAL;
    }
    return *s ? -NP_EINVAL : 0;
}

int netdev_parse_mac(const char *s, uint8_t mac[6])
{
    if (!s)
        return -NP_EINVAL;
    size_t len = NP_STRFN(strlen)(s);
    if (len == 20 && s[0] == '0' && s[1] == '1' && s[2] == '-')
        return parse_hex_bytes(s + 3, '-', mac, 6);     /* BOOTIF: type 01, Ethernet */
    /* A NIC's own address is never a group one (bit 0 of the first byte): "01-52-54-..." cut short is not a MAC. */
    if (len == 17 && (s[2] == ':' || s[2] == '-') && !parse_hex_bytes(s, s[2], mac, 6) && !(mac[0] & 1))
        return 0;
    return -NP_EINVAL;
}

static int find_mac(struct netdev *const *list, unsigned n, const uint8_t *mac)
{
    for (unsigned i = 0; mac && i < n; i++)
        if (NP_STRFN(memcmp)(list[i]->mac, mac, 6) == 0)
            return (int)i;
    return -1;
}

int netdev_choose(struct netdev *const *list, unsigned n, const struct netdev_hint *h, const bool *link,
                  unsigned *index, enum netdev_why *why)
{
    int i;
    if (h->spec) {
        for (unsigned k = 0; k < n; k++)
            if (netdev_matches(list[k], h->spec))
                return *index = k, *why = NETDEV_BY_SPEC, 0;
        return -NP_ENOENT;
    }
    if (n == 0)
        return -NP_ENODEV;
    if ((i = find_mac(list, n, h->bootif)) >= 0)
        return *index = (unsigned)i, *why = NETDEV_BY_BOOTIF, 0;
    if ((i = find_mac(list, n, h->ack_mac)) >= 0)
        return *index = (unsigned)i, *why = NETDEV_BY_ACK, 0;
    if (n == 1)
        return *index = 0, *why = NETDEV_ONLY, 0;
    for (unsigned k = 0; link && k < n; k++)
        if (link[k])
            return *index = k, *why = NETDEV_BY_LINK, 0;
    return *index = 0, *why = NETDEV_NO_LINK, 0;
}

void netdev_mac_format(const uint8_t mac[6], char *buf, unsigned size)
{
    np_snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}
