/* x86_64 CPU access: one accessor family for port I/O and MMIO, MSRs, CPUID, control registers. */
#ifndef ARCH_X86_64_CPU_H
#define ARCH_X86_64_CPU_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

/* MMIO: exact-width volatile accesses; a 64-bit register is two 32-bit accesses (low first). */
static inline uint8_t mmio_read8(const volatile void *p) { return *(const volatile uint8_t *)p; }
static inline uint16_t mmio_read16(const volatile void *p) { return *(const volatile uint16_t *)p; }
static inline uint32_t mmio_read32(const volatile void *p) { return *(const volatile uint32_t *)p; }
static inline void mmio_write8(volatile void *p, uint8_t v) { *(volatile uint8_t *)p = v; }
static inline void mmio_write16(volatile void *p, uint16_t v) { *(volatile uint16_t *)p = v; }
static inline void mmio_write32(volatile void *p, uint32_t v) { *(volatile uint32_t *)p = v; }
static inline void mmio_write64_split(volatile void *p, uint64_t v)
{
    mmio_write32(p, (uint32_t)v);
    mmio_write32((volatile uint8_t *)p + 4, (uint32_t)(v >> 32));
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    /* lfence: keep the read from being hoisted above earlier loads when timing a region. */
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void cpu_halt(void) { __asm__ volatile("hlt"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }

/* Compiler-only barrier: x86 keeps stores ordered with stores and loads with loads. */
#define barrier() __asm__ volatile("" ::: "memory")

#endif
