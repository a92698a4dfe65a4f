/* kernel/blkdev.c: request checks (the range check keeps every write inside the disk) and
 * choosing the target disk from a spec. */
#include "kernel/blkdev.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"

static uint8_t buf[4096];

static struct blkdev disk(const char *name, const char *location, const char *serial)
{
    struct blkdev d;
    memset(&d, 0, sizeof(d));
    snprintf(d.name, sizeof(d.name), "%s", name);
    snprintf(d.location, sizeof(d.location), "%s", location);
    snprintf(d.serial, sizeof(d.serial), "%s", serial);
    snprintf(d.transport, sizeof(d.transport), "pci-modern");
    d.size = 1u << 20;
    d.block_size = 512;
    d.max_transfer = 64 * 1024;
    d.queue_depth = 4;
    return d;
}

static int check(const struct blkdev *d, enum blk_op op, uint64_t offset, size_t len)
{
    struct blk_req r = { .op = op, .offset = offset, .buf = buf, .len = len };
    return blkdev_check(d, &r);
}

static void test_check_valid(void)
{
    struct blkdev d = disk("vda", "pci 0000:00:04.0", "");
    CHECK_EQ_I64(check(&d, BLK_READ, 0, 512), 0);
    CHECK_EQ_I64(check(&d, BLK_WRITE, 0, 512), 0);
    CHECK_EQ_I64(check(&d, BLK_WRITE, d.size - 512, 512), 0);       /* the last block */
    CHECK_EQ_I64(check(&d, BLK_READ, d.size - 65536, 65536), 0);    /* max_transfer, to the end */
    d.block_size = 4096;
    CHECK_EQ_I64(check(&d, BLK_WRITE, 8192, 4096), 0);
}

static void test_check_alignment(void)
{
    struct blkdev d = disk("vda", "pci 0000:00:04.0", "");
    CHECK_EQ_I64(check(&d, BLK_READ, 0, 0), -NP_EINVAL);            /* empty */
    CHECK_EQ_I64(check(&d, BLK_WRITE, 100, 512), -NP_EINVAL);       /* offset */
    CHECK_EQ_I64(check(&d, BLK_WRITE, 0, 700), -NP_EINVAL);         /* length */
    CHECK_EQ_I64(check(&d, BLK_WRITE, 0, 65536 + 512), -NP_EINVAL); /* over max_transfer */
    struct blk_req r = { .op = BLK_READ, .offset = 0, .buf = NULL, .len = 512 };
    CHECK_EQ_I64(blkdev_check(&d, &r), -NP_EINVAL);                 /* no buffer */
    r = (struct blk_req){ .op = (enum blk_op)7, .offset = 0, .buf = buf, .len = 512 };
    CHECK_EQ_I64(blkdev_check(&d, &r), -NP_EINVAL);                 /* no such op */
    /* 4K-sector disk: 512-byte alignment is not enough. */
    d.block_size = 4096;
    CHECK_EQ_I64(check(&d, BLK_WRITE, 512, 4096), -NP_EINVAL);
    CHECK_EQ_I64(check(&d, BLK_WRITE, 0, 512), -NP_EINVAL);
}

static void test_check_range(void)
{
    struct blkdev d = disk("vda", "pci 0000:00:04.0", "");
    CHECK_EQ_I64(check(&d, BLK_WRITE, d.size, 512), -NP_ERANGE);
    CHECK_EQ_I64(check(&d, BLK_WRITE, d.size - 512, 1024), -NP_ERANGE);
    CHECK_EQ_I64(check(&d, BLK_READ, d.size + 4096, 512), -NP_ERANGE);
    /* offset + len wraps past 2^64 to a small number: still out of range. */
    CHECK_EQ_I64(check(&d, BLK_WRITE, UINT64_MAX - 511, 512), -NP_ERANGE);
    CHECK_EQ_I64(check(&d, BLK_WRITE, UINT64_MAX - 1023, 1024), -NP_ERANGE);
    /* A disk as large as can be: the last block fits, one past it wraps and does not. */
    d.size = UINT64_MAX & ~511ull;
    CHECK_EQ_I64(check(&d, BLK_WRITE, d.size - 512, 512), 0);
    CHECK_EQ_I64(check(&d, BLK_WRITE, d.size - 512, 1024), -NP_ERANGE);
    CHECK_EQ_I64(check(&d, BLK_WRITE, d.size, 512), -NP_ERANGE);
    /* An empty disk takes nothing. */
    d.size = 0;
    CHECK_EQ_I64(check(&d, BLK_READ, 0, 512), -NP_ERANGE);
}

static void test_check_ro_flush(void)
{
    struct blkdev d = disk("vda", "pci 0000:00:04.0", "");
    d.read_only = true;
    CHECK_EQ_I64(check(&d, BLK_WRITE, 0, 512), -NP_EROFS);
    CHECK_EQ_I64(check(&d, BLK_READ, 0, 512), 0);
    /* Without can_flush: -NP_ENOTSUP; with it, flush needs no range or buffer. */
    d.read_only = false;
    struct blk_req f = { .op = BLK_FLUSH };
    CHECK_EQ_I64(blkdev_check(&d, &f), -NP_ENOTSUP);
    d.can_flush = true;
    CHECK_EQ_I64(blkdev_check(&d, &f), 0);
}

static void test_check_write_zeroes(void)
{
    struct blkdev d = disk("vda", "pci 0000:00:04.0", "");
    struct blk_req z = { .op = BLK_WRITE_ZEROES, .offset = 0, .buf = NULL, .len = 512 };
    CHECK_EQ_I64(blkdev_check(&d, &z), -NP_ENOTSUP);                /* the disk does not offer it */
    d.max_zeroes = 256 * 1024;
    CHECK_EQ_I64(blkdev_check(&d, &z), 0);                          /* no buffer needed */
    z.len = 256 * 1024;                                             /* past max_transfer, within its own */
    CHECK_EQ_I64(blkdev_check(&d, &z), 0);
    z.len += 512;
    CHECK_EQ_I64(blkdev_check(&d, &z), -NP_EINVAL);
    z = (struct blk_req){ .op = BLK_WRITE_ZEROES, .offset = 100, .len = 512 };
    CHECK_EQ_I64(blkdev_check(&d, &z), -NP_EINVAL);                 /* alignment as for writes */
    z = (struct blk_req){ .op = BLK_WRITE_ZEROES, .offset = 0, .len = 0 };
    CHECK_EQ_I64(blkdev_check(&d, &z), -NP_EINVAL);
    z = (struct blk_req){ .op = BLK_WRITE_ZEROES, .offset = d.size - 512, .len = 1024 };
    CHECK_EQ_I64(blkdev_check(&d, &z), -NP_ERANGE);                 /* never past the disk */
    z = (struct blk_req){ .op = BLK_WRITE_ZEROES, .offset = UINT64_MAX - 511, .len = 512 };
    CHECK_EQ_I64(blkdev_check(&d, &z), -NP_ERANGE);
    d.read_only = true;
    z = (struct blk_req){ .op = BLK_WRITE_ZEROES, .offset = 0, .len = 512 };
    CHECK_EQ_I64(blkdev_check(&d, &z), -NP_EROFS);
}

static struct blkdev d_a, d_b, d_c, d_d;
static struct blkdev *list[4];

static void three_disks(void)
{
    d_a = disk("vda", "pci 0000:00:04.0", "SER-A");
    d_b = disk("vdb", "pci 0001:02:03.1", "");
    d_c = disk("vdc", "mmio 0xfeb00e00", "SER-C");
    list[0] = &d_a;
    list[1] = &d_b;
    list[2] = &d_c;
}

static void expect_select(unsigned n, const char *spec, int want, unsigned want_index)
{
    unsigned idx = 99;
    int err = blkdev_select(list, n, spec, &idx);
    if (!CHECK_EQ_I64(err, want)) {
        fprintf(stderr, "  spec \"%s\"\n", spec ? spec : "(NULL)");
        return;
    }
    if (want == 0 && !CHECK_EQ_U64(idx, want_index))
        fprintf(stderr, "  spec \"%s\"\n", spec ? spec : "(NULL)");
}

static void test_select_no_spec(void)
{
    three_disks();
    expect_select(1, NULL, 0, 0);
    expect_select(3, NULL, -NP_EINVAL, 0);     /* several: refuse to guess */
    expect_select(0, NULL, -NP_ENODEV, 0);
    expect_select(0, "vda", -NP_ENOENT, 0);
}

static void test_select_by(void)
{
    three_disks();
    /* Name. */
    expect_select(3, "vdb", 0, 1);
    expect_select(3, "vdc", 0, 2);
    /* PCI address: full, short (segment 0 only), with pci: in front. */
    expect_select(3, "0000:00:04.0", 0, 0);
    expect_select(3, "00:04.0", 0, 0);
    expect_select(3, "pci:00:04.0", 0, 0);
    expect_select(3, "pci:0000:00:04.0", 0, 0);
    expect_select(3, "0001:02:03.1", 0, 1);
    expect_select(3, "pci:0001:02:03.1", 0, 1);
    expect_select(3, "02:03.1", -NP_ENOENT, 0);            /* segment 1 has no short form */
    expect_select(3, "00:04.1", -NP_ENOENT, 0);
    /* MMIO base, only with mmio: in front. */
    expect_select(3, "mmio:0xfeb00e00", 0, 2);
    expect_select(3, "0xfeb00e00", -NP_ENOENT, 0);
    expect_select(3, "pci:0xfeb00e00", -NP_ENOENT, 0);
    expect_select(3, "mmio:0xfeb00c00", -NP_ENOENT, 0);
    /* Serial: with serial: or bare; an empty serial never matches. */
    expect_select(3, "serial:SER-C", 0, 2);
    expect_select(3, "SER-A", 0, 0);
    expect_select(3, "serial:", -NP_ENOENT, 0);
    expect_select(3, "", -NP_ENOENT, 0);
    expect_select(3, "serial:SER", -NP_ENOENT, 0);
    expect_select(3, "ser-a", -NP_ENOENT, 0);
    expect_select(3, "vd", -NP_ENOENT, 0);
    expect_select(3, "nope", -NP_ENOENT, 0);
}

static void test_select_ambiguous(void)
{
    three_disks();
    /* Two disks with one serial. */
    snprintf(d_b.serial, sizeof(d_b.serial), "SER-A");
    expect_select(3, "SER-A", -NP_EEXIST, 0);
    expect_select(3, "serial:SER-A", -NP_EEXIST, 0);
    expect_select(3, "vdb", 0, 1);
    /* One disk's name is another's serial. */
    three_disks();
    d_d = disk("SER-C", "pci 0000:00:05.0", "");
    list[3] = &d_d;
    expect_select(4, "SER-C", -NP_EEXIST, 0);
    expect_select(4, "serial:SER-C", 0, 2);
    expect_select(4, "00:05.0", 0, 3);
}

/* Root device hints: three disks of 64, 96 and 128 MiB. */
static void hinted_disks(void)
{
    three_disks();
    d_a.size = 64ull << 20;
    d_b.size = 96ull << 20;
    d_c.size = 128ull << 20;
    snprintf(d_b.serial, sizeof(d_b.serial), "SER-B");
    snprintf(d_a.model, sizeof(d_a.model), "QEMU HARDDISK");
    snprintf(d_c.model, sizeof(d_c.model), "QEMU NVMe Ctrl");
}

static void test_select_hints(void)
{
    hinted_disks();
    expect_select(3, "size:96M", 0, 1);
    expect_select(3, "size:100663296", 0, 1);
    expect_select(3, "size:96MiB", 0, 1);
    expect_select(3, "size:96m", 0, 1);
    expect_select(3, "size:97M", -NP_ENOENT, 0);
    expect_select(3, "min_size:100M", 0, 2);
    expect_select(3, "max_size:64M", 0, 0);
    expect_select(3, "min_size:64M,max_size:100M", -NP_EEXIST, 0);
    expect_select(3, "min_size:65M,max_size:100M", 0, 1);
    expect_select(3, "smallest", 0, 0);
    expect_select(3, "largest", 0, 2);
    expect_select(3, "min_size:65M,smallest", 0, 1);
    expect_select(3, "largest,max_size:100M", 0, 1);
    expect_select(3, "serial:SER-?", -NP_EEXIST, 0);
    expect_select(3, "serial:*B", 0, 1);
    expect_select(3, "serial:*", -NP_EEXIST, 0);
    expect_select(3, "serial:S*-C", 0, 2);
    expect_select(3, "serial:*-A*", 0, 0);
    expect_select(3, "serial:SER-*,smallest", 0, 0);
    expect_select(3, "model:QEMU*", -NP_EEXIST, 0);
    expect_select(3, "model:QEMU NVMe Ctrl", 0, 2);
    expect_select(3, "model:*HARD*", 0, 0);
    expect_select(3, "model:*", -NP_EEXIST, 0);        /* vdb has no model: never matches */
    expect_select(3, "model:QEMU*,largest", 0, 2);
    expect_select(3, "vdb,size:96M", 0, 1);
    expect_select(3, "vdb,size:64M", -NP_ENOENT, 0);
    expect_select(3, "size:1T", -NP_ENOENT, 0);
    expect_select(3, "size:0", -NP_ENOENT, 0);
    /* Malformed sizes are refused, not matched against nothing. */
    expect_select(3, "size:", -NP_EBADMSG, 0);
    expect_select(3, "size:12X", -NP_EBADMSG, 0);
    expect_select(3, "size:M", -NP_EBADMSG, 0);
    expect_select(3, "min_size:1GB", -NP_EBADMSG, 0);
    expect_select(3, "size:99999999999999999999", -NP_EBADMSG, 0);
    expect_select(3, "size:17179869184T", -NP_EBADMSG, 0);
    /* Ties under smallest/largest are ambiguous. */
    d_b.size = d_a.size;
    expect_select(3, "smallest", -NP_EEXIST, 0);
    expect_select(3, "smallest,serial:*B", 0, 1);
    d_b.size = d_c.size;
    expect_select(3, "largest", -NP_EEXIST, 0);
    expect_select(3, "", -NP_ENOENT, 0);
    expect_select(3, ",", -NP_ENOENT, 0);
}

int main(void)
{
    TEST_RUN(test_check_valid);
    TEST_RUN(test_check_alignment);
    TEST_RUN(test_check_range);
    TEST_RUN(test_check_ro_flush);
    TEST_RUN(test_check_write_zeroes);
    TEST_RUN(test_select_no_spec);
    TEST_RUN(test_select_by);
    TEST_RUN(test_select_ambiguous);
    TEST_RUN(test_select_hints);
    return test_finish();
}
