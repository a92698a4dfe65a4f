/* netplant's kernel entry: parse what the loader gave, set up memory and time, then the job. */
#include "arch/x86_64/arch.h"
#include "crypto/hash.h"
#include "kernel/acpi.h"
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/entropy.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/exit.h"
#include "kernel/kmem.h"
#include "install/selftest.h"
#include "kernel/string.h"
#include "kernel/walltime.h"
#include "drivers/pci/pci.h"
#include "drivers/input/i8042.h"
#include "drivers/probe/probe.h"
#include "drivers/video/screen.h"
#include "kernel/blkdev.h"
#include "install/disktest.h"
#include "install/install.h"
#include "install/menu.h"
#include "install/summary.h"
#include "install/cfgfile.h"
#include "kernel/undriven.h"
#include "kernel/printf.h"
#include "kernel/urlmask.h"
#include "net/http/hdropt.h"
#include "net/http/http_fetch.h"
#include "net/http/http_get.h"
#include "net/http/proxy.h"
#include "net/http/url.h"
#include "net/lwip-port/lwip_port.h"
#include "net/lwip-port/net.h"
#include "net/lwip-port/nettest.h"
#include "net/tls/tls.h"

#define QEMU_EXIT_PORT_DEFAULT 0xF4

static struct boot_info boot_info;
static struct cmdline cmdline;
static struct acpi_info acpi;

static const struct cmdline_key known_keys[] = {
    { "then", "reboot|poweroff|halt after success (default reboot)" },
    { "onerror", "reboot|poweroff|halt after a failure (default halt)" },
    { "qemu_exit", "on|PORT: end through QEMU's isa-debug-exit (tests only)" },
    { "loglevel", "console level 0-7 (default 6)" },
    { "console", "serial|screen|both: where the console goes (default both)" },
    { "verbose", "loglevel=7" },
    { "log", "text|json: json makes every console line one JSON object (level, t: seconds since boot, msg)" },
    { "quiet", "loglevel=4" },
    { "selftest", "fault|panic|ud: exercise the failure paths; hash: check and time the SHA-2 paths" },
    { "disk", "the target disk: name, PCI address, mmio:BASE, serial:GLOB, model:GLOB, size:N, min_size:N, max_size:N, smallest, largest (comma: all must match)" },
    { "disktest", "OFFSET+LENGTH: write, read back and compare a pattern on the disk" },
    { "virtio_mmio.device", "SIZE@BASE:IRQ: a virtio MMIO slot (QEMU microvm adds these)" },
    { "nic", "the network device: name, MAC or PCI address (default: the one booted from, else the first with link)" },
    { "BOOTIF", "01-MAC (pxelinux/iPXE form): the NIC the machine booted from" },
    { "ip", "ADDRESS/PREFIX: static address instead of DHCP" },
    { "gw", "ADDRESS: default gateway (with ip=)" },
    { "dns", "ADDRESS[,ADDRESS]: DNS servers (override DHCP's)" },
    { "dhcp_timeout", "seconds to wait for a DHCP lease (default 30)" },
    { "nettest", "lease|sink:PORT|echo:PORT|resolve:NAME: network test modes" },
    { "config", "URL of a key=value file that adds to this command line (${mac}: the NIC's MAC)" },
    { "url", "http://[USER:PASSWORD@]HOST[:PORT]/PATH: the image to install onto the disk" },
    { "sha256", "64 hex digits: the image's SHA-256 as served; the install fails if it differs" },
    { "sha512", "128 hex digits: the image's SHA-512 as served (instead of sha256=)" },
    { "checksum", "URL of a SHA256SUMS/SHA512SUMS file: its line for url='s file name is checked" },
    { "raw_sha256", "64 hex digits: the SHA-256 of the bytes written to the disk (decompressed)" },
    { "retries", "attempts after the first on connection errors and 408/429/5xx (default 5)" },
    { "timeout", "seconds without a byte before a connection counts as dead (default 30)" },
    { "verify", "none|readback: read the written image back and hash it again" },
    { "format", "auto|raw|gzip|zstd|xz|bzip2: the image's format (default auto: by its magic bytes)" },
    { "menu", "on|off: the menu to choose an image and a disk (default: on a screen without url=)" },
    { "catalog", "URL of the menu's list of images (name=, url=, sha256=, size=, description= per line)" },
    { "ca", "NAME: a PEM file given as a boot module (its file name) whose certificates https trusts too" },
    { "ca_only", "trust only the ca= certificates, not the built-in Mozilla roots" },
    { "insecure", "https: do not check server certificates (warns on every connection)" },
    { "header", "\"Name: value\": a request header for every request: config=, the image, checksum=, done_url= (repeatable; never printed)" },
    { "auth_redirects", "send an Authorization header= to other servers a redirect leads to" },
    { "proxy", "http://[USER:PASSWORD@]HOST:PORT: an HTTP proxy for every request (CONNECT for https)" },
    { "time", "UTC as 2025-05-20T12:00:00Z or @SECONDS: the time for certificate checks (default: the RTC)" },
    { "done_url", "http://HOST/PATH: POST the result as JSON there after the install, success or failure" },
    { "done_timeout", "seconds done_url= may take, retries included (default 30)" },
    { "progress_url", "http(s)://HOST/PATH: POST progress as JSON there during the download, never waiting on it" },
    { "progress_every", "seconds between progress_url= POSTs (default 10)" },
    { "wipe", "none|ends|all: blank the disk's last MiB (ends, the default) or all past the image first" },
    { "gpt", "fix|keep: move the image's backup GPT to the disk's last LBA (fix, the default) or not" },
};

void kmain(uint32_t magic, uint32_t info);

static void report_unknown(void *ctx, const char *key)
{
    (void)ctx;
    log_err("error: unknown command-line key '%s'\n", key);
}

/* Reads qemu_exit= first, so that every later failure can end QEMU with its status. */
static int configure_exit(void)
{
    const char *q = cmdline_get(&cmdline, "qemu_exit");
    uint64_t port = 0;
    bool on = false;
    enum np_then ok = NP_THEN_REBOOT, bad = NP_THEN_HALT;
    int err = 0;

    if (q && cmdline_parse_bool(q, &on) == 0)
        port = on ? QEMU_EXIT_PORT_DEFAULT : 0;
    else if (q && (cmdline_parse_u64(q, &port) || port == 0 || port > 0xFFFF))
        port = 0, err = -NP_EINVAL, log_err("error: qemu_exit=%s: want on, off or an I/O port\n", q);
    const char *t = cmdline_get(&cmdline, "then"), *e = cmdline_get(&cmdline, "onerror");
    if (t && np_then_parse(t, &ok))
        err = -NP_EINVAL, log_err("error: then=%s: want reboot, poweroff or halt\n", t);
    if (e && np_then_parse(e, &bad))
        err = -NP_EINVAL, log_err("error: onerror=%s: want reboot, poweroff or halt\n", e);
    np_exit_configure((uint16_t)port, ok, bad);
    return err;
}

/* console=: serial, screen or both; -NP_EINVAL for anything else. */
static int console_outputs_parse(const char *s, unsigned *mask)
{
    if (!NP_STRFN(strcmp)(s, "serial"))
        *mask = CONSOLE_SERIAL;
    else if (!NP_STRFN(strcmp)(s, "screen"))
        *mask = CONSOLE_SCREEN;
    else if (!NP_STRFN(strcmp)(s, "both"))
        *mask = CONSOLE_ALL;
    else
        return -NP_EINVAL;
    return 0;
}

/*
 * The screen comes up before the first line is printed, so that the banner and any early
 * error show there too: console= is read from a first parse of the command line (a bad
 * value is reported by parse_cmdline, which parses it again).
 */
static int screen_err = 1;          /* 1: not tried (console=serial) */

static void configure_screen(void)
{
    unsigned mask = CONSOLE_ALL;
    cmdline_parse(&cmdline, boot_info.cmdline);
    const char *c = cmdline_get(&cmdline, "console");
    if (c && console_outputs_parse(c, &mask))
        mask = CONSOLE_ALL;
    if (mask & CONSOLE_SCREEN)
        screen_err = screen_init(&boot_info);
    console_set_outputs(mask);
}

static int configure_console(void)
{
    const char *l = cmdline_get(&cmdline, "loglevel");
    const char *c = cmdline_get(&cmdline, "console");
    unsigned mask;
    uint64_t level;
    if (c && console_outputs_parse(c, &mask)) {
        log_err("error: console=%s: want serial, screen or both\n", c);
        return -NP_EINVAL;
    }
    if (c)
        console_set_outputs(mask);
    if (cmdline_get(&cmdline, "quiet"))
        console_set_level(LOG_WARN);
    if (cmdline_get(&cmdline, "verbose"))
        console_set_level(LOG_DEBUG);
    const char *j = cmdline_get(&cmdline, "log");
    if (j && NP_STRFN(strcmp)(j, "json") && NP_STRFN(strcmp)(j, "text")) {
        log_err("error: log=%s: want json or text\n", j);
        return -NP_EINVAL;
    }
    console_set_json(j && !NP_STRFN(strcmp)(j, "json"));
    if (!l)
        return 0;
    if (cmdline_parse_u64(l, &level) || level > 7) {
        log_err("error: loglevel=%s: want 0 to 7\n", l);
        return -NP_EINVAL;
    }
    console_set_level((int)level);
    return 0;
}

static void parse_cmdline(void)
{
    int perr = cmdline_parse(&cmdline, boot_info.cmdline);
    /* The words before a parse error still count, so qemu_exit= can report the error. */
    int err = configure_exit();
    if (perr) {
        log_err("error: command line: %s at offset %zu\n", cmdline.error, cmdline.error_pos);
        np_finish(NP_EXIT_USAGE);
    }
    if (!err)
        err = configure_console();
    if (cmdline_check(&cmdline, known_keys, sizeof(known_keys) / sizeof(known_keys[0]),
                      report_unknown, NULL))
        err = -NP_EINVAL;
    if (boot_info.cmdline_truncated)
        err = -NP_EINVAL, log_err("error: command line longer than %d bytes\n", BOOTINFO_CMDLINE_MAX - 1);
    if (err)
        np_finish(NP_EXIT_USAGE);
}

/*
 * config=URL: the network comes up with this command line, the file's words come first and
 * this command line's after them, so a key given at boot overrides the file.
 */
static void apply_config(void)
{
    static char url[URL_MAX + 1], text[CFGFILE_MAX], words[CFGFILE_MAX], merged[CMDLINE_MAX_LEN];
    const char *c = cmdline_get(&cmdline, "config");
    size_t len;
    if (!c)
        return;
    enum np_exit e = net_up(&cmdline, &boot_info);
    if (e != NP_EXIT_OK)
        np_finish(e);
    if (cfgfile_expand_mac(c, net_mac(), url, sizeof(url)))
        log_err("error: config=%s: longer than %d bytes with ${mac} filled in\n", urlmask_str(c), URL_MAX),
            np_finish(NP_EXIT_USAGE);
    log_info("config: fetching %s\n", urlmask_str(url));
    if ((e = http_fetch(url, text, sizeof(text), &len)) != NP_EXIT_OK)
        np_finish(e);
    /* The kernel's own name, which loaders put first, stays first. */
    const char *rest = boot_info.cmdline;
    int image_len = 0;
    if (cmdline.image) {
        while (*rest == ' ')
            rest++;
        while (rest[image_len] && rest[image_len] != ' ')
            image_len++;
    }
    if (cfgfile_to_cmdline(text, len, words, sizeof(words)) ||
        np_snprintf(merged, sizeof(merged), "%.*s %s %s", image_len, rest, words, rest + image_len) >=
            (int)sizeof(merged))
        log_err("error: config: %s is not a key=value file netplant can take\n", urlmask_str(url)),
            np_finish(NP_EXIT_USAGE);
    np_strlcpy(boot_info.cmdline, merged, sizeof(boot_info.cmdline));
    parse_cmdline();
    log_info("config: command line now \"%s\"\n", urlmask_str(boot_info.cmdline));
}

static void map_high_ram(void)
{
    for (unsigned i = 0; i < boot_info.nmem; i++) {
        const struct mem_range *r = &boot_info.mem[i];
        if (r->type == MEM_USABLE && r->base + r->len > (4ull << 30) && paging_map(r->base, r->len, false))
            log_warn("memory: cannot map %#llx+%#llx\n", (unsigned long long)r->base, (unsigned long long)r->len);
    }
}

static void print_acpi(void)
{
    if (!acpi.found) {
        log_info("acpi: not found\n");
        return;
    }
    log_info("acpi: RSDP revision %u, OEM \"%s\", %s at %#llx, FADT %s, S5 %s, reset register %s\n",
             acpi.revision, acpi.oem, acpi.root_is_xsdt ? "XSDT" : "RSDT",
             (unsigned long long)acpi.root, acpi.have_fadt ? "yes" : "no",
             acpi.have_s5 ? "yes" : "no", acpi.reset_supported ? "yes" : "no");
}

/* First, before anything can fail on the command line: who we are and what we were told. */
static void print_hello(void)
{
    log_info("netplant %s (x86_64), booted via %s from \"%s\"\n", NETPLANT_VERSION,
             bootinfo_proto_name(boot_info.proto), boot_info.loader[0] ? boot_info.loader : "unknown loader");
    log_info("cmdline: \"%s\"\n", urlmask_str(boot_info.cmdline));     /* no password on the console */
}

static void print_banner(void)
{
    uint64_t usable = memmap_total(boot_info.mem, boot_info.nmem, MEM_USABLE);
    log_info("memory: usable=%llu bytes (%llu MiB) in %u ranges, from %s; %llu MiB free\n",
             (unsigned long long)usable, (unsigned long long)(usable >> 20), boot_info.nmem,
             boot_info.mem_source, (unsigned long long)(kmem_free_bytes() >> 20));
    for (unsigned i = 0; i < boot_info.nmem; i++)
        log_debug("  mem %#014llx-%#014llx type %u\n", (unsigned long long)boot_info.mem[i].base,
                  (unsigned long long)(boot_info.mem[i].base + boot_info.mem[i].len - 1), boot_info.mem[i].type);
    print_acpi();
    if (boot_info.efi64_systab)
        log_info("efi: system table at %#llx%s\n", (unsigned long long)boot_info.efi64_systab,
                 boot_info.efi_mmap ? ", EFI memory map given" : "");
    if (boot_info.dhcp_ack_len)
        log_info("net: the loader passed a DHCP ACK (%zu bytes)\n", boot_info.dhcp_ack_len);
    log_info("hash: sha256 %s, sha512 %s (%s assembly)\n", hash_impl_name(HASH_SHA256),
             hash_impl_name(HASH_SHA512), hash_lib_name());
    const char *src;
    unsigned roots = tls_builtin_roots(&src);
    log_info("tls: %u built-in roots from %s; %u boot module%s\n", roots, src, boot_info.nmodules,
             boot_info.nmodules == 1 ? "" : "s");
    log_info("clock: TSC %llu.%03llu MHz, from %s\n", (unsigned long long)(clock_tsc_hz() / 1000000),
             (unsigned long long)(clock_tsc_hz() / 1000 % 1000), clock_source());
    uint64_t us = clock_us();
    log_info("boot: %llu.%03llu ms from kernel entry to banner\n", (unsigned long long)(us / 1000),
             (unsigned long long)(us % 1000));
}

static void init_acpi(void)
{
    int err;
    if (boot_info.rsdp_len)
        err = acpi_init(&acpi, boot_info.rsdp, boot_info.rsdp_len, 0, phys_map, NULL);
    else
        err = acpi_init(&acpi, NULL, 0, boot_info.rsdp_addr ? boot_info.rsdp_addr : acpi_rsdp_scan(phys_map, NULL),
                        phys_map, NULL);
    if (err && err != -NP_ENOENT)
        log_warn("acpi: tables rejected: %s\n", np_strerror(err));
    power_init(&acpi);
}

static void list_disks(void)
{
    char line[320];
    for (unsigned i = 0; i < blkdev_count(); i++) {
        const struct blkdev *d = blkdev_get(i);
        log_info("disk %s: %s via %s, %llu bytes (%llu MiB), %u-byte blocks,%s%s%s serial \"%s\"%s%s%s\n",
                 d->name, d->location, d->transport, (unsigned long long)d->size,
                 (unsigned long long)(d->size >> 20), d->block_size, d->model[0] ? " model \"" : "",
                 d->model, d->model[0] ? "\"," : "", d->serial,
                 d->read_only ? ", read-only" : "", d->can_flush ? ", flush" : "",
                 d->max_zeroes ? ", write-zeroes" : "");
    }
    /* What is there and not driven: a listing, not an error, while there is a disk to use. */
    for (unsigned i = 0; i < undriven_count(DEV_DISK); i++) {
        undriven_format(undriven_get(DEV_DISK, i), line, sizeof(line));
        log_info("disk: %s\n", line);
    }
    if (!blkdev_count() && !undriven_count(DEV_DISK))
        log_info("disk: none found\n");
}

/* Chooses the disk to write: disk= when given, else the only one there is. */
static struct blkdev *pick_disk(void)
{
    const char *spec = cmdline_get(&cmdline, "disk");
    char why[320];
    unsigned i;
    int err = blkdev_select(blkdev_all(), blkdev_count(), spec, &i);
    const struct undriven *u = err == -NP_ENOENT ? undriven_find(DEV_DISK, spec) : NULL;
    if (!err)
        return blkdev_get(i);
    if (err == -NP_EINVAL)
        log_err("error: %u disks found; say which one to write with disk=\n", blkdev_count());
    else if (err == -NP_ENODEV)
        undriven_explain(DEV_DISK, why, sizeof(why)), log_err("error: %s\n", why);
    else if (err == -NP_EEXIST)
        log_err("error: disk=%s matches more than one disk\n", spec);
    else if (err == -NP_EBADMSG)
        log_err("error: disk=%s: a size wants digits and K, M, G or T\n", spec);
    else if (u)
        undriven_format(u, why, sizeof(why)), log_err("error: disk=%s: %s\n", spec, why);
    else
        log_err("error: disk=%s matches no disk\n", spec);
    return NULL;
}

static enum np_exit run_disktest(const char *range)
{
    uint64_t off, len;
    if (disktest_parse_range(range, &off, &len)) {
        log_err("error: disktest=%s: want OFFSET+LENGTH, e.g. 1M+8M\n", range);
        return NP_EXIT_USAGE;
    }
    struct blkdev *d = pick_disk();
    return d ? disktest_run(d, off, len) : NP_EXIT_DISK;
}

/* ca=, ca_only, insecure: what https trusts. A ca= that names no module is a usage error. */
static void configure_tls(void)
{
    struct tls_trust t = { .insecure = cmdline_get(&cmdline, "insecure") != NULL,
                           .ca_only = cmdline_get(&cmdline, "ca_only") != NULL };
    const char *ca = cmdline_get(&cmdline, "ca");
    if (ca) {
        const struct boot_module *m = bootinfo_module_find(&boot_info, ca);
        if (!m) {
            log_err("error: ca=%s: no boot module of that name (%u module%s given%s)\n", ca, boot_info.nmodules,
                    boot_info.nmodules == 1 ? "" : "s", boot_info.modules_dropped ? ", some dropped" : "");
            np_finish(NP_EXIT_USAGE);
        }
        t.ca_pem = phys_map(NULL, m->start, m->len);
        t.ca_len = m->len;
        t.ca_name = ca;
    } else if (t.ca_only) {
        log_err("error: ca_only without ca=: nothing would be trusted\n");
        np_finish(NP_EXIT_USAGE);
    }
    if (tls_configure(&t))
        np_finish(NP_EXIT_USAGE);
}

/*
 * header=, auth_redirects, proxy=: what every request of the job carries and goes through
 * (http_configure). Run again after config=, whose file may give them too. Values of header=
 * and proxy credentials are never printed.
 */
static void configure_http(void)
{
    static const char *lines[HDROPT_MAX];
    static struct proxy px;
    struct http_config c = { .headers = lines, .auth_redirects = cmdline_get(&cmdline, "auth_redirects") != NULL };
    for (unsigned i = 0; i < cmdline.nargs; i++) {
        if (NP_STRFN(strcmp)(cmdline.args[i].key, "header"))
            continue;
        const char *v = cmdline.args[i].value ? cmdline.args[i].value : "";
        int err = hdropt_check(v);
        if (c.nheaders == HDROPT_MAX)
            log_err("error: header=: at most %d of them\n", HDROPT_MAX), np_finish(NP_EXIT_USAGE);
        if (err == -NP_EPERM)
            log_err("error: header= #%u: netplant sets that field itself (proxy credentials go in proxy=)\n",
                    c.nheaders + 1), np_finish(NP_EXIT_USAGE);
        if (err)
            log_err("error: header= #%u: want \"Name: value\" (a token name, no control characters)\n",
                    c.nheaders + 1), np_finish(NP_EXIT_USAGE);
        lines[c.nheaders++] = v;
    }
    const char *p = cmdline_get(&cmdline, "proxy");
    if (p) {
        int err = proxy_parse(p, &px);
        if (err)
            log_err("error: proxy=%s: %s\n", urlmask_str(p), proxy_strerror(err)), np_finish(NP_EXIT_USAGE);
        c.proxy = &px;
    }
    http_configure(&c);
}

/* Says once what configure_http took (after config=, so the file's words count too). */
static void describe_http(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < cmdline.nargs; i++)
        n += !NP_STRFN(strcmp)(cmdline.args[i].key, "header");
    if (n)
        log_info("http: %u extra header%s from header= (values not shown)\n", n, n == 1 ? "" : "s");
}

/* The result line for an ending no job reported: the status, with no figures. */
static void result_plain(char *buf, size_t size, enum np_exit status)
{
    summary_format(buf, size, status, 0, NULL, 0, NULL, NULL, 0, 0);
}

void kmain(uint32_t magic, uint32_t info)
{
    np_exit_set_result_fn(result_plain);
    serial_init();
    trap_init();
    int err = bootinfo_parse(&boot_info, magic, info, phys_map, NULL);
    if (err == -NP_ENOTSUP && boot_info.proto == BOOT_NONE) {
        log_err("error: unknown boot magic %#x (not Multiboot2, Multiboot1 or PVH); halting\n", magic);
        power_halt();
    }
    configure_screen();
    print_hello();
    parse_cmdline();
    if (err) {
        log_err("error: %s boot information unusable: %s\n", bootinfo_proto_name(boot_info.proto), np_strerror(err));
        np_finish(NP_EXIT_BOOT);
    }
    err = kmem_init(&boot_info);
    if (err) {
        log_err("error: memory map: %s\n", np_strerror(err));
        np_finish(NP_EXIT_BOOT);
    }
    map_high_ram();
    if (screen_err == -NP_ENOTSUP)
        screen_err = screen_init(&boot_info);   /* a framebuffer above 4 GiB: mappable now */
    if (screen_err <= 0)
        screen_describe(&boot_info, screen_err);
    else
        log_info("screen: not used (console=serial)\n");
    init_acpi();
    clock_init(&acpi);
    print_banner();
    lwip_port_init();

    const char *st = cmdline_get(&cmdline, "selftest");
    if (st)
        np_finish(selftest_run(st));
    pci_init(&acpi);
    drivers_probe_all(&cmdline);
    pci_note_undriven();    /* after the drivers: what none of them claimed */
    list_disks();
    entropy_init();
    /* Time and trust first: config= may be an https URL. */
    const char *t0 = cmdline_get(&cmdline, "time");
    if (walltime_init(t0) == -NP_EINVAL)
        np_finish(NP_EXIT_USAGE);
    configure_tls();
    configure_http();       /* header= and proxy= apply to fetching config= too */
    if (cmdline_get(&cmdline, "config")) {
        apply_config();     /* before anything reads the job's keys: the file may hold any of them */
        const char *t1 = cmdline_get(&cmdline, "time");
        if (t1 && (!t0 || NP_STRFN(strcmp)(t0, t1)) && walltime_init(t1) == -NP_EINVAL)
            np_finish(NP_EXIT_USAGE);
        configure_tls();    /* the file's ca=/insecure, for the connections still to come */
        configure_http();   /* the file's header= and proxy= */
    }
    describe_http();
    const char *dt = cmdline_get(&cmdline, "disktest");
    if (dt)
        np_finish(run_disktest(dt));
    const char *nt = cmdline_get(&cmdline, "nettest");
    if (nt) {
        enum np_exit e = net_up(&cmdline, &boot_info);
        np_finish(e != NP_EXIT_OK ? e : nettest_run(nt));
    }
    if (menu_wanted(&cmdline, screen_err == 0)) {
        int kerr = i8042_init();
        if (kerr && kerr != -NP_ENODEV)
            log_warn("keyboard: PS/2 controller not answering (%s); the serial port still works\n", np_strerror(kerr));
        np_finish(menu_run(&cmdline, &boot_info));
    }
    if (cmdline_get(&cmdline, "url"))
        np_finish(install_run(&cmdline, &boot_info));
    log_info("nothing to do: no job on the command line\n");
    np_finish(NP_EXIT_OK);
}
