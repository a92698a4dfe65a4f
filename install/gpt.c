/* GPT parse and backup relocation (UEFI 2.10 section 5.3); see gpt.h. */
#include "install/gpt.h"

#include "kernel/errno.h"
#include "kernel/string.h"

/* UEFI 5.3.2, GPT header: byte offsets of the fields used here. */
#define H_SIG           0
#define H_SIZE          12
#define H_CRC           16
#define H_MY_LBA        24
#define H_ALT_LBA       32
#define H_FIRST_USABLE  40
#define H_LAST_USABLE   48
#define H_ENTRIES_LBA   72
#define H_N_ENTRIES     80
#define H_ENTRY_SIZE    84
#define H_ENTRIES_CRC   88
/* UEFI 5.3.3, partition entry: the type GUID (all zero: unused), first and last LBA. */
#define E_FIRST_LBA     32
#define E_LAST_LBA      40
#define E_MIN_SIZE      128u
/* UEFI 5.2.3, protective MBR: partition records at 446, OS type 0xEE, size in sectors. */
#define MBR_PART        446
#define MBR_TYPE        4
#define MBR_START       8
#define MBR_SIZE        12
#define MBR_SIG         510

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

uint32_t gpt_crc32(uint32_t crc, const void *p, size_t len)
{
    const uint8_t *b = p;
    crc = ~crc;
    while (len--) {
        crc ^= *b++;
        for (int k = 0; k < 8; k++)
            crc = crc >> 1 ^ (0xEDB88320u & (0u - (crc & 1)));     /* reflected 0x04C11DB7 */
    }
    return ~crc;
}

/* The header's CRC is over header_size bytes with the CRC field itself zero. */
static uint32_t header_crc(const uint8_t *h, uint32_t size)
{
    static const uint8_t zero[4];
    uint32_t c = gpt_crc32(0, h, H_CRC);
    c = gpt_crc32(c, zero, 4);
    return gpt_crc32(c, h + H_CRC + 4, size - H_CRC - 4);
}

static int parse_at(const uint8_t *img, size_t len, uint32_t sector, struct gpt_info *g)
{
    if (len < 2 * (size_t)sector)
        return 0;
    const uint8_t *h = img + sector;
    uint32_t size = le32(h + H_SIZE);
    if (NP_STRFN(memcmp)(h + H_SIG, "EFI PART", 8) || size < GPT_HEADER_MIN || size > sector ||
        header_crc(h, size) != le32(h + H_CRC) || le64(h + H_MY_LBA) != 1)
        return 0;
    *g = (struct gpt_info){ sector, size, 1, le64(h + H_ALT_LBA), le64(h + H_FIRST_USABLE), le64(h + H_LAST_USABLE),
                            le64(h + H_ENTRIES_LBA), le32(h + H_N_ENTRIES), le32(h + H_ENTRY_SIZE), 0 };
    /* UEFI: entry size 128 * 2^n; the table bounded so that every later product fits. */
    if (g->entry_size < E_MIN_SIZE || g->entry_size % E_MIN_SIZE || g->n_entries == 0 ||
        g->n_entries > GPT_ENTRIES_MAX / g->entry_size)
        return 0;
    g->entries_bytes = g->n_entries * g->entry_size;
    return 1;
}

uint32_t gpt_probe(const uint8_t *img, size_t len, struct gpt_info *g)
{
    if (parse_at(img, len, 512, g))
        return 512;
    if (parse_at(img, len, 4096, g))
        return 4096;
    return 0;
}

int gpt_has_mbr(const uint8_t *img, size_t len)
{
    return len >= 512 && img[MBR_SIG] == 0x55 && img[MBR_SIG + 1] == 0xAA;
}

/* Every used entry ends at or before last (and starts at or after first). */
static int entries_fit(const uint8_t *e, const struct gpt_info *g, uint64_t first, uint64_t last)
{
    static const uint8_t unused[16];
    for (uint32_t i = 0; i < g->n_entries; i++, e += g->entry_size) {
        if (!NP_STRFN(memcmp)(e, unused, 16))
            continue;
        if (le64(e + E_FIRST_LBA) < first || le64(e + E_LAST_LBA) > last)
            return 0;
    }
    return 1;
}

/* A protective MBR (one 0xEE record from LBA 1) covers the whole disk, up to 2^32 - 1 sectors. */
static void fix_protective_mbr(uint8_t *img, uint64_t last_lba)
{
    if (!gpt_has_mbr(img, 512))
        return;
    for (int i = 0; i < 4; i++) {
        uint8_t *r = img + MBR_PART + 16 * i;
        if (r[MBR_TYPE] == 0xEE && le32(r + MBR_START) == 1)
            put32(r + MBR_SIZE, last_lba > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)last_lba);
    }
}

int gpt_relocate(uint8_t *img, size_t len, const struct gpt_info *g, uint64_t disk_lbas, uint8_t *out,
                 size_t out_cap, uint64_t *out_lba, size_t *out_len)
{
    uint64_t s = g->sector, last = disk_lbas - 1;
    uint64_t entry_lbas = (g->entries_bytes + s - 1) / s;
    if (disk_lbas < 3 + 2 * entry_lbas || g->entries_lba < 2 || g->entries_lba > len / s ||
        g->entries_bytes > len - g->entries_lba * s)
        return -NP_EBADMSG;
    uint8_t *h = img + s;
    const uint8_t *entries = img + g->entries_lba * s;
    if (gpt_crc32(0, entries, g->entries_bytes) != le32(h + H_ENTRIES_CRC))
        return -NP_EBADMSG;
    if (g->alt_lba == last)
        return 1;
    uint64_t backup_entries = last - entry_lbas, last_usable = backup_entries - 1;
    if (g->first_usable > last_usable || !entries_fit(entries, g, g->first_usable, last_usable))
        return -NP_ENOSPC;
    size_t need = (size_t)((entry_lbas + 1) * s);
    if (need > out_cap)
        return -NP_ERANGE;
    /* The primary: the backup at the disk's last LBA, the usable space up to its entries. */
    put64(h + H_ALT_LBA, last);
    put64(h + H_LAST_USABLE, last_usable);
    put32(h + H_CRC, header_crc(h, g->header_size));
    /* The backup: the same table, the header's own and other LBA swapped (UEFI 5.3.2). */
    NP_STRFN(memset)(out, 0, need);
    NP_STRFN(memcpy)(out, entries, g->entries_bytes);
    uint8_t *b = out + entry_lbas * s;
    NP_STRFN(memcpy)(b, h, g->header_size);
    put64(b + H_MY_LBA, last);
    put64(b + H_ALT_LBA, 1);
    put64(b + H_ENTRIES_LBA, backup_entries);
    put32(b + H_CRC, header_crc(b, g->header_size));
    fix_protective_mbr(img, last);
    *out_lba = backup_entries;
    *out_len = need;
    return 0;
}
