/*
 * Devices found and not driven: a storage or network controller no driver takes, or one whose
 * driver failed to start it. Probing notes each here; the disk and network stages list them
 * and name them when they find nothing they can use, instead of "none found" as on an empty
 * machine.
 */
#ifndef KERNEL_UNDRIVEN_H
#define KERNEL_UNDRIVEN_H

#include <stddef.h>

enum dev_kind { DEV_DISK, DEV_NIC, DEV_KINDS };

#define UNDRIVEN_MAX 16

struct undriven {
    enum dev_kind kind;
    char location[24];      /* "0000:00:04.0", "mmio 0xfeb00e00" */
    char what[64];          /* "an NVMe controller" */
    char failed[160];       /* "" when no driver takes it; else how its driver failed */
};

/*
 * Notes a device: failed NULL or "" means no driver takes it. Returns -NP_ENOSPC when the
 * list is full (the device then goes unnamed), -NP_EINVAL for a kind that is not one.
 */
int undriven_add(enum dev_kind kind, const char *location, const char *what, const char *failed);
unsigned undriven_count(enum dev_kind kind);
/* The i-th device of that kind, in the order noted; NULL past the end. */
const struct undriven *undriven_get(enum dev_kind kind, unsigned i);
/* Forgets them all (host tests). */
void undriven_reset(void);

/*
 * "0000:00:04.0 is an NVMe controller, which netplant does not drive", or "... is a virtio
 * block device whose driver failed: not supported: ...". Returns the length (snprintf-style).
 */
int undriven_format(const struct undriven *u, char *buf, size_t size);

/*
 * The one error line for "nothing of this kind to use", naming what was found and not driven:
 * "no disk found", "no disk found: <the one device>", or "no disk found that netplant can
 * drive: LOC (WHAT), LOC (WHAT)". Returns the length (snprintf-style, truncated to fit).
 */
int undriven_explain(enum dev_kind kind, char *buf, size_t size);

/* The device of that kind whose location the user's spec names ("0000:00:04.0", "00:04.0"). */
const struct undriven *undriven_find(enum dev_kind kind, const char *spec);

#endif
