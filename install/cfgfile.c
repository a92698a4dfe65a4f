#include "install/cfgfile.h"

#include "kernel/errno.h"
#include "kernel/netdev.h"
#include "kernel/string.h"

#include <stdbool.h>

int cfgfile_expand_mac(const char *in, const uint8_t mac[6], char *out, size_t cap)
{
    char m[18];
    size_t o = 0;
    netdev_mac_format(mac, m, sizeof(m));
    for (const char *p = in; *p;) {
        const char *piece = p;
        size_t n = 1;
        if (NP_STRFN(strncmp)(p, "${mac}", 6) == 0)
            piece = m, n = 17, p += 6;
        else
            p++;
        if (o + n >= cap)
            return -NP_ENOSPC;
        NP_STRFN(memcpy)(out + o, piece, n);
        o += n;
    }
    if (!cap)
        return -NP_ENOSPC;
    out[o] = '\0';
    return 0;
}

int cfgfile_to_cmdline(const char *text, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    bool comment = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\n' || c == '\r')
            comment = false, c = ' ';
        else if (c == '#' && !comment)
            comment = true;
        else if (c == '\t')
            c = ' ';
        else if ((unsigned char)c < 0x20 || c == 0x7F)
            return -NP_EBADMSG;
        if (comment)
            continue;
        if (o + 1 >= cap)
            return -NP_ENOSPC;
        out[o++] = c;
    }
    if (!cap)
        return -NP_ENOSPC;
    out[o] = '\0';
    return 0;
}
