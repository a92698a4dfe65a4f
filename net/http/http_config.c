/* The job's HTTP configuration (see http_config.h). */
#include "net/http/http_config.h"

#include "net/http/hdropt.h"

static struct http_config job;

void http_configure(const struct http_config *c)
{
    job = *c;
}

const struct http_config *http_config_job(void)
{
    return &job;
}

bool http_config_has_auth(const char *const *headers, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (hdropt_is(headers[i], "Authorization"))
            return true;
    return false;
}
