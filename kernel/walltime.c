/* The kernel's wall clock: time= or the RTC once, then the monotonic clock forward. */
#include "kernel/walltime.h"

#include "arch/x86_64/arch.h"
#include "kernel/console.h"
#include "kernel/errno.h"

#ifndef NETPLANT_BUILD_TIME
#error "NETPLANT_BUILD_TIME (seconds since 1970 at configure time) must be defined"
#endif

static int64_t base = -1;       /* wall time at base_ms */
static uint64_t base_ms;
static enum walltime_source source = WALLTIME_NONE;

static int from_rtc(void)
{
    struct rtc_raw r;
    int64_t t;
    char when[40], built[40];
    int err = rtc_read(&r);
    if (!err)
        err = rtc_decode(&r, &t);
    if (err) {
        log_warn("time: the RTC cannot be read (%s); certificates cannot be checked without time=\n",
                 np_strerror(err));
        return err;
    }
    walltime_format(t, when, sizeof(when));
    if (!walltime_plausible(t, NETPLANT_BUILD_TIME)) {
        walltime_format(NETPLANT_BUILD_TIME, built, sizeof(built));
        log_warn("time: the RTC says %s, which cannot be right (this kernel was built %s); "
                 "certificates cannot be checked without time=\n", when, built);
        return -NP_ERANGE;
    }
    base = t;
    source = WALLTIME_RTC;
    log_info("time: %s, from the RTC\n", when);
    return 0;
}

int walltime_init(const char *arg)
{
    int64_t t;
    char when[40];
    base_ms = clock_ms();
    base = -1;
    source = WALLTIME_NONE;
    if (!arg)
        return from_rtc();
    if (walltime_parse(arg, &t)) {
        log_err("error: time=%s: want UTC as 2025-05-20T12:00:00Z, 2025-05-20 or @SECONDS\n", arg);
        return -NP_EINVAL;
    }
    walltime_format(t, when, sizeof(when));
    if (!walltime_plausible(t, NETPLANT_BUILD_TIME))
        log_warn("time: time=%s is before this kernel was built; using it as given\n", arg);
    base = t;
    source = WALLTIME_CMDLINE;
    log_info("time: %s, from time=\n", when);
    return 0;
}

int64_t walltime_now(void)
{
    if (base < 0)
        return -1;
    return base + (int64_t)((clock_ms() - base_ms) / 1000);
}

enum walltime_source walltime_source(void)
{
    return source;
}
