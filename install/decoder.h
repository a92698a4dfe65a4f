/*
 * A decoder stage: compressed bytes in, the image out to the next stage (the disk). The
 * stream logic is here, the library calls are in one file per format (dec_gzip.c, ...),
 * behind struct decoder_ops.
 *
 * Credit: a decoder takes all of its input before write() returns (when the disk's ring is
 * full, the disk stage blocks by pumping the disk), so it hands each input byte back to the
 * source (release) as soon as the library consumed it; served bytes are not written bytes,
 * and the disk stage's own releases must then do nothing.
 *
 * Resume: the library's state lives in memory, so begin() at the input offset where it
 * stopped goes on feeding it; nothing is decoded twice. begin(0) starts the library afresh.
 * A failing library stops the install with NP_EXIT_FORMAT and the library's reason.
 */
#ifndef INSTALL_DECODER_H
#define INSTALL_DECODER_H

#include <stdbool.h>

#include "install/stage.h"

#define DECODER_OUT_BYTES   (64u << 10)
#define DECODER_WHY_MAX     160

struct decoder;

struct decoder_ops {
    const char *name;
    /* (Re)starts the library for a new input: 0, or -1 with d->why set. */
    int (*start)(struct decoder *d);
    /*
     * Decodes from in[0..in_len) into out[0..out_len); *used and *made say how much.
     * finish: the input is complete (in_len is 0). Returns 1 when the stream so far is whole
     * (the input may end here: the last member or frame closed and nothing is pending),
     * 0 when it is not, -1 with d->why set on a corrupt stream or a need it cannot meet.
     */
    int (*step)(struct decoder *d, const uint8_t *in, size_t in_len, size_t *used,
                uint8_t *out, size_t out_len, size_t *made, bool finish);
    /* Frees what start allocated; safe to call twice. */
    void (*stop)(struct decoder *d);
};

struct decoder {
    struct stage st;
    const struct decoder_ops *ops;
    void (*release)(size_t len);    /* input bytes consumed: the source may send more */
    uint64_t in_pos;        /* input bytes consumed */
    uint64_t out_pos;       /* output bytes handed on */
    bool whole;             /* the last step ended a stream: the input may end here */
    uint8_t *out;           /* DECODER_OUT_BYTES, from compress_alloc */
    char why[DECODER_WHY_MAX];
};

/* The common part of each format's init: the stage, its library ops, the source's release. */
void decoder_init(struct decoder *d, const struct decoder_ops *ops, struct stage *next,
                  struct stage_error *err, void (*release)(size_t len));

/* Sizes in the refusal lines: "65 MiB" above a MiB, else "300 KiB". */
void decoder_size(char *buf, size_t size, uint64_t bytes);

#endif
