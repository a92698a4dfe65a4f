/* Calendar arithmetic, RTC decoding and time= parsing: pure, host-tested. */
#include "kernel/errno.h"
#include "kernel/printf.h"
#include "kernel/string.h"
#include "kernel/walltime.h"

#define SECS_PER_DAY    86400
#define YEAR_MAX        9999
#define UNIX_2100       4102444800ll    /* 2100-01-01 00:00:00 UTC */

/* Howard Hinnant's days_from_civil: exact for every Gregorian date, no tables. */
int64_t civil_to_days(int year, int mon, int mday)
{
    int64_t y = year - (mon <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + mday - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int year, int mon)
{
    static const uint8_t d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return mon == 2 && leap ? 29 : d[mon - 1];
}

int civil_to_unix(const struct civil_time *c, int64_t *out)
{
    if (c->year < 1970 || c->year > YEAR_MAX || c->mon < 1 || c->mon > 12 || c->mday < 1 ||
        c->mday > days_in_month(c->year, c->mon) || c->hour < 0 || c->hour > 23 || c->min < 0 ||
        c->min > 59 || c->sec < 0 || c->sec > 59)
        return -NP_EINVAL;
    *out = civil_to_days(c->year, c->mon, c->mday) * SECS_PER_DAY + c->hour * 3600 + c->min * 60 + c->sec;
    return 0;
}

/* The inverse (civil_from_days), for t >= 0. */
void unix_to_civil(int64_t t, struct civil_time *c)
{
    int64_t days = t / SECS_PER_DAY, rem = t % SECS_PER_DAY;
    int64_t z = days + 719468;
    int64_t era = z / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    c->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
    c->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
    c->year = (int)(yoe + era * 400 + (c->mon <= 2));
    c->hour = (int)(rem / 3600);
    c->min = (int)(rem / 60 % 60);
    c->sec = (int)(rem % 60);
}

/* One register: BCD (both nibbles 0-9) or binary; -1 when BCD is malformed. */
static int rtc_field(uint8_t v, bool binary)
{
    if (binary)
        return v;
    if ((v & 0x0F) > 9 || (v >> 4) > 9)
        return -1;
    return (v >> 4) * 10 + (v & 0x0F);
}

int rtc_decode(const struct rtc_raw *r, int64_t *unix_out)
{
    bool bin = r->status_b & RTC_B_BINARY;
    bool pm = !(r->status_b & RTC_B_24H) && (r->hour & 0x80);
    int hour = rtc_field(r->hour & (r->status_b & RTC_B_24H ? 0xFF : 0x7F), bin);
    int cent = r->century ? rtc_field(r->century, bin) : -1;
    struct civil_time c = {
        .mon = rtc_field(r->mon, bin), .mday = rtc_field(r->mday, bin),
        .min = rtc_field(r->min, bin), .sec = rtc_field(r->sec, bin),
    };
    int yy = rtc_field(r->year, bin);
    if (hour < 0 || yy < 0 || yy > 99)
        return -NP_EBADMSG;
    if (!(r->status_b & RTC_B_24H)) {
        if (hour < 1 || hour > 12)
            return -NP_EBADMSG;
        hour = hour % 12 + (pm ? 12 : 0);   /* 12 AM is 0, 12 PM is 12 */
    }
    c.hour = hour;
    c.year = (cent >= 19 && cent <= 21 ? cent : 20) * 100 + yy;
    return civil_to_unix(&c, unix_out) ? -NP_EBADMSG : 0;
}

/* Exactly n decimal digits at *s. */
static bool digits(const char **s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*s)++) {
        if (**s < '0' || **s > '9')
            return false;
        v = v * 10 + (**s - '0');
    }
    *out = v;
    return true;
}

static bool expect(const char **s, char c)
{
    if (**s != c)
        return false;
    (*s)++;
    return true;
}

static int parse_seconds(const char *s, int64_t *out)
{
    int64_t v = 0;
    if (!*s)
        return -NP_EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > UNIX_2100)
            return -NP_EINVAL;
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return 0;
}

int walltime_parse(const char *s, int64_t *unix_out)
{
    struct civil_time c = { 0 };
    if (!s)
        return -NP_EINVAL;
    if (*s == '@')
        return parse_seconds(s + 1, unix_out);
    if (!digits(&s, 4, &c.year) || !expect(&s, '-') || !digits(&s, 2, &c.mon) || !expect(&s, '-') ||
        !digits(&s, 2, &c.mday))
        return -NP_EINVAL;
    if (*s == 'T' || *s == ' ' || *s == '_') {
        s++;
        if (!digits(&s, 2, &c.hour) || !expect(&s, ':') || !digits(&s, 2, &c.min) || !expect(&s, ':') ||
            !digits(&s, 2, &c.sec))
            return -NP_EINVAL;
        if (*s == 'Z')
            s++;
    }
    if (*s)
        return -NP_EINVAL;
    return civil_to_unix(&c, unix_out);
}

bool walltime_plausible(int64_t t, int64_t build_time)
{
    return t >= build_time - SECS_PER_DAY && t < UNIX_2100;
}

void walltime_format(int64_t t, char *buf, size_t cap)
{
    struct civil_time c;
    if (t < 0) {
        np_strlcpy(buf, "(no time)", cap);
        return;
    }
    unix_to_civil(t, &c);
    np_snprintf(buf, cap, "%04d-%02d-%02d %02d:%02d:%02d UTC", c.year, c.mon, c.mday, c.hour, c.min, c.sec);
}
