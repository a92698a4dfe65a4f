/*
 * Boot-information parsers for Multiboot2 (spec 2.0 section 3.6), Multiboot1 (0.6.96 section
 * 3.3) and PVH (Xen's hvm_start_info, version 0 and 1). Everything the loader gives is
 * untrusted input: every length and pointer is checked before it is followed.
 */
#include "kernel/bootinfo.h"

#include "kernel/errno.h"
#include "kernel/string.h"

#define MB2_TAG_END         0
#define MB2_TAG_CMDLINE     1
#define MB2_TAG_LOADER      2
#define MB2_TAG_MODULE      3
#define MB2_TAG_MEMINFO     4
#define MB2_TAG_MMAP        6
#define MB2_TAG_FB          8
#define MB2_TAG_EFI64       12
#define MB2_TAG_ACPI_OLD    14
#define MB2_TAG_ACPI_NEW    15
#define MB2_TAG_NETWORK     16
#define MB2_TAG_EFI_MMAP    17
#define MB2_TAG_EFI_BS      18

#define MB1_F_MEM           (1u << 0)
#define MB1_F_CMDLINE       (1u << 2)
#define MB1_F_MODS          (1u << 3)
#define MB1_F_MMAP          (1u << 6)
#define MB1_F_LOADER        (1u << 9)
#define MB1_F_FB            (1u << 12)

static uint32_t rd32(const uint8_t *p) { uint32_t v; NP_STRFN(memcpy)(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; NP_STRFN(memcpy)(&v, p, 8); return v; }

static void mem_add(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
    if (bi->nmem < BOOTINFO_MAX_RANGES && len)
        bi->mem[bi->nmem++] = (struct mem_range){ base, len, type };
}

/* Copies a string of at most max bytes that need not be terminated within max. */
static void copy_str(char *dst, size_t cap, const char *src, size_t max, bool *truncated)
{
    size_t n = NP_STRFN(strnlen)(src, max);
    size_t k = n < cap - 1 ? n : cap - 1;
    NP_STRFN(memcpy)(dst, src, k);
    dst[k] = '\0';
    if (truncated)
        *truncated = k < n;
}

/* Records a module; one that is empty, wraps or lies above 4 GiB (not mapped at boot) is dropped. */
static void module_add(struct boot_info *bi, uint64_t start, uint64_t end, const char *name, size_t name_max)
{
    if (bi->nmodules == BOOTINFO_MAX_MODULES || end <= start || end > (4ull << 30)) {
        bi->modules_dropped = true;
        return;
    }
    struct boot_module *m = &bi->modules[bi->nmodules++];
    m->start = start;
    m->len = end - start;
    m->cmdline[0] = '\0';
    if (name)
        copy_str(m->cmdline, sizeof(m->cmdline), name, name_max, NULL);
}

static void bi_reset(struct boot_info *bi, enum boot_proto p)
{
    NP_STRFN(memset)(bi, 0, sizeof(*bi));
    bi->proto = p;
}

/* UEFI memory types (UEFI 2.10 table 7.10) as e820 types, after ExitBootServices. */
static uint32_t efi_type(uint32_t t)
{
    switch (t) {
    case 1: case 2: case 3: case 4: case 7: return MEM_USABLE;
    case 8: return MEM_BAD;
    case 9: return MEM_ACPI;
    case 10: return MEM_NVS;
    default: return MEM_RESERVED;
    }
}

static int mb2_mmap(struct boot_info *bi, const uint8_t *t, uint32_t size)
{
    if (size < 16)
        return -NP_EBADMSG;
    uint32_t esize = rd32(t + 8);
    if (esize < 24 || esize % 8)
        return -NP_EBADMSG;
    for (uint32_t off = 16; esize <= size - off; off += esize)
        mem_add(bi, rd64(t + off), rd64(t + off + 8), rd32(t + off + 16));
    bi->mem_source = "multiboot2 mmap";
    return 0;
}

static int mb2_efi_mmap(struct boot_info *bi, const uint8_t *t, uint32_t size)
{
    if (size < 16)
        return -NP_EBADMSG;
    uint32_t dsize = rd32(t + 8);
    if (dsize < 40)
        return -NP_EBADMSG;
    for (uint32_t off = 16; dsize <= size - off; off += dsize) {
        uint64_t pages = rd64(t + off + 24);
        if (pages > (UINT64_MAX >> 12))
            return -NP_EBADMSG;
        mem_add(bi, rd64(t + off + 8), pages << 12, efi_type(rd32(t + off)));
    }
    bi->mem_source = "efi mmap";
    return 0;
}

static void rsdp_copy(struct boot_info *bi, const uint8_t *p, size_t len)
{
    bi->rsdp_len = len < sizeof(bi->rsdp) ? len : sizeof(bi->rsdp);
    NP_STRFN(memcpy)(bi->rsdp, p, bi->rsdp_len);
}

/* The direct-colour fields: red position, size, green position, size, blue position, size. */
static void fb_colours(struct boot_fb *fb, const uint8_t *c)
{
    fb->red_pos = c[0], fb->red_size = c[1];
    fb->green_pos = c[2], fb->green_size = c[3];
    fb->blue_pos = c[4], fb->blue_size = c[5];
}

static int mb2_tag(struct boot_info *bi, uint32_t type, const uint8_t *t, uint32_t size,
                   bool *have_mmap, bool *have_efi_mmap)
{
    switch (type) {
    case MB2_TAG_CMDLINE:
        copy_str(bi->cmdline, sizeof(bi->cmdline), (const char *)t + 8, size - 8, &bi->cmdline_truncated);
        return 0;
    case MB2_TAG_LOADER:
        copy_str(bi->loader, sizeof(bi->loader), (const char *)t + 8, size - 8, NULL);
        return 0;
    case MB2_TAG_MODULE:
        if (size < 16)
            return -NP_EBADMSG;
        module_add(bi, rd32(t + 8), rd32(t + 12), (const char *)t + 16, size - 16);
        return 0;
    case MB2_TAG_MMAP:
        *have_mmap = true;
        return mb2_mmap(bi, t, size);
    case MB2_TAG_EFI_MMAP:
        bi->efi_mmap = true;
        *have_efi_mmap = true;
        return 0;
    case MB2_TAG_FB:
        if (size < 31)
            return -NP_EBADMSG;
        bi->have_fb = true;
        bi->fb = (struct boot_fb){ .addr = rd64(t + 8), .pitch = rd32(t + 16), .width = rd32(t + 20),
                                   .height = rd32(t + 24), .bpp = t[28], .type = t[29] };
        /* GRUB's tag has a 16-bit reserved field, so the colour info starts at 32, not 31. */
        if (bi->fb.type == 1 && size >= 38)
            fb_colours(&bi->fb, t + 32);
        return 0;
    case MB2_TAG_EFI64:
        if (size >= 16)
            bi->efi64_systab = rd64(t + 8);
        return 0;
    case MB2_TAG_ACPI_OLD:
        if (bi->rsdp_len < 36)  /* the new (ACPI 2.0) copy wins whatever the tag order */
            rsdp_copy(bi, t + 8, size - 8);
        return 0;
    case MB2_TAG_ACPI_NEW:
        rsdp_copy(bi, t + 8, size - 8);
        return 0;
    case MB2_TAG_NETWORK:
        bi->dhcp_ack_len = size - 8 < BOOTINFO_DHCP_MAX ? size - 8 : BOOTINFO_DHCP_MAX;
        NP_STRFN(memcpy)(bi->dhcp_ack, t + 8, bi->dhcp_ack_len);
        return 0;
    case MB2_TAG_EFI_BS:
        bi->efi_bs_active = true;
        return 0;
    default:
        return 0;
    }
}

/* Walks the tags; calls mb2_tag for each, or only the EFI mmap / meminfo fallbacks. */
static int mb2_walk(struct boot_info *bi, const uint8_t *p, uint32_t total, int pass,
                    bool *have_mmap, bool *have_efi_mmap)
{
    uint32_t off = 8;
    while (off + 8 <= total) {
        uint32_t type = rd32(p + off), size = rd32(p + off + 4);
        if (size < 8 || size > total - off)
            return -NP_EBADMSG;
        if (type == MB2_TAG_END)
            return 0;
        int err = 0;
        if (pass == 0)
            err = mb2_tag(bi, type, p + off, size, have_mmap, have_efi_mmap);
        else if (pass == 1 && type == MB2_TAG_EFI_MMAP)
            err = mb2_efi_mmap(bi, p + off, size);
        else if (pass == 2 && type == MB2_TAG_MEMINFO && size >= 16) {
            mem_add(bi, 0, (uint64_t)rd32(p + off + 8) << 10, MEM_USABLE);
            mem_add(bi, 1 << 20, (uint64_t)rd32(p + off + 12) << 10, MEM_USABLE);
            bi->mem_source = "multiboot2 basic meminfo";
        }
        if (err)
            return err;
        off += (size + 7) & ~7u;
    }
    return -NP_EBADMSG;     /* no end tag inside total_size */
}

int bootinfo_parse_mb2(struct boot_info *bi, const void *info, size_t avail)
{
    const uint8_t *p = info;
    bool have_mmap = false, have_efi_mmap = false;

    bi_reset(bi, BOOT_MB2);
    if (!p || avail < 16 || ((uintptr_t)p & 7))
        return -NP_EBADMSG;
    uint32_t total = rd32(p);
    if (total < 16 || total > avail)
        return -NP_EBADMSG;
    int err = mb2_walk(bi, p, total, 0, &have_mmap, &have_efi_mmap);
    /* Prefer the e820-style map: GRUB-EFI's basic_meminfo is wrong, its mmap tag is not. */
    if (!err && !have_mmap && have_efi_mmap)
        err = mb2_walk(bi, p, total, 1, &have_mmap, &have_efi_mmap);
    if (!err && !bi->nmem)
        err = mb2_walk(bi, p, total, 2, &have_mmap, &have_efi_mmap);
    if (err)
        return err;
    bi->nmem = memmap_normalize(bi->mem, bi->nmem, BOOTINFO_MAX_RANGES);
    return bi->nmem ? 0 : -NP_ENOENT;
}

static int mb1_mmap(struct boot_info *bi, const uint8_t *mb, phys_map_fn map, void *ctx)
{
    uint32_t len = rd32(mb + 44), addr = rd32(mb + 48);
    const uint8_t *m = map(ctx, addr, len);
    if (!m)
        return -NP_EBADMSG;
    /* Each entry is preceded by its own size, which does not count itself. */
    for (uint32_t off = 0; off + 24 <= len;) {
        uint32_t size = rd32(m + off);
        if (size < 20 || size > len - off - 4)
            return -NP_EBADMSG;
        mem_add(bi, rd64(m + off + 4), rd64(m + off + 12), rd32(m + off + 20));
        off += size + 4;
    }
    bi->mem_source = "multiboot1 mmap";
    return 0;
}

static int mb1_string(char *dst, size_t cap, uint32_t addr, phys_map_fn map, void *ctx, bool *trunc)
{
    /* The string's length is unknown: map what can be read up to the cap, page by page. */
    size_t n = 0;
    while (n < cap) {
        size_t chunk = 4096 - ((addr + n) & 4095);
        const char *s = map(ctx, addr + n, chunk);
        if (!s && n && trunc)
            *trunc = true;      /* ran into unmapped memory before the terminator */
        if (!s)
            return n ? 0 : -NP_EBADMSG;
        size_t k = NP_STRFN(strnlen)(s, chunk);
        size_t room = cap - 1 - n;
        size_t c = k < room ? k : room;
        NP_STRFN(memcpy)(dst + n, s, c);
        n += c;
        dst[n] = '\0';
        if (k < chunk || c < k) {
            if (trunc)
                *trunc = c < k;
            return 0;
        }
    }
    return 0;
}

/* Each module entry: start, end (exclusive), string address, reserved (0.6.96 3.3). */
static int mb1_modules(struct boot_info *bi, uint32_t count, uint32_t addr, phys_map_fn map, void *ctx)
{
    if (count > 64)
        return -NP_EBADMSG;     /* no loader passes that many; a garbage count is not followed */
    const uint8_t *e = count ? map(ctx, addr, (size_t)count * 16) : NULL;
    if (count && !e)
        return -NP_EBADMSG;
    for (uint32_t i = 0; i < count; i++) {
        char name[BOOTINFO_MODNAME_MAX] = "";
        uint32_t str = rd32(e + 16 * i + 8);
        if (str && mb1_string(name, sizeof(name), str, map, ctx, NULL))
            return -NP_EBADMSG;
        module_add(bi, rd32(e + 16 * i), rd32(e + 16 * i + 4), name, sizeof(name));
    }
    return 0;
}

int bootinfo_parse_mb1(struct boot_info *bi, uint64_t info_addr, phys_map_fn map, void *ctx)
{
    bi_reset(bi, BOOT_MB1);
    const uint8_t *mb = map(ctx, info_addr, 116);
    if (!mb)
        return -NP_EBADMSG;
    uint32_t flags = rd32(mb);
    int err = 0;
    if (flags & MB1_F_CMDLINE)
        err = mb1_string(bi->cmdline, sizeof(bi->cmdline), rd32(mb + 16), map, ctx, &bi->cmdline_truncated);
    if (!err && (flags & MB1_F_LOADER))
        err = mb1_string(bi->loader, sizeof(bi->loader), rd32(mb + 64), map, ctx, NULL);
    if (!err && (flags & MB1_F_MMAP) && rd32(mb + 44))
        err = mb1_mmap(bi, mb, map, ctx);
    else if (!err && (flags & MB1_F_MEM)) {
        mem_add(bi, 0, (uint64_t)rd32(mb + 4) << 10, MEM_USABLE);
        mem_add(bi, 1 << 20, (uint64_t)rd32(mb + 8) << 10, MEM_USABLE);
        bi->mem_source = "multiboot1 mem_lower/upper";
    }
    if (!err && (flags & MB1_F_MODS))
        err = mb1_modules(bi, rd32(mb + 20), rd32(mb + 24), map, ctx);
    if (!err && (flags & MB1_F_FB)) {
        bi->have_fb = true;
        bi->fb = (struct boot_fb){ .addr = rd64(mb + 88), .pitch = rd32(mb + 96), .width = rd32(mb + 100),
                                   .height = rd32(mb + 104), .bpp = mb[108], .type = mb[109] };
        if (bi->fb.type == 1)
            fb_colours(&bi->fb, mb + 110);
    }
    if (err)
        return err;
    bi->nmem = memmap_normalize(bi->mem, bi->nmem, BOOTINFO_MAX_RANGES);
    return bi->nmem ? 0 : -NP_ENOENT;
}

/* hvm_modlist_entry: paddr, size, cmdline_paddr, reserved (Xen's arch-x86/hvm/start_info.h). */
static int pvh_modules(struct boot_info *bi, uint32_t count, uint64_t list, phys_map_fn map, void *ctx)
{
    if (count > 64)
        return -NP_EBADMSG;
    const uint8_t *e = count ? map(ctx, list, (size_t)count * 32) : NULL;
    if (count && !e)
        return -NP_EBADMSG;
    for (uint32_t i = 0; i < count; i++) {
        char name[BOOTINFO_MODNAME_MAX] = "";
        uint64_t base = rd64(e + 32 * i), size = rd64(e + 32 * i + 8), str = rd64(e + 32 * i + 16);
        if (str && str <= UINT32_MAX && mb1_string(name, sizeof(name), (uint32_t)str, map, ctx, NULL))
            return -NP_EBADMSG;
        module_add(bi, base, base + size < base ? 0 : base + size, name, sizeof(name));
    }
    return 0;
}

int bootinfo_parse_pvh(struct boot_info *bi, uint64_t info_addr, phys_map_fn map, void *ctx)
{
    bi_reset(bi, BOOT_PVH);
    const uint8_t *si = map(ctx, info_addr, 56);
    if (!si || rd32(si) != BOOT_MAGIC_PVH)
        return -NP_EBADMSG;
    uint32_t version = rd32(si + 4);
    uint64_t cmdline = rd64(si + 24), rsdp = rd64(si + 32);
    if (cmdline && cmdline <= UINT32_MAX &&
        mb1_string(bi->cmdline, sizeof(bi->cmdline), (uint32_t)cmdline, map, ctx, &bi->cmdline_truncated))
        return -NP_EBADMSG;
    bi->rsdp_addr = rsdp;
    np_strlcpy(bi->loader, "PVH", sizeof(bi->loader));
    if (version < 1)
        return -NP_ENOTSUP;     /* version 0 carries no memory map */
    uint64_t mm = rd64(si + 40);
    uint32_t n = rd32(si + 48);
    if (n > BOOTINFO_MAX_RANGES)
        n = BOOTINFO_MAX_RANGES;
    const uint8_t *e = map(ctx, mm, (size_t)n * 24);
    if (!e)
        return -NP_EBADMSG;
    for (uint32_t i = 0; i < n; i++)
        mem_add(bi, rd64(e + 24 * i), rd64(e + 24 * i + 8), rd32(e + 24 * i + 16));
    bi->mem_source = "pvh memmap";
    int err = pvh_modules(bi, rd32(si + 12), rd64(si + 16), map, ctx);
    if (err)
        return err;
    bi->nmem = memmap_normalize(bi->mem, bi->nmem, BOOTINFO_MAX_RANGES);
    return bi->nmem ? 0 : -NP_ENOENT;
}

int bootinfo_parse(struct boot_info *bi, uint32_t magic, uint64_t info, phys_map_fn map, void *ctx)
{
    const uint8_t *p;
    switch (magic) {
    case BOOT_MAGIC_MB2:
        /* total_size is the first field: map it, then the whole block. */
        p = map(ctx, info, 8);
        if (!p)
            return bi_reset(bi, BOOT_MB2), -NP_EBADMSG;
        p = map(ctx, info, rd32(p));
        if (!p)
            return bi_reset(bi, BOOT_MB2), -NP_EBADMSG;
        return bootinfo_parse_mb2(bi, p, rd32(p));
    case BOOT_MAGIC_MB1:
        return bootinfo_parse_mb1(bi, info, map, ctx);
    case BOOT_MAGIC_PVH:
        return bootinfo_parse_pvh(bi, info, map, ctx);
    default:
        bi_reset(bi, BOOT_NONE);
        return -NP_ENOTSUP;
    }
}

/* Whether any blank-separated word of s has the base name (after its last '/') name[0..n). */
static bool has_word_named(const char *s, const char *name, size_t n)
{
    while (*s) {
        while (*s == ' ')
            s++;
        const char *base = s;
        for (; *s && *s != ' '; s++)
            if (*s == '/')
                base = s + 1;
        if ((size_t)(s - base) == n && n && !NP_STRFN(memcmp)(base, name, n))
            return true;
    }
    return false;
}

static bool blank(const char *s)
{
    while (*s == ' ')
        s++;
    return !*s;
}

const struct boot_module *bootinfo_module_find(const struct boot_info *bi, const char *name)
{
    const struct boot_module *hit = NULL;
    size_t want = NP_STRFN(strlen)(name);
    if (bi->nmodules == 1 && blank(bi->modules[0].cmdline))
        return &bi->modules[0];    /* PVH and a bare -initrd pass no name */
    for (unsigned i = 0; i < bi->nmodules; i++) {
        if (!has_word_named(bi->modules[i].cmdline, name, want))
            continue;
        if (hit)
            return NULL;    /* two modules of that name: which one is meant is a guess */
        hit = &bi->modules[i];
    }
    return hit;
}

const char *bootinfo_proto_name(enum boot_proto p)
{
    switch (p) {
    case BOOT_MB2: return "Multiboot2";
    case BOOT_MB1: return "Multiboot1";
    case BOOT_PVH: return "PVH";
    default: return "unknown";
    }
}
