#include "net/lwip-port/dhcp_ack.h"

#include "kernel/errno.h"
#include "kernel/string.h"

#define BOOTP_OP_REPLY      2
#define BOOTP_YIADDR        16
#define BOOTP_CHADDR        28
#define BOOTP_COOKIE        236
#define BOOTP_OPTIONS       240
#define DHCP_COOKIE         0x63825363u
#define OPT_PAD             0
#define OPT_MASK            1
#define OPT_ROUTER          3
#define OPT_DNS             6
#define OPT_LEASE           51
#define OPT_MSG_TYPE        53
#define OPT_SERVER_ID       54
#define OPT_END             255
#define DHCP_ACK            5

static uint32_t rd32be(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void opt_take(struct dhcp_ack *a, uint8_t code, const uint8_t *v, uint8_t n, int *type)
{
    switch (code) {
    case OPT_MSG_TYPE: if (n >= 1) *type = v[0]; break;
    case OPT_MASK: if (n >= 4) NP_STRFN(memcpy)(a->mask, v, 4); break;
    case OPT_ROUTER: if (n >= 4) NP_STRFN(memcpy)(a->router, v, 4); break;
    case OPT_SERVER_ID: if (n >= 4) NP_STRFN(memcpy)(a->server, v, 4); break;
    case OPT_LEASE: if (n >= 4) a->lease_s = rd32be(v); break;
    case OPT_DNS:
        for (unsigned k = 0; k + 4 <= n && a->ndns < 2; k += 4)
            NP_STRFN(memcpy)(a->dns[a->ndns++], v + k, 4);
        break;
    default: break;
    }
}

int dhcp_ack_parse(const uint8_t *p, size_t len, struct dhcp_ack *a)
{
    static const uint8_t zero[4];
    int type = -1;
    NP_STRFN(memset)(a, 0, sizeof(*a));
    if (len < BOOTP_OPTIONS || p[0] != BOOTP_OP_REPLY || rd32be(p + BOOTP_COOKIE) != DHCP_COOKIE)
        return -NP_EBADMSG;
    NP_STRFN(memcpy)(a->chaddr, p + BOOTP_CHADDR, 6);
    NP_STRFN(memcpy)(a->addr, p + BOOTP_YIADDR, 4);
    for (size_t i = BOOTP_OPTIONS; i < len && p[i] != OPT_END;) {
        if (p[i] == OPT_PAD) {
            i++;
            continue;
        }
        if (i + 2 > len || i + 2 + p[i + 1] > len)
            return -NP_EBADMSG;     /* an option running past the packet */
        opt_take(a, p[i], p + i + 2, p[i + 1], &type);
        i += 2u + p[i + 1];
    }
    if (type != DHCP_ACK)
        return -NP_ENOENT;
    if (!NP_STRFN(memcmp)(a->addr, zero, 4) || !NP_STRFN(memcmp)(a->mask, zero, 4))
        return -NP_EBADMSG;
    return 0;
}
