/*
 * kernel/undriven.c: the devices found and not driven, and the messages that name them
 * instead of "no disk found" / "no network device found" as on an empty machine.
 */
#include "kernel/errno.h"
#include "kernel/undriven.h"
#include "tests/unit/test.h"

static char buf[400];

static void test_empty(void)
{
    undriven_reset();
    CHECK_EQ_U64(undriven_count(DEV_DISK), 0);
    CHECK(undriven_get(DEV_DISK, 0) == NULL);
    undriven_explain(DEV_DISK, buf, sizeof(buf));
    CHECK_STR(buf, "no disk found");
    undriven_explain(DEV_NIC, buf, sizeof(buf));
    CHECK_STR(buf, "no network device found");
}

/* The field report: only an NVMe disk. */
static void test_one(void)
{
    undriven_reset();
    CHECK_EQ_I64(undriven_add(DEV_DISK, "0000:00:04.0", "an NVMe controller", NULL), 0);
    CHECK_EQ_U64(undriven_count(DEV_DISK), 1);
    CHECK_EQ_U64(undriven_count(DEV_NIC), 0);
    undriven_format(undriven_get(DEV_DISK, 0), buf, sizeof(buf));
    CHECK_STR(buf, "0000:00:04.0 is an NVMe controller, which netplant does not drive");
    undriven_explain(DEV_DISK, buf, sizeof(buf));
    CHECK_STR(buf, "no disk found: 0000:00:04.0 is an NVMe controller, which netplant does not drive");
    /* The other kind is not affected. */
    undriven_explain(DEV_NIC, buf, sizeof(buf));
    CHECK_STR(buf, "no network device found");
}

static void test_several_and_failed(void)
{
    undriven_reset();
    undriven_add(DEV_DISK, "0000:00:04.0", "an NVMe controller", "");
    undriven_add(DEV_NIC, "0000:00:03.0", "an Intel 82540EM (e1000) Ethernet controller", NULL);
    undriven_add(DEV_DISK, "0000:00:05.0", "a virtio block device", "not supported: the device refused FEATURES_OK");
    CHECK_EQ_U64(undriven_count(DEV_DISK), 2);
    CHECK_STR(undriven_get(DEV_DISK, 1)->location, "0000:00:05.0");
    undriven_format(undriven_get(DEV_DISK, 1), buf, sizeof(buf));
    CHECK_STR(buf, "0000:00:05.0 is a virtio block device whose driver failed: not supported: the device "
                   "refused FEATURES_OK");
    undriven_explain(DEV_DISK, buf, sizeof(buf));
    CHECK_STR(buf, "no disk found that netplant can drive; 2 storage devices are not driven: 0000:00:04.0 "
                   "(an NVMe controller), 0000:00:05.0 (a virtio block device, driver failed)");
    undriven_explain(DEV_NIC, buf, sizeof(buf));
    CHECK_STR(buf, "no network device found: 0000:00:03.0 is an Intel 82540EM (e1000) Ethernet controller, "
                   "which netplant does not drive");
}

/* disk=00:04.0 / nic=0000:00:03.0 name a device that is there but not driven. */
static void test_find(void)
{
    undriven_reset();
    undriven_add(DEV_DISK, "0000:00:04.0", "an NVMe controller", NULL);
    undriven_add(DEV_NIC, "0000:00:03.0", "an Ethernet controller", NULL);
    undriven_add(DEV_DISK, "mmio 0xfeb00e00", "a virtio SCSI host", NULL);
    CHECK(undriven_find(DEV_DISK, "00:04.0") == undriven_get(DEV_DISK, 0));
    CHECK(undriven_find(DEV_DISK, "0000:00:04.0") == undriven_get(DEV_DISK, 0));
    CHECK(undriven_find(DEV_DISK, "mmio 0xfeb00e00") == undriven_get(DEV_DISK, 1));
    CHECK(undriven_find(DEV_DISK, "00:03.0") == NULL);     /* that one is a NIC */
    CHECK(undriven_find(DEV_NIC, "00:03.0") != NULL);
    CHECK(undriven_find(DEV_DISK, "04.0") == NULL);
    CHECK(undriven_find(DEV_DISK, NULL) == NULL);
}

/* Full list, long names, small buffers: always terminated, never past the buffer. */
static void test_limits(void)
{
    undriven_reset();
    unsigned added = 0;
    for (unsigned i = 0; i < UNDRIVEN_MAX + 3; i++)
        added += undriven_add(DEV_DISK, "0000:00:04.0-with-a-location-longer-than-the-field",
                              "a controller with a name much longer than the field that holds it, really",
                              NULL) == 0;
    CHECK_EQ_U64(added, UNDRIVEN_MAX);
    CHECK_EQ_U64(strlen(undriven_get(DEV_DISK, 0)->location), sizeof(undriven_get(DEV_DISK, 0)->location) - 1);
    for (size_t size = 1; size < 64; size++) {
        char small[64];
        memset(small, 'x', sizeof(small));
        int n = undriven_explain(DEV_DISK, small, size);
        CHECK(n >= 0 && (size_t)n < size);
        CHECK_EQ_U64(strlen(small), (uint64_t)n);
        CHECK(small[size] == 'x' || size == sizeof(small));
    }
    CHECK_EQ_I64(undriven_add(DEV_KINDS, "x", "y", NULL), -NP_EINVAL);
}

int main(void)
{
    TEST_RUN(test_empty);
    TEST_RUN(test_one);
    TEST_RUN(test_several_and_failed);
    TEST_RUN(test_find);
    TEST_RUN(test_limits);
    return test_finish();
}
