/*
 * A non-blocking POST client for notifications (progress_url=) beside a running download: one
 * request in flight at most, driven by lwIP's callbacks during the download's own net_poll(),
 * over altcp (so https works through net/tls, with a handshake record of its own). The job's
 * http_config applies (http_config.h): header= lines, and proxy= (absolute-form for http, a
 * CONNECT tunnel for https, each step a callback as the rest). Nothing here
 * waits: a notification that cannot go out now is skipped and counted, one that takes longer
 * than its timeout is abandoned. Static memory only: the URL, one request of at most
 * HTTP_NOTIFY_REQ_MAX bytes, one CONNECT and the head of its answer.
 */
#ifndef NET_HTTP_NOTIFY_H
#define NET_HTTP_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A request head and body together: a progress object, a URL of a few hundred bytes, the
 * proxy's credentials (up to PROXY_BASIC_MAX) and header= lines.
 */
#define HTTP_NOTIFY_REQ_MAX 4096

struct http_notify_stats {
    unsigned sent;          /* requests started */
    unsigned taken;         /* answered with a 2xx */
    unsigned failed;        /* refused, broken, timed out or a non-2xx answer */
    unsigned skipped;       /* due while the previous one was still in flight */
};

/*
 * Takes url (http:// or https://, userinfo as Basic credentials) for the notifications to come,
 * and the job's http_config as it is now; each request is abandoned after timeout_ms. 0, or a negative code from url_parse, or
 * -NP_EOVERFLOW when the URL leaves no room for a request; the caller says why (url_strerror).
 */
int http_notify_start(const char *url, uint32_t timeout_ms);

/*
 * Starts a POST of body (JSON) now, unless one is still in flight: then it is skipped
 * (counted) and -NP_EBUSY returned. -NP_EOVERFLOW when the request would not fit.
 */
int http_notify_post(const char *body);

/* Ends what the callbacks finished and abandons a request past its timeout; call often. */
void http_notify_poll(void);

/* Abandons any request in flight and forgets the URL; *stats gets the counts (may be NULL). */
void http_notify_stop(struct http_notify_stats *stats);

#endif
