/* netplant's error codes: functions return 0 or one of these, negated. */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#define NP_ERRORS(X) \
    X(NP_EINVAL,    "invalid argument") \
    X(NP_ENOMEM,    "out of memory") \
    X(NP_ENOSPC,    "no space left") \
    X(NP_ERANGE,    "out of range") \
    X(NP_ENOENT,    "not found") \
    X(NP_EEXIST,    "already exists") \
    X(NP_ENODEV,    "no such device") \
    X(NP_EIO,       "input/output error") \
    X(NP_ETIMEDOUT, "timed out") \
    X(NP_EBADMSG,   "malformed data") \
    X(NP_ENOTSUP,   "not supported") \
    X(NP_EROFS,     "read-only device") \
    X(NP_EPROTO,    "protocol error") \
    X(NP_EOVERFLOW, "value too large") \
    X(NP_EBUSY,     "busy") \
    X(NP_ELOOP,     "loop detected") \
    X(NP_EAFNOSUPPORT, "address family not supported") \
    X(NP_EHOSTUNREACH, "no route to host") \
    X(NP_EPERM,     "not permitted")

enum np_error {
    NP_OK = 0,
#define NP_ERR_ENUM(name, text) name,
    NP_ERRORS(NP_ERR_ENUM)
#undef NP_ERR_ENUM
    NP_ERROR_COUNT
};

/* Text for 0 or a negative error code; "unknown error" for anything else. */
const char *np_strerror(int err);

#endif
