/*
 * The GUID Partition Table of an image (UEFI 2.10 section 5.3), pure: found in the image's
 * first bytes, its sector size told from where the header sits, and its backup moved to the
 * end of a disk larger than the image (what `sgdisk -e` does). Host-tested and fuzzed.
 */
#ifndef INSTALL_GPT_H
#define INSTALL_GPT_H

#include <stddef.h>
#include <stdint.h>

#define GPT_HEADER_MIN      92u         /* UEFI 5.3.2: the header's defined fields */
#define GPT_ENTRIES_MAX     (1u << 20)  /* more than any real table (128 x 128 bytes is usual) */

struct gpt_info {
    uint32_t sector;            /* 512 or 4096: where the header was found (LBA 1) */
    uint32_t header_size;
    uint64_t my_lba, alt_lba, first_usable, last_usable, entries_lba;
    uint32_t n_entries, entry_size;
    uint32_t entries_bytes;     /* n_entries * entry_size */
};

/* CRC-32 as UEFI uses it (IEEE 802.3, reflected, ~0 in and out): gpt_crc32(0, p, n). */
uint32_t gpt_crc32(uint32_t crc, const void *p, size_t len);

/*
 * Looks for a primary GPT header at LBA 1 of 512-byte and of 4096-byte sectors in the image's
 * first len bytes. Returns the sector size (512 or 4096) and fills *g when a header with a
 * valid signature, size and CRC is there; 0 when there is none.
 */
uint32_t gpt_probe(const uint8_t *img, size_t len, struct gpt_info *g);

/* True when the image's first sector carries the 0x55AA boot signature (an MBR). */
int gpt_has_mbr(const uint8_t *img, size_t len);

/*
 * Moves the backup GPT to the last LBA of a disk of disk_lbas sectors of g->sector bytes:
 * rewrites the primary header in img (alternate LBA, last usable LBA, CRC) and the protective
 * MBR's size, and builds the backup (entries, then header) in out: *out_len bytes to write at
 * LBA *out_lba. img holds the image's first len bytes, which must include the entries.
 * Returns 0 when relocated, 1 when the backup already is at the last LBA (nothing changed),
 * -NP_EBADMSG for a table whose entries are not in img or fail their CRC, -NP_ENOSPC when a
 * partition would overlap the moved backup, -NP_ERANGE when out is too small.
 */
int gpt_relocate(uint8_t *img, size_t len, const struct gpt_info *g, uint64_t disk_lbas, uint8_t *out,
                 size_t out_cap, uint64_t *out_lba, size_t *out_len);

#endif
