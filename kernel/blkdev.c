#include "kernel/blkdev.h"

#include "kernel/errno.h"
#include "kernel/string.h"

#define BLKDEV_MAX 16

static struct blkdev *disks[BLKDEV_MAX];
static unsigned n_disks;

int blkdev_check(const struct blkdev *d, const struct blk_req *r)
{
    if (r->op == BLK_FLUSH)
        return d->can_flush ? 0 : -NP_ENOTSUP;
    if (r->op == BLK_WRITE_ZEROES && !d->max_zeroes)
        return -NP_ENOTSUP;
    if (r->op != BLK_READ && r->op != BLK_WRITE && r->op != BLK_WRITE_ZEROES)
        return -NP_EINVAL;
    if (r->op != BLK_READ && d->read_only)
        return -NP_EROFS;
    bool zeroes = r->op == BLK_WRITE_ZEROES;    /* no data: no buffer, its own length limit */
    if (!r->len || (!r->buf && !zeroes) || r->len > (zeroes ? d->max_zeroes : d->max_transfer) ||
        r->offset % d->block_size || r->len % d->block_size)
        return -NP_EINVAL;
    /* The one check that keeps every write inside the disk: no overflow, no past-the-end. */
    if (r->offset > d->size || r->len > d->size - r->offset)
        return -NP_ERANGE;
    return 0;
}

int blkdev_submit(struct blkdev *d, struct blk_req *r)
{
    int err = blkdev_check(d, r);
    return err ? err : d->ops->submit(d, r);
}

int blkdev_poll(struct blkdev *d)
{
    return d->ops->poll(d);
}

#define str_eq(a, b) (NP_STRFN(strcmp)((a), (b)) == 0)

static bool has_prefix(const char *s, const char *p)
{
    return NP_STRFN(strncmp)(s, p, NP_STRFN(strlen)(p)) == 0;
}

/* location is "pci 0000:00:04.0" or "mmio 0xfeb00e00". */
static bool matches(const struct blkdev *d, const char *spec)
{
    const char *loc = NP_STRFN(strchr)(d->location, ' ');
    loc = loc ? loc + 1 : d->location;
    if (str_eq(spec, d->name) || (d->serial[0] && str_eq(spec, d->serial)))
        return true;
    if (has_prefix(spec, "serial:"))
        return d->serial[0] && str_eq(spec + 7, d->serial);
    if (has_prefix(d->location, "pci ")) {
        const char *s = has_prefix(spec, "pci:") ? spec + 4 : spec;
        /* "00:04.0" is short for segment 0000. */
        return str_eq(s, loc) || (has_prefix(loc, "0000:") && str_eq(s, loc + 5));
    }
    if (has_prefix(d->location, "mmio "))
        return has_prefix(spec, "mmio:") && str_eq(spec + 5, loc);
    return false;
}

int blkdev_select(struct blkdev *const *list, unsigned n, const char *spec, unsigned *index)
{
    if (!spec) {
        if (n == 0)
            return -NP_ENODEV;
        if (n > 1)
            return -NP_EINVAL;
        *index = 0;
        return 0;
    }
    unsigned hits = 0;
    for (unsigned i = 0; i < n; i++) {
        if (matches(list[i], spec)) {
            *index = i;
            hits++;
        }
    }
    return hits == 1 ? 0 : hits ? -NP_EEXIST : -NP_ENOENT;
}

int blkdev_register(struct blkdev *d)
{
    if (n_disks == BLKDEV_MAX)
        return -NP_ENOSPC;
    disks[n_disks++] = d;
    return 0;
}

unsigned blkdev_count(void) { return n_disks; }
struct blkdev *blkdev_get(unsigned i) { return i < n_disks ? disks[i] : NULL; }
struct blkdev *const *blkdev_all(void) { return disks; }
