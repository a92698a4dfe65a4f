/*
 * e1000 descriptor ring bookkeeping as pure logic (8254x SDM 3.2.6, 3.4): which descriptors
 * the hardware owns (head to tail), taking received frames in order while the stack returns
 * their buffers in any order, and gathering a transmitted frame over several descriptors. The
 * caller writes the tail registers (RDT, TDT) from rx.tail and tx.tail; the host tests play
 * the hardware.
 */
#ifndef DRIVERS_E1000_E1000_RING_H
#define DRIVERS_E1000_E1000_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/e1000/e1000_regs.h"
#include "kernel/netdev.h"

#define E1000_RING_MIN  8
#define E1000_RING_MAX  4096

struct e1000_rx_ring {
    volatile struct e1000_rx_desc *desc;
    bool *held;             /* buffer i is with the stack */
    uint64_t buf_phys;      /* buffer i at buf_phys + i * buf_size */
    uint32_t buf_size;
    uint16_t size;
    uint16_t next;          /* the next descriptor the hardware fills */
    uint16_t tail;          /* RDT: the hardware owns [RDH, tail) */
    uint16_t posted;        /* descriptors the hardware owns: next up to tail */
    bool discarding;        /* inside a frame that did not fit one buffer */
    bool csum;              /* RXCSUM is on: believe IPCS/TCPCS */
};

struct e1000_rx_frame {
    unsigned buf;
    uint32_t len;
    bool csum_ok;
};

/* size a multiple of 8 in [8, 4096]: -NP_EINVAL otherwise. All but one buffer go to the device. */
int e1000_rx_init(struct e1000_rx_ring *r, void *desc, bool *held, unsigned size, uint64_t buf_phys,
                  uint32_t buf_size);
/* 1 with *f (the buffer now held), 0 when none is done. Bad frames are dropped and re-armed. */
int e1000_rx_take(struct e1000_rx_ring *r, struct e1000_rx_frame *f);
/* The stack is done with buffer buf; -NP_EINVAL for one it does not hold. */
int e1000_rx_release(struct e1000_rx_ring *r, unsigned buf);
/* Hands every returned buffer after the tail back to the device, in ring order; true if tail moved. */
bool e1000_rx_refill(struct e1000_rx_ring *r);
/* Buffers the device holds now. */
unsigned e1000_rx_posted(const struct e1000_rx_ring *r);

struct e1000_tx_ring {
    volatile struct e1000_tx_desc *desc;
    void **cookie;          /* per descriptor: the frame's cookie on its last one */
    uint16_t *last;         /* per first descriptor: the frame's last one */
    uint16_t size;
    uint16_t tail;          /* TDT */
    uint16_t clean;         /* the oldest descriptor not yet reclaimed */
};

int e1000_tx_init(struct e1000_tx_ring *r, void *desc, void **cookie, uint16_t *last, unsigned size);
/* One frame over n descriptors (EOP and RS on the last); -NP_EBUSY when they do not fit. */
int e1000_tx_put(struct e1000_tx_ring *r, const struct netdev_frag *frags, unsigned n, void *cookie);
/* 1 with the cookie of the oldest frame the device has sent, 0 when it has not. */
int e1000_tx_reap(struct e1000_tx_ring *r, void **cookie);

#endif
