/*
 * ACPI table discovery (ACPI 6.5 chapter 5): RSDP, RSDT/XSDT, FADT and the \_S5 sleep type
 * from the DSDT. Pure parsing over a physical-memory callback; the power code does the I/O.
 */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/bootinfo.h"

#define ACPI_SDT_HEADER_LEN 36

/* Generic Address Structure (ACPI 6.5 section 5.2.3.2). */
struct acpi_gas {
    uint8_t space;          /* 0 system memory, 1 system I/O */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
};
#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO     1

struct acpi_info {
    bool found;
    uint8_t revision;       /* RSDP revision: 0 = ACPI 1.0 (RSDT only), 2 = XSDT */
    uint64_t rsdp_phys;     /* 0 when the RSDP came as a copy (Multiboot2) */
    uint64_t root;          /* XSDT when present, else RSDT */
    bool root_is_xsdt;
    char oem[7];

    bool have_fadt;
    uint32_t smi_cmd;
    uint8_t acpi_enable;
    struct acpi_gas pm1a_cnt, pm1b_cnt, pm_tmr;
    bool pm_tmr_32bit;
    bool reset_supported;
    struct acpi_gas reset_reg;
    uint8_t reset_value;
    bool hw_reduced;
    uint64_t dsdt;

    bool have_s5;
    uint8_t slp_typa, slp_typb;
};

/* Checks the signature and the checksums of an RSDP of len bytes; returns its length or < 0. */
int acpi_rsdp_check(const uint8_t *p, size_t len);

/* Finds the RSDP in the EBDA's first KiB, then in 0xE0000-0xFFFFF (BIOS machines only). */
uint64_t acpi_rsdp_scan(phys_map_fn map, void *ctx);

/* Fills ai from an RSDP copy (len bytes) or, when rsdp is NULL, from rsdp_phys. */
int acpi_init(struct acpi_info *ai, const uint8_t *rsdp, size_t len, uint64_t rsdp_phys,
              phys_map_fn map, void *ctx);

/* Physical address of the index-th table with this signature, after checking its checksum; 0 if none. */
uint64_t acpi_find_table(const struct acpi_info *ai, const char sig[4], unsigned index,
                         phys_map_fn map, void *ctx);

/* Reads SLP_TYPa/b from the \_S5 package in an AML byte stream. */
int acpi_aml_find_s5(const uint8_t *aml, size_t len, uint8_t *typa, uint8_t *typb);

/* Decodes a FADT of len bytes into ai. */
int acpi_parse_fadt(struct acpi_info *ai, const uint8_t *fadt, size_t len);

bool acpi_checksum_ok(const uint8_t *p, size_t len);

#endif
