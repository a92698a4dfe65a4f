/* Parsing of `virtio_mmio.device=SIZE@BASE:IRQ[:ID]` command-line values (pure). */
#include "drivers/virtio/virtio_mmio.h"

#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/string.h"

/* Copies the field ending at one of the stop characters into buf; returns its end. */
static const char *field(const char *s, const char *stops, char *buf, size_t cap)
{
    size_t n = 0;
    while (s[n] && !NP_STRFN(strchr)(stops, s[n]))
        n++;
    if (n == 0 || n >= cap)
        return NULL;
    NP_STRFN(memcpy)(buf, s, n);
    buf[n] = '\0';
    return s + n;
}

int virtio_mmio_parse_arg(const char *s, uint64_t *base, uint64_t *size, uint32_t *irq)
{
    char buf[32];
    uint64_t v;
    if (!s)
        return -NP_EINVAL;
    const char *p = field(s, "@", buf, sizeof(buf));
    if (!p || *p != '@' || cmdline_parse_u64(buf, size) || *size == 0)
        return -NP_EINVAL;
    p = field(p + 1, ":", buf, sizeof(buf));
    if (!p || *p != ':' || cmdline_parse_u64(buf, base) || *base == 0)
        return -NP_EINVAL;
    if (*base + *size < *base)
        return -NP_ERANGE;
    p = field(p + 1, ":", buf, sizeof(buf));
    if (!p || cmdline_parse_u64(buf, &v) || v > UINT32_MAX)
        return -NP_EINVAL;
    *irq = (uint32_t)v;
    if (*p == ':') {    /* Linux's optional platform-device id: checked, not used */
        p = field(p + 1, "", buf, sizeof(buf));
        if (!p || cmdline_parse_u64(buf, &v))
            return -NP_EINVAL;
    }
    return 0;
}
