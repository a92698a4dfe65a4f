; The boot sector of tools/mkimage's demo image: says on COM1 and the screen that it booted
; from the installed disk, then powers the (QEMU) machine off. 16-bit real mode, loaded at 0x7c00.
bits 16
org 0x7c00

COM1            equ 0x3f8
Q35_PM1A_CNT    equ 0x604       ; QEMU q35 (ICH9) PM1a control
PIIX_PM1A_CNT   equ 0xb004      ; QEMU pc (PIIX4) PM1a control
SLP_EN_S5       equ 0x2000      ; SLP_EN with SLP_TYP 0: S5 on QEMU's chipsets

start:
    cli
    xor ax, ax
    mov ds, ax
    mov ss, ax
    mov sp, 0x7c00
    mov si, message
.next:
    lodsb
    test al, al
    jz .off
    mov dx, COM1
    out dx, al
    mov ah, 0x0e                ; BIOS teletype, for a screen
    int 0x10
    jmp .next
.off:
    mov ax, SLP_EN_S5
    mov dx, Q35_PM1A_CNT
    out dx, ax
    mov dx, PIIX_PM1A_CNT
    out dx, ax
.halt:
    hlt
    jmp .halt

message: db 13, 10, "demo image: booted from the disk netplant installed", 13, 10, 0

times 510 - ($ - $$) db 0
dw 0xaa55
