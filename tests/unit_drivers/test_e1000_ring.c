/* drivers/e1000/e1000_ring.c: receive and transmit rings against a fake NIC that owns the
 * descriptors from head to tail, as the 8254x does. */
#include "drivers/e1000/e1000_ring.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"

#define RX 8
#define BUF 2048

static struct e1000_rx_desc rxd[RX];
static bool held[RX];
static uint8_t bufs[RX * BUF];

/* The fake NIC: fills the descriptor at its head if the tail lets it. */
struct fake_rx {
    unsigned head;
};

static bool fake_receive(struct fake_rx *f, const struct e1000_rx_ring *r, uint16_t len, uint8_t status,
                         uint8_t errors)
{
    if (f->head == r->tail)
        return false;       /* head == tail: no descriptor for the NIC */
    struct e1000_rx_desc *d = &rxd[f->head];
    memset((void *)(uintptr_t)d->addr, (int)f->head + 1, len);
    d->length = len;
    d->errors = errors;
    d->status = (uint8_t)(status | E1000_RXD_STAT_DD);
    f->head = (f->head + 1) % RX;
    return true;
}

static void test_rx_order_and_refill(void)
{
    struct e1000_rx_ring r;
    struct e1000_rx_frame fr;
    struct fake_rx f = { 0 };
    CHECK_EQ_I64(e1000_rx_init(&r, rxd, held, 12, (uintptr_t)bufs, BUF), -NP_EINVAL);  /* not a multiple of 8 */
    CHECK_EQ_I64(e1000_rx_init(&r, rxd, held, RX, (uintptr_t)bufs, BUF), 0);
    CHECK_EQ_U64(r.tail, RX - 1);
    CHECK_EQ_U64(e1000_rx_posted(&r), RX - 1);
    CHECK_EQ_I64(e1000_rx_take(&r, &fr), 0);
    /* The NIC fills all it owns (seven), and not the eighth. */
    unsigned n = 0;
    while (fake_receive(&f, &r, 60, E1000_RXD_STAT_EOP, 0))
        n++;
    CHECK_EQ_U64(n, RX - 1);
    for (unsigned i = 0; i < RX - 1; i++) {
        CHECK_EQ_I64(e1000_rx_take(&r, &fr), 1);
        CHECK_EQ_U64(fr.buf, i);
        CHECK_EQ_U64(fr.len, 60);
        CHECK_EQ_U64(bufs[i * BUF], i + 1);
    }
    CHECK_EQ_I64(e1000_rx_take(&r, &fr), 0);
    CHECK_EQ_U64(e1000_rx_posted(&r), 0);
    /* Returned out of order: the tail waits for buffer 0... (tail 7 is ours, not held) */
    CHECK_EQ_I64(e1000_rx_release(&r, 2), 0);
    CHECK_EQ_I64(e1000_rx_release(&r, 2), -NP_EINVAL);     /* twice */
    CHECK_EQ_I64(e1000_rx_release(&r, RX), -NP_EINVAL);    /* no such buffer */
    CHECK(e1000_rx_refill(&r));                             /* descriptor 7 goes back */
    CHECK_EQ_U64(r.tail, 0);
    CHECK_EQ_U64(e1000_rx_posted(&r), 1);
    CHECK(!e1000_rx_refill(&r));                            /* 0 still held */
    CHECK_EQ_I64(e1000_rx_release(&r, 0), 0);
    CHECK_EQ_I64(e1000_rx_release(&r, 1), 0);
    CHECK(e1000_rx_refill(&r));                             /* 0, 1, 2 */
    CHECK_EQ_U64(r.tail, 3);
    CHECK_EQ_U64(e1000_rx_posted(&r), 4);
    for (unsigned i = 3; i < RX - 1; i++)
        e1000_rx_release(&r, i);
    CHECK(e1000_rx_refill(&r));
    /* Never all eight: head == tail would read as an empty ring. */
    CHECK_EQ_U64(e1000_rx_posted(&r), RX - 1);
    CHECK_EQ_U64(r.tail, 6);
    CHECK_EQ_U64(rxd[7].status, 0);                         /* re-armed */
    /* Round and round: a hundred frames through eight buffers. */
    for (unsigned k = 0; k < 100; k++) {
        CHECK(fake_receive(&f, &r, 100, E1000_RXD_STAT_EOP, 0));
        CHECK_EQ_I64(e1000_rx_take(&r, &fr), 1);
        CHECK_EQ_U64(fr.len, 100);
        e1000_rx_release(&r, fr.buf);
        e1000_rx_refill(&r);
    }
    CHECK_EQ_U64(e1000_rx_posted(&r), RX - 1);
}

static void test_rx_bad_frames(void)
{
    struct e1000_rx_ring r;
    struct e1000_rx_frame fr;
    struct fake_rx f = { 0 };
    e1000_rx_init(&r, rxd, held, RX, (uintptr_t)bufs, BUF);
    fake_receive(&f, &r, 64, E1000_RXD_STAT_EOP, 0x01);     /* CRC error */
    fake_receive(&f, &r, 10, E1000_RXD_STAT_EOP, 0);        /* runt */
    fake_receive(&f, &r, 2048, 0, 0);                       /* first of two buffers */
    fake_receive(&f, &r, 100, E1000_RXD_STAT_EOP, 0);       /* ... its tail: dropped too */
    fake_receive(&f, &r, 60, E1000_RXD_STAT_EOP, 0);        /* good */
    CHECK_EQ_I64(e1000_rx_take(&r, &fr), 1);
    CHECK_EQ_U64(fr.buf, 4);
    CHECK(!fr.csum_ok);                                     /* RXCSUM not on */
    CHECK(e1000_rx_refill(&r));                             /* the dropped ones (7, 0-3) go back */
    CHECK_EQ_U64(r.tail, 4);
    /* Checksums: believed only with IPCS and TCPCS, no IXSM and no error. */
    r.csum = true;
    e1000_rx_release(&r, 4);
    e1000_rx_refill(&r);
    fake_receive(&f, &r, 60, E1000_RXD_STAT_EOP | E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS, 0);
    fake_receive(&f, &r, 60, E1000_RXD_STAT_EOP | E1000_RXD_STAT_IPCS, 0);
    fake_receive(&f, &r, 60, E1000_RXD_STAT_EOP | E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS,
                 E1000_RXD_ERR_TCPE);
    fake_receive(&f, &r, 60, E1000_RXD_STAT_EOP | E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS |
                 E1000_RXD_STAT_IXSM, 0);
    bool want[] = { true, false, false, false };
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ_I64(e1000_rx_take(&r, &fr), 1);
        CHECK_EQ_U64(fr.csum_ok, want[i]);
    }
}

#define TX 16
static struct e1000_tx_desc txd[TX];
static void *cookies[TX];
static uint16_t last[TX];

/* The fake NIC sends from its head to the tail; DD on descriptors with RS. */
static unsigned fake_send(unsigned *head, const struct e1000_tx_ring *r, uint8_t *frame, size_t *len)
{
    unsigned frames = 0;
    *len = 0;
    while (*head != r->tail) {
        struct e1000_tx_desc *d = &txd[*head];
        memcpy(frame + *len, (const void *)(uintptr_t)d->addr, d->length);
        *len += d->length;
        CHECK(d->cmd & E1000_TXD_CMD_IFCS);
        if (d->cmd & E1000_TXD_CMD_RS)
            d->status |= E1000_TXD_STAT_DD;
        if (d->cmd & E1000_TXD_CMD_EOP)
            frames++;
        *head = (*head + 1) % TX;
    }
    return frames;
}

static void test_tx(void)
{
    struct e1000_tx_ring r;
    uint8_t a[100], b[200], frame[4096];
    size_t len;
    unsigned head = 0;
    void *c;
    memset(a, 'a', sizeof(a));
    memset(b, 'b', sizeof(b));
    CHECK_EQ_I64(e1000_tx_init(&r, txd, cookies, last, TX), 0);
    struct netdev_frag two[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
    CHECK_EQ_I64(e1000_tx_put(&r, two, 2, (void *)1), 0);
    CHECK_EQ_I64(e1000_tx_reap(&r, &c), 0);                 /* not sent yet */
    CHECK_EQ_U64(txd[0].cmd, E1000_TXD_CMD_IFCS);           /* EOP and RS on the last only */
    CHECK_EQ_U64(txd[1].cmd, E1000_TXD_CMD_IFCS | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS);
    CHECK_EQ_U64(fake_send(&head, &r, frame, &len), 1);
    CHECK_EQ_U64(len, 300);
    CHECK(frame[99] == 'a' && frame[100] == 'b');
    CHECK_EQ_I64(e1000_tx_reap(&r, &c), 1);
    CHECK(c == (void *)1);
    CHECK_EQ_I64(e1000_tx_reap(&r, &c), 0);
    /* Full: 15 descriptors at most; a frame that does not fit waits whole. */
    struct netdev_frag many[8];
    for (unsigned i = 0; i < 8; i++)
        many[i] = (struct netdev_frag){ a, 10 };
    CHECK_EQ_I64(e1000_tx_put(&r, many, 8, (void *)2), 0);
    CHECK_EQ_I64(e1000_tx_put(&r, many, 8, (void *)3), -NP_EBUSY);
    CHECK_EQ_I64(e1000_tx_put(&r, many, 7, (void *)3), 0);
    CHECK_EQ_I64(e1000_tx_put(&r, many, 1, (void *)4), -NP_EBUSY);
    CHECK_EQ_U64(fake_send(&head, &r, frame, &len), 2);
    CHECK_EQ_I64(e1000_tx_reap(&r, &c), 1);
    CHECK(c == (void *)2);
    CHECK_EQ_I64(e1000_tx_reap(&r, &c), 1);
    CHECK(c == (void *)3);
    CHECK_EQ_I64(e1000_tx_put(&r, many, 0, NULL), -NP_EINVAL);
    struct netdev_frag empty = { a, 0 };
    CHECK_EQ_I64(e1000_tx_put(&r, &empty, 1, NULL), -NP_EINVAL);
    /* Wrap-around, many times. */
    for (unsigned k = 0; k < 50; k++) {
        CHECK_EQ_I64(e1000_tx_put(&r, two, 2, (void *)(uintptr_t)(k + 10)), 0);
        fake_send(&head, &r, frame, &len);
        CHECK_EQ_I64(e1000_tx_reap(&r, &c), 1);
        CHECK(c == (void *)(uintptr_t)(k + 10));
    }
}

int main(void)
{
    TEST_RUN(test_rx_order_and_refill);
    TEST_RUN(test_rx_bad_frames);
    TEST_RUN(test_tx);
    return test_finish();
}
