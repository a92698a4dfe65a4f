#!/usr/bin/env python3
"""netplant's QEMU install tests: boot with url= pointing at nginx or at fault_server.py on
127.0.0.1 (the guest's 10.0.2.2), let netplant stream the image onto a virtio-blk disk filled
with a canary, then judge by QEMU's exit code, the serial log, the summary line, the server's
request log, and the disk file byte for byte: the image at byte 0 (its first MiB zero when the
hash did not match), zeros up to the next block boundary, the canary untouched after that.
The checksum comes as sha256=, sha512=, raw_sha256= or from a sums file (checksum=) that nginx
serves beside the image. Images with holes (mostly zeros) check WRITE_ZEROES: the canary under
the holes must be zeroed all the same, by the disk or by zeros written.
Compressed cases serve the image as the real gzip, zstd, xz or bzip2 tool made it at test time
(under the name img.raw: the format is found by its magic bytes) and check the decoded image.
qcow2 cases serve what qemu-img convert made of it (v2 or v3, with -c or without, a zero
cluster from qemu-io), and check the guest disk and the summary's written= against qemu-img map.

    install_test.py --list
    install_test.py --case NAME --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
import base64
import hashlib
import json
import os
import random
import re
import shutil
import socket
import struct
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
        "hash": 12, "toobig": 13, "connect": 14, "short": 15, "noroute": 16, "format": 17,
        "sector": 21}
SUMMARY = (r"result=(ok|error) code=(\w+) bytes=(\d+) (sha256|sha512)=([0-9a-f]{128}|[0-9a-f]{64}|-) "
           r"seconds=([\d.]+) MBps=([\d.]+) disk=(\S+) format=(\w+|-) written=(\d+) zeroed=(\d+)")
COMPRESS = {"gzip": ["gzip", "-6nc"], "zstd": ["zstd", "-q", "-c"], "xz": ["xz", "-3c", "-T1"],
            "bzip2": ["bzip2", "-9c"]}
# Variants of a format: the same tool with other options (fmt="zstd-long31"; the summary says zstd).
VARIANTS = {"zstd-long31": ["zstd", "-q", "-c", "--long=31"], "zstd-sized": ["zstd", "-q", "-c"],
            "xz-x86": ["xz", "-c", "-T1", "--x86", "--lzma2=preset=6"],
            "xz-delta": ["xz", "-c", "-T1", "--delta=dist=4", "--lzma2"]}
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
         timeout=120, userinfo=None, url=None, job=None, secrets=(), key="sha256", raw=None, sums=None,
         holes=False, blk_opts="", zeroed=None, fmt=None, mangle=None, nginx_conf="", early=False, blanks=False,
         bad_read=None, lost_writes=False):
    """server: 'nginx' or a dict of FaultServer arguments. layout: what the disk must hold after
    the run: image, head-zero (hash mismatch), untouched, partial (a failed download), unbootable
    (a failed decode: first MiB zero, anything up to what the summary says was written, then the
    canary), unbootable-image (the same up to the image's end: a qcow2's clusters go anywhere).
    userinfo: "user:password" put in url=; url: a template for url= ({port}, {path});
    job: a function (server, image, url, sha) giving the command line's job words instead of
    url= and the checksum keys; secrets: strings the serial log must not hold anywhere.
    sha: 'right', 'wrong' or None for key= (sha256 or sha512); raw: the same for raw_sha256=.
    sums: (file name, function(img) -> its text) served by nginx and given as checksum= instead.
    holes: an image mostly of zeros. zeroed: 'units' (every zero 64 KiB unit), 0, or None.
    fmt: serve the image compressed (gzip, zstd, xz, bzip2; -multi: as two members, frames or
    streams; qcow2[-v2][-c][-zero][-backing]: as qemu-img makes it). mangle: corrupt, truncate or
    bigdict the compressed file. nginx_conf: more lines for nginx's server block. early: the install
    must stop having taken less than half of what is served (the summary's bytes=). blanks:
    everything (workdir, nginx's files, the disk, the kernel QEMU boots) under folders whose names
    hold blanks. bad_read: a sector whose reads fail (QEMU's blkdebug), None for none.
    lost_writes: a disk that drops every write and reads zeros (QEMU's null-co; the disk file
    stays untouched)."""
    return dict(server=server, size=size, status=status, layout=layout, sha=sha, cmdline=cmdline,
                expect=expect, forbid=forbid, vm=vm, disk_size=disk_mib * MIB, block=block, sparse=sparse,
                path=path, requests=requests, max_seconds=max_seconds, timeout=timeout, userinfo=userinfo,
                url=url, job=job, secrets=secrets, key=key, raw=raw, sums=sums, holes=holes, blk_opts=blk_opts,
                zeroed=zeroed, fmt=fmt, mangle=mangle, nginx_conf=nginx_conf, early=early, blanks=blanks,
                bad_read=bad_read, lost_writes=lost_writes)


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
OTHER = hashlib.sha256(b"another file").hexdigest()
OTHER512 = hashlib.sha512(b"another file").hexdigest()


def gnu_sums(img):
    """A SHA256SUMS as `sha256sum -b` writes it, with a comment, CRLF line ends, the image third."""
    return (f"# netplant test images\r\n{OTHER} *img.qcow2\r\n{OTHER} *img.raw.xz\r\n"
            f"{img.sha} *img.raw\r\n{OTHER} *img.raw.sig\r\n")


def bsd_sums(img):
    """A PGP-signed SHA512SUMS in BSD form (`sha512sum --tag`, Fedora's CHECKSUM), the image second."""
    return ("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"
            f"SHA512 (img.qcow2) = {OTHER512}\nSHA512 (img.raw) = {img.sha512}\n"
            f"SHA256 (img.raw) = {OTHER}\n-----BEGIN PGP SIGNATURE-----\n\niQIz\n-----END PGP SIGNATURE-----\n")


def other_sums(img):
    return f"{OTHER}  a.img\n{OTHER}  b.img\nSHA256 (c.img) = {OTHER}\n"


def wrong_sums(img):
    return f"{OTHER}  img.raw\n"


SUMS_LINE = r"checksum: line {} of http://10\.0\.2\.2:\d+/{}: {} {} img\.raw"
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
    # The hash path in the banner, and where the time went (loglevel=7).
    "sha512-stages": case(fault("normal"), 9 * MIB + 700, key="sha512", cmdline="verify=readback loglevel=7",
                          expect=(r"hash: sha256 \w+, sha512 \w+ \(nettle [\d.]+ assembly\)",
                                  r"install: stage hash: \d+ ms", r"install: stage network, HTTP and the rest: \d+ ms",
                                  rf"install: sha512 x86_64 hashed {9 * MIB + 700} bytes at \d+ MB/s",
                                  r"install: \d+ bytes, sha512 matches",
                                  rf"install: read back {9 * MIB + 700} bytes from vda: same sha512"),
                          requests=log_shape([200])),
    "sha512-short": case(fault("normal"), 2 * MIB, status="usage", layout="untouched", sha="short", key="sha512",
                         expect=(r"error: sha512=[0-9a-f]{64}: want 128 hex digits",), requests=log_shape([])),
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
                     expect=(rf"install: read back {9 * MIB + 512} bytes from vda: same sha256",),
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
    # Checksums as publishers give them.
    "sha512": case(fault("normal"), 6 * MIB + 100, key="sha512", cmdline="verify=readback",
                   expect=(r"install: \d+ bytes, sha512 matches",
                           rf"install: read back {6 * MIB + 100} bytes from vda: same sha512")),
    "sha512-wrong": case(fault("normal"), 6 * MIB, key="sha512", sha="wrong", status="hash", layout="head-zero",
                         expect=(r"error: sha512 mismatch: got [0-9a-f]{128}; the first MiB stays zeroed",),
                         forbid=(BREAK, r"writing the first MiB")),
    "sums-gnu": case("nginx", 6 * MIB + 7, sums=("SHA256SUMS", gnu_sums), path="/img.raw?v=2&x=a/b",
                     expect=(SUMS_LINE.format(4, "SHA256SUMS", "sha256", "[0-9a-f]{64}"),
                             r"install: \d+ bytes, sha256 matches")),
    "sums-bsd-sha512": case("nginx", 6 * MIB, sums=("SHA512SUMS", bsd_sums),
                            expect=(SUMS_LINE.format(5, "SHA512SUMS", "sha512", "[0-9a-f]{128}"),
                                    r"install: \d+ bytes, sha512 matches")),
    "sums-none": case("nginx", 6 * MIB, sums=("SHA256SUMS", other_sums), status="hash", layout="untouched",
                      expect=(r"error: checksum: http://10\.0\.2\.2:\d+/SHA256SUMS has no line for img\.raw "
                              r"\(3 lines: a\.img, b\.img, c\.img\)",),
                      forbid=(BREAK, r"install: \d+ bytes")),
    "sums-wrong": case("nginx", 6 * MIB, sums=("SHA256SUMS", wrong_sums), status="hash", layout="head-zero",
                       expect=(SUMS_LINE.format(1, "SHA256SUMS", "sha256", OTHER),
                               r"error: sha256 mismatch: got [0-9a-f]{64}; the first MiB stays zeroed")),
    "sums-404": case("nginx", 6 * MIB, sums=("SHA256SUMS", None), status="http", layout="untouched",
                     expect=(r"checksum: fetching http://10\.0\.2\.2:\d+/SHA256SUMS",
                             r"error: http: the server refused the request: HTTP 404"),
                     forbid=(BREAK, r"install: \d+ bytes")),
    "raw-sha256": case(fault("normal"), 5 * MIB + 3, raw="right",
                       expect=(r"install: \d+ bytes, raw_sha256 matches", r"install: \d+ bytes, sha256 matches")),
    "raw-sha256-wrong": case(fault("normal"), 5 * MIB, raw="wrong", status="hash", layout="head-zero",
                             expect=(r"error: raw_sha256 mismatch: got [0-9a-f]{64}; the first MiB stays zeroed",),
                             forbid=(BREAK, r"writing the first MiB", r"sha256 matches")),
    # Zero ranges: the disk zeroes them itself (WRITE_ZEROES), or is sent zeros; the bytes are the same.
    "zeroes": case(fault("normal"), 24 * MIB + 4321, holes=True, zeroed="units",
                   expect=(r"disk vda: .*, write-zeroes", r"install: \d+ bytes zeroed by disk vda itself")),
    "zeroes-off": case(fault("normal"), 24 * MIB + 4321, holes=True, zeroed=0, blk_opts="write-zeroes=off",
                       forbid=(BREAK, r"write-zeroes", r"zeroed by disk")),
    "zeroes-nvme": case(fault("normal"), 24 * MIB + 4321, holes=True, zeroed="units", vm=NVME_E1000E,
                        expect=(r"disk nvme0n1: .*, write-zeroes", r"install: \d+ bytes zeroed by disk nvme0n1 itself")),
    "zeroes-4k-legacy": case(fault("normal"), 12 * MIB + 4096 * 3 + 100, holes=True, zeroed="units", block=4096,
                             vm=PC32, expect=(r"disk vda: .*via pci-legacy.*, write-zeroes",)),
}


def resumed_thrice(srv):
    """cut-resume with a compressed file: the cut points are a third of it, so known only now."""
    return log_shape([200, 206, 206], [0, srv.at, 2 * srv.at])(srv)


# Compressed images: each format whole, as two members/frames/streams, corrupt and truncated.
ZIMG = 6 * MIB + 4321
for f in COMPRESS:
    CASES[f"{f}"] = case("nginx", ZIMG, fmt=f, expect=(rf"install: format {f} \(by its magic bytes\)",))
    CASES[f"{f}-multi"] = case("nginx", ZIMG, fmt=f + "-multi")
    for m in ("corrupt", "truncate"):
        CASES[f"{f}-{m}"] = case(fault("normal"), ZIMG, fmt=f, mangle=m, status="format", layout="unbootable",
                                 sha=None, expect=(rf"error: {f}: ",), forbid=(BREAK, r"writing the first MiB"))
CASES["xz-dict-too-big"] = case(
    fault("normal"), ZIMG, fmt="xz", mangle="bigdict", status="format", layout="untouched", sha=None,
    expect=(r"error: xz: the stream needs 257 MiB of memory to decode \(its dictionary\), and there are "
            r"\d+ MiB; nothing of it was written",), requests=log_shape([200]))
# A zstd frame whose window (2 GiB) does not fit in 128 MiB: refused at its header, before writing.
CASES["zstd-window-too-big"] = case(
    fault("normal"), ZIMG, fmt="zstd-long31", status="format", layout="untouched", sha=None,
    expect=(r"error: zstd: the frame needs 20\d\d MiB of memory to decode \(its window is 2048 MiB\), and there "
            r"are \d+ MiB; nothing of it was written",), requests=log_shape([200]))


# Larger than the disk: a zstd frame that declares its size is refused at its header, nothing
# written; a stream that declares nothing (gzip) stops when its output passes the disk's end.
CASES["zstd-sized-too-big"] = case(
    fault("normal"), ZIMG, fmt="zstd-sized", status="toobig", layout="untouched", sha=None, disk_mib=4,
    expect=(rf"error: the image is at least {ZIMG} bytes \(as its zstd frame header declares\) but disk vda "
            r"holds 4194304; nothing written",), requests=log_shape([200]))
CASES["gzip-too-big"] = case(
    fault("normal"), 32 * MIB, fmt="gzip", status="toobig", layout="unbootable", sha=None, disk_mib=4,
    expect=(r"error: the image is larger than disk vda \(4194304 bytes\); stopped there",),
    forbid=(BREAK, r"writing the first MiB"), requests=log_shape([200]), early=True)
# A clone in a folder whose name has blanks: nginx's configuration, the disk and the kernel's
# path on its command line (QEMU puts it there as it is) all hold them.
CASES["path-with-blanks"] = case("nginx", ZIMG, fmt="gzip", blanks=True,
                                 expect=(r'cmdline: "[^"]*/a b/kernel dir/netplant\.elf qemu_exit=on',))
# xz through a BCJ filter (x86) and through delta, each before LZMA2: byte for byte.
for v in ("xz-x86", "xz-delta"):
    CASES[v] = case("nginx", ZIMG, fmt=v, expect=(r"install: format xz \(by its magic bytes\)",))
CASES["gzip-cut-resume"] = case(fault("cut", count=2, at=1 / 3), ZIMG, fmt="gzip", forbid=(),
                                expect=(r"http: [^\n]* at byte \d+ of \d+\n",), requests=resumed_thrice)
CASES["xz-readback"] = case(fault("normal"), ZIMG, fmt="xz", cmdline="verify=readback",
                            expect=(rf"install: read back {ZIMG} bytes from vda: same sha256",))


# qcow2 images as qemu-img makes them, 64 KiB clusters; the size is a multiple of 512 (qcow2's
# rule) but not of the cluster, so the last cluster is partial.
QIMG = 6 * MIB + 3 * 4096 + 512
QCOW2_FORMAT = r"install: format qcow2 \(by its magic bytes\)"
QCOW2_MAP = r"qcow2: \d+ table reads \(\d+ KiB\) in \d+ ms: \d+ MiB of data in \d+ runs"
QCOW2_PACKED = r"\((\d*[1-9]\d*) compressed clusters\)"
for name in ("qcow2", "qcow2-v2", "qcow2-c", "qcow2-v2-c", "qcow2-zero", "qcow2-zstd", "qcow2-unordered"):
    packed = (QCOW2_PACKED,) if "-c" in name or "zstd" in name else ()
    CASES[name] = case("nginx", QIMG, fmt=name, expect=(QCOW2_FORMAT, QCOW2_MAP, *packed),
                       forbid=(BREAK, r"\(0 compressed clusters\)") if packed else (BREAK,))
# A disk without WRITE_ZEROES: the unallocated clusters are written as zeros; format= decides.
CASES["qcow2-zeroes-off"] = case("nginx", QIMG, fmt="qcow2", blk_opts="write-zeroes=off", cmdline="format=qcow2",
                                 expect=(r"install: format qcow2 \(as format= says\)", QCOW2_MAP))
CASES["qcow2-4k"] = case("nginx", QIMG, fmt="qcow2-c", block=4096, expect=(QCOW2_FORMAT, QCOW2_MAP))
# A GPT for 512-byte sectors onto a 4K disk, its first cluster last in the file: the guest
# disk's first bytes are read with the tables and it is refused then, before any write.
CASES["qcow2-unordered-gpt-4k"] = case("nginx", QIMG, fmt="qcow2-unordered-gpt", block=4096, status="sector",
                                       layout="untouched", sha=None,
                                       expect=(QCOW2_MAP, r"error: the image's GPT is made for 512-byte sectors but "
                                               r"disk vda has 4096-byte blocks; nothing written"))
# The tables need Range requests: a server without them is refused before anything is written.
CASES["qcow2-norange"] = case("nginx", QIMG, fmt="qcow2", nginx_conf="max_ranges 0;", status="format",
                              layout="untouched", expect=(r"error: qcow2: the server does not answer Range requests",))
# The guest disk is larger than the disk: refused by the header, before anything is written.
CASES["qcow2-toobig"] = case("nginx", QIMG, fmt="qcow2", disk_mib=4, status="toobig", layout="untouched",
                             expect=(rf"error: the image is {QIMG} bytes but disk vda holds {4 * MIB}; nothing written",))
# The clusters reach the disk out of file order. raw_sha256= reads the guest image back in order
# (zero ranges must read as zeros) before the first MiB is written; a mismatch leaves it zero.
CASES["qcow2-raw-sha256"] = case("nginx", QIMG, fmt="qcow2-zero", raw="right",
                                 expect=(QCOW2_MAP, rf"install: {QIMG} bytes, raw_sha256 matches \(the guest image "
                                         r"read back from disk vda", r"install: \d+ bytes, sha256 matches"))
CASES["qcow2-raw-sha256-wrong"] = case("nginx", QIMG, fmt="qcow2", raw="wrong", status="hash", layout="head-zero",
                                       expect=(r"error: raw_sha256 mismatch: got [0-9a-f]{64}; the first MiB stays "
                                               r"zeroed",), forbid=(BREAK, r"writing the first MiB"))
# verify=readback: the data runs, hashed as written, read back and hashed again; zeros checked.
QCOW2_READBACK = rf"install: read back {QIMG} bytes from vda in \d+ ms: \d+ data runs the same sha256, \d+ zero ranges zeros"
CASES["qcow2-readback"] = case("nginx", QIMG, fmt="qcow2-zero", cmdline="verify=readback",
                               expect=(QCOW2_MAP, QCOW2_READBACK))
CASES["qcow2-c-readback"] = case("nginx", QIMG, fmt="qcow2-c", block=4096, cmdline="verify=readback",
                                 expect=(QCOW2_PACKED, QCOW2_READBACK))
# A disk that loses every write (reads give zeros): raw_sha256= finds it before the first MiB,
# verify=readback after, by the data runs (the zero ranges do read as zeros).
CASES["qcow2-raw-sha256-lost"] = case("nginx", QIMG, fmt="qcow2", raw="right", status="hash", layout="untouched",
                                      lost_writes=True,
                                      expect=(r"error: raw_sha256 mismatch: got [0-9a-f]{64}; the first MiB stays "
                                              r"zeroed",), forbid=(BREAK, r"writing the first MiB"))
CASES["qcow2-readback-lost"] = case("nginx", QIMG, fmt="qcow2", cmdline="verify=readback", status="verify",
                                    layout="untouched", lost_writes=True,
                                    expect=(r"error: read-back of disk vda does not match the image's data clusters "
                                            r"as written",), forbid=(BREAK, r"install: read back"))
# A read of the read-back fails (sector 4 MiB in, past the first MiB: written, then read only by
# the read-back): a disk error, said with its sector.
CASES["qcow2-readback-error"] = case("nginx", QIMG, fmt="qcow2", cmdline="verify=readback", status="disk",
                                     bad_read=4 * MIB // 512,
                                     expect=(r"error: disk vda: read failed at sector \d+: ",),
                                     forbid=(BREAK, r"install: read back"))
CASES["qcow2-backing"] = case("nginx", QIMG, fmt="qcow2-backing", status="format", layout="untouched",
                              expect=(r"error: qcow2: the image has a backing file",))
CASES["qcow2-truncate"] = case(fault("normal"), QIMG, fmt="qcow2", mangle="truncate", status="format",
                               layout="unbootable", sha=None,
                               expect=(r"error: qcow2: a data cluster lies past the file's end \(truncated\?\)",),
                               forbid=(BREAK, r"writing the first MiB"))
CASES["qcow2-c-truncate"] = case(fault("normal"), QIMG, fmt="qcow2-c", mangle="truncate", status="format",
                                 layout="unbootable", sha=None, expect=(r"error: qcow2: ",),
                                 forbid=(BREAK, r"writing the first MiB"))
# A compressed cluster far into the disk corrupt: found only as the stream reaches it, after
# most of the image was written; the first MiB stays zeroed.
CASES["qcow2-c-corrupt"] = case(fault("normal"), QIMG, fmt="qcow2-c", mangle="cluster", status="format",
                             layout="unbootable-image", sha=None,
                             expect=(r"error: qcow2: the compressed cluster for guest byte \d+ at file byte \d+ is "
                                     r"corrupt",), forbid=(BREAK, r"writing the first MiB"))
# A map larger than memory allows (512 MiB in 512-byte clusters, every other one data, on a
# 32 MiB machine): refused with what it needs, before anything is written.
CASES["qcow2-map-too-big"] = case("nginx", 512 * MIB, fmt="qcow2-many-runs", vm=PC32, disk_mib=520, sparse=True,
                                  status="format", layout="untouched", sha=None,
                                  expect=(r"error: qcow2: the map of the image's clusters needs \d+ MiB \(524288 runs\), "
                                          r"there is room for \d+ (MiB|KiB); nothing written",))
# The first three responses are cut after 20000 bytes: the stream's first (stopped after the
# header anyway), the L1 table's (shorter), and the L2 table's (64 KiB): it resumes; then the
# guest disk's first 8 KiB (for the sector-size check), and the stream.
CASES["qcow2-cut-tables"] = case(fault("cut", count=3, at=20000), QIMG, fmt="qcow2", forbid=(),
                                 expect=(QCOW2_MAP, r"http: [^\n]* at byte \d+ of \d+\n",
                                         r"http: 206 from 10\.0\.2\.2, \d+ bytes from byte \d+"),
                                 requests=log_shape([200, 206, 206, 206, 206, 200]))
# Each response for the file is cut after a third of it: the table reads (short) get theirs
# whole, the main stream is resumed twice, as a raw one is.
CASES["qcow2-cut-resume"] = case(fault("cut", count=ALWAYS, at=1 / 3), QIMG, fmt="qcow2", forbid=(),
                                 expect=(QCOW2_MAP, r"http: [^\n]* at byte \d+ of \d+\n"))
# The same with verify=readback: the cuts fall inside data runs, whose hash goes on across them.
CASES["qcow2-cut-resume-readback"] = case(fault("cut", count=ALWAYS, at=1 / 3), QIMG, fmt="qcow2", forbid=(),
                                          cmdline="verify=readback",
                                          expect=(r"http: [^\n]* at byte \d+ of \d+\n", QCOW2_READBACK))


def qcow2_many_runs(size):
    """A qcow2 file made here (qcow2.txt's header, L1 and L2 tables; 512-byte clusters) whose
    guest disk of size bytes is every other cluster data, all in one cluster of the file, the
    rest unallocated: a map of one entry per cluster, the file only its tables."""
    cs, per = 512, 512 // 8
    n = size // cs
    nl1 = (n + per - 1) // per
    l1_off, l2_off = cs, cs + round_up(nl1 * 8, cs)
    data_off = l2_off + nl1 * cs
    f = bytearray(data_off + cs)
    f[0:4] = b"QFI\xfb"
    for off, fmt, v in ((4, ">I", 3), (20, ">I", 9), (24, ">Q", size), (36, ">I", nl1), (40, ">Q", l1_off),
                        (96, ">I", 4), (100, ">I", 104)):
        struct.pack_into(fmt, f, off, v)
    for i in range(nl1):
        struct.pack_into(">Q", f, l1_off + 8 * i, l2_off + i * cs)
    for k in range(0, n, 2):
        struct.pack_into(">Q", f, l2_off + 8 * k, data_off)
    return bytes(f)


class Blank:
    """An image never written: only its size counts (the disk must stay as it was)."""

    def __init__(self, size):
        self.size, self.sha = size, None


def qcow2_image(fmt, img, workdir):
    """(file bytes, guest bytes with data) of img as qemu-img makes it: fmt is qcow2 and any of
    -v2 (compat=0.10), -c (compressed), -zstd (compressed with zstd), -zero (a zero cluster over
    data, by qemu-io's write -z), -unordered (written by qemu-io from the last cluster to the first),
    -backing (an overlay of a base image), -gpt (an empty GPT for 512-byte sectors written over its
    start: the image no longer matches img)."""
    parts = fmt.split("-")[1:]
    raw, out = os.path.join(workdir, "src.raw"), os.path.join(workdir, "img.qcow2")
    img.write(raw)
    opts = ["-o", "compat=0.10" if "v2" in parts else "compat=1.1,lazy_refcounts=off"]
    if "zstd" in parts:
        opts += ["-c", "-o", "compression_type=zstd"]
    conv = ["qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", *opts, *(["-c"] if "c" in parts else [])]
    if "unordered" in parts:
        # Cluster by cluster from the last to the first (the all-zero ones left out): the file
        # holds the guest disk backwards, every cluster a seek back, the first MiB last.
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", *opts, out, str(img.size)], check=True)
        cmds = []
        for off in reversed(range(0, img.size, 64 << 10)):
            piece = img.read(off, min(64 << 10, img.size - off))
            if piece.count(0) == len(piece):
                continue
            name = os.path.join(workdir, f"piece-{off}")
            with open(name, "wb") as f:
                f.write(piece)
            cmds += ["-c", f"write -s {name} {off} {len(piece)}"]
        subprocess.run(["qemu-io", "-f", "qcow2", *cmds, out], check=True, stdout=subprocess.DEVNULL)
    elif "backing" in parts:
        base = os.path.join(workdir, "base.qcow2")
        subprocess.run(conv + [raw, base], check=True)
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", base, "-F", "qcow2", out], check=True)
    else:
        subprocess.run(conv + [raw, out], check=True)
    if "zero" in parts:
        subprocess.run(["qemu-io", "-f", "qcow2", "-c", f"write -z {QZERO[0]} {QZERO[1]}", out], check=True,
                       stdout=subprocess.DEVNULL)
    if "gpt" in parts:      # sgdisk's empty GPT (512-byte sectors) over the first 17 KiB, in place
        table = os.path.join(workdir, "gpt.bin")
        with open(table, "wb") as f:
            f.truncate(img.size)
        subprocess.run(["sgdisk", "-o", table], check=True, stdout=subprocess.DEVNULL)
        with open(table, "rb") as f:
            head = f.read(34 * 512)
        with open(table, "wb") as f:
            f.write(head)
        subprocess.run(["qemu-io", "-f", "qcow2", "-c", f"write -s {table} 0 {len(head)}", out], check=True,
                       stdout=subprocess.DEVNULL)
    m = subprocess.run(["qemu-img", "map", "-f", "qcow2", "--output=json", out], check=True,
                       stdout=subprocess.PIPE).stdout
    data = sum(e["length"] for e in json.loads(m) if e["data"] and not e["zero"])
    with open(out, "rb") as f:
        return f.read(), data


QZERO = (2 * MIB, 192 << 10)    # qemu-io's write -z: a zero cluster run over data


class ZeroedImage:
    """img with QZERO's range read as zeros (what qemu-io's write -z made of it)."""

    def __init__(self, img):
        self.img, self.size = img, img.size
        self.sha = hashlib.sha256(self.read(0, self.size)).hexdigest()

    def read(self, off, n):
        data = bytearray(self.img.read(off, n))
        lo, hi = max(off, QZERO[0]), min(off + n, QZERO[0] + QZERO[1])
        if lo < hi:
            data[lo - off:hi - off] = bytes(hi - lo)
        return bytes(data)


def canary_chunk(i):
    return random.Random(1_000_000 + i).randbytes(MIB)


def holes_chunk(i, n):
    """MiB i of an image that is three quarters zeros (75.7 % of 256 MiB; 67 % in whole 64 KiB
    units): every fourth MiB all zero, the others three random islands of odd lengths at odd
    offsets, one of 7 bytes, so that zero runs start and end inside units."""
    out = bytearray(n)
    if i % 4 == 3:
        return bytes(out)
    rnd = random.Random(3_000_000 + i)
    k = i % 7
    for start, length in ((0, 300_001 + 4099 * k), (500_009, 7), (798_777, 40_000 - 4099 * k)):
        end = min(start + length, n)
        if start < end:
            out[start:end] = rnd.randbytes(end - start)
    return bytes(out)


class Image:
    """The image, seeded random bytes made one MiB at a time (the 256 MiB one is never whole);
    with holes, mostly zeros."""

    def __init__(self, size, holes=False):
        self.size = size
        self.holes = holes
        self.cached = (None, b"")
        h, h512 = hashlib.sha256(), hashlib.sha512()
        for i in range((size + MIB - 1) // MIB):
            h.update(self.chunk(i))
            h512.update(self.chunk(i))
        self.sha = h.hexdigest()
        self.sha512 = h512.hexdigest()

    def chunk(self, i):
        if self.cached[0] != i:
            n = min(MIB, self.size - i * MIB)
            data = holes_chunk(i, n) if self.holes else random.Random(2_000_000 + i).randbytes(n)
            self.cached = (i, data)
        return self.cached[1]

    def zero_units(self, unit=64 << 10):
        """Bytes in whole all-zero units past the first MiB: what WRITE_ZEROES must take."""
        zero = bytes(unit)
        return sum(unit for off in range(MIB, self.size // unit * unit, unit) if self.read(off, unit) == zero)

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


class MixedImage(Image):
    """A disk-like image that compresses as real ones do: per MiB, seeded random bytes, zeros
    and text, with tools/demo-mbr.asm's boot sector in front."""

    def __init__(self, size, boot):
        self.boot = boot
        super().__init__(size)

    def chunk(self, i):
        if self.cached[0] != i:
            rng = random.Random(3_000_000 + i)
            text = b"".join(b"block %d line %d: %x\n" % (i, j, rng.getrandbits(32)) for j in range(20000))
            data = rng.randbytes(160 << 10) + bytes(360 << 10) + text
            data = (self.boot if i == 0 else b"") + data[len(self.boot) if i == 0 else 0:MIB]
            self.cached = (i, data[:min(MIB, self.size - i * MIB)])
        return self.cached[1]


def boot_sector(args, workdir):
    out = os.path.join(workdir, "mbr.bin")
    subprocess.run(["nasm", "-f", "bin", "-o", out, os.path.join(args.source_dir, "tools", "demo-mbr.asm")],
                   check=True)
    with open(out, "rb") as f:
        return f.read()


def compressed(fmt, raw):
    """raw as the real tool compresses it; NAME-multi: its two halves compressed apart, joined;
    a VARIANTS name: with those options (zstd-sized: the frame declares its content size)."""
    if fmt in VARIANTS:
        sized = [f"--stream-size={len(raw)}"] if fmt == "zstd-sized" else []
        return subprocess.run(VARIANTS[fmt] + sized, input=raw, stdout=subprocess.PIPE, check=True).stdout
    name, _, multi = fmt.partition("-")
    if not multi:
        return subprocess.run(COMPRESS[name], input=raw, stdout=subprocess.PIPE, check=True).stdout
    half = len(raw) // 2 + 777
    return compressed(name, raw[:half]) + compressed(name, raw[half:])


def xz_big_dict(data):
    """The stream with its first block header's LZMA2 dictionary set to 256 MiB (property byte
    32, xz file format 5.3.1) and that header's CRC32 made again (test_decode's fixture too)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "unit_install"))
    from gen_decode_fixtures import xz_big_dict as patch
    return patch(data)


def mangled(how, data):
    if how == "corrupt":     # a byte in the middle: the decoder's own checks must catch it
        return data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 0x55]) + data[len(data) // 2 + 1:]
    if how == "truncate":    # served whole as it is, but the stream's last third is missing
        return data[:len(data) * 2 // 3]
    if how == "cluster":     # qcow2: 32 bytes inside the compressed cluster furthest into the disk
        at = last_compressed(data) + 8
        return data[:at] + bytes(b ^ 0xFF for b in data[at:at + 32]) + data[at + 32:]
    if how == "bigdict":
        return xz_big_dict(data)
    return data


def last_compressed(data):
    """The file offset of the compressed cluster with the highest guest offset (qcow2.txt: the
    header's cluster_bits and L1 table, the L1's first L2 table, bit 62 and the low x bits)."""
    be = lambda off, n: int.from_bytes(data[off:off + n], "big")    # noqa: E731
    bits, l1 = be(20, 4), be(40, 8)
    l2 = be(l1, 8) & 0x00fffffffffffe00
    found = [be(l2 + 8 * i, 8) for i in range((1 << bits) // 8) if be(l2 + 8 * i, 8) >> 62 & 1]
    return found[-1] & ((1 << (62 - (bits - 8))) - 1)


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
    """[(start, end, what)] covering the disk: what is image, zero, any or base (canary or hole)."""
    size, disk, end = img.size, c["disk_size"], round_up(img.size, c["block"])
    if c["layout"] == "untouched":
        return [(0, disk, "base")]
    if c["layout"] == "unbootable":
        if written <= MIB:      # all of it was still held in memory: the disk was never touched
            return [(0, disk, "base")]
        end = round_up(written, c["block"])
        return [(0, MIB, "zero"), (MIB, end, "any"), (end, disk, "base")]
    if c["layout"] == "unbootable-image":   # a qcow2 that failed mid-stream: clusters anywhere in it
        return [(0, MIB, "zero"), (MIB, end, "any"), (end, disk, "base")]
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
        elif what == "any":
            out += b"?" * (hi - lo)
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


def check_disk(c, path, img, canary_from, summary_written=0):
    """Compares the disk file with what it must hold, one MiB at a time; None when equal."""
    written = partial_extent(path, img, c["block"], c["server"]["at"]) if c["layout"] == "partial" else summary_written
    segs = layout_segments(c, img, written)
    anys = [(s, e) for s, e, what in segs if what == "any"]
    if os.path.getsize(path) != c["disk_size"]:
        return f"disk file is {os.path.getsize(path)} bytes, want {c['disk_size']}"
    with open(path, "rb") as f:
        for off in range(0, c["disk_size"], MIB):
            got, want = f.read(MIB), expected(segs, img, canary_from, off, MIB)
            for s, e in anys:   # what a failed decode left there is not judged
                lo, hi = max(s, off), min(e, off + MIB)
                if lo < hi:
                    got = got[:lo - off] + want[lo - off:hi - off] + got[hi - off:]
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

    def __init__(self, workdir, root, extra=""):
        self.port = free_port()
        prefix = os.path.join(workdir, "nginx")
        conf = qemu.nginx_conf(prefix, f"  server {{\n    listen 127.0.0.1:{self.port};\n    root {qemu.nginx_str(root)};\n"
                                       f"    location = /old {{ return 302 /img.raw; }}\n{extra}  }}\n")
        self.access_log = os.path.join(prefix, "access.log")
        self.proc = qemu.start_nginx(NGINX, prefix, conf, self.port)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def checksum_keys(c, sums):
    """The checksum words of the command line: checksum=URL, or the case's keys."""
    if sums:
        return [f"checksum={sums}"]
    keys, img, served = [], c["image"], c["served"]
    for key, which in ((c["key"], c["sha"]), ("raw_sha256", c["raw"])):
        right = img.sha if key == "raw_sha256" else served.sha512 if key == "sha512" else served.sha
        wrong = getattr(hashlib, key.replace("raw_", ""))(b"not the image").hexdigest()
        short = hashlib.sha256(b"a digest of the wrong length").hexdigest()
        if which:
            keys.append(f"{key}={dict(right=right, wrong=wrong, short=short)[which]}")
    return keys


def kernel_path(args, c):
    """The kernel QEMU boots; with blanks, a link to it in a folder whose name has a blank (QEMU's
    Multiboot loader puts that path, blanks and all, in front of the command line)."""
    path = os.path.join(args.kernel_dir, "netplant.elf")
    if not c["blanks"]:
        return path
    link = os.path.join(args.workdir, "kernel dir", "netplant.elf")
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if not os.path.lexists(link):
        os.symlink(os.path.abspath(path), link)
    return link


def qemu_argv(args, c, disk_path, job):
    vm = c["vm"]
    # wipe=none: these cases judge every byte past the image by the canary (wipe= has its own
    # cases in provision_test.py).
    cmdline = f"qemu_exit=on {job}" + (" " + c["cmdline"] if c["cmdline"] else "") + " wipe=none"
    blk = vm["blk"] + (f",{BLK4K}" if c["block"] == 4096 else "") + (f",{c['blk_opts']}" if c["blk_opts"] else "")
    drive = f"if=none,id=d0,format=raw,file={disk_path}"
    if c["bad_read"] is not None:
        # blkdebug sits below the raw format node (FACTS.md); rerror=report hands the error to
        # the guest instead of pausing the VM.
        cfg = os.path.join(args.workdir, "blkdebug.conf")
        with open(cfg, "w") as f:
            f.write(f'[inject-error]\nevent = "read_aio"\niotype = "read"\nerrno = "5"\nsector = "{c["bad_read"]}"\n')
        drive = (f"if=none,id=d0,format=raw,file.driver=blkdebug,file.config={cfg},"
                 f"file.image.filename={disk_path},werror=report,rerror=report")
    if c["lost_writes"]:
        drive = f"if=none,id=d0,driver=null-co,size={c['disk_size']},read-zeroes=on"
    return qemu.base_args(vm["machine"], vm["memory"]) + [
        "-netdev", "user,id=n0", "-device", f"{vm['net']},netdev=n0",
        "-drive", drive, "-device", f"{blk},drive=d0",
        "-kernel", kernel_path(args, c), "-append", cmdline]


def masked(url):
    """The URL as the console must show it: the password as ***."""
    return re.sub(r"^(http://[^/?#@:]*:)[^/?#]*@", r"\1***@", url)


def check_log(c, res, img, served, url, problems):
    want = 2 * EXIT[c["status"]] + 1
    if res.timed_out or res.rc != want:
        problems.append(f"QEMU exit code {res.rc} (timed out: {res.timed_out}), want {want} ({c['status']})")
    if c["max_seconds"] and res.seconds > c["max_seconds"]:
        problems.append(f"QEMU ran {res.seconds:.1f} s, want at most {c['max_seconds']} s")
    disk = c["vm"].get("disk", "vda")
    patterns = list(c["expect"])
    if c["status"] != "usage":      # a refused command line stops before the install starts
        patterns.append(rf"install: {re.escape(masked(url))} onto disk {disk} \({c['disk_size'] >> 20} MiB\)")
    if c["status"] == "ok":
        patterns += [r"progress: .* MiB written", r"install: \d+ bytes, (sha256|sha512) (matches|\(no sha256)",
                     r"install: every check passed; writing the first MiB"]
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
    if not summary and c["status"] == "usage":
        return None
    if len(summary) != 1:
        problems.append(f"{len(summary)} summary lines, want 1")
        return None
    result, code, nbytes, alg, sha = summary[0][:5]
    fmt, written, zeroed = summary[0][8], int(summary[0][9]), int(summary[0][10])
    if (result, code) != ("ok" if c["status"] == "ok" else "error", c["status"]):
        problems.append(f"summary says result={result} code={code}, want code={c['status']}")
    want_alg = "sha512" if c["key"] == "sha512" or (c["sums"] and c["sums"][0] == "SHA512SUMS") else "sha256"
    want_sha = served.sha512 if want_alg == "sha512" else served.sha
    if c["status"] == "ok" and (int(nbytes) != served.size or (alg, sha) != (want_alg, want_sha)):
        problems.append(f"summary says bytes={nbytes} {alg}={sha}, want {served.size} and {want_alg}={want_sha}")
    if c["early"] and int(nbytes) >= served.size // 2:
        problems.append(f"summary says bytes={nbytes} of {served.size} served: the install did not stop at once")
    want_written = c.get("written", img.size)
    if c["status"] == "ok" and written != want_written:
        problems.append(f"summary says written={written}, want {want_written}")
    want_fmt = (c["fmt"] or "raw").partition("-")[0]
    if fmt != want_fmt and not (fmt == "-" and c["layout"] == "untouched" and not c["fmt"]):
        problems.append(f"summary says format={fmt}, want {want_fmt}")
    want_zeroed = img.zero_units() if c["zeroed"] == "units" else c["zeroed"] or 0
    if c["status"] == "ok" and not c["fmt"] and zeroed != want_zeroed:    # (a decoded image zeroes what it has)
        problems.append(f"summary says zeroed={zeroed}, want {want_zeroed}")
    return summary[0]


class Served:
    """The bytes a compressed case serves, with what the summary must say of them."""

    def __init__(self, data):
        self.data, self.size, self.sha = data, len(data), hashlib.sha256(data).hexdigest()
        self.sha512 = hashlib.sha512(data).hexdigest()

    def read(self, off, n):
        return self.data[off:off + n]

    def write(self, path):
        with open(path, "wb") as f:
            f.write(self.data)


def run_case(args, c):
    os.makedirs(args.workdir, exist_ok=True)
    more = {}
    if c["fmt"] == "qcow2-many-runs":
        img = Blank(c["size"])
        served = Served(qcow2_many_runs(c["size"]))
    elif c["fmt"] and c["fmt"].startswith("qcow2"):
        if not shutil.which("qemu-img"):
            return None, ["SKIP: qemu-img is not installed"], ""
        img = MixedImage(c["size"], boot_sector(args, args.workdir))
        data, more["written"] = qcow2_image(c["fmt"], img, args.workdir)
        img = ZeroedImage(img) if "-zero" in c["fmt"] else img
        served = Served(mangled(c["mangle"], data))
    elif c["fmt"]:
        tool = VARIANTS.get(c["fmt"], COMPRESS[c["fmt"].partition("-")[0]])[0]
        if not shutil.which(tool):
            return None, [f"SKIP: {tool} is not installed"], ""
        img = MixedImage(c["size"], boot_sector(args, args.workdir))
        served = Served(mangled(c["mangle"], compressed(c["fmt"], img.read(0, img.size))))
    else:
        img = served = Image(c["size"], c["holes"])
    c = dict(c, image=img, served=served, **more)
    disk_path = os.path.join(args.workdir, "disk.img")
    canary_from = (c["size"] // MIB) * MIB if c["sparse"] else 0
    make_disk(disk_path, c["disk_size"], canary_from)
    srv = None
    if c["server"] == "nginx":
        if not os.access(NGINX, os.X_OK):
            return None, [f"SKIP: {NGINX} is not installed"], ""
        root = os.path.join(args.workdir, "www")
        os.makedirs(root, exist_ok=True)
        served.write(os.path.join(root, "img.raw"))
        if c["sums"] and c["sums"][1]:
            with open(os.path.join(root, c["sums"][0]), "w", newline="") as f:
                f.write(c["sums"][1](img))
        srv = Nginx(args.workdir, root, "".join(f"    {line}\n" for line in c["nginx_conf"].split("\n") if line))
    else:
        server = dict(c["server"])
        if isinstance(server["at"], float):     # a fraction of what is served
            server["at"] = int(served.size * server["at"])
        srv = FaultServer(served.read(0, served.size), **server).start()
    userinfo = c["userinfo"] + "@" if c["userinfo"] else ""
    url = (c["url"] or "http://{userinfo}10.0.2.2:{port}{path}").format(userinfo=userinfo, port=srv.port,
                                                                       path=c["path"])
    sums = f"http://10.0.2.2:{srv.port}/{c['sums'][0]}" if c["sums"] else None
    sha = served.sha if c["sha"] == "right" else None
    job = c["job"](srv, img, url, sha) if c["job"] else " ".join([f"url={url}", *checksum_keys(c, sums)])
    try:
        res = qemu.run(qemu_argv(args, c, disk_path, job), c["timeout"])
    finally:
        srv.close()
    problems = []
    summary = check_log(c, res, img, served, url, problems)
    if c["requests"]:
        problems += c["requests"](srv)
    if isinstance(srv, FaultServer):
        with open(os.path.join(args.workdir, "requests.log"), "w") as f:
            f.writelines(f"{r}\n" for r in srv.requests)
    why = check_disk(c, disk_path, img, canary_from, int(summary[9]) if summary else 0)
    if why:
        problems.append(why)
    extra = f", install {summary[5]} s at {summary[6]} MB/s, written {summary[9]}, zeroed {summary[10]}" if summary else ""
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
    if isinstance(c, dict) and c["blanks"]:
        args.workdir = os.path.join(args.workdir, "a b")
    res, problems, extra = c(args) if callable(c) else run_case(args, c)
    return qemu.finish(args, res, problems, extra, SKIP)


if __name__ == "__main__":
    sys.exit(main())
