#!/usr/bin/env python3
"""netplant's QEMU install tests: boot with url= pointing at nginx or at fault_server.py on
127.0.0.1 (the guest's 10.0.2.2), let netplant stream the image onto a virtio-blk disk filled
with a canary, then judge by QEMU's exit code, the serial log, the summary line, the server's
request log, and the disk file byte for byte: the image at byte 0 (its first MiB zero when the
hash did not match), zeros up to the next block boundary, the canary untouched after that.

    install_test.py --list
    install_test.py --case NAME --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
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
SUMMARY = (r"result=(ok|error) code=(\w+) bytes=(\d+) (sha256|sha512)=([0-9a-f]{64}|[0-9a-f]{128}|-) "
           r"seconds=([\d.]+) MBps=([\d.]+) disk=(\S+)")
BREAK = r"http: .* at byte \d+"
PAD = r"install: the image ends inside a block: (\d+) zero bytes pad it"
BLK4K = "logical_block_size=4096,physical_block_size=4096"

Q35 = dict(machine="q35", memory="128M", net="virtio-net-pci,disable-legacy=on",
           blk="virtio-blk-pci,disable-legacy=on")
PC32 = dict(machine="pc", memory="32M", net="virtio-net-pci,disable-modern=on",
            blk="virtio-blk-pci,disable-modern=on")


def case(server, size, status="ok", layout="image", sha="right", cmdline="", expect=(), forbid=(BREAK,),
         vm=Q35, disk_mib=64, block=512, sparse=False, path="/img.raw", requests=None, max_seconds=None,
         timeout=120, hash="sha256"):
    """server: 'nginx' or a dict of FaultServer arguments. layout: what the disk must hold after
    the run: image, head-zero (hash mismatch), untouched, partial (a failed download). hash: the
    key the digest is given with (sha256 or sha512), and the summary's digest field."""
    return dict(server=server, size=size, status=status, layout=layout, sha=sha, cmdline=cmdline,
                expect=expect, forbid=forbid, vm=vm, disk_size=disk_mib * MIB, block=block, sparse=sparse,
                path=path, requests=requests, max_seconds=max_seconds, timeout=timeout, hash=hash)


def fault(mode, count=1, at=None):
    return dict(mode=mode, count=count, at=at)


# Checks of the fault server's request log: each returns a list of problems.
def log_shape(statuses, ranges=None):
    def check(srv):
        got = [r["status"] for r in srv.requests]
        problems = [] if got == statuses else [f"server answered {got}, want {statuses}"]
        for i, want in enumerate(ranges or []):
            if i >= len(srv.requests):
                break
            r = srv.requests[i]
            rng = f"bytes={want}-" if want else None
            validator = srv.etag if want else None
            if r["range"] != rng or r["if_range"] != validator:
                problems.append(f"request {i}: Range {r['range']!r} If-Range {r['if_range']!r}, "
                                f"want {rng!r} and {validator!r}")
        return problems
    return check


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
                      expect=(r"(?s)http: server busy or failing at byte 0\n.*"
                              r"http: server busy or failing at byte 0\n",),
                      requests=log_shape([503, 503, 200])),
    "stall": case(fault("stall", count=1, at=CUT), 8 * MIB, status="short", layout="partial",
                  cmdline="timeout=2 retries=0", forbid=(),
                  expect=(rf"http: no data for too long at byte {CUT} of {8 * MIB}",
                          r"error: http: giving up after 1 attempts"),
                  requests=log_shape([200]), max_seconds=15),
    "pc-32M-256M": case("nginx", 256 * MIB, vm=PC32, disk_mib=320, sparse=True, timeout=200,
                        expect=(r"via pci-legacy",)),
    "sha512": case(fault("normal"), 9 * MIB + 700, hash="sha512", cmdline="verify=readback loglevel=7",
                   expect=(r"hash: sha256 \w+, sha512 \w+ \(nettle [\d.]+ assembly\)",
                           r"install: stage hash: \d+ ms", r"install: stage network, HTTP and the rest: \d+ ms",
                           rf"install: sha512 x86_64 hashed {9 * MIB + 700} bytes at \d+ MB/s",
                           r"install: \d+ bytes, sha512 matches; writing the first MiB",
                           rf"install: read back {9 * MIB + 700} bytes from vda: same SHA-512"),
                   requests=log_shape([200])),
    "bad-sha512": case(fault("normal"), 6 * MIB + 300, status="hash", layout="head-zero", sha="wrong", hash="sha512",
                       expect=(r"error: sha512 mismatch: got [0-9a-f]{128}; the first MiB stays zeroed",),
                       forbid=(BREAK, r"writing the first MiB")),
    "sha512-short": case(fault("normal"), 2 * MIB, status="usage", layout="untouched", sha="short", hash="sha512",
                         expect=(r"error: sha512=[0-9a-f]{64}: want 128 hex digits",), requests=log_shape([])),
    "then-boots": lambda args: then_boots(args),     # defined below, with the runners
    "readback": case(fault("normal"), 9 * MIB + 512, cmdline="verify=readback",
                     expect=(rf"install: read back {9 * MIB + 512} bytes from vda: same SHA-256",),
                     requests=log_shape([200])),
}


def canary_chunk(i):
    return random.Random(1_000_000 + i).randbytes(MIB)


class Image:
    """The image, seeded random bytes made one MiB at a time (the 256 MiB one is never whole)."""

    def __init__(self, size):
        self.size = size
        self.cached = (None, b"")
        self.sha = self.digest("sha256")

    def digest(self, name):
        h = hashlib.new(name)
        for i in range((self.size + MIB - 1) // MIB):
            h.update(self.chunk(i))
        return h.hexdigest()

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


def qemu_argv(args, c, disk_path, url, sha):
    vm = c["vm"]
    cmdline = f"qemu_exit=on url={url}" + (f" {c['hash']}={sha}" if sha else "") + (" " + c["cmdline"] if c["cmdline"] else "")
    blk = vm["blk"] + (f",{BLK4K}" if c["block"] == 4096 else "")
    return qemu.base_args(vm["machine"], vm["memory"]) + [
        "-netdev", "user,id=n0", "-device", f"{vm['net']},netdev=n0",
        "-drive", f"if=none,id=d0,format=raw,file={disk_path}", "-device", f"{blk},drive=d0",
        "-kernel", os.path.join(args.kernel_dir, "netplant.elf"), "-append", cmdline]


def check_log(c, res, img, url, want_sha, problems):
    want = 2 * EXIT[c["status"]] + 1
    if res.timed_out or res.rc != want:
        problems.append(f"QEMU exit code {res.rc} (timed out: {res.timed_out}), want {want} ({c['status']})")
    if c["max_seconds"] and res.seconds > c["max_seconds"]:
        problems.append(f"QEMU ran {res.seconds:.1f} s, want at most {c['max_seconds']} s")
    patterns = list(c["expect"])
    if c["status"] != "usage":      # a refused command line stops before the install starts
        patterns.append(rf"install: {re.escape(url)} onto disk vda \({c['disk_size'] >> 20} MiB\)")
    if c["status"] == "ok":
        patterns += [r"progress: ", rf"install: \d+ bytes, {c['hash']} (matches|\(no {c['hash']})"]
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
    summary = re.findall(SUMMARY, res.serial)
    if not summary and c["status"] == "usage":
        return None
    if len(summary) != 1:
        problems.append(f"{len(summary)} summary lines, want 1")
        return None
    result, code, nbytes, hname, sha = summary[0][:5]
    if (result, code) != ("ok" if c["status"] == "ok" else "error", c["status"]):
        problems.append(f"summary says result={result} code={code}, want code={c['status']}")
    if hname != c["hash"]:
        problems.append(f"summary's digest field is {hname}=, want {c['hash']}=")
    if c["status"] == "ok" and (int(nbytes) != img.size or sha != want_sha):
        problems.append(f"summary says bytes={nbytes} {hname}={sha}, want {img.size} and {want_sha}")
    return summary[0]


def run_case(args, c):
    img = Image(c["size"])
    disk_path = os.path.join(args.workdir, "disk.img")
    canary_from = (c["size"] // MIB) * MIB if c["sparse"] else 0
    make_disk(disk_path, c["disk_size"], canary_from)
    right = img.sha if c["hash"] == "sha256" else img.digest(c["hash"])
    sha = {"right": right, "wrong": hashlib.new(c["hash"], b"not the image").hexdigest(),
           "short": hashlib.sha256(b"a digest of the wrong length").hexdigest(), None: None}[c["sha"]]
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
    url = f"http://10.0.2.2:{srv.port}{c['path']}"
    try:
        res = qemu.run(qemu_argv(args, c, disk_path, url, sha), c["timeout"])
    finally:
        srv.close()
    problems = []
    summary = check_log(c, res, img, url, right, problems)
    if c["requests"]:
        problems += c["requests"](srv)
    if isinstance(srv, FaultServer):
        with open(os.path.join(args.workdir, "requests.log"), "w") as f:
            f.writelines(f"{r}\n" for r in srv.requests)
    why = check_disk(c, disk_path, img, canary_from)
    if why:
        problems.append(why)
    extra = f", install {summary[5]} s at {summary[6]} MB/s" if summary else ""
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
