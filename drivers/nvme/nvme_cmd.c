/* NVMe command building, PRPs, status decoding and Identify parsing (NVMe 1.4 4.3, 5, 6). */
#include "drivers/nvme/nvme_cmd.h"

#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"

int nvme_prp_build(uint64_t addr, size_t len, uint64_t *list, uint64_t list_phys,
                   uint64_t *prp1, uint64_t *prp2)
{
    /* PRP entries must be dword aligned; only the first may start inside a page (4.3). */
    if (!len || (addr & 3))
        return -NP_EINVAL;
    uint64_t first = NVME_PAGE_SIZE - (addr & (NVME_PAGE_SIZE - 1));
    *prp1 = addr;
    *prp2 = 0;
    if (len <= first)
        return 0;
    uint64_t next = addr + first;       /* page aligned from here on */
    uint64_t rest = len - first;
    uint64_t pages = (rest + NVME_PAGE_SIZE - 1) / NVME_PAGE_SIZE;
    if (pages == 1) {
        *prp2 = next;                   /* two pages: PRP2 is the second page itself */
        return 0;
    }
    if (pages > NVME_PRP_LIST_MAX || !list)
        return -NP_ERANGE;
    for (uint64_t i = 0; i < pages; i++)
        list[i] = next + i * NVME_PAGE_SIZE;
    *prp2 = list_phys;
    return 0;
}

uint32_t nvme_max_transfer(uint8_t mdts, unsigned mpsmin)
{
    /* Our list of 512 entries plus a page-aligned first page: 512 pages, 2 MiB. */
    uint64_t ours = (uint64_t)NVME_PRP_LIST_MAX * NVME_PAGE_SIZE;
    if (mdts == 0 || mdts + 12u + mpsmin >= 32)
        return (uint32_t)ours;
    uint64_t theirs = 1ull << (mdts + 12u + mpsmin);
    return (uint32_t)(theirs < ours ? theirs : ours);
}

static void sqe_clear(struct nvme_sqe *e, uint8_t opc, uint32_t nsid)
{
    NP_STRFN(memset)(e, 0, sizeof(*e));
    e->opc = opc;
    e->nsid = nsid;
}

void nvme_cmd_rw(struct nvme_sqe *e, uint8_t opc, uint32_t nsid, uint64_t slba, uint32_t nlb)
{
    sqe_clear(e, opc, nsid);
    e->cdw10 = (uint32_t)slba;
    e->cdw11 = (uint32_t)(slba >> 32);
    e->cdw12 = (nlb - 1) & 0xFFFF;      /* NLB is 0-based */
}

void nvme_cmd_write_zeroes(struct nvme_sqe *e, uint32_t nsid, uint64_t slba, uint32_t nlb)
{
    nvme_cmd_rw(e, NVME_CMD_WRITE_ZEROES, nsid, slba, nlb);     /* the same SLBA/NLB layout */
}

void nvme_cmd_flush(struct nvme_sqe *e, uint32_t nsid)
{
    sqe_clear(e, NVME_CMD_FLUSH, nsid);
}

void nvme_cmd_identify(struct nvme_sqe *e, uint8_t cns, uint32_t nsid, uint64_t buf)
{
    sqe_clear(e, NVME_ADM_IDENTIFY, nsid);
    e->prp1 = buf;
    e->cdw10 = cns;
}

void nvme_cmd_create_cq(struct nvme_sqe *e, uint16_t qid, uint16_t size, uint64_t base)
{
    sqe_clear(e, NVME_ADM_CREATE_CQ, 0);
    e->prp1 = base;
    e->cdw10 = (uint32_t)(size - 1) << 16 | qid;
    e->cdw11 = NVME_QUEUE_PC;           /* IEN clear: we poll */
}

void nvme_cmd_create_sq(struct nvme_sqe *e, uint16_t qid, uint16_t size, uint64_t base, uint16_t cqid)
{
    sqe_clear(e, NVME_ADM_CREATE_SQ, 0);
    e->prp1 = base;
    e->cdw10 = (uint32_t)(size - 1) << 16 | qid;
    e->cdw11 = (uint32_t)cqid << 16 | NVME_QUEUE_PC;
}

void nvme_cmd_set_queues(struct nvme_sqe *e, uint16_t n)
{
    sqe_clear(e, NVME_ADM_SET_FEATURES, 0);
    e->cdw10 = NVME_FEAT_NUM_QUEUES;
    e->cdw11 = (uint32_t)(n - 1) << 16 | (uint32_t)(n - 1);
}

int nvme_status_error(uint16_t status)
{
    unsigned sct = NVME_STATUS_SCT(status), sc = NVME_STATUS_SC(status);
    if (sct == NVME_SCT_GENERIC) {
        switch (sc) {
        case NVME_SC_SUCCESS: return 0;
        case NVME_SC_INVALID_OPCODE:
        case NVME_SC_INVALID_FIELD: return -NP_ENOTSUP;
        case NVME_SC_NS_WRITE_PROT: return -NP_EROFS;
        case NVME_SC_LBA_RANGE: return -NP_ERANGE;
        default: break;
        }
    }
    return -NP_EIO;
}

void nvme_status_format(uint16_t status, char *buf, size_t size)
{
    np_snprintf(buf, size, "status SCT %u SC %#x%s", NVME_STATUS_SCT(status), NVME_STATUS_SC(status),
                status & 0x8000 ? " DNR" : "");
}

void nvme_id_string(char *dst, size_t dst_size, const uint8_t *src, size_t len)
{
    size_t n = len < dst_size - 1 ? len : dst_size - 1;
    while (n && (src[n - 1] == ' ' || src[n - 1] == '\0'))
        n--;
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i] >= 0x20 && src[i] < 0x7F ? (char)src[i] : '?';   /* ASCII only (1.5) */
    dst[n] = '\0';
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void nvme_ctrl_parse(const uint8_t *id, struct nvme_ctrl_info *out)
{
    nvme_id_string(out->serial, sizeof(out->serial), id + NVME_IDC_SN, NVME_IDC_SN_LEN);
    nvme_id_string(out->model, sizeof(out->model), id + NVME_IDC_MN, NVME_IDC_MN_LEN);
    out->mdts = id[NVME_IDC_MDTS];
    out->nn = le32(id + NVME_IDC_NN);
    out->oncs = (uint16_t)(id[NVME_IDC_ONCS] | id[NVME_IDC_ONCS + 1] << 8);
    out->vwc = id[NVME_IDC_VWC] & 1;
}

int nvme_ns_parse(const uint8_t *id, struct nvme_ns_info *out)
{
    uint64_t nsze = le32(id + NVME_IDNS_NSZE) | (uint64_t)le32(id + NVME_IDNS_NSZE + 4) << 32;
    unsigned fmt = id[NVME_IDNS_FLBAS] & 0xF;
    if (!nsze)
        return -NP_ENODEV;
    if (fmt > id[NVME_IDNS_NLBAF])
        return -NP_EBADMSG;
    uint32_t lbaf = le32(id + NVME_IDNS_LBAF + 4 * fmt);
    unsigned lbads = (lbaf >> 16) & 0xFF;
    /* 512 bytes to 64 KiB; 2^lbads * blocks must fit our 64-bit byte counts. */
    if (lbads < 9 || lbads > 16 || nsze > (UINT64_MAX >> lbads))
        return -NP_EBADMSG;
    out->blocks = nsze;
    out->block_size = 1u << lbads;
    out->meta = (uint16_t)(lbaf & 0xFFFF);
    out->write_protected = id[NVME_IDNS_NSATTR] & 1;
    return 0;
}
