/*
 * What the pure virtio code expects from its environment, for the host: DMA memory (zeroed,
 * aligned heap memory whose address stands for the physical one) and a clock that advances
 * on every read, so bounded waits reach their timeout in a few thousand polls.
 */
#ifndef TESTS_UNIT_DRIVERS_FAKE_ENV_H
#define TESTS_UNIT_DRIVERS_FAKE_ENV_H

#include <stddef.h>
#include <stdint.h>

#define FAKE_CLOCK_STEP_US 1000     /* per virtio_now_us() call */

/* Lets `after` more allocations succeed, then fails them all; -1 (the default): never fail. */
void fake_dma_fail_after(int after);
/* Frees everything virtio_dma_alloc handed out. */
void fake_dma_free_all(void);
/* How often the clock was read. */
uint64_t fake_clock_reads(void);

#endif
