/*
 * The CMOS real-time clock (MC146818 and its PC descendants): registers 0x00-0x09, status A
 * (0x0A: update in progress) and B (0x0B: format), and the century at 0x32 where the firmware
 * keeps one. The clock ticks on its own while we read, so a read is taken only between
 * updates, and repeated until two in a row agree.
 */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "kernel/errno.h"
#include "kernel/string.h"

#define CMOS_INDEX      0x70
#define CMOS_DATA       0x71
#define CMOS_NMI_OFF    0x80    /* index bit 7 masks NMI; keep it as firmware left it: set */
#define RTC_SEC         0x00
#define RTC_MIN         0x02
#define RTC_HOUR        0x04
#define RTC_MDAY        0x07
#define RTC_MON         0x08
#define RTC_YEAR        0x09
#define RTC_STATUS_A    0x0A
#define RTC_STATUS_B    0x0B
#define RTC_CENTURY     0x32
#define RTC_A_UIP       0x80    /* an update is in progress: registers may be mid-change */
#define RTC_TRIES       8
#define RTC_UIP_SPINS   100000  /* an update takes < 2 ms; this bounds a stuck UIP bit */

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, CMOS_NMI_OFF | reg);
    return inb(CMOS_DATA);
}

static void rtc_snapshot(struct rtc_raw *r)
{
    r->sec = cmos_read(RTC_SEC);
    r->min = cmos_read(RTC_MIN);
    r->hour = cmos_read(RTC_HOUR);
    r->mday = cmos_read(RTC_MDAY);
    r->mon = cmos_read(RTC_MON);
    r->year = cmos_read(RTC_YEAR);
    r->century = cmos_read(RTC_CENTURY);
    r->status_b = cmos_read(RTC_STATUS_B);
}

static int rtc_wait_idle(void)
{
    for (unsigned i = 0; i < RTC_UIP_SPINS; i++)
        if (!(cmos_read(RTC_STATUS_A) & RTC_A_UIP))
            return 0;
    return -NP_ETIMEDOUT;
}

int rtc_read(struct rtc_raw *r)
{
    struct rtc_raw again;
    if (rtc_wait_idle())
        return -NP_ETIMEDOUT;
    rtc_snapshot(r);
    for (unsigned i = 0; i < RTC_TRIES; i++) {
        if (rtc_wait_idle())
            return -NP_ETIMEDOUT;
        rtc_snapshot(&again);
        if (!NP_STRFN(memcmp)(r, &again, sizeof(again)))
            return 0;
        *r = again;
    }
    return -NP_EIO;     /* never two equal reads: the clock is not trustworthy */
}
