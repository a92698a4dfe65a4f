/*
 * What the boot loader told us, whatever protocol it spoke: Multiboot2 (GRUB, BIOS and UEFI),
 * Multiboot1 (QEMU -kernel, iPXE) or PVH (QEMU -kernel on microvm). Parsing copies everything
 * into this structure so the loader's memory can be reused afterwards.
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_MAGIC_MB2 0x36D76289u
#define BOOT_MAGIC_MB1 0x2BADB002u
#define BOOT_MAGIC_PVH 0x336EC578u   /* hvm_start_info.magic; boot.asm passes it in EAX */

enum boot_proto { BOOT_NONE, BOOT_MB2, BOOT_MB1, BOOT_PVH };

enum mem_type {
    MEM_USABLE = 1,
    MEM_RESERVED = 2,
    MEM_ACPI = 3,           /* ACPI tables: reclaimable once read */
    MEM_NVS = 4,
    MEM_BAD = 5,
};

struct mem_range {
    uint64_t base;
    uint64_t len;
    uint32_t type;
};

#define BOOTINFO_MAX_RANGES  256
#define BOOTINFO_CMDLINE_MAX (128 * 1024)     /* as CMDLINE_MAX_LEN: what a loader may pass */
#define BOOTINFO_DHCP_MAX    1500
#define BOOTINFO_MAX_MODULES 8
#define BOOTINFO_MODNAME_MAX 128

struct boot_fb {
    uint64_t addr;
    uint32_t pitch, width, height;
    uint8_t bpp, type;      /* type: 0 indexed, 1 RGB, 2 EGA text */
    /* type 1: each channel's lowest bit and width in bits (Multiboot2 section 3.6.12) */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

/* A file the loader put in memory beside the kernel (GRUB module2, iPXE module, QEMU -initrd). */
struct boot_module {
    uint64_t start, len;                /* physical; left where the loader put it (kmem keeps it) */
    char cmdline[BOOTINFO_MODNAME_MAX]; /* the loader's string: usually the file name, then words */
};

struct boot_info {
    enum boot_proto proto;
    char cmdline[BOOTINFO_CMDLINE_MAX];
    bool cmdline_truncated;
    char loader[64];
    struct mem_range mem[BOOTINFO_MAX_RANGES];  /* sorted, non-overlapping */
    unsigned nmem;
    const char *mem_source;
    uint8_t rsdp[36];       /* a copy: Multiboot2 passes the RSDP itself, not its address */
    size_t rsdp_len;
    uint64_t rsdp_addr;     /* physical address when the protocol gives one (PVH), else 0 */
    bool have_fb;
    struct boot_fb fb;
    uint64_t efi64_systab;
    bool efi_mmap;          /* the loader passed an EFI memory map */
    bool efi_bs_active;     /* the loader did not exit EFI boot services */
    uint8_t dhcp_ack[BOOTINFO_DHCP_MAX];    /* Multiboot2 network tag (UEFI PXE boot) */
    size_t dhcp_ack_len;
    struct boot_module modules[BOOTINFO_MAX_MODULES];
    unsigned nmodules;
    bool modules_dropped;   /* more modules than fit, or one with a bad address */
};

/*
 * The module a name means: the one with a word of that base name in its command line
 * ("/boot/ca.pem" and "x ca.pem" are both "ca.pem": loaders differ in whether they pass the
 * file's own path), or the only module when it has no name at all. NULL when none or more
 * than one match.
 */
const struct boot_module *bootinfo_module_find(const struct boot_info *bi, const char *name);

/*
 * Multiboot1 and PVH pass physical addresses; the parser reaches them through this callback,
 * which returns a pointer to len readable bytes at addr, or NULL. Multiboot2's block is
 * self-contained.
 */
typedef const void *(*phys_map_fn)(void *ctx, uint64_t addr, size_t len);

/* Each returns 0 or a negative error; on error bi->proto is still set for the message. */
int bootinfo_parse_mb2(struct boot_info *bi, const void *info, size_t avail);
int bootinfo_parse_mb1(struct boot_info *bi, uint64_t info_addr, phys_map_fn map, void *ctx);
int bootinfo_parse_pvh(struct boot_info *bi, uint64_t info_addr, phys_map_fn map, void *ctx);
int bootinfo_parse(struct boot_info *bi, uint32_t magic, uint64_t info, phys_map_fn map, void *ctx);

const char *bootinfo_proto_name(enum boot_proto p);

/* Sorts, splits overlaps (the more restrictive type wins) and merges; returns the new count. */
unsigned memmap_normalize(struct mem_range *r, unsigned n, unsigned cap);
uint64_t memmap_total(const struct mem_range *r, unsigned n, uint32_t type);

#endif
