/*
 * libFuzzer target: install/gpt.c on any image start (the image is the network's). gpt_probe
 * and gpt_relocate must stay inside the buffers; when a relocation succeeds the result must be
 * a table gpt_probe accepts again, whose backup sits at the disk's last LBA, and relocating it
 * once more must change nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "install/gpt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "tests/fuzz/require.h"

static uint8_t out[GPT_ENTRIES_MAX + 4096];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gpt_info g, again;
    uint64_t lba;
    size_t n;
    if (size < 8)
        return 0;
    /* The first 8 bytes choose the disk's size in sectors; the rest is the image. */
    uint64_t disk_lbas;
    memcpy(&disk_lbas, data, 8);
    disk_lbas %= 1ull << 34;
    uint8_t *img = malloc(size - 8);
    if (!img)
        return 0;
    memcpy(img, data + 8, size - 8);
    if (gpt_probe(img, size - 8, &g) && gpt_relocate(img, size - 8, &g, disk_lbas, out, sizeof(out), &lba, &n) == 0) {
        REQUIRE(gpt_probe(img, size - 8, &again) == g.sector);
        REQUIRE(again.alt_lba == disk_lbas - 1);
        REQUIRE(lba + n / g.sector == disk_lbas);
        REQUIRE(gpt_relocate(img, size - 8, &again, disk_lbas, out, sizeof(out), &lba, &n) == 1);
    }
    free(img);
    return 0;
}
