/*
 * Checksum files as publishers give them (SHA256SUMS, SHA512SUMS, CHECKSUM), pure so that the
 * host tests and a fuzz target run it over any text. Two line formats, as GNU coreutils reads
 * them (`sha256sum -c`):
 *   GNU:  HEX  NAME      HEX *NAME      HEX NAME (BSD `-r`)
 *   BSD:  SHA256 (NAME) = HEX           (`sha256sum --tag`, OpenBSD, FreeBSD, Fedora)
 * A line starting with '\' has an escaped name: "\\" is a backslash, "\n" a newline, "\r" a
 * carriage return. The algorithm is the GNU digest's length or the BSD tag. Blank lines, '#'
 * comments and anything else (a PGP armor around the list, say) are skipped; CRLF is taken.
 */
#ifndef INSTALL_SUMS_H
#define INSTALL_SUMS_H

#include <stdbool.h>
#include <stddef.h>

#include "install/digest.h"

#define SUMS_NAME_MAX   256     /* bytes of a name, NUL included */
#define SUMS_LISTED_MAX 96      /* bytes of the "names it lists" text in an error */

struct sums_entry {
    struct digest digest;       /* valid for an entry netplant can check */
    char name[SUMS_NAME_MAX];   /* unescaped */
    unsigned line;              /* 1-based, set by sums_find */
};

/*
 * One line without its '\n' (a trailing '\r' is dropped). Returns 1 for an entry, 0 for a
 * blank or comment line, -NP_ENOTSUP for a well-formed line whose digest netplant does not
 * check (MD5, SHA-1, SHA-384...; e->name is still set), -NP_EBADMSG for anything else.
 */
int sums_parse_line(const char *line, size_t len, struct sums_entry *e);

struct sums_result {
    struct sums_entry entry;    /* the line taken */
    unsigned entries;           /* checksum lines in the file, of any algorithm */
    unsigned other_line;        /* -NP_EEXIST: the line that disagrees with entry */
    char listed[SUMS_LISTED_MAX];   /* -NP_ENOENT: the first names the file lists, or "" */
    bool listed_more;           /* listed ends in "...": more names were left off */
};

/*
 * The entry for name: an entry whose name is name, or "./" followed by name. With several,
 * the first is taken, unless another of the same algorithm has a different digest.
 * Returns 0; -NP_ENOENT when no line names it; -NP_ENOTSUP when only digests netplant does
 * not check do; -NP_EEXIST when two lines disagree (entry and other_line say which).
 */
int sums_find(const char *text, size_t len, const char *name, struct sums_result *r);

/*
 * The file name a URL ends in, as a sums file would list it: the last path segment without
 * query or fragment, percent-decoded. Returns 0, or -NP_EINVAL (no scheme or host, no name,
 * a bad escape, a control byte, a name of "." or "..", longer than cap - 1).
 */
int sums_url_name(const char *url, char *out, size_t cap);

#endif
