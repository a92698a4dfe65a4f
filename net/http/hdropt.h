/*
 * header= values: extra request header lines ("Authorization: Bearer ..."), checked before
 * they go on the wire (RFC 9110 5.1 field names are tokens; 5.5 values hold no CR, LF or NUL).
 */
#ifndef NET_HTTP_HDROPT_H
#define NET_HTTP_HDROPT_H

#include <stdbool.h>

#define HDROPT_MAX 8        /* header= words taken */

/*
 * 0 for "Name: value"; -NP_EINVAL when malformed (empty or non-token name, no ':', control
 * characters), -NP_EPERM for a field netplant sets itself (Host, Range, If-Range, Connection,
 * Content-Length, Transfer-Encoding; Proxy-Authorization, from proxy=, which inside a CONNECT
 * tunnel would otherwise reach the origin server) and must not be overridden.
 */
int hdropt_check(const char *line);

/* Whether line's field name is name (ASCII case-insensitive). */
bool hdropt_is(const char *line, const char *name);

#endif
