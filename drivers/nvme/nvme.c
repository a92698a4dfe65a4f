/*
 * NVMe over PCIe (NVMe 1.4): controller reset and enable (7.6.1), one admin queue and one I/O
 * queue pair, every active namespace a block device. Completions are polled by phase tag;
 * interrupts stay masked. Every wait is bounded, and a controller fatal status fails the
 * controller instead of hanging on it.
 */
#include "drivers/nvme/nvme.h"

#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "drivers/nvme/nvme_cmd.h"
#include "drivers/nvme/nvme_queue.h"
#include "kernel/blkdev.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/kmem.h"
#include "kernel/printf.h"
#include "kernel/string.h"

#define NVME_MAX_CTRLS          4
#define NVME_MAX_NS             8       /* disks over all controllers */
#define NVME_ADMIN_QSIZE        16
#define NVME_IO_QSIZE           64      /* at most; CAP.MQES may allow fewer */
#define NVME_IO_QID             1
#define NVME_ADMIN_TIMEOUT_US   5000000
#define NVME_IDLE_CHECK         4096    /* idle polls between CSTS checks */

struct nvme_slot {
    struct blk_req *req;
    uint64_t *prp_list;     /* one page, this command's PRP list */
    bool busy;
};

struct nvme_ctrl {
    volatile uint8_t *regs;
    uint64_t cap;
    unsigned db_stride;     /* bytes between doorbells */
    struct nvme_queue admin, io;
    uint16_t admin_cid;
    struct nvme_slot slots[NVME_IO_QSIZE];
    unsigned nslots;
    uint8_t *idbuf;         /* one page for Identify data */
    struct nvme_ctrl_info info;
    uint32_t max_transfer;
    unsigned idle_polls;
    unsigned errors;        /* failed commands, for the first few to be logged */
    bool failed;
    unsigned index;
    char location[40];
};

struct nvme_ns {
    struct nvme_ctrl *c;
    uint32_t nsid;
    unsigned lba_shift;
    struct blkdev bd;
};

static struct nvme_ctrl ctrls[NVME_MAX_CTRLS];
static unsigned n_ctrls;
static struct nvme_ns namespaces[NVME_MAX_NS];
static unsigned n_ns;

static uint32_t rd32(struct nvme_ctrl *c, unsigned off) { return mmio_read32(c->regs + off); }
static void wr32(struct nvme_ctrl *c, unsigned off, uint32_t v) { mmio_write32(c->regs + off, v); }

/* Doorbells (3.1.10, 3.1.11): SQ y tail at 0x1000 + 2y * stride, CQ y head one stride on. */
static void ring_sq(struct nvme_ctrl *c, uint16_t qid, uint16_t tail)
{
    wr32(c, NVME_REG_DBS + 2u * qid * c->db_stride, tail);
}

static void ring_cq(struct nvme_ctrl *c, uint16_t qid, uint16_t head)
{
    wr32(c, NVME_REG_DBS + (2u * qid + 1) * c->db_stride, head);
}

/* -NP_EIO when the controller reports a fatal status or has gone (all ones on reads). */
static int ctrl_check(struct nvme_ctrl *c)
{
    uint32_t csts = rd32(c, NVME_REG_CSTS);
    return csts == 0xFFFFFFFF || (csts & NVME_CSTS_CFS) ? -NP_EIO : 0;
}

/* Waits for CSTS.RDY to equal want, at most CAP.TO (3.1.1: 500 ms units). */
static int ctrl_wait_ready(struct nvme_ctrl *c, uint32_t want)
{
    uint64_t limit = (NVME_CAP_TO(c->cap) ? NVME_CAP_TO(c->cap) : 1) * 500000ull;
    for (uint64_t t0 = clock_us();;) {
        uint32_t csts = rd32(c, NVME_REG_CSTS);
        if (csts == 0xFFFFFFFF)
            return -NP_EIO;
        /* A fatal status while enabling is an error; while disabling, the reset clears it. */
        if (want && (csts & NVME_CSTS_CFS))
            return -NP_EIO;
        if ((csts & NVME_CSTS_RDY) == want)
            return 0;
        if (clock_us() - t0 > limit)
            return -NP_ETIMEDOUT;
        clock_delay_us(100);
    }
}

/* One admin command, waited for: the admin queue only ever holds one. */
static int admin_sync(struct nvme_ctrl *c, struct nvme_sqe *e, uint32_t *dw0)
{
    e->cid = ++c->admin_cid;
    int err = nvme_queue_submit(&c->admin, e);
    if (err)
        return err;
    ring_sq(c, 0, c->admin.sq_tail);
    for (uint64_t t0 = clock_us();;) {
        struct nvme_cqe cqe;
        int got = nvme_queue_reap(&c->admin, &cqe);
        if (got < 0)
            return got;
        if (got) {
            ring_cq(c, 0, c->admin.cq_head);
            if (cqe.cid != e->cid)
                return -NP_EPROTO;  /* nothing else is outstanding: a stray completion */
            if (dw0)
                *dw0 = cqe.dw0;
            return nvme_status_error(cqe.status);
        }
        if (ctrl_check(c))
            return -NP_EIO;
        if (clock_us() - t0 > NVME_ADMIN_TIMEOUT_US)
            return -NP_ETIMEDOUT;
    }
}

static int slot_find(struct nvme_ctrl *c)
{
    for (unsigned i = 0; i < c->nslots; i++)
        if (!c->slots[i].busy)
            return (int)i;
    return -NP_EBUSY;
}

static int nvme_submit(struct blkdev *bd, struct blk_req *r)
{
    struct nvme_ns *ns = bd->priv;
    struct nvme_ctrl *c = ns->c;
    struct nvme_sqe e;
    if (c->failed)
        return -NP_EIO;
    int i = slot_find(c);
    if (i < 0)
        return i;
    struct nvme_slot *s = &c->slots[i];
    if (r->op == BLK_FLUSH) {
        nvme_cmd_flush(&e, ns->nsid);
    } else if (r->op == BLK_WRITE_ZEROES) {
        nvme_cmd_write_zeroes(&e, ns->nsid, r->offset >> ns->lba_shift, (uint32_t)(r->len >> ns->lba_shift));
    } else {
        uint8_t opc = r->op == BLK_READ ? NVME_CMD_READ : NVME_CMD_WRITE;
        nvme_cmd_rw(&e, opc, ns->nsid, r->offset >> ns->lba_shift, (uint32_t)(r->len >> ns->lba_shift));
        uint64_t pa = (uint64_t)(uintptr_t)r->buf;
        int err = nvme_prp_build(pa, r->len, s->prp_list, (uint64_t)(uintptr_t)s->prp_list, &e.prp1, &e.prp2);
        if (err)
            return err;
    }
    e.cid = (uint16_t)i;
    int err = nvme_queue_submit(&c->io, &e);
    if (err)
        return err;
    s->req = r;
    s->busy = true;
    ring_sq(c, NVME_IO_QID, c->io.sq_tail);
    return 0;
}

static int ctrl_fail(struct nvme_ctrl *c, const char *why)
{
    log_err("error: nvme: %s: %s; giving up on its disks\n", c->location, why);
    c->failed = true;
    return -NP_EIO;
}

static int nvme_poll(struct blkdev *bd)
{
    struct nvme_ctrl *c = ((struct nvme_ns *)bd->priv)->c;
    int done = 0;
    if (c->failed)
        return -NP_EIO;
    for (;;) {
        struct nvme_cqe cqe;
        int got = nvme_queue_reap(&c->io, &cqe);
        if (got < 0)
            return ctrl_fail(c, "completion with a bad submission-queue head");
        if (!got)
            break;
        /* A completion for a command we do not have in flight is the device's bug: stop. */
        if (cqe.cid >= c->nslots || !c->slots[cqe.cid].busy)
            return ctrl_fail(c, "completion for a command not in flight");
        struct nvme_slot *s = &c->slots[cqe.cid];
        struct blk_req *r = s->req;
        s->busy = false;
        s->req = NULL;
        done++;
        r->status = nvme_status_error(cqe.status);
        if (r->status && c->errors++ < 4) {
            char st[40];
            nvme_status_format(cqe.status, st, sizeof(st));
            log_warn("nvme: %s: %s at byte %llu failed: %s\n", bd->name,
                     r->op == BLK_READ ? "read" : r->op == BLK_WRITE ? "write"
                                                 : r->op == BLK_WRITE_ZEROES ? "write zeroes" : "flush",
                     (unsigned long long)r->offset, st);
        }
        if (r->done)
            r->done(r);
    }
    if (done) {
        ring_cq(c, NVME_IO_QID, c->io.cq_head);
        c->idle_polls = 0;
    } else if (++c->idle_polls % NVME_IDLE_CHECK == 0 && ctrl_check(c)) {
        return ctrl_fail(c, "controller fatal status (CSTS.CFS)");
    }
    return done;
}

static const struct blkdev_ops nvme_ops = { nvme_submit, nvme_poll };

/* Reset, then enable with the admin queue in place (7.6.1 steps 1-6). */
static int ctrl_enable(struct nvme_ctrl *c)
{
    void *asq = kmem_dma_alloc(NVME_ADMIN_QSIZE * sizeof(struct nvme_sqe), PAGE_SIZE);
    void *acq = kmem_dma_alloc(NVME_ADMIN_QSIZE * sizeof(struct nvme_cqe), PAGE_SIZE);
    if (!asq || !acq)
        return -NP_ENOMEM;
    /* 1: disable, and wait until the controller says it is. */
    wr32(c, NVME_REG_CC, rd32(c, NVME_REG_CC) & ~NVME_CC_EN);
    int err = ctrl_wait_ready(c, 0);
    if (err)
        return err;
    /* 2: the admin queue; interrupts masked, we poll. */
    nvme_queue_init(&c->admin, asq, acq, NVME_ADMIN_QSIZE);
    wr32(c, NVME_REG_INTMS, 0xFFFFFFFF);
    wr32(c, NVME_REG_AQA, NVME_AQA(NVME_ADMIN_QSIZE, NVME_ADMIN_QSIZE));
    mmio_write64_split(c->regs + NVME_REG_ASQ, (uint64_t)(uintptr_t)asq);
    mmio_write64_split(c->regs + NVME_REG_ACQ, (uint64_t)(uintptr_t)acq);
    /* 3-4: NVM command set, 4 KiB pages, round robin, 64/16-byte entries; then enable. */
    uint32_t cc = NVME_CC_CSS_NVM | NVME_CC_MPS(NVME_PAGE_SHIFT) | NVME_CC_AMS_RR |
                  NVME_CC_IOSQES(NVME_SQES_LOG2) | NVME_CC_IOCQES(NVME_CQES_LOG2);
    wr32(c, NVME_REG_CC, cc);
    wr32(c, NVME_REG_CC, cc | NVME_CC_EN);
    /* 5: ready, or fatal, or out of time. */
    return ctrl_wait_ready(c, NVME_CSTS_RDY);
}

/* The I/O queue pair (7.6.1 step 8): completion queue first, the submission queue names it. */
static int ctrl_io_queues(struct nvme_ctrl *c)
{
    unsigned size = NVME_CAP_MQES(c->cap) + 1u < NVME_IO_QSIZE ? NVME_CAP_MQES(c->cap) + 1u : NVME_IO_QSIZE;
    void *sq = kmem_dma_alloc(size * sizeof(struct nvme_sqe), PAGE_SIZE);
    void *cq = kmem_dma_alloc(size * sizeof(struct nvme_cqe), PAGE_SIZE);
    struct nvme_sqe e;
    if (!sq || !cq)
        return -NP_ENOMEM;
    int err = nvme_queue_init(&c->io, sq, cq, size);
    if (err)
        return err;
    nvme_cmd_set_queues(&e, 1);
    if (admin_sync(c, &e, NULL))
        log_debug("nvme: %s: Set Features (queues) refused; trying the queues anyway\n", c->location);
    nvme_cmd_create_cq(&e, NVME_IO_QID, (uint16_t)size, (uint64_t)(uintptr_t)cq);
    if ((err = admin_sync(c, &e, NULL)) != 0)
        return err;
    nvme_cmd_create_sq(&e, NVME_IO_QID, (uint16_t)size, (uint64_t)(uintptr_t)sq, NVME_IO_QID);
    if ((err = admin_sync(c, &e, NULL)) != 0)
        return err;
    /* A full queue keeps one entry empty, so size - 1 commands can be in flight. */
    c->nslots = size - 1;
    for (unsigned i = 0; i < c->nslots; i++)
        if (!(c->slots[i].prp_list = kmem_dma_alloc(NVME_PAGE_SIZE, NVME_PAGE_SIZE)))
            return -NP_ENOMEM;
    return 0;
}

static void ns_register(struct nvme_ctrl *c, uint32_t nsid, const struct nvme_ns_info *info)
{
    if (n_ns == NVME_MAX_NS) {
        log_warn("nvme: %s: namespace %u: more than %d NVMe disks; ignored\n", c->location, nsid, NVME_MAX_NS);
        return;
    }
    struct nvme_ns *ns = &namespaces[n_ns++];
    struct blkdev *bd = &ns->bd;
    ns->c = c;
    ns->nsid = nsid;
    ns->lba_shift = (unsigned)__builtin_ctz(info->block_size);
    bd->ops = &nvme_ops;
    bd->priv = ns;
    np_snprintf(bd->name, sizeof(bd->name), "nvme%un%u", c->index, nsid);
    np_strlcpy(bd->location, c->location, sizeof(bd->location));
    np_strlcpy(bd->transport, "nvme", sizeof(bd->transport));
    np_strlcpy(bd->serial, c->info.serial, sizeof(bd->serial));
    np_strlcpy(bd->model, c->info.model, sizeof(bd->model));
    bd->size = info->blocks << ns->lba_shift;
    bd->block_size = info->block_size;
    bd->max_transfer = c->max_transfer;
    bd->queue_depth = c->nslots;
    bd->read_only = info->write_protected;
    bd->can_flush = c->info.vwc;
    /* Write Zeroes (ONCS bit 3): NLB is 16 bits, so at most 65536 blocks a command (1 GiB at most). */
    uint64_t zeroes = (uint64_t)65536 << ns->lba_shift;
    bd->max_zeroes = c->info.oncs & NVME_ONCS_WRITE_ZEROES ? (uint32_t)(zeroes < (1u << 30) ? zeroes : 1u << 30) : 0;
    if (blkdev_register(bd))
        log_warn("nvme: %s: no room for disk %s\n", c->location, bd->name);
}

static void ns_probe(struct nvme_ctrl *c, uint32_t nsid)
{
    struct nvme_sqe e;
    struct nvme_ns_info info;
    nvme_cmd_identify(&e, NVME_CNS_NS, nsid, (uint64_t)(uintptr_t)c->idbuf);
    int err = admin_sync(c, &e, NULL);
    if (!err)
        err = nvme_ns_parse(c->idbuf, &info);
    if (err == -NP_ENODEV)
        return;
    if (!err && info.meta) {
        log_warn("nvme: %s: namespace %u: format with %u metadata bytes per block; not driven\n",
                 c->location, nsid, info.meta);
        return;
    }
    if (err) {
        log_warn("nvme: %s: namespace %u: Identify unusable: %s\n", c->location, nsid, np_strerror(err));
        return;
    }
    ns_register(c, nsid, &info);
}

/* Every active namespace (5.15.2.3 list; NVMe 1.0 controllers lack it: try ids 1..NN). */
static void ctrl_namespaces(struct nvme_ctrl *c)
{
    static uint32_t ids[NVME_NS_LIST_MAX];
    struct nvme_sqe e;
    unsigned n = 0;
    nvme_cmd_identify(&e, NVME_CNS_NS_ACTIVE, 0, (uint64_t)(uintptr_t)c->idbuf);
    if (admin_sync(c, &e, NULL) == 0) {
        NP_STRFN(memcpy)(ids, c->idbuf, sizeof(ids));
        while (n < NVME_NS_LIST_MAX && ids[n])
            n++;
    } else {
        for (uint32_t id = 1; id <= c->info.nn && n < 16; id++)
            ids[n++] = id;
    }
    for (unsigned i = 0; i < n; i++)
        ns_probe(c, ids[i]);
}

static int ctrl_identify(struct nvme_ctrl *c)
{
    struct nvme_sqe e;
    if (!(c->idbuf = kmem_dma_alloc(NVME_IDENTIFY_BYTES, PAGE_SIZE)))
        return -NP_ENOMEM;
    nvme_cmd_identify(&e, NVME_CNS_CTRL, 0, (uint64_t)(uintptr_t)c->idbuf);
    int err = admin_sync(c, &e, NULL);
    if (err)
        return err;
    nvme_ctrl_parse(c->idbuf, &c->info);
    c->max_transfer = nvme_max_transfer(c->info.mdts, NVME_CAP_MPSMIN(c->cap));
    return 0;
}

static int ctrl_map(struct nvme_ctrl *c, struct pci_dev *p)
{
    const struct pci_bar *bar = &p->bar[0];
    /* Registers and at least the admin and I/O doorbells: 0x1000 + 4 << DSTRD each. */
    if (bar->io || bar->size < 0x2000 || !bar->base)
        return -NP_ENODEV;
    if (paging_map(bar->base, bar->size, true))
        return -NP_ENOMEM;
    pci_enable(p, false, true);
    c->regs = (volatile uint8_t *)(uintptr_t)bar->base;
    c->cap = rd32(c, NVME_REG_CAP) | (uint64_t)rd32(c, NVME_REG_CAP + 4) << 32;
    c->db_stride = 4u << NVME_CAP_DSTRD(c->cap);
    if (NVME_REG_DBS + 4u * c->db_stride > bar->size)
        return -NP_ENODEV;
    /* We use 4 KiB pages and the NVM command set: a controller without either is not ours. */
    if (!NVME_CAP_CSS_NVM(c->cap) || NVME_CAP_MPSMIN(c->cap) != 0)
        return -NP_ENOTSUP;
    return 0;
}

static int nvme_attach(struct pci_dev *p)
{
    char bdf[16];
    pci_addr_format(&p->addr, bdf, sizeof(bdf));
    if (n_ctrls == NVME_MAX_CTRLS) {
        log_warn("nvme: pci %s: more than %d NVMe controllers; ignored\n", bdf, NVME_MAX_CTRLS);
        return -NP_ENOSPC;
    }
    struct nvme_ctrl *c = &ctrls[n_ctrls];
    NP_STRFN(memset)(c, 0, sizeof(*c));
    c->index = n_ctrls;
    np_snprintf(c->location, sizeof(c->location), "pci %s", bdf);
    const char *step = "BAR0";
    int err = ctrl_map(c, p);
    if (!err && (step = "reset and enable", err = ctrl_enable(c)) == 0 &&
        (step = "Identify Controller", err = ctrl_identify(c)) == 0)
        step = "I/O queues", err = ctrl_io_queues(c);
    if (err) {
        log_err("error: nvme: %s: %s failed: %s%s\n", c->location, step, np_strerror(err),
                c->regs && ctrl_check(c) ? " (controller fatal status)" : "");
        return err;
    }
    uint32_t vs = rd32(c, NVME_REG_VS);
    log_info("nvme: %s: \"%s\" serial \"%s\", NVMe %u.%u, %u namespaces, queue %u, %u KiB per command%s\n",
             c->location, c->info.model, c->info.serial, vs >> 16, (vs >> 8) & 0xFF, c->info.nn, c->io.size,
             c->max_transfer >> 10, c->info.vwc ? ", write cache" : "");
    n_ctrls++;
    ctrl_namespaces(c);
    return 0;
}

static const struct pci_match nvme_ids[] = {
    { PCI_ANY, 0, 0xFFFF, NVME_PCI_CLASS, 0xFFFFFF },
};

const struct pci_driver nvme_pci_driver = {
    "nvme", nvme_ids, sizeof(nvme_ids) / sizeof(nvme_ids[0]), nvme_attach,
};
