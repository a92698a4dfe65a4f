/*
 * Entropy for key material. The source is chosen once, best first: the CPU's RDSEED, then
 * RDRAND, then a device a driver registered (virtio-rng), then timing jitter of the TSC with
 * a conservative estimate of what it holds. There is never a fixed seed: with none of these
 * the caller gets an error and must not make keys.
 */
#ifndef KERNEL_ENTROPY_H
#define KERNEL_ENTROPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A hardware random number device (virtio 1.2 5.4); read returns bytes read or < 0. */
struct entropy_dev {
    char name[48];          /* "virtio-rng on pci 0000:00:04.0" */
    int (*read)(struct entropy_dev *d, uint8_t *buf, size_t len);
    void *priv;
};

/* A driver offers its device; the first one registered is used. -NP_ENOSPC when taken. */
int entropy_dev_register(struct entropy_dev *d);

enum entropy_kind { ENTROPY_NONE, ENTROPY_RDSEED, ENTROPY_RDRAND, ENTROPY_DEVICE, ENTROPY_JITTER };

/* Picks the source (after the drivers are probed) and describes it in one banner line. */
enum entropy_kind entropy_init(void);
enum entropy_kind entropy_kind(void);
const char *entropy_kind_name(enum entropy_kind k);

/*
 * Fills buf with raw input from the source and sets *bits to the entropy it holds, counted
 * conservatively (RDSEED and devices: all of it; RDRAND: 1 bit in 32; jitter: its estimate).
 * The caller conditions it (hashes until it has what it needs). -NP_EIO when the source
 * fails, -NP_ENODEV when there is none.
 */
int entropy_read(uint8_t *buf, size_t len, size_t *bits);

/*
 * Min-entropy per sample of jitter samples, in 1/16 bit: the most-common-value estimate of
 * NIST SP 800-90B 6.3.1 (upper 99% bound on the commonest value's probability), halved for
 * safety and capped at 2 bits. Pure; 0 for fewer than 64 samples.
 */
unsigned jitter_estimate_x16(const uint8_t *samples, size_t n);

#endif
