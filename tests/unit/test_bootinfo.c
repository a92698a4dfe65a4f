/*
 * kernel/bootinfo.c: the Multiboot2, Multiboot1 and PVH parsers on synthetic boot information.
 * Multiboot2 blocks live in guarded buffers (fakephys.h: they end at an inaccessible page) and
 * Multiboot1/PVH structures in a guarded fake physical memory, so any read past what the
 * loader gave faults, including the reads made through np_memcpy that ASan cannot see.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/bootinfo.h"
#include "kernel/errno.h"
#include "fakephys.h"
#include "test.h"

static struct boot_info bi;

/* ---- Multiboot2 block builder (spec 2.0 section 3.6) ---- */

struct mb2 {
    uint8_t buf[BOOTINFO_CMDLINE_MAX + 16384];     /* a command line past the limit fits */
    size_t len;
};

static void mb2_begin(struct mb2 *m)
{
    memset(m->buf, 0, sizeof(m->buf));
    m->len = 8;             /* total_size, reserved */
}

/* Appends a tag at the next 8-byte boundary; returns its offset in the block. */
static size_t mb2_tag(struct mb2 *m, uint32_t type, const void *payload, size_t plen)
{
    m->len = (m->len + 7) & ~(size_t)7;
    size_t at = m->len;
    put32(m->buf + at, type);
    put32(m->buf + at + 4, (uint32_t)(8 + plen));
    if (plen)
        memcpy(m->buf + at + 8, payload, plen);
    m->len += 8 + plen;
    return at;
}

/* Adds the end tag (unless !end), sets total_size; returns a guarded copy (free: block_free). */
static uint8_t *mb2_finish(struct mb2 *m, bool end, size_t *total)
{
    if (end)
        mb2_tag(m, 0, NULL, 0);
    put32(m->buf, (uint32_t)m->len);
    *total = m->len;
    return guard_copy(m->buf, m->len);
}

static void block_free(uint8_t *p, size_t total)
{
    guard_free(p, total);
}

/* Parses a guarded copy of the block. */
static int mb2_parse(struct mb2 *m, bool end)
{
    size_t total;
    uint8_t *p = mb2_finish(m, end, &total);
    int err = bootinfo_parse_mb2(&bi, p, total);
    block_free(p, total);
    return err;
}

struct mmap_entry {
    uint64_t base, len;
    uint32_t type;
};

/* Tag 6: entry_size 24, entry_version 0, then the entries. */
static size_t mb2_mmap(struct mb2 *m, const struct mmap_entry *e, unsigned n, uint32_t esize)
{
    uint8_t payload[8 + 64 * 32];
    memset(payload, 0, sizeof(payload));
    put32(payload, esize);
    for (unsigned i = 0; i < n; i++) {
        put64(payload + 8 + i * esize, e[i].base);
        put64(payload + 8 + i * esize + 8, e[i].len);
        put32(payload + 8 + i * esize + 16, e[i].type);
    }
    return mb2_tag(m, 6, payload, 8 + n * esize);
}

/* Tag 17: descriptor size 48, version 1, UEFI memory descriptors (type, phys, pages). */
static size_t mb2_efi_mmap(struct mb2 *m, const struct mmap_entry *e, unsigned n)
{
    uint8_t payload[8 + 16 * 48];
    memset(payload, 0, sizeof(payload));
    put32(payload, 48);
    put32(payload + 4, 1);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *d = payload + 8 + i * 48;
        put32(d, e[i].type);
        put64(d + 8, e[i].base);
        put64(d + 16, 0xFFFF800000000000ull + e[i].base);     /* virtual: ignored */
        put64(d + 24, e[i].len >> 12);
        put64(d + 32, 0xF);
    }
    return mb2_tag(m, 17, payload, 8 + n * 48);
}

static void mb2_meminfo(struct mb2 *m, uint32_t lower_kib, uint32_t upper_kib)
{
    uint8_t payload[8];
    put32(payload, lower_kib);
    put32(payload + 4, upper_kib);
    mb2_tag(m, 4, payload, 8);
}

static void mb2_string(struct mb2 *m, uint32_t type, const char *s)
{
    mb2_tag(m, type, s, strlen(s) + 1);
}

static bool check_range(unsigned i, uint64_t base, uint64_t len, uint32_t type)
{
    if (!CHECK(i < bi.nmem))
        return false;
    return CHECK_EQ_U64(bi.mem[i].base, base) & CHECK_EQ_U64(bi.mem[i].len, len) &
           CHECK_EQ_U64(bi.mem[i].type, type);
}

static const struct mmap_entry e820[] = {
    { 0x100000, 0x7EE0000, MEM_USABLE },    /* listed out of order on purpose */
    { 0, 0x9FC00, MEM_USABLE },
    { 0x9FC00, 0x400, MEM_RESERVED },
    { 0xF0000, 0x10000, MEM_RESERVED },
    { 0x7FE0000, 0x20000, MEM_ACPI },
    { 0xFFFC0000, 0x40000, MEM_RESERVED },
};

/* A block with every tag netplant reads; every parsed field is checked. */
static void test_mb2_all_tags(void)
{
    struct mb2 m;
    uint8_t rsdp_old[20], rsdp_new[36], fb[30] = { 0 }, efi64[8], dhcp[300];

    mb2_begin(&m);
    mb2_string(&m, 1, "console=ttyS0 ip=dhcp");
    mb2_string(&m, 2, "GRUB 2.06");
    mb2_meminfo(&m, 639, 130048);
    mb2_mmap(&m, e820, 6, 24);
    put64(fb, 0xFD000000);
    put32(fb + 8, 4096);
    put32(fb + 12, 1024);
    put32(fb + 16, 768);
    fb[20] = 32;
    fb[21] = 1;
    mb2_tag(&m, 8, fb, sizeof(fb));
    put64(efi64, 0x7F9E8018);
    mb2_tag(&m, 12, efi64, 8);
    build_rsdp(rsdp_old, 0, 0x7FE1000, 0);
    build_rsdp(rsdp_new, 2, 0x7FE1000, 0x7FE2000);
    mb2_tag(&m, 15, rsdp_new, 36);
    mb2_tag(&m, 14, rsdp_old, 20);      /* after the new one: must not replace it */
    for (unsigned i = 0; i < sizeof(dhcp); i++)
        dhcp[i] = (uint8_t)(i * 7);
    mb2_tag(&m, 16, dhcp, sizeof(dhcp));
    mb2_efi_mmap(&m, e820, 2);
    mb2_tag(&m, 18, NULL, 0);
    mb2_tag(&m, 99, "ignored", 7);      /* unknown tags are skipped */

    if (!CHECK_EQ_I64(mb2_parse(&m, true), 0))
        return;
    CHECK_EQ_U64(bi.proto, BOOT_MB2);
    CHECK_STR(bi.cmdline, "console=ttyS0 ip=dhcp");
    CHECK(!bi.cmdline_truncated);
    CHECK_STR(bi.loader, "GRUB 2.06");
    CHECK_STR(bi.mem_source, "multiboot2 mmap");
    CHECK_EQ_U64(bi.nmem, 6);
    check_range(0, 0, 0x9FC00, MEM_USABLE);
    check_range(1, 0x9FC00, 0x400, MEM_RESERVED);
    check_range(2, 0xF0000, 0x10000, MEM_RESERVED);
    check_range(3, 0x100000, 0x7EE0000, MEM_USABLE);
    check_range(4, 0x7FE0000, 0x20000, MEM_ACPI);
    check_range(5, 0xFFFC0000, 0x40000, MEM_RESERVED);
    CHECK(bi.have_fb);
    CHECK_EQ_U64(bi.fb.addr, 0xFD000000);
    CHECK_EQ_U64(bi.fb.pitch, 4096);
    CHECK_EQ_U64(bi.fb.width, 1024);
    CHECK_EQ_U64(bi.fb.height, 768);
    CHECK_EQ_U64(bi.fb.bpp, 32);
    CHECK_EQ_U64(bi.fb.type, 1);
    CHECK_EQ_U64(bi.efi64_systab, 0x7F9E8018);
    CHECK_EQ_U64(bi.rsdp_len, 36);
    CHECK(memcmp(bi.rsdp, rsdp_new, 36) == 0);
    CHECK_EQ_U64(bi.rsdp_addr, 0);
    CHECK_EQ_U64(bi.dhcp_ack_len, sizeof(dhcp));
    CHECK(memcmp(bi.dhcp_ack, dhcp, sizeof(dhcp)) == 0);
    CHECK(bi.efi_mmap);
    CHECK(bi.efi_bs_active);
}

/* Only the ACPI 1.0 RSDP: its 20 bytes are copied. Nothing optional: all left zero. */
static void test_mb2_minimal(void)
{
    struct mb2 m;
    uint8_t rsdp_old[20];

    mb2_begin(&m);
    mb2_meminfo(&m, 639, 1024);
    build_rsdp(rsdp_old, 0, 0xE0000, 0);
    mb2_tag(&m, 14, rsdp_old, 20);
    if (!CHECK_EQ_I64(mb2_parse(&m, true), 0))
        return;
    CHECK_EQ_U64(bi.rsdp_len, 20);
    CHECK(memcmp(bi.rsdp, rsdp_old, 20) == 0);
    CHECK_STR(bi.cmdline, "");
    CHECK_STR(bi.loader, "");
    CHECK(!bi.have_fb);
    CHECK(!bi.efi_mmap);
    CHECK(!bi.efi_bs_active);
    CHECK_EQ_U64(bi.dhcp_ack_len, 0);
    CHECK_EQ_U64(bi.efi64_systab, 0);
}

/* Which memory information wins: mmap tag, then EFI mmap, then basic meminfo. */
static void test_mb2_mem_preference(void)
{
    struct mb2 m;
    static const struct mmap_entry efi[] = {
        { 0, 0xA0000, 7 },              /* EfiConventionalMemory */
        { 0x100000, 0x100000, 2 },      /* EfiLoaderData: usable after ExitBootServices */
        { 0x200000, 0x3000, 9 },        /* EfiACPIReclaimMemory */
        { 0x203000, 0x1000, 10 },       /* EfiACPIMemoryNVS */
        { 0x204000, 0x1000, 8 },        /* EfiUnusableMemory */
        { 0x205000, 0x1000, 0 },        /* EfiReservedMemoryType */
        { 0x206000, 0x2000, 5 },        /* EfiRuntimeServicesCode: reserved */
    };

    /* All three: the mmap tag, whatever the tag order. */
    mb2_begin(&m);
    mb2_meminfo(&m, 1, 2);
    mb2_efi_mmap(&m, efi, 7);
    mb2_mmap(&m, e820 + 1, 1, 24);
    if (CHECK_EQ_I64(mb2_parse(&m, true), 0)) {
        CHECK_STR(bi.mem_source, "multiboot2 mmap");
        CHECK_EQ_U64(bi.nmem, 1);
        check_range(0, 0, 0x9FC00, MEM_USABLE);
        CHECK(bi.efi_mmap);
    }

    /* EFI mmap and meminfo: the EFI map, with its types translated. */
    mb2_begin(&m);
    mb2_meminfo(&m, 1, 2);
    mb2_efi_mmap(&m, efi, 7);
    if (CHECK_EQ_I64(mb2_parse(&m, true), 0)) {
        CHECK_STR(bi.mem_source, "efi mmap");
        CHECK_EQ_U64(bi.nmem, 6);
        check_range(0, 0, 0xA0000, MEM_USABLE);
        check_range(1, 0x100000, 0x100000, MEM_USABLE);
        check_range(2, 0x200000, 0x3000, MEM_ACPI);
        check_range(3, 0x203000, 0x1000, MEM_NVS);
        check_range(4, 0x204000, 0x1000, MEM_BAD);
        check_range(5, 0x205000, 0x3000, MEM_RESERVED);
    }

    /* Basic meminfo alone: lower from 0, upper from 1 MiB, in KiB. */
    mb2_begin(&m);
    mb2_meminfo(&m, 639, 130048);
    if (CHECK_EQ_I64(mb2_parse(&m, true), 0)) {
        CHECK_STR(bi.mem_source, "multiboot2 basic meminfo");
        CHECK_EQ_U64(bi.nmem, 2);
        check_range(0, 0, 639 * 1024, MEM_USABLE);
        check_range(1, 1 << 20, 130048ull * 1024, MEM_USABLE);
    }

    /* No memory information at all. */
    mb2_begin(&m);
    mb2_string(&m, 1, "x");
    CHECK_EQ_I64(mb2_parse(&m, true), -NP_ENOENT);

    /* An mmap tag with entries larger than 24 bytes (entry_size 32) is stepped correctly. */
    mb2_begin(&m);
    mb2_mmap(&m, e820, 3, 32);
    if (CHECK_EQ_I64(mb2_parse(&m, true), 0)) {
        CHECK_EQ_U64(bi.nmem, 3);
        check_range(2, 0x100000, 0x7EE0000, MEM_USABLE);
    }
}

/* Strings: unterminated within the tag, and longer than the boot_info buffers. */
static void test_mb2_strings(void)
{
    struct mb2 m;
    static char big[BOOTINFO_CMDLINE_MAX + 100];

    mb2_begin(&m);
    mb2_meminfo(&m, 639, 1024);
    mb2_tag(&m, 1, "abc", 3);           /* no NUL inside the tag */
    mb2_tag(&m, 2, "LOADER", 6);
    if (CHECK_EQ_I64(mb2_parse(&m, true), 0)) {
        CHECK_STR(bi.cmdline, "abc");
        CHECK_STR(bi.loader, "LOADER");
    }

    memset(big, 'c', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    mb2_begin(&m);
    mb2_meminfo(&m, 639, 1024);
    mb2_string(&m, 1, big);
    mb2_string(&m, 2, big + sizeof(big) - 100);     /* 99 characters into a 64-byte buffer */
    if (CHECK_EQ_I64(mb2_parse(&m, true), 0)) {
        CHECK_EQ_U64(strlen(bi.cmdline), BOOTINFO_CMDLINE_MAX - 1);
        CHECK(bi.cmdline_truncated);
        CHECK_EQ_U64(strlen(bi.loader), sizeof(bi.loader) - 1);
    }

    big[BOOTINFO_CMDLINE_MAX - 1] = '\0';   /* exactly fits */
    mb2_begin(&m);
    mb2_meminfo(&m, 639, 1024);
    mb2_string(&m, 1, big);
    if (CHECK_EQ_I64(mb2_parse(&m, true), 0)) {
        CHECK_EQ_U64(strlen(bi.cmdline), BOOTINFO_CMDLINE_MAX - 1);
        CHECK(!bi.cmdline_truncated);
    }
}

/* Malformed blocks are refused, and nothing outside the block is read. */
static void test_mb2_malformed(void)
{
    struct mb2 m;
    size_t total;
    uint8_t *p;

    /* A tag whose size is below the 8-byte header. */
    mb2_begin(&m);
    mb2_meminfo(&m, 639, 1024);
    size_t at = mb2_tag(&m, 1, "abc", 4);
    put32(m.buf + at + 4, 4);
    CHECK_EQ_I64(mb2_parse(&m, true), -NP_EBADMSG);

    /* A tag running past total_size. */
    mb2_begin(&m);
    mb2_meminfo(&m, 639, 1024);
    at = mb2_tag(&m, 1, "abc", 4);
    p = mb2_finish(&m, true, &total);
    put32(p + at + 4, (uint32_t)(total - at + 1));
    CHECK_EQ_I64(bootinfo_parse_mb2(&bi, p, total), -NP_EBADMSG);
    CHECK_EQ_U64(bi.proto, BOOT_MB2);
    block_free(p, total);

    /* total_size larger than what is available. */
    mb2_begin(&m);
    mb2_meminfo(&m, 639, 1024);
    p = mb2_finish(&m, true, &total);
    CHECK_EQ_I64(bootinfo_parse_mb2(&bi, p, total - 8), -NP_EBADMSG);
    CHECK_EQ_I64(bootinfo_parse_mb2(&bi, p, total), 0);
    block_free(p, total);

    /* No end tag. */
    mb2_begin(&m);
    mb2_meminfo(&m, 639, 1024);
    CHECK_EQ_I64(mb2_parse(&m, false), -NP_EBADMSG);

    /* Misaligned block pointer, NULL, tiny sizes. */
    mb2_begin(&m);
    mb2_meminfo(&m, 639, 1024);
    p = mb2_finish(&m, true, &total);
    uint8_t *shifted = malloc(total + 4);
    memcpy(shifted + 4, p, total);
    CHECK_EQ_I64(bootinfo_parse_mb2(&bi, shifted + 4, total), -NP_EBADMSG);
    CHECK_EQ_I64(bootinfo_parse_mb2(&bi, NULL, total), -NP_EBADMSG);
    CHECK_EQ_I64(bootinfo_parse_mb2(&bi, p, 15), -NP_EBADMSG);
    put32(p, 12);
    CHECK_EQ_I64(bootinfo_parse_mb2(&bi, p, total), -NP_EBADMSG);
    free(shifted);
    block_free(p, total);

    /* mmap entry_size below 24, or not a multiple of 8. */
    mb2_begin(&m);
    at = mb2_mmap(&m, e820, 2, 24);
    put32(m.buf + at + 8, 16);
    CHECK_EQ_I64(mb2_parse(&m, true), -NP_EBADMSG);
    mb2_begin(&m);
    at = mb2_mmap(&m, e820, 2, 24);
    put32(m.buf + at + 8, 28);
    CHECK_EQ_I64(mb2_parse(&m, true), -NP_EBADMSG);

    /* A framebuffer tag too short for its fields; an mmap tag without its header. */
    mb2_begin(&m);
    mb2_tag(&m, 8, "0123456789", 10);
    CHECK_EQ_I64(mb2_parse(&m, true), -NP_EBADMSG);
    mb2_begin(&m);
    mb2_tag(&m, 6, "\x18\0\0\0", 4);
    CHECK_EQ_I64(mb2_parse(&m, true), -NP_EBADMSG);

    /* An EFI descriptor size below the 40 bytes of a descriptor. */
    mb2_begin(&m);
    static const struct mmap_entry one = { 0, 0x10000, 7 };
    at = mb2_efi_mmap(&m, &one, 1);
    put32(m.buf + at + 8, 32);
    CHECK_EQ_I64(mb2_parse(&m, true), -NP_EBADMSG);

    /* Partial trailing entries are ignored, not read past. */
    mb2_begin(&m);
    at = mb2_mmap(&m, e820, 2, 24);
    put32(m.buf + at + 4, 16 + 24 + 20);
    m.len = at + 16 + 24 + 20;
    if (CHECK_EQ_I64(mb2_parse(&m, true), 0))
        CHECK_EQ_U64(bi.nmem, 1);
}

/*
 * An entry or descriptor size so large that `off + esize` wraps around 32 bits: the loop must
 * end, not read entries beyond the tag. EXPECTED TO FAIL (SIGSEGV on the guard page) with
 * kernel/bootinfo.c as of this writing: mb2_mmap and mb2_efi_mmap test `off + esize <= size`
 * in uint32_t, which wraps.
 */
static void test_mb2_mmap_size_wrap(void)
{
    struct mb2 m;

    mb2_begin(&m);
    mb2_meminfo(&m, 639, 1024);
    size_t at = mb2_mmap(&m, NULL, 0, 24);
    put32(m.buf + at + 8, 0xFFFFFFF8u);
    int err = mb2_parse(&m, true);
    CHECK(err == -NP_EBADMSG || err == 0);
}

static void test_mb2_efi_mmap_size_wrap(void)
{
    struct mb2 m;

    mb2_begin(&m);
    mb2_meminfo(&m, 639, 1024);
    size_t at = mb2_efi_mmap(&m, NULL, 0);
    put32(m.buf + at + 8, 0xFFFFFFF0u);
    int err = mb2_parse(&m, true);
    CHECK(err == -NP_EBADMSG || err == 0);
}

/* ---- Multiboot1 (spec 0.6.96 section 3.3) in a 1 MiB fake physical memory ---- */

#define FAKE_SIZE   (1u << 20)

/* Multiboot2 module tags (type 3): start, end, the loader's string; finding one by name. */
static void test_mb2_modules(void)
{
    struct mb2 m;
    uint8_t mod[8 + 64];
    mb2_begin(&m);
    mb2_mmap(&m, e820, 6, 24);
    put32(mod, 0x200000);
    put32(mod + 4, 0x200800);
    strcpy((char *)mod + 8, "/boot/company-ca.pem extra words");
    mb2_tag(&m, 3, mod, 8 + strlen((char *)mod + 8) + 1);
    put32(mod, 0x300000);
    put32(mod + 4, 0x300100);
    strcpy((char *)mod + 8, "other.bin");
    mb2_tag(&m, 3, mod, 8 + strlen((char *)mod + 8) + 1);
    put32(mod, 0x400000);
    put32(mod + 4, 0x400000);       /* empty: dropped */
    strcpy((char *)mod + 8, "empty");
    mb2_tag(&m, 3, mod, 8 + 6);
    if (!CHECK_EQ_I64(mb2_parse(&m, true), 0))
        return;
    CHECK_EQ_U64(bi.nmodules, 2);
    CHECK(bi.modules_dropped);
    CHECK_EQ_U64(bi.modules[0].start, 0x200000);
    CHECK_EQ_U64(bi.modules[0].len, 0x800);
    CHECK_STR(bi.modules[0].cmdline, "/boot/company-ca.pem extra words");
    CHECK(bootinfo_module_find(&bi, "company-ca.pem") == &bi.modules[0]);
    CHECK(bootinfo_module_find(&bi, "other.bin") == &bi.modules[1]);
    CHECK(bootinfo_module_find(&bi, "words") == &bi.modules[0]);   /* any word of it */
    CHECK(bootinfo_module_find(&bi, "company-ca") == NULL);
    CHECK(bootinfo_module_find(&bi, "boot") == NULL);
    CHECK(bootinfo_module_find(&bi, "ords") == NULL);
    CHECK(bootinfo_module_find(&bi, "") == NULL);

    /* A module tag shorter than its fixed fields is malformed. */
    mb2_begin(&m);
    mb2_mmap(&m, e820, 6, 24);
    mb2_tag(&m, 3, mod, 4);
    CHECK_EQ_I64(mb2_parse(&m, true), -NP_EBADMSG);

    /* Two modules of one name: ambiguous, so neither. One unnamed module: that one. */
    bi.nmodules = 2;
    strcpy(bi.modules[0].cmdline, "/boot/company-ca.pem");
    strcpy(bi.modules[1].cmdline, "/srv/company-ca.pem");
    CHECK(bootinfo_module_find(&bi, "company-ca.pem") == NULL);
    bi.nmodules = 1;
    bi.modules[0].cmdline[0] = '\0';
    CHECK(bootinfo_module_find(&bi, "ca.pem") == &bi.modules[0]);
}

#define MB1_INFO    0x9000u
#define MB1_CMDLINE 0x10000u
#define MB1_LOADER  0x10100u
#define MB1_MMAP    0x11000u

enum { MB1_MEM = 1u << 0, MB1_CMD = 1u << 2, MB1_MAP = 1u << 6, MB1_LDR = 1u << 9, MB1_FB = 1u << 12 };

static struct fakephys phys;

/* Writes mmap entries, each preceded by its size field (20 = the entry without it). */
static uint32_t mb1_write_mmap(const struct mmap_entry *e, unsigned n, uint32_t size_field)
{
    uint32_t off = 0;
    for (unsigned i = 0; i < n; i++) {
        uint8_t *p = phys.mem + MB1_MMAP + off;
        put32(p, size_field);
        put64(p + 4, e[i].base);
        put64(p + 12, e[i].len);
        put32(p + 20, e[i].type);
        off += size_field + 4;
    }
    return off;
}

/* A fresh fake memory with an info structure whose flags say what is present. */
static void mb1_setup(uint32_t flags)
{
    memset(phys.mem, 0, phys.size);
    uint8_t *info = phys.mem + MB1_INFO;
    put32(info, flags);
    put32(info + 4, 639);
    put32(info + 8, 64512);
    put32(info + 16, MB1_CMDLINE);
    strcpy((char *)phys.mem + MB1_CMDLINE, "netplant.elf console=ttyS0");
    put32(info + 64, MB1_LOADER);
    strcpy((char *)phys.mem + MB1_LOADER, "iPXE 1.21.1");
    put32(info + 44, mb1_write_mmap(e820, 6, 20));
    put32(info + 48, MB1_MMAP);
    put64(info + 88, 0xE0000000);
    put32(info + 96, 3200);
    put32(info + 100, 800);
    put32(info + 104, 600);
    info[108] = 32;
    info[109] = 1;
}

static int mb1_parse(void)
{
    return bootinfo_parse_mb1(&bi, MB1_INFO, fakephys_map, &phys);
}

/* Everything present: strings, the mmap (preferred over mem_lower/upper), the framebuffer. */
static void test_mb1_full(void)
{
    mb1_setup(MB1_MEM | MB1_CMD | MB1_MAP | MB1_LDR | MB1_FB);
    if (!CHECK_EQ_I64(mb1_parse(), 0))
        return;
    CHECK_EQ_U64(bi.proto, BOOT_MB1);
    CHECK_STR(bi.cmdline, "netplant.elf console=ttyS0");
    CHECK_STR(bi.loader, "iPXE 1.21.1");
    CHECK_STR(bi.mem_source, "multiboot1 mmap");
    CHECK_EQ_U64(bi.nmem, 6);
    check_range(0, 0, 0x9FC00, MEM_USABLE);
    check_range(3, 0x100000, 0x7EE0000, MEM_USABLE);
    CHECK(bi.have_fb);
    CHECK_EQ_U64(bi.fb.addr, 0xE0000000);
    CHECK_EQ_U64(bi.fb.pitch, 3200);
    CHECK_EQ_U64(bi.fb.width, 800);
    CHECK_EQ_U64(bi.fb.height, 600);
    CHECK_EQ_U64(bi.fb.bpp, 32);
    CHECK_EQ_U64(bi.fb.type, 1);
    CHECK_EQ_U64(bi.rsdp_len, 0);
}

/* Flags decide what is read: without MMAP, mem_lower/upper; without CMDLINE, no string. */
static void test_mb1_flags(void)
{
    mb1_setup(MB1_MEM);
    if (CHECK_EQ_I64(mb1_parse(), 0)) {
        CHECK_STR(bi.mem_source, "multiboot1 mem_lower/upper");
        CHECK_EQ_U64(bi.nmem, 2);
        check_range(0, 0, 639 * 1024, MEM_USABLE);
        check_range(1, 1 << 20, 64512ull * 1024, MEM_USABLE);
        CHECK_STR(bi.cmdline, "");
        CHECK_STR(bi.loader, "");
        CHECK(!bi.have_fb);
    }
    mb1_setup(MB1_CMD);
    CHECK_EQ_I64(mb1_parse(), -NP_ENOENT);      /* no memory information */
    CHECK_STR(bi.cmdline, "netplant.elf console=ttyS0");
}

/* mmap entries with a larger size field are stepped by it; bad sizes are refused. */
static void test_mb1_mmap_sizes(void)
{
    mb1_setup(MB1_MAP);
    put32(phys.mem + MB1_INFO + 44, mb1_write_mmap(e820, 3, 28));
    if (CHECK_EQ_I64(mb1_parse(), 0)) {
        CHECK_EQ_U64(bi.nmem, 3);
        check_range(2, 0x100000, 0x7EE0000, MEM_USABLE);
    }

    mb1_setup(MB1_MAP);
    put32(phys.mem + MB1_MMAP + 24, 19);        /* second entry: size below 20 */
    CHECK_EQ_I64(mb1_parse(), -NP_EBADMSG);

    mb1_setup(MB1_MAP);
    put32(phys.mem + MB1_MMAP + 5 * 24, 21);    /* last entry claims a byte past the map */
    CHECK_EQ_I64(mb1_parse(), -NP_EBADMSG);

    mb1_setup(MB1_MAP);
    put32(phys.mem + MB1_INFO + 48, FAKE_SIZE - 16);    /* the map runs off memory */
    CHECK_EQ_I64(mb1_parse(), -NP_EBADMSG);

    /* An mmap ending exactly at the top of memory is read to its last byte and no further. */
    mb1_setup(MB1_MAP);
    memcpy(phys.mem + FAKE_SIZE - 48, phys.mem + MB1_MMAP, 48);
    put32(phys.mem + MB1_INFO + 44, 48);
    put32(phys.mem + MB1_INFO + 48, FAKE_SIZE - 48);
    if (CHECK_EQ_I64(mb1_parse(), 0))
        CHECK_EQ_U64(bi.nmem, 2);
}

/* Strings: across a page boundary, too long, unterminated at the end of memory, unmapped. */
static void test_mb1_strings(void)
{
    mb1_setup(MB1_MEM | MB1_CMD);
    char *s = (char *)phys.mem + 0x10FF0;
    strcpy(s, "crosses=the page boundary at 0x11000");
    put32(phys.mem + MB1_INFO + 16, 0x10FF0);
    if (CHECK_EQ_I64(mb1_parse(), 0))
        CHECK_STR(bi.cmdline, s);

    mb1_setup(MB1_MEM | MB1_CMD);
    memset(phys.mem + 0x20000, 'x', BOOTINFO_CMDLINE_MAX + 2 * 4096);
    put32(phys.mem + MB1_INFO + 16, 0x20000 + 100);
    if (CHECK_EQ_I64(mb1_parse(), 0)) {
        CHECK_EQ_U64(strlen(bi.cmdline), BOOTINFO_CMDLINE_MAX - 1);
        CHECK(bi.cmdline_truncated);
    }

    mb1_setup(MB1_MEM | MB1_CMD);
    memset(phys.mem + 0x20000, 'y', BOOTINFO_CMDLINE_MAX - 1);     /* exactly fits */
    put32(phys.mem + MB1_INFO + 16, 0x20000);
    if (CHECK_EQ_I64(mb1_parse(), 0)) {
        CHECK_EQ_U64(strlen(bi.cmdline), BOOTINFO_CMDLINE_MAX - 1);
        CHECK(!bi.cmdline_truncated);
    }

    mb1_setup(MB1_MEM | MB1_CMD);
    memset(phys.mem + FAKE_SIZE - 10, 'z', 10);     /* no NUL before the end of memory */
    put32(phys.mem + MB1_INFO + 16, FAKE_SIZE - 10);
    if (CHECK_EQ_I64(mb1_parse(), 0))
        CHECK_STR(bi.cmdline, "zzzzzzzzzz");

    mb1_setup(MB1_MEM | MB1_CMD);
    put32(phys.mem + MB1_INFO + 16, FAKE_SIZE + 0x1000);
    CHECK_EQ_I64(mb1_parse(), -NP_EBADMSG);

    mb1_setup(MB1_MEM | MB1_LDR);
    put32(phys.mem + MB1_INFO + 64, 0xFFFFFFF0u);
    CHECK_EQ_I64(mb1_parse(), -NP_EBADMSG);

    /* The info structure itself outside memory. */
    CHECK_EQ_I64(bootinfo_parse_mb1(&bi, FAKE_SIZE - 100, fakephys_map, &phys), -NP_EBADMSG);
    CHECK_EQ_U64(bi.proto, BOOT_MB1);
}

/* ---- PVH: hvm_start_info (Xen's arch-x86/hvm/start_info.h) ---- */


/* Multiboot1 modules (flags bit 3): entries of start, end, string, reserved. */
static void test_mb1_modules(void)
{
    mb1_setup(MB1_CMD | MB1_MAP | (1u << 3));
    uint8_t *info = phys.mem + MB1_INFO;
    put32(info + 20, 2);
    put32(info + 24, 0x13000);
    uint8_t *e = phys.mem + 0x13000;
    put32(e, 0x200000);
    put32(e + 4, 0x201000);
    put32(e + 8, 0x13100);
    strcpy((char *)phys.mem + 0x13100, "ca.pem");
    put32(e + 16, 0x300000);
    put32(e + 20, 0x300010);
    put32(e + 24, 0);               /* no string */
    if (CHECK_EQ_I64(mb1_parse(), 0) && CHECK_EQ_U64(bi.nmodules, 2)) {
        CHECK_EQ_U64(bi.modules[0].len, 0x1000);
        CHECK_STR(bi.modules[0].cmdline, "ca.pem");
        CHECK_STR(bi.modules[1].cmdline, "");
        CHECK(bootinfo_module_find(&bi, "ca.pem") == &bi.modules[0]);
    }
    /* The list itself out of reach, or an absurd count: malformed, not followed. */
    put32(info + 24, FAKE_SIZE - 8);
    CHECK_EQ_I64(mb1_parse(), -NP_EBADMSG);
    put32(info + 24, 0x13000);
    put32(info + 20, 100000);
    CHECK_EQ_I64(mb1_parse(), -NP_EBADMSG);
}

#define PVH_INFO   0x8000u
#define PVH_MEMMAP 0x12000u

static void pvh_setup(uint32_t version, const struct mmap_entry *e, uint32_t n)
{
    memset(phys.mem, 0, phys.size);
    uint8_t *si = phys.mem + PVH_INFO;
    put32(si, BOOT_MAGIC_PVH);
    put32(si + 4, version);
    put64(si + 24, MB1_CMDLINE);
    strcpy((char *)phys.mem + MB1_CMDLINE, "console=ttyS0 then=poweroff");
    put64(si + 32, 0xF5A40);
    put64(si + 40, PVH_MEMMAP);
    put32(si + 48, n);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *m = phys.mem + PVH_MEMMAP + 24 * i;
        put64(m, e[i].base);
        put64(m + 8, e[i].len);
        put32(m + 16, e[i].type);
    }
}

static int pvh_parse(void)
{
    return bootinfo_parse_pvh(&bi, PVH_INFO, fakephys_map, &phys);
}

static void test_pvh(void)
{
    pvh_setup(1, e820, 6);
    if (CHECK_EQ_I64(pvh_parse(), 0)) {
        CHECK_EQ_U64(bi.proto, BOOT_PVH);
        CHECK_STR(bi.cmdline, "console=ttyS0 then=poweroff");
        CHECK_STR(bi.loader, "PVH");
        CHECK_EQ_U64(bi.rsdp_addr, 0xF5A40);
        CHECK_STR(bi.mem_source, "pvh memmap");
        CHECK_EQ_U64(bi.nmem, 6);
        check_range(0, 0, 0x9FC00, MEM_USABLE);
        check_range(5, 0xFFFC0000, 0x40000, MEM_RESERVED);
    }

    /* No command line: empty, not an error. */
    pvh_setup(1, e820, 6);
    put64(phys.mem + PVH_INFO + 24, 0);
    if (CHECK_EQ_I64(pvh_parse(), 0))
        CHECK_STR(bi.cmdline, "");

    /* Bad magic. */
    pvh_setup(1, e820, 6);
    put32(phys.mem + PVH_INFO, BOOT_MAGIC_MB2);
    CHECK_EQ_I64(pvh_parse(), -NP_EBADMSG);
    CHECK_EQ_U64(bi.proto, BOOT_PVH);

    /* Version 0 has no memory map: not supported, but the command line is already read. */
    pvh_setup(0, e820, 6);
    CHECK_EQ_I64(pvh_parse(), -NP_ENOTSUP);
    CHECK_STR(bi.cmdline, "console=ttyS0 then=poweroff");
    CHECK_EQ_U64(bi.rsdp_addr, 0xF5A40);

    /* A memory map outside memory; an empty one. */
    pvh_setup(1, e820, 6);
    put64(phys.mem + PVH_INFO + 40, FAKE_SIZE - 24);
    CHECK_EQ_I64(pvh_parse(), -NP_EBADMSG);
    pvh_setup(1, e820, 0);
    CHECK_EQ_I64(pvh_parse(), -NP_ENOENT);

    /* More entries than BOOTINFO_MAX_RANGES: only that many are read. */
    pvh_setup(1, e820, 6);
    put32(phys.mem + PVH_INFO + 48, 0x10000000u);
    for (uint32_t i = 0; i < BOOTINFO_MAX_RANGES; i++) {
        uint8_t *m = phys.mem + PVH_MEMMAP + 24 * i;
        put64(m, (uint64_t)i << 21);
        put64(m + 8, 1u << 20);
        put32(m + 16, MEM_USABLE);
    }
    if (CHECK_EQ_I64(pvh_parse(), 0))
        CHECK_EQ_U64(bi.nmem, BOOTINFO_MAX_RANGES);

    /* The structure itself must be mappable. */
    CHECK_EQ_I64(bootinfo_parse_pvh(&bi, FAKE_SIZE - 8, fakephys_map, &phys), -NP_EBADMSG);
}

/* bootinfo_parse picks the parser by the magic value the loader left in EAX. */

/* PVH modules (QEMU -initrd on microvm): hvm_modlist_entry of paddr, size, cmdline, reserved. */
static void test_pvh_modules(void)
{
    pvh_setup(1, e820, 6);
    put32(phys.mem + PVH_INFO + 12, 1);
    put64(phys.mem + PVH_INFO + 16, 0x14000);
    put64(phys.mem + 0x14000, 0x5000000);
    put64(phys.mem + 0x14000 + 8, 0x2000);
    if (CHECK_EQ_I64(pvh_parse(), 0) && CHECK_EQ_U64(bi.nmodules, 1)) {
        CHECK_EQ_U64(bi.modules[0].start, 0x5000000);
        CHECK_EQ_U64(bi.modules[0].len, 0x2000);
        CHECK(bootinfo_module_find(&bi, "anything.pem") == &bi.modules[0]);
    }
    /* Above 4 GiB (not mapped when it is read) or wrapping: dropped, not an error. */
    put64(phys.mem + 0x14000, 0xFFFFFFFFFFFFF000ull);
    if (CHECK_EQ_I64(pvh_parse(), 0)) {
        CHECK_EQ_U64(bi.nmodules, 0);
        CHECK(bi.modules_dropped);
    }
    put64(phys.mem + PVH_INFO + 16, FAKE_SIZE - 16);
    CHECK_EQ_I64(pvh_parse(), -NP_EBADMSG);
}

static void test_dispatch(void)
{
    struct mb2 m;
    size_t total;

    memset(phys.mem, 0, phys.size);
    mb2_begin(&m);
    mb2_string(&m, 1, "from mb2");
    mb2_mmap(&m, e820, 2, 24);
    uint8_t *p = mb2_finish(&m, true, &total);
    memcpy(phys.mem + 0x30000, p, total);
    block_free(p, total);
    if (CHECK_EQ_I64(bootinfo_parse(&bi, BOOT_MAGIC_MB2, 0x30000, fakephys_map, &phys), 0)) {
        CHECK_EQ_U64(bi.proto, BOOT_MB2);
        CHECK_STR(bi.cmdline, "from mb2");
        CHECK_EQ_U64(bi.nmem, 2);
    }
    CHECK_EQ_I64(bootinfo_parse(&bi, BOOT_MAGIC_MB2, FAKE_SIZE - 4, fakephys_map, &phys), -NP_EBADMSG);
    CHECK_EQ_U64(bi.proto, BOOT_MB2);
    put32(phys.mem + 0x30000, FAKE_SIZE);       /* total_size past the end of memory */
    CHECK_EQ_I64(bootinfo_parse(&bi, BOOT_MAGIC_MB2, 0x30000, fakephys_map, &phys), -NP_EBADMSG);

    mb1_setup(MB1_MEM | MB1_CMD);
    if (CHECK_EQ_I64(bootinfo_parse(&bi, BOOT_MAGIC_MB1, MB1_INFO, fakephys_map, &phys), 0)) {
        CHECK_EQ_U64(bi.proto, BOOT_MB1);
        CHECK_STR(bi.cmdline, "netplant.elf console=ttyS0");
    }

    pvh_setup(1, e820, 6);
    if (CHECK_EQ_I64(bootinfo_parse(&bi, BOOT_MAGIC_PVH, PVH_INFO, fakephys_map, &phys), 0)) {
        CHECK_EQ_U64(bi.proto, BOOT_PVH);
        CHECK_STR(bi.loader, "PVH");
    }

    strcpy(bi.cmdline, "stale");
    CHECK_EQ_I64(bootinfo_parse(&bi, 0x12345678, PVH_INFO, fakephys_map, &phys), -NP_ENOTSUP);
    CHECK_EQ_U64(bi.proto, BOOT_NONE);
    CHECK_STR(bi.cmdline, "");

    CHECK_STR(bootinfo_proto_name(BOOT_MB2), "Multiboot2");
    CHECK_STR(bootinfo_proto_name(BOOT_MB1), "Multiboot1");
    CHECK_STR(bootinfo_proto_name(BOOT_PVH), "PVH");
    CHECK_STR(bootinfo_proto_name(BOOT_NONE), "unknown");
}

int main(void)
{
    fakephys_init(&phys, FAKE_SIZE);
    TEST_RUN(test_mb2_all_tags);
    TEST_RUN(test_mb2_minimal);
    TEST_RUN(test_mb2_mem_preference);
    TEST_RUN(test_mb2_strings);
    TEST_RUN(test_mb2_malformed);
    TEST_RUN(test_mb1_full);
    TEST_RUN(test_mb1_flags);
    TEST_RUN(test_mb1_mmap_sizes);
    TEST_RUN(test_mb1_strings);
    TEST_RUN(test_pvh);
    TEST_RUN(test_mb2_modules);
    TEST_RUN(test_mb1_modules);
    TEST_RUN(test_pvh_modules);
    TEST_RUN(test_dispatch);
    TEST_RUN_ISOLATED(test_mb2_mmap_size_wrap);         /* may die: see its comment */
    TEST_RUN_ISOLATED(test_mb2_efi_mmap_size_wrap);
    fakephys_free(&phys);
    return test_finish();
}
