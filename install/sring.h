/*
 * The sector-aligning ring between the network and the disk. Body bytes are appended once;
 * whole, block-aligned runs are written to the disk straight from the ring, several at a time,
 * completing in any order; space is freed only up to the first write not yet complete, and
 * what was freed is what TCP may be told it can send again.
 */
#ifndef INSTALL_SRING_H
#define INSTALL_SRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SRING_MAX_IO 32

struct sring_io {
    uint64_t off;
    size_t len;
    bool busy;
    bool complete;
};

struct sring {
    uint8_t *buf;
    size_t size;            /* a multiple of chunk */
    size_t chunk;           /* preferred write, a multiple of block */
    uint32_t block;
    uint64_t start;         /* disk offset of the first byte the ring carries */
    uint64_t limit;         /* no byte at or past this disk offset is ever accepted */
    uint64_t head;          /* disk offset of the next byte appended */
    uint64_t submitted;     /* writes were handed out up to here */
    uint64_t done;          /* every write below here completed: the ring is free below it */
    struct sring_io io[SRING_MAX_IO];
    unsigned io_next;       /* the slot the next write takes: slots are used in order */
    uint64_t rest_end;      /* a write cut short (sring_trim) ended here: its rest is due at once */
};

/* buf of size bytes; size must be a multiple of chunk, chunk of block. -NP_EINVAL otherwise. */
int sring_init(struct sring *r, uint8_t *buf, size_t size, size_t chunk, uint32_t block,
               uint64_t start, uint64_t limit);

/* Bytes that can be appended now (ring space, and never past limit). */
size_t sring_space(const struct sring *r);

/* Appends up to len bytes; returns how many were taken. */
size_t sring_append(struct sring *r, const void *data, size_t len);

/*
 * The next write to submit: a run of whole blocks not crossing the ring's end, at least a
 * chunk long unless no write is outstanding, it is the rest of a write cut short, or final
 * (then the last partial block is zero-padded first, and *pad says by how much). Returns 1 with the write's slot, disk offset, data and length; 0 when there is
 * nothing worth writing yet or no free slot.
 */
int sring_next(struct sring *r, bool final, unsigned *slot, uint64_t *off, void **data, size_t *len,
               size_t *pad);

/*
 * Shortens the write sring_next just handed out to its first len bytes (a multiple of block);
 * 0 gives it back whole. The rest is handed out again by the next sring_next: at once when
 * len > 0 (it was due), else by the usual rules. 0, or -NP_EINVAL when slot is not that write
 * or len does not shorten it.
 */
int sring_trim(struct sring *r, unsigned slot, size_t len);

/* Marks a write complete; returns the bytes of ring freed (0 when an earlier one is pending). */
size_t sring_complete(struct sring *r, unsigned slot);

/* No write outstanding and nothing left to submit. */
bool sring_idle(const struct sring *r);
/* Every write handed out has completed (a partial block may still wait for more data). */
bool sring_settled(const struct sring *r);

#endif
