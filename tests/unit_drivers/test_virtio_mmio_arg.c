/* drivers/virtio/virtio_mmio_arg.c: `virtio_mmio.device=SIZE@BASE:IRQ[:ID]` values. */
#include "drivers/virtio/virtio_mmio.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"

static void expect_ok(const char *s, uint64_t base, uint64_t size, uint32_t irq)
{
    uint64_t b = 0, sz = 0;
    uint32_t i = 0;
    int err = virtio_mmio_parse_arg(s, &b, &sz, &i);
    if (!CHECK_EQ_I64(err, 0)) {
        fprintf(stderr, "  input \"%s\"\n", s);
        return;
    }
    CHECK_EQ_U64(b, base);
    CHECK_EQ_U64(sz, size);
    CHECK_EQ_U64(i, irq);
}

static void expect_err(const char *s, int want)
{
    uint64_t b, sz;
    uint32_t i;
    if (!CHECK_EQ_I64(virtio_mmio_parse_arg(s, &b, &sz, &i), want))
        fprintf(stderr, "  input \"%s\"\n", s ? s : "(NULL)");
}

static void test_valid(void)
{
    /* What QEMU's microvm appends (FACTS.md). */
    expect_ok("512@0xfeb00e00:12", 0xfeb00e00, 512, 12);
    expect_ok("512@0xfeb00000:5", 0xfeb00000, 512, 5);
    /* Size suffixes (powers of 1024), hex sizes, decimal bases, upper-case hex. */
    expect_ok("4K@0xfeb00000:5", 0xfeb00000, 4096, 5);
    expect_ok("4k@0xfeb00000:5", 0xfeb00000, 4096, 5);
    expect_ok("1M@0x10000000:7", 0x10000000, 1u << 20, 7);
    expect_ok("2G@0x100000000:7", 0x100000000ull, 2ull << 30, 7);
    expect_ok("0x200@0XFEB00E00:12", 0xfeb00e00, 512, 12);
    expect_ok("512@4273999360:0", 4273999360u, 512, 0);
    /* Linux's optional platform-device id: checked, ignored. */
    expect_ok("512@0xfeb00e00:12:3", 0xfeb00e00, 512, 12);
    expect_ok("512@0xfeb00e00:12:0x10", 0xfeb00e00, 512, 12);
    /* The largest IRQ that fits, and a window ending at the very top. */
    expect_ok("512@0xfeb00e00:4294967295", 0xfeb00e00, 512, 0xFFFFFFFF);
    expect_ok("0x1000@0xffffffffffffe000:1", 0xffffffffffffe000ull, 0x1000, 1);
}

static void test_malformed(void)
{
    static const char *const bad[] = {
        "", "512", "512@", "@0xfeb00e00:12", "512@0xfeb00e00", "512@0xfeb00e00:",
        "512@0xfeb00e00:12:", "512@0xfeb00e00:12:x", "512@0xfeb00e00:x", "x@0xfeb00e00:12",
        "512@0xfeb00e00:12junk", "512@0xfeb00e00:12:3:4", "512@@0xfeb00e00:12",
        "512@0xfeb00e00::12", "512 @0xfeb00e00:12", "-512@0xfeb00e00:12", "512@0x:12",
        "512@0xfeb00e00:4294967296",    /* IRQ over 32 bits */
        "0@0xfeb00e00:12",              /* empty window */
        "512@0:12",                     /* no base */
        "99999999999999999999@0x1000:1",        /* size over 64 bits */
        "16777216T@0x1000:1",                   /* suffix overflows */
        "512@0x00000000000000000000000000feb00e00:12",  /* longer than the field buffer */
        "512M1@0xfeb00e00:12",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_err(bad[i], -NP_EINVAL);
    expect_err(NULL, -NP_EINVAL);
}

/* base + size past 2^64: out of range, not a wrapped window. */
static void test_wrap(void)
{
    expect_err("0x1000@0xfffffffffffff800:1", -NP_ERANGE);
    expect_err("0x2000@0xffffffffffffe001:1", -NP_ERANGE);
    expect_err("16T@0xffffff0000000000:1", -NP_ERANGE);
}

int main(void)
{
    TEST_RUN(test_valid);
    TEST_RUN(test_malformed);
    TEST_RUN(test_wrap);
    return test_finish();
}
