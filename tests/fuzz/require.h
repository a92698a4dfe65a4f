/* The fuzzers' invariant check: a failed one aborts, which libFuzzer records as a crash. */
#ifndef TESTS_FUZZ_REQUIRE_H
#define TESTS_FUZZ_REQUIRE_H

#include <stdio.h>
#include <stdlib.h>

#define REQUIRE(c) \
    do { \
        if (!(c)) { \
            fprintf(stderr, "REQUIRE failed at %s:%d: %s\n", __FILE__, __LINE__, #c); \
            abort(); \
        } \
    } while (0)

#endif
