/*
 * The source: url= through the HTTP client (net/http/http_get.h) into the pipeline's first
 * stage. A resume continues the stages' input where it broke; a restart begins it again at 0.
 */
#ifndef INSTALL_SOURCE_HTTP_H
#define INSTALL_SOURCE_HTTP_H

#include "install/stage.h"
#include "net/http/http_get.h"

/*
 * Runs the download to its end: res->status NP_EXIT_OK when the whole body went into the
 * stages (the caller then ends their input). pump(ctx) runs the disk's side while the network
 * waits; < 0 stops, as a stage's failure does, with the stages' error saying why.
 */
void source_http_run(const char *url, const struct http_get_opts *o, struct stage *first,
                     int (*pump)(void *ctx), void *ctx, struct http_get_result *res);

#endif
