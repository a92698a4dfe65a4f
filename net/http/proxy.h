/*
 * An HTTP proxy (proxy=http://[user:pass@]HOST:PORT): the parts that are pure and host-tested.
 * http URLs go to the proxy as absolute-form requests (RFC 9112 3.2.2); https URLs through a
 * tunnel the proxy opens on CONNECT host:port (RFC 9110 9.3.6), TLS running inside it with the
 * origin's name. Credentials on the proxy URL become Proxy-Authorization: Basic (RFC 9110
 * 11.7.1, RFC 7617). Not supported: https:// proxies (TLS to the proxy), SOCKS, no_proxy.
 */
#ifndef NET_HTTP_PROXY_H
#define NET_HTTP_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/http/url.h"

#define PROXY_BASIC_MAX 1024    /* base64 of user:password up to 765 bytes */
#define PROXY_HEAD_MAX  8192    /* a CONNECT answer's head; more is not an answer we take */
#define PROXY_REASON_MAX 64

struct proxy {
    char host[URL_HOST_MAX];
    uint16_t port;
    char basic[PROXY_BASIC_MAX];    /* "" without credentials; never logged */
    char user[64];                  /* the user name, for the log (cut short if longer) */
};

/*
 * Parses proxy= (http://[user[:password]@]host[:port][/], port 80 by default). -NP_ENOTSUP for
 * another scheme (https:// proxies are not supported), -NP_EINVAL for a path or anything
 * url_parse refuses, -NP_EOVERFLOW for credentials longer than PROXY_BASIC_MAX takes.
 */
int proxy_parse(const char *s, struct proxy *p);

/* The one-line reason for a proxy_parse error. */
const char *proxy_strerror(int err);

/* What a proxy's 407 means (RFC 9110 15.5.8): credentials missing, or those of proxy= refused. */
const char *proxy_auth_words(const struct proxy *p);

/*
 * The absolute-form request target's start, "http://host[:port]" (the port only when it is
 * not 80), to which the path is appended (RFC 9112 3.2.2; no userinfo in it). The length, or
 * -NP_EOVERFLOW when cap is short.
 */
int proxy_absolute_prefix(char *buf, size_t cap, const char *host, uint16_t port);

/*
 * The CONNECT request for host:port (RFC 9110 9.3.6: authority-form, Host the same), with
 * Proxy-Authorization: Basic when basic is not empty. The length, or -NP_EOVERFLOW.
 */
int proxy_connect_request(char *buf, size_t cap, const char *host, uint16_t port, const char *basic,
                          const char *user_agent);

/* A CONNECT answer being read: its head only (a 2xx has no body; any other ends the tunnel). */
struct proxy_resp {
    size_t len;
    int status;                     /* 100..599 once done */
    char reason[PROXY_REASON_MAX];  /* printable ASCII only, cut short */
    char head[PROXY_HEAD_MAX];
};

void proxy_resp_init(struct proxy_resp *r);

/*
 * Feeds n bytes of the proxy's answer. 0: the head is not complete yet (all n taken); 1: done,
 * status and reason set, *used bytes taken (the rest belongs to the tunnel or the body);
 * -NP_EBADMSG: not an HTTP/1.x status line; -NP_EOVERFLOW: a head longer than PROXY_HEAD_MAX.
 * Interim 1xx answers are skipped (RFC 9110 15.2). Bare LF line ends are taken (RFC 9112 2.2).
 */
int proxy_resp_feed(struct proxy_resp *r, const uint8_t *p, size_t n, size_t *used);

#endif
