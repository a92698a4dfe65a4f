/* Device initialization (virtio 1.2 section 3.1.1) and config access (2.5.1). */
#include "drivers/virtio/virtio.h"

#include "kernel/errno.h"
#include "kernel/printf.h"

#define CONFIG_READ_TRIES 100   /* a device changing its config this often is broken */

/*
 * Transport features the core takes on every modern device, whatever the driver:
 * - VERSION_1 is required on modern transports (6.1).
 * - ACCESS_PLATFORM (6.1, what QEMU's iommu_platform=on and libvirt's <driver iommu='on'/>
 *   offer and then require) says the device goes through the platform's DMA translation.
 *   netplant hands devices physical addresses and never turns an IOMMU on, so that
 *   translation is the identity and the addresses stay right.
 * - ORDER_PLATFORM (6.1) asks for the barriers real hardware needs. Ours already are: on x86
 *   a store fence adds nothing to stores to write-back memory, and the one before a notify is
 *   a full fence (virtqueue.c), as Linux uses with this feature.
 */
static const struct virtio_feature core_features[] = {
    { VIRTIO_F_VERSION_1, "VERSION_1" },
    { VIRTIO_F_ACCESS_PLATFORM, "ACCESS_PLATFORM" },
    { VIRTIO_F_ORDER_PLATFORM, "ORDER_PLATFORM" },
};

/* Names of the transport features we do not accept, for messages. */
static const struct virtio_feature transport_names[] = {
    { VIRTIO_F_NOTIFY_ON_EMPTY, "NOTIFY_ON_EMPTY" },
    { VIRTIO_F_ANY_LAYOUT, "ANY_LAYOUT" },
    { VIRTIO_F_INDIRECT_DESC, "INDIRECT_DESC" },
    { VIRTIO_F_EVENT_IDX, "EVENT_IDX" },
    { VIRTIO_F_RING_PACKED, "RING_PACKED" },
    { VIRTIO_F_IN_ORDER, "IN_ORDER" },
    { VIRTIO_F_SR_IOV, "SR_IOV" },
    { VIRTIO_F_NOTIFICATION_DATA, "NOTIFICATION_DATA" },
    { VIRTIO_F_NOTIF_CONFIG_DATA, "NOTIF_CONFIG_DATA" },
    { VIRTIO_F_RING_RESET, "RING_RESET" },
    { VIRTIO_F_ADMIN_VQ, "ADMIN_VQ" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t feature_mask(const struct virtio_feature *f, size_t n)
{
    uint64_t mask = 0;
    for (size_t i = 0; i < n; i++)
        mask |= 1ull << f[i].bit;
    return mask;
}

int virtio_features_negotiate(uint64_t offered, const struct virtio_feature *supported, size_t n,
                              bool modern, uint64_t *accepted)
{
    uint64_t mask = feature_mask(supported, n);
    if (modern)
        mask |= feature_mask(core_features, NELEM(core_features));
    else
        mask &= 0xFFFFFFFFull;  /* legacy transports carry 32 feature bits */
    uint64_t acc = offered & mask;
    if (modern && !(acc & (1ull << VIRTIO_F_VERSION_1)))
        return -NP_ENOTSUP;     /* a modern transport without VERSION_1 is not a device we know */
    *accepted = acc;
    return 0;
}

static const char *feature_name(unsigned bit, const struct virtio_feature *supported, size_t n)
{
    const struct virtio_feature *tables[] = { core_features, transport_names, supported };
    const size_t sizes[] = { NELEM(core_features), NELEM(transport_names), n };
    for (unsigned t = 0; t < 3; t++)
        for (size_t i = 0; i < sizes[t]; i++)
            if (tables[t][i].bit == bit)
                return tables[t][i].name;
    return NULL;
}

int virtio_features_refused(char *buf, size_t size, uint64_t offered, uint64_t accepted,
                            const struct virtio_feature *supported, size_t n)
{
    uint64_t left = offered & ~accepted, unnamed = 0;
    size_t len = 0;
    if (!size)
        return 0;
    buf[0] = '\0';
    if (!left)
        return np_snprintf(buf, size, "none");
    for (unsigned bit = 0; bit < 64 && len + 1 < size; bit++) {
        const char *name = left >> bit & 1 ? feature_name(bit, supported, n) : NULL;
        if (!name) {
            unnamed |= (left >> bit & 1ull) << bit;
            continue;
        }
        len += (size_t)np_snprintf(buf + len, size - len, "%s%s(%u)", len ? " " : "", name, bit);
    }
    if (unnamed && len + 1 < size)
        len += (size_t)np_snprintf(buf + len, size - len, "%sdevice bits %#llx", len ? " " : "",
                                   (unsigned long long)unnamed);
    return (int)(len < size ? len : size - 1);
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
    d->why[0] = '\0';
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
    uint64_t offered = d->ops->get_features(d);
    err = virtio_features_negotiate(offered, supported, n, d->ops->modern, &d->features);
    if (err) {
        np_snprintf(d->why, sizeof(d->why), "the device does not offer VERSION_1(32), which its modern "
                    "interface requires");
        goto fail;
    }
    if (filter)
        filter(d, &d->features);
    d->ops->set_features(d, d->features);
    /* 5-6. Modern devices confirm the set; legacy ones have no such step. */
    if (d->ops->modern) {
        d->ops->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
        if (!(d->ops->get_status(d) & VIRTIO_STATUS_FEATURES_OK)) {
            /* The device requires something we did not accept: name what that could be. */
            int k = np_snprintf(d->why, sizeof(d->why), "the device refused FEATURES_OK; offered, not accepted: ");
            if (k > 0 && (size_t)k < sizeof(d->why))
                virtio_features_refused(d->why + k, sizeof(d->why) - (size_t)k, offered, d->features, supported, n);
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
