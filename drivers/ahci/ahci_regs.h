/*
 * AHCI 1.3.1 (Serial ATA AHCI 1.3.1): HBA and port registers, command list, command table and
 * the register FIS; ATA commands and IDENTIFY DEVICE words from ACS-3. Names follow the specs.
 */
#ifndef DRIVERS_AHCI_AHCI_REGS_H
#define DRIVERS_AHCI_AHCI_REGS_H

#include <stddef.h>
#include <stdint.h>

#define AHCI_PCI_CLASS          0x010601u   /* mass storage, SATA, AHCI 1.0 */
#define AHCI_ABAR               5           /* BAR5 holds the HBA registers (2.1.11) */

/* Generic host control (3.1). */
#define AHCI_CAP                0x00
#define AHCI_GHC                0x04
#define AHCI_IS                 0x08
#define AHCI_PI                 0x0C        /* ports implemented */
#define AHCI_VS                 0x10
#define AHCI_CAP_NCS(c)         ((((c) >> 8) & 0x1F) + 1)   /* command slots */
#define AHCI_CAP_SNCQ           (1u << 30)  /* native command queuing */
#define AHCI_CAP_S64A           (1u << 31)  /* 64-bit addressing */
#define AHCI_GHC_IE             (1u << 1)
#define AHCI_GHC_AE             (1u << 31)  /* AHCI enable */

/* Port registers (3.3), at 0x100 + port * 0x80. */
#define AHCI_PORT(p)            (0x100u + (unsigned)(p) * 0x80u)
#define AHCI_PORTS_MAX          32
#define AHCI_PxCLB              0x00        /* command list base, 1 KiB aligned */
#define AHCI_PxCLBU             0x04
#define AHCI_PxFB               0x08        /* received FIS base, 256-byte aligned */
#define AHCI_PxFBU              0x0C
#define AHCI_PxIS               0x10        /* interrupt status, write 1 to clear */
#define AHCI_PxIE               0x14
#define AHCI_PxCMD              0x18
#define AHCI_PxTFD              0x20        /* task file: status 7:0, error 15:8 */
#define AHCI_PxSIG              0x24
#define AHCI_PxSSTS             0x28        /* SStatus: DET 3:0 */
#define AHCI_PxSERR             0x30
#define AHCI_PxSACT             0x34        /* NCQ tags outstanding */
#define AHCI_PxCI               0x38        /* commands issued */

#define AHCI_PxCMD_ST           (1u << 0)
#define AHCI_PxCMD_SUD          (1u << 1)   /* spin-up device */
#define AHCI_PxCMD_POD          (1u << 2)   /* power on device */
#define AHCI_PxCMD_FRE          (1u << 4)   /* FIS receive enable */
#define AHCI_PxCMD_FR           (1u << 14)  /* FIS receive running */
#define AHCI_PxCMD_CR           (1u << 15)  /* command list running */
#define AHCI_PxIS_ERRORS        (0xFu << 27 | 1u << 24 | 1u << 23)  /* IFS HBDS HBFS TFES, OFS, IPMS */
#define AHCI_PxIS_TFES          (1u << 30)
#define AHCI_SSTS_DET(s)        ((s) & 0xF)
#define AHCI_DET_PRESENT        3           /* device present, PHY established */
#define AHCI_SIG_ATA            0x00000101u
#define AHCI_SIG_ATAPI          0xEB140101u
#define ATA_SR_BSY              0x80
#define ATA_SR_DRQ              0x08
#define ATA_SR_ERR              0x01

/* Command header (4.2.2), 32 per port in the command list. */
struct ahci_cmd_hdr {
    uint16_t flags;         /* CFL 4:0 (FIS dwords), A 5, W 6, P 7, R 8, B 9, C 10, PMP 15:12 */
    uint16_t prdtl;         /* PRD table entries */
    uint32_t prdbc;         /* bytes transferred, written by the HBA */
    uint64_t ctba;          /* command table, 128-byte aligned */
    uint32_t reserved[4];
};
_Static_assert(sizeof(struct ahci_cmd_hdr) == 32, "AHCI command header");
_Static_assert(offsetof(struct ahci_cmd_hdr, ctba) == 8, "CTBA");
#define AHCI_HDR_WRITE          (1u << 6)

/* Physical region descriptor (4.2.3.3). */
struct ahci_prd {
    uint64_t dba;           /* data base, word aligned */
    uint32_t reserved;
    uint32_t dbc;           /* byte count - 1 (bit 0 set: even counts), I bit 31 */
};
_Static_assert(sizeof(struct ahci_prd) == 16, "AHCI PRD");
#define AHCI_PRD_MAX_BYTES      (4u << 20)

/* Command table (4.2.3): CFIS, ATAPI command, then the PRD table. */
#define AHCI_PRDS               8
struct ahci_cmd_table {
    uint8_t cfis[64];
    uint8_t acmd[16];
    uint8_t reserved[48];
    struct ahci_prd prdt[AHCI_PRDS];
};
_Static_assert(offsetof(struct ahci_cmd_table, prdt) == 0x80, "PRDT at 0x80");

/* Register host-to-device FIS (SATA 3.x 10.5.5). */
#define FIS_TYPE_REG_H2D        0x27
#define FIS_H2D_LEN             20
#define FIS_H2D_C               0x80        /* byte 1: this is a command */
#define ATA_DEV_LBA             0x40

/* ATA commands (ACS-3 7). */
#define ATA_CMD_IDENTIFY        0xEC
#define ATA_CMD_READ_DMA_EXT    0x25
#define ATA_CMD_WRITE_DMA_EXT   0x35
#define ATA_CMD_READ_FPDMA      0x60        /* READ FPDMA QUEUED (NCQ) */
#define ATA_CMD_WRITE_FPDMA     0x61
#define ATA_CMD_FLUSH_EXT       0xEA

/* IDENTIFY DEVICE words (ACS-3 7.12.7). */
#define ATA_ID_SERIAL           10          /* 10 words */
#define ATA_ID_MODEL            27          /* 20 words */
#define ATA_ID_QUEUE_DEPTH      75          /* 4:0, depth - 1 */
#define ATA_ID_SATA_CAP         76          /* bit 8: NCQ */
#define ATA_ID_CMDSET2          83          /* bit 10: 48-bit LBA, bit 13: FLUSH CACHE EXT */
#define ATA_ID_LBA48            100         /* 4 words */
#define ATA_ID_SECTOR_SIZE      106         /* bit 12: logical sector over 256 words */
#define ATA_ID_LOGICAL_SIZE     117         /* 2 words: words per logical sector */

#endif
