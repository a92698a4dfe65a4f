/*
 * drivers/virtio/virtio_core.c: feature negotiation, the status handshake (virtio 1.2 3.1.1)
 * and generation-checked config reads (2.5.1), against a fake transport that logs every
 * status write.
 */
#include "drivers/virtio/virtio.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"
#include "tests/unit_drivers/fake_env.h"

#define ACK  VIRTIO_STATUS_ACKNOWLEDGE
#define DRV  VIRTIO_STATUS_DRIVER
#define FOK  VIRTIO_STATUS_FEATURES_OK
#define DOK  VIRTIO_STATUS_DRIVER_OK
#define BIT(n) (1ull << (n))

/* The fake device behind the ops table. */
struct fake {
    uint8_t status;
    uint8_t writes[32];         /* every set_status value, in order */
    unsigned nwrites;
    unsigned resets;
    bool reset_stuck;           /* status never reads back 0 after a reset */
    unsigned reset_delay;       /* status reads after a reset before it reads back 0 */
    unsigned reset_pending;
    bool refuse_features_ok;    /* FEATURES_OK does not stick */
    uint64_t requires;          /* FEATURES_OK sticks only when all of these were accepted */
    uint64_t offered;
    uint64_t written;           /* what set_features got */
    unsigned set_features_calls;
    unsigned status_reads;
    /* Device config and its generation counter. */
    uint8_t config[16];
    uint8_t config_next[16];    /* what config becomes at the change */
    uint32_t generation;
    int change_after;           /* config_read accesses before the change; -1 never */
    bool always_changing;
    unsigned gen_reads;
    unsigned cfg_reads;
    unsigned widths[16];        /* width of each config access, in order */
};

static struct fake *fake_of(struct virtio_dev *d)
{
    return d->transport;
}

static void f_reset(struct virtio_dev *d)
{
    struct fake *f = fake_of(d);
    f->resets++;
    f->reset_pending = f->reset_delay;
    if (!f->reset_stuck && !f->reset_pending)
        f->status = 0;
}

static uint8_t f_get_status(struct virtio_dev *d)
{
    struct fake *f = fake_of(d);
    f->status_reads++;
    if (f->reset_pending && --f->reset_pending == 0 && !f->reset_stuck)
        f->status = 0;
    return f->status;
}

static void f_set_status(struct virtio_dev *d, uint8_t s)
{
    struct fake *f = fake_of(d);
    if (f->nwrites < sizeof(f->writes))
        f->writes[f->nwrites] = s;
    f->nwrites++;
    bool refuse = f->refuse_features_ok || (f->written & f->requires) != f->requires;
    f->status = refuse ? (uint8_t)(s & ~FOK) : s;
}

static uint64_t f_get_features(struct virtio_dev *d)
{
    return fake_of(d)->offered;
}

static void f_set_features(struct virtio_dev *d, uint64_t features)
{
    fake_of(d)->written = features;
    fake_of(d)->set_features_calls++;
}

static uint32_t f_generation(struct virtio_dev *d)
{
    struct fake *f = fake_of(d);
    f->gen_reads++;
    return f->always_changing ? f->generation++ : f->generation;
}

static uint32_t f_config_read(struct virtio_dev *d, unsigned off, unsigned len)
{
    struct fake *f = fake_of(d);
    if (f->cfg_reads < 16)
        f->widths[f->cfg_reads] = len;
    f->cfg_reads++;
    CHECK(off + len <= sizeof(f->config));
    CHECK(len == 1 || len == 2 || len == 4);
    CHECK(off % len == 0);      /* naturally aligned, one access of that width */
    uint32_t v = 0;
    for (unsigned i = 0; i < len && off + i < sizeof(f->config); i++)
        v |= (uint32_t)f->config[off + i] << (8 * i);
    /* The device changes its config in the middle of the driver's read. */
    if (f->change_after >= 0 && f->cfg_reads == (unsigned)f->change_after) {
        memcpy(f->config, f->config_next, sizeof(f->config));
        f->generation++;
    }
    return v;
}

static const struct virtio_ops modern_ops = {
    .name = "fake-modern", .modern = true, .ring_align = 4096,
    .reset = f_reset, .get_status = f_get_status, .set_status = f_set_status,
    .get_features = f_get_features, .set_features = f_set_features,
    .config_generation = f_generation, .config_read = f_config_read,
};

static const struct virtio_ops legacy_ops = {
    .name = "fake-legacy", .modern = false, .fixed_queue_size = true, .ring_align = 4096,
    .reset = f_reset, .get_status = f_get_status, .set_status = f_set_status,
    .get_features = f_get_features, .set_features = f_set_features,
    .config_generation = f_generation, .config_read = f_config_read,
};

/* What the block driver declares: device features only; the core adds the transport's. */
static const struct virtio_feature blk_features[] = {
    { 1, "size_max" }, { 2, "seg_max" }, { 5, "ro" }, { 6, "blk_size" }, { 9, "flush" },
};
#define NBLK (sizeof(blk_features) / sizeof(blk_features[0]))

static struct fake fk;
static struct virtio_dev dev;

static void setup(const struct virtio_ops *ops, uint64_t offered)
{
    memset(&fk, 0, sizeof(fk));
    fk.status = 0x0F;       /* whatever a previous driver left */
    fk.offered = offered;
    fk.change_after = -1;
    memset(&dev, 0, sizeof(dev));
    dev.ops = ops;
    dev.transport = &fk;
}

static void check_writes(const uint8_t *want, unsigned n)
{
    if (!CHECK_EQ_U64(fk.nwrites, n))
        return;
    for (unsigned i = 0; i < n; i++)
        if (!CHECK_EQ_U64(fk.writes[i], want[i]))
            fprintf(stderr, "  status write %u\n", i);
}

static void test_negotiate_pure(void)
{
    uint64_t acc = 0xDEAD;
    /* Modern: offered & supported, plus VERSION_1, which is required. */
    uint64_t offered = BIT(VIRTIO_F_VERSION_1) | BIT(1) | BIT(9) | BIT(12) | BIT(VIRTIO_F_RING_PACKED) |
                       BIT(VIRTIO_F_ACCESS_PLATFORM);
    CHECK_EQ_I64(virtio_features_negotiate(offered, blk_features, NBLK, true, &acc), 0);
    CHECK_EQ_U64(acc, BIT(VIRTIO_F_VERSION_1) | BIT(1) | BIT(9) | BIT(VIRTIO_F_ACCESS_PLATFORM));

    /* Modern without VERSION_1 offered: refused, nothing stored. */
    acc = 0xDEAD;
    CHECK_EQ_I64(virtio_features_negotiate(BIT(1) | BIT(9), blk_features, NBLK, true, &acc), -NP_ENOTSUP);
    CHECK_EQ_U64(acc, 0xDEAD);

    /* Legacy: 32 bits only; VERSION_1 never accepted, even when offered and "supported". */
    static const struct virtio_feature with_v1[] = { { 0, "a" }, { VIRTIO_F_VERSION_1, "v1" }, { 40, "hi" } };
    CHECK_EQ_I64(virtio_features_negotiate(~0ull, with_v1, 3, false, &acc), 0);
    CHECK_EQ_U64(acc, BIT(0));
    CHECK_EQ_I64(virtio_features_negotiate(0, with_v1, 3, false, &acc), 0);
    CHECK_EQ_U64(acc, 0);

    /* Nothing supported: modern gets the core's transport features alone. */
    CHECK_EQ_I64(virtio_features_negotiate(~0ull, NULL, 0, true, &acc), 0);
    CHECK_EQ_U64(acc, BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_ACCESS_PLATFORM) | BIT(VIRTIO_F_ORDER_PLATFORM));
}

static void test_start_modern(void)
{
    setup(&modern_ops, BIT(VIRTIO_F_VERSION_1) | BIT(1) | BIT(6) | BIT(7) | BIT(VIRTIO_F_EVENT_IDX));
    CHECK_EQ_I64(virtio_dev_start(&dev, blk_features, NBLK), 0);
    CHECK_EQ_U64(fk.resets, 1);
    const uint8_t want[] = { ACK, ACK | DRV, ACK | DRV | FOK };
    check_writes(want, 3);
    CHECK_EQ_U64(fk.set_features_calls, 1);
    CHECK_EQ_U64(fk.written, BIT(VIRTIO_F_VERSION_1) | BIT(1) | BIT(6));
    CHECK_EQ_U64(dev.features, fk.written);
    CHECK(virtio_has(&dev, 6) && !virtio_has(&dev, 7) && virtio_has(&dev, VIRTIO_F_VERSION_1));

    virtio_dev_ready(&dev);
    const uint8_t want2[] = { ACK, ACK | DRV, ACK | DRV | FOK, ACK | DRV | FOK | DOK };
    check_writes(want2, 4);
    CHECK_EQ_I64(virtio_dev_check(&dev), 0);
}

/* Legacy: 32 feature bits and no FEATURES_OK step at all. */
static void test_start_legacy(void)
{
    setup(&legacy_ops, BIT(1) | BIT(9) | BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_ACCESS_PLATFORM) | BIT(31));
    CHECK_EQ_I64(virtio_dev_start(&dev, blk_features, NBLK), 0);
    const uint8_t want[] = { ACK, ACK | DRV };
    check_writes(want, 2);
    CHECK_EQ_U64(fk.written, BIT(1) | BIT(9));
    CHECK_EQ_U64(fk.written >> 32, 0);
    for (unsigned i = 0; i < fk.nwrites && i < sizeof(fk.writes); i++)
        CHECK(!(fk.writes[i] & FOK));
    virtio_dev_ready(&dev);
    const uint8_t want2[] = { ACK, ACK | DRV, ACK | DRV | DOK };
    check_writes(want2, 3);
}

/* The device clears FEATURES_OK: it cannot work with what we accepted. */
static void test_features_ok_refused(void)
{
    setup(&modern_ops, BIT(VIRTIO_F_VERSION_1) | BIT(1));
    fk.refuse_features_ok = true;
    int err = virtio_dev_start(&dev, blk_features, NBLK);
    CHECK(err < 0);
    CHECK_EQ_I64(err, -NP_ENOTSUP);
    CHECK(fk.status & VIRTIO_STATUS_FAILED);
    CHECK(fk.nwrites >= 4 && (fk.writes[fk.nwrites - 1] & VIRTIO_STATUS_FAILED));
    CHECK_EQ_I64(virtio_dev_check(&dev), -NP_EIO);

    /* A modern device without VERSION_1: FAILED, and no features written. */
    setup(&modern_ops, BIT(1) | BIT(9));
    err = virtio_dev_start(&dev, blk_features, NBLK);
    CHECK_EQ_I64(err, -NP_ENOTSUP);
    CHECK(fk.status & VIRTIO_STATUS_FAILED);
    CHECK_EQ_U64(fk.set_features_calls, 0);
    for (unsigned i = 0; i < fk.nwrites && i < sizeof(fk.writes); i++)
        CHECK(!(fk.writes[i] & FOK));
}

/*
 * The field report: iommu_platform=on makes the device offer ACCESS_PLATFORM and refuse
 * FEATURES_OK without it. No driver declares it: the core accepts it (and ORDER_PLATFORM)
 * on every modern device, and never on legacy ones, which carry 32 bits.
 */
static void test_access_platform_required(void)
{
    setup(&modern_ops, BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_ACCESS_PLATFORM) | BIT(1));
    fk.requires = BIT(VIRTIO_F_ACCESS_PLATFORM);
    CHECK_EQ_I64(virtio_dev_start(&dev, blk_features, NBLK), 0);
    CHECK_EQ_U64(fk.written, BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_ACCESS_PLATFORM) | BIT(1));
    CHECK(fk.status & FOK);
    CHECK_STR(dev.why, "");

    setup(&modern_ops, BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_ORDER_PLATFORM));
    fk.requires = BIT(VIRTIO_F_ORDER_PLATFORM);
    CHECK_EQ_I64(virtio_dev_start(&dev, NULL, 0), 0);

    /* virtio-net's table too: the core adds the transport features to any driver's. */
    static const struct virtio_feature net[] = { { 5, "mac" }, { 16, "status" } };
    setup(&modern_ops, BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_ACCESS_PLATFORM) | BIT(5) | BIT(7));
    fk.requires = BIT(VIRTIO_F_ACCESS_PLATFORM);
    CHECK_EQ_I64(virtio_dev_start(&dev, net, 2), 0);
    CHECK_EQ_U64(fk.written, BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_ACCESS_PLATFORM) | BIT(5));
}

/* A device that still cannot start says which features it may have wanted, by name. */
static void test_refusal_names_features(void)
{
    setup(&modern_ops, BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_NOTIFICATION_DATA) | BIT(VIRTIO_F_RING_PACKED) |
                       BIT(1) | BIT(7) | BIT(12));
    fk.requires = BIT(VIRTIO_F_NOTIFICATION_DATA);
    CHECK_EQ_I64(virtio_dev_start(&dev, blk_features, NBLK), -NP_ENOTSUP);
    CHECK_STR(dev.why, "the device refused FEATURES_OK; offered, not accepted: RING_PACKED(34) "
                       "NOTIFICATION_DATA(38) device bits 0x1080");

    /* A modern device without VERSION_1 says so. */
    setup(&modern_ops, BIT(1));
    CHECK_EQ_I64(virtio_dev_start(&dev, blk_features, NBLK), -NP_ENOTSUP);
    CHECK(strstr(dev.why, "VERSION_1(32)") != NULL);

    /* A later successful start clears the reason. */
    setup(&modern_ops, BIT(VIRTIO_F_VERSION_1));
    strcpy(dev.why, "stale");
    CHECK_EQ_I64(virtio_dev_start(&dev, blk_features, NBLK), 0);
    CHECK_STR(dev.why, "");

    /* The naming itself: driver names from its table, nothing left, and a short buffer. */
    char buf[40];
    virtio_features_refused(buf, sizeof(buf), BIT(9) | BIT(VIRTIO_F_EVENT_IDX), 0, blk_features, NBLK);
    CHECK_STR(buf, "flush(9) EVENT_IDX(29)");
    virtio_features_refused(buf, sizeof(buf), BIT(9), BIT(9), blk_features, NBLK);
    CHECK_STR(buf, "none");
    char tiny[12];
    int n = virtio_features_refused(tiny, sizeof(tiny), ~0ull, 0, blk_features, NBLK);
    CHECK(n >= 0 && (size_t)n < sizeof(tiny));
    CHECK_EQ_U64(strlen(tiny), (uint64_t)n);
}

/* A reset that never completes: bounded by the clock, nothing written after it. */
static void test_reset_timeout(void)
{
    setup(&modern_ops, BIT(VIRTIO_F_VERSION_1));
    fk.reset_stuck = true;
    uint64_t clock0 = fake_clock_reads();
    CHECK_EQ_I64(virtio_dev_start(&dev, blk_features, NBLK), -NP_ETIMEDOUT);
    uint64_t polls = fake_clock_reads() - clock0;
    /* About VIRTIO_RESET_TIMEOUT_US / FAKE_CLOCK_STEP_US polls: bounded, not a spin. */
    CHECK(polls >= VIRTIO_RESET_TIMEOUT_US / FAKE_CLOCK_STEP_US);
    CHECK(polls <= VIRTIO_RESET_TIMEOUT_US / FAKE_CLOCK_STEP_US + 2);
    CHECK(fk.status_reads <= polls + 1);
    for (unsigned i = 0; i < fk.nwrites && i < sizeof(fk.writes); i++)
        CHECK(!(fk.writes[i] & (ACK | DRV)));

    /* A reset that takes a while (500 polls, half the bound) but completes. */
    setup(&modern_ops, BIT(VIRTIO_F_VERSION_1));
    fk.reset_delay = 500;
    CHECK_EQ_I64(virtio_dev_start(&dev, blk_features, NBLK), 0);
    CHECK_EQ_U64(fk.writes[0], ACK);
}

static void test_config_read(void)
{
    setup(&modern_ops, BIT(VIRTIO_F_VERSION_1));
    for (unsigned i = 0; i < 16; i++) {
        fk.config[i] = (uint8_t)(0x10 + i);
        fk.config_next[i] = (uint8_t)(0xA0 + i);
    }
    /* A stable 8-byte field: two 32-bit accesses, one try. */
    uint64_t cap = 0;
    CHECK_EQ_I64(virtio_config_read(&dev, 0, &cap, 8), 0);
    CHECK_EQ_U64(cap, 0x1716151413121110ull);
    CHECK_EQ_U64(fk.cfg_reads, 2);
    CHECK_EQ_U64(fk.widths[0], 4);
    CHECK_EQ_U64(fk.widths[1], 4);
    CHECK_EQ_U64(fk.gen_reads, 2);

    /* Unaligned and odd sizes go in naturally aligned pieces: 1 + 2 + 1 bytes at offset 1. */
    fk.cfg_reads = 0;
    uint8_t b[4];
    CHECK_EQ_I64(virtio_config_read(&dev, 1, b, 4), 0);
    CHECK(b[0] == 0x11 && b[1] == 0x12 && b[2] == 0x13 && b[3] == 0x14);
    CHECK_EQ_U64(fk.cfg_reads, 3);
    CHECK(fk.widths[0] == 1 && fk.widths[1] == 2 && fk.widths[2] == 1);

    /*
     * The device changes the 8-byte field between the two halves: the first try is torn
     * (old low half, new high half); the generation changed, so the read is retried and
     * the result is all new.
     */
    fk.cfg_reads = fk.gen_reads = 0;
    fk.change_after = 1;
    cap = 0;
    CHECK_EQ_I64(virtio_config_read(&dev, 0, &cap, 8), 0);
    CHECK_EQ_U64(cap, 0xA7A6A5A4A3A2A1A0ull);
    CHECK_EQ_U64(fk.cfg_reads, 4);
    CHECK_EQ_U64(fk.gen_reads, 4);
}

/* A generation that changes on every read: give up after a bounded number of tries. */
static void test_config_read_busy(void)
{
    setup(&modern_ops, BIT(VIRTIO_F_VERSION_1));
    fk.always_changing = true;
    uint32_t v;
    CHECK_EQ_I64(virtio_config_read(&dev, 4, &v, 4), -NP_EBUSY);
    CHECK_EQ_U64(fk.gen_reads, 200);     /* 100 tries, two generation reads each */
    CHECK_EQ_U64(fk.cfg_reads, 100);
}

/* The device raises NEEDS_RESET (or FAILED) after it was running. */
static void test_needs_reset(void)
{
    setup(&modern_ops, BIT(VIRTIO_F_VERSION_1));
    CHECK_EQ_I64(virtio_dev_start(&dev, NULL, 0), 0);
    virtio_dev_ready(&dev);
    CHECK_EQ_I64(virtio_dev_check(&dev), 0);
    fk.status |= VIRTIO_STATUS_NEEDS_RESET;
    CHECK_EQ_I64(virtio_dev_check(&dev), -NP_EIO);
    fk.status = ACK | DRV | FOK | DOK | VIRTIO_STATUS_FAILED;
    CHECK_EQ_I64(virtio_dev_check(&dev), -NP_EIO);

    /* virtio_dev_fail keeps the bits already set and adds FAILED. */
    setup(&modern_ops, BIT(VIRTIO_F_VERSION_1));
    fk.status = ACK | DRV;
    virtio_dev_fail(&dev);
    CHECK_EQ_U64(fk.status, ACK | DRV | VIRTIO_STATUS_FAILED);
}

int main(void)
{
    TEST_RUN(test_negotiate_pure);
    TEST_RUN(test_access_platform_required);
    TEST_RUN(test_refusal_names_features);
    TEST_RUN(test_start_modern);
    TEST_RUN(test_start_legacy);
    TEST_RUN(test_features_ok_refused);
    TEST_RUN(test_reset_timeout);
    TEST_RUN(test_config_read);
    TEST_RUN(test_config_read_busy);
    TEST_RUN(test_needs_reset);
    fake_dma_free_all();
    return test_finish();
}
