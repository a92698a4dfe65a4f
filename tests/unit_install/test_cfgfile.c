/* config=URL helpers: ${mac} expansion and turning a file into a command line. */
#include <string.h>

#include "install/cfgfile.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xAB, 0x0c, 0xff };

static void test_expand(void)
{
    char out[128];
    CHECK_EQ_I64(cfgfile_expand_mac("http://s/cfg/${mac}.cfg", mac, out, sizeof(out)), 0);
    CHECK_STR(out, "http://s/cfg/52:54:00:ab:0c:ff.cfg");
    CHECK_EQ_I64(cfgfile_expand_mac("${mac}${mac}", mac, out, sizeof(out)), 0);
    CHECK_STR(out, "52:54:00:ab:0c:ff52:54:00:ab:0c:ff");
    CHECK_EQ_I64(cfgfile_expand_mac("no mac ${MAC} ${ma", mac, out, sizeof(out)), 0);
    CHECK_STR(out, "no mac ${MAC} ${ma");
    CHECK_EQ_I64(cfgfile_expand_mac("${mac}", mac, out, 17), -NP_ENOSPC);    /* 17 + NUL */
    CHECK_EQ_I64(cfgfile_expand_mac("${mac}", mac, out, 18), 0);
}

static void test_to_cmdline(void)
{
    char out[128];
    const char *f = "# netplant config\nurl=http://s/a.img  sha256=ab\r\n\tverify=readback # read it back\n";
    CHECK_EQ_I64(cfgfile_to_cmdline(f, strlen(f), out, sizeof(out)), 0);
    CHECK(strstr(out, "url=http://s/a.img") && strstr(out, "sha256=ab") && strstr(out, "verify=readback"));
    CHECK(!strchr(out, '#') && !strstr(out, "read it back") && !strchr(out, '\n'));
    CHECK_EQ_I64(cfgfile_to_cmdline("a=1\0b=2", 7, out, sizeof(out)), -NP_EBADMSG);
    CHECK_EQ_I64(cfgfile_to_cmdline("a=\x1b", 3, out, sizeof(out)), -NP_EBADMSG);
    CHECK_EQ_I64(cfgfile_to_cmdline("abcdef", 6, out, 6), -NP_ENOSPC);
    CHECK_EQ_I64(cfgfile_to_cmdline("abcdef", 6, out, 7), 0);
    CHECK_EQ_I64(cfgfile_to_cmdline("", 0, out, sizeof(out)), 0);
    CHECK_STR(out, "");
}

int main(void)
{
    TEST_RUN(test_expand);
    TEST_RUN(test_to_cmdline);
    return test_finish();
}
