/* lwIP's netif over a netdev, in the shape of lwIP's ethernetif template. */
#ifndef NET_NETIF_GLUE_H
#define NET_NETIF_GLUE_H

#include "kernel/netdev.h"
#include "lwip/netif.h"

struct netif_stats {
    unsigned long rx_frames, rx_copied, rx_bad_csum, rx_dropped;
    unsigned long tx_frames, tx_busy, tx_linearized;
    /* Polls, those that found no frame (count, TSC cycles) and the TSC cycles of the others. */
    unsigned long polls, idle_polls;
    uint64_t idle_tsc, busy_tsc;
    uint64_t tx_tsc;        /* in the device's transmit (queueing and notifying) */
};

/* Adds the netif for d (not yet up) and makes it the default route's interface. */
int netif_glue_add(struct netif *nif, struct netdev *d);

/* Receives up to budget frames into lwIP, reclaims sent frames, follows the link. */
void netif_glue_poll(struct netif *nif, unsigned budget);

const struct netif_stats *netif_glue_stats(void);

#endif
