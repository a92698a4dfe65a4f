/*
 * libFuzzer target: a proxy's answer to CONNECT (net/http/proxy.c, proxy_resp_feed), the one
 * part of proxy= that reads what a network peer sends. The input is a piece size (first byte,
 * 0 meaning 1), then the answer, fed in pieces of that size. Rules:
 *  - the verdict is 0 (incomplete), 1 (done), -NP_EBADMSG or -NP_EOVERFLOW, and is the same
 *    as when the whole answer is fed at once, with the same status, reason and bytes taken;
 *  - done: status 200..599, the bytes taken are within the input and end with a blank line
 *    ("\n\n" or "\n\r\n"), the reason is printable ASCII;
 *  - incomplete: every byte was taken and the head buffer never overflowed.
 * Crashes, sanitizer reports and broken rules (abort) are findings.
 */
#include <stdint.h>
#include <string.h>

#include "kernel/errno.h"
#include "net/http/proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "tests/fuzz/require.h"

static struct proxy_resp a, b;

static int feed(struct proxy_resp *r, const uint8_t *p, size_t n, size_t step, size_t *taken)
{
    int v = 0;
    size_t at = 0;
    proxy_resp_init(r);
    *taken = 0;
    while (v == 0 && at < n) {
        size_t k = n - at < step ? n - at : step, used = 0;
        v = proxy_resp_feed(r, p + at, k, &used);
        REQUIRE(used <= k);
        if (v >= 0)
            *taken += used;
        if (v == 0)
            REQUIRE(used == k);
        at += k;
    }
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t step = data[0] ? data[0] : 1, ta, tb;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    int va = feed(&a, p, n, step, &ta);
    int vb = feed(&b, p, n, n ? n : 1, &tb);
    REQUIRE(va == 0 || va == 1 || va == -NP_EBADMSG || va == -NP_EOVERFLOW);
    REQUIRE(va == vb);
    REQUIRE(a.len <= sizeof(a.head));
    if (va != 1)
        return 0;
    REQUIRE(ta == tb && ta <= n && ta >= 4);
    REQUIRE(a.status == b.status && a.status >= 200 && a.status <= 599);
    REQUIRE(!strcmp(a.reason, b.reason));
    for (const char *c = a.reason; *c; c++)
        REQUIRE(*c >= ' ' && *c < 0x7F);
    REQUIRE(p[ta - 1] == '\n' && (p[ta - 2] == '\n' || (p[ta - 2] == '\r' && p[ta - 3] == '\n')));
    return 0;
}
