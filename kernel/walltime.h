/*
 * Wall-clock time for certificate validity: UTC seconds since 1970 from the CMOS real-time
 * clock (MC146818 registers, read by arch/x86_64/rtc.c) or from time=, checked against the
 * time this kernel was built, then carried forward by the monotonic clock.
 */
#ifndef KERNEL_WALLTIME_H
#define KERNEL_WALLTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The MC146818 registers as read, before any decoding. */
struct rtc_raw {
    uint8_t sec, min, hour, mday, mon, year;
    uint8_t century;        /* register 0x32 (QEMU, most PCs); 0 when unknown */
    uint8_t status_b;       /* bit 2: binary (else BCD); bit 1: 24-hour (else 12-hour, PM in bit 7) */
};

#define RTC_B_BINARY    (1u << 2)
#define RTC_B_24H       (1u << 1)

struct civil_time {
    int year;               /* 1970..9999 */
    int mon, mday;          /* 1..12, 1..31 */
    int hour, min, sec;     /* 0..23, 0..59, 0..59 (no leap seconds) */
};

/* Days since 1970-01-01 of a valid date (proleptic Gregorian). */
int64_t civil_to_days(int year, int mon, int mday);
/* UTC seconds of a civil time; -NP_EINVAL when a field is out of range (Feb 30 too). */
int civil_to_unix(const struct civil_time *c, int64_t *out);
void unix_to_civil(int64_t t, struct civil_time *c);

/*
 * Decodes RTC registers (BCD or binary, 12- or 24-hour; the year's century from the century
 * register when it holds 19-21, else 20). -NP_EBADMSG when a register holds nonsense.
 */
int rtc_decode(const struct rtc_raw *r, int64_t *unix_out);

/*
 * time= values: "2025-05-20T12:00:00Z" (the T may be a space or '_', the Z may be left out:
 * always UTC), "2025-05-20" (midnight) or "@SECONDS". -NP_EINVAL otherwise.
 */
int walltime_parse(const char *s, int64_t *unix_out);

/* A clock before the kernel's build time (less a day) or after 2100 is not believed. */
bool walltime_plausible(int64_t t, int64_t build_time);

/* "2025-05-20 12:00:00 UTC" */
void walltime_format(int64_t t, char *buf, size_t cap);

/* The kernel's wall clock (walltime.c in the kernel build). */
enum walltime_source { WALLTIME_NONE, WALLTIME_RTC, WALLTIME_CMDLINE };
/* Sets the clock from time= (when given) or the RTC; prints one line saying which, or why not. */
int walltime_init(const char *time_arg);
/* Seconds since 1970 now, or -1 when no plausible time is known. */
int64_t walltime_now(void);
enum walltime_source walltime_source(void);

#endif
