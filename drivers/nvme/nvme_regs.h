/*
 * NVMe over PCIe: controller registers, queue entries and the Identify data we read
 * (NVM Express Base Specification 1.4: 3.1 registers, 4.2/4.6 queue entries, 5 admin commands,
 * 6 NVM commands). Names follow the spec.
 */
#ifndef DRIVERS_NVME_NVME_REGS_H
#define DRIVERS_NVME_NVME_REGS_H

#include <stddef.h>
#include <stdint.h>

#define NVME_PCI_CLASS          0x010802u   /* mass storage, NVM, NVMe I/O controller */

/* Controller registers (3.1), offsets into BAR0. */
#define NVME_REG_CAP            0x00    /* ro, 64-bit: capabilities */
#define NVME_REG_VS             0x08    /* ro: version */
#define NVME_REG_INTMS          0x0C    /* wo: interrupt mask set (INTx/MSI only) */
#define NVME_REG_INTMC          0x10    /* wo: interrupt mask clear */
#define NVME_REG_CC             0x14    /* rw: controller configuration */
#define NVME_REG_CSTS           0x1C    /* ro: controller status */
#define NVME_REG_AQA            0x24    /* rw: admin queue attributes */
#define NVME_REG_ASQ            0x28    /* rw, 64-bit: admin submission queue base */
#define NVME_REG_ACQ            0x30    /* rw, 64-bit: admin completion queue base */
#define NVME_REG_DBS            0x1000  /* doorbells: SQ y tail, then CQ y head, stride 4 << DSTRD */

/* CAP fields (3.1.1). */
#define NVME_CAP_MQES(c)        ((uint32_t)((c) & 0xFFFF))          /* entries per queue - 1 */
#define NVME_CAP_CQR(c)         ((unsigned)((c) >> 16) & 1)         /* queues must be contiguous */
#define NVME_CAP_TO(c)          ((unsigned)((c) >> 24) & 0xFF)      /* ready timeout, 500 ms units */
#define NVME_CAP_DSTRD(c)       ((unsigned)((c) >> 32) & 0xF)       /* doorbell stride 4 << DSTRD */
#define NVME_CAP_CSS_NVM(c)     ((unsigned)((c) >> 37) & 1)         /* NVM command set supported */
#define NVME_CAP_MPSMIN(c)      ((unsigned)((c) >> 48) & 0xF)       /* 2^(12 + MPSMIN) bytes */
#define NVME_CAP_MPSMAX(c)      ((unsigned)((c) >> 52) & 0xF)

/* CC fields (3.1.5). */
#define NVME_CC_EN              (1u << 0)
#define NVME_CC_CSS_NVM         (0u << 4)
#define NVME_CC_MPS(shift)      ((uint32_t)((shift) - 12) << 7)     /* page size 2^shift */
#define NVME_CC_AMS_RR          (0u << 11)                          /* round robin */
#define NVME_CC_SHN_NORMAL      (1u << 14)
#define NVME_CC_IOSQES(n)       ((uint32_t)(n) << 16)               /* log2 of the SQ entry size */
#define NVME_CC_IOCQES(n)       ((uint32_t)(n) << 20)

/* CSTS fields (3.1.6). */
#define NVME_CSTS_RDY           (1u << 0)
#define NVME_CSTS_CFS           (1u << 1)   /* controller fatal status */
#define NVME_CSTS_SHST_MASK     (3u << 2)

/* AQA (3.1.8): both sizes 0-based. */
#define NVME_AQA(sq, cq)        ((uint32_t)((sq) - 1) | (uint32_t)((cq) - 1) << 16)

/* Submission queue entry (4.2). */
struct nvme_sqe {
    uint8_t opc;            /* opcode */
    uint8_t flags;          /* FUSE 1:0, PSDT 7:6: 0 = PRPs */
    uint16_t cid;           /* command identifier, echoed in the completion */
    uint32_t nsid;
    uint32_t cdw2, cdw3;
    uint64_t mptr;
    uint64_t prp1, prp2;
    uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};
_Static_assert(sizeof(struct nvme_sqe) == 64, "NVMe SQE is 64 bytes");
_Static_assert(offsetof(struct nvme_sqe, nsid) == 4, "SQE NSID");
_Static_assert(offsetof(struct nvme_sqe, prp1) == 24, "SQE PRP1");
_Static_assert(offsetof(struct nvme_sqe, cdw10) == 40, "SQE CDW10");
#define NVME_SQES_LOG2          6

/* Completion queue entry (4.6). */
struct nvme_cqe {
    uint32_t dw0;           /* command specific */
    uint32_t dw1;
    uint16_t sqhd;          /* SQ head pointer: entries the controller has consumed */
    uint16_t sqid;
    uint16_t cid;
    uint16_t status;        /* P bit 0, SC 8:1, SCT 11:9, CRD 13:12, M 14, DNR 15 */
};
_Static_assert(sizeof(struct nvme_cqe) == 16, "NVMe CQE is 16 bytes");
_Static_assert(offsetof(struct nvme_cqe, sqhd) == 8, "CQE SQHD");
_Static_assert(offsetof(struct nvme_cqe, status) == 14, "CQE status");
#define NVME_CQES_LOG2          4

#define NVME_CQE_PHASE          1u
#define NVME_STATUS_SC(s)       (((s) >> 1) & 0xFF)
#define NVME_STATUS_SCT(s)      (((s) >> 9) & 0x7)

/* Status code types and the codes we tell apart (4.6.1.2). */
#define NVME_SCT_GENERIC        0
#define NVME_SCT_CMD_SPECIFIC   1
#define NVME_SCT_MEDIA          2
#define NVME_SC_SUCCESS         0x00
#define NVME_SC_INVALID_OPCODE  0x01
#define NVME_SC_INVALID_FIELD   0x02
#define NVME_SC_NS_WRITE_PROT   0x20    /* generic: namespace is write protected */
#define NVME_SC_LBA_RANGE       0x80    /* generic: LBA out of range */
#define NVME_SC_WRITE_FAULT     0x80    /* media */
#define NVME_SC_READ_ERROR      0x81    /* media: unrecovered read error */

/* Admin opcodes (5). */
#define NVME_ADM_CREATE_SQ      0x01
#define NVME_ADM_CREATE_CQ      0x05
#define NVME_ADM_IDENTIFY       0x06
#define NVME_ADM_SET_FEATURES   0x09

#define NVME_CNS_NS             0x00    /* Identify Namespace */
#define NVME_CNS_CTRL           0x01    /* Identify Controller */
#define NVME_CNS_NS_ACTIVE      0x02    /* active namespace id list */
#define NVME_FEAT_NUM_QUEUES    0x07
#define NVME_QUEUE_PC           (1u << 0)   /* physically contiguous (Create I/O SQ/CQ) */

/* NVM command set opcodes (6). */
#define NVME_CMD_FLUSH          0x00
#define NVME_CMD_WRITE          0x01
#define NVME_CMD_READ           0x02
#define NVME_CMD_WRITE_ZEROES   0x08    /* NVM Command Set 1.0 3.3.7: no data, NLB blocks of zeros */
#define NVME_CMD_WRITE_ZEROES   0x08
#define NVME_CMD_DSM            0x09

/* Identify Controller data (5.15.2.2), byte offsets. */
#define NVME_IDC_SN             4       /* 20 ASCII bytes, space padded */
#define NVME_IDC_SN_LEN         20
#define NVME_IDC_MN             24      /* 40 ASCII bytes */
#define NVME_IDC_MN_LEN         40
#define NVME_IDC_MDTS           77      /* max transfer 2^MDTS pages of CAP.MPSMIN, 0 = no limit */
#define NVME_IDC_VER            80
#define NVME_IDC_NN             516     /* le32: namespaces, highest id */
#define NVME_IDC_ONCS           520     /* le16: optional NVM commands */
#define NVME_IDC_VWC            525     /* bit 0: volatile write cache present */
#define NVME_ONCS_DSM           (1u << 2)
#define NVME_ONCS_WRITE_ZEROES  (1u << 3)

/* Identify Namespace data (5.15.2.1), byte offsets. */
#define NVME_IDNS_NSZE          0       /* le64: size in logical blocks */
#define NVME_IDNS_NLBAF         25      /* LBA formats - 1 */
#define NVME_IDNS_FLBAS         26      /* bits 3:0 the format in use, bit 4 metadata inline */
#define NVME_IDNS_NSATTR        99      /* bit 0: write protected */
#define NVME_IDNS_LBAF          128     /* 16 formats, 4 bytes each: MS 15:0, LBADS 23:16 */

#define NVME_IDENTIFY_BYTES     4096
#define NVME_NS_LIST_MAX        1024    /* ids in one active namespace list */

#endif
