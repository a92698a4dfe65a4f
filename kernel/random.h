/* Non-cryptographic randomness for MACs, ports and transaction ids: RDRAND, else the TSC. */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <stdint.h>

uint32_t np_rand32(void);

#endif
