/*
 * http:// and https:// URLs (RFC 3986 3): parsing, resolving a redirect's Location against the request's
 * URL (RFC 3986 5.2, simply), and the userinfo as Basic credentials (RFC 7617).
 *
 * Limits: a URL may be URL_MAX bytes long (64 KiB: eight times the 8 KiB request line nginx
 * and Apache take by default; presigned object-store URLs run to a few KiB); its host, a
 * DNS name or an IPv4 address, at most 255 characters. IPv6 literals are refused for now.
 */
#ifndef NET_HTTP_URL_H
#define NET_HTTP_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define URL_MAX      (64 * 1024)
#define URL_HOST_MAX 256
/* Room for the Basic credentials of any URL: base64 of at most URL_MAX bytes, and a NUL. */
#define URL_BASIC_MAX (4 * ((URL_MAX + 2) / 3) + 1)

struct url {
    bool tls;                   /* https: */
    char host[URL_HOST_MAX];
    uint16_t port;
    size_t userinfo_len;        /* bytes of userinfo at the start of text; 0: no credentials */
    size_t user_len;            /* ... of which the user name (the rest is ":password") */
    size_t path_at;             /* where the path starts in text */
    /* The userinfo as written (percent-encoded), a NUL, the path with the query, a NUL. */
    char text[URL_MAX + 2];
};

/* The path with the query: always starts with '/'. */
static inline const char *url_path(const struct url *u) { return u->text + u->path_at; }
static inline bool url_has_password(const struct url *u) { return u->userinfo_len > u->user_len; }

/*
 * Parses an http:// or https:// URL (port 80 or 443 by default). -NP_ENOTSUP for another scheme,
 * -NP_EAFNOSUPPORT for an IPv6 literal host, -NP_EOVERFLOW past URL_MAX, -NP_EINVAL for
 * anything malformed (a bad port, spaces or control characters, bad percent-encoding or
 * control characters in the userinfo).
 */
int url_parse(const char *s, struct url *u);

/*
 * Resolves a Location against base into out (not base itself): an absolute URL, a
 * scheme-relative "//host/path", an absolute path, or a path relative to base's directory.
 * Credentials: a Location's own userinfo is used; without one, base's go along only to the
 * same host and port (curl's rule: never hand a password to another server). Errors as for
 * url_parse.
 */
int url_resolve(const struct url *base, const char *location, struct url *out);
/* The port is the scheme's default (80 for http, 443 for https): Host and logs leave it out. */
bool url_default_port(const struct url *u);

/* The one-line reason for a url_parse/url_resolve error. */
const char *url_strerror(int err);

/*
 * The userinfo as an Authorization: Basic value (RFC 7617 2): base64 of the percent-decoded
 * "user:password". -NP_ENOENT without userinfo, -NP_EOVERFLOW when cap is short.
 */
int url_basic_credentials(const struct url *u, char *out, size_t cap);

#endif
