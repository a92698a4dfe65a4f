/*
 * The menu's catalog (catalog=URL): a text file listing images, one per line, in the command
 * line's own key=value syntax (double quotes around values with blanks; '#' starts a comment
 * line):
 *
 *     # name and url and sha256 are required; size and description are optional
 *     name=debian-12 url=http://images.example/debian-12.raw sha256=<64 hex digits> size=2G description="Debian 12 generic"
 *
 * url may be relative to the catalog's own URL. Pure: the parser is host-tested and fuzzed.
 */
#ifndef INSTALL_CATALOG_H
#define INSTALL_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#define CATALOG_MAX_BYTES   16384
#define CATALOG_LINE_MAX    4096    /* bytes in one entry's line, its end included */
#define CATALOG_MAX_ENTRIES 20     /* a title, 20 rows and a help line fit 80x25 VGA text */
#define CATALOG_NAME_MAX    40
#define CATALOG_DESC_MAX    80
#define CATALOG_URL_MAX     1023

struct catalog_entry {
    char name[CATALOG_NAME_MAX + 1];
    char url[CATALOG_URL_MAX + 1];      /* as written: absolute, or relative to the catalog */
    char sha256[65];                    /* 64 hex digits */
    uint64_t size;                      /* bytes; 0 when not given */
    char description[CATALOG_DESC_MAX + 1];
};

struct catalog {
    struct catalog_entry entries[CATALOG_MAX_ENTRIES];
    unsigned n;
};

/*
 * Parses len bytes of text. Returns 0, or -NP_EBADMSG with a one-line reason in err (e.g.
 * "line 3: sha256= wants 64 hex digits"); an empty catalog is an error too.
 */
int catalog_parse(const char *text, size_t len, struct catalog *c, char *err, size_t errcap);

#endif
