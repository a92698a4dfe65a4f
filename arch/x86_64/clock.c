/*
 * The monotonic clock: the TSC, with its rate taken from CPUID when the CPU or hypervisor
 * states it, else measured against the ACPI PM timer (3.579545 MHz) or PIT channel 2
 * channel 0 (1.193182 MHz) over 10 ms.
 */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "kernel/console.h"

#define PM_TIMER_HZ     3579545ull
#define PIT_HZ          1193182ull
#define CAL_MS          10
#define CAL_SPIN        200000000u  /* bounds the calibration loops if a timer never moves */
#define PIT_CH0         0x40
#define PIT_CMD         0x43
#define FALLBACK_HZ     1000000000ull

uint64_t clock_boot_tsc(void);

static uint64_t tsc_hz;
static uint64_t us_mult;            /* microseconds = ticks * us_mult >> 32 */
static const char *tsc_source = "uncalibrated";

static uint64_t from_cpuid(void)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    if (r[0] >= 0x15) {
        cpuid(0x15, 0, r);          /* TSC = crystal * EBX / EAX */
        if (r[0] && r[1] && r[2]) {
            tsc_source = "CPUID leaf 0x15";
            return (uint64_t)r[2] * r[1] / r[0];
        }
    }
    cpuid(1, 0, r);
    if (!(r[2] & (1u << 31)))
        return 0;                   /* no hypervisor */
    cpuid(0x40000000, 0, r);
    if (r[0] < 0x40000010)
        return 0;
    cpuid(0x40000010, 0, r);        /* the hypervisor's timing leaf: EAX = TSC kHz */
    if (!r[0])
        return 0;
    tsc_source = "hypervisor CPUID leaf";
    return (uint64_t)r[0] * 1000;
}

static uint64_t from_pm_timer(const struct acpi_info *ai)
{
    if (!ai || !ai->have_fadt || ai->pm_tmr.space != ACPI_SPACE_IO || !ai->pm_tmr.address ||
        ai->pm_tmr.address > 0xFFFF)
        return 0;
    uint16_t port = (uint16_t)ai->pm_tmr.address;
    uint32_t mask = ai->pm_tmr_32bit ? 0xFFFFFFFFu : 0xFFFFFFu;
    uint32_t want = (uint32_t)(PM_TIMER_HZ * CAL_MS / 1000);
    uint32_t t0 = inl(port) & mask, dt = 0;
    uint64_t c0 = rdtsc();
    for (unsigned i = 0; i < CAL_SPIN && dt < want; i++)
        dt = ((inl(port) & mask) - t0) & mask;
    uint64_t c1 = rdtsc();
    if (dt < want)
        return 0;
    tsc_source = "ACPI PM timer";
    return (c1 - c0) * PM_TIMER_HZ / dt;
}

/* Reads PIT channel 0's current count: latch it, then low byte, high byte. */
static uint16_t pit_read(void)
{
    outb(PIT_CMD, 0x00);
    uint8_t lo = inb(PIT_CH0);
    return (uint16_t)(lo | inb(PIT_CH0) << 8);
}

/*
 * Counts PIT channel 0 down in rate-generator mode and reads it back. Unlike the channel 2
 * gate/OUT bit on port 0x61, this needs only ports 0x40-0x43, which microvm also has.
 */
static uint64_t from_pit(void)
{
    uint32_t want = (uint32_t)(PIT_HZ * CAL_MS / 1000), done = 0;
    outb(PIT_CMD, 0x34);            /* channel 0, lobyte/hibyte, mode 2, binary */
    outb(PIT_CH0, 0);
    outb(PIT_CH0, 0);               /* reload 0 = 65536 */
    uint16_t prev = pit_read();
    uint64_t c0 = rdtsc();
    for (unsigned i = 0; i < CAL_SPIN && done < want; i++) {
        uint16_t now = pit_read();
        done += (uint16_t)(prev - now);     /* counts down; wraps at 65536 */
        prev = now;
    }
    uint64_t c1 = rdtsc();
    if (done < want)
        return 0;
    tsc_source = "PIT";
    return (c1 - c0) * PIT_HZ / done;
}

/* Anything outside 100 MHz..20 GHz means the timer we measured against lied. */
static bool plausible(uint64_t hz)
{
    return hz >= 100000000ull && hz <= 20000000000ull;
}

void clock_init(const struct acpi_info *ai)
{
    uint64_t hz = from_cpuid();
    if (!plausible(hz))
        hz = from_pm_timer(ai);
    if (!plausible(hz))
        hz = from_pit();
    if (!plausible(hz)) {
        hz = FALLBACK_HZ;
        tsc_source = "assumed (no timer answered)";
        log_warn("clock: no timer to calibrate the TSC against; assuming 1 GHz\n");
    }
    tsc_hz = hz;
    us_mult = (1000000ull << 32) / hz;
}

uint64_t clock_us(void)
{
    /* 128-bit product: no overflow for centuries of uptime at any TSC rate. */
    return (uint64_t)(((unsigned __int128)(rdtsc() - boot_tsc) * us_mult) >> 32);
}

uint64_t clock_ms(void)
{
    return clock_us() / 1000;
}

void clock_delay_us(uint64_t us)
{
    uint64_t t0 = clock_us();
    if (!us_mult)
        return;
    while (clock_us() - t0 < us)
        cpu_relax();
}

uint64_t clock_tsc_hz(void) { return tsc_hz; }
const char *clock_source(void) { return tsc_source; }
uint64_t clock_boot_tsc(void) { return boot_tsc; }
