/* Device initialization (virtio 1.2 section 3.1.1) and config access (2.5.1). */
#include "drivers/virtio/virtio.h"

#include "kernel/errno.h"

#define CONFIG_READ_TRIES 100   /* a device changing its config this often is broken */

int virtio_features_negotiate(uint64_t offered, const struct virtio_feature *supported, size_t n,
                              bool modern, uint64_t *accepted)
{
    uint64_t mask = 0;
    for (size_t i = 0; i < n; i++)
        mask |= 1ull << supported[i].bit;
    if (modern)
        mask |= 1ull << VIRTIO_F_VERSION_1;
    else
        mask &= 0xFFFFFFFFull;  /* legacy transports carry 32 feature bits */
    uint64_t acc = offered & mask;
    if (modern && !(acc & (1ull << VIRTIO_F_VERSION_1)))
        return -NP_ENOTSUP;     /* a modern transport without VERSION_1 is not a device we know */
    *accepted = acc;
    return 0;
}

static int wait_reset(struct virtio_dev *d)
{
    /* 4.1.4.3.2: after writing 0 the driver must wait until status reads back 0. */
    uint64_t t0 = virtio_now_us();
    while (d->ops->get_status(d) != 0)
        if (virtio_now_us() - t0 > VIRTIO_RESET_TIMEOUT_US)
            return -NP_ETIMEDOUT;
    return 0;
}

void virtio_dev_fail(struct virtio_dev *d)
{
    d->ops->set_status(d, d->ops->get_status(d) | VIRTIO_STATUS_FAILED);
}

int virtio_dev_start(struct virtio_dev *d, const struct virtio_feature *supported, size_t n)
{
    return virtio_dev_start_filtered(d, supported, n, NULL);
}

int virtio_dev_start_filtered(struct virtio_dev *d, const struct virtio_feature *supported, size_t n,
                              virtio_feature_filter filter)
{
    /* 1. Reset. */
    d->ops->reset(d);
    int err = wait_reset(d);
    if (err) {
        /* The status is whatever the stuck device left: say FAILED and nothing else. */
        d->ops->set_status(d, VIRTIO_STATUS_FAILED);
        return err;
    }
    /* 2-3. We noticed the device, and we can drive it. */
    d->ops->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
    d->ops->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    /* 4. Accept what both sides know. */
    err = virtio_features_negotiate(d->ops->get_features(d), supported, n, d->ops->modern, &d->features);
    if (err)
        goto fail;
    if (filter)
        filter(d, &d->features);
    d->ops->set_features(d, d->features);
    /* 5-6. Modern devices confirm the set; legacy ones have no such step. */
    if (d->ops->modern) {
        d->ops->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
        if (!(d->ops->get_status(d) & VIRTIO_STATUS_FEATURES_OK)) {
            err = -NP_ENOTSUP;
            goto fail;
        }
    }
    return 0;
fail:
    virtio_dev_fail(d);
    return err;
}

void virtio_dev_ready(struct virtio_dev *d)
{
    /* 8. The queues are set up: the device may use them now. */
    d->ops->set_status(d, d->ops->get_status(d) | VIRTIO_STATUS_DRIVER_OK);
}

int virtio_dev_check(struct virtio_dev *d)
{
    uint8_t s = d->ops->get_status(d);
    return s & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED) ? -NP_EIO : 0;
}

static void config_read_once(struct virtio_dev *d, unsigned off, uint8_t *buf, unsigned len)
{
    /* Naturally aligned accesses of the field's width; wider fields as 32-bit pieces. */
    for (unsigned i = 0; i < len;) {
        unsigned w = (len - i >= 4 && !((off + i) & 3)) ? 4 : (len - i >= 2 && !((off + i) & 1)) ? 2 : 1;
        uint32_t v = d->ops->config_read(d, off + i, w);
        for (unsigned k = 0; k < w; k++)
            buf[i + k] = (uint8_t)(v >> (8 * k));
        i += w;
    }
}

int virtio_config_read(struct virtio_dev *d, unsigned off, void *buf, unsigned len)
{
    for (int tries = 0; tries < CONFIG_READ_TRIES; tries++) {
        uint32_t before = d->ops->config_generation(d);
        config_read_once(d, off, buf, len);
        if (d->ops->config_generation(d) == before)
            return 0;
    }
    return -NP_EBUSY;
}
