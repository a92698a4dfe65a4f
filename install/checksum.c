#include "install/checksum.h"

#include "kernel/console.h"
#include "kernel/string.h"

static enum hash_alg hash_of(enum digest_alg alg)
{
    return alg == DIGEST_SHA512 ? HASH_SHA512 : HASH_SHA256;
}

void checksum_hash_start(struct checksum_hash *h, enum digest_alg alg)
{
    h->alg = alg;
    hash_init(&h->ctx, hash_of(alg));
}

void checksum_hash_update(struct checksum_hash *h, const uint8_t *p, size_t len)
{
    hash_update(&h->ctx, p, len);
}

void checksum_hash_feed(void *ctx, const uint8_t *p, size_t len)
{
    checksum_hash_update(ctx, p, len);
}

void checksum_hash_finish(struct checksum_hash *h, struct digest *out)
{
    out->alg = h->alg;
    hash_final(&h->ctx, out->bytes);
}

static struct checksum_stage *of(struct stage *s)
{
    return (struct checksum_stage *)s;
}

static int checksum_begin(struct stage *s, uint64_t offset, uint64_t total)
{
    struct checksum_stage *c = of(s);
    if (offset && offset != c->pos)
        return stage_fail(s, NP_EXIT_HTTP, "%s: input resumed at byte %llu, not at %llu", c->key,
                          (unsigned long long)offset, (unsigned long long)c->pos);
    if (!offset) {
        checksum_hash_start(&c->hash, c->hash.alg);     /* the old hash holds no memory to free */
        c->pos = 0;
    }
    return stage_begin(s->next, offset, total);
}

static int checksum_write(struct stage *s, const uint8_t *p, size_t len)
{
    struct checksum_stage *c = of(s);
    uint64_t t0 = __builtin_ia32_rdtsc();
    checksum_hash_update(&c->hash, p, len);
    c->tsc += __builtin_ia32_rdtsc() - t0;     /* loglevel=7's stage report */
    c->pos += len;
    return stage_write(s->next, p, len);
}

/* Everything downstream lands first, then the digest decides whether the install may finish. */
static int checksum_end(struct stage *s)
{
    struct checksum_stage *c = of(s);
    if (stage_end(s->next))
        return -1;
    checksum_hash_finish(&c->hash, &c->digest);
    size_t n = digest_len(c->digest.alg);
    if (c->have_want && NP_STRFN(memcmp)(c->digest.bytes, c->want.bytes, n)) {
        char got[DIGEST_HEX_MAX];
        digest_hex(&c->digest, got);
        return stage_fail(s, NP_EXIT_HASH, "%s mismatch: got %s; the first MiB stays zeroed", c->key, got);
    }
    if (!c->key)
        return 0;   /* a hash kept for the read-back, not a check of its own: nothing to say */
    if (c->have_want)
        log_info("install: %llu bytes, %s matches\n", (unsigned long long)c->pos, c->key);
    else
        log_info("install: %llu bytes, %s (no %s= given to compare)\n", (unsigned long long)c->pos, c->key,
                 c->key);
    return 0;
}

static const struct stage_ops checksum_ops = {
    .name = "checksum",
    .begin = checksum_begin,
    .write = checksum_write,
    .end = checksum_end,
};

void checksum_stage_init(struct checksum_stage *c, struct stage *next, struct stage_error *err,
                         const char *key, enum digest_alg alg, const struct digest *want)
{
    NP_STRFN(memset)(c, 0, sizeof(*c));
    c->st = (struct stage){ &checksum_ops, next, err };
    c->key = key;
    c->have_want = want != NULL;
    if (want)
        c->want = *want;
    checksum_hash_start(&c->hash, want ? want->alg : alg);
}
