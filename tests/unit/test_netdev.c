/*
 * kernel/netdev.c: which NIC to use. nic= decides; else the NIC the machine booted from, as
 * BOOTIF= or the boot loader's DHCP ACK names it; else the only one; else the first with link.
 */
#include "kernel/errno.h"
#include "kernel/netdev.h"
#include "tests/unit/test.h"

static struct netdev nd[3];
static struct netdev *const list[3] = { &nd[0], &nd[1], &nd[2] };
static const uint8_t mac1[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };

static void setup(void)
{
    memset(nd, 0, sizeof(nd));
    for (unsigned i = 0; i < 3; i++) {
        snprintf(nd[i].name, sizeof(nd[i].name), "eth%u", i);
        snprintf(nd[i].location, sizeof(nd[i].location), "pci 0000:00:0%u.0", i + 2);
        const uint8_t m[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, (uint8_t)(0x56 + i) };
        memcpy(nd[i].mac, m, 6);
    }
}

static void test_parse_mac(void)
{
    uint8_t m[6];
    CHECK_EQ_I64(netdev_parse_mac("01-52-54-00-12-34-57", m), 0);
    CHECK(memcmp(m, mac1, 6) == 0);
    CHECK_EQ_I64(netdev_parse_mac("52:54:00:12:34:57", m), 0);
    CHECK(memcmp(m, mac1, 6) == 0);
    CHECK_EQ_I64(netdev_parse_mac("52-54-00-12-34-57", m), 0);
    CHECK_EQ_I64(netdev_parse_mac("01-AA-bb-CC-dd-EE-ff", m), 0);
    CHECK_EQ_U64(m[0], 0xAA);
    CHECK_EQ_U64(m[5], 0xFF);
    static const char *const bad[] = {
        "", "01-52-54-00-12-34", "06-52-54-00-12-34-57", "01-52-54-00-12-34-57-", "01:52:54:00:12:34:57",
        "52:54:00:12:34", "52:54-00:12:34:57", "52:54:00:12:34:5g", "5:54:00:12:34:571", "01-52-54-00-12-34-5",
        "eth0",
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (!CHECK_EQ_I64(netdev_parse_mac(bad[i], m), -NP_EINVAL))
            fprintf(stderr, "  \"%s\"\n", bad[i]);
    CHECK_EQ_I64(netdev_parse_mac(NULL, m), -NP_EINVAL);
}

static void test_matches(void)
{
    setup();
    CHECK(netdev_matches(&nd[1], "eth1"));
    CHECK(netdev_matches(&nd[1], "ETH1"));
    CHECK(netdev_matches(&nd[1], "52:54:00:12:34:57"));
    CHECK(netdev_matches(&nd[1], "52:54:00:12:34:57"));
    CHECK(netdev_matches(&nd[1], "52-54-00-12-34-57"));
    CHECK(netdev_matches(&nd[1], "01-52-54-00-12-34-57"));
    CHECK(netdev_matches(&nd[1], "0000:00:03.0"));
    CHECK(netdev_matches(&nd[1], "00:03.0"));
    CHECK(!netdev_matches(&nd[1], "eth0"));
    CHECK(!netdev_matches(&nd[1], "03.0"));
    CHECK(!netdev_matches(&nd[1], ""));
}

static int choose(unsigned n, const char *spec, const uint8_t *bootif, const uint8_t *ack, const bool *link,
                  unsigned *i, enum netdev_why *why)
{
    const struct netdev_hint h = { spec, bootif, ack };
    *i = 99;
    return netdev_choose(list, n, &h, link, i, why);
}

/* The field report: booted through eth1, the loader's ACK says so; eth0 has link too. */
static void test_choose_by_ack(void)
{
    unsigned i;
    enum netdev_why why;
    const bool link[3] = { true, true, true };
    setup();
    CHECK_EQ_I64(choose(3, NULL, NULL, mac1, link, &i, &why), 0);
    CHECK_EQ_U64(i, 1);
    CHECK_EQ_U64(why, NETDEV_BY_ACK);
    /* Without link states known yet, the ACK still decides. */
    CHECK_EQ_I64(choose(3, NULL, NULL, mac1, NULL, &i, &why), 0);
    CHECK_EQ_U64(i, 1);
}

static void test_choose_order(void)
{
    unsigned i;
    enum netdev_why why;
    const bool link[3] = { false, true, true };
    const uint8_t mac2[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x58 }, other[6] = { 2, 0, 0, 0, 0, 1 };
    setup();
    /* nic= decides alone, over BOOTIF= and the ACK; naming nothing is an error. */
    CHECK_EQ_I64(choose(3, "eth0", mac2, mac1, link, &i, &why), 0);
    CHECK_EQ_U64(i, 0);
    CHECK_EQ_U64(why, NETDEV_BY_SPEC);
    CHECK_EQ_I64(choose(3, "eth7", mac2, mac1, link, &i, &why), -NP_ENOENT);
    CHECK_EQ_I64(choose(0, "eth0", NULL, NULL, NULL, &i, &why), -NP_ENOENT);
    /* BOOTIF= over the ACK. */
    CHECK_EQ_I64(choose(3, NULL, mac2, mac1, link, &i, &why), 0);
    CHECK_EQ_U64(i, 2);
    CHECK_EQ_U64(why, NETDEV_BY_BOOTIF);
    /* Hints that name no NIC here are passed over: then link decides. */
    CHECK_EQ_I64(choose(3, NULL, other, other, link, &i, &why), 0);
    CHECK_EQ_U64(i, 1);
    CHECK_EQ_U64(why, NETDEV_BY_LINK);
    /* One NIC: that one, link or not. */
    CHECK_EQ_I64(choose(1, NULL, other, NULL, NULL, &i, &why), 0);
    CHECK_EQ_U64(i, 0);
    CHECK_EQ_U64(why, NETDEV_ONLY);
    /* Several, no hint: link not known yet, or none with link: the first, and it says so. */
    CHECK_EQ_I64(choose(3, NULL, NULL, NULL, NULL, &i, &why), 0);
    CHECK_EQ_U64(why, NETDEV_NO_LINK);
    const bool none[3] = { false, false, false };
    CHECK_EQ_I64(choose(3, NULL, NULL, NULL, none, &i, &why), 0);
    CHECK_EQ_U64(i, 0);
    CHECK_EQ_U64(why, NETDEV_NO_LINK);
    /* No NIC at all. */
    CHECK_EQ_I64(choose(0, NULL, mac1, mac1, NULL, &i, &why), -NP_ENODEV);
}

int main(void)
{
    TEST_RUN(test_parse_mac);
    TEST_RUN(test_matches);
    TEST_RUN(test_choose_by_ack);
    TEST_RUN(test_choose_order);
    return test_finish();
}
