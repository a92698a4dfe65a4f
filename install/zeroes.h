/*
 * Finding the all-zero runs in what the disk stage is about to write, so that a disk with
 * WRITE_ZEROES zeroes them itself (pure, host-tested). Runs are whole 64 KiB units on 64 KiB
 * disk offsets: big enough that a request saves more than it costs, small enough to catch the
 * gaps between files in a filesystem image, and a multiple of every block size (up to 64 KiB).
 */
#ifndef INSTALL_ZEROES_H
#define INSTALL_ZEROES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZEROES_UNIT (64u << 10)

/* n bytes at p are all zero. p 8-byte aligned, n a multiple of 32: word at a time, stops at the first non-zero. */
bool zeroes_all(const uint8_t *p, size_t n);

/*
 * How much of a write of len bytes at disk offset off (data: its bytes, 8-byte aligned) goes
 * out as the next request, and whether that is a run of zero units (*zero) or data. Data
 * stops where a zero unit starts; a zero run stops where data starts or at max_run bytes
 * (at least ZEROES_UNIT). A write ends on a unit boundary when it holds one, so that the next
 * starts on one; the partial unit after it goes with the next write. A write within a single
 * unit goes whole, as data, unless open_end (more data may follow right after it): then 0,
 * wait for more.
 */
size_t zeroes_cut(uint64_t off, const uint8_t *data, size_t len, bool open_end, size_t max_run, bool *zero);

#endif
