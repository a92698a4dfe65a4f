/* config=URL: a small key=value file that adds to the command line (pure helpers). */
#ifndef INSTALL_CFGFILE_H
#define INSTALL_CFGFILE_H

#include <stddef.h>
#include <stdint.h>

#define CFGFILE_MAX (128 * 1024)      /* its words join the command line: CMDLINE_MAX_LEN */

/*
 * Replaces every "${mac}" in in with the MAC as "52:54:00:12:34:56" (lower case, colons: the
 * form iPXE's own ${mac} gives, so a file is found whichever program expanded it).
 */
int cfgfile_expand_mac(const char *in, const uint8_t mac[6], char *out, size_t cap);

/*
 * Turns a config file (key=value words, any number per line, '#' to the end of a line is a
 * comment) into one command line. -NP_EBADMSG for control characters or a NUL.
 */
int cfgfile_to_cmdline(const char *text, size_t len, char *out, size_t cap);

#endif
