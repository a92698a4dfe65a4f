/*
 * Intel e1000 (82540EM) and e1000e (82574L), the two models QEMU offers, as one driver: both
 * keep the 8254x register layout and legacy descriptors. Reset, MAC from the EEPROM (else the
 * receive address register), one receive and one transmit ring, receive checksum offload,
 * link from STATUS.LU. Interrupts stay masked; the stack polls, as with virtio-net.
 */
#include "drivers/e1000/e1000.h"

#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "drivers/e1000/e1000_ring.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/kmem.h"
#include "kernel/netdev.h"
#include "kernel/printf.h"
#include "kernel/random.h"
#include "kernel/string.h"

#define E1000_MAX_DEVS          4
#define E1000_RX_SIZE           256
#define E1000_TX_SIZE           256
#define E1000_BUF_SIZE          2048    /* RCTL.BSIZE 2048: a whole 1518-byte frame */
#define E1000_RESET_TIMEOUT_US  100000
#define E1000_EERD_TIMEOUT_US   10000
#define E1000_MMIO_MIN          0x6000  /* through RAL0/RAH0 */

/* The models this driver takes, and the EEPROM read register layout of each. */
struct e1000_model {
    uint16_t device;
    const char *name;
    const char *transport;  /* "" for a model we know but do not drive */
    bool eerd_82574;
};

static const struct e1000_model models[] = {
    { 0x100E, "82540EM", "e1000", false },
    { 0x10D3, "82574L", "e1000e", true },
    /* Known by name so the refusal says what it is: untested here, so not driven. */
    { 0x1004, "82543GC", "", false },
    { 0x100C, "82544GC", "", false },
    { 0x100F, "82545EM", "", false },
    { 0x105E, "82571EB", "", false },
    { 0x107D, "82572EI", "", false },
    { 0x109A, "82573L", "", false },
    { 0x10F5, "82567LM", "", false },
    { 0x150C, "82583V", "", false },
    { 0x1502, "82579LM", "", false },
    { 0x153A, "I217-LM", "", false },
    { 0x15B8, "I219-V", "", false },
    { 0x1533, "I210", "", false },
    { 0x1521, "I350", "", false },
    { 0x10C9, "82576", "", false },
    { 0x10FB, "82599", "", false },
    { 0x1572, "X710", "", false },
};

struct e1000 {
    volatile uint8_t *regs;
    const struct e1000_model *model;
    struct e1000_rx_ring rx;
    struct e1000_tx_ring tx;
    uint8_t *rx_bufs;
    bool rx_held[E1000_RX_SIZE];
    void *tx_cookie[E1000_TX_SIZE];
    uint16_t tx_last[E1000_TX_SIZE];
    struct netdev nd;
};

static struct e1000 devs[E1000_MAX_DEVS];
static unsigned n_devs;

static uint32_t rd32(struct e1000 *e, unsigned off) { return mmio_read32(e->regs + off); }
static void wr32(struct e1000 *e, unsigned off, uint32_t v) { mmio_write32(e->regs + off, v); }

static int e1000_rx(struct netdev *nd, struct netdev_rx *f)
{
    struct e1000 *e = nd->priv;
    struct e1000_rx_frame fr;
    int got = e1000_rx_take(&e->rx, &fr);
    if (got <= 0)
        return got;
    f->data = e->rx_bufs + (size_t)fr.buf * E1000_BUF_SIZE;
    f->len = fr.len;
    f->buf = fr.buf;
    f->csum_ok = fr.csum_ok;
    return 1;
}

static void e1000_rx_release_op(struct netdev *nd, unsigned buf)
{
    e1000_rx_release(&((struct e1000 *)nd->priv)->rx, buf);
}

static unsigned e1000_rx_posted_op(struct netdev *nd)
{
    return e1000_rx_posted(&((struct e1000 *)nd->priv)->rx);
}

static int e1000_tx(struct netdev *nd, const struct netdev_frag *frags, unsigned n, void *cookie)
{
    struct e1000 *e = nd->priv;
    int err = e1000_tx_put(&e->tx, frags, n, cookie);
    if (!err)
        wr32(e, E1000_TDT, e->tx.tail);
    return err;
}

static int e1000_tx_done(struct netdev *nd, void **cookie)
{
    return e1000_tx_reap(&((struct e1000 *)nd->priv)->tx, cookie);
}

static void e1000_flush(struct netdev *nd)
{
    struct e1000 *e = nd->priv;
    if (e1000_rx_refill(&e->rx))
        wr32(e, E1000_RDT, e->rx.tail);
}

static int e1000_link(struct netdev *nd)
{
    return rd32(nd->priv, E1000_STATUS) & E1000_STATUS_LU ? 1 : 0;
}

static const struct netdev_ops e1000_ops = {
    e1000_rx, e1000_rx_release_op, e1000_rx_posted_op, e1000_tx, e1000_tx_done, e1000_flush, e1000_link,
};

/* Global reset (8254x SDM 14.9): interrupts masked before and after, RST self-clears. */
static int e1000_reset(struct e1000 *e)
{
    wr32(e, E1000_IMC, 0xFFFFFFFF);
    wr32(e, E1000_CTRL, rd32(e, E1000_CTRL) | E1000_CTRL_RST);
    clock_delay_us(10);     /* the SDM asks for a wait before the next register access */
    for (uint64_t t0 = clock_us(); rd32(e, E1000_CTRL) & E1000_CTRL_RST;)
        if (clock_us() - t0 > E1000_RESET_TIMEOUT_US)
            return -NP_ETIMEDOUT;
    wr32(e, E1000_IMC, 0xFFFFFFFF);
    (void)rd32(e, E1000_ICR);   /* clears whatever the reset raised */
    return 0;
}

/* One EEPROM word through EERD (8254x SDM 13.4.4, 82574 10.2.2.6). */
static int eeprom_read(struct e1000 *e, unsigned word, uint16_t *out)
{
    uint32_t done = e->model->eerd_82574 ? E1000_EERD_DONE_82574 : E1000_EERD_DONE_8254X;
    unsigned shift = e->model->eerd_82574 ? E1000_EERD_ADDR_SHIFT_82574 : E1000_EERD_ADDR_SHIFT_8254X;
    wr32(e, E1000_EERD, E1000_EERD_START | (uint32_t)word << shift);
    for (uint64_t t0 = clock_us();;) {
        uint32_t v = rd32(e, E1000_EERD);
        if (v & done) {
            *out = E1000_EERD_DATA(v);
            return 0;
        }
        if (clock_us() - t0 > E1000_EERD_TIMEOUT_US)
            return -NP_ETIMEDOUT;
    }
}

static bool mac_usable(const uint8_t *m)
{
    static const uint8_t zero[6], ones[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
    return !(m[0] & 1) && NP_STRFN(memcmp)(m, zero, 6) && NP_STRFN(memcmp)(m, ones, 6);
}

/* The MAC: EEPROM words 0-2, else what firmware left in RAL0/RAH0, else a made-up one. */
static const char *e1000_read_mac(struct e1000 *e, uint8_t *mac)
{
    uint16_t w[3];
    if (!eeprom_read(e, 0, &w[0]) && !eeprom_read(e, 1, &w[1]) && !eeprom_read(e, 2, &w[2])) {
        for (unsigned i = 0; i < 3; i++)
            mac[2 * i] = (uint8_t)w[i], mac[2 * i + 1] = (uint8_t)(w[i] >> 8);
        if (mac_usable(mac))
            return "EEPROM";
    }
    uint32_t lo = rd32(e, E1000_RAL0), hi = rd32(e, E1000_RAH0);
    uint8_t ral[6] = { (uint8_t)lo, (uint8_t)(lo >> 8), (uint8_t)(lo >> 16), (uint8_t)(lo >> 24),
                       (uint8_t)hi, (uint8_t)(hi >> 8) };
    if ((hi & E1000_RAH_AV) && mac_usable(ral)) {
        NP_STRFN(memcpy)(mac, ral, 6);
        return "RAL";
    }
    uint32_t r0 = np_rand32(), r1 = np_rand32();
    uint8_t gen[6] = { (uint8_t)((r0 & 0xFC) | 0x02), (uint8_t)(r0 >> 8), (uint8_t)(r0 >> 16),
                       (uint8_t)(r0 >> 24), (uint8_t)r1, (uint8_t)(r1 >> 8) };
    NP_STRFN(memcpy)(mac, gen, 6);
    e->nd.mac_generated = true;
    return "generated";
}

/* Receive setup (8254x SDM 14.4): address filter, ring, checksum offload, then RCTL.EN. */
static int e1000_setup_rx(struct e1000 *e)
{
    void *desc = kmem_dma_alloc(E1000_RX_SIZE * sizeof(struct e1000_rx_desc), E1000_RING_ALIGN);
    e->rx_bufs = kmem_dma_alloc((size_t)E1000_RX_SIZE * E1000_BUF_SIZE, PAGE_SIZE);
    if (!desc || !e->rx_bufs)
        return -NP_ENOMEM;
    int err = e1000_rx_init(&e->rx, desc, e->rx_held, E1000_RX_SIZE, (uint64_t)(uintptr_t)e->rx_bufs,
                            E1000_BUF_SIZE);
    if (err)
        return err;
    const uint8_t *m = e->nd.mac;
    wr32(e, E1000_RAL0, (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24);
    wr32(e, E1000_RAH0, (uint32_t)m[4] | (uint32_t)m[5] << 8 | E1000_RAH_AV);
    for (unsigned i = 0; i < E1000_MTA_WORDS; i++)
        wr32(e, E1000_MTA + 4 * i, 0);
    uint64_t pa = (uint64_t)(uintptr_t)desc;
    wr32(e, E1000_RDBAL, (uint32_t)pa);
    wr32(e, E1000_RDBAH, (uint32_t)(pa >> 32));
    wr32(e, E1000_RDLEN, E1000_RX_SIZE * sizeof(struct e1000_rx_desc));
    wr32(e, E1000_RDH, 0);
    wr32(e, E1000_RDT, e->rx.tail);
    wr32(e, E1000_RDTR, 0);
    wr32(e, E1000_RXCSUM, E1000_RXCSUM_IPOFL | E1000_RXCSUM_TUOFL);
    e->rx.csum = true;
    wr32(e, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_BSIZE_2048 | E1000_RCTL_SECRC);
    return 0;
}

/* Transmit setup (8254x SDM 14.5): ring, gap, then TCTL.EN with padding and full duplex. */
static int e1000_setup_tx(struct e1000 *e)
{
    void *desc = kmem_dma_alloc(E1000_TX_SIZE * sizeof(struct e1000_tx_desc), E1000_RING_ALIGN);
    if (!desc)
        return -NP_ENOMEM;
    int err = e1000_tx_init(&e->tx, desc, e->tx_cookie, e->tx_last, E1000_TX_SIZE);
    if (err)
        return err;
    uint64_t pa = (uint64_t)(uintptr_t)desc;
    wr32(e, E1000_TDBAL, (uint32_t)pa);
    wr32(e, E1000_TDBAH, (uint32_t)(pa >> 32));
    wr32(e, E1000_TDLEN, E1000_TX_SIZE * sizeof(struct e1000_tx_desc));
    wr32(e, E1000_TDH, 0);
    wr32(e, E1000_TDT, 0);
    wr32(e, E1000_TIPG, E1000_TIPG_COPPER);
    wr32(e, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP | E1000_TCTL_CT(0x0F) | E1000_TCTL_COLD(0x40));
    return 0;
}

static const struct e1000_model *model_find(uint16_t device)
{
    for (unsigned i = 0; i < sizeof(models) / sizeof(models[0]); i++)
        if (models[i].device == device)
            return &models[i];
    return NULL;
}

/* Refuses, by name, the Intel NICs this driver does not take. */
static const struct e1000_model *e1000_pick(const struct pci_dev *p, const char *bdf)
{
    const struct e1000_model *m = model_find(p->device);
    if (m && m->transport[0])
        return m;
    log_warn("nic: pci %s: %s%s (8086:%04x) is not driven: netplant's e1000 driver takes the 82540EM "
             "(8086:100e) and the 82574L (8086:10d3)\n", bdf, m ? "Intel " : "an Intel Ethernet controller",
             m ? m->name : "", p->device);
    return NULL;
}

static int e1000_start(struct e1000 *e, struct pci_dev *p)
{
    const struct pci_bar *bar = &p->bar[0];
    if (bar->io || bar->size < E1000_MMIO_MIN || !bar->base)
        return -NP_ENODEV;
    if (paging_map(bar->base, bar->size, true))
        return -NP_ENOMEM;
    pci_enable(p, false, true);
    e->regs = (volatile uint8_t *)(uintptr_t)bar->base;
    int err = e1000_reset(e);
    if (err)
        return err;
    const char *from = e1000_read_mac(e, e->nd.mac);
    log_debug("e1000: MAC from %s\n", from);
    /* Link: set link up with auto speed detection; clear the resets (8254x SDM 14.3). */
    uint32_t ctrl = rd32(e, E1000_CTRL) & ~(E1000_CTRL_LRST | E1000_CTRL_PHY_RST);
    wr32(e, E1000_CTRL, ctrl | E1000_CTRL_SLU | E1000_CTRL_ASDE);
    if (!(err = e1000_setup_rx(e)))
        err = e1000_setup_tx(e);
    return err;
}

static int e1000_attach(struct pci_dev *p)
{
    char bdf[16];
    pci_addr_format(&p->addr, bdf, sizeof(bdf));
    const struct e1000_model *m = e1000_pick(p, bdf);
    if (!m)
        return -NP_ENOTSUP;
    if (n_devs == E1000_MAX_DEVS) {
        log_warn("e1000: pci %s: more than %d e1000 NICs; ignored\n", bdf, E1000_MAX_DEVS);
        return -NP_ENOSPC;
    }
    struct e1000 *e = &devs[n_devs];
    NP_STRFN(memset)(e, 0, sizeof(*e));
    e->model = m;
    int err = e1000_start(e, p);
    if (err) {
        log_err("error: %s: pci %s (Intel %s) failed to start: %s\n", m->transport, bdf, m->name,
                np_strerror(err));
        if (e->regs)
            wr32(e, E1000_RCTL, 0), wr32(e, E1000_TCTL, 0);     /* no DMA into memory we gave up */
        return err;
    }
    n_devs++;
    e->nd.ops = &e1000_ops;
    e->nd.priv = e;
    /* ethN counts every NIC, whatever drives it, in probe order. */
    np_snprintf(e->nd.name, sizeof(e->nd.name), "eth%u", netdev_count());
    np_snprintf(e->nd.location, sizeof(e->nd.location), "pci %s", bdf);
    np_strlcpy(e->nd.transport, m->transport, sizeof(e->nd.transport));
    e->nd.mtu = 1500;
    e->nd.link_status = true;
    e->nd.rx_csum = true;
    e->nd.rx_ring = E1000_RX_SIZE - 1;
    return netdev_register(&e->nd);
}

/* Every Intel Ethernet controller: those not in the model table are refused by name. */
static const struct pci_match e1000_ids[] = {
    { E1000_VENDOR_INTEL, 0, 0xFFFF, 0x020000, 0xFFFF00 },
};

const struct pci_driver e1000_pci_driver = {
    "e1000", e1000_ids, sizeof(e1000_ids) / sizeof(e1000_ids[0]), e1000_attach,
};
