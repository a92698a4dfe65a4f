/*
 * install/sums.c: checksum files as publishers write them (GNU and BSD lines, escapes,
 * comments, CRLF, PGP armor), choosing the line for a name, and the name a URL ends in.
 */
#include <string.h>

#include "install/sums.h"
#include "kernel/errno.h"
#include "tests/unit/test.h"

#define H64A "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define H64B "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define H128 "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a" \
             "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"

static struct sums_entry e;

static int line(const char *s)
{
    memset(&e, 0x5A, sizeof(e));
    return sums_parse_line(s, strlen(s), &e);
}

static const char *hex(const struct digest *d)
{
    static char out[DIGEST_HEX_MAX];
    digest_hex(d, out);
    return out;
}

static void test_gnu_lines(void)
{
    CHECK_EQ_I64(line(H64A "  image.raw"), 1);                 /* text mode */
    CHECK_STR(e.name, "image.raw");
    CHECK(e.digest.alg == DIGEST_SHA256);
    CHECK_STR(hex(&e.digest), H64A);
    CHECK_EQ_I64(line(H64A " *image.raw"), 1);                 /* binary mode */
    CHECK_STR(e.name, "image.raw");
    CHECK_EQ_I64(line(H64A " image.raw"), 1);                  /* BSD `md5 -r` style */
    CHECK_STR(e.name, "image.raw");
    CHECK_EQ_I64(line(H128 "  debian-12-generic-amd64.raw"), 1);
    CHECK(e.digest.alg == DIGEST_SHA512);
    CHECK_STR(hex(&e.digest), H128);
    CHECK_EQ_I64(line("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD  UP.IMG"), 1);
    CHECK_STR(hex(&e.digest), H64A);                            /* upper-case hex */
    CHECK_EQ_I64(line(H64A "  name with  spaces "), 1);         /* spaces are the name's own */
    CHECK_STR(e.name, "name with  spaces ");
    CHECK_EQ_I64(line(H64A "  image.raw\r"), 1);                /* CRLF */
    CHECK_STR(e.name, "image.raw");
    CHECK_EQ_I64(line("  " H64A "  lead.img"), 1);              /* leading blanks, as coreutils */
    CHECK_STR(e.name, "lead.img");
    CHECK_EQ_I64(line(H64A "\t*tab.img"), 1);
    CHECK_STR(e.name, "tab.img");
}

static void test_escaped_names(void)
{
    CHECK_EQ_I64(line("\\" H64A "  a\\\\b\\nc\\rd"), 1);
    CHECK_STR(e.name, "a\\b\nc\rd");
    CHECK_EQ_I64(line("\\" H64A "  a\\tb"), -NP_EBADMSG);       /* no such escape */
    CHECK_EQ_I64(line("\\" H64A "  ab\\"), -NP_EBADMSG);        /* a lone backslash at the end */
    CHECK_EQ_I64(line(H64A "  a\\nb"), 1);                      /* not escaped: taken as it is */
    CHECK_STR(e.name, "a\\nb");
    CHECK_EQ_I64(line("\\SHA256 (a\\nb) = " H64A), 1);          /* BSD lines escape the same way */
    CHECK_STR(e.name, "a\nb");
}

static void test_bsd_lines(void)
{
    CHECK_EQ_I64(line("SHA256 (Fedora-Cloud-Base-39.raw.xz) = " H64B), 1);
    CHECK_STR(e.name, "Fedora-Cloud-Base-39.raw.xz");
    CHECK(e.digest.alg == DIGEST_SHA256);
    CHECK_STR(hex(&e.digest), H64B);
    CHECK_EQ_I64(line("SHA512 (img) = " H128 "\r"), 1);
    CHECK(e.digest.alg == DIGEST_SHA512);
    CHECK_STR(e.name, "img");
    CHECK_EQ_I64(line("SHA256 (odd) = (name)) = " H64A), 1);   /* the last ") = " ends the name */
    CHECK_STR(e.name, "odd) = (name)");
    CHECK_EQ_I64(line("SHA256 (short) = " H128), -NP_EBADMSG);    /* length and tag disagree */
    CHECK_EQ_I64(line("SHA512 (short) = " H64A), -NP_EBADMSG);
    CHECK_EQ_I64(line("SHA256 () = " H64A), -NP_EBADMSG);
    CHECK_EQ_I64(line("SHA256 (x) = "), -NP_EBADMSG);
    CHECK_EQ_I64(line("SHA256 (x) = ungA7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                 -NP_EBADMSG);
    CHECK_EQ_I64(line("SHA256 (x)= " H64A), -NP_EBADMSG);
    CHECK_EQ_I64(line("sha256 (x) = " H64A), -NP_ENOTSUP);      /* coreutils' tags are upper case */
}

static void test_not_taken(void)
{
    CHECK_EQ_I64(line(""), 0);
    CHECK_EQ_I64(line("\r"), 0);
    CHECK_EQ_I64(line("   \t "), 0);
    CHECK_EQ_I64(line("# SHA256SUMS for the release"), 0);
    CHECK_EQ_I64(line("  # indented comment"), 0);
    CHECK_EQ_I64(line("-----BEGIN PGP SIGNED MESSAGE-----"), -NP_EBADMSG);
    CHECK_EQ_I64(line("Hash: SHA256"), -NP_EBADMSG);
    CHECK_EQ_I64(line(H64A), -NP_EBADMSG);                      /* no name */
    CHECK_EQ_I64(line(H64A "  "), -NP_EBADMSG);
    CHECK_EQ_I64(line(H64A "x  name"), -NP_EBADMSG);            /* not hex to the blank */
    CHECK_EQ_I64(line("ba78  name"), -NP_EBADMSG);              /* no algorithm is 16 bits */
    /* Digests netplant does not check: the line is real, and its name is known. */
    CHECK_EQ_I64(line("d41d8cd98f00b204e9800998ecf8427e  md5.img"), -NP_ENOTSUP);
    CHECK_STR(e.name, "md5.img");
    CHECK_EQ_I64(line("da39a3ee5e6b4b0d3255bfef95601890afd80709  sha1.img"), -NP_ENOTSUP);
    CHECK_EQ_I64(line("MD5 (m.img) = d41d8cd98f00b204e9800998ecf8427e"), -NP_ENOTSUP);
    CHECK_STR(e.name, "m.img");
    CHECK_EQ_I64(line("BLAKE2b (b.img) = " H128), -NP_ENOTSUP);
    /* A NUL inside the line is no name. */
    char nul[] = H64A "  a?b";
    nul[sizeof(nul) - 3] = '\0';
    CHECK_EQ_I64(sums_parse_line(nul, sizeof(nul) - 1, &e), -NP_EBADMSG);
    /* Names up to SUMS_NAME_MAX - 1 bytes. */
    char longname[64 + 2 + SUMS_NAME_MAX + 1];
    memcpy(longname, H64A "  ", 66);
    memset(longname + 66, 'n', SUMS_NAME_MAX - 1);
    longname[66 + SUMS_NAME_MAX - 1] = '\0';
    CHECK_EQ_I64(line(longname), 1);
    CHECK_EQ_U64(strlen(e.name), SUMS_NAME_MAX - 1);
    longname[66 + SUMS_NAME_MAX - 1] = 'n';
    longname[66 + SUMS_NAME_MAX] = '\0';
    CHECK_EQ_I64(line(longname), -NP_EBADMSG);
}

static struct sums_result r;

static int find(const char *text, const char *name)
{
    memset(&r, 0x5A, sizeof(r));
    return sums_find(text, strlen(text), name, &r);
}

/* What Fedora publishes: a PGP-signed BSD list with comments. */
static const char *FEDORA =
    "-----BEGIN PGP SIGNED MESSAGE-----\n"
    "Hash: SHA256\n"
    "\n"
    "# Fedora-Cloud-Base-39-1.5.x86_64.qcow2: 563347456 bytes\n"
    "SHA256 (Fedora-Cloud-Base-39-1.5.x86_64.qcow2) = " H64B "\n"
    "# Fedora-Cloud-Base-39-1.5.x86_64.raw.xz: 387289764 bytes\n"
    "SHA256 (Fedora-Cloud-Base-39-1.5.x86_64.raw.xz) = " H64A "\n"
    "-----BEGIN PGP SIGNATURE-----\n"
    "\n"
    "iQIzBAEBCAAdFiEE6p1QfPGJ\n"
    "-----END PGP SIGNATURE-----\n";

static void test_find(void)
{
    CHECK_EQ_I64(find(FEDORA, "Fedora-Cloud-Base-39-1.5.x86_64.raw.xz"), 0);
    CHECK_EQ_U64(r.entry.line, 7);
    CHECK_STR(hex(&r.entry.digest), H64A);
    CHECK_EQ_U64(r.entries, 2);
    /* Ubuntu's SHA256SUMS: GNU, binary mode; CRLF as a Windows mirror may serve it; no final newline. */
    const char *ubuntu = H64B " *noble-server-cloudimg-amd64.img\r\n"
                         H64A " *noble-server-cloudimg-amd64.raw\r\n"
                         H64B " *noble-server-cloudimg-arm64.raw";
    CHECK_EQ_I64(find(ubuntu, "noble-server-cloudimg-amd64.raw"), 0);
    CHECK_EQ_U64(r.entry.line, 2);
    CHECK_STR(hex(&r.entry.digest), H64A);
    CHECK_EQ_I64(find(ubuntu, "noble-server-cloudimg-arm64.raw"), 0);
    CHECK_EQ_U64(r.entry.line, 3);
    /* "./name" is the same file; a longer path is not. */
    CHECK_EQ_I64(find(H64A "  ./img.raw\n" H64B "  sub/img.raw\n", "img.raw"), 0);
    CHECK_EQ_U64(r.entry.line, 1);
    CHECK_EQ_I64(find(H64B "  sub/img.raw\n", "img.raw"), -NP_ENOENT);
    /* SHA-512 from a GNU list. */
    CHECK_EQ_I64(find(H128 "  a.raw\n" H128 "  b.raw\n", "b.raw"), 0);
    CHECK(r.entry.digest.alg == DIGEST_SHA512);
    CHECK_EQ_U64(r.entry.line, 2);
}

static void test_find_none(void)
{
    CHECK_EQ_I64(find(FEDORA, "img.raw"), -NP_ENOENT);
    CHECK_EQ_U64(r.entries, 2);
    CHECK_STR(r.listed, "Fedora-Cloud-Base-39-1.5.x86_64.qcow2, Fedora-Cloud-Base-39-1.5.x86_64.raw.xz");
    CHECK_EQ_I64(find("<html>404 Not Found</html>\n", "img.raw"), -NP_ENOENT);
    CHECK_EQ_U64(r.entries, 0);
    CHECK_STR(r.listed, "");
    CHECK_EQ_I64(find("", "img.raw"), -NP_ENOENT);
    /* Case matters, as on the server. */
    CHECK_EQ_I64(find(H64A "  IMG.RAW\n", "img.raw"), -NP_ENOENT);
    /* Many names: the list stops with "..." and stays inside its buffer. */
    static char many[40 * 100];
    many[0] = '\0';
    for (int i = 0; i < 40; i++)
        snprintf(many + strlen(many), sizeof(many) - strlen(many), H64A "  file-%02d.img\n", i);
    CHECK_EQ_I64(find(many, "img.raw"), -NP_ENOENT);
    CHECK_EQ_U64(r.entries, 40);
    CHECK(strncmp(r.listed, "file-00.img, file-01.img", 24) == 0);
    CHECK(strlen(r.listed) < SUMS_LISTED_MAX && strcmp(r.listed + strlen(r.listed) - 5, ", ...") == 0);
    /* A control byte in a listed name is shown as '?'. */
    CHECK_EQ_I64(find("\\" H64A "  a\\nb\n", "img.raw"), -NP_ENOENT);
    CHECK_STR(r.listed, "a?b");
}

static void test_find_ambiguous_or_unsupported(void)
{
    CHECK_EQ_I64(find(H64A "  img.raw\n# again\n" H64B "  img.raw\n", "img.raw"), -NP_EEXIST);
    CHECK_EQ_U64(r.entry.line, 1);
    CHECK_EQ_U64(r.other_line, 3);
    /* The same digest twice is no ambiguity; nor is another algorithm (the first line wins). */
    CHECK_EQ_I64(find(H64A "  img.raw\n" H64A " *img.raw\n", "img.raw"), 0);
    CHECK_EQ_I64(find(H128 "  img.raw\nSHA256 (img.raw) = " H64A "\n", "img.raw"), 0);
    CHECK(r.entry.digest.alg == DIGEST_SHA512);
    /* Only an MD5 for it: said so, not "no line". */
    CHECK_EQ_I64(find("d41d8cd98f00b204e9800998ecf8427e  img.raw\n" H64A "  other.raw\n", "img.raw"), -NP_ENOTSUP);
    /* An MD5 line and a SHA-256 line: the SHA-256 one. */
    CHECK_EQ_I64(find("MD5 (img.raw) = d41d8cd98f00b204e9800998ecf8427e\nSHA256 (img.raw) = " H64A "\n",
                      "img.raw"), 0);
    CHECK_EQ_U64(r.entry.line, 2);
}

static char name[SUMS_NAME_MAX];

static int url_name(const char *url)
{
    memset(name, 0x5A, sizeof(name));
    return sums_url_name(url, name, sizeof(name));
}

static void test_url_name(void)
{
    CHECK_EQ_I64(url_name("http://10.0.2.2:8080/images/img.raw"), 0);
    CHECK_STR(name, "img.raw");
    CHECK_EQ_I64(url_name("http://host/img.raw?X-Amz-Signature=abc/def#frag"), 0);
    CHECK_STR(name, "img.raw");
    CHECK_EQ_I64(url_name("http://host/a/b%20c%2Bd%25.img"), 0);
    CHECK_STR(name, "b c+d%.img");
    CHECK_EQ_I64(url_name("https://host/x.img#top"), 0);
    CHECK_STR(name, "x.img");
    CHECK_EQ_I64(url_name("http://host/dir/"), -NP_EINVAL);        /* no file name */
    CHECK_EQ_I64(url_name("http://host"), -NP_EINVAL);
    CHECK_EQ_I64(url_name("http://host?x=/y"), -NP_EINVAL);        /* the '/' is the query's */
    CHECK_EQ_I64(url_name("http:///img.raw"), -NP_EINVAL);        /* no host */
    CHECK_EQ_I64(url_name("host/img.raw"), -NP_EINVAL);            /* no scheme */
    CHECK_EQ_I64(url_name("http://host/a%2"), -NP_EINVAL);         /* cut escape */
    CHECK_EQ_I64(url_name("http://host/a%zz"), -NP_EINVAL);
    CHECK_EQ_I64(url_name("http://host/a%00b"), -NP_EINVAL);
    CHECK_EQ_I64(url_name("http://host/a%0Ab"), -NP_EINVAL);       /* a newline would break the log line */
    CHECK_EQ_I64(url_name("http://host/.."), -NP_EINVAL);
    CHECK_EQ_I64(url_name("http://host/%2e"), -NP_EINVAL);
    char small[8];
    CHECK_EQ_I64(sums_url_name("http://host/1234567", small, sizeof(small)), 0);
    CHECK_EQ_I64(sums_url_name("http://host/12345678", small, sizeof(small)), -NP_EINVAL);
}

int main(void)
{
    TEST_RUN(test_gnu_lines);
    TEST_RUN(test_escaped_names);
    TEST_RUN(test_bsd_lines);
    TEST_RUN(test_not_taken);
    TEST_RUN(test_find);
    TEST_RUN(test_find_none);
    TEST_RUN(test_find_ambiguous_or_unsupported);
    TEST_RUN(test_url_name);
    return test_finish();
}
