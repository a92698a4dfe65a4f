#!/usr/bin/env python3
"""netplant's provisioning tests (issue 14): the disk chosen by root device hints among three
(virtio-blk, NVMe, AHCI) of different sizes and serials; a GPT image's backup moved to the end
of a larger disk (judged by sgdisk -v on the host) or kept (gpt=keep); the sector size of a GPT
image checked against the disk's; stale end-of-disk metadata wiped (judged by wipefs); the
result reported to done_url= and progress_url=. Images come from a small server of ours on
127.0.0.1 (the guest's 10.0.2.2), which also records what is POSTed to it.

    provision_test.py --list
    provision_test.py --case NAME --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
import hashlib
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
from report_server import Server  # noqa: E402

MIB = 1 << 20
SKIP = 77
EXIT = {"ok": 0, "disk": 6, "hash": 12, "sector": 21}
CANARY = b"netplant-canary!" * (MIB // 16)


def random_image(size, seed=7):
    return random.Random(seed).randbytes(size)


def gpt_image(path, mib):
    """A GPT image made by sgdisk: two partitions filled with random bytes."""
    with open(path, "wb") as f:
        f.truncate(mib * MIB)
    subprocess.run(["sgdisk", "-n", "1:2048:+1M", "-t", "1:ef00", "-n", "2:0:0", "-c", "2:root", path],
                   check=True, capture_output=True)
    data = bytearray(open(path, "rb").read())
    data[MIB:len(data) - 64 * 1024] = random_image(len(data) - MIB - 64 * 1024, 11)   # partition data
    with open(path, "wb") as f:
        f.write(data)
    return bytes(data)


def canary_disk(path, size):
    with open(path, "wb") as f:
        for _ in range(size // MIB):
            f.write(CANARY)


def md10_superblock(disk_bytes):
    """An mdraid 1.0 superblock (Linux md_p.h mdp_superblock_1) for a disk of disk_bytes: at
    ((sectors - 16) & ~7) * 512, checksummed as the kernel's calc_sb_1_csum does."""
    sectors = disk_bytes // 512
    offset = (sectors - 16) & ~7
    sb = bytearray(512)
    struct.pack_into("<IIII", sb, 0, 0xa92b4efc, 1, 0, 0)
    sb[16:32] = bytes(range(1, 17))
    sb[32:44] = b"netplant:0\0\0"
    struct.pack_into("<QIIQII", sb, 64, 1700000000, 1, 0, offset - 64, 0, 2)
    struct.pack_into("<QQQQ", sb, 128, 0, offset, offset, 0)       # data_offset, data_size, super_offset
    struct.pack_into("<I", sb, 160, 0)
    sb[168:184] = bytes(range(17, 33))
    struct.pack_into("<QQQ", sb, 192, 1700000000, 1, 0xFFFFFFFFFFFFFFFF)
    struct.pack_into("<I", sb, 220, 2)                              # max_dev
    struct.pack_into("<HH", sb, 256, 0, 0xFFFF)                     # dev_roles
    size = 256 + 2 * 2
    total = sum(struct.unpack_from("<%dI" % (size // 4), sb))
    total = (total & 0xFFFFFFFF) + (total >> 32)
    struct.pack_into("<I", sb, 216, total & 0xFFFFFFFF)
    return offset * 512, bytes(sb)


def wipefs(path):
    out = subprocess.run(["wipefs", "--no-act", path], capture_output=True, text=True)
    return out.stdout.strip()


# The three disks of the hint cases: (drive id, -device, guest name, MiB, serial).
THREE = [("d0", "virtio-blk-pci,disable-legacy=on,serial=SER-V", "vda", 24, "SER-V"),
         ("d1", "nvme,serial=SER-N", "nvme0n1", 32, "SER-N"),
         ("d2", "ide-hd,bus=ide.0,serial=SER-A", "sda", 40, "SER-A")]


def argv_for(args, disks, cmdline, memory="128M"):
    argv = qemu.base_args("q35", memory) + ["-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0"]
    for drive, dev, path in disks:
        argv += ["-drive", f"if=none,id={drive},format=raw,file={path}", "-device", f"{dev},drive={drive}"]
    return argv + ["-kernel", os.path.join(args.kernel_dir, "netplant.elf"), "-append", f"qemu_exit=on {cmdline}"]


def expect_exit(res, status, problems):
    want = 2 * EXIT[status] + 1
    if res.timed_out or res.rc != want:
        problems.append(f"QEMU exit code {res.rc} (timed out: {res.timed_out}), want {want} ({status})")
    n = len(re.findall(r"^result=", res.serial, re.M))
    if n != 1:
        problems.append(f"{n} result= lines, want 1")


def hint_case(hint, want, status="ok"):
    """want: the guest name of the disk the hint must pick (None: refused)."""
    def run(args):
        img = random_image(2 * MIB + 512)
        srv = Server({"/img": img})
        paths = []
        for drive, dev, name, mib, serial in THREE:
            p = os.path.join(args.workdir, f"{name}.img")
            canary_disk(p, mib * MIB)
            paths.append((drive, dev, p))
        sha = hashlib.sha256(img).hexdigest()
        try:
            res = qemu.run(argv_for(args, paths, f"url=http://10.0.2.2:{srv.port}/img sha256={sha} disk={hint}"), 90)
        finally:
            srv.close()
        problems = []
        expect_exit(res, status, problems)
        for (drive, dev, name, mib, serial), (_, _, p) in zip(THREE, paths):
            data = open(p, "rb").read()
            if name == want:
                tail = mib * MIB - MIB      # wipe=ends: the last MiB zero
                if data[:len(img)] != img or data[len(img):tail] != (CANARY * mib)[len(img):tail] or \
                        data[tail:] != bytes(MIB):
                    problems.append(f"disk {name} does not hold the image, then the canary, then a zeroed last MiB")
            elif data != CANARY * mib:
                problems.append(f"disk {name} was written though the hint picks {want}")
        if want and not re.search(rf"install: .* onto disk {want} ", res.serial):
            problems.append(f"serial log does not name disk {want}")
        if not want:
            for drive, dev, name, mib, serial in THREE:
                if not re.search(rf"error:   disk {name}: {mib * MIB} bytes .*serial \"{serial}\"", res.serial):
                    problems.append(f"the refusal does not list disk {name} with size and serial")
        return res, problems
    return run


def gpt_case(keep=False, readback=True):
    def run(args):
        img_path = os.path.join(args.workdir, "image.img")
        img = gpt_image(img_path, 8)
        disk = os.path.join(args.workdir, "disk.img")
        canary_disk(disk, 32 * MIB)
        srv = Server({"/img": img})
        words = f"url=http://10.0.2.2:{srv.port}/img sha256={hashlib.sha256(img).hexdigest()}"
        words += " gpt=keep" if keep else ""
        words += " verify=readback" if readback else ""
        try:
            res = qemu.run(argv_for(args, [("d0", "virtio-blk-pci,disable-legacy=on", disk)], words), 90)
        finally:
            srv.close()
        problems = []
        expect_exit(res, "ok", problems)
        data = open(disk, "rb").read()
        if keep:
            if data[:len(img)] != img:
                problems.append("gpt=keep: the disk does not hold the image byte for byte")
            if data[-512:-504] == b"EFI PART":
                problems.append("gpt=keep: a GPT header at the disk's last LBA")
            return res, problems
        if data[-512:-504] != b"EFI PART":
            problems.append("no GPT header at the disk's last LBA")
        v = subprocess.run(["sgdisk", "-v", disk], capture_output=True, text=True)
        if "No problems found" not in v.stdout:
            problems.append("sgdisk -v: " + v.stdout.strip().replace("\n", " | "))
        parts = [subprocess.run(["sgdisk", "-i", str(n), p], capture_output=True, text=True).stdout
                 for p in (img_path, disk) for n in (1, 2)]
        if parts[:2] != parts[2:] or "First sector: 2048" not in parts[0]:
            problems.append("the partitions differ from the image's: " + repr(parts))
        if data[34 * 512:len(img) - 33 * 512] != img[34 * 512:len(img) - 33 * 512]:
            problems.append("the image's partition bytes changed")
        if not re.search(r"install: GPT backup moved from LBA 16383 to LBA 65535", res.serial):
            problems.append("serial log lacks the GPT move")
        return res, problems
    return run


def sector_case(args):
    """A 512-byte-sector GPT image onto a 4K disk: refused before anything is written."""
    img = gpt_image(os.path.join(args.workdir, "image.img"), 8)
    disk = os.path.join(args.workdir, "disk.img")
    canary_disk(disk, 32 * MIB)
    srv = Server({"/img": img})
    try:
        res = qemu.run(argv_for(args, [("d0", "virtio-blk-pci,disable-legacy=on,logical_block_size=4096,"
                                        "physical_block_size=4096", disk)],
                                f"url=http://10.0.2.2:{srv.port}/img"), 90)
    finally:
        srv.close()
    problems = []
    expect_exit(res, "sector", problems)
    if not re.search(r"GPT is made for 512-byte sectors but disk vda has 4096-byte blocks; nothing written",
                     res.serial):
        problems.append("serial log lacks the sector-size refusal")
    if open(disk, "rb").read() != CANARY * 32:
        problems.append("the disk was written")
    return res, problems


def wipe_case(mode):
    """A disk left with a whole-disk GPT and an mdraid 1.0 superblock at its end, a smaller
    plain image: afterwards wipefs finds nothing (wipe=none: the superblock survives)."""
    def run(args):
        disk = os.path.join(args.workdir, "disk.img")
        canary_disk(disk, 32 * MIB)
        subprocess.run(["sgdisk", "-n", "1:0:0", disk], check=True, capture_output=True)
        off, sb = md10_superblock(32 * MIB)
        with open(disk, "r+b") as f:
            f.seek(off)
            f.write(sb)
        before = wipefs(disk)
        img = random_image(3 * MIB)
        srv = Server({"/img": img})
        try:
            res = qemu.run(argv_for(args, [("d0", "virtio-blk-pci,disable-legacy=on", disk)],
                                    f"url=http://10.0.2.2:{srv.port}/img wipe={mode}"), 90)
        finally:
            srv.close()
        problems = []
        expect_exit(res, "ok", problems)
        if "linux_raid_member" not in before or "gpt" not in before:
            problems.append("the stale disk did not show an md superblock and a GPT to wipefs: " + before)
        after = wipefs(disk)
        data = open(disk, "rb").read()
        if data[:len(img)] != img:
            problems.append("the disk does not hold the image")
        if mode == "none":
            if "linux_raid_member" not in after:
                problems.append("wipe=none removed the md superblock")
            return res, problems
        if after:
            problems.append("wipefs still finds: " + after)
        zero_from = len(img) if mode == "all" else 31 * MIB
        if data[zero_from:] != bytes(32 * MIB - zero_from):
            problems.append(f"the disk is not zero from byte {zero_from}")
        if not re.search(rf"install: wipe={mode}: zeroed \d+ KiB at the end of disk vda .* in \d+\.\d+ s", res.serial):
            problems.append("serial log lacks the wipe line")
        return res, problems
    return run


def one_disk_run(args, words, servers, memory=None, initrd=None):
    """Boots one machine with words and one fresh 16 MiB virtio disk (workdir/disk.img) for a
    case served by servers, which are closed afterwards; initrd: a boot module (ca=)."""
    disk = os.path.join(args.workdir, "disk.img")
    canary_disk(disk, 16 * MIB)
    kw = {"memory": memory} if memory else {}
    argv = argv_for(args, [("d0", "virtio-blk-pci,disable-legacy=on", disk)], words, **kw)
    if initrd:
        argv = argv[:-2] + ["-initrd", initrd] + argv[-2:]
    try:
        return qemu.run(argv, 90)
    finally:
        for srv in servers:
            srv.close()


def done_case(outcome):
    """done_url= against our server: the JSON arrives after a success (ok) and after a failure
    (a wrong sha256=); a server that never answers (hang) delays the end by done_timeout= only."""
    def run(args):
        img = random_image(2 * MIB)
        srv = Server({"/img": img}, hang=outcome == "hang")
        sha = hashlib.sha256(img if outcome != "fail" else b"other").hexdigest()
        words = (f"url=http://10.0.2.2:{srv.port}/img sha256={sha} "
                 f"done_url=http://10.0.2.2:{srv.port}/done/52:54:00:12:34:56 done_timeout=3")
        res = one_disk_run(args, words, [srv])
        problems = []
        expect_exit(res, "hash" if outcome == "fail" else "ok", problems)
        if len(srv.posts) != 1:
            return res, problems + [f"{len(srv.posts)} POSTs arrived, want 1"]
        path, body, _, ctype = srv.posts[0]
        want = {"result": "error" if outcome == "fail" else "ok", "code": "hash" if outcome == "fail" else "ok",
                "bytes": len(img), "disk": "vda", "mac": "52:54:00:12:34:56", "ip": "10.0.2.15"}
        for k, v in want.items():
            if body.get(k) != v:
                problems.append(f"JSON {k}={body.get(k)!r}, want {v!r}: {body}")
        if outcome != "fail" and body.get("sha256") != hashlib.sha256(img).hexdigest():
            problems.append(f"JSON sha256={body.get('sha256')!r}")
        if outcome == "fail" and body.get("sha256") is not None:
            problems.append("JSON of a failure carries a sha256")
        if ctype != "application/json" or path != "/done/52:54:00:12:34:56":
            problems.append(f"POST to {path} as {ctype}")
        if outcome == "hang":
            if not re.search(r"report: done_url= did not take the result; going on", res.serial):
                problems.append("serial log lacks the give-up line")
            if res.seconds > 3 + 8:
                problems.append(f"QEMU ran {res.seconds:.1f} s: the hung server held it past done_timeout=3")
        elif not re.search(r"report: done_url= took the result", res.serial):
            problems.append("serial log lacks the report line")
        return res, problems
    return run


def log_json(args):
    """log=json: after the command line is read, every console line is one JSON object with
    level, t and msg; the result line is among them."""
    img = random_image(2 * MIB)
    srv = Server({"/img": img})
    res = one_disk_run(args, f"log=json url=http://10.0.2.2:{srv.port}/img sha256=00", [srv])
    problems = []
    if res.timed_out or res.rc != 3:
        problems.append(f"QEMU exit code {res.rc}, want 3 (usage: sha256=00)")
    lines = res.serial.splitlines()
    first = next((i for i, l in enumerate(lines) if l.startswith("cmdline: ")), None)
    objs = []
    for line in lines[first + 1 if first is not None else 0:]:
        try:
            o = json.loads(line)
            if set(o) != {"level", "t", "msg"} or not isinstance(o["t"], float):
                problems.append(f"not level/t/msg: {line!r}")
            objs.append(o)
        except ValueError:
            problems.append(f"not JSON: {line!r}")
    if not any(o["level"] == "error" and "sha256=00" in o["msg"] for o in objs):
        problems.append("no error object for sha256=00")
    if sum(o["msg"].startswith("result=error code=usage") for o in objs) != 1:
        problems.append("the result line is not one JSON object")
    return res, problems


MAC = "52:54:00:12:34:56"
PROGRESS_RATE = 512 * 1024      # bytes/s: a 3 MiB image takes 6 s


def progress_checks(img, posts, problems, want_min):
    """The progress objects: enough of them, each whole and about this machine, bytes rising."""
    prog = [b for path, b, _, _ in posts if path.startswith("/progress/")]
    if len(prog) < want_min:
        problems.append(f"{len(prog)} progress POSTs arrived, want at least {want_min}: {prog}")
        return prog
    for b in prog:
        # The first goes out as the download starts: before the server said how long it is.
        want = {"state": "downloading", "total": len(img) if b.get("bytes") else None, "disk": "vda", "mac": MAC, "ip": "10.0.2.15"}
        bad = {k: b.get(k) for k, v in want.items() if b.get(k) != v}
        if bad or not isinstance(b.get("bytes"), int) or not isinstance(b.get("seconds"), float) or \
                not 0 <= b.get("written", -1) <= b["bytes"] <= len(img):
            problems.append(f"progress JSON wrong ({bad}): {b}")
            return prog
    got = [b["bytes"] for b in prog]
    if got != sorted(got) or got[-1] <= got[0] or got[0] >= len(img):
        problems.append(f"progress bytes do not rise during the download: {got}")
    return prog


def progress_case(args):
    """progress_url= against our server, the image served at PROGRESS_RATE: a progress object
    arrives every second with rising bytes, and done_url= still gets the result after them."""
    img = random_image(3 * MIB)
    srv = Server({"/img": img}, rate=PROGRESS_RATE)
    base = f"http://10.0.2.2:{srv.port}"
    words = (f"url={base}/img sha256={hashlib.sha256(img).hexdigest()} progress_url={base}/progress/{MAC} "
             f"progress_every=1 done_url={base}/done/{MAC} done_timeout=5")
    res = one_disk_run(args, words, [srv])
    problems = []
    expect_exit(res, "ok", problems)
    prog = progress_checks(img, srv.posts, problems, 4)
    done = [i for i, (path, _, _, _) in enumerate(srv.posts) if path.startswith("/done/")]
    if len(done) != 1 or done[0] != len(srv.posts) - 1:
        problems.append(f"done_url= POST not the last one: {[p for p, _, _, _ in srv.posts]}")
    m = re.search(r"progress: (\d+) POSTs to progress_url= \((\d+) taken, (\d+) failed", res.serial)
    if not m or int(m.group(2)) != len(prog) or m.group(3) != "0":
        problems.append(f"serial log's progress count line does not match the {len(prog)} POSTs")
    if open(os.path.join(args.workdir, "disk.img"), "rb").read(len(img)) != img:
        problems.append("the disk does not hold the image")
    return res, problems


def progress_hang_case(args):
    """A progress server that accepts and never answers: the install takes as long as the
    rate-limited download takes (not the notifier's timeout or more) and ends ok; each request
    is dropped when the next report is due (progress_every=1: after 1 s, not the 10 s cap), so
    the reports keep going out, each one failing, and the console says so once."""
    img = random_image(3 * MIB)
    srv = Server({"/img": img}, rate=PROGRESS_RATE)
    silent = Server({}, hang=True)
    words = (f"url=http://10.0.2.2:{srv.port}/img sha256={hashlib.sha256(img).hexdigest()} "
             f"progress_url=http://10.0.2.2:{silent.port}/progress/{MAC} progress_every=1 "
             f"done_url=http://10.0.2.2:{srv.port}/done/{MAC}")
    res = one_disk_run(args, words, [srv, silent])
    problems = []
    expect_exit(res, "ok", problems)
    if len(silent.posts) < 3:
        problems.append(f"{len(silent.posts)} progress POSTs reached the silent server, want 3 or more "
                        "(each dropped after progress_every=, the next sent)")
    m = re.search(r"^result=ok .*seconds=(\d+\.\d+)", res.serial, re.M)
    budget = len(img) / PROGRESS_RATE + 2.5
    if not m or float(m.group(1)) > budget:
        problems.append(f"the install took {m.group(1) if m else '?'} s, more than {budget:.1f} s: the silent "
                        "progress server slowed it")
    warns = re.findall(r"http: notify: POST http://10\.0\.2\.2:\d+/progress/\S+: no answer before the notifier's "
                       r"timeout; the install goes on", res.serial)
    if len(warns) != 1:
        problems.append(f"{len(warns)} warning lines about the unanswered reports, want exactly 1")
    m = re.search(r"progress: (\d+) POSTs to progress_url= \((\d+) taken, (\d+) failed, (\d+) skipped", res.serial)
    if not m or int(m.group(3)) < 2 or m.group(2) != "0":
        problems.append("serial log does not count 2 or more reports dropped at their timeout")
    if len([p for p, _, _, _ in srv.posts if p.startswith("/done/")]) != 1:
        problems.append("done_url= did not get the result")
    return res, problems


def progress_refused_case(args):
    """A progress_url= nobody listens on (connection refused): every report fails at once, the
    console says so once (not once per report), the counts say how many, the install is ok."""
    img = random_image(2 * MIB)
    srv = Server({"/img": img}, rate=PROGRESS_RATE)
    closed = qemu_free_port()
    words = (f"url=http://10.0.2.2:{srv.port}/img sha256={hashlib.sha256(img).hexdigest()} "
             f"progress_url=http://10.0.2.2:{closed}/progress/{MAC} progress_every=1")
    res = one_disk_run(args, words, [srv])
    problems = []
    expect_exit(res, "ok", problems)
    warns = re.findall(r"http: notify: POST http://10\.0\.2\.2:\d+/progress/\S+: .*; the install goes on", res.serial)
    if len(warns) != 1:
        problems.append(f"{len(warns)} warning lines about the refused reports, want exactly 1")
    m = re.search(r"progress: (\d+) POSTs to progress_url= \((\d+) taken, (\d+) failed", res.serial)
    if not m or int(m.group(3)) < 3 or m.group(2) != "0":
        problems.append("serial log does not count 3 or more failed reports")
    return res, problems


def qemu_free_port():
    """A port on 127.0.0.1 that nothing listens on (bound, then closed: refused from then on)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def report_https_case(args):
    """done_url= and progress_url= over https (a test CA, given as ca=), while the image itself
    comes over https from the same server: two TLS connections at once, each checked."""
    from https_test import Pki
    pki = Pki(os.path.join(args.workdir, "pki"))
    img = random_image(2 * MIB)
    srv = Server({"/img": img}, rate=PROGRESS_RATE, tls=pki.leaf("report", "IP:10.0.2.2"))
    base = f"https://10.0.2.2:{srv.port}"
    words = (f"ca=ca.pem url={base}/img sha256={hashlib.sha256(img).hexdigest()} progress_url={base}/progress/{MAC} "
             f"progress_every=1 done_url={base}/done/{MAC} done_timeout=10")
    res = one_disk_run(args, words, [srv], memory="160M", initrd=pki.ca)
    problems = []
    expect_exit(res, "ok", problems)
    progress_checks(img, srv.posts, problems, 2)
    done = [b for path, b, _, _ in srv.posts if path == f"/done/{MAC}"]
    if len(done) != 1 or done[0].get("result") != "ok" or done[0].get("sha256") != hashlib.sha256(img).hexdigest():
        problems.append(f"done_url= over https: {done}")
    if not re.search(r"report: done_url= took the result", res.serial):
        problems.append("serial log lacks the report line")
    return res, problems


CASES = {
    "hint-size": hint_case("size:32M", "nvme0n1"),
    "hint-min-size": hint_case("min_size:33M", "sda"),
    "hint-max-size-serial": hint_case("max_size:30M,serial:SER-?", "vda"),
    "hint-serial-glob": hint_case("serial:*-A", "sda"),
    "hint-model": hint_case("model:*NVMe*", "nvme0n1"),
    "hint-smallest": hint_case("smallest", "vda"),
    "hint-largest": hint_case("largest", "sda"),
    "hint-ambiguous": hint_case("min_size:30M", None, "disk"),
    "gpt-fix": gpt_case(),
    "gpt-keep": gpt_case(keep=True, readback=False),
    "gpt-sector-4k": sector_case,
    "wipe-ends": wipe_case("ends"),
    "wipe-all": wipe_case("all"),
    "wipe-none": wipe_case("none"),
    "done-ok": done_case("ok"),
    "done-fail": done_case("fail"),
    "done-hang": done_case("hang"),
    "log-json": log_json,
    "progress": progress_case,
    "progress-hang": progress_hang_case,
    "progress-refused": progress_refused_case,
    "report-https": report_https_case,
}


def main():
    args = qemu.case_args(CASES, __doc__)
    for tool in ("sgdisk", "wipefs"):
        if not shutil.which(tool):
            print(f"SKIP: {tool} is not installed (Debian gdisk, util-linux)")
            return SKIP
    res, problems = CASES[args.case](args)
    code = qemu.report(args.case, res, problems, args.workdir)
    if code == 0:
        for f in os.listdir(args.workdir):
            if f.endswith(".img"):
                os.remove(os.path.join(args.workdir, f))
    return code


if __name__ == "__main__":
    sys.exit(main())
