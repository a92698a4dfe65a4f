/* Known-answer checks (NIST FIPS 180-4 examples) of the SHA-2 path hash_select chose. */
#ifndef CRYPTO_HASH_KAT_H
#define CRYPTO_HASH_KAT_H

#include <stdbool.h>
#include <stddef.h>

#include "crypto/hash.h"

/*
 * Runs every example through the current path for alg, whole and in uneven pieces. Returns 0,
 * or -1 with the failing example's name and piece size (0: one update) in *failed and *piece.
 */
int hash_kat_run(enum hash_alg alg, const char **failed, size_t *piece);

#endif
