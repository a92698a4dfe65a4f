/* kernel/walltime_calc.c: calendar arithmetic, RTC register decoding, time= parsing. */
#include <time.h>

#include "kernel/errno.h"
#include "kernel/walltime.h"
#include "test.h"

/* Against libc's timegm over many random dates, and the round trip back. */
static void test_civil(void)
{
    struct civil_time c = { 1970, 1, 1, 0, 0, 0 };
    int64_t t = -1;
    CHECK_EQ_I64(civil_to_unix(&c, &t), 0);
    CHECK_EQ_I64(t, 0);
    c = (struct civil_time){ 2000, 2, 29, 12, 0, 0 };
    CHECK_EQ_I64(civil_to_unix(&c, &t), 0);
    CHECK_EQ_I64(t, 951825600);
    c = (struct civil_time){ 2100, 2, 29, 0, 0, 0 };     /* not a leap year */
    CHECK_EQ_I64(civil_to_unix(&c, &t), -NP_EINVAL);
    c = (struct civil_time){ 2023, 4, 31, 0, 0, 0 };
    CHECK_EQ_I64(civil_to_unix(&c, &t), -NP_EINVAL);
    c = (struct civil_time){ 2023, 13, 1, 0, 0, 0 };
    CHECK_EQ_I64(civil_to_unix(&c, &t), -NP_EINVAL);
    c = (struct civil_time){ 2023, 1, 1, 24, 0, 0 };
    CHECK_EQ_I64(civil_to_unix(&c, &t), -NP_EINVAL);
    c = (struct civil_time){ 1969, 12, 31, 23, 59, 59 };
    CHECK_EQ_I64(civil_to_unix(&c, &t), -NP_EINVAL);
    for (int i = 0; i < 20000; i++) {
        int64_t s = (int64_t)test_rand_below(253402300799ull);     /* up to 9999-12-31 */
        time_t tt = (time_t)s;
        struct tm tm;
        gmtime_r(&tt, &tm);
        struct civil_time back;
        unix_to_civil(s, &back);
        if (!CHECK_EQ_I64(back.year, tm.tm_year + 1900) || !CHECK_EQ_I64(back.mon, tm.tm_mon + 1) ||
            !CHECK_EQ_I64(back.mday, tm.tm_mday) || !CHECK_EQ_I64(back.hour, tm.tm_hour) ||
            !CHECK_EQ_I64(back.min, tm.tm_min) || !CHECK_EQ_I64(back.sec, tm.tm_sec))
            break;
        int64_t again;
        if (!CHECK_EQ_I64(civil_to_unix(&back, &again), 0) || !CHECK_EQ_I64(again, s))
            break;
    }
}

static int64_t decode(struct rtc_raw r)
{
    int64_t t = -1;
    return rtc_decode(&r, &t) ? -1 : t;
}

/* BCD and binary, 24- and 12-hour, the century register and its absence. */
static void test_rtc(void)
{
    /* 2025-05-20 13:45:30, BCD, 24-hour (what QEMU and most firmware use). */
    struct rtc_raw bcd = { 0x30, 0x45, 0x13, 0x20, 0x05, 0x25, 0x20, RTC_B_24H };
    CHECK_EQ_I64(decode(bcd), 1747748730);
    struct rtc_raw bin = { 30, 45, 13, 20, 5, 25, 20, RTC_B_24H | RTC_B_BINARY };
    CHECK_EQ_I64(decode(bin), 1747748730);
    /* 12-hour: 1 PM is 0x81 (PM bit 7 over BCD 01); 12 AM is midnight, 12 PM noon. */
    struct rtc_raw pm = { 0x30, 0x45, 0x81, 0x20, 0x05, 0x25, 0x20, 0 };
    CHECK_EQ_I64(decode(pm), 1747748730);
    struct rtc_raw midnight = { 0, 0, 0x12, 0x20, 0x05, 0x25, 0x20, 0 };
    CHECK_EQ_I64(decode(midnight), 1747699200);
    struct rtc_raw noon = { 0, 0, 0x92, 0x20, 0x05, 0x25, 0x20, 0 };
    CHECK_EQ_I64(decode(noon), 1747699200 + 12 * 3600);
    struct rtc_raw pm_bin = { 30, 45, 0x80 | 1, 20, 5, 25, 20, RTC_B_BINARY };
    CHECK_EQ_I64(decode(pm_bin), 1747748730);
    /* No century register (0 or nonsense): 20xx. */
    struct rtc_raw nocent = bcd;
    nocent.century = 0;
    CHECK_EQ_I64(decode(nocent), 1747748730);
    nocent.century = 0x55;
    CHECK_EQ_I64(decode(nocent), 1747748730);
    /* Malformed: BCD digits above 9, month 13, hour 0 in 12-hour mode, Feb 30. */
    struct rtc_raw bad = bcd;
    bad.min = 0x5A;
    CHECK_EQ_I64(decode(bad), -1);
    bad = bcd;
    bad.mon = 0x13;
    CHECK_EQ_I64(decode(bad), -1);
    bad = pm;
    bad.hour = 0x80;
    CHECK_EQ_I64(decode(bad), -1);
    bad = bcd;
    bad.mon = 0x02;
    bad.mday = 0x30;
    CHECK_EQ_I64(decode(bad), -1);
    bad = bin;
    bad.year = 100;
    CHECK_EQ_I64(decode(bad), -1);
    struct rtc_raw y2000 = { 0, 0, 0, 0x01, 0x01, 0x00, 0x20, RTC_B_24H };
    CHECK_EQ_I64(decode(y2000), 946684800);
}

static int64_t parse(const char *s)
{
    int64_t t = -1;
    return walltime_parse(s, &t) ? -1 : t;
}

static void test_parse(void)
{
    CHECK_EQ_I64(parse("2025-05-20T13:45:30Z"), 1747748730);
    CHECK_EQ_I64(parse("2025-05-20T13:45:30"), 1747748730);
    CHECK_EQ_I64(parse("2025-05-20 13:45:30"), 1747748730);
    CHECK_EQ_I64(parse("2025-05-20_13:45:30"), 1747748730);
    CHECK_EQ_I64(parse("2025-05-20"), 1747699200);
    CHECK_EQ_I64(parse("@1747748730"), 1747748730);
    CHECK_EQ_I64(parse("@0"), 0);
    CHECK_EQ_I64(parse(""), -1);
    CHECK_EQ_I64(parse("@"), -1);
    CHECK_EQ_I64(parse("@-5"), -1);
    CHECK_EQ_I64(parse("@99999999999999999999999"), -1);    /* no overflow */
    CHECK_EQ_I64(parse("1747748730"), -1);
    CHECK_EQ_I64(parse("2025-5-20"), -1);
    CHECK_EQ_I64(parse("2025-05-20T13:45"), -1);
    CHECK_EQ_I64(parse("2025-05-20T13:45:30+02:00"), -1);   /* UTC only: no offsets */
    CHECK_EQ_I64(parse("2025-05-20T13:45:30Zjunk"), -1);
    CHECK_EQ_I64(parse("2025-02-29"), -1);
    CHECK_EQ_I64(parse("2025-05-20T24:00:00Z"), -1);
    CHECK_EQ_I64(parse(NULL), -1);
}

static void test_plausible(void)
{
    int64_t built = 1747748730;
    CHECK(walltime_plausible(built, built));
    CHECK(walltime_plausible(built - 3600, built));     /* a clock a little behind the build host */
    CHECK(!walltime_plausible(built - 2 * 86400, built));
    CHECK(!walltime_plausible(946684800, built));       /* an RTC reset to 2000 */
    CHECK(walltime_plausible(4102444799ll, built));
    CHECK(!walltime_plausible(4102444800ll, built));
    char buf[40];
    walltime_format(1747748730, buf, sizeof(buf));
    CHECK_STR(buf, "2025-05-20 13:45:30 UTC");
    walltime_format(-1, buf, sizeof(buf));
    CHECK_STR(buf, "(no time)");
}

int main(void)
{
    TEST_RUN(test_civil);
    TEST_RUN(test_rtc);
    TEST_RUN(test_parse);
    TEST_RUN(test_plausible);
    return test_finish();
}
