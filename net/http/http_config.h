/*
 * What every request of the job shares (the image, config=, checksum=, done_url=, the menu's
 * catalog and progress_url=, as curl's options apply to every transfer): header= lines,
 * auth_redirects and proxy=. Set by kmain; read by the download (http_get.c) and the notifier
 * (http_notify.c).
 */
#ifndef NET_HTTP_CONFIG_H
#define NET_HTTP_CONFIG_H

#include <stdbool.h>

struct proxy;

/* proxy NULL: direct. The pointers must stay valid; a later http_configure replaces all of it. */
struct http_config {
    const struct proxy *proxy;
    const char *const *headers;     /* "Name: value", checked by hdropt_check; never logged */
    unsigned nheaders;
    bool auth_redirects;
};

void http_configure(const struct http_config *c);

/* The job's configuration as last set (all zero before: direct, no header=). */
const struct http_config *http_config_job(void);

/* Whether header= gives an Authorization of its own (it replaces a URL's Basic credentials). */
bool http_config_has_auth(const char *const *headers, unsigned n);

#endif
