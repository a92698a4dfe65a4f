/*
 * AHCI 1.3.1 SATA disks: every implemented port with an ATA device becomes a disk (ATAPI, the
 * CD, is skipped). 48-bit LBA DMA reads and writes, queued (NCQ) when the HBA and the device
 * both offer it, FLUSH CACHE EXT. Interrupts stay off; completions are polled from PxCI and
 * PxSACT, every wait is bounded, and a task-file error fails what is in flight.
 */
#include "drivers/ahci/ahci.h"

#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "drivers/ahci/ahci_cmd.h"
#include "kernel/blkdev.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/kmem.h"
#include "kernel/printf.h"
#include "kernel/string.h"

#define AHCI_MAX_DISKS          8
#define AHCI_STOP_TIMEOUT_US    500000      /* CR and FR clear within 500 ms (10.1.2) */
#define AHCI_BUSY_TIMEOUT_US    1000000
#define AHCI_CMD_TIMEOUT_US     5000000
#define AHCI_PRD_CHUNK          (1u << 20)
#define AHCI_MAX_TRANSFER       (4u << 20)  /* four PRDs of 1 MiB */
#define AHCI_TABLE_BYTES        256         /* sizeof(struct ahci_cmd_table), rounded */

_Static_assert(sizeof(struct ahci_cmd_table) <= AHCI_TABLE_BYTES, "command table fits its slot");

struct ahci_port {
    volatile uint8_t *regs;
    unsigned num;
    unsigned nslots;
    struct ahci_cmd_hdr *clb;
    uint8_t *tables;            /* nslots command tables, AHCI_TABLE_BYTES apart */
    struct blk_req *req[32];
    uint32_t issued;
    bool ncq;
    bool unqueued_busy;         /* a non-NCQ command is in flight: nothing may join it */
    bool failed;
    unsigned sector_shift;
    struct ata_info info;
    struct blkdev bd;
};

static struct ahci_port ports[AHCI_MAX_DISKS];
static unsigned n_ports;

static uint32_t prd(struct ahci_port *p, unsigned off) { return mmio_read32(p->regs + off); }
static void pwr(struct ahci_port *p, unsigned off, uint32_t v) { mmio_write32(p->regs + off, v); }

static struct ahci_cmd_table *table_of(struct ahci_port *p, unsigned slot)
{
    return (struct ahci_cmd_table *)(p->tables + slot * AHCI_TABLE_BYTES);
}

static int wait_clear(struct ahci_port *p, unsigned off, uint32_t bits, uint64_t limit_us)
{
    for (uint64_t t0 = clock_us(); prd(p, off) & bits;)
        if (clock_us() - t0 > limit_us)
            return -NP_ETIMEDOUT;
    return 0;
}

/* Puts the command in slot: header, FIS, PRDs; the caller sets SACT/CI. */
static int slot_fill(struct ahci_port *p, unsigned slot, bool write, void *buf, size_t len)
{
    struct ahci_cmd_table *t = table_of(p, slot);
    int n = 0;
    if (len) {
        n = ahci_prdt_build(t->prdt, AHCI_PRDS, (uint64_t)(uintptr_t)buf, len, AHCI_PRD_CHUNK);
        if (n < 0)
            return n;
    }
    struct ahci_cmd_hdr *h = &p->clb[slot];
    h->flags = (uint16_t)(FIS_H2D_LEN / 4 | (write ? AHCI_HDR_WRITE : 0));
    h->prdtl = (uint16_t)n;
    h->prdbc = 0;
    h->ctba = (uint64_t)(uintptr_t)t;
    /* The table and header reach memory before the CI write that hands them to the HBA. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return 0;
}

static void slot_issue(struct ahci_port *p, unsigned slot, bool queued)
{
    uint32_t bit = 1u << slot;
    if (queued)
        pwr(p, AHCI_PxSACT, bit);   /* NCQ: the tag is outstanding before the command goes */
    pwr(p, AHCI_PxCI, bit);
    p->issued |= bit;
    p->unqueued_busy = !queued;
}

static int ahci_submit(struct blkdev *bd, struct blk_req *r)
{
    struct ahci_port *p = bd->priv;
    if (p->failed)
        return -NP_EIO;
    /* Non-queued commands (FLUSH, or everything without NCQ) run alone. */
    bool queued = p->ncq && r->op != BLK_FLUSH;
    if (p->unqueued_busy || (!queued && p->issued))
        return -NP_EBUSY;
    unsigned slot = 0;
    while (slot < p->nslots && (p->issued >> slot & 1))
        slot++;
    if (slot == p->nslots)
        return -NP_EBUSY;
    struct ahci_cmd_table *t = table_of(p, slot);
    bool write = r->op == BLK_WRITE;
    uint64_t lba = r->offset >> p->sector_shift;
    uint32_t count = (uint32_t)(r->len >> p->sector_shift);
    if (r->op == BLK_FLUSH)
        ata_fis_cmd(t->cfis, ATA_CMD_FLUSH_EXT);
    else if (queued)
        ata_fis_rw_ncq(t->cfis, write, lba, count, slot);
    else
        ata_fis_rw(t->cfis, write, lba, count);
    int err = slot_fill(p, slot, write, r->op == BLK_FLUSH ? NULL : r->buf, r->op == BLK_FLUSH ? 0 : r->len);
    if (err)
        return err;
    p->req[slot] = r;
    slot_issue(p, slot, queued);
    return 0;
}

static void complete(struct ahci_port *p, unsigned slot, int status)
{
    struct blk_req *r = p->req[slot];
    p->req[slot] = NULL;
    p->issued &= ~(1u << slot);
    if (r) {
        r->status = status;
        if (r->done)
            r->done(r);
    }
}

/*
 * A task-file or host-bus error aborts everything in flight (with NCQ the device drops the
 * whole queue, SATA 13.6.3.3): each request fails, and so does the disk from then on.
 */
static int port_error(struct ahci_port *p, uint32_t is)
{
    uint32_t tfd = prd(p, AHCI_PxTFD);
    log_err("error: ahci: disk %s: port %u error (PxIS %#x, status %#x, error %#x); giving up on it\n",
            p->bd.name, p->num, is, tfd & 0xFF, (tfd >> 8) & 0xFF);
    p->failed = true;
    int n = 0;
    for (unsigned s = 0; s < p->nslots; s++)
        if (p->issued >> s & 1)
            complete(p, s, -NP_EIO), n++;
    pwr(p, AHCI_PxCMD, prd(p, AHCI_PxCMD) & ~AHCI_PxCMD_ST);   /* no more DMA from this port */
    return n;
}

static int ahci_poll(struct blkdev *bd)
{
    struct ahci_port *p = bd->priv;
    if (!p->issued)
        return p->failed ? -NP_EIO : 0;
    uint32_t is = prd(p, AHCI_PxIS);
    if (is & AHCI_PxIS_ERRORS)
        return port_error(p, is);
    uint32_t done = ahci_slots_done(p->issued, prd(p, AHCI_PxCI), prd(p, AHCI_PxSACT));
    if (!done)
        return 0;
    pwr(p, AHCI_PxIS, is);      /* write-1-to-clear what we saw; we never enabled interrupts */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    int n = 0;
    for (unsigned s = 0; s < p->nslots; s++)
        if (done >> s & 1)
            complete(p, s, 0), n++;
    p->unqueued_busy = false;
    return n;
}

static const struct blkdev_ops ahci_ops = { ahci_submit, ahci_poll };

/* IDENTIFY DEVICE in slot 0, waited for (the port is otherwise idle). */
static int port_identify(struct ahci_port *p, uint16_t *id)
{
    ata_fis_cmd(table_of(p, 0)->cfis, ATA_CMD_IDENTIFY);
    int err = slot_fill(p, 0, false, id, 512);
    if (err)
        return err;
    slot_issue(p, 0, false);
    for (uint64_t t0 = clock_us(); prd(p, AHCI_PxCI) & 1;) {
        if (prd(p, AHCI_PxIS) & AHCI_PxIS_ERRORS)
            return -NP_EIO;
        if (clock_us() - t0 > AHCI_CMD_TIMEOUT_US)
            return -NP_ETIMEDOUT;
    }
    p->issued = 0;
    p->unqueued_busy = false;
    pwr(p, AHCI_PxIS, 0xFFFFFFFF);
    return prd(p, AHCI_PxTFD) & ATA_SR_ERR ? -NP_EIO : 0;
}

/* Port bring-up (10.1.2, 10.3.1): stop, memory, FIS receive, device ready, start. */
static int port_start(struct ahci_port *p, uint32_t cap)
{
    pwr(p, AHCI_PxCMD, prd(p, AHCI_PxCMD) & ~AHCI_PxCMD_ST);
    if (wait_clear(p, AHCI_PxCMD, AHCI_PxCMD_CR, AHCI_STOP_TIMEOUT_US))
        return -NP_ETIMEDOUT;
    pwr(p, AHCI_PxCMD, prd(p, AHCI_PxCMD) & ~AHCI_PxCMD_FRE);
    if (wait_clear(p, AHCI_PxCMD, AHCI_PxCMD_FR, AHCI_STOP_TIMEOUT_US))
        return -NP_ETIMEDOUT;
    p->nslots = AHCI_CAP_NCS(cap);
    p->clb = kmem_dma_alloc(32 * sizeof(struct ahci_cmd_hdr), 1024);
    uint8_t *fb = kmem_dma_alloc(256, 256);
    p->tables = kmem_dma_alloc((size_t)p->nslots * AHCI_TABLE_BYTES, 128);
    if (!p->clb || !fb || !p->tables)
        return -NP_ENOMEM;
    uint64_t clb = (uint64_t)(uintptr_t)p->clb, fbp = (uint64_t)(uintptr_t)fb;
    pwr(p, AHCI_PxCLB, (uint32_t)clb);
    pwr(p, AHCI_PxCLBU, (uint32_t)(clb >> 32));
    pwr(p, AHCI_PxFB, (uint32_t)fbp);
    pwr(p, AHCI_PxFBU, (uint32_t)(fbp >> 32));
    pwr(p, AHCI_PxSERR, 0xFFFFFFFF);
    pwr(p, AHCI_PxIS, 0xFFFFFFFF);
    pwr(p, AHCI_PxIE, 0);
    pwr(p, AHCI_PxCMD, prd(p, AHCI_PxCMD) | AHCI_PxCMD_FRE | AHCI_PxCMD_SUD | AHCI_PxCMD_POD);
    if (wait_clear(p, AHCI_PxTFD, ATA_SR_BSY | ATA_SR_DRQ, AHCI_BUSY_TIMEOUT_US))
        return -NP_ETIMEDOUT;
    pwr(p, AHCI_PxCMD, prd(p, AHCI_PxCMD) | AHCI_PxCMD_ST);
    return 0;
}

static void port_register(struct ahci_port *p, const char *location, uint32_t cap)
{
    struct blkdev *bd = &p->bd;
    p->sector_shift = (unsigned)__builtin_ctz(p->info.sector_size);
    p->ncq = (cap & AHCI_CAP_SNCQ) && p->info.ncq;
    if (p->ncq && p->info.queue_depth < p->nslots)
        p->nslots = p->info.queue_depth;
    bd->ops = &ahci_ops;
    bd->priv = p;
    np_snprintf(bd->name, sizeof(bd->name), "sd%c", 'a' + n_ports);
    np_strlcpy(bd->location, location, sizeof(bd->location));
    np_strlcpy(bd->transport, "ahci", sizeof(bd->transport));
    np_strlcpy(bd->serial, p->info.serial, sizeof(bd->serial));
    np_strlcpy(bd->model, p->info.model, sizeof(bd->model));
    bd->size = p->info.sectors << p->sector_shift;
    bd->block_size = p->info.sector_size;
    bd->max_transfer = AHCI_MAX_TRANSFER;
    bd->queue_depth = p->ncq ? p->nslots : 1;
    bd->can_flush = p->info.flush_ext;
    log_info("ahci: %s port %u: disk %s, %s, %u in flight\n", location, p->num, bd->name,
             p->ncq ? "NCQ" : "no NCQ", bd->queue_depth);
    n_ports++;
    if (blkdev_register(bd))
        log_warn("ahci: no room for disk %s\n", bd->name);
}

static void port_probe(volatile uint8_t *abar, uint32_t cap, unsigned num, const char *location)
{
    static uint16_t id[256] __attribute__((aligned(16)));
    struct ahci_port *p = &ports[n_ports];
    NP_STRFN(memset)(p, 0, sizeof(*p));
    p->regs = abar + AHCI_PORT(num);
    p->num = num;
    if (AHCI_SSTS_DET(prd(p, AHCI_PxSSTS)) != AHCI_DET_PRESENT)
        return;     /* nothing attached */
    uint32_t sig = prd(p, AHCI_PxSIG);
    if (sig == AHCI_SIG_ATAPI) {
        log_info("ahci: %s port %u: ATAPI device (a CD/DVD drive): skipped\n", location, num);
        return;
    }
    if (sig != AHCI_SIG_ATA) {
        log_info("ahci: %s port %u: device signature %#x is not an ATA disk: skipped\n", location, num, sig);
        return;
    }
    const char *step = "start";
    int err = port_start(p, cap);
    if (!err && (step = "IDENTIFY DEVICE", err = port_identify(p, id)) == 0)
        step = "IDENTIFY data", err = ata_identify_parse(id, &p->info);
    if (err) {
        log_err("error: ahci: %s port %u: %s failed: %s\n", location, num, step, np_strerror(err));
        pwr(p, AHCI_PxCMD, prd(p, AHCI_PxCMD) & ~AHCI_PxCMD_ST);
        return;
    }
    port_register(p, location, cap);
}

static int ahci_attach(struct pci_dev *pd)
{
    char location[40], bdf[16];
    pci_addr_format(&pd->addr, bdf, sizeof(bdf));
    np_snprintf(location, sizeof(location), "pci %s", bdf);
    const struct pci_bar *bar = &pd->bar[AHCI_ABAR];
    if (bar->io || bar->size < AHCI_PORT(1) || !bar->base) {
        log_err("error: ahci: %s: no usable ABAR (BAR5)\n", location);
        return -NP_ENODEV;
    }
    if (paging_map(bar->base, bar->size, true))
        return -NP_ENOMEM;
    pci_enable(pd, false, true);
    volatile uint8_t *abar = (volatile uint8_t *)(uintptr_t)bar->base;
    /* AHCI mode on, interrupts off (3.1.2). */
    mmio_write32(abar + AHCI_GHC, (mmio_read32(abar + AHCI_GHC) | AHCI_GHC_AE) & ~AHCI_GHC_IE);
    uint32_t cap = mmio_read32(abar + AHCI_CAP), pi = mmio_read32(abar + AHCI_PI);
    uint32_t vs = mmio_read32(abar + AHCI_VS);
    log_info("ahci: %s: AHCI %u.%u.%u, ports %#x, %u command slots%s\n", location, vs >> 16, (vs >> 8) & 0xFF,
             vs & 0xFF, pi, AHCI_CAP_NCS(cap), cap & AHCI_CAP_SNCQ ? ", NCQ" : "");
    for (unsigned i = 0; i < AHCI_PORTS_MAX && n_ports < AHCI_MAX_DISKS; i++)
        if (pi >> i & 1 && bar->size >= AHCI_PORT(i + 1))
            port_probe(abar, cap, i, location);
    return 0;
}

static const struct pci_match ahci_ids[] = {
    { PCI_ANY, 0, 0xFFFF, AHCI_PCI_CLASS, 0xFFFFFF },
};

const struct pci_driver ahci_pci_driver = {
    "ahci", ahci_ids, sizeof(ahci_ids) / sizeof(ahci_ids[0]), ahci_attach,
};
