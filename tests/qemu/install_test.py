#!/usr/bin/env python3
"""netplant's QEMU install tests: boot with url= pointing at nginx or at fault_server.py on
127.0.0.1 (the guest's 10.0.2.2), let netplant stream the image onto a virtio-blk disk filled
with a canary, then judge by QEMU's exit code, the serial log, the summary line, the server's
request log, and the disk file byte for byte: the image at byte 0 (its first MiB zero when the
hash did not match), zeros up to the next block boundary, the canary untouched after that.

    install_test.py --list
    install_test.py --case NAME --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
import base64
import hashlib
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
from fault_server import FaultServer  # noqa: E402

MIB = 1 << 20
SKIP = 77
NGINX = "/usr/sbin/nginx"
EXIT = {"ok": 0, "usage": 1, "disk": 6, "verify": 7, "net": 8, "dhcp": 9, "dns": 10, "http": 11,
        "hash": 12, "toobig": 13, "connect": 14, "short": 15}
SUMMARY = (r"result=(ok|error) code=(\w+) bytes=(\d+) sha256=([0-9a-f]{64}|-) "
           r"seconds=([\d.]+) MBps=([\d.]+) disk=(\S+)")
BREAK = r"http: .* at byte \d+"
PAD = r"install: the image ends inside a block: (\d+) zero bytes pad it"
BLK4K = "logical_block_size=4096,physical_block_size=4096"

Q35 = dict(machine="q35", memory="128M", net="virtio-net-pci,disable-legacy=on",
           blk="virtio-blk-pci,disable-legacy=on")
PC32 = dict(machine="pc", memory="32M", net="virtio-net-pci,disable-modern=on",
            blk="virtio-blk-pci,disable-modern=on")
# Beyond virtio: the same install through the NVMe and e1000e drivers (and AHCI with e1000).
NVME_E1000E = dict(machine="q35", memory="128M", net="e1000e", blk="nvme,serial=np-install", disk="nvme0n1")
AHCI_E1000 = dict(machine="q35", memory="128M", net="e1000", blk="ide-hd,bus=ide.0", disk="sda")


def case(server, size, status="ok", layout="image", sha="right", cmdline="", expect=(), forbid=(BREAK,),
         vm=Q35, disk_mib=64, block=512, sparse=False, path="/img.raw", requests=None, max_seconds=None,
         timeout=120, userinfo=None, url=None, job=None, secrets=()):
    """server: 'nginx' or a dict of FaultServer arguments. layout: what the disk must hold after
    the run: image, head-zero (hash mismatch), untouched, partial (a failed download).
    userinfo: "user:password" put in url=; url: a template for url= ({port}, {path});
    job: a function (server, image, url, sha) giving the command line's job words instead of
    url= and sha256=; secrets: strings the serial log must not hold anywhere."""
    return dict(server=server, size=size, status=status, layout=layout, sha=sha, cmdline=cmdline,
                expect=expect, forbid=forbid, vm=vm, disk_size=disk_mib * MIB, block=block, sparse=sparse,
                path=path, requests=requests, max_seconds=max_seconds, timeout=timeout, userinfo=userinfo,
                url=url, job=job, secrets=secrets)


def fault(mode, count=1, at=None, **options):
    return dict(mode=mode, count=count, at=at, **options)


# Checks of the fault server's request log: each returns a list of problems.
def log_shape(statuses, ranges=None, if_range="etag"):
    """statuses: what the server answered (None: nothing); ranges: where each request's Range
    started (0: none); if_range: the server's attribute a Range's If-Range must equal (None: no
    If-Range at all)."""
    def check(srv):
        got = [r["status"] for r in srv.requests]
        problems = [] if got == statuses else [f"server answered {got}, want {statuses}"]
        for i, want in enumerate(ranges or []):
            if i >= len(srv.requests):
                break
            r = srv.requests[i]
            rng = f"bytes={want}-" if want else None
            validator = getattr(srv, if_range) if want and if_range else None
            if r["range"] != rng or r["if_range"] != validator:
                problems.append(f"request {i}: Range {r['range']!r} If-Range {r['if_range']!r}, "
                                f"want {rng!r} and {validator!r}")
        return problems
    return check


def basic(userinfo):
    return "Basic " + base64.b64encode(userinfo.encode()).decode()


def auth_shape(statuses, userinfo, mirror=()):
    """log_shape, and every request to the server carried these credentials (RFC 7617), and
    the mirror (another server) got the statuses in mirror and no credentials at all."""
    def check(srv):
        main = [r for r in srv.requests if r["port"] == srv.port]
        other = [r for r in srv.requests if r["port"] != srv.port]
        problems = []
        if [r["status"] for r in main] != statuses:
            problems.append(f"server answered {[r['status'] for r in main]}, want {statuses}")
        if [r["status"] for r in other] != list(mirror):
            problems.append(f"the other server answered {[r['status'] for r in other]}, want {list(mirror)}")
        problems += [f"request {r['path'][:40]} had Authorization {r['authorization']!r}, want {basic(userinfo)!r}"
                     for r in main if r["authorization"] != basic(userinfo)]
        problems += [f"the other server was sent credentials: {r['authorization']!r}"
                     for r in other if r["authorization"] is not None]
        return problems
    return check


def config_job(srv, img, url, sha):
    """config= with credentials names a file (behind the same credentials) that holds url=."""
    srv.files["/cfg"] = f"url={url} sha256={sha}\n".encode()
    return f"config={url.replace('/img.raw', '/cfg')}"


# An object store's presigned URL, its query past 8 KiB (issue 9, case 1).
PRESIGNED = ("/img.raw?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20240101%2Fus-east-1"
             "%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
             "&X-Amz-Security-Token=" + "T" * 8000 + "&X-Amz-Signature=" + "f" * 64)
ALWAYS = 10 ** 6
CUT = 3 * MIB + 1000        # odd, so that a resume starts inside a block
CASES = {
    "nginx": case("nginx", 16 * MIB, cmdline="then=poweroff"),
    "nginx-unaligned": case("nginx", 5 * MIB + 1234, expect=(PAD.replace(r"(\d+)", str(512 - 1234 % 512)),)),
    "nginx-4k": case("nginx", 8 * MIB + 3 * 512, sha=None, block=4096,
                     expect=(r"4096-byte blocks", PAD.replace(r"(\d+)", "2560"),
                             r"sha256 \(no sha256= given to compare\)")),
    "nginx-redirect": case("nginx", 8 * MIB, path="/old",
                           expect=(r"http: 302 redirect to http://10\.0\.2\.2:\d+/img\.raw",
                                   r"http: reusing the connection to 10\.0\.2\.2 \(keep-alive\)")),
    "chunked": case(fault("chunked"), 12 * MIB + 77, requests=log_shape([200])),
    "cut-resume": case(fault("cut", count=2, at=CUT), 12 * MIB + 333, forbid=(),
                       expect=(rf"http: [^\n]* at byte {CUT} of {12 * MIB + 333}\n",
                               rf"http: [^\n]* at byte {2 * CUT} of {12 * MIB + 333}\n"),
                       requests=log_shape([200, 206, 206], [0, CUT, 2 * CUT])),
    "ignore-range": case(fault("ignore-range", count=1, at=4 * MIB + 7), 10 * MIB, forbid=(),
                         expect=(rf"http: [^\n]* at byte {4 * MIB + 7} of {10 * MIB}\n",
                                 r"http: the server sent the whole image instead of the range asked for"),
                         requests=log_shape([200, 200], [0, 4 * MIB + 7])),
    "bad-sha": case(fault("normal"), 12 * MIB + 700, status="hash", layout="head-zero", sha="wrong",
                    expect=(r"error: sha256 mismatch: got [0-9a-f]{64}; the first MiB stays zeroed",
                            PAD.replace(r"(\d+)", str(512 - 700 % 512))),
                    forbid=(BREAK, r"writing the first MiB")),
    "404": case(fault("status:404", count=10 ** 6), 4 * MIB, status="http", layout="untouched",
                expect=(r"error: http: the server refused the request: HTTP 404",),
                requests=log_shape([404]), max_seconds=10),
    "toobig": case(fault("normal"), 8 * MIB + 1, status="toobig", layout="untouched", disk_mib=8,
                   expect=(rf"error: the image is {8 * MIB + 1} bytes but disk vda holds {8 * MIB}; nothing written",),
                   requests=log_shape([200])),
    "503-retry": case(fault("status:503", count=2), 8 * MIB, forbid=(),
                      expect=(r"(?s)http: server busy or failing \(attempt 1 of 6\)\n.*"
                              r"http: server busy or failing \(attempt 2 of 6\)\n",),
                      requests=log_shape([503, 503, 200])),
    "stall": case(fault("stall", count=1, at=CUT), 8 * MIB, status="short", layout="partial",
                  cmdline="timeout=2 retries=0", forbid=(),
                  expect=(rf"http: no data for too long at byte {CUT} of {8 * MIB}",
                          r"error: http: giving up after 1 attempts"),
                  requests=log_shape([200]), max_seconds=15),
    "pc-32M-256M": case("nginx", 256 * MIB, vm=PC32, disk_mib=320, sparse=True, timeout=200,
                        expect=(r"via pci-legacy",)),
    "then-boots": lambda args: then_boots(args),     # defined below, with the runners
    # Field reports (issue 9). A resume answered by a 206 of a newer version: start over.
    "changed-etag": case(fault("changed", count=1, at=CUT), 8 * MIB + 99, sha=None, forbid=(),
                         expect=(rf"http: [^\n]* at byte {CUT} of {8 * MIB + 99}\n",
                                 r"http: the image changed on the server \(another ETag than the first "
                                 r"response's\); starting over from byte 0"),
                         requests=log_shape([200, 206, 200], [0, CUT, 0], if_range="old_etag")),
    # No validator, sha256= given: resume anyway (each connection dies at half the image).
    "novalidator-resume": case(fault("no-validator", count=10 ** 6, at=2 * MIB), 4 * MIB,
                               cmdline="retries=2", forbid=(),
                               expect=(rf"http: [^\n]* at byte {2 * MIB} of {4 * MIB}\n",
                                       r"http: no ETag or Last-Modified to check a resume against: "
                                       r"resuming anyway, sha256= checks the result"),
                               requests=log_shape([200, 206], [0, 2 * MIB], if_range=None)),
    # No validator and no sha256=: starting over is right, and the log says why.
    "novalidator-restart": case(fault("no-validator", count=1, at=CUT), 6 * MIB, sha=None, forbid=(),
                                expect=(r"http: no ETag or Last-Modified to check a resume against, so it "
                                        r"could splice two versions: starting over from byte 0",),
                                requests=log_shape([200, 200])),
    # No validator, and the image changed under the resume: the hash fails, one clean download.
    "novalidator-splice": case(fault("changed", count=1, at=CUT, validators=False), 8 * MIB + 5, forbid=(),
                               expect=(r"resuming anyway, sha256= checks the result",
                                       r"install: sha256 mismatch after a resume the server could not "
                                       r"validate; downloading once more from byte 0",
                                       rf"(?s)from byte {CUT},.*http: 200 from 10\.0\.2\.2, \d+ bytes from byte 0"),
                               requests=log_shape([200, 206, 200], [0, CUT, 0], if_range=None)),
    # A resume answered 503 is still a resume: the next attempt asks for the same range.
    "busy-resume": case(fault("cut-busy", count=2, at=CUT), 8 * MIB, forbid=(),
                        expect=(rf"http: [^\n]* at byte {CUT} of {8 * MIB}\n",
                                r"http: server busy or failing \(attempt 2 of 6\)",
                                rf"http: 206 from 10\.0\.2\.2, {8 * MIB} bytes from byte {CUT},"),
                        requests=log_shape([200, 503, 206], [0, CUT, CUT])),
    # The server closes the kept-alive connection as the request after the redirect arrives.
    "stale-keepalive": case(fault("stale-keepalive", count=1), 6 * MIB, path="/old", cmdline="retries=0",
                            expect=(r"http: reusing the connection to 10\.0\.2\.2 \(keep-alive\)",
                                    r"http: the kept-alive connection to 10\.0\.2\.2 closed before answering; "
                                    r"sending the request again on a new connection"),
                            requests=log_shape([302, None, 200])),
    # Accepted and never answered, or closed unanswered: the server never answered (14).
    "silent": case(fault("silent", count=10 ** 6), 4 * MIB, status="connect", layout="untouched",
                   cmdline="timeout=1 retries=1",
                   expect=(r"error: http: giving up after 2 attempts: the server accepted the connection "
                           r"but never answered",),
                   requests=log_shape([None, None]), max_seconds=20),
    "hangup": case(fault("hangup", count=10 ** 6), 4 * MIB, status="connect", layout="untouched",
                   cmdline="retries=1",
                   expect=(r"error: http: giving up after 2 attempts: the server closed the connection "
                           r"without answering",),
                   requests=log_shape([None, None]), max_seconds=20),
    "nvme-e1000e": case("nginx", 16 * MIB, vm=NVME_E1000E, cmdline="verify=readback"),
    "nvme-4k-e1000e": case("nginx", 8 * MIB + 3 * 512, sha=None, block=4096, vm=NVME_E1000E,
                           expect=(PAD.replace(r"(\d+)", str(4096 - 3 * 512)),)),
    "ahci-e1000": case("nginx", 16 * MIB, vm=AHCI_E1000, cmdline="verify=readback"),
    "readback": case(fault("normal"), 9 * MIB + 512, cmdline="verify=readback",
                     expect=(rf"install: read back {9 * MIB + 512} bytes from vda: same SHA-256",),
                     requests=log_shape([200])),
    # Issue 9, case 1: lengths real servers exceed. A 302 to a presigned URL past 8 KiB; the
    # same URL as url=; a 250 KB header block with a 100 KiB line (curl takes 300 KiB).
    "presigned-redirect": case(fault("redirect", path=PRESIGNED), 4 * MIB, path="/presign",
                               expect=(r"http: 302 redirect to http://10\.0\.2\.2:\d+/img\.raw\?X-Amz-Algorithm",),
                               requests=log_shape([302, 200])),
    "long-url": case(fault("normal", path=PRESIGNED), 4 * MIB, path=PRESIGNED, requests=log_shape([200])),
    "big-headers": case(fault("big-headers:250000", count=ALWAYS), 4 * MIB + 9, requests=log_shape([200])),
    # Issue 9, case 2: RFC 9112 6.3. Identical lengths are one; different ones are a final
    # error, said once (one request, not six); Transfer-Encoding overrides a length.
    "dup-length": case(fault("dup-length", count=ALWAYS), 4 * MIB + 3, requests=log_shape([200])),
    "length-list": case(fault("length-list", count=ALWAYS), 4 * MIB, requests=log_shape([200])),
    "length-differ": case(fault("length-differ", count=ALWAYS), 4 * MIB, status="http", layout="untouched",
                          expect=(r"error: http: different Content-Length values: HTTP 200 from 10\.0\.2\.2\n",),
                          requests=log_shape([200]), max_seconds=15),
    "te-and-length": case(fault("te-and-length", count=ALWAYS), 4 * MIB + 5, requests=log_shape([200])),
    # Issue 9, case 6: credentials in the URL, sent as Basic, never on the console; not handed
    # to another server on a redirect; IPv6 said so.
    "auth": case(fault("normal", auth="user:s@cret"), 4 * MIB, userinfo="user:s%40cret",
                 secrets=("s%40cret", "s@cret"),
                 expect=(r'cmdline: "[^"]* qemu_exit=on url=http://user:\*\*\*@10\.0\.2\.2:\d+/img\.raw sha256=',),
                 requests=auth_shape([200], "user:s@cret")),
    "auth-missing": case(fault("normal", auth="user:pw"), 4 * MIB, status="http", layout="untouched",
                         expect=(r"error: http: the server wants credentials \(http://USER:PASSWORD@HOST/\.\.\.\)",),
                         requests=log_shape([401]), max_seconds=10),
    "auth-other-server": case(fault("redirect", auth="user:Zq7pw", mirror=True,
                                    location="http://10.0.2.2:{mirror}/img.raw"),
                              4 * MIB, userinfo="user:Zq7pw", path="/old", secrets=("Zq7pw",),
                              expect=(r"http: the credentials stay with 10\.0\.2\.2:\d+, not sent to 10\.0\.2\.2:\d+",),
                              requests=auth_shape([302], "user:Zq7pw", mirror=[200])),
    "ipv6": case(fault("normal"), 4 * MIB, status="usage", layout="untouched",
                 url="http://[fd00::2]:{port}{path}", expect=(r"error: http: IPv6 is not supported\n",),
                 requests=log_shape([])),
    "config-auth": case(fault("normal", auth="cfg:Sec4et"), 4 * MIB, userinfo="cfg:Sec4et", job=config_job,
                        secrets=("Sec4et",),
                        expect=(r"config: fetching http://cfg:\*\*\*@10\.0\.2\.2:\d+/cfg\n",
                                r'config: command line now ".*url=http://cfg:\*\*\*@10\.0\.2\.2:\d+/img\.raw'),
                        requests=auth_shape([200, 200], "cfg:Sec4et")),
}


def canary_chunk(i):
    return random.Random(1_000_000 + i).randbytes(MIB)


class Image:
    """The image, seeded random bytes made one MiB at a time (the 256 MiB one is never whole)."""

    def __init__(self, size):
        self.size = size
        self.cached = (None, b"")
        h = hashlib.sha256()
        for i in range((size + MIB - 1) // MIB):
            h.update(self.chunk(i))
        self.sha = h.hexdigest()

    def chunk(self, i):
        if self.cached[0] != i:
            self.cached = (i, random.Random(2_000_000 + i).randbytes(min(MIB, self.size - i * MIB)))
        return self.cached[1]

    def read(self, off, n):
        out = bytearray()
        while n > 0:
            c = self.chunk(off // MIB)[off % MIB:off % MIB + n]
            out += c
            off, n = off + len(c), n - len(c)
        return bytes(out)

    def write(self, path):
        with open(path, "wb") as f:
            for i in range((self.size + MIB - 1) // MIB):
                f.write(self.chunk(i))


def make_disk(path, size, canary_from):
    """The canary in every MiB from canary_from on; a sparse hole (zeros) before it."""
    with open(path, "wb") as f:
        f.truncate(size)
        f.seek(canary_from)
        for i in range(canary_from // MIB, size // MIB):
            f.write(canary_chunk(i))


def round_up(n, block):
    return (n + block - 1) // block * block


def layout_segments(c, img, written):
    """[(start, end, what)] covering the disk: what is image, zero or base (canary or hole)."""
    size, disk, end = img.size, c["disk_size"], round_up(img.size, c["block"])
    if c["layout"] == "untouched":
        return [(0, disk, "base")]
    if c["layout"] == "partial":
        return [(0, MIB, "zero"), (MIB, written, "image"), (written, disk, "base")]
    head = [(0, MIB, "zero"), (MIB, size, "image")] if c["layout"] == "head-zero" else [(0, size, "image")]
    return head + [(size, end, "zero"), (end, disk, "base")]


def expected(segments, img, canary_from, off, n):
    out = bytearray()
    for s, e, what in segments:
        lo, hi = max(s, off), min(e, off + n)
        if lo >= hi:
            continue
        if what == "image":
            out += img.read(lo, hi - lo)
        elif what == "zero" or lo < canary_from:
            out += bytes(hi - lo)
        else:
            out += canary_chunk(lo // MIB)[lo % MIB:lo % MIB + hi - lo]
    return bytes(out)


def partial_extent(path, img, block, at):
    """How far past the first MiB the disk holds the image: whole blocks, at most `at`."""
    written = MIB
    with open(path, "rb") as f:
        f.seek(MIB)
        while written + block <= at and f.read(block) == img.read(written, block):
            written += block
    return written


def check_disk(c, path, img, canary_from):
    """Compares the disk file with what it must hold, one MiB at a time; None when equal."""
    written = partial_extent(path, img, c["block"], c["server"]["at"]) if c["layout"] == "partial" else 0
    segs = layout_segments(c, img, written)
    if os.path.getsize(path) != c["disk_size"]:
        return f"disk file is {os.path.getsize(path)} bytes, want {c['disk_size']}"
    with open(path, "rb") as f:
        for off in range(0, c["disk_size"], MIB):
            got, want = f.read(MIB), expected(segs, img, canary_from, off, MIB)
            if got == want:
                continue
            first = off + next(i for i in range(len(want)) if got[i] != want[i])
            where = next(f"{what} [{s}, {e})" for s, e, what in segs if s <= first < e)
            return f"disk byte {first} is {got[first - off]:#04x}, want {want[first - off]:#04x} (in {where})"
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """Debian's nginx in the foreground, one process, everything under the workdir."""

    def __init__(self, workdir, root):
        self.port = free_port()
        prefix = os.path.join(workdir, "nginx")
        os.makedirs(os.path.join(prefix, "tmp"), exist_ok=True)
        conf = os.path.join(prefix, "nginx.conf")
        temps = "".join(f"  {k}_temp_path {prefix}/tmp/{k};\n" for k in
                        ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        with open(conf, "w") as f:
            f.write(f"daemon off;\nmaster_process off;\nworker_processes 1;\npid {prefix}/nginx.pid;\n"
                    f"error_log {prefix}/error.log info;\nevents {{ worker_connections 64; }}\n"
                    f"http {{\n  access_log {prefix}/access.log;\n{temps}"
                    f"  default_type application/octet-stream;\n"
                    f"  server {{\n    listen 127.0.0.1:{self.port};\n    root {root};\n"
                    f"    location = /old {{ return 302 /img.raw; }}\n  }}\n}}\n")
        self.access_log = os.path.join(prefix, "access.log")
        self.proc = subprocess.Popen([NGINX, "-p", prefix, "-e", f"{prefix}/error.log", "-c", conf],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(prefix, "stderr.log"), "w"))
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        self.close()
        raise RuntimeError(f"nginx did not start: see {prefix}/stderr.log and error.log")

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def qemu_argv(args, c, disk_path, job):
    vm = c["vm"]
    # wipe=none: these cases judge every byte past the image by the canary (wipe= has its own
    # cases in provision_test.py).
    cmdline = f"qemu_exit=on {job}" + (" " + c["cmdline"] if c["cmdline"] else "") + " wipe=none"
    blk = vm["blk"] + (f",{BLK4K}" if c["block"] == 4096 else "")
    return qemu.base_args(vm["machine"], vm["memory"]) + [
        "-netdev", "user,id=n0", "-device", f"{vm['net']},netdev=n0",
        "-drive", f"if=none,id=d0,format=raw,file={disk_path}", "-device", f"{blk},drive=d0",
        "-kernel", os.path.join(args.kernel_dir, "netplant.elf"), "-append", cmdline]


def masked(url):
    """The URL as the console must show it: the password as ***."""
    return re.sub(r"^(http://[^/?#@:]*:)[^/?#]*@", r"\1***@", url)


def check_log(c, res, img, url, problems):
    want = 2 * EXIT[c["status"]] + 1
    if res.timed_out or res.rc != want:
        problems.append(f"QEMU exit code {res.rc} (timed out: {res.timed_out}), want {want} ({c['status']})")
    if c["max_seconds"] and res.seconds > c["max_seconds"]:
        problems.append(f"QEMU ran {res.seconds:.1f} s, want at most {c['max_seconds']} s")
    disk = c["vm"].get("disk", "vda")
    patterns = [rf"install: {re.escape(masked(url))} onto disk {disk} \({c['disk_size'] >> 20} MiB\)", *c["expect"]]
    if c["status"] == "ok":
        patterns += [r"progress: ", r"install: \d+ bytes, sha256 (matches|\(no sha256)"]
    for p in patterns:
        if not re.search(p, res.serial):
            problems.append(f"serial log lacks /{p}/")
    forbid = list(c["forbid"]) + [r"PANIC", r"assertion"]
    if img.size % c["block"] == 0:
        forbid.append(PAD)
    for p in forbid:
        m = re.search(p, res.serial)
        if m:
            problems.append(f"serial log has /{p}/: {m.group(0)!r}")
    for secret in c["secrets"]:
        n = res.serial.count(secret)
        if n:
            problems.append(f"serial log shows the secret {secret!r} {n} times")
    summary = re.findall(SUMMARY, res.serial)
    if len(summary) != 1:
        problems.append(f"{len(summary)} summary lines, want 1")
        return None
    result, code, nbytes, sha = summary[0][:4]
    if (result, code) != ("ok" if c["status"] == "ok" else "error", c["status"]):
        problems.append(f"summary says result={result} code={code}, want code={c['status']}")
    if c["status"] == "ok" and (int(nbytes) != img.size or sha != img.sha):
        problems.append(f"summary says bytes={nbytes} sha256={sha}, want {img.size} and {img.sha}")
    return summary[0]


def run_case(args, c):
    img = Image(c["size"])
    disk_path = os.path.join(args.workdir, "disk.img")
    canary_from = (c["size"] // MIB) * MIB if c["sparse"] else 0
    make_disk(disk_path, c["disk_size"], canary_from)
    sha = {"right": img.sha, "wrong": hashlib.sha256(b"not the image").hexdigest(), None: None}[c["sha"]]
    srv = None
    if c["server"] == "nginx":
        if not os.access(NGINX, os.X_OK):
            return None, [f"SKIP: {NGINX} is not installed"], ""
        root = os.path.join(args.workdir, "www")
        os.makedirs(root, exist_ok=True)
        img.write(os.path.join(root, "img.raw"))
        srv = Nginx(args.workdir, root)
    else:
        srv = FaultServer(img.read(0, img.size), **c["server"]).start()
    userinfo = c["userinfo"] + "@" if c["userinfo"] else ""
    url = (c["url"] or "http://{userinfo}10.0.2.2:{port}{path}").format(userinfo=userinfo, port=srv.port,
                                                                       path=c["path"])
    job = c["job"](srv, img, url, sha) if c["job"] else f"url={url}" + (f" sha256={sha}" if sha else "")
    try:
        res = qemu.run(qemu_argv(args, c, disk_path, job), c["timeout"])
    finally:
        srv.close()
    problems = []
    summary = check_log(c, res, img, url, problems)
    if c["requests"]:
        problems += c["requests"](srv)
    if isinstance(srv, FaultServer):
        with open(os.path.join(args.workdir, "requests.log"), "w") as f:
            f.writelines(f"{r}\n" for r in srv.requests)
    why = check_disk(c, disk_path, img, canary_from)
    if why:
        problems.append(why)
    extra = f", install {summary[4]} s at {summary[5]} MB/s" if summary else ""
    return res, problems, extra


def then_boots(args):
    """The ISO installs tools/mkimage's bootable image from nginx with then=reboot; the CD boots
    once, so the machine then boots the disk, whose boot sector announces itself and powers off."""
    if not os.access(NGINX, os.X_OK):
        return None, [f"SKIP: {NGINX} is not installed"], ""
    root = os.path.join(args.workdir, "www")
    os.makedirs(root, exist_ok=True)
    image = os.path.join(root, "img.raw")
    subprocess.run([os.path.join(args.source_dir, "tools", "mkimage"), image, "--mib", "16"], check=True)
    with open(image, "rb") as f:
        data = f.read()
    disk = os.path.join(args.workdir, "disk.img")
    with open(disk, "wb") as f:
        f.truncate(32 * MIB)
    srv = Nginx(args.workdir, root)
    try:
        cmdline = (f"qemu_exit=off url=http://10.0.2.2:{srv.port}/img.raw "
                   f"sha256={hashlib.sha256(data).hexdigest()} then=reboot")
        iso = os.path.join(args.workdir, "netplant.iso")
        subprocess.run([os.path.join(args.source_dir, "tools", "mkiso"), "--kernel",
                        os.path.join(args.kernel_dir, "netplant.elf"), "--out", iso, "--timeout", "0",
                        "--cmdline", cmdline], check=True)
        argv = [a for a in qemu.base_args("q35", "256M") if a != "-no-reboot"] + [
            "-boot", "order=c,once=d", "-cdrom", iso,
            "-drive", f"if=none,id=d0,format=raw,file={disk}", "-device", "virtio-blk-pci,drive=d0,disable-legacy=on",
            "-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,disable-legacy=on"]
        res = qemu.run(argv, 180)
    finally:
        srv.close()
    problems = []
    if res.timed_out or res.rc != 0:
        problems.append(f"QEMU exit code {res.rc} (timed out: {res.timed_out}), want 0 from the image's poweroff")
    for pat in (r"result=ok code=ok", r"exit: status=0 \(ok\), then reboot",
                r"demo image: booted from the disk netplant installed"):
        if not re.search(pat, res.serial):
            problems.append(f"serial log lacks /{pat}/")
    with open(disk, "rb") as f:
        if f.read(len(data)) != data:
            problems.append("the disk does not hold the image")
    return res, problems, ""


def main():
    args = qemu.case_args(CASES, __doc__)
    c = CASES[args.case]
    res, problems, extra = c(args) if callable(c) else run_case(args, c)
    if res is None:
        print(problems[0])
        return SKIP
    code = qemu.report(args.case, res, problems, args.workdir, extra)
    if code == 0:
        os.remove(os.path.join(args.workdir, "disk.img"))     # up to 320 MiB each: keep only failures'
        shutil.rmtree(os.path.join(args.workdir, "www"), ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
