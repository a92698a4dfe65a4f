/* The virtio network driver (virtio 1.2 section 5.1). */
#ifndef DRIVERS_VIRTIO_NET_H
#define DRIVERS_VIRTIO_NET_H

#include "drivers/virtio/virtio.h"

/* Takes over a device of type VIRTIO_ID_NET and registers it as a netdev. */
int virtio_net_attach(struct virtio_dev *d);

#endif
