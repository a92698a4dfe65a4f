/* drivers/ahci/ahci_cmd.c: register FISes, PRD tables, slot completion, IDENTIFY decoding. */
#include "drivers/ahci/ahci_cmd.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"

static void test_fis(void)
{
    uint8_t f[FIS_H2D_LEN];
    ata_fis_rw(f, true, 0x0000123456789ABCull, 65536);
    CHECK_EQ_U64(f[0], FIS_TYPE_REG_H2D);
    CHECK_EQ_U64(f[1], FIS_H2D_C);
    CHECK_EQ_U64(f[2], ATA_CMD_WRITE_DMA_EXT);
    CHECK(f[4] == 0xBC && f[5] == 0x9A && f[6] == 0x78 && f[8] == 0x56 && f[9] == 0x34 && f[10] == 0x12);
    CHECK_EQ_U64(f[7], ATA_DEV_LBA);
    CHECK(f[12] == 0 && f[13] == 0);                    /* 65536 sectors: count 0 */
    ata_fis_rw(f, false, 8, 2048);
    CHECK_EQ_U64(f[2], ATA_CMD_READ_DMA_EXT);
    CHECK(f[12] == 0x00 && f[13] == 0x08);
    /* NCQ: the count moves to FEATURES, the tag into COUNT 7:3. */
    ata_fis_rw_ncq(f, true, 8, 0x0102, 5);
    CHECK_EQ_U64(f[2], ATA_CMD_WRITE_FPDMA);
    CHECK(f[3] == 0x02 && f[11] == 0x01);
    CHECK_EQ_U64(f[12], 5 << 3);
    CHECK_EQ_U64(f[13], 0);
    ata_fis_cmd(f, ATA_CMD_IDENTIFY);
    CHECK(f[2] == ATA_CMD_IDENTIFY && f[7] == 0);
    ata_fis_cmd(f, ATA_CMD_FLUSH_EXT);
    CHECK(f[2] == ATA_CMD_FLUSH_EXT && f[4] == 0);
}

static void test_prdt(void)
{
    struct ahci_prd p[8];
    CHECK_EQ_I64(ahci_prdt_build(p, 8, 0x100000, 512, 1u << 20), 1);
    CHECK_EQ_U64(p[0].dba, 0x100000);
    CHECK_EQ_U64(p[0].dbc, 511);                        /* byte count - 1 */
    CHECK_EQ_I64(ahci_prdt_build(p, 8, 0x100000, (4u << 20) + 4096, 1u << 20), 5);
    CHECK_EQ_U64(p[4].dba, 0x100000 + (4u << 20));
    CHECK_EQ_U64(p[4].dbc, 4095);
    CHECK_EQ_U64(p[3].dbc, (1u << 20) - 1);
    CHECK_EQ_I64(ahci_prdt_build(p, 4, 0x100000, (4u << 20) + 2, 1u << 20), -NP_ERANGE);
    CHECK_EQ_I64(ahci_prdt_build(p, 8, 0x100001, 512, 1u << 20), -NP_EINVAL);  /* odd address */
    CHECK_EQ_I64(ahci_prdt_build(p, 8, 0x100000, 511, 1u << 20), -NP_EINVAL);  /* odd count */
    CHECK_EQ_I64(ahci_prdt_build(p, 8, 0x100000, 0, 1u << 20), -NP_EINVAL);
    CHECK_EQ_I64(ahci_prdt_build(p, 8, 0x100000, 512, 8u << 20), -NP_EINVAL);  /* chunk over 4 MiB */
}

static void test_slots_done(void)
{
    CHECK_EQ_U64(ahci_slots_done(0x7, 0x7, 0x0), 0);    /* all still issued */
    CHECK_EQ_U64(ahci_slots_done(0x7, 0x2, 0x0), 0x5);
    /* NCQ: CI clears when the device accepts, SACT when the data is done. */
    CHECK_EQ_U64(ahci_slots_done(0x7, 0x0, 0x6), 0x1);
    CHECK_EQ_U64(ahci_slots_done(0x1, 0x0, 0x6), 0x1);  /* bits we never issued do not count */
}

static void put_string(uint16_t *w, const char *s, unsigned nwords)
{
    char buf[64];
    memset(buf, ' ', sizeof(buf));
    memcpy(buf, s, strlen(s));
    for (unsigned i = 0; i < nwords; i++)
        w[i] = (uint16_t)((uint8_t)buf[2 * i] << 8 | (uint8_t)buf[2 * i + 1]);
}

static void test_identify(void)
{
    uint16_t id[256];
    struct ata_info a;
    memset(id, 0, sizeof(id));
    put_string(id + ATA_ID_SERIAL, "QM00001", 10);
    put_string(id + ATA_ID_MODEL, "QEMU HARDDISK", 20);
    CHECK_EQ_I64(ata_identify_parse(id, &a), -NP_ENOTSUP);     /* no 48-bit LBA */
    CHECK_STR(a.model, "QEMU HARDDISK");                        /* byte order within words */
    CHECK_STR(a.serial, "QM00001");
    id[ATA_ID_CMDSET2] = 1u << 10 | 1u << 13;
    id[ATA_ID_SATA_CAP] = 1u << 8;
    id[ATA_ID_QUEUE_DEPTH] = 31;
    id[ATA_ID_LBA48] = 0x0000;
    id[ATA_ID_LBA48 + 1] = 0x0001;                              /* 65536 sectors */
    CHECK_EQ_I64(ata_identify_parse(id, &a), 0);
    CHECK_EQ_U64(a.sectors, 65536);
    CHECK_EQ_U64(a.sector_size, 512);
    CHECK(a.ncq && a.flush_ext && a.lba48);
    CHECK_EQ_U64(a.queue_depth, 32);
    /* 4K logical sectors: word 106 valid with bit 12, words 117-118 count words. */
    id[ATA_ID_SECTOR_SIZE] = 0x4000 | 1u << 12;
    id[ATA_ID_LOGICAL_SIZE] = 2048;
    CHECK_EQ_I64(ata_identify_parse(id, &a), 0);
    CHECK_EQ_U64(a.sector_size, 4096);
    id[ATA_ID_SECTOR_SIZE] = 0xC000 | 1u << 12;                 /* bit 15 set: word not valid */
    CHECK_EQ_I64(ata_identify_parse(id, &a), 0);
    CHECK_EQ_U64(a.sector_size, 512);
    id[ATA_ID_SECTOR_SIZE] = 0x4000 | 1u << 12;
    id[ATA_ID_LOGICAL_SIZE] = 300;                              /* 600 bytes: not a power of two */
    CHECK_EQ_I64(ata_identify_parse(id, &a), -NP_EBADMSG);
    /* A right-aligned serial, a control byte, a short destination. */
    put_string(id + ATA_ID_SERIAL, "     ABC\x01", 10);
    id[ATA_ID_LOGICAL_SIZE] = 256;
    ata_identify_parse(id, &a);
    CHECK_STR(a.serial, "ABC?");
    char small[4];
    ata_id_string(small, sizeof(small), id + ATA_ID_MODEL, 20);
    CHECK_STR(small, "QEM");
}

int main(void)
{
    TEST_RUN(test_fis);
    TEST_RUN(test_prdt);
    TEST_RUN(test_slots_done);
    TEST_RUN(test_identify);
    return test_finish();
}
