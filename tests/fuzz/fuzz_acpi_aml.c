/*
 * Fuzz target: acpi_aml_find_s5 on the input as an AML byte stream, acpi_rsdp_check on it as
 * an RSDP, and acpi_parse_fadt on it as a FADT. libFuzzer's input is an exact-size heap
 * buffer, so ASan sees any read past it.
 */
#include <stdint.h>
#include <string.h>

#include "kernel/acpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t a = 0, b = 0;
    (void)acpi_aml_find_s5(data, size, &a, &b);

    int n = acpi_rsdp_check(data, size);
    if (n > 0 && ((size_t)n > size || (n != 20 && n != 36)))
        __builtin_trap();

    struct acpi_info ai;
    memset(&ai, 0, sizeof(ai));
    (void)acpi_parse_fadt(&ai, data, size);
    return 0;
}
