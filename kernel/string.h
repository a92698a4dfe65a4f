/*
 * The C string functions the kernel (and lwIP) needs. In the kernel they carry the standard
 * names; the host build gives them an np_ prefix so the unit tests can compare them with libc's.
 */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include <stddef.h>

#ifdef NETPLANT_KERNEL
#define NP_STRFN(name) name
#else
#define NP_STRFN(name) np_##name
#endif

void *NP_STRFN(memcpy)(void *restrict dst, const void *restrict src, size_t n);
void *NP_STRFN(memmove)(void *dst, const void *src, size_t n);
void *NP_STRFN(memset)(void *dst, int c, size_t n);
int NP_STRFN(memcmp)(const void *a, const void *b, size_t n);
void *NP_STRFN(memchr)(const void *s, int c, size_t n);
size_t NP_STRFN(strlen)(const char *s);
size_t NP_STRFN(strnlen)(const char *s, size_t max);
int NP_STRFN(strcmp)(const char *a, const char *b);
int NP_STRFN(strncmp)(const char *a, const char *b, size_t n);
char *NP_STRFN(strchr)(const char *s, int c);
char *NP_STRFN(strrchr)(const char *s, int c);
char *NP_STRFN(strstr)(const char *hay, const char *needle);

/* Decimal with an optional sign; stops at the first non-digit; no overflow checks (lwIP's use). */
int NP_STRFN(atoi)(const char *s);

/* Copies at most size-1 bytes and always terminates; returns strlen(src) (BSD strlcpy). */
size_t np_strlcpy(char *dst, const char *src, size_t size);

#endif
