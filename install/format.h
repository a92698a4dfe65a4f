/*
 * Image formats: raw, a compressed stream, or a qcow2 image, told apart by its magic bytes
 * (never by the URL's file name). format= names one to skip the guess. Pure, host-tested.
 */
#ifndef INSTALL_FORMAT_H
#define INSTALL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum format {
    FORMAT_RAW,
    FORMAT_GZIP,    /* RFC 1952 */
    FORMAT_ZSTD,    /* RFC 8878 */
    FORMAT_XZ,      /* the .xz file format 1.1.0 */
    FORMAT_BZIP2,
    FORMAT_QCOW2,   /* QEMU's docs/interop/qcow2.txt, versions 2 and 3 */
    FORMAT_COUNT,
    FORMAT_AUTO = FORMAT_COUNT,     /* format=auto: by the magic bytes */
    FORMAT_UNSURE,                  /* format_detect: more bytes are needed */
};

/* The most bytes format_detect looks at. */
#define FORMAT_MAGIC_MAX 6

/* "raw", "gzip", ...; "auto" for FORMAT_AUTO, "-" for anything else. */
const char *format_name(enum format f);

/* format= value: 0 and *out set, or -1. */
int format_parse(const char *s, enum format *out);

/*
 * The format of a stream that starts with p[0..n). complete: the stream is only n bytes long.
 * FORMAT_UNSURE when the bytes so far fit a magic number but more are needed to be sure;
 * FORMAT_RAW when they fit none.
 */
enum format format_detect(const uint8_t *p, size_t n, bool complete);

#endif
