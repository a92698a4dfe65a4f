/* The virtio entropy device (virtio 1.2 section 5.4). */
#ifndef DRIVERS_VIRTIO_RNG_H
#define DRIVERS_VIRTIO_RNG_H

#include "drivers/virtio/virtio.h"

/* Takes over a started-from-reset device of type VIRTIO_ID_RNG and offers it as an entropy source. */
int virtio_rng_attach(struct virtio_dev *d);

#endif
