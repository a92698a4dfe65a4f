/*
 * install/qcow2.c: the header's checks and refusals, and the map built from L1 and L2 tables
 * laid out by hand in a file in memory (qcow2.txt 2.1, 2.4, 2.5): data runs in file order,
 * zero and unallocated ranges in guest order, compressed descriptors, coalesced table reads,
 * the bound on the map's memory, and each table error.
 */
#include <stdlib.h>
#include <string.h>

#include "install/qcow2.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"

#define FILE_BYTES  (256u << 10)
#define CB          9u          /* 512-byte clusters: an L2 table covers 64 clusters, 32 KiB */
#define CS          (1u << CB)

static uint8_t file[FILE_BYTES];
static unsigned reads;
static char why[QCOW2_WHY_MAX];

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

/* A header: version, cluster bits, virtual size, L1 entries at l1 (v3: 104-byte header). */
static void header(uint32_t version, uint32_t cb, uint64_t size, uint32_t l1_size, uint64_t l1)
{
    memset(file, 0, sizeof(file));
    memcpy(file, "QFI\xfb", 4);
    put32(file + 4, version);
    put32(file + 20, cb);
    put64(file + 24, size);
    put32(file + 36, l1_size);
    put64(file + 40, l1);
    if (version == 3) {
        put32(file + 96, 4);    /* refcount_order */
        put32(file + 100, 104);
    }
}

static int parse(struct qcow2_header *h)
{
    return qcow2_header_parse(file, QCOW2_HEADER_BYTES, FILE_BYTES, h, why, sizeof(why));
}

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    (void)ctx;
    reads++;
    if (off > FILE_BYTES || len > FILE_BYTES - off)
        return -1;
    memcpy(buf, file + off, len);
    return 0;
}

static uint64_t map_mem[4096];
static uint8_t scratch[3u << 16];     /* 64 KiB clusters need two and a bit */

static int build(struct qcow2_map *m, const struct qcow2_header *h, size_t mem_bytes)
{
    reads = 0;
    qcow2_map_init(m, map_mem, mem_bytes);
    return qcow2_map_build(m, h, FILE_BYTES, mem_read, NULL, scratch, sizeof(scratch));
}

static void test_header_ok(void)
{
    struct qcow2_header h;
    header(2, 16, 10u << 20, 1, 0x30000);
    CHECK_EQ_I64(parse(&h), 0);
    CHECK_EQ_U64(h.version, 2);
    CHECK_EQ_U64(h.cluster_size, 65536);
    CHECK_EQ_U64(h.size, 10u << 20);
    header(3, 16, 10u << 20, 1, 0x30000);
    put64(file + 72, 1);    /* dirty: refcounts may be stale, never read here */
    CHECK_EQ_I64(parse(&h), 0);
    CHECK_EQ_U64(h.version, 3);
    put64(file + 72, 1u << 3);  /* compression type named: zlib */
    put32(file + 100, 112);
    CHECK_EQ_I64(parse(&h), 0);
    CHECK_EQ_U64(h.compression, QCOW2_COMPRESSION_ZLIB);
    file[104] = 1;
    CHECK_EQ_I64(parse(&h), 0);
    CHECK_EQ_U64(h.compression, QCOW2_COMPRESSION_ZSTD);
    put64(file + 72, 0);        /* without the feature bit the byte does not count */
    CHECK_EQ_I64(parse(&h), 0);
    CHECK_EQ_U64(h.compression, QCOW2_COMPRESSION_ZLIB);
}

/* Each refusal names its reason. */
static void refused(const char *fragment)
{
    struct qcow2_header h;
    if (!CHECK_EQ_I64(parse(&h), -1) || !CHECK(strstr(why, fragment) != NULL))
        fprintf(stderr, "  why: %s (want \"%s\")\n", why, fragment);
}

static void test_header_refused(void)
{
    header(1, 16, 1u << 20, 1, 0x30000);
    refused("version 1");
    header(3, 16, 1u << 20, 1, 0x30000);
    memcpy(file, "QFI\xfa", 4);
    refused("too short for a qcow2 header");
    header(2, 16, 1u << 20, 1, 0x30000);
    put64(file + 8, 0x200);
    refused("backing file");
    header(2, 16, 1u << 20, 1, 0x30000);
    put32(file + 32, 2);
    refused("encrypted");
    header(2, 8, 1u << 20, 1, 0x30000);
    refused("cluster size");
    header(2, 22, 1u << 20, 1, 0x30000);
    refused("cluster size");
    header(2, 16, 0, 1, 0x30000);
    refused("virtual size 0");
    header(3, 16, 1u << 20, 1, 0x30000);
    put64(file + 72, 1u << 1);
    refused("marked corrupt");
    header(3, 16, 1u << 20, 1, 0x30000);
    put64(file + 72, 1u << 2);
    refused("external data file");
    header(3, 16, 1u << 20, 1, 0x30000);
    put64(file + 72, 1u << 4);
    refused("extended L2");
    header(3, 16, 1u << 20, 1, 0x30000);
    put64(file + 72, 1u << 3);
    put32(file + 100, 112);
    file[104] = 2;
    refused("unknown compression type");
    header(3, 16, 1u << 20, 1, 0x30000);
    put64(file + 72, 1u << 9);
    refused("incompatible feature bits netplant does not know");
    header(3, 16, 1u << 20, 1, 0x30000);
    put32(file + 100, 100);
    refused("cut short");
    /* L1: too few entries for the size, unaligned, past the file. */
    header(2, 9, 100u << 10, 3, 0x400);
    refused("L1 table");
    header(2, 9, 100u << 10, 4, 0x401);
    refused("L1 table");
    header(2, 9, 100u << 10, 4, FILE_BYTES);
    refused("L1 table");
    /* Too short to be a header at all. */
    struct qcow2_header h;
    header(2, 16, 1u << 20, 1, 0x30000);
    CHECK_EQ_I64(qcow2_header_parse(file, 71, FILE_BYTES, &h, why, sizeof(why)), -1);
}

#define L1_AT   0x400u      /* 4 entries: guest 0, 32 KiB, 64 KiB, 96 KiB */
#define L2_A    0x800u
#define L2_B    0xa00u      /* right after L2_A: entries 0 and 1 of L1 read together */
#define L2_C    0x1000u

static uint8_t *l2(uint32_t at, unsigned i)
{
    return file + at + 8 * i;
}

/*
 * 100 KiB guest disk, 512-byte clusters (200 of them). L1[0] -> L2_A, L1[1] -> L2_B (adjacent:
 * one read), L1[2] none (32 KiB of zeros), L1[3] -> L2_C (clusters 192..199, the last ones).
 */
static void layout(uint32_t version)
{
    header(version, CB, 100u << 10, 4, L1_AT);
    put64(file + L1_AT, L2_A | 1ull << 63);
    put64(file + L1_AT + 8, L2_B);
    put64(file + L1_AT + 24, L2_C);
    /* L2_A: clusters 0-3 data at 0x10000.. (one run), 4 unallocated, 5 data at 0x20000,
       6 data before everything else in the file, 7 compressed, the rest unallocated. */
    for (unsigned i = 0; i < 4; i++)
        put64(l2(L2_A, i), (0x10000 + i * CS) | 1ull << 63);
    put64(l2(L2_A, 5), 0x20000);
    put64(l2(L2_A, 6), 0x8000);
    /* Compressed: x = 62 - (9 - 8) = 61; offset 0x30010, 1 more sector: 2 * 512 - 16 bytes. */
    put64(l2(L2_A, 7), 1ull << 62 | 1ull << 61 | 0x30010);
    /* L2_B: cluster 64 data (guest 32 KiB), 65 zero (v3) or data */
    put64(l2(L2_B, 0), 0x21000);
    put64(l2(L2_B, 1), version == 3 ? (0x21200 | 1) : 0x21200);
    /* L2_C: cluster 199 (the last) data. */
    put64(l2(L2_C, 7), 0x22000);
}

static void test_map(void)
{
    struct qcow2_header h;
    struct qcow2_map m;
    layout(3);
    if (!CHECK_EQ_I64(parse(&h), 0))
        return;
    if (!CHECK_EQ_I64(build(&m, &h, sizeof(map_mem)), 0)) {
        fprintf(stderr, "  why: %s\n", m.why);
        return;
    }
    CHECK_EQ_U64(reads, 3);     /* L1, L2_A with L2_B, L2_C */
    /* Data in file order: 0x8000 (guest 6), 0x10000 run (guest 0-3), 0x20000 (5), 0x21000 (64),
       0x22000 (199), 0x30010 compressed (7). */
    if (!CHECK_EQ_U64(m.ndata, 6))
        return;
    CHECK_EQ_U64(m.data[0].host, 0x8000);
    CHECK_EQ_U64(m.data[0].guest, 6 * CS);
    CHECK_EQ_U64(m.data[1].host, 0x10000);
    CHECK_EQ_U64(m.data[1].guest, 0);
    CHECK_EQ_U64(m.data[1].len, 4 * CS);
    CHECK_EQ_U64(m.data[2].guest, 5 * CS);
    CHECK_EQ_U64(m.data[3].guest, 64 * CS);
    CHECK_EQ_U64(m.data[3].len, CS);
    CHECK_EQ_U64(m.data[4].guest, 199 * CS);
    CHECK_EQ_U64(m.data[5].host, 0x30010);
    CHECK_EQ_U64(m.data[5].clen, 2 * 512 - 16);
    CHECK_EQ_U64(m.data[5].len, CS);
    CHECK_EQ_U64(m.compressed, 1);
    CHECK_EQ_U64(m.data_bytes, 9 * CS);
    CHECK_EQ_U64(m.data_bytes + m.zero_bytes, 100u << 10);
    /* Zeros in guest order, merged: 4; 8-63; 65 (zero flag), L2_B's rest, L1[2]'s none, 192-198. */
    if (!CHECK_EQ_U64(m.nzero, 3))
        return;
    CHECK_EQ_U64(m.zero[0].guest, 4 * CS);
    CHECK_EQ_U64(m.zero[0].len, CS);
    CHECK_EQ_U64(m.zero[1].guest, 8 * CS);
    CHECK_EQ_U64(m.zero[1].len, 56 * CS);
    CHECK_EQ_U64(m.zero[2].guest, 65 * CS);
    CHECK_EQ_U64(m.zero[2].len, (199 - 65) * CS);
}

/* Version 2 has no zero flag: bit 0 set there is a reserved bit. */
static void test_map_v2(void)
{
    struct qcow2_header h;
    struct qcow2_map m;
    layout(2);
    CHECK_EQ_I64(parse(&h), 0);
    CHECK_EQ_I64(build(&m, &h, sizeof(map_mem)), 0);
    CHECK_EQ_U64(m.data_bytes, 10 * CS);
    layout(2);
    put64(l2(L2_B, 1), 0x21200 | 1);
    CHECK_EQ_I64(parse(&h), 0);
    CHECK_EQ_I64(build(&m, &h, sizeof(map_mem)), -NP_EBADMSG);
    CHECK(strstr(m.why, "reserved bits") != NULL);
}

/* The last cluster of a disk that ends inside one: only the guest bytes count. */
static void test_partial_last(void)
{
    struct qcow2_header h;
    struct qcow2_map m;
    header(3, 16, 100000, 1, 0x10000);
    put64(file + 0x10000, 0x20000);
    put64(file + 0x20000, 0x30000);
    put64(file + 0x20008, 0x40000);
    CHECK_EQ_I64(parse(&h), 0);
    /* Cluster 1 (guest 65536..100000) at 0x40000 = 256 KiB: past the file (256 KiB long). */
    CHECK_EQ_I64(build(&m, &h, sizeof(map_mem)), -NP_EBADMSG);
    CHECK(strstr(m.why, "past the file's end") != NULL);
    put64(file + 0x20008, 0x30000);     /* the same host cluster as cluster 0: shared */
    CHECK_EQ_I64(build(&m, &h, sizeof(map_mem)), -NP_EBADMSG);
    CHECK(strstr(m.why, "share") != NULL);
    put64(file + 0x20008, 0x30200);     /* on a sector, not on a 64 KiB cluster */
    CHECK_EQ_I64(build(&m, &h, sizeof(map_mem)), -NP_EBADMSG);
    CHECK(strstr(m.why, "not cluster-aligned") != NULL);
    put64(file + 0x20008, 0x30000);
    put64(file + 0x20000, 0);
    CHECK_EQ_I64(build(&m, &h, sizeof(map_mem)), 0);
    CHECK_EQ_U64(m.ndata, 1);
    CHECK_EQ_U64(m.data[0].len, 100000 - 65536);
    CHECK_EQ_U64(m.zero_bytes, 65536);
}

static void test_table_errors(void)
{
    struct qcow2_header h;
    struct qcow2_map m;
    layout(3);
    put64(file + L1_AT + 16, FILE_BYTES);   /* L1[2]: an L2 table past the file's end */
    parse(&h);
    CHECK_EQ_I64(build(&m, &h, sizeof(map_mem)), -NP_EBADMSG);
    CHECK(strstr(m.why, "L2 table lies outside") != NULL);
    layout(3);
    put64(file + L1_AT + 16, 1ull << 60);   /* reserved bits in L1 */
    CHECK_EQ_I64(build(&m, &h, sizeof(map_mem)), -NP_EBADMSG);
    CHECK(strstr(m.why, "L1 entry sets reserved bits") != NULL);
    layout(3);
    put64(l2(L2_A, 9), 0x20100);    /* bit 8: reserved */
    CHECK_EQ_I64(build(&m, &h, sizeof(map_mem)), -NP_EBADMSG);
    CHECK(strstr(m.why, "L2 entry sets reserved bits") != NULL);
    layout(3);
    put64(l2(L2_A, 9), 1ull << 62 | FILE_BYTES);    /* compressed, past the end */
    CHECK_EQ_I64(build(&m, &h, sizeof(map_mem)), -NP_EBADMSG);
    CHECK(strstr(m.why, "compressed cluster lies past") != NULL);
    layout(3);
    put64(l2(L2_A, 9), 1ull << 62 | 1ull << 61 | (FILE_BYTES - 100));  /* runs past: clipped */
    CHECK_EQ_I64(build(&m, &h, sizeof(map_mem)), 0);
    CHECK_EQ_U64(m.data[m.ndata - 1].clen, 100);
    layout(3);
    put64(l2(L2_A, 9), 0x30010);    /* inside the compressed cluster's first sector: shared */
    CHECK_EQ_I64(build(&m, &h, sizeof(map_mem)), -NP_EBADMSG);
}

/* Too little memory: refused, with the number of entries it would take. */
static void test_map_memory(void)
{
    struct qcow2_header h;
    struct qcow2_map m;
    layout(3);
    parse(&h);
    CHECK_EQ_I64(build(&m, &h, 2 * QCOW2_MAP_ENTRY_BYTES), -NP_ENOMEM);
    CHECK_EQ_U64(m.need_data, 6);
    CHECK(m.need_zero >= 3);
    CHECK_EQ_I64(build(&m, &h, 6 * QCOW2_MAP_ENTRY_BYTES), 0);
    /* Too small a scratch buffer for the tables. */
    reads = 0;
    qcow2_map_init(&m, map_mem, sizeof(map_mem));
    CHECK_EQ_I64(qcow2_map_build(&m, &h, FILE_BYTES, mem_read, NULL, scratch, CS), -NP_EINVAL);
}

int main(void)
{
    TEST_RUN(test_header_ok);
    TEST_RUN(test_header_refused);
    TEST_RUN(test_map);
    TEST_RUN(test_map_v2);
    TEST_RUN(test_partial_last);
    TEST_RUN(test_table_errors);
    TEST_RUN(test_map_memory);
    return test_finish();
}
