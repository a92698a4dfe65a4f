#include "kernel/errno.h"

static const char *const np_error_text[NP_ERROR_COUNT] = {
    [NP_OK] = "success",
#define NP_ERR_TEXT(name, text) [name] = text,
    NP_ERRORS(NP_ERR_TEXT)
#undef NP_ERR_TEXT
};

const char *np_strerror(int err)
{
    if (err > 0 || err <= -NP_ERROR_COUNT)
        return "unknown error";
    return np_error_text[-err];
}
