/*
 * Known-answer checks of the selected SHA-256/SHA-512 paths: the NIST examples for FIPS 180-4
 * ("abc", the 448- and 896-bit messages, the empty message, a million 'a'), each fed whole and
 * again in uneven pieces so that block boundaries fall inside updates. Shared by the host tests
 * and selftest=hash on the target CPU.
 */
#include "crypto/hash_kat.h"

static const char m448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char m896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopq"
                           "rlmnopqrsmnopqrstnopqrstu";

static const struct kat {
    const char *name;
    const char *msg;            /* NULL: a million 'a' */
    const char *sha256, *sha512;
} kats[] = {
    { "empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
      "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
    { "abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
    { "448-bit", m448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
      "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
      "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445" },
    { "896-bit", m896, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
      "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
      "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
    { "million-a", NULL, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
      "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
      "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b" },
};

#define MILLION 1000000u

/* Piece sizes for the split feeding: odd, across both block sizes. */
static const size_t pieces[] = { 1, 3, 55, 64, 65, 127, 128, 129, 997 };

static bool digest_is(const uint8_t *d, size_t n, const char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++)
        if (hex[2 * i] != digits[d[i] >> 4] || hex[2 * i + 1] != digits[d[i] & 15])
            return false;
    return hex[2 * n] == '\0';
}

static size_t msg_len(const struct kat *k)
{
    size_t n = 0;
    if (!k->msg)
        return MILLION;
    while (k->msg[n])
        n++;
    return n;
}

/* Feeds the message in pieces of `piece` bytes (0: in one update). */
static void feed(struct hash_ctx *c, const struct kat *k, size_t piece)
{
    static const char a[997] = { [0 ... 996] = 'a' };
    size_t len = msg_len(k);
    for (size_t off = 0; off < len;) {
        size_t n = piece && piece < len - off ? piece : len - off;
        if (!k->msg && n > sizeof(a))
            n = sizeof(a);
        hash_update(c, k->msg ? k->msg + off : a, n);
        off += n;
    }
}

static bool check_one(enum hash_alg alg, const struct kat *k, size_t piece)
{
    struct hash_ctx c;
    uint8_t d[HASH_MAX_DIGEST];
    hash_init(&c, alg);
    feed(&c, k, piece);
    hash_final(&c, d);
    if (!digest_is(d, hash_digest_size(alg), alg == HASH_SHA256 ? k->sha256 : k->sha512))
        return false;
    if (piece)
        return true;
    /* hash_final restarts the context: a second message through it gives the same answer. */
    feed(&c, k, piece);
    hash_final(&c, d);
    return digest_is(d, hash_digest_size(alg), alg == HASH_SHA256 ? k->sha256 : k->sha512);
}

int hash_kat_run(enum hash_alg alg, const char **failed, size_t *piece)
{
    for (size_t i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
        for (size_t p = 0; p <= sizeof(pieces) / sizeof(pieces[0]); p++) {
            size_t n = p ? pieces[p - 1] : 0;
            if (!kats[i].msg && n && n != 997)
                continue;   /* a million bytes in every piece size: slow under TCG, no new boundary */
            if (!check_one(alg, &kats[i], n)) {
                *failed = kats[i].name;
                *piece = n;
                return -1;
            }
        }
    }
    return 0;
}
