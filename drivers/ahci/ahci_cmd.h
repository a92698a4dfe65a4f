/*
 * AHCI and ATA as pure logic: the register FIS of each command we send, the PRD table over a
 * contiguous buffer, which command slots finished, and IDENTIFY DEVICE decoding (AHCI 1.3.1
 * 4.2, 5.5; ACS-3 7.12.7; SATA 3.x 13.6 for NCQ). The host tests run it without a device.
 */
#ifndef DRIVERS_AHCI_AHCI_CMD_H
#define DRIVERS_AHCI_AHCI_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/ahci/ahci_regs.h"

/* READ/WRITE DMA EXT: count 1 to 65536 sectors from lba (48-bit). */
void ata_fis_rw(uint8_t *fis, bool write, uint64_t lba, uint32_t count);
/* READ/WRITE FPDMA QUEUED: the count goes in FEATURES, the tag in COUNT 7:3. */
void ata_fis_rw_ncq(uint8_t *fis, bool write, uint64_t lba, uint32_t count, unsigned tag);
/* A command without data or LBA (IDENTIFY, FLUSH CACHE EXT). */
void ata_fis_cmd(uint8_t *fis, uint8_t command);

/* PRDs for len bytes at addr, in pieces of at most chunk bytes; the count or -NP_EINVAL/-NP_ERANGE. */
int ahci_prdt_build(struct ahci_prd *prdt, unsigned max, uint64_t addr, size_t len, uint32_t chunk);

/* The slots of issued that are done: neither in PxCI nor, for NCQ, in PxSACT. */
uint32_t ahci_slots_done(uint32_t issued, uint32_t ci, uint32_t sact);

/* An ATA string: two characters per word, the first in the high byte; trailing spaces cut. */
void ata_id_string(char *dst, size_t dst_size, const uint16_t *words, unsigned nwords);

struct ata_info {
    char serial[21];
    char model[41];
    uint64_t sectors;       /* logical sectors */
    uint32_t sector_size;   /* logical */
    bool lba48;
    bool ncq;
    unsigned queue_depth;   /* NCQ tags the device takes */
    bool flush_ext;
};
/* -NP_ENOTSUP without 48-bit LBA; -NP_EBADMSG for a size we cannot use. */
int ata_identify_parse(const uint16_t *id, struct ata_info *out);

#endif
