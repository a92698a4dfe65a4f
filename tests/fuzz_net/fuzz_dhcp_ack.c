/*
 * libFuzzer target: dhcp_ack_parse (net/lwip-port/dhcp_ack.c) on any bytes, the packet a boot
 * loader hands over. Compared with a reference parser written here from RFC 2131/2132 and the
 * header's contract:
 *  - shorter than the 240-byte fixed part, not a reply (op 2) or no magic cookie: -NP_EBADMSG;
 *  - options from byte 240: pad (0) is one byte, end (255) stops, any other is code, length,
 *    value; one whose length byte or value runs past the packet: -NP_EBADMSG;
 *  - message type (53) other than ACK (5), or none: -NP_ENOENT;
 *  - no address (yiaddr 0) or no mask (option 1 of at least 4 bytes, not 0): -NP_EBADMSG;
 *  - the last option of a code wins; DNS servers accumulate, two at most; values shorter than
 *    4 bytes are ignored.
 * Crashes, sanitizer reports and disagreements (abort) are findings.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/errno.h"
#include "net/lwip-port/dhcp_ack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "tests/fuzz/require.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool zero4(const uint8_t *p)
{
    return !p[0] && !p[1] && !p[2] && !p[3];
}

static int ref_parse(const uint8_t *p, size_t len, struct dhcp_ack *a)
{
    memset(a, 0, sizeof(*a));
    if (len < 240 || p[0] != 2 || be32(p + 236) != 0x63825363u)
        return -NP_EBADMSG;
    memcpy(a->chaddr, p + 28, 6);
    memcpy(a->addr, p + 16, 4);
    int type = -1;
    size_t i = 240;
    while (i < len) {
        uint8_t code = p[i];
        if (code == 255)
            break;
        if (code == 0) {
            i += 1;
            continue;
        }
        if (len - i < 2 || len - i - 2 < p[i + 1])
            return -NP_EBADMSG;
        size_t n = p[i + 1];
        const uint8_t *v = p + i + 2;
        if (code == 53 && n >= 1)
            type = v[0];
        if (code == 1 && n >= 4)
            memcpy(a->mask, v, 4);
        if (code == 3 && n >= 4)
            memcpy(a->router, v, 4);
        if (code == 54 && n >= 4)
            memcpy(a->server, v, 4);
        if (code == 51 && n >= 4)
            a->lease_s = be32(v);
        if (code == 6)
            for (size_t k = 0; k + 4 <= n && a->ndns < 2; k += 4)
                memcpy(a->dns[a->ndns++], v + k, 4);
        i += 2 + n;
    }
    if (type != 5)
        return -NP_ENOENT;
    if (zero4(a->addr) || zero4(a->mask))
        return -NP_EBADMSG;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dhcp_ack got, want;
    memset(&got, 0xA5, sizeof(got));
    int r = dhcp_ack_parse(data, size, &got);
    int w = ref_parse(data, size, &want);
    if (r != w) {
        fprintf(stderr, "dhcp_ack_parse %d, reference %d (%zu bytes)\n", r, w, size);
        abort();
    }
    REQUIRE(r == 0 || r == -NP_EBADMSG || r == -NP_ENOENT);
    REQUIRE(got.ndns <= 2);
    if (r == 0) {
        REQUIRE(!memcmp(got.chaddr, want.chaddr, 6));
        REQUIRE(!memcmp(got.addr, want.addr, 4) && !zero4(got.addr));
        REQUIRE(!memcmp(got.mask, want.mask, 4) && !zero4(got.mask));
        REQUIRE(!memcmp(got.router, want.router, 4));
        REQUIRE(!memcmp(got.server, want.server, 4));
        REQUIRE(got.lease_s == want.lease_s);
        REQUIRE(got.ndns == want.ndns);
        REQUIRE(!memcmp(got.dns, want.dns, sizeof(got.dns[0]) * got.ndns));
    }
    return 0;
}
