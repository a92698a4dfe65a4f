/* AHCI command FISes, PRD tables, slot completion and IDENTIFY decoding (AHCI 1.3.1, ACS-3). */
#include "drivers/ahci/ahci_cmd.h"

#include "kernel/errno.h"
#include "kernel/string.h"

static void fis_h2d(uint8_t *fis, uint8_t command, uint64_t lba, uint8_t device)
{
    NP_STRFN(memset)(fis, 0, FIS_H2D_LEN);
    fis[0] = FIS_TYPE_REG_H2D;
    fis[1] = FIS_H2D_C;
    fis[2] = command;
    fis[4] = (uint8_t)lba;
    fis[5] = (uint8_t)(lba >> 8);
    fis[6] = (uint8_t)(lba >> 16);
    fis[7] = device;
    fis[8] = (uint8_t)(lba >> 24);
    fis[9] = (uint8_t)(lba >> 32);
    fis[10] = (uint8_t)(lba >> 40);
}

void ata_fis_rw(uint8_t *fis, bool write, uint64_t lba, uint32_t count)
{
    fis_h2d(fis, write ? ATA_CMD_WRITE_DMA_EXT : ATA_CMD_READ_DMA_EXT, lba, ATA_DEV_LBA);
    fis[12] = (uint8_t)count;           /* 65536 is written as 0 */
    fis[13] = (uint8_t)(count >> 8);
}

void ata_fis_rw_ncq(uint8_t *fis, bool write, uint64_t lba, uint32_t count, unsigned tag)
{
    fis_h2d(fis, write ? ATA_CMD_WRITE_FPDMA : ATA_CMD_READ_FPDMA, lba, ATA_DEV_LBA);
    fis[3] = (uint8_t)count;            /* FPDMA: the count in FEATURES 15:0 */
    fis[11] = (uint8_t)(count >> 8);
    fis[12] = (uint8_t)(tag << 3);      /* the tag in COUNT 7:3 */
}

void ata_fis_cmd(uint8_t *fis, uint8_t command)
{
    fis_h2d(fis, command, 0, command == ATA_CMD_IDENTIFY ? 0 : ATA_DEV_LBA);
}

int ahci_prdt_build(struct ahci_prd *prdt, unsigned max, uint64_t addr, size_t len, uint32_t chunk)
{
    /* Word-aligned address, even byte counts (4.2.3.3); a piece is at most 4 MiB. */
    if (!len || (addr & 1) || (len & 1) || !chunk || chunk > AHCI_PRD_MAX_BYTES || (chunk & 1))
        return -NP_EINVAL;
    unsigned n = 0;
    for (size_t off = 0; off < len; n++) {
        if (n == max)
            return -NP_ERANGE;
        size_t k = len - off < chunk ? len - off : chunk;
        prdt[n].dba = addr + off;
        prdt[n].reserved = 0;
        prdt[n].dbc = (uint32_t)(k - 1);   /* I clear: we poll */
        off += k;
    }
    return (int)n;
}

uint32_t ahci_slots_done(uint32_t issued, uint32_t ci, uint32_t sact)
{
    return issued & ~ci & ~sact;
}

void ata_id_string(char *dst, size_t dst_size, const uint16_t *words, unsigned nwords)
{
    size_t n = 0, start = 0;
    for (unsigned i = 0; i < 2 * nwords && n < dst_size - 1; i++) {
        uint8_t c = (uint8_t)(i % 2 ? words[i / 2] : words[i / 2] >> 8);
        dst[n++] = c >= 0x20 && c < 0x7F ? (char)c : c ? '?' : ' ';
    }
    /* Padding is spaces (or NULs) at the end; some devices right-align serials instead. */
    while (n && dst[n - 1] == ' ')
        n--;
    while (start < n && dst[start] == ' ')
        start++;
    NP_STRFN(memmove)(dst, dst + start, n - start);
    dst[n - start] = '\0';
}

int ata_identify_parse(const uint16_t *id, struct ata_info *out)
{
    ata_id_string(out->serial, sizeof(out->serial), id + ATA_ID_SERIAL, 10);
    ata_id_string(out->model, sizeof(out->model), id + ATA_ID_MODEL, 20);
    out->lba48 = id[ATA_ID_CMDSET2] & (1u << 10);
    out->flush_ext = id[ATA_ID_CMDSET2] & (1u << 13);
    out->ncq = id[ATA_ID_SATA_CAP] & (1u << 8);
    out->queue_depth = (id[ATA_ID_QUEUE_DEPTH] & 0x1F) + 1u;
    if (!out->lba48)
        return -NP_ENOTSUP;
    out->sectors = 0;
    for (unsigned i = 0; i < 4; i++)
        out->sectors |= (uint64_t)id[ATA_ID_LBA48 + i] << (16 * i);
    out->sector_size = 512;
    /* Word 106 is valid when bit 14 is set and bit 15 clear; bit 12: words 117-118 count. */
    uint16_t w106 = id[ATA_ID_SECTOR_SIZE];
    if ((w106 & 0xC000) == 0x4000 && (w106 & (1u << 12))) {
        uint32_t words = id[ATA_ID_LOGICAL_SIZE] | (uint32_t)id[ATA_ID_LOGICAL_SIZE + 1] << 16;
        if (words > (1u << 15))
            return -NP_EBADMSG;
        out->sector_size = words * 2;
    }
    if (out->sector_size < 512 || (out->sector_size & (out->sector_size - 1)) || !out->sectors ||
        out->sectors > (UINT64_MAX / out->sector_size))
        return -NP_EBADMSG;
    return 0;
}
