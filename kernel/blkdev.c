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

/* Shell-style glob: '*' any run, '?' one character; bounded by the lengths (no recursion). */
static bool glob_match(const char *pat, size_t plen, const char *s)
{
    size_t p = 0, star = (size_t)-1, back = 0, i = 0, slen = NP_STRFN(strlen)(s);
    while (i < slen) {
        if (p < plen && (pat[p] == '?' || pat[p] == s[i]))
            p++, i++;
        else if (p < plen && pat[p] == '*')
            star = p++, back = i;
        else if (star != (size_t)-1)
            p = star + 1, i = ++back;
        else
            return false;
    }
    while (p < plen && pat[p] == '*')
        p++;
    return p == plen;
}

/* "512M", "8G", "1048576": bytes, K/M/G/T (optionally followed by "iB") being powers of 1024. */
static int parse_size(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -NP_EOVERFLOW;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (i == 0)
        return -NP_EBADMSG;
    unsigned shift = 0;
    if (i < len) {
        const char *units = "KMGT";
        char c = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
        for (unsigned u = 0; u < 4; u++)
            if (c == units[u])
                shift = 10 * (u + 1);
        if (!shift)
            return -NP_EBADMSG;
        i++;
        if (i + 2 == len && s[i] == 'i' && (s[i + 1] == 'B' || s[i + 1] == 'b'))
            i += 2;
    }
    if (i != len)
        return -NP_EBADMSG;
    if (shift && v > (UINT64_MAX >> shift))
        return -NP_EOVERFLOW;
    *out = v << shift;
    return 0;
}

static bool term_is(const char *t, size_t len, const char *key, const char **arg, size_t *alen)
{
    size_t k = NP_STRFN(strlen)(key);
    if (len < k || NP_STRFN(strncmp)(t, key, k))
        return false;
    *arg = t + k, *alen = len - k;
    return true;
}

/*
 * One hint against one disk: 1 matches, 0 does not, < 0 a malformed hint. smallest and
 * largest match every disk here; blkdev_select applies them to what the others left.
 */
static int term_match(const struct blkdev *d, const char *t, size_t len)
{
    const char *a;
    size_t alen;
    uint64_t v;
    int err;
    char one[64];
    if ((len == 8 && !NP_STRFN(strncmp)(t, "smallest", 8)) || (len == 7 && !NP_STRFN(strncmp)(t, "largest", 7)))
        return 1;
    if (term_is(t, len, "size:", &a, &alen) || term_is(t, len, "min_size:", &a, &alen) ||
        term_is(t, len, "max_size:", &a, &alen)) {
        if ((err = parse_size(a, alen, &v)))
            return err;
        return t[0] == 's' ? d->size == v : t[1] == 'i' ? d->size >= v : d->size <= v;
    }
    if (term_is(t, len, "serial:", &a, &alen))
        return d->serial[0] && glob_match(a, alen, d->serial);
    if (term_is(t, len, "model:", &a, &alen))
        return d->model[0] && glob_match(a, alen, d->model);
    if (len >= sizeof(one))
        return 0;   /* longer than any name, address or serial */
    NP_STRFN(memcpy)(one, t, len);
    one[len] = '\0';
    return matches(d, one);
}

/* Every hint of spec (comma-separated) against d: 1, 0, or < 0 for a malformed hint. */
static int spec_match(const struct blkdev *d, const char *spec, int *order)
{
    int all = 1;
    *order = 0;
    for (const char *t = spec;;) {
        const char *c = NP_STRFN(strchr)(t, ',');
        size_t len = c ? (size_t)(c - t) : NP_STRFN(strlen)(t);
        int m = term_match(d, t, len);
        if (m < 0)
            return m;
        all &= m;
        if (len == 8 && !NP_STRFN(strncmp)(t, "smallest", 8))
            *order = -1;
        if (len == 7 && !NP_STRFN(strncmp)(t, "largest", 7))
            *order = 1;
        if (!c)
            return all;
        t = c + 1;
    }
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
    int order = 0;
    for (unsigned i = 0; i < n; i++) {
        int m = spec_match(list[i], spec, &order);
        if (m < 0)
            return -NP_EBADMSG;
        if (!m)
            continue;
        /* smallest/largest: a strictly better one restarts the count, an equal one ties. */
        if (hits && order && list[i]->size != list[*index]->size) {
            if ((order < 0) != (list[i]->size < list[*index]->size))
                continue;
            hits = 0;
        }
        *index = i;
        hits++;
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
