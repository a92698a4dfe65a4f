/* drivers/pci/pci_cap.c, pci_mcfg_parse: the ACPI MCFG table (PCI Firmware 3.2 4.1.2). */
#include "drivers/pci/pci.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"
#include "tests/unit/fakephys.h"

#define HDR 44      /* 36-byte SDT header + 8 reserved */

struct entry {
    uint64_t base;
    uint16_t seg;
    uint8_t start, end;
};

static uint8_t table[HDR + 16 * 16];
static size_t table_len;
static struct pci_ecam out[PCI_MAX_ECAM + 1];

static void put(size_t off, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        table[off + i] = (uint8_t)(v >> (8 * i));
}

/* An MCFG with these entries; its header's length field says exactly its size. */
static void build(const struct entry *e, unsigned n)
{
    memset(table, 0, sizeof(table));
    memcpy(table, "MCFG", 4);
    table_len = HDR + 16 * (size_t)n;
    put(4, table_len, 4);
    table[8] = 1;                       /* revision */
    memcpy(table + 10, "NETPLT", 6);    /* OEM id */
    for (unsigned i = 0; i < n; i++) {
        size_t off = HDR + 16 * (size_t)i;
        put(off, e[i].base, 8);
        put(off + 8, e[i].seg, 2);
        table[off + 10] = e[i].start;
        table[off + 11] = e[i].end;
    }
}

/* Parses the table from a buffer of exactly len bytes that ends at a guard page. */
static int parse_len(size_t len, unsigned max)
{
    memset(out, 0xA5, sizeof(out));
    uint8_t *p = guard_copy(table, len);
    int n = pci_mcfg_parse(p, len, out, max);
    guard_free(p, len);
    return n;
}

static int parse(unsigned max)
{
    return parse_len(table_len, max);
}

static void check_entry(unsigned i, const struct entry *e)
{
    CHECK_EQ_U64(out[i].base, e->base);
    CHECK_EQ_U64(out[i].seg, e->seg);
    CHECK_EQ_U64(out[i].start_bus, e->start);
    CHECK_EQ_U64(out[i].end_bus, e->end);
}

static void test_valid(void)
{
    /* QEMU q35: one segment, buses 0-255 at 0xB0000000. */
    const struct entry one = { 0xB0000000, 0, 0, 255 };
    build(&one, 1);
    if (CHECK_EQ_I64(parse(PCI_MAX_ECAM), 1))
        check_entry(0, &one);
    CHECK_EQ_U64(out[1].base, 0xA5A5A5A5A5A5A5A5ull);

    const struct entry two[] = { { 0xE0000000, 0, 0, 63 }, { 0x3F0000000000ull, 1, 0x80, 0x80 } };
    build(two, 2);
    if (CHECK_EQ_I64(parse(PCI_MAX_ECAM), 2)) {
        check_entry(0, &two[0]);
        check_entry(1, &two[1]);
    }
    /* No entries at all is a valid (if useless) table. */
    build(NULL, 0);
    CHECK_EQ_I64(parse(PCI_MAX_ECAM), 0);
}

static void test_bad_header(void)
{
    const struct entry one = { 0xB0000000, 0, 0, 255 };
    build(&one, 1);
    table[3] = 'X';
    CHECK_EQ_I64(parse(PCI_MAX_ECAM), -NP_EBADMSG);

    /* The header's length differs from the buffer's, either way. */
    build(&one, 1);
    put(4, table_len + 16, 4);
    CHECK_EQ_I64(parse(PCI_MAX_ECAM), -NP_EBADMSG);
    put(4, table_len - 16, 4);
    CHECK_EQ_I64(parse(PCI_MAX_ECAM), -NP_EBADMSG);
    build(&one, 1);
    CHECK_EQ_I64(parse_len(table_len - 1, PCI_MAX_ECAM), -NP_EBADMSG);

    /* Shorter than the fixed part: nothing past the buffer is read (guard page). */
    build(NULL, 0);
    CHECK_EQ_I64(parse_len(HDR - 1, PCI_MAX_ECAM), -NP_EBADMSG);
    CHECK_EQ_I64(parse_len(8, PCI_MAX_ECAM), -NP_EBADMSG);
    CHECK_EQ_I64(parse_len(0, PCI_MAX_ECAM), -NP_EBADMSG);
}

static void test_bad_entries(void)
{
    static const struct entry bad[] = {
        { 0xB0080000, 0, 0, 255 },                  /* not 1 MiB aligned */
        { 0xB0000001, 0, 0, 255 },
        { 0, 0, 0, 255 },                           /* no window */
        { 0xB0000000, 0, 10, 9 },                   /* end_bus < start_bus */
        { 0xFFFFFFFFFFF00000ull, 0, 0, 0 },         /* one bus, ends past 2^64 */
        { 0xFFFFFFFFF0000000ull, 0, 0, 255 },       /* 256 buses, ends exactly at 2^64 */
        { 0xFFFFFFFFF8000000ull, 0, 0x80, 0xFF },   /* the base is bus 0's, whatever start is */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        /* Bad alone, and bad after a good one. */
        build(&bad[i], 1);
        if (!CHECK_EQ_I64(parse(PCI_MAX_ECAM), -NP_EBADMSG))
            fprintf(stderr, "  entry %zu base %#llx\n", i, (unsigned long long)bad[i].base);
        struct entry pair[2] = { { 0xB0000000, 0, 0, 255 }, bad[i] };
        build(pair, 2);
        if (!CHECK_EQ_I64(parse(PCI_MAX_ECAM), -NP_EBADMSG))
            fprintf(stderr, "  entry %zu second\n", i);
    }
    /* The highest window that does not wrap. */
    const struct entry top = { 0xFFFFFFFFE0000000ull, 0, 0, 255 };
    build(&top, 1);
    CHECK_EQ_I64(parse(PCI_MAX_ECAM), 1);
    const struct entry one_bus = { 0xB0000000, 0, 7, 7 };
    build(&one_bus, 1);
    CHECK_EQ_I64(parse(PCI_MAX_ECAM), 1);
}

/* More entries than max: the first max are stored, out[max] is untouched. */
static void test_more_than_max(void)
{
    struct entry e[PCI_MAX_ECAM + 2];
    for (unsigned i = 0; i < PCI_MAX_ECAM + 2; i++)
        e[i] = (struct entry){ 0x100000000ull * (i + 1), (uint16_t)i, 0, 255 };
    build(e, PCI_MAX_ECAM + 2);
    if (CHECK_EQ_I64(parse(PCI_MAX_ECAM), PCI_MAX_ECAM))
        for (unsigned i = 0; i < PCI_MAX_ECAM; i++)
            check_entry(i, &e[i]);
    CHECK_EQ_U64(out[PCI_MAX_ECAM].base, 0xA5A5A5A5A5A5A5A5ull);
    build(e, 3);
    if (CHECK_EQ_I64(parse(2), 2))
        check_entry(1, &e[1]);
    CHECK_EQ_U64(out[2].seg, 0xA5A5);
    CHECK_EQ_I64(parse(0), 0);
}

int main(void)
{
    TEST_RUN(test_valid);
    TEST_RUN(test_bad_header);
    TEST_RUN(test_bad_entries);
    TEST_RUN(test_more_than_max);
    return test_finish();
}
