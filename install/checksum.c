#include "install/checksum.h"

#include "install/summary.h"
#include "kernel/console.h"
#include "kernel/string.h"

static struct checksum_stage *of(struct stage *s)
{
    return (struct checksum_stage *)s;
}

static int checksum_begin(struct stage *s, uint64_t offset, uint64_t total)
{
    struct checksum_stage *c = of(s);
    if (offset && offset != c->pos)
        return stage_fail(s, NP_EXIT_HTTP, "checksum: input resumed at byte %llu, not at %llu",
                          (unsigned long long)offset, (unsigned long long)c->pos);
    if (!offset) {
        mbedtls_sha256_free(&c->sha);
        mbedtls_sha256_init(&c->sha);
        mbedtls_sha256_starts_ret(&c->sha, 0);
        c->pos = 0;
    }
    return stage_begin(s->next, offset, total);
}

static int checksum_write(struct stage *s, const uint8_t *p, size_t len)
{
    struct checksum_stage *c = of(s);
    mbedtls_sha256_update_ret(&c->sha, p, len);
    c->pos += len;
    return stage_write(s->next, p, len);
}

/* Everything downstream lands first, then the digest decides whether the install may finish. */
static int checksum_end(struct stage *s)
{
    struct checksum_stage *c = of(s);
    if (stage_end(s->next))
        return -1;
    mbedtls_sha256_finish_ret(&c->sha, c->digest);
    if (c->have_want && NP_STRFN(memcmp)(c->digest, c->want, sizeof(c->digest))) {
        char got[65];
        summary_hex(c->digest, got);
        return stage_fail(s, NP_EXIT_HASH, "sha256 mismatch: got %s; the first MiB stays zeroed", got);
    }
    log_info("install: %llu bytes, sha256 %s; writing the first MiB\n", (unsigned long long)c->pos,
             c->have_want ? "matches" : "(no sha256= given to compare)");
    return 0;
}

static const struct stage_ops checksum_ops = {
    .name = "sha256",
    .begin = checksum_begin,
    .write = checksum_write,
    .end = checksum_end,
};

void checksum_stage_init(struct checksum_stage *c, struct stage *next, struct stage_error *err,
                         const uint8_t *want)
{
    NP_STRFN(memset)(c, 0, sizeof(*c));
    c->st = (struct stage){ &checksum_ops, next, err };
    c->have_want = want != NULL;
    if (want)
        NP_STRFN(memcpy)(c->want, want, sizeof(c->want));
    mbedtls_sha256_init(&c->sha);
    mbedtls_sha256_starts_ret(&c->sha, 0);
}

int checksum_parse_hex(const char *s, uint8_t out[CHECKSUM_SHA256_LEN])
{
    for (int i = 0; i < 2 * CHECKSUM_SHA256_LEN; i++) {
        char c = s[i] | 0x20;
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0)
            return -1;
        out[i / 2] = (uint8_t)(i % 2 ? out[i / 2] | v : v << 4);
    }
    return s[2 * CHECKSUM_SHA256_LEN] ? -1 : 0;
}
