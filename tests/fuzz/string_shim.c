/*
 * The np_ string functions for the fuzz builds, as calls into the host libc. kernel/string.c
 * does its copies with `rep movsb` in inline asm, which AddressSanitizer cannot see: a parser
 * reading past its input through rd32()/rd64() would go unnoticed. Here every such access is
 * a libc call that ASan intercepts and checks. kernel/string.c itself is covered by the unit
 * tests (tests/unit/test_string.c).
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/string.h"

void *np_memcpy(void *restrict dst, const void *restrict src, size_t n) { return memcpy(dst, src, n); }
void *np_memmove(void *dst, const void *src, size_t n) { return memmove(dst, src, n); }
void *np_memset(void *dst, int c, size_t n) { return memset(dst, c, n); }
int np_memcmp(const void *a, const void *b, size_t n) { return memcmp(a, b, n); }
void *np_memchr(const void *s, int c, size_t n) { return memchr(s, c, n); }
size_t np_strlen(const char *s) { return strlen(s); }
size_t np_strnlen(const char *s, size_t max) { return strnlen(s, max); }
int np_strcmp(const char *a, const char *b) { return strcmp(a, b); }
int np_strncmp(const char *a, const char *b, size_t n) { return strncmp(a, b, n); }
char *np_strchr(const char *s, int c) { return strchr(s, c); }
char *np_strrchr(const char *s, int c) { return strrchr(s, c); }
char *np_strstr(const char *hay, const char *needle) { return strstr(hay, needle); }
int np_atoi(const char *s) { return atoi(s); }

size_t np_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t k = n < size - 1 ? n : size - 1;
        memcpy(dst, src, k);
        dst[k] = '\0';
    }
    return n;
}
