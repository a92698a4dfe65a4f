/* The JSON objects of done_url= and progress_url=: exact text, and the shared tail built once. */
#include <string.h>

#include "install/report.h"
#include "tests/unit/test.h"

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static void test_done_ok(void)
{
    struct digest d = { .alg = DIGEST_SHA256 };
    struct report_who w = { 12345678, "vda", mac, "10.0.2.15" };
    char buf[640];
    for (int i = 0; i < 32; i++)
        d.bytes[i] = (uint8_t)i;
    int n = report_json_done(buf, sizeof(buf), NP_EXIT_OK, 2097152, &d, &w);
    CHECK((size_t)n == strlen(buf));
    CHECK_STR(buf, "{\"result\":\"ok\",\"code\":\"ok\",\"bytes\":2097152,\"sha256\":"
                   "\"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\",\"seconds\":12.345,"
                   "\"disk\":\"vda\",\"mac\":\"52:54:00:12:34:56\",\"ip\":\"10.0.2.15\"}");
}

static void test_done_error_without_nic(void)
{
    struct report_who w = { 1000, "", NULL, "" };
    char buf[640];
    report_json_done(buf, sizeof(buf), NP_EXIT_HASH, 0, NULL, &w);
    CHECK_STR(buf, "{\"result\":\"error\",\"code\":\"hash\",\"bytes\":0,\"sha256\":null,\"seconds\":0.001,"
                   "\"disk\":\"\",\"mac\":\"00:00:00:00:00:00\",\"ip\":\"\"}");
}

static void test_progress(void)
{
    struct report_who w = { 3000000, "nvme0n1", mac, "192.0.2.50" };
    char buf[384];
    report_json_progress(buf, sizeof(buf), "downloading", 1048576, 4194304, 524288, &w);
    CHECK_STR(buf, "{\"state\":\"downloading\",\"bytes\":1048576,\"total\":4194304,\"written\":524288,"
                   "\"seconds\":3.000,\"disk\":\"nvme0n1\",\"mac\":\"52:54:00:12:34:56\",\"ip\":\"192.0.2.50\"}");
    report_json_progress(buf, sizeof(buf), "downloading", 7, UINT64_MAX, 0, &w);
    CHECK(strstr(buf, "\"total\":null,") != NULL);
}

static void test_truncation(void)
{
    struct report_who w = { 1, "vda", mac, "10.0.2.15" };
    char small[40], big[384];
    int n = report_json_progress(small, sizeof(small), "downloading", 1, 2, 3, &w);
    int m = report_json_progress(big, sizeof(big), "downloading", 1, 2, 3, &w);
    CHECK(n >= (int)sizeof(small));
    CHECK_EQ_U64(strlen(small), sizeof(small) - 1);
    CHECK((size_t)m == strlen(big));
}

int main(void)
{
    TEST_RUN(test_done_ok);
    TEST_RUN(test_done_error_without_nic);
    TEST_RUN(test_progress);
    TEST_RUN(test_truncation);
    return test_finish();
}
