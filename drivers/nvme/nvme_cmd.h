/*
 * NVMe commands as pure logic: building I/O and admin submissions with their PRPs, decoding
 * completion status, and reading Identify data (NVMe 1.4 4.3 PRPs, 5.15 Identify, 6 NVM
 * commands). Nothing here touches a device; the host tests run it against a fake controller.
 */
#ifndef DRIVERS_NVME_NVME_CMD_H
#define DRIVERS_NVME_NVME_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/nvme/nvme_regs.h"

#define NVME_PAGE_SHIFT     12
#define NVME_PAGE_SIZE      (1u << NVME_PAGE_SHIFT)
#define NVME_PRP_LIST_MAX   (NVME_PAGE_SIZE / 8)    /* one list page, never chained */

/*
 * PRP1/PRP2 for len bytes at physical address addr (4.3): one page, two pages, or a list of
 * the pages after the first, written into list (one page, at physical list_phys).
 * -NP_EINVAL when addr is not dword aligned or len is 0; -NP_ERANGE when the pages after the
 * first do not fit one list page.
 */
int nvme_prp_build(uint64_t addr, size_t len, uint64_t *list, uint64_t list_phys,
                   uint64_t *prp1, uint64_t *prp2);

/* Bytes one request may carry: MDTS (in pages of 2^(12 + mpsmin)) and our one-page PRP list. */
uint32_t nvme_max_transfer(uint8_t mdts, unsigned mpsmin);

/* READ, WRITE (6.9, 6.15): nlb blocks from slba; nlb 1 to 65536. */
void nvme_cmd_rw(struct nvme_sqe *e, uint8_t opc, uint32_t nsid, uint64_t slba, uint32_t nlb);
/* FLUSH (6.8). */
void nvme_cmd_flush(struct nvme_sqe *e, uint32_t nsid);
/* Write Zeroes of nlb blocks (1-65536) from slba; no data pointer. DEAC is left clear: the
   blocks read as zeros whatever the controller's deallocation behaviour (DLFEAT). */
void nvme_cmd_write_zeroes(struct nvme_sqe *e, uint32_t nsid, uint64_t slba, uint32_t nlb);
/* IDENTIFY (5.15) of cns into one page at buf. */
void nvme_cmd_identify(struct nvme_sqe *e, uint8_t cns, uint32_t nsid, uint64_t buf);
/* CREATE I/O COMPLETION/SUBMISSION QUEUE (5.3, 5.4): qid, size entries, interrupts off. */
void nvme_cmd_create_cq(struct nvme_sqe *e, uint16_t qid, uint16_t size, uint64_t base);
void nvme_cmd_create_sq(struct nvme_sqe *e, uint16_t qid, uint16_t size, uint64_t base, uint16_t cqid);
/* SET FEATURES Number of Queues (5.21.1.7): n submission and n completion queues. */
void nvme_cmd_set_queues(struct nvme_sqe *e, uint16_t n);

/* 0 for success, else -NP_EROFS (write protected), -NP_ENOTSUP (opcode/field), -NP_ERANGE, -NP_EIO. */
int nvme_status_error(uint16_t status);
/* "SCT 2 SC 0x80" style text for logs, into buf. */
void nvme_status_format(uint16_t status, char *buf, size_t size);

/* Copies an ASCII, space-padded Identify field into a C string, trailing spaces cut. */
void nvme_id_string(char *dst, size_t dst_size, const uint8_t *src, size_t len);

struct nvme_ctrl_info {
    char serial[NVME_IDC_SN_LEN + 1];
    char model[NVME_IDC_MN_LEN + 1];
    uint8_t mdts;
    uint32_t nn;            /* namespaces: the highest id */
    uint16_t oncs;
    bool vwc;               /* a volatile write cache: FLUSH means something */
};
void nvme_ctrl_parse(const uint8_t *id, struct nvme_ctrl_info *out);

struct nvme_ns_info {
    uint64_t blocks;
    uint32_t block_size;
    uint16_t meta;          /* metadata bytes per block in the format in use */
    bool write_protected;
};
/* -NP_ENODEV for an inactive namespace (size 0), -NP_EBADMSG for a format we cannot use. */
int nvme_ns_parse(const uint8_t *id, struct nvme_ns_info *out);

#endif
