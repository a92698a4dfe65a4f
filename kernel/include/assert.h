/* The freestanding kernel's <assert.h> (http-parser and mbedTLS use it): a failed assert panics. */
#ifndef NETPLANT_LIBC_ASSERT_H
#define NETPLANT_LIBC_ASSERT_H
__attribute__((noreturn)) void np_assert_fail(const char *expr, const char *file, int line);
#define assert(x) ((x) ? (void)0 : np_assert_fail(#x, __FILE__, __LINE__))
#endif
