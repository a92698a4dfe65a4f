/*
 * A fake virtio-net device for the host tests: a transport ops table (modern or legacy) over
 * a status byte, the offered features and a device-config block (virtio 1.2 5.1.4), and the
 * device's side of the two split virtqueues (2.7): it takes the chains the driver published,
 * walks them through `next` with every descriptor checked, scatters received frames into
 * receive buffers and gathers sent ones, and completes them in the used ring.
 * Also np_rand32, which the driver uses for a MAC when the device has none.
 */
#ifndef TESTS_UNIT_NET_FAKE_VNET_H
#define TESTS_UNIT_NET_FAKE_VNET_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/virtio/virtio.h"
#include "drivers/virtio/virtio_ring.h"

#define FV_RXQ          0
#define FV_TXQ          1
#define FV_CHAIN_MAX    32

/* Feature bits of virtio-net (5.1.3) the tests offer. */
#define FV_F_CSUM       0
#define FV_F_GUEST_CSUM 1
#define FV_F_MTU        3
#define FV_F_MAC        5
#define FV_F_GUEST_TSO4 7
#define FV_F_MRG_RXBUF  15
#define FV_F_STATUS     16
#define FV_F_CTRL_VQ    17
#define FV_F_ANY_LAYOUT 27
#define FV_BIT(n)       (1ull << (n))

/* struct virtio_net_hdr flags (5.1.6). */
#define FV_HDR_NEEDS_CSUM   1
#define FV_HDR_DATA_VALID   2

struct fv_queue {
    uint16_t max;               /* what queue_max answers; 0: no such queue */
    uint16_t size;
    struct vring_desc *desc;
    struct vring_avail *avail;
    struct vring_used *used;
    uint16_t last_avail;        /* the next avail entry the device takes */
    uint16_t used_idx;
    unsigned notifies;
};

struct fv {
    struct virtio_dev vdev;
    uint64_t offered;
    uint8_t status;
    uint64_t written_features;
    unsigned resets;
    uint8_t config[16];         /* mac[6], status le16, max_virtqueue_pairs le16, mtu le16 */
    struct fv_queue q[3];
    unsigned early_notifies;    /* notifications before DRIVER_OK: forbidden (3.1.1) */
    unsigned bad;               /* malformed chains, out-of-range ids and the like seen */
};

/* One descriptor chain as the device found it. */
struct fv_chain {
    uint16_t head;
    unsigned n;
    uint64_t addr[FV_CHAIN_MAX];
    uint32_t len[FV_CHAIN_MAX];
    bool write[FV_CHAIN_MAX];
};

void fv_init(struct fv *f, bool modern, uint64_t offered);
void fv_set_mac(struct fv *f, const uint8_t mac[6]);
void fv_set_config16(struct fv *f, unsigned off, uint16_t v);

/* Chains published (avail->idx) and not yet taken by the device. */
unsigned fv_avail(const struct fv *f, unsigned q);
/* Takes the next published chain; false when there is none. */
bool fv_take(struct fv *f, unsigned q, struct fv_chain *c);
/* The same, leaving the chain where it is. */
bool fv_peek(struct fv *f, unsigned q, struct fv_chain *c);
/* Puts a chain in the used ring with the given written length. */
void fv_complete(struct fv *f, unsigned q, uint16_t head, uint32_t len);

/*
 * Receives a frame: takes the next receive chain, writes hdr (hdr_len bytes) then the frame
 * across its writable descriptors, completes it with the bytes written. Returns that length,
 * or -1 when no buffer is posted (or the frame does not fit: the device would drop it).
 */
int fv_rx(struct fv *f, const void *hdr, unsigned hdr_len, const void *frame, unsigned len);
/* A zero header of hdr_len bytes with flags and num_buffers set (num_buffers only when 12). */
void fv_hdr(uint8_t *hdr, unsigned hdr_len, uint8_t flags, uint16_t num_buffers);

/*
 * Takes the next sent chain, checks it is all device-readable, gathers it into out (cap bytes)
 * and completes it (length 0). Returns the gathered length or -1 when nothing was sent.
 * *c receives the chain as found.
 */
int fv_tx(struct fv *f, uint8_t *out, unsigned cap, struct fv_chain *c);

/* np_rand32 answers these values in turn (then a fixed sequence); counts the calls. */
void fv_rand_script(const uint32_t *v, unsigned n);
unsigned fv_rand_calls(void);

#endif
