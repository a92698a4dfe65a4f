/*
 * IDT and TSS, and the exception dump: vector, error code, RIP, CR2, every register and a
 * frame-pointer stack trace, then a stop with the "fault" exit status. netplant polls and never
 * enables interrupts, so the IDT holds only the 32 exception vectors.
 */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "kernel/console.h"
#include "kernel/exit.h"
#include "kernel/string.h"

#define GDT_CODE64      0x18
#define GDT_TSS         0x20
#define IDT_INTERRUPT   0x8E    /* present, DPL 0, 64-bit interrupt gate */
#define IST_CRITICAL    1       /* #DF, NMI and #MC run on their own stack: RSP may be bad */
#define VEC_NMI         2
#define VEC_DF          8
#define VEC_PF          14
#define VEC_MC          18
#define TRACE_DEPTH     16

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_frame must match isr.asm");

struct idt_gate {
    uint16_t off_lo, selector;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} __attribute__((packed));

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

extern const uint64_t isr_table[32];
extern uint64_t gdt64[];

static struct idt_gate idt[32] __attribute__((aligned(16)));
static struct tss tss __attribute__((aligned(16)));
static uint8_t ist_stack[16384] __attribute__((aligned(16)));
static bool in_trap;

static const char *const vector_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available", "#DF double fault",
    "coprocessor overrun", "#TS invalid TSS", "#NP segment not present", "#SS stack fault",
    "#GP general protection", "#PF page fault", "reserved 15", "#MF x87 error",
    "#AC alignment check", "#MC machine check", "#XM SIMD error", "#VE virtualization",
    "#CP control protection", "reserved 22", "reserved 23", "reserved 24", "reserved 25",
    "reserved 26", "reserved 27", "#HV hypervisor injection", "#VC VMM communication",
    "#SX security", "reserved 31",
};

static void tss_install(void)
{
    uint64_t base = (uint64_t)&tss;
    uint64_t limit = sizeof(tss) - 1;

    tss.ist[IST_CRITICAL - 1] = (uint64_t)(ist_stack + sizeof(ist_stack));
    tss.iomap_base = sizeof(tss);   /* no I/O permission bitmap */
    /* 16-byte system descriptor: type 9 (available 64-bit TSS), present. */
    gdt64[GDT_TSS / 8] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
                         ((limit >> 16 & 0xF) << 48) | ((base >> 24 & 0xFF) << 56);
    gdt64[GDT_TSS / 8 + 1] = base >> 32;
    __asm__ volatile("ltr %w0" : : "r"(GDT_TSS));
}

void trap_init(void)
{
    for (unsigned v = 0; v < 32; v++) {
        uint64_t a = isr_table[v];
        bool critical = v == VEC_NMI || v == VEC_DF || v == VEC_MC;
        idt[v] = (struct idt_gate){ (uint16_t)a, GDT_CODE64, critical ? IST_CRITICAL : 0,
                                    IDT_INTERRUPT, (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0 };
    }
    tss_install();
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
    /* Mask both 8259 PICs: a stray legacy IRQ would otherwise land on an exception vector. */
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
}

/* A frame pointer is followed only while it stays in the kernel's mapped low memory. */
static bool frame_ok(uint64_t fp, uint64_t prev)
{
    return fp > prev && (fp & 7) == 0 && fp >= 0x1000 && fp + 16 <= (4ull << 30);
}

static void trap_stack_trace(const struct trap_frame *f)
{
    log_printf(LOG_ERR, "stack trace (addr2line -e netplant.elf ADDR):\n");
    log_printf(LOG_ERR, "  #0  0x%016llx\n", (unsigned long long)f->rip);
    uint64_t fp = f->rbp, prev = 0;
    for (int i = 1; i < TRACE_DEPTH && frame_ok(fp, prev); i++) {
        const uint64_t *frame = (const uint64_t *)fp;
        if (frame[1] == 0)
            break;
        log_printf(LOG_ERR, "  #%-2d 0x%016llx\n", i, (unsigned long long)frame[1]);
        prev = fp;
        fp = frame[0];
    }
}

static void trap_dump(const struct trap_frame *f)
{
    const char *name = f->vector < 32 ? vector_names[f->vector] : "unknown";
    log_printf(LOG_ERR, "EXCEPTION %s (vector %llu) error=0x%llx\n", name,
               (unsigned long long)f->vector, (unsigned long long)f->error);
    log_printf(LOG_ERR, "RIP=%016llx CS=%04llx RFLAGS=%016llx RSP=%016llx SS=%04llx\n",
               (unsigned long long)f->rip, (unsigned long long)f->cs, (unsigned long long)f->rflags,
               (unsigned long long)f->rsp, (unsigned long long)f->ss);
    log_printf(LOG_ERR, "CR2=%016llx CR3=%016llx CR0=%016llx CR4=%016llx\n",
               (unsigned long long)read_cr2(), (unsigned long long)read_cr3(),
               (unsigned long long)read_cr0(), (unsigned long long)read_cr4());
    log_printf(LOG_ERR, "RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n",
               (unsigned long long)f->rax, (unsigned long long)f->rbx, (unsigned long long)f->rcx, (unsigned long long)f->rdx);
    log_printf(LOG_ERR, "RSI=%016llx RDI=%016llx RBP=%016llx R8 =%016llx\n",
               (unsigned long long)f->rsi, (unsigned long long)f->rdi, (unsigned long long)f->rbp, (unsigned long long)f->r8);
    log_printf(LOG_ERR, "R9 =%016llx R10=%016llx R11=%016llx R12=%016llx\n",
               (unsigned long long)f->r9, (unsigned long long)f->r10, (unsigned long long)f->r11, (unsigned long long)f->r12);
    log_printf(LOG_ERR, "R13=%016llx R14=%016llx R15=%016llx\n",
               (unsigned long long)f->r13, (unsigned long long)f->r14, (unsigned long long)f->r15);
    if (f->vector == VEC_PF)
        log_printf(LOG_ERR, "page fault: %s of %s address, %s mode\n",
                   f->error & 2 ? "write" : "read", f->error & 1 ? "a protected" : "an unmapped",
                   f->error & 4 ? "user" : "kernel");
    trap_stack_trace(f);
}

void trap_dispatch(struct trap_frame *f);
void trap_dispatch(struct trap_frame *f)
{
    if (in_trap) {
        /* A fault inside the dump: say so once and stop without touching anything else. */
        log_printf(LOG_ERR, "EXCEPTION vector %llu while handling an exception\n",
                   (unsigned long long)f->vector);
        np_finish_now(NP_EXIT_FAULT);
    }
    in_trap = true;
    trap_dump(f);
    np_finish(NP_EXIT_FAULT);
}
