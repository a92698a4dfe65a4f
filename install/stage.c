#include "install/stage.h"

#include <stdarg.h>

#include "kernel/printf.h"

int stage_fail(struct stage *s, enum np_exit status, const char *fmt, ...)
{
    if (s->err->status != NP_EXIT_OK)
        return -1;      /* the first failure is the cause; what follows is its consequence */
    va_list ap;
    va_start(ap, fmt);
    np_vsnprintf(s->err->msg, sizeof(s->err->msg), fmt, ap);
    va_end(ap);
    s->err->status = status;
    return -1;
}
