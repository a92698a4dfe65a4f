#!/usr/bin/env python3
"""netplant's proxy= tests: Debian's tinyproxy on 127.0.0.1 (the guest's 10.0.2.2), started by
the test with a configuration of the case's own (Basic credentials, allowed CONNECT ports),
and its log read back: absolute-form requests for http, CONNECT for https. The origins are
nginx (TLS and plain) and fault_server.py on 127.0.0.1 with URLs that name 127.0.0.1 or
localhost, which the guest cannot reach itself: an install that succeeds went through the
proxy. TLS inside the tunnel is checked against the test CA (ca=). Judged by QEMU's exit code,
the serial log, tinyproxy's log and the disk file byte for byte.

    proxy_test.py --list
    proxy_test.py --case NAME --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
import base64
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
from fault_server import FaultServer  # noqa: E402
from https_test import Pki, check, summary_note  # noqa: E402
from install_test import MIB, NGINX, SKIP, Image, free_port, make_disk  # noqa: E402
from report_server import Server  # noqa: E402

TINYPROXY = "/usr/bin/tinyproxy"
SANS = "DNS:localhost,IP:127.0.0.1"
USER, PASSWORD = "np-user", "pr0xy-s3cret"
SECRET = (PASSWORD, base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode())
TOKEN = "Bearer c0nfig-t0ken"
NEW = r"tls: TLSv1\.2 TLS-ECDHE-\S+ with {host}, handshake \d+ ms, new session"
# fault_server.py speaks TLS 1.3: the second connection resumes by its ticket, through the tunnel.
RESUMED = r"tls: TLSv1\.3 \S+ with 127\.0\.0\.1, handshake \d+ ms, session resumed"
REPORT_TOKEN = "Bearer rep0rt-t0ken"
REPORT_RATE = 1024 * 1024   # bytes/s of the image in the report cases: 2 MiB take 2 s, time for reports


class Origins:
    """nginx: one TLS server (localhost, 127.0.0.1) and one plain one, redirecting to each other."""

    def __init__(self, workdir, root, pki):
        prefix = os.path.join(workdir, "nginx")
        self.tls, self.plain = free_port(), free_port()
        cert, key = pki.leaf("origin", SANS)
        q = qemu.nginx_str
        conf = qemu.nginx_conf(prefix,
                               f"  server {{ listen 127.0.0.1:{self.tls} ssl; ssl_certificate {q(cert)};"
                               f" ssl_certificate_key {q(key)};\n"
                               f"    root {q(root)};\n"
                               f"    location = /to-http {{ return 302 http://127.0.0.1:{self.plain}/img.raw; }}\n  }}\n"
                               f"  server {{ listen 127.0.0.1:{self.plain}; root {q(root)};\n"
                               f"    location = /to-https {{ return 301 https://127.0.0.1:{self.tls}/img.raw; }}\n"
                               f"    location = /done {{ return 204; }}\n  }}\n")
        self.access = os.path.join(prefix, "access.log")
        self.proc = qemu.start_nginx(NGINX, prefix, conf, self.plain)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


class Tinyproxy:
    """tinyproxy in the foreground on 127.0.0.1; auth: "user:password" (BasicAuth);
    connect_ports: the only ports CONNECT may reach (None: any)."""

    def __init__(self, workdir, auth=None, connect_ports=None):
        d = os.path.join(workdir, "tinyproxy")
        os.makedirs(d, exist_ok=True)
        self.port = free_port()
        self.log = os.path.join(d, "tinyproxy.log")
        if os.path.exists(self.log):
            os.remove(self.log)     # tinyproxy appends: only this run's requests count
        conf = os.path.join(d, "tinyproxy.conf")
        with open(conf, "w") as f:
            f.write(f"Port {self.port}\nListen 127.0.0.1\nTimeout 30\nLogFile \"{self.log}\"\nLogLevel Info\n"
                    "MaxClients 16\nAllow 127.0.0.1\n")
            if auth:
                f.write("BasicAuth {} {}\n".format(*auth.split(":", 1)))
            for p in connect_ports or ():
                f.write(f"ConnectPort {p}\n")
        self.proc = qemu.start_server([TINYPROXY, "-d", "-c", conf], self.port, d, "tinyproxy")

    def requests(self):
        """The request lines tinyproxy logged, in order."""
        with open(self.log, errors="replace") as f:
            return re.findall(r"Request \(file descriptor \d+\): (.*)", f.read())

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def case(url, status="ok", auth=None, creds=None, connect_ports=None, fault=None, cmdline="", expect=(),
         forbid=(), seen=(), count=None, config=None, proxy="cmdline", written=None, timeout=120, requests=None,
         ca=True, sums=False, report=None, size=4 * MIB, report_fails=None):
    """url: {tls} {plain} {fault} are the origins' ports. creds: "user:password" in proxy=.
    seen: regexes each of which some request line in tinyproxy's log must match; count:
    (regex, n): exactly n of them do. config: the config file's words ({proxy} = the proxy
    URL), served by the plain nginx at /np.cfg (through the proxy when proxy="cmdline").
    proxy: "cmdline", "config" (only in the file) or "unreachable" (a port nobody listens on).
    report: "http" or "https": the image comes at REPORT_RATE from a server of ours ({slow}) and
    progress_url= and done_url= go to a report server ({report}, TLS for "https"), both on
    127.0.0.1, so only the proxy reaches them (report_checks judges what arrived). report_fails:
    a regex for why every progress report fails (said once), none arriving."""
    return dict(url=url, status=status, auth=auth, creds=creds, connect_ports=connect_ports, fault=fault,
                cmdline=cmdline, expect=expect, forbid=(*SECRET, *forbid), seen=seen, count=count, config=config,
                proxy=proxy, written=status == "ok" if written is None else written, timeout=timeout,
                requests=requests, ca=ca, size=size, sums=sums, report=report,
                report_fails=report_fails)


HTTP = "http://127.0.0.1:{plain}/img.raw"
HTTPS = "https://127.0.0.1:{tls}/img.raw"
GET_ABS = r"GET http://127\.0\.0\.1:\d+/img\.raw HTTP/1\.1"
CONNECT = r"CONNECT 127\.0\.0\.1:\d+ HTTP/1\.1"

CASES = {
    "http": case(HTTP, seen=(GET_ABS,),
                 expect=(r"http: through proxy 10\.0\.2\.2:\d+ \(absolute-form requests\)",
                         r"http: 200 from 127\.0\.0\.1")),
    "https": case(HTTPS, seen=(CONNECT,), count=(CONNECT, 1),
                  expect=(r"http: through proxy 10\.0\.2\.2:\d+ \(CONNECT tunnel\)",
                          r"http: proxy 10\.0\.2\.2:\d+: tunnel to 127\.0\.0\.1:\d+ open \(HTTP 200\)",
                          NEW.format(host=r"127\.0\.0\.1"))),
    # The guest has no DNS server: the proxy resolves the name; SNI and the check use it.
    "https-name": case("https://localhost:{tls}/img.raw", seen=(r"CONNECT localhost:\d+ HTTP/1\.1",),
                       expect=(NEW.format(host="localhost"),)),
    "redirect": case("http://127.0.0.1:{plain}/to-https", seen=(r"GET http://127\.0\.0\.1:\d+/to-https", CONNECT),
                     expect=(r"http: 301 redirect to https://127\.0\.0\.1:\d+/img\.raw",
                             NEW.format(host=r"127\.0\.0\.1"))),
    "resume-http": case("http://127.0.0.1:{fault}/img.raw", fault=dict(mode="cut", count=2, at=MIB + 5000),
                        seen=(GET_ABS,), count=(GET_ABS, 3),
                        expect=(r"http: 206 from 127\.0\.0\.1, \d+ bytes from byte 1053576",),
                        requests=lambda s: [] if [r["range"] for r in s.requests] ==
                        [None, "bytes=1053576-", "bytes=2107152-"] else
                        [f"Range of the requests: {[r['range'] for r in s.requests]}"]),
    "resume-https": case("https://127.0.0.1:{fault}/img.raw", fault=dict(mode="cut", count=1, at=MIB + 5000, tls=True),
                         count=(CONNECT, 2), expect=(RESUMED, r"http: 206 from 127\.0\.0\.1, \d+ bytes from byte 1053576")),
    # Every request of the job goes through it: checksum= and done_url= too (only the proxy
    # reaches 127.0.0.1).
    "checksum-done": case(HTTPS, sums=True, cmdline="done_url=http://127.0.0.1:{plain}/done",
                          seen=(CONNECT, r"GET http://127\.0\.0\.1:\d+/SHA256SUMS HTTP/1\.1",
                                r"POST http://127\.0\.0\.1:\d+/done HTTP/1\.1"),
                          expect=(r"report: done_url= took the result",)),
    # The certificate is the server's, checked inside the tunnel: without ca= it is not trusted.
    "https-unknown-issuer": case(HTTPS, status="cert", ca=False, count=(CONNECT, 1),
                                 expect=(r"http: proxy 10\.0\.2\.2:\d+: tunnel to 127\.0\.0\.1:\d+ open",
                                         r"error: tls: certificate of 127\.0\.0\.1: unknown issuer "
                                         r"\"CN=netplant test CA\"")),
    # Credentials: none, wrong, right; never on the console.
    "auth-missing": case(HTTPS, status="http", auth=f"{USER}:{PASSWORD}", count=(CONNECT, 1),
                         expect=(r"error: http: proxy 10\.0\.2\.2:\d+ needs credentials \(proxy=http://user:password@"
                                 r"\.\.\.\) for CONNECT 127\.0\.0\.1:\d+: HTTP 407",)),
    "auth-wrong": case(HTTPS, status="http", auth=f"{USER}:{PASSWORD}", creds=f"{USER}:wrong-pw",
                       count=(CONNECT, 1), forbid=("wrong-pw",),
                       expect=(r"error: http: proxy 10\.0\.2\.2:\d+ refused the credentials of proxy= for CONNECT "
                               r"127\.0\.0\.1:\d+: HTTP 40[17]",)),
    "auth-https": case(HTTPS, auth=f"{USER}:{PASSWORD}", creds=f"{USER}:{PASSWORD}", seen=(CONNECT,),
                       expect=(rf"http: through proxy 10\.0\.2\.2:\d+ as {USER} \(CONNECT tunnel\)",
                               r"cmdline: .*proxy=http://np-user:\*\*\*@10\.0\.2\.2")),
    "auth-http": case(HTTP, auth=f"{USER}:{PASSWORD}", creds=f"{USER}:{PASSWORD}", seen=(GET_ABS,)),
    "auth-http-missing": case(HTTP, status="http", auth=f"{USER}:{PASSWORD}", count=(GET_ABS, 1),
                              expect=(r"error: http: proxy 10\.0\.2\.2:\d+ needs credentials \(proxy=http://user:"
                                      r"password@\.\.\.\) for 127\.0\.0\.1: HTTP 407",)),
    # Failures: each its own line and status, and no endless retries.
    "unreachable": case(HTTPS, status="connect", proxy="unreachable", cmdline="retries=1",
                        expect=(r"http: cannot connect to proxy 10\.0\.2\.2:\d+: refused or reset",
                                r"result=error code=connect")),
    "connect-refused": case(HTTPS, status="http", connect_ports=(1,), count=(CONNECT, 1),
                            expect=(r"error: http: proxy 10\.0\.2\.2:\d+ refused CONNECT 127\.0\.0\.1:\d+: HTTP 403",
                                    r"result=error code=http")),
    # proxy= in the config= file; and the command line's proxy= fetching config= itself.
    "config-file": case(HTTPS, proxy="config", config="proxy={proxy} url={url} sha256={sha}", seen=(CONNECT,),
                        expect=(r"config: command line now .*proxy=http://10\.0\.2\.2",)),
    # progress_url= and done_url= through the proxy too, with header= (only the proxy reaches
    # 127.0.0.1): absolute-form POSTs for http, a CONNECT tunnel for https.
    "report-http": case("http://127.0.0.1:{slow}/img.raw", report="http", auth=f"{USER}:{PASSWORD}",
                        creds=f"{USER}:{PASSWORD}", size=2 * MIB, forbid=("rep0rt-t0ken",),
                        cmdline='progress_url=http://127.0.0.1:{report}/progress/m progress_every=1 '
                                'done_url=http://127.0.0.1:{report}/done/m header="Authorization: ' + REPORT_TOKEN + '"',
                        seen=(r"POST http://127\.0\.0\.1:{report}/progress/m HTTP/1\.1",
                              r"POST http://127\.0\.0\.1:{report}/done/m HTTP/1\.1")),
    "report-https": case("http://127.0.0.1:{slow}/img.raw", report="https", auth=f"{USER}:{PASSWORD}",
                         creds=f"{USER}:{PASSWORD}", size=2 * MIB, forbid=("rep0rt-t0ken",),
                         cmdline='progress_url=https://127.0.0.1:{report}/progress/m progress_every=1 '
                                 'done_url=https://127.0.0.1:{report}/done/m header="Authorization: ' + REPORT_TOKEN + '"',
                         seen=(r"CONNECT 127\.0\.0\.1:{report} HTTP/1\.1",)),
    # The proxy refuses the notifier's CONNECT: a notifier failure (one warning, counted), not
    # the install's.
    "report-refused": case("http://127.0.0.1:{slow}/img.raw", report="https", connect_ports=(1,), size=2 * MIB,
                           cmdline="progress_url=https://127.0.0.1:{report}/progress/m progress_every=1",
                           seen=(r"CONNECT 127\.0\.0\.1:{report} HTTP/1\.1",),
                           report_fails=r"the proxy refused CONNECT: HTTP 403 .*"),
    "config-via-proxy": case(HTTP, config="url={url} sha256={sha}", seen=(r"GET http://127\.0\.0\.1:\d+/np\.cfg", GET_ABS),
                             expect=(r"config: fetching http://127\.0\.0\.1:\d+/np\.cfg",)),
}


def report_checks(c, res, rep):
    """What the report server got: progress objects (each taken) and the one result, each with
    the header= token; the serial log counts the progress POSTs taken, none failed. With
    report_fails: nothing arrived, one warning says why, and every report counts as failed."""
    problems = []
    paths = [p for p, _, _, _ in rep.posts]
    counts = re.search(r"progress: (\d+) POSTs to progress_url= \((\d+) taken, (\d+) failed", res.serial)
    warns = re.findall(r"http: notify: POST https?://127\.0\.0\.1:\d+/progress/m through proxy 10\.0\.2\.2:\d+: "
                       r"(.*); the install goes on", res.serial)
    if c["report_fails"]:
        if paths:
            problems.append(f"the report server got {paths}, want nothing")
        if len(warns) != 1 or not re.fullmatch(c["report_fails"], warns[0]):
            problems.append(f"warnings about the progress reports: {warns}, want one /{c['report_fails']}/")
        if not counts or counts.group(2) != "0" or int(counts.group(3)) < 2:
            problems.append(f"the serial log's progress counts want 2 or more failed: {counts and counts.group(0)}")
        return problems
    if not any(p == "/progress/m" for p in paths) or paths.count("/done/m") != 1:
        problems.append(f"the report server got {paths}, want progress POSTs and one result")
    if any(h.get("Authorization") != REPORT_TOKEN for h in rep.post_headers):
        problems.append("a report came without the header= Authorization")
    done = [b for p, b, _, _ in rep.posts if p == "/done/m"]
    if done and done[0].get("result") != "ok":
        problems.append(f"the result reported is {done[0]}")
    if not counts or int(counts.group(2)) < 1 or counts.group(3) != "0":
        problems.append(f"the serial log's progress counts want 1 or more taken, none failed: {counts and counts.group(0)}")
    if warns or re.search(r"http: notify: POST", res.serial):
        problems.append("the serial log warns about a failed progress report")
    return problems


def run_case(args, c):
    for exe in (NGINX, TINYPROXY):
        if not os.access(exe, os.X_OK):
            return None, [f"SKIP: {exe} is not installed (tools/setup installs it)"], ""
    pki = Pki(os.path.join(args.workdir, "pki"))
    img = Image(c["size"])
    root = os.path.join(args.workdir, "www")
    os.makedirs(root, exist_ok=True)
    img.write(os.path.join(root, "img.raw"))
    disk = os.path.join(args.workdir, "disk.img")
    make_disk(disk, 80 * MIB, 0)
    srv = Origins(args.workdir, root, pki)
    px = fsrv = slow = rep = None
    short = qemu.ShortDir()     # the ca= module's link when the path holds a blank or ','
    try:
        if c["report"]:
            slow = Server({"/img.raw": img.read(0, img.size)}, rate=REPORT_RATE)
            rep = Server({}, tls=pki.leaf("report", SANS) if c["report"] == "https" else None)
        ports = dict(tls=srv.tls, plain=srv.plain, slow=slow.port if slow else 0, report=rep.port if rep else 0)
        px = Tinyproxy(args.workdir, c["auth"], c["connect_ports"])
        fault = dict(c["fault"] or {})
        if c["fault"]:
            tls = pki.leaf("fault", SANS) if fault.pop("tls", False) else None
            fsrv = FaultServer(img.read(0, img.size), tls=tls, **fault).start()
        url = c["url"].format(fault=fsrv.port if fsrv else 0, **ports)
        port = free_port() if c["proxy"] == "unreachable" else px.port
        proxy = f"http://{c['creds'] + '@' if c['creds'] else ''}10.0.2.2:{port}"
        job = f"url={url} sha256={img.sha}"
        if c["sums"]:
            with open(os.path.join(root, "SHA256SUMS"), "w") as f:
                f.write(f"{img.sha}  img.raw\n")
            job = f"url={url} checksum=http://127.0.0.1:{srv.plain}/SHA256SUMS"
        if c["config"]:
            with open(os.path.join(root, "np.cfg"), "w") as f:
                f.write(c["config"].format(proxy=proxy, url=url, sha=img.sha) + "\n")
            host = "10.0.2.2" if c["proxy"] == "config" else "127.0.0.1"
            job = f"config=http://{host}:{srv.plain}/np.cfg"
        cmdline = f"qemu_exit=on {job}{' ca=ca.pem' if c['ca'] else ''} {c['cmdline'].format(**ports)}"
        if c["proxy"] != "config":
            cmdline += f" proxy={proxy}"
        argv = qemu.base_args("q35", "160M") + [
            "-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,disable-legacy=on",
            "-drive", f"if=none,id=d0,format=raw,file={disk}", "-device", "virtio-blk-pci,drive=d0,disable-legacy=on",
            "-kernel", os.path.join(args.kernel_dir, "netplant.elf"), "-initrd", qemu.module_path(pki.ca, short),
            "-append", cmdline]
        res = qemu.run(argv, c["timeout"])
    finally:
        short.close()
        srv.close()
        if px:
            px.close()
        if fsrv:
            fsrv.close()
        for s in (slow, rep):
            if s:
                s.close()
    problems = check(c, res, img, disk)
    if rep:
        problems += report_checks(c, res, rep)
    lines = px.requests()
    for p in (p.format(**ports) for p in c["seen"]):
        if not any(re.search(p, line) for line in lines):
            problems.append(f"tinyproxy's log lacks a request /{p}/ (it has {lines})")
    if c["count"]:
        p, n = c["count"]
        got = sum(1 for line in lines if re.search(p, line))
        if got != n:
            problems.append(f"tinyproxy saw {got} requests /{p}/, want {n} (it has {lines})")
    if c["requests"]:
        problems += c["requests"](fsrv)
    return res, problems, summary_note(res)


def main():
    args = qemu.case_args(CASES, __doc__)
    res, problems, extra = run_case(args, CASES[args.case])
    return qemu.finish(args, res, problems, extra, SKIP)


if __name__ == "__main__":
    sys.exit(main())
