#!/usr/bin/env python3
"""netplant's https tests: a test CA and server certificates made with openssl for this run
(never committed), nginx with TLS and fault_server.py over TLS on 127.0.0.1 (the guest's
10.0.2.2, so the certificates carry that IP address), names through the DNS test server.
Judged by QEMU's exit code, the serial log, the summary line and the disk file byte for byte.

    https_test.py --list
    https_test.py --case NAME --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
from fault_server import FaultServer  # noqa: E402
from install_test import MIB, NGINX, SKIP, SUMMARY, Image, free_port, make_disk  # noqa: E402

EXIT = {"ok": 0, "usage": 1, "http": 11, "connect": 14, "cert": 19, "tls": 20}
NAME = "files.netplant.test"
CA_CNF = """[ca]
default_ca = np
[np]
dir = {d}
database = {d}/index.txt
new_certs_dir = {d}/issued
serial = {d}/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = copy
[any]
commonName = supplied
"""


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class Pki:
    """A CA and leaf certificates of any names and validity, signed with `openssl ca`."""

    def __init__(self, d):
        self.d = d
        os.makedirs(os.path.join(d, "issued"), exist_ok=True)
        open(os.path.join(d, "index.txt"), "w").close()
        with open(os.path.join(d, "serial"), "w") as f:
            f.write("1000\n")
        with open(os.path.join(d, "ca.cnf"), "w") as f:
            f.write(CA_CNF.format(d=d))
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650", "-subj", "/CN=netplant test CA", cwd=d)
        self.ca = os.path.join(d, "ca.pem")

    def leaf(self, name, sans, start="-1d", end="+30d"):
        """(cert, key) for sans ("DNS:x,IP:y"), valid from start to end (days from now, or dates)."""
        d = self.d
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                "-subj", f"/CN={name}", "-addext", f"subjectAltName={sans}",
                "-addext", "extendedKeyUsage=serverAuth", cwd=d)
        openssl("ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-notext",
                "-in", f"{name}.csr", "-out", f"{name}.pem", "-startdate", stamp(start), "-enddate", stamp(end), cwd=d)
        return os.path.join(d, f"{name}.pem"), os.path.join(d, f"{name}.key")


def stamp(days):
    """'+30d' / '-1d' from now, or a literal YYYYMMDDHHMMSSZ."""
    import datetime
    if not days.endswith("d"):
        return days
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=int(days[:-1]))
    return t.strftime("%Y%m%d%H%M%SZ")


GOOD_SANS = f"DNS:{NAME},IP:10.0.2.2"
# Each server the nginx of a run carries: its certificate's names and validity.
SERVERS = {
    "good": (GOOD_SANS, "-1d", "+30d"),
    "expired": (GOOD_SANS, "20200101000000Z", "20200201000000Z"),
    "future": (GOOD_SANS, "+3650d", "+3660d"),
    "wrongname": ("DNS:other.netplant.test,IP:10.0.2.3", "-1d", "+30d"),
    # One protocol version only (Debian 12's nginx speaks 1.2 unless told; OpenSSL can do 1.3).
    "tls13": (GOOD_SANS, "-1d", "+30d", "TLSv1.3"),
    "tls12": (GOOD_SANS, "-1d", "+30d", "TLSv1.2"),
}


class TlsNginx:
    """nginx with one TLS server per entry of SERVERS and one plain http server (redirects)."""

    def __init__(self, workdir, root, pki):
        prefix = os.path.join(workdir, "nginx")
        self.ports = {k: free_port() for k in (*SERVERS, "plain")}
        servers = []
        for k, (sans, start, end, *protocols) in SERVERS.items():
            cert, key = pki.leaf(k, sans, start, end)
            only = f"    ssl_protocols {protocols[0]};\n" if protocols else ""
            servers.append(f"  server {{ listen 127.0.0.1:{self.ports[k]} ssl; ssl_certificate {qemu.nginx_str(cert)}; "
                           f"ssl_certificate_key {qemu.nginx_str(key)}; root {qemu.nginx_str(root)};\n{only}"
                           f"    location = /to-http {{ return 302 http://10.0.2.2:{self.ports['plain']}/img.raw; }}\n"
                           f"    location = /old {{ return 302 /img.raw; }}\n  }}\n")
        servers.append(f"  server {{ listen 127.0.0.1:{self.ports['plain']}; root {qemu.nginx_str(root)};\n"
                       f"    location = /to-https {{ return 301 https://10.0.2.2:{self.ports['good']}/img.raw; }}\n  }}\n")
        conf = qemu.nginx_conf(prefix, "".join(servers))
        self.proc = qemu.start_nginx(NGINX, prefix, conf, self.ports["plain"])

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def case(size=4 * MIB, status="ok", server="good", url="https://10.0.2.2:{port}/img.raw", ca=True, cmdline="",
         expect=(), forbid=(), qemu_extra=(), fault=None, dns=False, written=None, timeout=120, requests=None,
         config=False):
    """server: a SERVERS key (nginx) or 'fault' (fault_server.py over TLS with the good certificate).
    written: True when the disk must hold the image (default: status ok)."""
    return dict(size=size, status=status, server=server, url=url, ca=ca, cmdline=cmdline, expect=expect,
                forbid=forbid, qemu_extra=list(qemu_extra), fault=fault, dns=dns,
                written=status == "ok" if written is None else written, timeout=timeout, requests=requests,
                config=config)


RESUMED = r"tls: TLSv1\.2 \S+ with 10\.0\.2\.2, handshake \d+ ms, session resumed"
NEW = r"tls: TLSv1\.2 TLS-ECDHE-\S+ with 10\.0\.2\.2, handshake \d+ ms, new session"
RESUMED13 = r"tls: TLSv1\.3 TLS1-3-\S+ with 10\.0\.2\.2, handshake \d+ ms, session resumed"
NEW13 = r"tls: TLSv1\.3 TLS1-3-(AES-128-GCM-SHA256|AES-256-GCM-SHA384|CHACHA20-POLY1305-SHA256) with 10\.0\.2\.2, handshake \d+ ms, new session"
MBEDTLS = r"tls: 142 built-in roots from ca-certificates \S+ loaded \(0 skipped[^)]*\); mbedTLS 3\.6\.\d+, TLS 1\.3 and 1\.2;"
NOT_WRITTEN = r"nothing written|result=error"
TOKEN = "Bearer s3cr3t-t0ken"
HEADERS = f'header="Authorization: {TOKEN}" header="X-Trace: 42"'


def auth_seen(*want):
    """The Authorization each request carried, in order (None: none)."""
    def check(srv):
        got = [r["authorization"] for r in srv.requests]
        return [] if got == list(want) else [f"requests carried Authorization {got}, want {list(want)}"]
    return check


CROSS = dict(mode="redirect", location="http://10.0.2.2:{mirror}/img.raw", mirror=True)

CASES = {
    # Installs over https.
    "plain": case(expect=(NEW, r"tls: trusting 1 certificate from ca=ca\.pem, and the built-in roots",
                          r"tls: 142 built-in roots from ca-certificates \S+ loaded")),
    "big-64M": case(size=64 * MIB, timeout=200, cmdline="verify=readback"),
    "chunked": case(server="fault", fault=dict(mode="chunked"), size=3 * MIB + 77),
    "cut-resume": case(server="fault", fault=dict(mode="cut", count=2, at=MIB + 5000, tls_max="1.2"), size=3 * MIB + 1,
                       expect=(NEW, RESUMED, r"http: 206 from 10\.0\.2\.2, \d+ bytes from byte 1053576")),
    # TLS 1.3 resumes by the ticket the server sent after the first handshake (psk_dhe_ke).
    "cut-resume-tls13": case(server="fault", fault=dict(mode="cut", count=2, at=MIB + 5000), size=3 * MIB + 1,
                             expect=(NEW13, RESUMED13, r"http: 206 from 10\.0\.2\.2, \d+ bytes from byte 2107152"),
                             forbid=(r"TLSv1\.2",)),
    # A server that speaks only TLS 1.3, and one that speaks only TLS 1.2: both install.
    "tls13-only": case(server="tls13", expect=(NEW13, MBEDTLS), forbid=(r"TLSv1\.2",)),
    "tls12-only": case(server="tls12", expect=(NEW, MBEDTLS), forbid=(r"TLSv1\.3 ",)),
    "redirect-http-to-https": case(server="plain", url="http://10.0.2.2:{port}/to-https",
                                   expect=(r"http: 301 redirect to https://10\.0\.2\.2:\d+/img\.raw", NEW)),
    "redirect-https-to-http": case(url="https://10.0.2.2:{port}/to-http",
                                   expect=(NEW, r"http: 302 redirect to http://10\.0\.2\.2:\d+/img\.raw")),
    "redirect-keepalive": case(url="https://10.0.2.2:{port}/old",
                               expect=(r"http: reusing the connection to 10\.0\.2\.2 \(keep-alive\)",)),
    "config-https": case(config=True, expect=(r"config: fetching https://10\.0\.2\.2:\d+/np\.cfg",
                                              r"config: command line now .*url=https://", NEW)),
    "dns-name": case(url=f"https://{NAME}:{{port}}/img.raw", dns=True, cmdline="dns=10.0.2.2",
                     expect=(rf"tls: TLSv1\.2 \S+ with {re.escape(NAME)}, handshake",)),
    # Tokens: header= reaches the server and never the console; Authorization stays with its server.
    "header-token": case(server="fault", fault=dict(mode="normal"), cmdline=HEADERS, forbid=(r"s3cr3t",),
                         expect=(r'cmdline: .*header="Authorization: \*\*\*" header="X-Trace: \*\*\*"',
                                 r"http: 2 extra headers from header= \(values not shown\)"),
                         requests=auth_seen(TOKEN)),
    "header-cross-host": case(server="fault", fault=CROSS, url="https://10.0.2.2:{port}/old", cmdline=HEADERS,
                              forbid=(r"s3cr3t",),
                              expect=(r"http: Authorization \(header=\) not sent to 10\.0\.2\.2, another server",),
                              requests=auth_seen(TOKEN, None)),
    "header-auth-redirects": case(server="fault", fault=CROSS, url="https://10.0.2.2:{port}/old",
                                  cmdline=HEADERS + " auth_redirects", forbid=(r"s3cr3t", r"not sent to"),
                                  requests=auth_seen(TOKEN, TOKEN)),
    # header= goes with every request of the job: the config= file's too (curl's -H, every transfer).
    "header-config": case(server="fault", fault=dict(mode="normal"), config="fault", cmdline=HEADERS,
                          forbid=(r"s3cr3t",), expect=(r"config: fetching https://10\.0\.2\.2:\d+/np\.cfg",),
                          requests=auth_seen(TOKEN, TOKEN)),
    "header-bad": case(status="usage", cmdline='header="Host: evil"',
                       expect=(r"error: header= #1: netplant sets that field itself",)),
    # Trust.
    "unknown-issuer": case(status="cert", ca=False,
                           expect=(r"error: tls: certificate of 10\.0\.2\.2: unknown issuer \"CN=netplant test CA\" "
                                   r"\(not among the trusted roots\)", r"result=error code=cert")),
    "ca-only": case(cmdline="ca_only", expect=(r"tls: trusting only 1 certificate from ca=ca\.pem",
                                               r"tls: trusting only ca=ca\.pem")),
    "expired": case(status="cert", server="expired",
                    expect=(r"error: tls: certificate of 10\.0\.2\.2: expired on 2020-02-01 00:00:00 UTC",)),
    "not-yet-valid": case(status="cert", server="future",
                          expect=(r"error: tls: certificate of 10\.0\.2\.2: not yet valid \(valid from 20\d\d-",)),
    "wrong-name": case(status="cert", server="wrongname",
                       expect=(r"error: tls: certificate of 10\.0\.2\.2: name mismatch: it is for "
                               r"DNS:other\.netplant\.test, IP:10\.0\.2\.3",)),
    "dns-wrong-name": case(status="cert", url="https://other.netplant.test:{port}/img.raw", dns=True,
                           cmdline="dns=10.0.2.2",
                           expect=(rf"name mismatch: it is for DNS:{re.escape(NAME)}, IP:10\.0\.2\.2",)),
    "insecure": case(ca=False, cmdline="insecure",
                     expect=(r"tls: insecure: server certificates will not be checked",
                             r"tls: warning: insecure: the certificate of 10\.0\.2\.2 was not checked; "
                             r"it would have failed: unknown issuer")),
    "ca-missing-module": case(status="usage", cmdline="ca=nothere.pem", ca=False,
                              expect=(r"error: ca=nothere\.pem: no boot module of that name",)),
    "ca-not-pem": case(status="usage", ca="garbage",
                       expect=(r"error: ca=ca\.pem: no PEM certificate in it",)),
    # Time: an RTC that cannot be right fails closed; time= mends it; insecure goes on.
    "clock-bad": case(status="cert", qemu_extra=("-rtc", "base=2000-01-01"),
                      expect=(r"time: the RTC says 2000-01-0\d \d\d:\d\d:\d\d UTC, which cannot be right",
                              r"error: tls: no trustworthy time to check certificates against")),
    "clock-time-arg": case(qemu_extra=("-rtc", "base=2000-01-01"), cmdline="time=@{now}",
                           expect=(r"time: 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d UTC, from time=", NEW)),
    "clock-bad-insecure": case(qemu_extra=("-rtc", "base=2000-01-01"), cmdline="insecure", ca=False,
                               expect=(r"tls: warning: insecure",)),
    # Entropy without RDRAND: virtio-rng when there is one, else jitter; both make keys.
    "entropy-virtio-rng": case(qemu_extra=("-cpu", "qemu64", "-device", "virtio-rng-pci"),
                               expect=(r"entropy: virtio-rng on pci \S+ \(no RDSEED/RDRAND\)", NEW)),
    "entropy-jitter": case(qemu_extra=("-cpu", "qemu64"),
                           expect=(r"entropy: TSC jitter \(no RDSEED/RDRAND, no virtio-rng\), estimated", NEW)),
    "entropy-rdrand": case(qemu_extra=("-cpu", "max"), expect=(r"entropy: RDRAND \(CPU instruction\)",
                                                               r"AES-NI yes", r"AES-\d+-GCM")),
}


def run_case(args, c):
    if not os.access(NGINX, os.X_OK):
        return None, [f"SKIP: {NGINX} is not installed"], ""
    import time
    pki = Pki(os.path.join(args.workdir, "pki"))
    img = Image(c["size"])
    root = os.path.join(args.workdir, "www")
    os.makedirs(root, exist_ok=True)
    img.write(os.path.join(root, "img.raw"))
    disk = os.path.join(args.workdir, "disk.img")
    make_disk(disk, 80 * MIB, 0)
    srv = TlsNginx(args.workdir, root, pki)
    short = qemu.ShortDir()
    fsrv = dnssrv = None
    port = srv.ports.get(c["server"])
    try:
        if c["fault"]:
            fsrv = FaultServer(img.read(0, img.size), tls=pki.leaf("fault", GOOD_SANS), **c["fault"]).start()
            port = fsrv.port
        if c["dns"]:
            from net_test import DnsServer
            try:
                dnssrv = DnsServer({NAME: "10.0.2.2", "other.netplant.test": "10.0.2.2"})
            except OSError as e:
                return None, [f"SKIP: cannot serve DNS on 127.0.0.1:53: {e.strerror}"], ""
        ca_args = []
        if c["ca"]:
            module = pki.ca
            if c["ca"] == "garbage":
                os.makedirs(os.path.join(args.workdir, "bad"), exist_ok=True)
                module = os.path.join(args.workdir, "bad", "ca.pem")
                with open(module, "w") as f:
                    f.write("this is not a certificate\n")
            # QEMU passes the path: its base name is ca.pem
            ca_args = ["-initrd", qemu.module_path(module, short)]
        url = c["url"].format(port=port)
        job = f"url={url} sha256={img.sha}"
        if c["config"] == "fault":  # the config= file from fault_server.py, which records its request
            fsrv.files["/np.cfg"] = (job + "\n").encode()
            job = f"config=https://10.0.2.2:{fsrv.port}/np.cfg"
        elif c["config"]:   # the job comes in a config= file, itself fetched over https
            with open(os.path.join(root, "np.cfg"), "w") as f:
                f.write(job + "\n")
            job = f"config=https://10.0.2.2:{srv.ports['good']}/np.cfg"
        cmdline = (f"qemu_exit=on {job}" + (" ca=ca.pem" if c["ca"] else "") +
                   " " + c["cmdline"].format(now=int(time.time())))
        argv = qemu.base_args("q35", "160M") + [
            "-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,disable-legacy=on",
            "-drive", f"if=none,id=d0,format=raw,file={disk}", "-device", "virtio-blk-pci,drive=d0,disable-legacy=on",
            "-kernel", os.path.join(args.kernel_dir, "netplant.elf"), *ca_args, "-append", cmdline, *c["qemu_extra"]]
        res = qemu.run(argv, c["timeout"])
    finally:
        srv.close()
        short.close()
        if fsrv:
            fsrv.close()
        if dnssrv:
            dnssrv.close()
    problems = check(c, res, img, disk)
    if c["requests"]:
        problems += c["requests"](fsrv)
    return res, problems, summary_note(res)


def summary_note(res):
    m = re.search(SUMMARY, res.serial)
    return f", install {m.group(5)} s at {m.group(6)} MB/s" if m else ""


def check(c, res, img, disk):
    problems = []
    want = 2 * EXIT[c["status"]] + 1
    if res.timed_out or res.rc != want:
        problems.append(f"QEMU exit code {res.rc} (timed out: {res.timed_out}), want {want} ({c['status']})")
    for p in c["expect"]:
        if not re.search(p, res.serial):
            problems.append(f"serial log lacks /{p}/")
    for p in (*c["forbid"], r"PANIC", r"assertion"):
        m = re.search(p, res.serial)
        if m:
            problems.append(f"serial log has /{p}/: {m.group(0)!r}")
    with open(disk, "rb") as f:
        head = f.read(img.size)
    if c["written"] and head != img.read(0, img.size):
        problems.append("the disk does not hold the image")
    if not c["written"]:
        from install_test import canary_chunk
        with open(disk, "rb") as f:
            if f.read(MIB) != canary_chunk(0):
                problems.append("the disk's first MiB changed although the install failed before any byte")
    return problems


def main():
    args = qemu.case_args(CASES, __doc__)
    res, problems, extra = run_case(args, CASES[args.case])
    return qemu.finish(args, res, problems, extra, SKIP)


if __name__ == "__main__":
    sys.exit(main())
