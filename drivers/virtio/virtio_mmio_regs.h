/* Virtio over MMIO (virtio 1.2 section 4.2): version 2 and legacy version 1. */
#ifndef DRIVERS_VIRTIO_MMIO_REGS_H
#define DRIVERS_VIRTIO_MMIO_REGS_H

#define VIRTIO_MMIO_MAGIC_VALUE         0x000   /* ro: "virt" */
#define VIRTIO_MMIO_VERSION             0x004   /* ro: 1 legacy, 2 modern */
#define VIRTIO_MMIO_DEVICE_ID           0x008   /* ro: 0 = empty slot */
#define VIRTIO_MMIO_VENDOR_ID           0x00C   /* ro */
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010   /* ro */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014   /* wo */
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020   /* wo */
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024   /* wo */
#define VIRTIO_MMIO_GUEST_PAGE_SIZE     0x028   /* wo, legacy only */
#define VIRTIO_MMIO_QUEUE_SEL           0x030   /* wo */
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034   /* ro */
#define VIRTIO_MMIO_QUEUE_NUM           0x038   /* wo */
#define VIRTIO_MMIO_QUEUE_ALIGN         0x03C   /* wo, legacy only */
#define VIRTIO_MMIO_QUEUE_PFN           0x040   /* rw, legacy only */
#define VIRTIO_MMIO_QUEUE_READY         0x044   /* rw, version 2 */
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050   /* wo */
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060   /* ro */
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064   /* wo */
#define VIRTIO_MMIO_STATUS              0x070   /* rw */
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080   /* wo, version 2 */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW     0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH    0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW      0x0A0
#define VIRTIO_MMIO_QUEUE_USED_HIGH     0x0A4
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0FC   /* ro, version 2 */
#define VIRTIO_MMIO_CONFIG              0x100

#define VIRTIO_MMIO_MAGIC               0x74726976
#define VIRTIO_MMIO_LEGACY_ALIGN        4096

#endif
