/* http:// and https:// URLs: parsing, and resolving a redirect's Location against the request's URL. */
#ifndef NET_HTTP_URL_H
#define NET_HTTP_URL_H

#include <stdbool.h>
#include <stdint.h>

#define URL_HOST_MAX 256
#define URL_PATH_MAX 1024

struct url {
    bool tls;                   /* https: */
    char host[URL_HOST_MAX];
    uint16_t port;
    char path[URL_PATH_MAX];    /* with the query; always starts with '/' */
};

/* -NP_ENOTSUP for another scheme, -NP_EINVAL for anything malformed. Ports default to 80 and 443. */
int url_parse(const char *s, struct url *u);
/* Absolute URL, absolute path, or a path relative to base's directory (RFC 3986 5.2, simply). */
int url_resolve(const struct url *base, const char *location, struct url *out);
/* The port is the scheme's default (80 for http, 443 for https): Host and logs leave it out. */
bool url_default_port(const struct url *u);

#endif
