/*
 * Fuzz target: catalog_parse on any bytes (a catalog comes from a server). Findings: crashes,
 * sanitizer reports, and broken promises: on success every entry has a name, a URL and 64 hex
 * digits, all printable, within their limits; on failure the message is one terminated line.
 */
#include <stdint.h>
#include <string.h>

#include "install/catalog.h"
#include "kernel/errno.h"
#include "tests/fuzz/require.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct catalog cat;

static int printable(const char *s, size_t max)
{
    size_t n = strnlen(s, max + 1);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7F)
            return 0;
    return n <= max;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[120];
    memset(err, 'x', sizeof(err));
    int r = catalog_parse((const char *)data, size, &cat, err, sizeof(err));
    if (r) {
        REQUIRE(r == -NP_EBADMSG);
        REQUIRE(memchr(err, '\0', sizeof(err)) != NULL && strchr(err, '\n') == NULL);
        return 0;
    }
    REQUIRE(cat.n >= 1 && cat.n <= CATALOG_MAX_ENTRIES);
    for (unsigned i = 0; i < cat.n; i++) {
        const struct catalog_entry *e = &cat.entries[i];
        REQUIRE(e->name[0] && printable(e->name, CATALOG_NAME_MAX));
        REQUIRE(e->url[0] && printable(e->url, CATALOG_URL_MAX) && !strchr(e->url, ' ') && !strchr(e->url, '"'));
        REQUIRE(strlen(e->sha256) == 64 && strspn(e->sha256, "0123456789abcdefABCDEF") == 64);
        REQUIRE(printable(e->description, CATALOG_DESC_MAX));
    }
    return 0;
}
