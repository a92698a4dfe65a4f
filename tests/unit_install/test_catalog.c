/* The menu's catalog parser: what a hand-written or generated file may hold, and what not. */
#include <string.h>

#include "install/catalog.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"

#define SHA "0123456789abcdef0123456789abcdef0123456789ABCDEF0123456789abcdef"

static struct catalog cat;
static char err[200];

static int parse(const char *text)
{
    err[0] = '\0';
    return catalog_parse(text, strlen(text), &cat, err, sizeof(err));
}

static void test_good(void)
{
    const char *text =
        "# netplant catalog\n"
        "\n"
        "name=debian-12 url=http://10.0.0.1/d12.raw sha256=" SHA " size=2G description=\"Debian 12, generic\"\r\n"
        "   # an indented comment\n"
        "\tname=\"tiny one\"  sha256=" SHA " url=tiny.raw\n"
        "name=last url=https://h/x sha256=" SHA;        /* no newline at the end */
    CHECK_EQ_I64(parse(text), 0);
    CHECK_EQ_U64(cat.n, 3);
    CHECK_STR(cat.entries[0].name, "debian-12");
    CHECK_STR(cat.entries[0].url, "http://10.0.0.1/d12.raw");
    CHECK_STR(cat.entries[0].sha256, SHA);
    CHECK_EQ_U64(cat.entries[0].size, 2ull << 30);
    CHECK_STR(cat.entries[0].description, "Debian 12, generic");
    CHECK_STR(cat.entries[1].name, "tiny one");
    CHECK_STR(cat.entries[1].url, "tiny.raw");      /* relative: the menu resolves it */
    CHECK_EQ_U64(cat.entries[1].size, 0);
    CHECK_STR(cat.entries[1].description, "");
    CHECK_STR(cat.entries[2].url, "https://h/x");
}

static void test_bad(void)
{
    static const struct { const char *text, *err; } cases[] = {
        { "", "no images in it" },
        { "# only a comment\n\n", "no images in it" },
        { "name=a url=u\n", "line 1: no sha256=" },
        { "url=u sha256=" SHA, "line 1: no name=" },
        { "\nname=a sha256=" SHA, "line 2: no url=" },
        { "name=a url=u sha256=12", "line 1: sha256= wants 64 hex digits" },
        { "name=a url=u sha256=" SHA "0", "line 1: sha256= wants 64 hex digits" },
        { "name=a url=u sha256=" SHA " colour=red", "line 1: unknown key 'colour'" },
        { "name=a name=b url=u sha256=" SHA, "line 1: name= given twice" },
        { "name=a url=u sha256=" SHA " size=big", "line 1: size= wants bytes" },
        { "name=a url=u sha256=" SHA " size=0", "line 1: size= wants bytes" },
        { "name=a url=\"u v\" sha256=" SHA, "line 1: url= wants a URL" },
        { "name=\"\" url=u sha256=" SHA, "line 1: name= wants 1 to 40" },
        { "name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa url=u sha256=" SHA, "line 1: name= wants 1 to 40" },
        { "name=a url=u sha256=" SHA " description=\"\x1b[2Jgone\"", "line 1: control character" },
        { "name=a url=u sha256=" SHA " description=\"caf\xc3\xa9\"", "line 1: description= wants" },
        { "name=\"a url=u sha256=" SHA, "line 1: unterminated quote" },
        { "name url=u sha256=" SHA, "line 1: name needs a value" },
        { "images/a.raw name=a url=u sha256=" SHA, "line 1: 'images/a.raw' is not key=value" },
        { "name=a url=u sha256=" SHA "\nname=b url=u\x01 sha256=" SHA, "line 2: control character (byte 0x1)" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK_EQ_I64(parse(cases[i].text), -NP_EBADMSG);
        if (!CHECK(strncmp(err, cases[i].err, strlen(cases[i].err)) == 0))
            fprintf(stderr, "  case %zu: got \"%s\", want \"%s...\"\n", i, err, cases[i].err);
    }
    /* A NUL inside the text is a control character, not the end. */
    CHECK_EQ_I64(catalog_parse("name=a\0", 7, &cat, err, sizeof(err)), -NP_EBADMSG);
}

static void test_limits(void)
{
    static char text[CATALOG_MAX_BYTES * 2];
    size_t o = 0;
    for (int i = 0; i < CATALOG_MAX_ENTRIES; i++)
        o += (size_t)snprintf(text + o, sizeof(text) - o, "name=n%d url=http://h/%d sha256=%s\n", i, i, SHA);
    CHECK_EQ_I64(parse(text), 0);
    CHECK_EQ_U64(cat.n, CATALOG_MAX_ENTRIES);
    snprintf(text + o, sizeof(text) - o, "name=one-more url=u sha256=%s\n", SHA);
    CHECK_EQ_I64(parse(text), -NP_EBADMSG);
    CHECK(strstr(err, "more than 20 images") != NULL);
    /* A line longer than any command line, and an error buffer too small for the message. */
    memset(text, 'a', 5000);
    memcpy(text, "name=", 5);
    text[5000] = '\0';
    CHECK_EQ_I64(parse(text), -NP_EBADMSG);
    CHECK(strstr(err, "longer than") != NULL);
    char tiny[4];
    CHECK_EQ_I64(catalog_parse("x=1", 3, &cat, tiny, sizeof(tiny)), -NP_EBADMSG);
    CHECK_EQ_U64(strlen(tiny), 3);
}

int main(void)
{
    TEST_RUN(test_good);
    TEST_RUN(test_bad);
    TEST_RUN(test_limits);
    return test_finish();
}
