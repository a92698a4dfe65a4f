#include "install/zeroes.h"

typedef uint64_t __attribute__((may_alias)) zword;     /* the ring's bytes, read as words */

bool zeroes_all(const uint8_t *p, size_t n)
{
    const zword *w = (const zword *)(const void *)p;
    /* Four words OR'ed per step: few branches for TCG to translate; data fails on the first. */
    for (size_t i = 0; i < n / 8; i += 4)
        if (w[i] | w[i + 1] | w[i + 2] | w[i + 3])
            return false;
    return true;
}

size_t zeroes_cut(uint64_t off, const uint8_t *data, size_t len, bool open_end, size_t max_run, bool *zero)
{
    uint64_t end = off + len, u = (off + ZEROES_UNIT - 1) & ~(uint64_t)(ZEROES_UNIT - 1);
    *zero = false;
    if (u != off) {
        /* Not on a boundary: up to the next one as data; the write after it starts aligned. */
        if (u < end)
            return (size_t)(u - off);
        return open_end ? 0 : len;
    }
    if (end - u >= ZEROES_UNIT && zeroes_all(data, ZEROES_UNIT)) {
        for (u += ZEROES_UNIT; end - u >= ZEROES_UNIT && u - off + ZEROES_UNIT <= max_run; u += ZEROES_UNIT)
            if (!zeroes_all(data + (u - off), ZEROES_UNIT))
                break;
        *zero = true;
        return (size_t)(u - off);
    }
    /* Data: whole units up to the first zero one (the first is not). */
    for (; end - u >= ZEROES_UNIT; u += ZEROES_UNIT)
        if (u != off && zeroes_all(data + (u - off), ZEROES_UNIT))
            return (size_t)(u - off);
    /* u: the last boundary. A partial unit after it waits for more, unless none can come. */
    if (u == end || (u == off && !open_end))
        return len;
    return (size_t)(u - off);
}
