/* The freestanding kernel's <ctype.h>: the ASCII classifications, as inline functions. */
#ifndef NETPLANT_LIBC_CTYPE_H
#define NETPLANT_LIBC_CTYPE_H
static inline int isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int isalpha(int c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static inline int isalnum(int c) { return isdigit(c) || isalpha(c); }
static inline int isxdigit(int c) { return isdigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
static inline int isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static inline int tolower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static inline int toupper(int c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }
#endif
