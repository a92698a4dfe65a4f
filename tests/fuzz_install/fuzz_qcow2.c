/*
 * libFuzzer target: install/qcow2.c on any file. The input is a qcow2 file: its header parsed,
 * then its map built with reads from the input itself, in little memory. Rules:
 *  - qcow2_header_parse gives 0 (cluster size 512 B to 2 MiB, a non-empty disk) or -1 with a
 *    reason that starts "qcow2: ";
 *  - qcow2_map_build gives 0, -NP_EBADMSG (with a reason), -NP_ENOMEM (more entries needed
 *    than there is room for) or -NP_EIO (a read past the input, which the header's checks
 *    should have stopped: never);
 *  - on 0: data entries in file order, none overlapping, each inside the file (a compressed
 *    one starts inside it) and inside the guest disk; zero ranges in guest order, apart,
 *    inside the disk; data and zeros cover the disk exactly.
 * Crashes, sanitizer reports and broken rules (abort) are findings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "install/qcow2.h"
#include "kernel/errno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include "tests/fuzz/require.h"

static const uint8_t *in;
static size_t in_len;

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    (void)ctx;
    if (off > in_len || len > in_len - off)
        return -1;
    memcpy(buf, in + off, len);
    return 0;
}

static void check_map(const struct qcow2_map *m, const struct qcow2_header *h)
{
    uint64_t data = 0, zero = 0;
    for (size_t i = 0; i < m->ndata; i++) {
        const struct qcow2_ext *e = &m->data[i];
        REQUIRE(e->len && e->len <= (1u << 30));
        REQUIRE(e->guest < h->size && e->len <= h->size - e->guest);
        REQUIRE(e->host < in_len);
        REQUIRE((e->clen ? e->clen : e->len) <= in_len - e->host);
        REQUIRE(!e->clen || e->len <= h->cluster_size);
        if (i)
            REQUIRE(e->host > m->data[i - 1].host &&
                    (m->data[i - 1].clen || e->host >= m->data[i - 1].host + m->data[i - 1].len));
        data += e->len;
    }
    for (size_t i = 0; i < m->nzero; i++) {
        const struct qcow2_zero *z = &m->zero[i];
        REQUIRE(z->len && z->guest < h->size && z->len <= h->size - z->guest);
        if (i)
            REQUIRE(z->guest > m->zero[i - 1].guest + m->zero[i - 1].len - 1);
        zero += z->len;
    }
    REQUIRE(data == m->data_bytes && zero == m->zero_bytes);
    REQUIRE(data + zero == h->size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint64_t mem[(64u << 10) / 8];
    struct qcow2_header h;
    struct qcow2_map m;
    char why[QCOW2_WHY_MAX];
    in = data, in_len = size;
    if (qcow2_header_parse(data, size < QCOW2_HEADER_BYTES ? size : QCOW2_HEADER_BYTES, size, &h, why,
                           sizeof(why))) {
        REQUIRE(strncmp(why, "qcow2: ", 7) == 0);
        return 0;
    }
    REQUIRE(h.cluster_size >= 512 && h.cluster_size <= QCOW2_CLUSTER_MAX && h.size);
    size_t n = qcow2_scratch_bytes(&h);
    uint8_t *scratch = malloc(n);
    REQUIRE(scratch);
    qcow2_map_init(&m, mem, sizeof(mem));
    int err = qcow2_map_build(&m, &h, size, mem_read, NULL, scratch, n);
    free(scratch);
    REQUIRE(err == 0 || err == -NP_EBADMSG || err == -NP_ENOMEM);
    if (err == -NP_EBADMSG)
        REQUIRE(strncmp(m.why, "qcow2: ", 7) == 0);
    if (err == -NP_ENOMEM)
        REQUIRE(m.need_data > m.data_cap || m.need_zero > m.zero_cap);
    if (!err)
        check_map(&m, &h);
    return 0;
}
