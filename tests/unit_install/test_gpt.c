/* install/gpt.c: CRC-32 against zlib's, finding a GPT and its sector size, and moving the
 * backup to the end of a larger disk (checked field by field, CRCs recomputed with zlib). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "install/gpt.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"

#define LEN (1u << 20)
static uint8_t img[LEN], out[64 * 1024];

static void p32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> 8 * i); }
static void p64(uint8_t *p, uint64_t v) { p32(p, (uint32_t)v); p32(p + 4, (uint32_t)(v >> 32)); }
static uint32_t g32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t g64(const uint8_t *p) { return g32(p) | (uint64_t)g32(p + 4) << 32; }

static uint32_t hcrc(uint8_t *h)
{
    uint8_t copy[92];
    memcpy(copy, h, 92);
    p32(copy + 16, 0);
    return (uint32_t)crc32(0, copy, 92);
}

/*
 * An image of image_lbas sectors of size s: protective MBR, header at LBA 1, 128 entries of
 * 128 bytes at LBA 2, one partition from LBA 34 (or 6 for 4K) to last (0: the last usable).
 */
static void make(uint32_t s, uint64_t image_lbas, uint64_t part_last)
{
    memset(img, 0, sizeof(img));
    uint64_t entry_lbas = 16384 / s, last = image_lbas - 1;
    img[446 + 4] = 0xEE;
    p32(img + 446 + 8, 1);
    p32(img + 446 + 12, (uint32_t)last);
    img[510] = 0x55, img[511] = 0xAA;
    uint8_t *e = img + 2 * s;
    memset(e, 0xAB, 16);                            /* a type GUID */
    p64(e + 32, 2 + entry_lbas);
    p64(e + 40, part_last ? part_last : last - entry_lbas - 1);
    uint8_t *h = img + s;
    memcpy(h, "EFI PART", 8);
    p32(h + 8, 0x00010000);
    p32(h + 12, 92);
    p64(h + 24, 1);
    p64(h + 32, last);
    p64(h + 40, 2 + entry_lbas);
    p64(h + 48, last - entry_lbas - 1);
    p64(h + 72, 2);
    p32(h + 80, 128);
    p32(h + 84, 128);
    p32(h + 88, (uint32_t)crc32(0, e, 16384));
    p32(h + 16, hcrc(h));
}

static void test_crc32(void)
{
    CHECK_EQ_U64(gpt_crc32(0, "123456789", 9), 0xCBF43926u);   /* the standard check value */
    CHECK_EQ_U64(gpt_crc32(0, "", 0), 0);
    for (int i = 0; i < 1000; i++)
        img[i] = (uint8_t)rand();
    CHECK_EQ_U64(gpt_crc32(0, img, 1000), crc32(0, img, 1000));
    CHECK_EQ_U64(gpt_crc32(gpt_crc32(0, img, 300), img + 300, 700), crc32(0, img, 1000));
}

static void test_probe(void)
{
    struct gpt_info g;
    make(512, 2048, 0);
    CHECK_EQ_U64(gpt_probe(img, LEN, &g), 512);
    CHECK_EQ_U64(g.alt_lba, 2047);
    CHECK_EQ_U64(g.entries_bytes, 16384);
    CHECK_EQ_U64(gpt_probe(img, 1023, &g), 0);              /* the header not all there */
    make(4096, 256, 0);
    CHECK_EQ_U64(gpt_probe(img, LEN, &g), 4096);
    CHECK_EQ_U64(gpt_probe(img, 8191, &g), 0);
    img[4096 + 20] ^= 1;                                    /* reserved field: under the CRC */
    CHECK_EQ_U64(gpt_probe(img, LEN, &g), 0);
    make(512, 2048, 0);
    p32(img + 512 + 12, 600);                               /* header larger than its sector */
    CHECK_EQ_U64(gpt_probe(img, LEN, &g), 0);
    make(512, 2048, 0);
    p32(img + 512 + 84, 100);                               /* entry size not 128 * 2^n */
    p32(img + 512 + 16, hcrc(img + 512));
    CHECK_EQ_U64(gpt_probe(img, LEN, &g), 0);
    memset(img, 0, 1024);
    CHECK_EQ_U64(gpt_probe(img, LEN, &g), 0);
    CHECK(!gpt_has_mbr(img, LEN));
    img[510] = 0x55, img[511] = 0xAA;
    CHECK(gpt_has_mbr(img, LEN));
}

static void check_relocated(uint32_t s, uint64_t disk_lbas)
{
    struct gpt_info g;
    uint64_t lba = 0;
    size_t n = 0;
    CHECK_EQ_U64(gpt_probe(img, LEN, &g), s);
    CHECK_EQ_I64(gpt_relocate(img, LEN, &g, disk_lbas, out, sizeof(out), &lba, &n), 0);
    uint64_t last = disk_lbas - 1, entry_lbas = 16384 / s;
    uint8_t *h = img + s, *b = out + entry_lbas * s;
    CHECK_EQ_U64(lba, last - entry_lbas);
    CHECK_EQ_U64(n, (entry_lbas + 1) * s);
    CHECK_EQ_U64(g64(h + 32), last);
    CHECK_EQ_U64(g64(h + 48), last - entry_lbas - 1);
    CHECK_EQ_U64(g32(h + 16), hcrc(h));
    CHECK(!memcmp(b, "EFI PART", 8));
    CHECK_EQ_U64(g64(b + 24), last);
    CHECK_EQ_U64(g64(b + 32), 1);
    CHECK_EQ_U64(g64(b + 72), last - entry_lbas);
    CHECK_EQ_U64(g32(b + 16), hcrc(b));
    CHECK(!memcmp(out, img + 2 * s, 16384));                /* the same entries */
    CHECK_EQ_U64(g32(img + 446 + 12), last > 0xFFFFFFFFu ? 0xFFFFFFFFu : last);
    /* Once moved, there is nothing more to do. */
    CHECK_EQ_U64(gpt_probe(img, LEN, &g), s);
    CHECK_EQ_I64(gpt_relocate(img, LEN, &g, disk_lbas, out, sizeof(out), &lba, &n), 1);
}

static void test_relocate(void)
{
    make(512, 2048, 0);
    check_relocated(512, 65536);
    make(4096, 256, 0);
    check_relocated(4096, 8192);
    make(512, 2048, 0);
    check_relocated(512, 1ull << 40);                       /* the MBR's size saturates */
}

static void test_relocate_refused(void)
{
    struct gpt_info g;
    uint64_t lba;
    size_t n;
    /* A partition reaching past where the moved backup's entries would start. */
    make(512, 4096, 4096 - 40);
    p64(img + 512 + 32, 8191);      /* the image says it is for a larger disk */
    p64(img + 512 + 48, 8000);
    p32(img + 512 + 16, hcrc(img + 512));
    CHECK_EQ_U64(gpt_probe(img, LEN, &g), 512);
    CHECK_EQ_I64(gpt_relocate(img, LEN, &g, 4050, out, sizeof(out), &lba, &n), -NP_ENOSPC);
    /* Entries whose CRC is wrong are not copied anywhere. */
    make(512, 2048, 0);
    img[2 * 512 + 200] ^= 1;
    CHECK_EQ_U64(gpt_probe(img, LEN, &g), 512);
    CHECK_EQ_I64(gpt_relocate(img, LEN, &g, 65536, out, sizeof(out), &lba, &n), -NP_EBADMSG);
    /* Entries beyond what the buffer holds; an output too small. */
    make(512, 2048, 0);
    CHECK_EQ_U64(gpt_probe(img, LEN, &g), 512);
    CHECK_EQ_I64(gpt_relocate(img, 4096, &g, 65536, out, sizeof(out), &lba, &n), -NP_EBADMSG);
    CHECK_EQ_I64(gpt_relocate(img, LEN, &g, 65536, out, 1024, &lba, &n), -NP_ERANGE);
    CHECK_EQ_I64(gpt_relocate(img, LEN, &g, 10, out, sizeof(out), &lba, &n), -NP_EBADMSG);
    /* Nothing was changed by any refusal. */
    CHECK_EQ_U64(g64(img + 512 + 32), 2047);
}

int main(void)
{
    TEST_RUN(test_crc32);
    TEST_RUN(test_probe);
    TEST_RUN(test_relocate);
    TEST_RUN(test_relocate_refused);
    return test_finish();
}
