/*
 * The install as a pipeline of stages, like a Unix pipe: a source (HTTP) feeds the first stage,
 * each stage takes its input bytes in order and hands its output to the next, and the last one
 * is the disk. Today: checksum of the served bytes -> disk; decoders (gzip, zstd, ...) slot in
 * between as stages of their own. A new format is a new stage, not a branch in install.c.
 *
 * Every call returns 0 or, when the install must stop, a negative value after stage_fail()
 * recorded why (one exit status and one line for the console).
 */
#ifndef INSTALL_STAGE_H
#define INSTALL_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/exit.h"

#define STAGE_LEN_UNKNOWN UINT64_MAX

/* Why the pipeline stopped: the first failure wins; later ones are consequences. */
struct stage_error {
    enum np_exit status;    /* NP_EXIT_OK while nothing failed */
    char msg[320];          /* room for a disk= refusal that names undriven devices */
};

struct stage;

struct stage_ops {
    const char *name;
    /*
     * The input starts at byte offset of this stage's input: 0 starts over (everything before
     * is void), any other offset resumes exactly where the input stopped. total is the input's
     * length in bytes, or STAGE_LEN_UNKNOWN.
     */
    int (*begin)(struct stage *s, uint64_t offset, uint64_t total);
    /* len input bytes, all taken before it returns. */
    int (*write)(struct stage *s, const uint8_t *p, size_t len);
    /* The input ended where its producer says it is complete. */
    int (*end)(struct stage *s);
    /*
     * Optional: the input is declared to reach at least byte len (a zstd frame header's
     * content size, say), before those bytes come: a stage that cannot take that many refuses
     * now. why names who declared it, for the refusal line. NULL: passed on to the next stage.
     */
    int (*declare)(struct stage *s, uint64_t len, const char *why);
};

struct stage {
    const struct stage_ops *ops;
    struct stage *next;         /* NULL for the last stage */
    struct stage_error *err;    /* shared by the whole pipeline */
};

static inline int stage_begin(struct stage *s, uint64_t offset, uint64_t total)
{
    return s->ops->begin(s, offset, total);
}

static inline int stage_write(struct stage *s, const uint8_t *p, size_t len)
{
    return s->ops->write(s, p, len);
}

static inline int stage_end(struct stage *s)
{
    return s->ops->end(s);
}

/* The first stage from s on that takes declarations gets this one; 0 when none does. */
static inline int stage_declare(struct stage *s, uint64_t len, const char *why)
{
    for (; s; s = s->next)
        if (s->ops->declare)
            return s->ops->declare(s, len, why);
    return 0;
}

/* Records why the pipeline stops (only the first failure is kept); returns -1. */
__attribute__((format(printf, 3, 4)))
int stage_fail(struct stage *s, enum np_exit status, const char *fmt, ...);

#endif
