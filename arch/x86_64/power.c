/*
 * Power off (ACPI S5), reboot (ACPI reset register, then the 8042, then a triple fault), halt,
 * and the QEMU isa-debug-exit port, which is touched only when the command line names it.
 */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "kernel/console.h"

#define PM1_SCI_EN      (1u << 0)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN      (1u << 13)
#define KBC_STATUS      0x64
#define KBC_CMD         0x64
#define KBC_IBF         0x02
#define KBC_PULSE_RESET 0xFE
#define POWER_WAIT_US   100000  /* a write that worked stops the CPU well within this */

static const struct acpi_info *power_acpi;

void power_init(const struct acpi_info *ai)
{
    power_acpi = ai;
}

/* Accesses a GAS register in system I/O or memory space at its declared width. */
static int gas_write(const struct acpi_gas *g, uint32_t v)
{
    unsigned width = g->bit_width ? g->bit_width : 16;
    if (g->space == ACPI_SPACE_IO && g->address <= 0xFFFF) {
        uint16_t port = (uint16_t)g->address;
        if (width <= 8) outb(port, (uint8_t)v);
        else if (width <= 16) outw(port, (uint16_t)v);
        else outl(port, v);
        return 0;
    }
    if (g->space == ACPI_SPACE_MEMORY && paging_map(g->address, 4, true) == 0) {
        volatile void *p = (volatile void *)(uintptr_t)g->address;
        if (width <= 8) mmio_write8(p, (uint8_t)v);
        else if (width <= 16) mmio_write16(p, (uint16_t)v);
        else mmio_write32(p, v);
        return 0;
    }
    return -1;
}

static uint32_t gas_read16(const struct acpi_gas *g)
{
    if (g->space == ACPI_SPACE_IO && g->address && g->address <= 0xFFFF)
        return inw((uint16_t)g->address);
    return 0;
}

/* Firmware may leave the chipset in legacy mode; SLP_EN is ignored until ACPI is enabled. */
static void acpi_enable_mode(const struct acpi_info *ai)
{
    if (gas_read16(&ai->pm1a_cnt) & PM1_SCI_EN || !ai->smi_cmd || !ai->acpi_enable)
        return;
    outb((uint16_t)ai->smi_cmd, ai->acpi_enable);
    uint64_t t0 = clock_us();
    while (!(gas_read16(&ai->pm1a_cnt) & PM1_SCI_EN) && clock_us() - t0 < 300000)
        cpu_relax();
}

void power_off(void)
{
    const struct acpi_info *ai = power_acpi;
    if (!ai || !ai->have_fadt || !ai->have_s5 || !ai->pm1a_cnt.address) {
        log_warn("poweroff: no ACPI S5 on this machine; halting instead\n");
        return;
    }
    log_info("poweroff: ACPI S5\n");
    acpi_enable_mode(ai);
    uint32_t a = gas_read16(&ai->pm1a_cnt) & ~(7u << PM1_SLP_TYP_SHIFT);
    gas_write(&ai->pm1a_cnt, a | ((uint32_t)ai->slp_typa << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
    if (ai->pm1b_cnt.address) {
        uint32_t b = gas_read16(&ai->pm1b_cnt) & ~(7u << PM1_SLP_TYP_SHIFT);
        gas_write(&ai->pm1b_cnt, b | ((uint32_t)ai->slp_typb << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
    }
    clock_delay_us(POWER_WAIT_US);
    log_warn("poweroff: ACPI S5 did not take effect; halting instead\n");
}

static void kbc_reset(void)
{
    for (unsigned i = 0; i < 100000 && (inb(KBC_STATUS) & KBC_IBF); i++)
        cpu_relax();
    outb(KBC_CMD, KBC_PULSE_RESET);
}

void power_reboot(void)
{
    const struct acpi_info *ai = power_acpi;
    log_info("reboot\n");
    if (ai && ai->reset_supported && gas_write(&ai->reset_reg, ai->reset_value) == 0)
        clock_delay_us(POWER_WAIT_US);
    kbc_reset();
    clock_delay_us(POWER_WAIT_US);
    /* Last resort: an exception with an empty IDT is a triple fault, which resets the CPU. */
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };
    __asm__ volatile("lidt %0; int3" : : "m"(none));
}

void power_halt(void)
{
    irq_disable();
    for (;;)
        cpu_halt();     /* NMIs still wake us: halt again */
}

void power_qemu_exit(uint16_t port, uint8_t status)
{
    outl(port, status);
}
