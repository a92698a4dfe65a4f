; netplant's entry: boot headers for Multiboot2, Multiboot1 (a.out kludge) and PVH, then the
; switch from 32-bit protected mode to long mode, then kmain(magic, info).
;
; Every loader enters in 32-bit protected mode with paging off, but with its own CS value and
; its own leftovers in CR0/CR4/EFER (GRUB-EFI leaves WP and EFER.NXE set), so the code below
; loads its own GDT first and writes CR0, CR4 and EFER whole instead of setting bits.

bits 32

MB1_MAGIC       equ 0x1BADB002
MB1_F_MEMINFO   equ 1 << 1
MB1_F_ADDRS     equ 1 << 16         ; the a.out-kludge address fields below are valid
MB1_FLAGS       equ MB1_F_MEMINFO | MB1_F_ADDRS
MB2_MAGIC       equ 0xE85250D6
MB2_ARCH_I386   equ 0
PVH_BOOT_MAGIC  equ 0x336EC578      ; PVH passes no magic in EAX; we pass hvm_start_info's own
XEN_ELFNOTE_PHYS32_ENTRY equ 18

GDT_CODE32      equ 0x08
GDT_DATA        equ 0x10
GDT_CODE64      equ 0x18

CR0_PE          equ 1 << 0
CR0_MP          equ 1 << 1
CR0_ET          equ 1 << 4
CR0_NE          equ 1 << 5
CR0_WP          equ 1 << 16
CR0_PG          equ 1 << 31
CR4_PAE         equ 1 << 5
CR4_OSFXSR      equ 1 << 9          ; SSE instructions allowed: the SHA-NI hash path uses XMM registers
CR4_OSXMMEXCPT  equ 1 << 10         ; a SIMD floating-point fault raises #XM instead of #UD
MSR_EFER        equ 0xC0000080
EFER_LME        equ 1 << 8

PTE_P           equ 1 << 0
PTE_W           equ 1 << 1
PTE_PS          equ 1 << 7

COM1            equ 0x3F8
BOOT_STACK_SIZE equ 64 * 1024

extern _kernel_start, _edata, _end, __bss_start
extern kmain
global _start, pvh_start, boot_tsc, boot_pml4, boot_pd, boot_stack_bottom, boot_stack_top, gdt64, gdt64_ptr

section .multiboot1 progbits alloc noexec nowrite align=4
mb1_header:
    dd MB1_MAGIC
    dd MB1_FLAGS
    dd 0x100000000 - (MB1_MAGIC + MB1_FLAGS)
    dd mb1_header               ; header_addr
    dd _kernel_start            ; load_addr: the file is flat from here...
    dd _edata                   ; load_end_addr: ...to here
    dd _end                     ; bss_end_addr: the loader zeroes up to here
    dd _start                   ; entry_addr

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
    dd MB2_MAGIC
    dd MB2_ARCH_I386
    dd mb2_header_end - mb2_header
    dd 0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    ; No EFI boot-services tag: GRUB-EFI then exits boot services and enters us at _start.
    ; A framebuffer tag (3.1.10), optional, no preferred size: GRUB-EFI passes the GOP's
    ; framebuffer (and no longer warns that no console will be available to the OS); GRUB-BIOS
    ; keeps text mode unless gfxpayload= asks for a video mode.
    align 8
    dw 5                        ; framebuffer tag
    dw 1                        ; optional: boot even where there is no framebuffer
    dd 20
    dd 0                        ; width: no preference
    dd 0                        ; height: no preference
    dd 0                        ; depth: no preference
    align 8
    dw 0                        ; end tag
    dw 0
    dd 8
mb2_header_end:

section .note.pvh note alloc noexec nowrite align=4
    dd 4                        ; namesz: "Xen\0"
    dd 8                        ; descsz: a 64-bit address in an ELF64 file
    dd XEN_ELFNOTE_PHYS32_ENTRY
    db "Xen", 0
    dq pvh_start

section .boot.text progbits alloc exec nowrite align=16
pvh_start:
    ; PVH: EBX = hvm_start_info, 32-bit flat segments, paging off.
    mov eax, PVH_BOOT_MAGIC
_start:
    cli
    cld
    mov edi, eax
    mov esi, ebx
    lgdt [gdt64_ptr]
    jmp GDT_CODE32:.flat
.flat:
    mov ax, GDT_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    rdtsc                       ; time zero for "ms since kernel entry"
    mov [boot_tsc], eax
    mov [boot_tsc + 4], edx

    ; Zero .bss ourselves: PVH and some loaders zero it, not all promise to.
    push edi
    mov edi, __bss_start
    mov ecx, _end
    sub ecx, edi
    shr ecx, 2
    xor eax, eax
    rep stosd
    pop edi
    mov esp, boot_stack_top

    mov [boot_magic], edi
    mov [boot_info], esi

    ; Long mode must exist before any of the writes below.
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jz no_long_mode

    ; Identity-map the low 4 GiB with 2 MiB pages: the kernel, its boot data, firmware tables
    ; and the 32-bit MMIO hole. kmain maps RAM and MMIO above 4 GiB on demand.
    mov dword [boot_pml4], boot_pdpt + (PTE_P | PTE_W)
    mov edi, boot_pdpt
    mov eax, boot_pd + (PTE_P | PTE_W)
    mov ecx, 4
.pdpt:
    mov [edi], eax
    add eax, 4096
    add edi, 8
    loop .pdpt
    mov edi, boot_pd
    mov eax, PTE_P | PTE_W | PTE_PS
    mov ecx, 4 * 512
.pd:
    mov [edi], eax
    add eax, 1 << 21
    add edi, 8
    loop .pd

    ; No interrupt handler ever runs C or touches XMM state (the kernel polls; exceptions end it),
    ; so enabling SSE needs no save/restore: only code that uses XMM registers changes them.
    mov eax, CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT
    mov cr4, eax
    mov eax, boot_pml4
    mov cr3, eax
    mov ecx, MSR_EFER
    mov eax, EFER_LME           ; and NXE clear: our page tables never set NX
    xor edx, edx
    wrmsr
    mov eax, CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE
    mov cr0, eax
    jmp GDT_CODE64:long_mode

no_long_mode:
    mov esi, msg_no_lm
.next:
    lodsb
    test al, al
    jz .halt
    mov dx, COM1
    out dx, al
    jmp .next
.halt:
    hlt
    jmp .halt

bits 64
long_mode:
    mov ax, GDT_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    mov rsp, boot_stack_top
    xor ebp, ebp                ; ends the frame-pointer chain for stack traces
    mov edi, [boot_magic]
    mov esi, [boot_info]
    call kmain
.hang:
    cli
    hlt
    jmp .hang

section .rodata
msg_no_lm: db "netplant: this CPU has no long mode (x86_64); halting", 13, 10, 0

section .data
align 16
; null, 32-bit code, data, 64-bit code, then a 16-byte TSS descriptor that trap_init fills.
gdt64:
    dq 0
    dq 0x00CF9A000000FFFF       ; 0x08: 32-bit code, base 0, limit 4 GiB
    dq 0x00CF92000000FFFF       ; 0x10: data, base 0, limit 4 GiB
    dq 0x00AF9A000000FFFF       ; 0x18: 64-bit code (L=1)
    dq 0, 0                     ; 0x20: TSS
gdt64_end:
gdt64_ptr:
    dw gdt64_end - gdt64 - 1
    dq gdt64                    ; lgdt in 32-bit mode reads only the low 4 bytes
align 8
boot_tsc:   dq 0
boot_magic: dd 0
boot_info:  dd 0

section .bss
alignb 4096
boot_pml4:  resb 4096
boot_pdpt:  resb 4096
boot_pd:    resb 4 * 4096
alignb 16
boot_stack_bottom:
    resb BOOT_STACK_SIZE
boot_stack_top:

; No executable stack wanted: tells the linker so.
section .note.GNU-stack noalloc noexec nowrite progbits
