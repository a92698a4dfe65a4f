/* Virtio over PCI (virtio 1.2 section 4.1): modern capabilities and the legacy I/O layout. */
#ifndef DRIVERS_VIRTIO_PCI_REGS_H
#define DRIVERS_VIRTIO_PCI_REGS_H

#include <stddef.h>
#include <stdint.h>

#define VIRTIO_PCI_VENDOR           0x1AF4
#define VIRTIO_PCI_DEV_LEGACY_MIN   0x1000  /* transitional: 0x1000 + (id - 1) for net, blk... */
#define VIRTIO_PCI_DEV_LEGACY_MAX   0x103F
#define VIRTIO_PCI_DEV_MODERN_BASE  0x1040  /* modern: 0x1040 + device id */

/* struct virtio_pci_cap (4.1.4): a vendor-specific capability. */
#define VIRTIO_PCI_CAP_CFG_TYPE     3       /* u8 */
#define VIRTIO_PCI_CAP_BAR          4       /* u8 */
#define VIRTIO_PCI_CAP_OFFSET       8       /* le32 */
#define VIRTIO_PCI_CAP_LENGTH       12      /* le32 */
#define VIRTIO_PCI_CAP_LEN_MIN      16
#define VIRTIO_PCI_NOTIFY_MULT      16      /* le32, notify cap only (4.1.4.4) */
#define VIRTIO_PCI_NOTIFY_CAP_LEN   20

#define VIRTIO_PCI_CAP_COMMON_CFG   1
#define VIRTIO_PCI_CAP_NOTIFY_CFG   2
#define VIRTIO_PCI_CAP_ISR_CFG      3
#define VIRTIO_PCI_CAP_DEVICE_CFG   4
#define VIRTIO_PCI_CAP_PCI_CFG      5

/* struct virtio_pci_common_cfg (4.1.4.3). */
struct virtio_pci_common_cfg {
    uint32_t device_feature_select;     /* rw */
    uint32_t device_feature;            /* ro for driver */
    uint32_t driver_feature_select;     /* rw */
    uint32_t driver_feature;            /* rw */
    uint16_t msix_config;               /* rw */
    uint16_t num_queues;                /* ro */
    uint8_t device_status;              /* rw */
    uint8_t config_generation;          /* ro */
    uint16_t queue_select;              /* rw */
    uint16_t queue_size;                /* rw */
    uint16_t queue_msix_vector;         /* rw */
    uint16_t queue_enable;              /* rw */
    uint16_t queue_notify_off;          /* ro */
    uint32_t queue_desc_lo, queue_desc_hi;      /* rw */
    uint32_t queue_driver_lo, queue_driver_hi;  /* rw: the avail ring */
    uint32_t queue_device_lo, queue_device_hi;  /* rw: the used ring */
};

_Static_assert(offsetof(struct virtio_pci_common_cfg, device_status) == 0x14, "common cfg");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_select) == 0x16, "common cfg");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_notify_off) == 0x1E, "common cfg");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_desc_lo) == 0x20, "common cfg");
_Static_assert(offsetof(struct virtio_pci_common_cfg, queue_device_hi) == 0x34, "common cfg");
#define VIRTIO_PCI_COMMON_CFG_LEN 0x38

/* Legacy (transitional) device: registers in I/O BAR0 (4.1.4.10). */
#define VIRTIO_LEGACY_HOST_FEATURES     0x00    /* le32 ro */
#define VIRTIO_LEGACY_GUEST_FEATURES    0x04    /* le32 rw */
#define VIRTIO_LEGACY_QUEUE_PFN         0x08    /* le32 rw: ring address >> 12 */
#define VIRTIO_LEGACY_QUEUE_SIZE        0x0C    /* le16 ro */
#define VIRTIO_LEGACY_QUEUE_SELECT      0x0E    /* le16 rw */
#define VIRTIO_LEGACY_QUEUE_NOTIFY      0x10    /* le16 rw */
#define VIRTIO_LEGACY_STATUS            0x12    /* u8 rw */
#define VIRTIO_LEGACY_ISR               0x13    /* u8 ro, clears on read */
#define VIRTIO_LEGACY_CONFIG            0x14    /* device config when MSI-X is off */
#define VIRTIO_LEGACY_ALIGN             4096    /* used ring alignment */

#endif
