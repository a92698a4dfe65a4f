/*
 * Network devices, whatever drives them: frames in and out by polling. Received frames stay
 * in the device's buffers until released (so the stack can use them without a copy); sent
 * frames are gathered from fragments and reported back when the device is done with them.
 */
#ifndef KERNEL_NETDEV_H
#define KERNEL_NETDEV_H

#include <stdbool.h>
#include <stdint.h>

#define NETDEV_MAX_FRAGS 16

struct netdev_rx {
    void *data;             /* the Ethernet frame */
    uint32_t len;
    unsigned buf;           /* give back with rx_release */
    bool csum_ok;           /* the device vouched for the L3/L4 checksums of this frame */
};

struct netdev_frag {
    const void *data;       /* identity-mapped */
    uint32_t len;
};

struct netdev;

struct netdev_ops {
    /* 1 with *f filled, 0 when nothing arrived, < 0 when the device failed. */
    int (*rx)(struct netdev *d, struct netdev_rx *f);
    /* Returns a buffer to the device; takes effect at the next flush. */
    void (*rx_release)(struct netdev *d, unsigned buf);
    /* Receive buffers the device holds right now: when low, the stack should copy frames. */
    unsigned (*rx_posted)(struct netdev *d);
    /* -NP_EBUSY when the ring is full: reclaim with tx_done, then try again. */
    int (*tx)(struct netdev *d, const struct netdev_frag *frags, unsigned n, void *cookie);
    /* 1 with the cookie of a sent frame, 0 when none. */
    int (*tx_done)(struct netdev *d, void **cookie);
    /* Notifies the device of what was queued since the last flush. */
    void (*flush)(struct netdev *d);
    /* 1 link up, 0 down. */
    int (*link)(struct netdev *d);
};

struct netdev {
    const struct netdev_ops *ops;
    void *priv;
    char name[8];           /* "eth0" */
    char location[40];
    char transport[16];
    uint8_t mac[6];
    bool mac_generated;     /* the device had none: a locally administered one was made up */
    uint16_t mtu;
    bool link_status;       /* the device reports link changes */
    bool rx_csum;           /* it may vouch for received checksums */
    unsigned rx_ring;       /* receive buffers in all */
    /*
     * Set by the stack while it takes in a burst of frames: tx may leave notifying the device
     * to the flush that ends the burst (one notify for the burst's ACKs, not one each).
     */
    bool tx_batch;
};

int netdev_register(struct netdev *d);
unsigned netdev_count(void);
struct netdev *netdev_get(unsigned i);
struct netdev *const *netdev_all(void);

/* True when spec (nic=) names d: its name, its MAC, or its location ("0000:00:03.0", "00:03.0"). */
bool netdev_matches(const struct netdev *d, const char *spec);

/*
 * A MAC as "52:54:00:12:34:56" or "52-54-00-12-34-56", or the pxelinux/iPXE BOOTIF form
 * "01-52-54-00-12-34-56" (ARP hardware type 1, Ethernet, first). 0 or -NP_EINVAL (also for a
 * group address, which no NIC has).
 */
int netdev_parse_mac(const char *s, uint8_t mac[6]);

/* What the boot tells us about which NIC to use, strongest first. */
struct netdev_hint {
    const char *spec;           /* nic=, or NULL */
    const uint8_t *bootif;      /* BOOTIF='s MAC, or NULL */
    const uint8_t *ack_mac;     /* the MAC the boot loader's DHCP ACK was for, or NULL */
};

enum netdev_why {
    NETDEV_BY_SPEC,     /* nic= names it */
    NETDEV_BY_BOOTIF,   /* BOOTIF= names its MAC */
    NETDEV_BY_ACK,      /* the loader booted through it: its DHCP ACK is for this MAC */
    NETDEV_ONLY,        /* the only NIC */
    NETDEV_BY_LINK,     /* the first NIC with link */
    NETDEV_NO_LINK,     /* several, no hint, none with link (yet): the first */
};

/*
 * Chooses the NIC among n (pure): nic= decides alone (-NP_ENOENT when it names none); else a
 * NIC whose MAC BOOTIF= or the loader's ACK names (a hint naming none is passed over); else
 * the only one; else the first whose link[] is true (link may be NULL: not known yet).
 * Returns 0 with *index and *why, or -NP_ENODEV when there is no NIC at all.
 */
int netdev_choose(struct netdev *const *devs, unsigned n, const struct netdev_hint *h, const bool *link,
                  unsigned *index, enum netdev_why *why);

/* "52:54:00:12:34:56" */
void netdev_mac_format(const uint8_t mac[6], char *buf, unsigned size);

#endif
