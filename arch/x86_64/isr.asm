; Exception entry stubs: each pushes an error code (the CPU's, or 0) and its vector, then
; saves every general register and calls trap_dispatch(struct trap_frame *).

bits 64
extern trap_dispatch
global isr_table

section .text

%macro ISR_NOERR 1
isr_%1:
    push 0
    push %1
    jmp isr_common
%endmacro

%macro ISR_ERR 1
isr_%1:
    push %1
    jmp isr_common
%endmacro

; Vectors 8, 10-14, 17, 21, 29 and 30 push an error code.
%assign v 0
%rep 32
%if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
    ISR_ERR v
%else
    ISR_NOERR v
%endif
%assign v v + 1
%endrep

isr_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp
    cld                         ; the C ABI wants DF clear
    ; Align the stack for the call; the frame pointer survives in rbx.
    mov rbx, rsp
    and rsp, ~15
    call trap_dispatch
    mov rsp, rbx
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16                 ; vector and error code
    iretq

section .rodata
align 8
isr_table:
%assign v 0
%rep 32
    dq isr_ %+ v
%assign v v + 1
%endrep

; No executable stack wanted: tells the linker so.
section .note.GNU-stack noalloc noexec nowrite progbits
