/*
 * libFuzzer target: inet_frame_csum_ok (net/lwip-port/inet_csum.c) on any frame, compared with
 * the reference in inet_csum_ref.h. The first input byte says what to do with the rest before
 * the comparison, so that right checksums (rare in random bytes) are reached as often as
 * wrong ones:
 *   bit 0: recompute the IPv4 header and TCP/UDP/ICMP checksums (fr_fix_csums, frames.c);
 *   bit 1: then flip the bit numbered by the next two bytes (little-endian) of the frame;
 *   bit 2: force the EtherType to IPv4 and the version/IHL byte to 0x45 first.
 * The frame is checked from an exact-size copy, so reads past its end are ASan reports.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/lwip-port/inet_csum.h"
#include "tests/fuzz_net/inet_csum_ref.h"
#include "tests/unit_net/frames.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    size_t len = size - 1;
    uint8_t *f = malloc(len ? len : 1);
    memcpy(f, data + 1, len);
    if ((mode & 4) && len >= 15) {
        f[12] = 0x08;
        f[13] = 0x00;
        f[14] = 0x45;
    }
    if (mode & 1)
        fr_fix_csums(f, len);
    if ((mode & 2) && len >= 2) {
        size_t bit = ((size_t)f[0] | (size_t)f[1] << 8) % (len * 8);
        f[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    bool got = inet_frame_csum_ok(f, len), want = ref_inet_frame_csum_ok(f, len);
    if (got != want) {
        fprintf(stderr, "inet_frame_csum_ok %d, reference %d, %zu bytes:", got, want, len);
        for (size_t i = 0; i < len && i < 80; i++)
            fprintf(stderr, " %02x", f[i]);
        fprintf(stderr, "\n");
        abort();
    }
    free(f);
    return 0;
}
