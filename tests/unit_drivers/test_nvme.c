/* drivers/nvme: PRPs, command building, queue pair bookkeeping against a fake controller that
 * executes reads and writes on a RAM disk, status decoding, Identify parsing. */
#include <stdlib.h>

#include "drivers/nvme/nvme_cmd.h"
#include "drivers/nvme/nvme_queue.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"

#define PAGE 4096u

static void test_prp(void)
{
    uint64_t list[NVME_PRP_LIST_MAX], p1, p2;
    /* One page, whole or from inside it. */
    CHECK_EQ_I64(nvme_prp_build(0x10000, 4096, list, 0x9000, &p1, &p2), 0);
    CHECK_EQ_U64(p1, 0x10000);
    CHECK_EQ_U64(p2, 0);
    CHECK_EQ_I64(nvme_prp_build(0x10200, 512, list, 0x9000, &p1, &p2), 0);
    CHECK_EQ_U64(p1, 0x10200);
    CHECK_EQ_U64(p2, 0);
    /* Two pages: PRP2 is the second page, not a list. */
    CHECK_EQ_I64(nvme_prp_build(0x10000, 8192, list, 0x9000, &p1, &p2), 0);
    CHECK_EQ_U64(p2, 0x11000);
    CHECK_EQ_I64(nvme_prp_build(0x10e00, 1024, list, 0x9000, &p1, &p2), 0);    /* straddles */
    CHECK_EQ_U64(p1, 0x10e00);
    CHECK_EQ_U64(p2, 0x11000);
    /* Three pages and more: a list of every page after the first. */
    CHECK_EQ_I64(nvme_prp_build(0x10000, 3 * PAGE, list, 0x9000, &p1, &p2), 0);
    CHECK_EQ_U64(p2, 0x9000);
    CHECK_EQ_U64(list[0], 0x11000);
    CHECK_EQ_U64(list[1], 0x12000);
    CHECK_EQ_I64(nvme_prp_build(0x10800, 2 * PAGE, list, 0x9000, &p1, &p2), 0);  /* 3 pages touched */
    CHECK_EQ_U64(p2, 0x9000);
    CHECK_EQ_U64(list[0], 0x11000);
    CHECK_EQ_U64(list[1], 0x12000);
    /* The largest: a page-aligned 2 MiB + 4 KiB fills the list exactly; one page more does not fit. */
    CHECK_EQ_I64(nvme_prp_build(0x100000, (NVME_PRP_LIST_MAX + 1) * PAGE, list, 0x9000, &p1, &p2), 0);
    CHECK_EQ_U64(list[NVME_PRP_LIST_MAX - 1], 0x100000 + (uint64_t)NVME_PRP_LIST_MAX * PAGE);
    CHECK_EQ_I64(nvme_prp_build(0x100000, (NVME_PRP_LIST_MAX + 2) * PAGE, list, 0x9000, &p1, &p2), -NP_ERANGE);
    /* Not dword aligned, empty. */
    CHECK_EQ_I64(nvme_prp_build(0x10002, 512, list, 0x9000, &p1, &p2), -NP_EINVAL);
    CHECK_EQ_I64(nvme_prp_build(0x10000, 0, list, 0x9000, &p1, &p2), -NP_EINVAL);
}

static void test_max_transfer(void)
{
    CHECK_EQ_U64(nvme_max_transfer(0, 0), 2u << 20);        /* no limit: our list's */
    CHECK_EQ_U64(nvme_max_transfer(5, 0), 128u << 10);      /* 32 pages */
    CHECK_EQ_U64(nvme_max_transfer(7, 0), 512u << 10);      /* QEMU's default */
    CHECK_EQ_U64(nvme_max_transfer(9, 0), 2u << 20);        /* theirs larger than ours */
    CHECK_EQ_U64(nvme_max_transfer(5, 1), 256u << 10);      /* MDTS counts CAP.MPSMIN pages */
    CHECK_EQ_U64(nvme_max_transfer(40, 0), 2u << 20);       /* absurd: no overflow */
}

static void test_commands(void)
{
    struct nvme_sqe e;
    nvme_cmd_rw(&e, NVME_CMD_WRITE, 1, 0x123456789ull, 8);
    CHECK_EQ_U64(e.opc, NVME_CMD_WRITE);
    CHECK_EQ_U64(e.nsid, 1);
    CHECK_EQ_U64(e.cdw10, 0x23456789);
    CHECK_EQ_U64(e.cdw11, 0x1);
    CHECK_EQ_U64(e.cdw12, 7);                               /* 0-based */
    nvme_cmd_rw(&e, NVME_CMD_READ, 1, 0, 65536);
    CHECK_EQ_U64(e.cdw12, 0xFFFF);
    nvme_cmd_write_zeroes(&e, 2, 0x200000000ull + 5, 128);   /* no data: no PRPs, DEAC clear */
    CHECK_EQ_U64(e.opc, NVME_CMD_WRITE_ZEROES);
    CHECK_EQ_U64(e.nsid, 2);
    CHECK_EQ_U64(e.cdw10, 5);
    CHECK_EQ_U64(e.cdw11, 2);
    CHECK_EQ_U64(e.cdw12, 127);
    CHECK_EQ_U64(e.prp1, 0);
    CHECK_EQ_U64(e.prp2, 0);
    nvme_cmd_create_cq(&e, 1, 64, 0x5000);
    CHECK_EQ_U64(e.opc, NVME_ADM_CREATE_CQ);
    CHECK_EQ_U64(e.cdw10, 63u << 16 | 1);
    CHECK_EQ_U64(e.cdw11, NVME_QUEUE_PC);                  /* IEN off */
    nvme_cmd_create_sq(&e, 1, 64, 0x6000, 1);
    CHECK_EQ_U64(e.cdw11, 1u << 16 | NVME_QUEUE_PC);
    nvme_cmd_identify(&e, NVME_CNS_CTRL, 0, 0x7000);
    CHECK_EQ_U64(e.opc, NVME_ADM_IDENTIFY);
    CHECK_EQ_U64(e.prp1, 0x7000);
    CHECK_EQ_U64(e.cdw10, 1);
    nvme_cmd_set_queues(&e, 1);
    CHECK_EQ_U64(e.cdw11, 0);
}

/* A fake controller: consumes the submission queue, runs reads and writes on a RAM disk
 * through the PRPs, posts completions with the right phase. Addresses are host pointers. */
#define FAKE_BLOCKS 128
struct fake {
    struct nvme_queue *q;
    uint16_t head, cq_tail;
    uint8_t phase;
    uint8_t disk[FAKE_BLOCKS * 512];
    uint16_t fail_status;       /* posted instead of success when set */
    uint16_t bad_sqhd;          /* 0, or an SQ head to report */
};

static void fake_copy(struct fake *f, const struct nvme_sqe *e, uint8_t *disk_at, size_t len, bool write)
{
    uint64_t addr = e->prp1;
    size_t done = 0, page = 0;
    while (done < len) {
        size_t n = PAGE - (addr & (PAGE - 1));
        n = n < len - done ? n : len - done;
        if (write)
            memcpy(disk_at + done, (void *)(uintptr_t)addr, n);
        else
            memcpy((void *)(uintptr_t)addr, disk_at + done, n);
        done += n;
        if (done < len) {
            bool two = len - (PAGE - (e->prp1 & (PAGE - 1))) <= PAGE;
            addr = two ? e->prp2 : ((uint64_t *)(uintptr_t)e->prp2)[page++];
        }
    }
    (void)f;
}

static void fake_run(struct fake *f)
{
    while (f->head != f->q->sq_tail) {
        struct nvme_sqe e;
        memcpy(&e, (const void *)&f->q->sq[f->head], sizeof(e));
        f->head = (uint16_t)((f->head + 1) % f->q->size);
        uint16_t status = f->fail_status;
        uint64_t slba = e.cdw10 | (uint64_t)e.cdw11 << 32;
        size_t nlb = (e.cdw12 & 0xFFFF) + 1u;
        if (!status && (e.opc == NVME_CMD_READ || e.opc == NVME_CMD_WRITE)) {
            if (slba + nlb > FAKE_BLOCKS)
                status = NVME_SC_LBA_RANGE << 1;
            else
                fake_copy(f, &e, f->disk + slba * 512, nlb * 512, e.opc == NVME_CMD_WRITE);
        }
        volatile struct nvme_cqe *c = &f->q->cq[f->cq_tail];
        c->dw0 = 0;
        c->sqhd = f->bad_sqhd ? f->bad_sqhd : f->head;
        c->sqid = 1;
        c->cid = e.cid;
        c->status = (uint16_t)(status | f->phase);
        if (++f->cq_tail == f->q->size) {
            f->cq_tail = 0;
            f->phase ^= 1;
        }
    }
}

static void test_queue_through_fake(void)
{
    static struct nvme_sqe sq[4] __attribute__((aligned(4096)));
    static struct nvme_cqe cq[4];
    static uint8_t buf[3 * PAGE] __attribute__((aligned(4096)));
    static uint64_t list[NVME_PRP_LIST_MAX];
    struct nvme_queue q;
    struct fake *f = calloc(1, sizeof(*f));
    CHECK_EQ_I64(nvme_queue_init(&q, sq, cq, 1), -NP_EINVAL);
    CHECK_EQ_I64(nvme_queue_init(&q, sq, cq, 4), 0);
    f->q = &q;
    f->phase = 1;
    /* 40 commands through a queue of 4: the phase flips ten times, every block lands. */
    for (unsigned i = 0; i < 40; i++) {
        struct nvme_sqe e;
        struct nvme_cqe c;
        unsigned lba = (i * 7) % (FAKE_BLOCKS - 24);   /* up to 24 blocks from there */
        size_t len = (i % 3 + 1) * PAGE - (i % 2) * 512;  /* one to three pages, some odd */
        memset(buf, (int)i + 1, len);
        nvme_cmd_rw(&e, NVME_CMD_WRITE, 1, lba, (uint32_t)(len / 512));
        CHECK_EQ_I64(nvme_prp_build((uintptr_t)buf, len, list, (uintptr_t)list, &e.prp1, &e.prp2), 0);
        e.cid = (uint16_t)i;
        CHECK_EQ_I64(nvme_queue_submit(&q, &e), 0);
        CHECK_EQ_I64(nvme_queue_reap(&q, &c), 0);   /* nothing before the controller ran */
        fake_run(f);
        CHECK_EQ_I64(nvme_queue_reap(&q, &c), 1);
        CHECK_EQ_U64(c.cid, i);
        CHECK_EQ_I64(nvme_status_error(c.status), 0);
        CHECK_EQ_I64(nvme_queue_reap(&q, &c), 0);   /* taken once only */
        CHECK_EQ_U64(f->disk[lba * 512], i + 1);
        CHECK_EQ_U64(f->disk[lba * 512 + len - 1], i + 1);
        /* And read it back into a cleared buffer. */
        memset(buf, 0, sizeof(buf));
        nvme_cmd_rw(&e, NVME_CMD_READ, 1, lba, (uint32_t)(len / 512));
        nvme_prp_build((uintptr_t)buf, len, list, (uintptr_t)list, &e.prp1, &e.prp2);
        CHECK_EQ_I64(nvme_queue_submit(&q, &e), 0);
        fake_run(f);
        CHECK_EQ_I64(nvme_queue_reap(&q, &c), 1);
        CHECK_EQ_U64(buf[0], i + 1);
        CHECK_EQ_U64(buf[len - 1], i + 1);
    }
    free(f);
}

static void test_queue_full_and_errors(void)
{
    static struct nvme_sqe sq[4];
    static struct nvme_cqe cq[4];
    struct nvme_queue q;
    struct nvme_sqe e;
    struct nvme_cqe c;
    struct fake *f = calloc(1, sizeof(*f));
    memset(cq, 0, sizeof(cq));
    nvme_queue_init(&q, sq, cq, 4);
    f->q = &q;
    f->phase = 1;
    nvme_cmd_flush(&e, 1);
    /* Three in flight fill a queue of four (one slot always stays empty). */
    for (unsigned i = 0; i < 3; i++)
        CHECK_EQ_I64(nvme_queue_submit(&q, &e), 0);
    CHECK(nvme_queue_full(&q));
    CHECK_EQ_I64(nvme_queue_submit(&q, &e), -NP_EBUSY);
    /* The controller's reported head frees the entries. */
    f->fail_status = (uint16_t)(NVME_SCT_MEDIA << 9 | NVME_SC_WRITE_FAULT << 1);
    fake_run(f);
    for (unsigned i = 0; i < 3; i++) {
        CHECK_EQ_I64(nvme_queue_reap(&q, &c), 1);
        CHECK_EQ_I64(nvme_status_error(c.status), -NP_EIO);
    }
    CHECK(!nvme_queue_full(&q));
    CHECK_EQ_I64(nvme_queue_submit(&q, &e), 0);
    /* A head beyond the queue is not believed. */
    f->bad_sqhd = 9;
    fake_run(f);
    CHECK_EQ_I64(nvme_queue_reap(&q, &c), -NP_EBADMSG);
    free(f);
}

static void test_status(void)
{
    CHECK_EQ_I64(nvme_status_error(0), 0);
    CHECK_EQ_I64(nvme_status_error(1), 0);                  /* the phase bit is not status */
    CHECK_EQ_I64(nvme_status_error(NVME_SC_NS_WRITE_PROT << 1), -NP_EROFS);
    CHECK_EQ_I64(nvme_status_error(NVME_SC_INVALID_OPCODE << 1), -NP_ENOTSUP);
    CHECK_EQ_I64(nvme_status_error(NVME_SC_LBA_RANGE << 1), -NP_ERANGE);
    CHECK_EQ_I64(nvme_status_error(NVME_SCT_MEDIA << 9 | NVME_SC_READ_ERROR << 1), -NP_EIO);
    /* The same code under another type means something else. */
    CHECK_EQ_I64(nvme_status_error(NVME_SCT_CMD_SPECIFIC << 9 | NVME_SC_NS_WRITE_PROT << 1), -NP_EIO);
    char buf[40];
    nvme_status_format(0x8000 | NVME_SCT_MEDIA << 9 | NVME_SC_WRITE_FAULT << 1, buf, sizeof(buf));
    CHECK_STR(buf, "status SCT 2 SC 0x80 DNR");
}

static void test_identify(void)
{
    static uint8_t id[4096];
    struct nvme_ctrl_info ci;
    memset(id, 0, sizeof(id));
    memcpy(id + NVME_IDC_SN, "np-nvme             ", 20);
    memcpy(id + NVME_IDC_MN, "QEMU NVMe Ctrl                          ", 40);
    id[NVME_IDC_MDTS] = 7;
    id[NVME_IDC_NN] = 0x00;
    id[NVME_IDC_NN + 1] = 0x01;                              /* 256 */
    id[NVME_IDC_ONCS] = NVME_ONCS_WRITE_ZEROES | NVME_ONCS_DSM;
    id[NVME_IDC_VWC] = 1;
    nvme_ctrl_parse(id, &ci);
    CHECK_STR(ci.serial, "np-nvme");
    CHECK_STR(ci.model, "QEMU NVMe Ctrl");
    CHECK_EQ_U64(ci.mdts, 7);
    CHECK_EQ_U64(ci.nn, 256);
    CHECK_EQ_U64(ci.oncs, NVME_ONCS_WRITE_ZEROES | NVME_ONCS_DSM);
    CHECK(ci.vwc);
    /* A serial filling its field, with a control byte: no overrun, no control characters. */
    memcpy(id + NVME_IDC_SN, "ABCDEFGHIJ\x01LMNOPQRST", 20);
    nvme_ctrl_parse(id, &ci);
    CHECK_STR(ci.serial, "ABCDEFGHIJ?LMNOPQRST");
    char small[5];
    nvme_id_string(small, sizeof(small), (const uint8_t *)"abcdefgh", 8);
    CHECK_STR(small, "abcd");

    struct nvme_ns_info ni;
    memset(id, 0, sizeof(id));
    CHECK_EQ_I64(nvme_ns_parse(id, &ni), -NP_ENODEV);       /* size 0: inactive */
    id[NVME_IDNS_NSZE] = 0x00;
    id[NVME_IDNS_NSZE + 1] = 0x00;
    id[NVME_IDNS_NSZE + 2] = 0x01;                          /* 65536 blocks */
    id[NVME_IDNS_NLBAF] = 1;
    id[NVME_IDNS_LBAF + 2] = 9;                             /* format 0: 512 bytes */
    id[NVME_IDNS_LBAF + 4 + 2] = 12;                        /* format 1: 4096 bytes */
    CHECK_EQ_I64(nvme_ns_parse(id, &ni), 0);
    CHECK_EQ_U64(ni.blocks, 65536);
    CHECK_EQ_U64(ni.block_size, 512);
    CHECK(!ni.write_protected);
    id[NVME_IDNS_FLBAS] = 1;
    id[NVME_IDNS_NSATTR] = 1;
    CHECK_EQ_I64(nvme_ns_parse(id, &ni), 0);
    CHECK_EQ_U64(ni.block_size, 4096);
    CHECK(ni.write_protected);
    id[NVME_IDNS_LBAF + 4] = 8;                             /* 8 metadata bytes: reported */
    CHECK_EQ_I64(nvme_ns_parse(id, &ni), 0);
    CHECK_EQ_U64(ni.meta, 8);
    id[NVME_IDNS_FLBAS] = 2;                                /* beyond NLBAF */
    CHECK_EQ_I64(nvme_ns_parse(id, &ni), -NP_EBADMSG);
    id[NVME_IDNS_FLBAS] = 0;
    id[NVME_IDNS_LBAF + 2] = 8;                             /* 256-byte blocks */
    CHECK_EQ_I64(nvme_ns_parse(id, &ni), -NP_EBADMSG);
    id[NVME_IDNS_LBAF + 2] = 12;
    memset(id + NVME_IDNS_NSZE, 0xFF, 8);                   /* bytes overflow 64 bits */
    CHECK_EQ_I64(nvme_ns_parse(id, &ni), -NP_EBADMSG);
}

int main(void)
{
    TEST_RUN(test_prp);
    TEST_RUN(test_max_transfer);
    TEST_RUN(test_commands);
    TEST_RUN(test_queue_through_fake);
    TEST_RUN(test_queue_full_and_errors);
    TEST_RUN(test_status);
    TEST_RUN(test_identify);
    return test_finish();
}
