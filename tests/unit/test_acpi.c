/*
 * kernel/acpi.c: RSDP checks and scan, RSDT/XSDT lookup, FADT decoding and the \_S5 package,
 * over synthetic tables in a guarded fake physical memory (fakephys.h).
 */
#include <string.h>

#include "kernel/acpi.h"
#include "kernel/errno.h"
#include "fakephys.h"
#include "test.h"

#define FAKE_SIZE (1u << 20)
#define A_RSDP  0xE0050u        /* 0xE0000 + 16 * 5 */
#define A_RSDT  0x10000u
#define A_XSDT  0x11000u
#define A_FACP  0x12000u
#define A_DSDT  0x13000u
#define A_APIC  0x14000u        /* built with a bad checksum */
#define A_SSDT0 0x15000u
#define A_SSDT1 0x16000u

static struct fakephys phys;
static struct acpi_info ai;

/* Name(_S5_, Package(4) { 5, 7, 0, 0 }) with BytePrefix elements. */
static const uint8_t aml_s5[] = {
    0x08, '_', 'S', '5', '_', 0x12, 0x0A, 0x04, 0x0A, 0x05, 0x0A, 0x07, 0x00, 0x00,
};

/* An SDT header (ACPI 6.5 section 5.2.6) over len bytes at t, checksum last. */
static void build_sdt(uint8_t *t, const char *sig, uint32_t len, uint8_t revision)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = revision;
    memcpy(t + 10, "NPOEM1", 6);
    memcpy(t + 16, "NETPLANT", 8);
    put32(t + 24, 1);
    memcpy(t + 28, "NPTC", 4);
    put32(t + 32, 1);
    fix_checksum(t, len, 9);
}

static uint8_t *at(uint32_t addr)
{
    return phys.mem + addr;
}

/* A revision-6 FADT: legacy I/O blocks, a 32-bit timer and a reset register at 0xCF9. */
static void build_fadt(uint8_t *f)
{
    memset(f, 0, 276);
    put32(f + 40, A_DSDT);
    put32(f + 48, 0xB2);                    /* SMI_CMD */
    f[52] = 0xF0;                           /* ACPI_ENABLE */
    put32(f + 64, 0x604);                   /* PM1a_CNT_BLK */
    put32(f + 76, 0x608);                   /* PM_TMR_BLK */
    f[89] = 2;                              /* PM1_CNT_LEN */
    f[91] = 4;                              /* PM_TMR_LEN */
    put32(f + 112, (1u << 8) | (1u << 10)); /* TMR_VAL_EXT, RESET_REG_SUP */
    f[116] = ACPI_SPACE_IO;                 /* RESET_REG */
    f[117] = 8;
    f[118] = 0;
    f[119] = 1;
    put64(f + 120, 0xCF9);
    f[128] = 0x06;                          /* RESET_VALUE */
    build_sdt(f, "FACP", 276, 6);
}

/* Writes a root table (RSDT: 4-byte entries, XSDT: 8) listing the given tables. */
static void build_root(uint32_t addr, bool xsdt, const uint32_t *tables, unsigned n)
{
    unsigned esize = xsdt ? 8 : 4;
    uint8_t *t = at(addr);
    memset(t, 0, 36 + n * esize);
    for (unsigned i = 0; i < n; i++) {
        if (xsdt)
            put64(t + 36 + i * 8, tables[i]);
        else
            put32(t + 36 + i * 4, tables[i]);
    }
    build_sdt(t, xsdt ? "XSDT" : "RSDT", 36 + n * esize, 1);
}

/* The whole firmware: RSDP (revision given), RSDT and XSDT, FADT, DSDT with aml, and extras. */
static void build_firmware(uint8_t rsdp_rev, const uint8_t *aml, size_t aml_len)
{
    static const uint32_t tables[] = { A_APIC, A_FACP, A_SSDT0, A_SSDT1 };
    memset(phys.mem, 0, phys.size);
    build_rsdp(at(A_RSDP), rsdp_rev, A_RSDT, rsdp_rev >= 2 ? A_XSDT : 0);
    build_root(A_RSDT, false, tables, 4);
    build_root(A_XSDT, true, tables, 4);
    build_fadt(at(A_FACP));
    memcpy(at(A_DSDT) + 36, aml, aml_len);
    build_sdt(at(A_DSDT), "DSDT", (uint32_t)(36 + aml_len), 2);
    build_sdt(at(A_APIC), "APIC", 44, 1);
    at(A_APIC)[40] ^= 1;                    /* checksum now wrong */
    build_sdt(at(A_SSDT0), "SSDT", 40, 2);
    build_sdt(at(A_SSDT1), "SSDT", 40, 2);
}

static bool gas_is(const struct acpi_gas *g, uint8_t space, uint8_t width, uint8_t access, uint64_t addr)
{
    return g->space == space && g->bit_width == width && g->bit_offset == 0 &&
           g->access_size == access && g->address == addr;
}

/* ---- RSDP ---- */

/* acpi_rsdp_check: both revisions, each checksum, signature, lengths. */
static void test_rsdp_check(void)
{
    uint8_t p[64];

    CHECK_EQ_I64(acpi_rsdp_check(p, build_rsdp(p, 0, 0x1000, 0)), 20);
    CHECK_EQ_I64(acpi_rsdp_check(p, sizeof(p)), 20);         /* longer buffer: still 20 */
    p[16] ^= 1;
    CHECK_EQ_I64(acpi_rsdp_check(p, 20), -NP_EBADMSG);      /* first checksum */
    build_rsdp(p, 0, 0x1000, 0);
    p[7] = 'X';
    CHECK_EQ_I64(acpi_rsdp_check(p, 20), -NP_EBADMSG);      /* signature */
    build_rsdp(p, 0, 0x1000, 0);
    CHECK_EQ_I64(acpi_rsdp_check(p, 19), -NP_EBADMSG);

    CHECK_EQ_I64(acpi_rsdp_check(p, build_rsdp(p, 2, 0x1000, 0x2000)), 36);
    p[30] ^= 1;
    CHECK_EQ_I64(acpi_rsdp_check(p, 36), -NP_EBADMSG);      /* extended checksum */
    build_rsdp(p, 2, 0x1000, 0x2000);
    CHECK_EQ_I64(acpi_rsdp_check(p, 35), -NP_EBADMSG);      /* shorter than its length */
    put32(p + 20, 30);
    fix_checksum(p, 20, 8);
    fix_checksum(p, 36, 32);
    CHECK_EQ_I64(acpi_rsdp_check(p, 36), -NP_EBADMSG);      /* length field below 36 */
    build_rsdp(p, 2, 0x1000, 0x2000);
    put32(p + 20, 40);                                       /* longer, and covered */
    fix_checksum(p, 20, 8);
    p[36] = p[37] = p[38] = p[39] = 0;
    fix_checksum(p, 40, 32);
    CHECK_EQ_I64(acpi_rsdp_check(p, 40), 36);
    CHECK_EQ_I64(acpi_rsdp_check(p, 39), -NP_EBADMSG);
}

/*
 * A revision-2 RSDP given as only 20 bytes (e.g. Multiboot2's old-ACPI tag with a newer
 * table): must be refused without reading byte 20. EXPECTED TO FAIL (SIGSEGV on the guard
 * page) with kernel/acpi.c as of this writing: acpi_rsdp_check reads the length field at
 * p + 20 before it checks len >= 36.
 */
static void test_rsdp_check_short_v2(void)
{
    uint8_t p[36];
    build_rsdp(p, 2, 0x1000, 0x2000);
    uint8_t *g = guard_copy(p, 20);
    CHECK_EQ_I64(acpi_rsdp_check(g, 20), -NP_EBADMSG);
    guard_free(g, 20);
}

/* acpi_rsdp_scan: the EBDA (from the BDA word at 0x40E) first, then 0xE0000-0xFFFFF. */
static void test_rsdp_scan(void)
{
    uint8_t *m = phys.mem;

    memset(m, 0, phys.size);
    CHECK_EQ_U64(acpi_rsdp_scan(fakephys_map, &phys), 0);

    build_rsdp(m + 0xE0000 + 16 * 37, 2, A_RSDT, A_XSDT);
    CHECK_EQ_U64(acpi_rsdp_scan(fakephys_map, &phys), 0xE0000 + 16 * 37);

    /* A candidate with a bad checksum before it is skipped. */
    build_rsdp(m + 0xE0000 + 16 * 2, 0, A_RSDT, 0);
    m[0xE0000 + 16 * 2 + 8] ^= 0x55;
    CHECK_EQ_U64(acpi_rsdp_scan(fakephys_map, &phys), 0xE0000 + 16 * 37);

    /* Only 16-byte boundaries are searched. */
    memset(m + 0xE0000, 0, 0x20000);
    build_rsdp(m + 0xE0008, 0, A_RSDT, 0);
    CHECK_EQ_U64(acpi_rsdp_scan(fakephys_map, &phys), 0);

    /* The last slot of the BIOS area (a 20-byte RSDP ending 12 bytes before 1 MiB). */
    memset(m + 0xE0000, 0, 0x20000);
    build_rsdp(m + 0xFFFE0, 0, A_RSDT, 0);
    CHECK_EQ_U64(acpi_rsdp_scan(fakephys_map, &phys), 0xFFFE0);

    /* The EBDA wins over the BIOS area. */
    put16(m + 0x40E, 0x9FC0);
    build_rsdp(m + 0x9FC00 + 32, 0, A_RSDT, 0);
    CHECK_EQ_U64(acpi_rsdp_scan(fakephys_map, &phys), 0x9FC00 + 32);

    /* Only the EBDA's first KiB. */
    memset(m + 0x9FC00, 0, 0x400);
    build_rsdp(m + 0x9FC00 + 0x400, 0, A_RSDT, 0);
    CHECK_EQ_U64(acpi_rsdp_scan(fakephys_map, &phys), 0xFFFE0);

    /* An EBDA segment outside 0x80000-0x9FFFF is not believed. */
    build_rsdp(m + 0x1000, 0, A_RSDT, 0);
    put16(m + 0x40E, 0x0100);
    CHECK_EQ_U64(acpi_rsdp_scan(fakephys_map, &phys), 0xFFFE0);
}

/* ---- Tables ---- */

static void check_full_init(uint8_t revision)
{
    CHECK(ai.found);
    CHECK_EQ_U64(ai.revision, revision);
    CHECK_STR(ai.oem, "NPOEM1");
    CHECK(ai.have_fadt);
    CHECK_EQ_U64(ai.smi_cmd, 0xB2);
    CHECK_EQ_U64(ai.acpi_enable, 0xF0);
    CHECK(gas_is(&ai.pm1a_cnt, ACPI_SPACE_IO, 16, 0, 0x604));
    CHECK_EQ_U64(ai.pm1b_cnt.address, 0);
    CHECK(gas_is(&ai.pm_tmr, ACPI_SPACE_IO, 32, 0, 0x608));
    CHECK(ai.pm_tmr_32bit);
    CHECK(ai.reset_supported);
    CHECK(gas_is(&ai.reset_reg, ACPI_SPACE_IO, 8, 1, 0xCF9));
    CHECK_EQ_U64(ai.reset_value, 6);
    CHECK(!ai.hw_reduced);
    CHECK_EQ_U64(ai.dsdt, A_DSDT);
    CHECK(ai.have_s5);
    CHECK_EQ_U64(ai.slp_typa, 5);
    CHECK_EQ_U64(ai.slp_typb, 7);
}

/* acpi_init from an RSDP copy (Multiboot2) and from a physical address (PVH, scan). */
static void test_init(void)
{
    build_firmware(2, aml_s5, sizeof(aml_s5));

    uint8_t copy[36];
    memcpy(copy, at(A_RSDP), 36);
    if (CHECK_EQ_I64(acpi_init(&ai, copy, 36, 0, fakephys_map, &phys), 0)) {
        check_full_init(2);
        CHECK_EQ_U64(ai.rsdp_phys, 0);
        CHECK(ai.root_is_xsdt);
        CHECK_EQ_U64(ai.root, A_XSDT);
    }
    if (CHECK_EQ_I64(acpi_init(&ai, NULL, 0, A_RSDP, fakephys_map, &phys), 0)) {
        check_full_init(2);
        CHECK_EQ_U64(ai.rsdp_phys, A_RSDP);
        CHECK_EQ_U64(ai.root, A_XSDT);
    }

    /* ACPI 1.0: the RSDT and its 4-byte entries. */
    build_firmware(0, aml_s5, sizeof(aml_s5));
    if (CHECK_EQ_I64(acpi_init(&ai, NULL, 0, A_RSDP, fakephys_map, &phys), 0)) {
        check_full_init(0);
        CHECK(!ai.root_is_xsdt);
        CHECK_EQ_U64(ai.root, A_RSDT);
    }

    /* Revision 2 with no XSDT address: the RSDT. */
    build_firmware(2, aml_s5, sizeof(aml_s5));
    build_rsdp(at(A_RSDP), 2, A_RSDT, 0);
    if (CHECK_EQ_I64(acpi_init(&ai, NULL, 0, A_RSDP, fakephys_map, &phys), 0)) {
        CHECK(!ai.root_is_xsdt);
        CHECK_EQ_U64(ai.root, A_RSDT);
        CHECK(ai.have_s5);
    }
}

/* Failures: no RSDP, a bad RSDP, a bad root table; a DSDT without \_S5 is not a failure. */
static void test_init_failures(void)
{
    build_firmware(2, aml_s5, sizeof(aml_s5));
    CHECK_EQ_I64(acpi_init(&ai, NULL, 0, 0, fakephys_map, &phys), -NP_ENOENT);
    CHECK(!ai.found);
    CHECK_EQ_I64(acpi_init(&ai, NULL, 0, FAKE_SIZE + 0x1000, fakephys_map, &phys), -NP_ENOENT);
    CHECK_EQ_I64(acpi_init(&ai, NULL, 0, A_RSDP + 16, fakephys_map, &phys), -NP_EBADMSG);

    at(A_XSDT)[40] ^= 1;                    /* XSDT checksum */
    CHECK_EQ_I64(acpi_init(&ai, NULL, 0, A_RSDP, fakephys_map, &phys), -NP_EBADMSG);
    CHECK(!ai.found);

    build_firmware(2, aml_s5, sizeof(aml_s5));
    put32(at(A_XSDT) + 4, FAKE_SIZE);       /* length past the end of memory */
    CHECK_EQ_I64(acpi_init(&ai, NULL, 0, A_RSDP, fakephys_map, &phys), -NP_EBADMSG);

    static const uint8_t no_s5[] = { 0x10, 0x05, '_', 'S', 'B', '_', 0x5B, 0x82 };
    build_firmware(2, no_s5, sizeof(no_s5));
    if (CHECK_EQ_I64(acpi_init(&ai, NULL, 0, A_RSDP, fakephys_map, &phys), 0)) {
        CHECK(ai.have_fadt);
        CHECK(!ai.have_s5);
    }

    /* A DSDT with a bad checksum: FADT fields still decoded, no \_S5. */
    build_firmware(2, aml_s5, sizeof(aml_s5));
    at(A_DSDT)[36] ^= 1;
    if (CHECK_EQ_I64(acpi_init(&ai, NULL, 0, A_RSDP, fakephys_map, &phys), 0)) {
        CHECK(ai.have_fadt);
        CHECK_EQ_U64(ai.pm1a_cnt.address, 0x604);
        CHECK(!ai.have_s5);
    }

    /* No FADT in the root table. */
    build_firmware(2, aml_s5, sizeof(aml_s5));
    static const uint32_t only_ssdt[] = { A_SSDT0 };
    build_root(A_XSDT, true, only_ssdt, 1);
    if (CHECK_EQ_I64(acpi_init(&ai, NULL, 0, A_RSDP, fakephys_map, &phys), 0)) {
        CHECK(!ai.have_fadt);
        CHECK(!ai.have_s5);
    }
}

/* acpi_find_table by signature and index; bad checksums and bad lengths are skipped. */
static void test_find_table(void)
{
    for (int xsdt = 0; xsdt < 2; xsdt++) {
        build_firmware(xsdt ? 2 : 0, aml_s5, sizeof(aml_s5));
        if (!CHECK_EQ_I64(acpi_init(&ai, NULL, 0, A_RSDP, fakephys_map, &phys), 0))
            return;
        CHECK_EQ_U64(acpi_find_table(&ai, "FACP", 0, fakephys_map, &phys), A_FACP);
        CHECK_EQ_U64(acpi_find_table(&ai, "FACP", 1, fakephys_map, &phys), 0);
        CHECK_EQ_U64(acpi_find_table(&ai, "SSDT", 0, fakephys_map, &phys), A_SSDT0);
        CHECK_EQ_U64(acpi_find_table(&ai, "SSDT", 1, fakephys_map, &phys), A_SSDT1);
        CHECK_EQ_U64(acpi_find_table(&ai, "SSDT", 2, fakephys_map, &phys), 0);
        CHECK_EQ_U64(acpi_find_table(&ai, "APIC", 0, fakephys_map, &phys), 0);  /* bad checksum */
        CHECK_EQ_U64(acpi_find_table(&ai, "DSDT", 0, fakephys_map, &phys), 0);  /* not listed */
        CHECK_EQ_U64(acpi_find_table(&ai, "HPET", 0, fakephys_map, &phys), 0);

        /* Break the first SSDT: index 0 is now the second one. */
        at(A_SSDT0)[39] ^= 1;
        CHECK_EQ_U64(acpi_find_table(&ai, "SSDT", 0, fakephys_map, &phys), A_SSDT1);
        CHECK_EQ_U64(acpi_find_table(&ai, "SSDT", 1, fakephys_map, &phys), 0);
        /* A length below the header, a length past memory. */
        build_sdt(at(A_SSDT0), "SSDT", 40, 2);
        put32(at(A_SSDT0) + 4, 20);
        CHECK_EQ_U64(acpi_find_table(&ai, "SSDT", 1, fakephys_map, &phys), 0);
        put32(at(A_SSDT0) + 4, FAKE_SIZE);
        CHECK_EQ_U64(acpi_find_table(&ai, "SSDT", 1, fakephys_map, &phys), 0);
    }

    struct acpi_info none = { .found = false, .root = A_XSDT, .root_is_xsdt = true };
    CHECK_EQ_U64(acpi_find_table(&none, "FACP", 0, fakephys_map, &phys), 0);
}

/* ---- FADT ---- */

/* acpi_parse_fadt directly: X_ fields preferred, short tables, flags, missing timer. */
static void test_parse_fadt(void)
{
    static uint8_t f[276];
    struct acpi_info a;

    /* Extended blocks in memory space and a 64-bit DSDT take precedence. */
    build_fadt(f);
    put64(f + 140, 0x123456789000ull);      /* X_DSDT */
    f[172] = ACPI_SPACE_MEMORY;             /* X_PM1a_CNT_BLK */
    f[173] = 16;
    f[175] = 2;
    put64(f + 176, 0xFED80000ull);
    f[208] = ACPI_SPACE_IO;                 /* X_PM_TMR_BLK */
    f[209] = 32;
    f[211] = 3;
    put64(f + 212, 0xB008);
    put32(f + 112, 1u << 20);               /* HW_REDUCED, no reset register */
    memset(&a, 0, sizeof(a));
    if (CHECK_EQ_I64(acpi_parse_fadt(&a, f, sizeof(f)), 0)) {
        CHECK_EQ_U64(a.dsdt, 0x123456789000ull);
        CHECK(gas_is(&a.pm1a_cnt, ACPI_SPACE_MEMORY, 16, 2, 0xFED80000ull));
        CHECK(gas_is(&a.pm_tmr, ACPI_SPACE_IO, 32, 3, 0xB008));
        CHECK(a.hw_reduced);
        CHECK(!a.pm_tmr_32bit);
        CHECK(!a.reset_supported);
    }

    /* An ACPI 1.0 FADT (116 bytes): no reset register, no X_ fields; PM1_CNT_LEN 0 -> 2. */
    build_fadt(f);
    f[89] = 0;
    memset(&a, 0, sizeof(a));
    if (CHECK_EQ_I64(acpi_parse_fadt(&a, f, 116), 0)) {
        CHECK_EQ_U64(a.dsdt, A_DSDT);
        CHECK(gas_is(&a.pm1a_cnt, ACPI_SPACE_IO, 16, 0, 0x604));
        CHECK(a.pm_tmr_32bit);
        CHECK(!a.reset_supported);
    }

    /* The reset register flag with a zero address is not support. */
    build_fadt(f);
    put64(f + 120, 0);
    memset(&a, 0, sizeof(a));
    if (CHECK_EQ_I64(acpi_parse_fadt(&a, f, sizeof(f)), 0))
        CHECK(!a.reset_supported);

    /* PM_TMR_LEN other than 4 means there is no timer. */
    build_fadt(f);
    f[91] = 0;
    memset(&a, 0, sizeof(a));
    if (CHECK_EQ_I64(acpi_parse_fadt(&a, f, sizeof(f)), 0))
        CHECK_EQ_U64(a.pm_tmr.address, 0);

    /* Too short to hold PM_TMR_LEN. */
    memset(&a, 0, sizeof(a));
    CHECK_EQ_I64(acpi_parse_fadt(&a, f, 91), -NP_EBADMSG);
    CHECK(!a.have_fadt);
    uint8_t *g = guard_copy(f, 92);         /* the shortest accepted, read to its last byte only */
    CHECK_EQ_I64(acpi_parse_fadt(&a, g, 92), 0);
    guard_free(g, 92);
}

/* ---- AML \_S5 ---- */

/* Runs acpi_aml_find_s5 on a guarded copy of exactly len bytes. */
static int find_s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
    uint8_t *g = guard_copy(aml, len);
    int err = acpi_aml_find_s5(g, len, a, b);
    guard_free(g, len);
    return err;
}

static void expect_s5(const uint8_t *aml, size_t len, int err, uint8_t a, uint8_t b, int line)
{
    uint8_t ga = 0xEE, gb = 0xEE;
    int got = find_s5(aml, len, &ga, &gb);
    if (!CHECK_EQ_I64(got, err))
        fprintf(stderr, "  (case at line %d)\n", line);
    if (err == 0 && got == 0 && !(CHECK_EQ_U64(ga, a) & CHECK_EQ_U64(gb, b)))
        fprintf(stderr, "  (case at line %d)\n", line);
}
#define EXPECT_S5(aml, err, a, b) expect_s5((aml), sizeof(aml), (err), (a), (b), __LINE__)

/* The encodings firmware uses for the \_S5 package. */
static void test_aml_forms(void)
{
    EXPECT_S5(aml_s5, 0, 5, 7);

    static const uint8_t zero_one[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x01, 0x00, 0x00 };
    EXPECT_S5(zero_one, 0, 0, 1);

    static const uint8_t ones[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0xFF, 0x0A, 0x03 };
    EXPECT_S5(ones, 0, 0xFF, 3);

    static const uint8_t rooted[] = {
        0x10, 0x0F, 0x5C, 0x00,             /* Scope(\) { */
        0x08, 0x5C, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0A, 0x06, 0x0A, 0x06, 0x00, 0x00,
    };
    EXPECT_S5(rooted, 0, 6, 6);

    /* A two-byte PkgLength (lead byte 0x4n: one following byte). */
    static const uint8_t long_pkg[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x04, 0x0A, 0x02, 0x0A, 0x03 };
    EXPECT_S5(long_pkg, 0, 2, 3);

    /* One element only: SLP_TYPb copies SLP_TYPa. */
    static const uint8_t single[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0A, 0x05 };
    EXPECT_S5(single, 0, 5, 5);

    /* A reference to \_S5 in a method (not after NameOp) is skipped; the definition is found. */
    static const uint8_t ref_first[] = {
        0xA4, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0A, 0x09, 0x0A, 0x09,     /* Return(_S5_)... */
        0x08, 0x5C, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x01, 0x00, 0x00, 0x00,
    };
    EXPECT_S5(ref_first, 0, 1, 0);

    /* _S5_ named but not a package, or a package of something else: not found. */
    static const uint8_t not_pkg[] = { 0x08, '_', 'S', '5', '_', 0x0A, 0x05 };
    EXPECT_S5(not_pkg, -NP_ENOENT, 0, 0);
    static const uint8_t bad_elem[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0B, 0x05, 0x00 };
    EXPECT_S5(bad_elem, -NP_ENOENT, 0, 0);
    static const uint8_t s4_only[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0x0A, 0x05, 0x0A, 0x05 };
    EXPECT_S5(s4_only, -NP_ENOENT, 0, 0);
    /* "_S5_" at the very start has no room for a NameOp before it. */
    static const uint8_t at_start[] = { '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0A, 0x05, 0x0A, 0x05 };
    EXPECT_S5(at_start, -NP_ENOENT, 0, 0);
    CHECK_EQ_I64(find_s5(aml_s5, 0, &(uint8_t){ 0 }, &(uint8_t){ 0 }), -NP_ENOENT);
}

/* Every truncation of a valid package: no read past the end, and the right answer. */
static void test_aml_truncated(void)
{
    for (size_t len = 0; len <= sizeof(aml_s5); len++) {
        uint8_t a = 0xEE, b = 0xEE;
        int err = find_s5(aml_s5, len, &a, &b);
        /* Bytes: 0 NameOp, 1-4 name, 5 PackageOp, 6 PkgLength, 7 count, 8-9 typa, 10-11 typb. */
        int want = len >= 10 ? 0 : -NP_ENOENT;
        if (!CHECK_EQ_I64(err, want)) {
            fprintf(stderr, "  length %zu\n", len);
            continue;
        }
        if (len >= 10 && len < 12)
            CHECK(a == 5 && b == 5);
        if (len >= 12)
            CHECK(a == 5 && b == 7);
    }
    /* A multi-byte PkgLength cut inside itself. */
    static const uint8_t cut[] = { 0x08, '_', 'S', '5', '_', 0x12, 0xC0, 0x00 };
    EXPECT_S5(cut, -NP_ENOENT, 0, 0);
}

int main(void)
{
    fakephys_init(&phys, FAKE_SIZE);
    TEST_RUN(test_rsdp_check);
    TEST_RUN(test_rsdp_scan);
    TEST_RUN(test_init);
    TEST_RUN(test_init_failures);
    TEST_RUN(test_find_table);
    TEST_RUN(test_parse_fadt);
    TEST_RUN(test_aml_forms);
    TEST_RUN(test_aml_truncated);
    TEST_RUN_ISOLATED(test_rsdp_check_short_v2);    /* may die: see its comment */
    fakephys_free(&phys);
    return test_finish();
}
