/* A small printf core: one formatter that writes to a sink, used by snprintf and the console. */
#include "kernel/printf.h"

#include <stdint.h>

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

struct spec {
    unsigned flags;
    int width;
    int prec;       /* -1: none */
    int len;        /* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t/intmax/ptrdiff */
    char conv;
};

struct out {
    np_sink_fn sink;
    void *ctx;
    int count;
};

static void out_put(struct out *o, const char *s, size_t n)
{
    if (n) {
        o->sink(o->ctx, s, n);
        o->count += (int)n;
    }
}

static void out_pad(struct out *o, char c, int n)
{
    char pad[16];
    for (int i = 0; i < 16; i++)
        pad[i] = c;
    while (n > 0) {
        int k = n > 16 ? 16 : n;
        out_put(o, pad, (size_t)k);
        n -= k;
    }
}

static const char *spec_parse(const char *f, struct spec *sp, va_list *ap)
{
    sp->flags = 0;
    sp->width = 0;
    sp->prec = -1;
    sp->len = 0;
    for (;; f++) {
        if (*f == '-') sp->flags |= F_LEFT;
        else if (*f == '0') sp->flags |= F_ZERO;
        else if (*f == '+') sp->flags |= F_PLUS;
        else if (*f == ' ') sp->flags |= F_SPACE;
        else if (*f == '#') sp->flags |= F_ALT;
        else break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->flags |= F_LEFT;
            sp->width = -sp->width;
        }
        f++;
    } else {
        for (; *f >= '0' && *f <= '9'; f++)     /* clamped, but every digit consumed */
            if (sp->width < 100000)
                sp->width = sp->width * 10 + (*f - '0');
    }
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            if (sp->prec < 0)
                sp->prec = -1;
            f++;
        } else {
            for (; *f >= '0' && *f <= '9'; f++)
                if (sp->prec < 100000)
                    sp->prec = sp->prec * 10 + (*f - '0');
        }
    }
    if (*f == 'h') {
        sp->len = -1;
        if (*++f == 'h') { sp->len = -2; f++; }
    } else if (*f == 'l') {
        sp->len = 1;
        if (*++f == 'l') { sp->len = 2; f++; }
    } else if (*f == 'z' || *f == 'j' || *f == 't') {
        sp->len = 3;
        f++;
    }
    sp->conv = *f;
    return f;
}

static void emit_number(struct out *o, const struct spec *sp, uint64_t v, int neg)
{
    char digits[24];
    int n = 0;
    unsigned base = 10;
    const char *set = "0123456789abcdef";

    if (sp->conv == 'x' || sp->conv == 'p') base = 16;
    else if (sp->conv == 'X') { base = 16; set = "0123456789ABCDEF"; }
    else if (sp->conv == 'o') base = 8;
    while (v) {
        digits[n++] = set[v % base];
        v /= base;
    }
    /* C: precision 0 with value 0 prints no digits. */
    int ndig = n;
    int zeros = sp->prec > ndig ? sp->prec - ndig : 0;
    if (sp->prec < 0 && n == 0)
        zeros = 1;

    char prefix[2];
    int np = 0;
    if (neg) prefix[np++] = '-';
    else if (sp->flags & F_PLUS) prefix[np++] = '+';
    else if (sp->flags & F_SPACE) prefix[np++] = ' ';
    if ((sp->flags & F_ALT) && base == 16 && ndig) { prefix[0] = '0'; prefix[1] = sp->conv == 'X' ? 'X' : 'x'; np = 2; }
    if ((sp->flags & F_ALT) && base == 8 && zeros == 0 && (ndig == 0 || digits[n - 1] != '0')) zeros = 1;

    int body = np + zeros + ndig;
    int pad = sp->width > body ? sp->width - body : 0;
    if (!(sp->flags & F_LEFT) && (sp->flags & F_ZERO) && sp->prec < 0) {
        zeros += pad;
        pad = 0;
    }
    if (!(sp->flags & F_LEFT))
        out_pad(o, ' ', pad);
    out_put(o, prefix, (size_t)np);
    out_pad(o, '0', zeros);
    while (n > 0)
        out_put(o, &digits[--n], 1);
    if (sp->flags & F_LEFT)
        out_pad(o, ' ', pad);
}

static void emit_signed(struct out *o, const struct spec *sp, va_list *ap)
{
    int64_t v;
    switch (sp->len) {
    case -2: v = (signed char)va_arg(*ap, int); break;
    case -1: v = (short)va_arg(*ap, int); break;
    case 1: v = va_arg(*ap, long); break;
    case 2: v = va_arg(*ap, long long); break;
    case 3: v = va_arg(*ap, intmax_t); break;
    default: v = va_arg(*ap, int); break;
    }
    /* Negate in unsigned arithmetic so INT64_MIN is printed correctly. */
    emit_number(o, sp, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0);
}

static void emit_unsigned(struct out *o, const struct spec *sp, va_list *ap)
{
    uint64_t v;
    switch (sp->len) {
    case -2: v = (unsigned char)va_arg(*ap, unsigned); break;
    case -1: v = (unsigned short)va_arg(*ap, unsigned); break;
    case 1: v = va_arg(*ap, unsigned long); break;
    case 2: v = va_arg(*ap, unsigned long long); break;
    case 3: v = va_arg(*ap, uintmax_t); break;
    default: v = va_arg(*ap, unsigned); break;
    }
    struct spec s = *sp;
    s.flags &= ~(unsigned)(F_PLUS | F_SPACE);
    emit_number(o, &s, v, 0);
}

static void emit_padded(struct out *o, const struct spec *sp, const char *s, size_t n)
{
    int pad = sp->width > (int)n ? sp->width - (int)n : 0;
    if (!(sp->flags & F_LEFT))
        out_pad(o, ' ', pad);
    out_put(o, s, n);
    if (sp->flags & F_LEFT)
        out_pad(o, ' ', pad);
}

static void emit_string(struct out *o, const struct spec *sp, const char *s)
{
    if (!s)
        s = "(null)";
    size_t n = 0;
    /* Precision first: a %.Ns argument need not be terminated within N bytes. */
    while ((sp->prec < 0 || n < (size_t)sp->prec) && s[n])
        n++;
    emit_padded(o, sp, s, n);
}

static void emit_conv(struct out *o, struct spec *sp, va_list *ap)
{
    char c;
    switch (sp->conv) {
    case 'd': case 'i':
        emit_signed(o, sp, ap);
        break;
    case 'u': case 'x': case 'X': case 'o':
        emit_unsigned(o, sp, ap);
        break;
    case 'p':
        sp->flags |= F_ALT;
        emit_number(o, sp, (uint64_t)(uintptr_t)va_arg(*ap, void *), 0);
        break;
    case 'c':
        c = (char)va_arg(*ap, int);
        emit_padded(o, sp, &c, 1);
        break;
    case 's':
        emit_string(o, sp, va_arg(*ap, const char *));
        break;
    default:
        /* '%%' and anything unknown print literally, so a bad format is visible, not fatal. */
        out_put(o, "%", 1);
        if (sp->conv != '%' && sp->conv)
            out_put(o, &sp->conv, 1);
        break;
    }
}

int np_vformat(np_sink_fn sink, void *ctx, const char *fmt, va_list ap)
{
    struct out o = { sink, ctx, 0 };
    va_list aq;
    va_copy(aq, ap);
    while (*fmt) {
        const char *p = fmt;
        while (*p && *p != '%')
            p++;
        out_put(&o, fmt, (size_t)(p - fmt));
        if (!*p)
            break;
        struct spec sp;
        p = spec_parse(p + 1, &sp, &aq);
        if (!*p)
            break;
        emit_conv(&o, &sp, &aq);
        fmt = p + 1;
    }
    va_end(aq);
    return o.count;
}

struct bufsink {
    char *buf;
    size_t size;
    size_t pos;
};

static void buf_sink(void *ctx, const char *s, size_t n)
{
    struct bufsink *b = ctx;
    for (size_t i = 0; i < n; i++, b->pos++)
        if (b->pos + 1 < b->size)
            b->buf[b->pos] = s[i];
}

int np_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct bufsink b = { buf, size, 0 };
    int n = np_vformat(buf_sink, &b, fmt, ap);
    if (size)
        buf[b.pos < size ? b.pos : size - 1] = '\0';
    return n;
}

int np_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = np_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
