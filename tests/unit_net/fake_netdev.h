/*
 * A fake network device behind struct netdev (kernel/netdev.h), for the netif glue tests:
 * receive buffers in an array, each posted, filled (queued for rx) or held by the stack until
 * released; every release counted per buffer and checked against the state. Transmit copies
 * the fragments it is given (keeping their addresses), holds the cookie in a ring of a set
 * capacity and gives it back through tx_done once the "device" is done (unless stuck).
 */
#ifndef TESTS_UNIT_NET_FAKE_NETDEV_H
#define TESTS_UNIT_NET_FAKE_NETDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/netdev.h"

#define FND_BUFS        64
#define FND_BUF_SIZE    2048
#define FND_TX_MAX      256

enum fnd_state { FND_POSTED, FND_FILLED, FND_HELD };

struct fnd_tx {
    uint8_t data[FND_BUF_SIZE];
    uint32_t len;
    unsigned nfrags;
    const void *frag_data[NETDEV_MAX_FRAGS];
    uint32_t frag_len[NETDEV_MAX_FRAGS];
    void *cookie;
    bool returned;              /* given back by tx_done */
};

struct fake_netdev {
    struct netdev nd;
    /* Receive. */
    uint8_t buf[FND_BUFS][FND_BUF_SIZE];
    enum fnd_state state[FND_BUFS];
    unsigned releases[FND_BUFS];
    unsigned bad_releases;      /* a buffer released that the stack did not hold */
    unsigned queue[FND_BUFS];   /* filled buffers in arrival order */
    uint32_t queue_len[FND_BUFS];
    bool queue_csum_ok[FND_BUFS];
    unsigned q_head, q_count;
    int posted_override;        /* >= 0: what rx_posted answers */
    uint32_t next_rx_len;       /* != 0: the length rx reports for the next frame */
    /* Transmit. */
    struct fnd_tx tx[FND_TX_MAX];
    unsigned ntx;               /* frames taken */
    unsigned tx_next_done;      /* the next frame tx_done hands back */
    unsigned tx_capacity;       /* frames in the ring (taken, not handed back) at most */
    bool tx_stuck;              /* the device never finishes a frame */
    int tx_fail;                /* != 0: tx answers this */
    unsigned tx_calls, tx_busy, tx_done_calls, flushes, link_calls, rx_calls;
    int link;
};

/* A device with rx_ring buffers (<= FND_BUFS), MAC 52:54:00:12:34:56, MTU 1500, link up. */
void fnd_init(struct fake_netdev *f, unsigned rx_ring);
/* A frame arrives in the next posted buffer; returns the buffer or -1 when none is posted. */
int fnd_inject(struct fake_netdev *f, const void *frame, uint32_t len, bool csum_ok);
/* Buffers the stack holds right now. */
unsigned fnd_held(const struct fake_netdev *f);
/* True when p points into receive buffer b. */
bool fnd_in_buf(const struct fake_netdev *f, unsigned b, const void *p);
/* Frames in the transmit ring (taken, not handed back yet). */
unsigned fnd_tx_in_ring(const struct fake_netdev *f);

#endif
