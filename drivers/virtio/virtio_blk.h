/* The virtio block driver (virtio 1.2 section 5.2). */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H

#include "drivers/virtio/virtio.h"

/* Takes over a started-from-reset device of type VIRTIO_ID_BLOCK and registers its disk. */
int virtio_blk_attach(struct virtio_dev *d);

#endif
