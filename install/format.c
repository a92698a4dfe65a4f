#include "install/format.h"

#include "kernel/string.h"

static const char *const names[] = {
    [FORMAT_RAW] = "raw", [FORMAT_GZIP] = "gzip", [FORMAT_ZSTD] = "zstd", [FORMAT_XZ] = "xz",
    [FORMAT_BZIP2] = "bzip2", [FORMAT_QCOW2] = "qcow2", [FORMAT_AUTO] = "auto",
};

const char *format_name(enum format f)
{
    return (unsigned)f <= FORMAT_AUTO ? names[f] : "-";
}

int format_parse(const char *s, enum format *out)
{
    for (unsigned f = 0; s && f <= FORMAT_AUTO; f++) {
        if (NP_STRFN(strcmp)(s, names[f]) == 0) {
            *out = (enum format)f;
            return 0;
        }
    }
    return -1;
}

/* A magic number: len bytes, each equal to byte[i] in the bits mask[i] selects. */
struct magic {
    enum format format;
    uint8_t len;
    uint8_t byte[FORMAT_MAGIC_MAX], mask[FORMAT_MAGIC_MAX];
};

static const struct magic magics[] = {
    /* gzip: ID1 ID2 and CM 8 (deflate), the only method defined (RFC 1952 2.3.1) */
    { FORMAT_GZIP, 3, { 0x1f, 0x8b, 0x08 }, { 0xff, 0xff, 0xff } },
    /* zstd: a frame's magic 0xFD2FB528, little-endian (RFC 8878 3.1.1) */
    { FORMAT_ZSTD, 4, { 0x28, 0xb5, 0x2f, 0xfd }, { 0xff, 0xff, 0xff, 0xff } },
    /* zstd: a skippable frame, magic 0x184D2A50 to 0x184D2A5F (RFC 8878 3.1.2) */
    { FORMAT_ZSTD, 4, { 0x50, 0x2a, 0x4d, 0x18 }, { 0xf0, 0xff, 0xff, 0xff } },
    /* xz: the stream header magic (xz file format 2.1.1.1) */
    { FORMAT_XZ, 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
    /* bzip2: "BZh" and the block size in hundreds of kB, '1' to '9' (checked in fits) */
    { FORMAT_BZIP2, 4, { 'B', 'Z', 'h', '0' }, { 0xff, 0xff, 0xff, 0xf0 } },
    /* qcow2: "QFI\xfb" (qcow2.txt, Header) */
    { FORMAT_QCOW2, 4, { 'Q', 'F', 'I', 0xfb }, { 0xff, 0xff, 0xff, 0xff } },
};

/* 1: p fits m in full, 0: p (n bytes) is a prefix of m, -1: it does not fit. */
static int fits(const struct magic *m, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < m->len; i++) {
        if (i == n)
            return 0;
        if ((p[i] & m->mask[i]) != m->byte[i])
            return -1;
    }
    if (m->format == FORMAT_BZIP2 && (p[3] < '1' || p[3] > '9'))
        return -1;
    return 1;
}

enum format format_detect(const uint8_t *p, size_t n, bool complete)
{
    bool unsure = false;
    for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
        int r = fits(&magics[i], p, n);
        if (r > 0)
            return magics[i].format;
        unsure |= r == 0;
    }
    return unsure && !complete ? FORMAT_UNSURE : FORMAT_RAW;
}
