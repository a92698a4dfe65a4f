/* The services arch/x86_64 gives the rest of the kernel. */
#ifndef ARCH_X86_64_ARCH_H
#define ARCH_X86_64_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/acpi.h"
#include "kernel/walltime.h"

/* 16550 UART (serial.c). */
void serial_init(void);
void serial_write(const char *s, size_t n);
int serial_getc(void);              /* -1 when no byte is waiting */

/* IDT, TSS and the exception dump (trap.c). */
void trap_init(void);

/* Identity mappings beyond the boot tables' first 4 GiB (paging.c). */
int paging_map(uint64_t phys, uint64_t len, bool uncached);
const void *phys_map(void *ctx, uint64_t addr, size_t len);     /* a phys_map_fn */

/* Monotonic clock (clock.c). clock_init may use the ACPI PM timer to calibrate the TSC. */
void clock_init(const struct acpi_info *ai);
uint64_t clock_us(void);            /* since kernel entry */
uint64_t clock_ms(void);
void clock_delay_us(uint64_t us);
uint64_t clock_tsc_hz(void);
const char *clock_source(void);
uint64_t clock_boot_tsc(void);

/* Power (power.c). Each returns only when it failed. */
void power_init(const struct acpi_info *ai);
void power_off(void);
void power_reboot(void);
__attribute__((noreturn)) void power_halt(void);
void power_qemu_exit(uint16_t port, uint8_t status);

/* The CMOS real-time clock (rtc.c): two equal reads between updates, or an error. */
int rtc_read(struct rtc_raw *r);

/*
 * The CPU's random number instructions (random.c). RDSEED gives conditioned entropy (full
 * entropy per bit); RDRAND the output of a DRBG the CPU reseeds itself, so it is credited
 * less. Each fills words and returns how many it got (both may fail transiently).
 */
enum cpu_rng { CPU_RNG_NONE, CPU_RNG_RDRAND, CPU_RNG_RDSEED };
enum cpu_rng cpu_rng_best(void);
unsigned cpu_rng_fill(enum cpu_rng kind, uint64_t *words, unsigned n);

/* Turns on SSE (CR4.OSFXSR, OSXMMEXCPT; CR0.EM off, MP on) for code that asks for it: AES-NI. */
void cpu_sse_enable(void);
bool cpu_has_aesni(void);

/* Linker-script symbols. */
extern char _kernel_start[], _edata[], _end[];
extern char boot_stack_bottom[], boot_stack_top[];
extern uint64_t boot_tsc;

#endif
