#ifndef DRIVERS_VIRTIO_PROBE_H
#define DRIVERS_VIRTIO_PROBE_H

#include "kernel/cmdline.h"

/* Probes PCI virtio functions, then every virtio_mmio.device= slot, and binds drivers. */
void virtio_probe_all(const struct cmdline *cl);

#endif
