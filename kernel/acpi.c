/* ACPI table parsing; every length comes from firmware and is checked before use. */
#include "kernel/acpi.h"

#include "kernel/errno.h"
#include "kernel/string.h"

/* FADT field offsets (ACPI 6.5 table 5.9). */
#define FADT_DSDT           40
#define FADT_SMI_CMD        48
#define FADT_ACPI_ENABLE    52
#define FADT_PM1A_CNT       64
#define FADT_PM1B_CNT       68
#define FADT_PM_TMR         76
#define FADT_PM1_CNT_LEN    89
#define FADT_PM_TMR_LEN     91
#define FADT_FLAGS          112
#define FADT_RESET_REG      116
#define FADT_RESET_VALUE    128
#define FADT_X_DSDT         140
#define FADT_X_PM1A_CNT     172
#define FADT_X_PM1B_CNT     184
#define FADT_X_PM_TMR       208

#define FADT_F_TMR_VAL_EXT  (1u << 8)
#define FADT_F_RESET_REG    (1u << 10)
#define FADT_F_HW_REDUCED   (1u << 20)

/* AML opcodes (ACPI 6.5 section 20.3). */
#define AML_ZERO        0x00
#define AML_ONE         0x01
#define AML_NAME        0x08
#define AML_BYTE        0x0A
#define AML_PACKAGE     0x12
#define AML_ROOT        0x5C
#define AML_ONES        0xFF

static uint16_t rd16(const uint8_t *p) { uint16_t v; NP_STRFN(memcpy)(&v, p, 2); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; NP_STRFN(memcpy)(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; NP_STRFN(memcpy)(&v, p, 8); return v; }

bool acpi_checksum_ok(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    return sum == 0;
}

int acpi_rsdp_check(const uint8_t *p, size_t len)
{
    if (len < 20 || NP_STRFN(memcmp)(p, "RSD PTR ", 8) || !acpi_checksum_ok(p, 20))
        return -NP_EBADMSG;
    if (p[15] < 2)
        return 20;
    /* ACPI 2.0+: the extended checksum covers the whole structure. */
    if (len < 36)
        return -NP_EBADMSG;
    uint32_t xlen = rd32(p + 20);
    if (xlen < 36 || xlen > len || !acpi_checksum_ok(p, xlen))
        return -NP_EBADMSG;
    return 36;
}

static uint64_t scan_range(uint64_t base, size_t len, phys_map_fn map, void *ctx)
{
    const uint8_t *p = map(ctx, base, len);
    if (!p)
        return 0;
    for (size_t off = 0; off + 20 <= len; off += 16)
        if (acpi_rsdp_check(p + off, len - off) > 0)
            return base + off;
    return 0;
}

uint64_t acpi_rsdp_scan(phys_map_fn map, void *ctx)
{
    /* The BDA word at 0x40E holds the EBDA's segment. */
    const uint8_t *bda = map(ctx, 0x40E, 2);
    uint64_t ebda = bda ? (uint64_t)rd16(bda) << 4 : 0;
    uint64_t hit = 0;
    if (ebda >= 0x80000 && ebda < 0xA0000)
        hit = scan_range(ebda, 1024, map, ctx);
    return hit ? hit : scan_range(0xE0000, 0x20000, map, ctx);
}

/* Maps a whole SDT after checking that its length is sane; NULL if it is not valid. */
static const uint8_t *sdt_map(uint64_t addr, phys_map_fn map, void *ctx, uint32_t *len)
{
    const uint8_t *h = addr ? map(ctx, addr, ACPI_SDT_HEADER_LEN) : NULL;
    if (!h)
        return NULL;
    uint32_t n = rd32(h + 4);
    if (n < ACPI_SDT_HEADER_LEN || n > (16u << 20))
        return NULL;
    const uint8_t *t = map(ctx, addr, n);
    if (!t || !acpi_checksum_ok(t, n))
        return NULL;
    *len = n;
    return t;
}

uint64_t acpi_find_table(const struct acpi_info *ai, const char sig[4], unsigned index,
                         phys_map_fn map, void *ctx)
{
    uint32_t rlen, tlen;
    const uint8_t *root = ai->found ? sdt_map(ai->root, map, ctx, &rlen) : NULL;
    if (!root)
        return 0;
    unsigned esize = ai->root_is_xsdt ? 8 : 4;
    for (uint32_t off = ACPI_SDT_HEADER_LEN; off + esize <= rlen; off += esize) {
        uint64_t a = esize == 8 ? rd64(root + off) : rd32(root + off);
        const uint8_t *t = sdt_map(a, map, ctx, &tlen);
        if (t && NP_STRFN(memcmp)(t, sig, 4) == 0 && index-- == 0)
            return a;
    }
    return 0;
}

/* Reads an AML PkgLength (section 20.2.4); returns its encoded size or 0 if truncated. */
static size_t aml_pkglen(const uint8_t *p, size_t len)
{
    if (!len)
        return 0;
    size_t follow = p[0] >> 6;
    return follow + 1 <= len ? follow + 1 : 0;
}

/* Reads one integer element of a package: ZeroOp, OneOp, OnesOp or BytePrefix. */
static size_t aml_small_int(const uint8_t *p, size_t len, uint8_t *v)
{
    if (!len)
        return 0;
    switch (p[0]) {
    case AML_ZERO: *v = 0; return 1;
    case AML_ONE: *v = 1; return 1;
    case AML_ONES: *v = 0xFF; return 1;
    case AML_BYTE:
        if (len < 2)
            return 0;
        *v = p[1];
        return 2;
    default:
        return 0;
    }
}

int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *typa, uint8_t *typb)
{
    for (size_t i = 1; i + 4 <= len; i++) {
        if (NP_STRFN(memcmp)(aml + i, "_S5_", 4))
            continue;
        /* A definition, not a reference: NameOp, optionally with a root prefix. */
        bool named = aml[i - 1] == AML_NAME || (i >= 2 && aml[i - 1] == AML_ROOT && aml[i - 2] == AML_NAME);
        size_t p = i + 4;
        if (!named || p >= len || aml[p] != AML_PACKAGE)
            continue;
        p++;
        size_t pl = aml_pkglen(aml + p, len - p);
        if (!pl || p + pl >= len)
            continue;
        p += pl + 1;    /* PkgLength, then NumElements */
        size_t a = aml_small_int(aml + p, len - p, typa);
        if (!a)
            continue;
        p += a;
        size_t b = aml_small_int(aml + p, len - p, typb);
        if (!b)
            *typb = *typa;  /* some tables give one element; PM1b is then unused anyway */
        return 0;
    }
    return -NP_ENOENT;
}

/* Legacy 32-bit I/O block address as a GAS. */
static struct acpi_gas gas_io(uint32_t port, uint8_t bytes)
{
    return (struct acpi_gas){ ACPI_SPACE_IO, (uint8_t)(bytes * 8), 0, 0, port };
}

static struct acpi_gas gas_read(const uint8_t *p)
{
    return (struct acpi_gas){ p[0], p[1], p[2], p[3], rd64(p + 4) };
}

/* The X_ field when the table is long enough and it is set, else the legacy one. */
static struct acpi_gas fadt_block(const uint8_t *f, size_t len, size_t xoff, size_t off, uint8_t bytes)
{
    if (len >= xoff + 12 && rd64(f + xoff + 4))
        return gas_read(f + xoff);
    return gas_io(rd32(f + off), bytes);
}

int acpi_parse_fadt(struct acpi_info *ai, const uint8_t *f, size_t len)
{
    if (len < FADT_PM_TMR_LEN + 1)
        return -NP_EBADMSG;
    ai->have_fadt = true;
    ai->smi_cmd = rd32(f + FADT_SMI_CMD);
    ai->acpi_enable = f[FADT_ACPI_ENABLE];
    ai->dsdt = rd32(f + FADT_DSDT);
    if (len >= FADT_X_DSDT + 8 && rd64(f + FADT_X_DSDT))
        ai->dsdt = rd64(f + FADT_X_DSDT);
    uint8_t cnt_len = f[FADT_PM1_CNT_LEN] ? f[FADT_PM1_CNT_LEN] : 2;
    ai->pm1a_cnt = fadt_block(f, len, FADT_X_PM1A_CNT, FADT_PM1A_CNT, cnt_len);
    ai->pm1b_cnt = fadt_block(f, len, FADT_X_PM1B_CNT, FADT_PM1B_CNT, cnt_len);
    ai->pm_tmr = fadt_block(f, len, FADT_X_PM_TMR, FADT_PM_TMR, 4);
    if (f[FADT_PM_TMR_LEN] != 4 && !(len >= FADT_X_PM_TMR + 12 && rd64(f + FADT_X_PM_TMR + 4)))
        ai->pm_tmr.address = 0;     /* no timer: PM_TMR_LEN must be 4 when one exists */
    uint32_t flags = len >= FADT_FLAGS + 4 ? rd32(f + FADT_FLAGS) : 0;
    ai->pm_tmr_32bit = flags & FADT_F_TMR_VAL_EXT;
    ai->hw_reduced = flags & FADT_F_HW_REDUCED;
    if ((flags & FADT_F_RESET_REG) && len >= FADT_RESET_VALUE + 1) {
        ai->reset_reg = gas_read(f + FADT_RESET_REG);
        ai->reset_value = f[FADT_RESET_VALUE];
        ai->reset_supported = ai->reset_reg.address != 0;
    }
    return 0;
}

static int acpi_read_s5(struct acpi_info *ai, phys_map_fn map, void *ctx)
{
    uint32_t len;
    const uint8_t *d = sdt_map(ai->dsdt, map, ctx, &len);
    if (!d || NP_STRFN(memcmp)(d, "DSDT", 4))
        return -NP_EBADMSG;
    int err = acpi_aml_find_s5(d + ACPI_SDT_HEADER_LEN, len - ACPI_SDT_HEADER_LEN, &ai->slp_typa, &ai->slp_typb);
    ai->have_s5 = err == 0;
    return err;
}

int acpi_init(struct acpi_info *ai, const uint8_t *rsdp, size_t len, uint64_t rsdp_phys,
              phys_map_fn map, void *ctx)
{
    NP_STRFN(memset)(ai, 0, sizeof(*ai));
    if (!rsdp && rsdp_phys) {
        rsdp = map(ctx, rsdp_phys, 20);
        len = rsdp && rsdp[15] >= 2 ? 36 : 20;
        rsdp = rsdp ? map(ctx, rsdp_phys, len) : NULL;
    }
    if (!rsdp)
        return -NP_ENOENT;
    int n = acpi_rsdp_check(rsdp, len);
    if (n < 0)
        return n;
    ai->rsdp_phys = rsdp_phys;
    ai->revision = rsdp[15];
    NP_STRFN(memcpy)(ai->oem, rsdp + 9, 6);
    ai->oem[6] = '\0';
    ai->root_is_xsdt = n == 36 && rd64(rsdp + 24) != 0;
    ai->root = ai->root_is_xsdt ? rd64(rsdp + 24) : rd32(rsdp + 16);
    uint32_t rlen;
    const uint8_t *root = sdt_map(ai->root, map, ctx, &rlen);
    if (!root || NP_STRFN(memcmp)(root, ai->root_is_xsdt ? "XSDT" : "RSDT", 4))
        return -NP_EBADMSG;
    ai->found = true;
    uint64_t fadt = acpi_find_table(ai, "FACP", 0, map, ctx);
    uint32_t flen;
    const uint8_t *f = fadt ? sdt_map(fadt, map, ctx, &flen) : NULL;
    if (f && acpi_parse_fadt(ai, f, flen) == 0 && ai->dsdt)
        acpi_read_s5(ai, map, ctx);
    return 0;
}
