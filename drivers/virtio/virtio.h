/*
 * The virtio core (virtio 1.2 sections 2 and 3): a device behind a small transport ops table,
 * the status handshake, feature negotiation and device-config reads. The transport is chosen
 * once at probe; nothing after that asks which one it is.
 */
#ifndef DRIVERS_VIRTIO_VIRTIO_H
#define DRIVERS_VIRTIO_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE   1
#define VIRTIO_STATUS_DRIVER        2
#define VIRTIO_STATUS_DRIVER_OK     4
#define VIRTIO_STATUS_FEATURES_OK   8
#define VIRTIO_STATUS_NEEDS_RESET   64
#define VIRTIO_STATUS_FAILED        128

/* Transport-independent feature bits (6): 24 to 41 are reserved for them. */
#define VIRTIO_F_NOTIFY_ON_EMPTY    24
#define VIRTIO_F_ANY_LAYOUT         27
#define VIRTIO_F_INDIRECT_DESC      28
#define VIRTIO_F_EVENT_IDX          29
#define VIRTIO_F_VERSION_1          32
#define VIRTIO_F_ACCESS_PLATFORM    33
#define VIRTIO_F_RING_PACKED        34
#define VIRTIO_F_IN_ORDER           35
#define VIRTIO_F_ORDER_PLATFORM     36
#define VIRTIO_F_SR_IOV             37
#define VIRTIO_F_NOTIFICATION_DATA  38
#define VIRTIO_F_NOTIF_CONFIG_DATA  39
#define VIRTIO_F_RING_RESET         40
#define VIRTIO_F_ADMIN_VQ           41

#define VIRTIO_ID_NET               1
#define VIRTIO_ID_BLOCK             2
#define VIRTIO_ID_RNG               4

#define VIRTIO_RESET_TIMEOUT_US     1000000

struct virtio_dev;

/* Control plane only: the data path (rings) never goes through here except notify. */
struct virtio_ops {
    const char *name;
    bool modern;                /* VERSION_1 required; FEATURES_OK step; config is LE */
    bool fixed_queue_size;      /* legacy PCI: the device's queue size cannot be changed */
    unsigned ring_align;        /* alignment of the used ring in the legacy layout */
    void (*reset)(struct virtio_dev *d);
    uint8_t (*get_status)(struct virtio_dev *d);
    void (*set_status)(struct virtio_dev *d, uint8_t status);
    uint64_t (*get_features)(struct virtio_dev *d);
    void (*set_features)(struct virtio_dev *d, uint64_t features);
    uint16_t (*queue_max)(struct virtio_dev *d, uint16_t q);    /* 0: no such queue */
    int (*queue_setup)(struct virtio_dev *d, uint16_t q, uint16_t size,
                       uint64_t desc, uint64_t avail, uint64_t used);
    void (*notify)(struct virtio_dev *d, uint16_t q);
    uint32_t (*config_generation)(struct virtio_dev *d);
    /* Reads len (1, 2, 4) bytes of device config at off with one access of that width. */
    uint32_t (*config_read)(struct virtio_dev *d, unsigned off, unsigned len);
};

struct virtio_dev {
    const struct virtio_ops *ops;
    void *transport;            /* the transport's own state */
    uint16_t device_id;
    uint64_t features;          /* negotiated */
    char name[32];              /* "pci 0000:00:04.0", "mmio 0xfeb00e00" */
    char why[160];              /* when start failed: what the device would not take, or "" */
};

/* A feature a driver supports, declared as data. */
struct virtio_feature {
    unsigned bit;
    const char *name;
};

/*
 * Reset, ACKNOWLEDGE, DRIVER, negotiate (offered & supported), FEATURES_OK and its re-read.
 * The driver then sets up its queues and calls virtio_dev_ready. Sets FAILED on any error;
 * -NP_ENOTSUP (VERSION_1 missing, FEATURES_OK refused) also fills d->why with the features
 * concerned, by name.
 */
int virtio_dev_start(struct virtio_dev *d, const struct virtio_feature *supported, size_t n);
/* The same, letting the driver drop accepted features after reading config, before FEATURES_OK. */
typedef void (*virtio_feature_filter)(struct virtio_dev *d, uint64_t *accepted);
int virtio_dev_start_filtered(struct virtio_dev *d, const struct virtio_feature *supported, size_t n,
                              virtio_feature_filter filter);
void virtio_dev_ready(struct virtio_dev *d);
void virtio_dev_fail(struct virtio_dev *d);
/* -NP_EIO when the device has set DEVICE_NEEDS_RESET or FAILED. */
int virtio_dev_check(struct virtio_dev *d);

static inline bool virtio_has(const struct virtio_dev *d, unsigned bit)
{
    return (d->features >> bit) & 1;
}

/* Reads len bytes of device config, retrying until the generation counter is stable. */
int virtio_config_read(struct virtio_dev *d, unsigned off, void *buf, unsigned len);

/*
 * Negotiation as pure logic: the features to accept, or -NP_ENOTSUP when a modern device does
 * not offer VERSION_1. Besides the driver's own, a modern transport accepts the core's
 * transport features: VERSION_1, ACCESS_PLATFORM and ORDER_PLATFORM (see virtio_core.c).
 */
int virtio_features_negotiate(uint64_t offered, const struct virtio_feature *supported, size_t n,
                              bool modern, uint64_t *accepted);

/*
 * Names the features offered but not accepted, transport features by name ("RING_PACKED(34)")
 * and the driver's own from its table, the rest as one hex mask: what a device that refused
 * FEATURES_OK may have required. Returns the length written (snprintf-style).
 */
int virtio_features_refused(char *buf, size_t size, uint64_t offered, uint64_t accepted,
                            const struct virtio_feature *supported, size_t n);

/* Time for the bounded waits; the kernel gives the clock, the host tests a counter. */
uint64_t virtio_now_us(void);

#endif
