/*
 * http-parser for the fuzz builds: np_add_fuzzer compiles every source with our warning set
 * and -Werror, which third-party code is not held to. It still runs under ASan and UBSan.
 */
#pragma clang diagnostic ignored "-Weverything"
#include "http_parser.c"
