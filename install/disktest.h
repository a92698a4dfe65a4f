/* The disk self-test: write a known pattern to a range, read it back, compare. */
#ifndef INSTALL_DISKTEST_H
#define INSTALL_DISKTEST_H

#include <stdint.h>

#include "kernel/blkdev.h"
#include "kernel/exit.h"

/* The 64-bit word at absolute disk byte offset o holds o ^ DISKTEST_KEY ("netplant"). */
#define DISKTEST_KEY 0x746E616C7074656Eull

/* Parses "OFFSET+LENGTH" (each with optional K/M/G suffix). */
int disktest_parse_range(const char *s, uint64_t *offset, uint64_t *length);

enum np_exit disktest_run(struct blkdev *d, uint64_t offset, uint64_t length);

#endif
