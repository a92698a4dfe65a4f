/* The entropy source for key material: chosen once, best first (see kernel/entropy.h). */
#include "kernel/entropy.h"

#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/string.h"

#define JITTER_PROBE        2048    /* samples behind the estimate */
#define JITTER_WORK         64      /* memory touches per sample: long enough to vary */
#define RDRAND_CREDIT_DIV   32      /* bits of RDRAND output per bit of entropy credited */

static struct entropy_dev *dev;
static enum entropy_kind kind = ENTROPY_NONE;
static unsigned jitter_x16;         /* estimated entropy per jitter sample, 1/16 bit */

int entropy_dev_register(struct entropy_dev *d)
{
    if (dev)
        return -NP_ENOSPC;
    dev = d;
    return 0;
}

const char *entropy_kind_name(enum entropy_kind k)
{
    switch (k) {
    case ENTROPY_RDSEED: return "RDSEED";
    case ENTROPY_RDRAND: return "RDRAND";
    case ENTROPY_DEVICE: return "device";
    case ENTROPY_JITTER: return "TSC jitter";
    default: return "none";
    }
}

/*
 * One jitter sample: the low byte of the change in how long a short walk over memory took.
 * The walk's time varies with caches, the TLB and (in a VM) the host; the second difference
 * takes out the steady part.
 */
static uint8_t jitter_sample(void)
{
    static volatile uint8_t mem[4096];
    static uint64_t prev;
    uint64_t t0 = rdtsc();
    for (unsigned i = 0; i < JITTER_WORK; i++)
        mem[(i * 67u + (unsigned)t0) & 4095u] += (uint8_t)i;
    uint64_t d = rdtsc() - t0;
    uint8_t s = (uint8_t)(d - prev);
    prev = d;
    return s;
}

static unsigned jitter_probe(void)
{
    static uint8_t s[JITTER_PROBE];
    for (unsigned i = 0; i < JITTER_PROBE; i++)
        s[i] = jitter_sample();
    return jitter_estimate_x16(s, JITTER_PROBE);
}

enum entropy_kind entropy_init(void)
{
    enum cpu_rng c = cpu_rng_best();
    uint64_t w;
    if (c != CPU_RNG_NONE && cpu_rng_fill(c, &w, 1) == 1) {
        kind = c == CPU_RNG_RDSEED ? ENTROPY_RDSEED : ENTROPY_RDRAND;
        log_info("entropy: %s (CPU instruction)\n", entropy_kind_name(kind));
        return kind;
    }
    if (dev) {
        kind = ENTROPY_DEVICE;
        log_info("entropy: %s (no RDSEED/RDRAND)\n", dev->name);
        return kind;
    }
    uint64_t t0 = clock_us();
    jitter_x16 = jitter_probe();
    if (!jitter_x16) {
        log_warn("entropy: none (no RDSEED/RDRAND, no virtio-rng, and the TSC shows no jitter): no TLS\n");
        return kind = ENTROPY_NONE;
    }
    kind = ENTROPY_JITTER;
    log_info("entropy: TSC jitter (no RDSEED/RDRAND, no virtio-rng), estimated %u.%02u bits per sample "
             "(%llu us for %u samples)\n", jitter_x16 / 16, jitter_x16 % 16 * 100 / 16,
             (unsigned long long)(clock_us() - t0), JITTER_PROBE);
    return kind;
}

enum entropy_kind entropy_kind(void)
{
    return kind;
}

static int read_cpu(enum cpu_rng c, uint8_t *buf, size_t len, size_t *bits)
{
    size_t off = 0;
    while (off < len) {
        uint64_t w;
        if (cpu_rng_fill(c, &w, 1) != 1)
            return -NP_EIO;
        size_t k = len - off < 8 ? len - off : 8;
        NP_STRFN(memcpy)(buf + off, &w, k);
        off += k;
    }
    *bits = c == CPU_RNG_RDSEED ? len * 8 : len * 8 / RDRAND_CREDIT_DIV;
    return 0;
}

int entropy_read(uint8_t *buf, size_t len, size_t *bits)
{
    *bits = 0;
    switch (kind) {
    case ENTROPY_RDSEED:
        return read_cpu(CPU_RNG_RDSEED, buf, len, bits);
    case ENTROPY_RDRAND:
        return read_cpu(CPU_RNG_RDRAND, buf, len, bits);
    case ENTROPY_DEVICE: {
        int n = dev->read(dev, buf, len);
        if (n < 0)
            return n;
        *bits = (size_t)n * 8;  /* virtio-rng: the host's /dev/urandom, full entropy */
        if ((size_t)n < len)
            NP_STRFN(memset)(buf + n, 0, len - (size_t)n);
        return 0;
    }
    case ENTROPY_JITTER:
        for (size_t i = 0; i < len; i++)
            buf[i] = jitter_sample();
        *bits = len * jitter_x16 / 16;
        return 0;
    default:
        return -NP_ENODEV;
    }
}
