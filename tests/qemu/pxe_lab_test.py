#!/usr/bin/env python3
"""A real PXE network in a network namespace the test creates (and always removes): a bridge,
dnsmasq serving DHCP and TFTP from a tools/mknetboot tree, an HTTP server for images and
per-MAC config files, and two VMs booting at once on tap devices, one BIOS and one UEFI. Each
finds its own config by MAC and installs a different image; both disks are checked on the host.
Nothing leaves the namespace. Skips loudly without root, namespaces, /dev/net/tun or dnsmasq.

disk-after-done is issue 14's provisioning loop: two BIOS machines PXE-boot, install with
done_url=, and reboot; the lab's report server (report_server.py) moves each reporting MAC to
"boot from disk" (a dhcp-hostsdir line that tags it, so dnsmasq offers it no boot file), and the
next PXE boot of each machine falls through to its disk, whose image announces itself.

    pxe_lab_test.py --list
    pxe_lab_test.py --case two-machines --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

SKIP = 77
MIB = 1 << 20
SERVER = "192.0.2.1"        # TEST-NET-1, only ever inside the namespace
HTTP_PORT = 8080
MACHINES = [    # name, machine, UEFI, MAC, image size
    ("bios", "pc", False, "52:54:00:00:00:01", 3 * MIB + 100),
    ("uefi", "q35", True, "52:54:00:00:00:02", 2 * MIB + 7000),
]


def sh(*argv, ns=None, check=True):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + list(argv)
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


def missing():
    if os.geteuid() != 0:
        return "needs root for network namespaces and tap devices"
    for tool in ("ip", "dnsmasq"):
        if not shutil.which(tool):
            return f"{tool} is not installed"
    if not os.path.exists("/dev/net/tun"):
        return "/dev/net/tun is missing"
    return None


def lab_up(ns):
    """Namespace, bridge with the server's address, one tap per machine."""
    sh("ip", "netns", "add", ns)
    sh("ip", "link", "set", "lo", "up", ns=ns)
    sh("ip", "link", "add", "br0", "type", "bridge", ns=ns)
    sh("ip", "addr", "add", f"{SERVER}/24", "dev", "br0", ns=ns)
    sh("ip", "link", "set", "br0", "up", ns=ns)
    for i in range(len(MACHINES)):
        sh("ip", "tuntap", "add", "dev", f"tap{i}", "mode", "tap", ns=ns)
        sh("ip", "link", "set", f"tap{i}", "master", "br0", ns=ns)
        sh("ip", "link", "set", f"tap{i}", "up", ns=ns)


def dnsmasq_conf(work, tree, boot):
    """dnsmasq's configuration for the lab: DHCP and TFTP from tree, then boot, the lines that say
    who gets which boot file. Paths in double quotes: dnsmasq's file syntax then keeps blanks,
    ',' and '#' in them."""
    path = os.path.join(work, "dnsmasq.conf")
    with open(path, "w") as f:
        f.write(f"""port=0
interface=br0
bind-interfaces
no-ping
dhcp-range=192.0.2.100,192.0.2.150,1h
dhcp-leasefile="{work}/leases"
enable-tftp
tftp-root="{tree}"
{boot}log-dhcp
""")
    return path


# Every machine gets the installer, BIOS or UEFI by its client architecture (option 93).
PXE_BOOT = """dhcp-match=set:efi,option:client-arch,7
dhcp-match=set:efi,option:client-arch,9
dhcp-boot=tag:!efi,boot/grub/i386-pc/core.0
dhcp-boot=tag:efi,boot/grub/x86_64-efi/core.efi
"""


def prepare(args, work):
    """The boot tree, the images and the per-MAC configs; returns the images."""
    tree, www = os.path.join(work, "tftp"), os.path.join(work, "www")
    os.makedirs(os.path.join(www, "config"), exist_ok=True)
    subprocess.run([os.path.join(args.source_dir, "tools", "mknetboot"), "--kernel",
                    os.path.join(args.kernel_dir, "netplant.elf"), "--out", tree, "--cmdline",
                    f"qemu_exit=on config=http://{SERVER}:{HTTP_PORT}/config/${{mac}}.cfg"],
                   check=True, stdout=subprocess.DEVNULL)
    images = {}
    for i, (name, _, _, mac, size) in enumerate(MACHINES):
        img = random.Random(100 + i).randbytes(size)
        images[name] = img
        with open(os.path.join(www, f"{name}.img"), "wb") as f:
            f.write(img)
        with open(os.path.join(www, "config", f"{mac}.cfg"), "w") as f:
            f.write(f"# {name}\nurl=http://{SERVER}:{HTTP_PORT}/{name}.img\n"
                    f"sha256={hashlib.sha256(img).hexdigest()} then=poweroff\n")
    return tree, www, images


def vm_argv(work, i, name, machine, uefi, mac):
    disk = os.path.join(work, f"{name}.disk")
    with open(disk, "wb") as f:
        f.truncate(16 * MIB)
    vdir = os.path.join(work, name)
    os.makedirs(vdir, exist_ok=True)
    argv = [a if a != "stdio" else f"file:{vdir}/serial.log" for a in qemu.base_args(machine, "256M")]
    return argv + (qemu.uefi_args(vdir) if uefi else []) + [
        "-netdev", f"tap,id=n0,ifname=tap{i},script=no,downscript=no",
        "-device", f"virtio-net-pci,netdev=n0,mac={mac}", "-boot", "n",
        "-drive", f"if=none,id=d0,format=raw,file={disk}", "-device", "virtio-blk-pci,drive=d0"]


def run_lab(args, ns, work):
    tree, www, images = prepare(args, work)
    lab_up(ns)
    procs = [subprocess.Popen(["ip", "netns", "exec", ns, "dnsmasq", "--no-daemon", "-C", dnsmasq_conf(work, tree, PXE_BOOT)],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "dnsmasq.log"), "w")),
             subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-m", "http.server", "--bind", SERVER,
                               str(HTTP_PORT), "--directory", www],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "http.log"), "w"))]
    time.sleep(0.5)
    start = time.monotonic()
    vms = {name: subprocess.Popen(["ip", "netns", "exec", ns] + vm_argv(work, i, name, machine, uefi, mac),
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
           for i, (name, machine, uefi, mac, _) in enumerate(MACHINES)}
    return procs, vms, images, start


def collect(work, name, p, seconds):
    """Waits up to seconds (at least 1) for machine name's QEMU p, killing it past that; returns
    (its serial log with plain line ends, whether it had to be killed)."""
    killed = False
    try:
        p.communicate(timeout=max(1, seconds))
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        killed = True
    return open(os.path.join(work, name, "serial.log"), errors="replace").read().replace("\r\n", "\n"), killed


def judge(work, vms, images, start):
    problems, serial, rc = [], "", 0
    for name, p in vms.items():
        log, killed = collect(work, name, p, 240 - (time.monotonic() - start))
        if killed:
            problems.append(f"{name}: QEMU did not exit in time")
        serial += f"==== {name} ====\n{log}"
        if p.returncode != 1:
            problems.append(f"{name}: QEMU exit code {p.returncode}, want 1 (ok)")
            rc = p.returncode or 1
        mac = next(m for n, _, _, m, _ in MACHINES if n == name)
        for pat in (rf"config: fetching http://{SERVER}:{HTTP_PORT}/config/{mac}\.cfg",
                    rf"url=http://{SERVER}:{HTTP_PORT}/{name}\.img", r"result=ok code=ok"):
            if not re.search(pat, log):
                problems.append(f"{name}: serial log lacks /{pat}/")
        with open(os.path.join(work, f"{name}.disk"), "rb") as f:
            disk = f.read()
        img = images[name]
        end = (len(img) + 511) // 512 * 512
        if disk[:len(img)] != img or disk[len(img):] != bytes(len(disk) - len(img)):
            problems.append(f"{name}: the disk does not hold exactly its own image (padded to {end})")
    return qemu.Result(1 if not problems else rc, serial, time.monotonic() - start, False, ["pxe lab"]), problems


def two_machines(args):
    why = missing()
    if why:
        return None, [f"SKIP: pxe lab: {why}"]
    ns = f"np-pxe-{os.getpid()}"
    procs, vms = [], {}
    try:
        procs, vms, images, start = run_lab(args, ns, args.workdir)
        return judge(args.workdir, vms, images, start)
    finally:
        for p in list(vms.values()) + procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        sh("ip", "netns", "del", ns, check=False)     # takes the bridge and taps with it


LOOP_MACHINES = [("m1", "52:54:00:00:00:11", 1), ("m2", "52:54:00:00:00:12", 2)]   # name, MAC, image seed
BOOT_MARK = "demo image: booted from the disk netplant installed"
LOOP_RATE = 512 << 10   # bytes/s the images are served at: a 2 MiB install takes 4 s, time for progress reports


def loop_boot(hosts):
    """The README's pattern: machines dnsmasq has tagged installed (a line per MAC in hosts,
    written by the report server) get no boot file, everyone else the installer."""
    return f"""enable-ra
dhcp-range=::,constructor:br0,ra-only
dhcp-hostsdir="{hosts}"
dhcp-boot=tag:!installed,boot/grub/i386-pc/core.0
"""


def loop_prepare(args, work):
    """The boot tree (no qemu_exit: the machines reboot for real), one image per machine from
    tools/mkimage, and per-MAC configs with progress_url=, done_url= and then=reboot."""
    tree, www, hosts = (os.path.join(work, d) for d in ("tftp", "www", "hosts"))
    shutil.rmtree(hosts, ignore_errors=True)    # an earlier run's machines are not installed in this one
    for d in (os.path.join(www, "config"), hosts):
        os.makedirs(d, exist_ok=True)
    subprocess.run([os.path.join(args.source_dir, "tools", "mknetboot"), "--kernel",
                    os.path.join(args.kernel_dir, "netplant.elf"), "--out", tree, "--cmdline",
                    f"config=http://{SERVER}:{HTTP_PORT}/config/${{mac}}.cfg"], check=True, stdout=subprocess.DEVNULL)
    images = {}
    for name, mac, seed in LOOP_MACHINES:
        path = os.path.join(www, f"{name}.img")
        subprocess.run([os.path.join(args.source_dir, "tools", "mkimage"), path, "--mib", "2", "--seed", str(seed)],
                       check=True)
        images[name] = open(path, "rb").read()
        with open(os.path.join(www, "config", f"{mac}.cfg"), "w") as f:
            f.write(f"url=http://{SERVER}:{HTTP_PORT}/{name}.img sha256={hashlib.sha256(images[name]).hexdigest()}\n"
                    f"progress_url=http://{SERVER}:{HTTP_PORT}/progress/{mac} progress_every=1\n"
                    f"done_url=http://{SERVER}:{HTTP_PORT}/done/{mac} done_timeout=10 then=reboot\n")
    return tree, www, hosts, images


def loop_vm_argv(work, i, name, mac):
    """A BIOS machine that boots the network first and its disk second, and may reboot."""
    disk = os.path.join(work, f"{name}.disk")
    with open(disk, "wb") as f:
        f.truncate(8 * MIB)
    vdir = os.path.join(work, name)
    os.makedirs(vdir, exist_ok=True)
    argv = [a if a != "stdio" else f"file:{vdir}/serial.log" for a in qemu.base_args("pc", "256M") if a != "-no-reboot"]
    return argv + ["-netdev", f"tap,id=n0,ifname=tap{i},script=no,downscript=no",
                   "-device", f"virtio-net-pci,netdev=n0,mac={mac},bootindex=1",
                   "-drive", f"if=none,id=d0,format=raw,file={disk}", "-device", "virtio-blk-pci,drive=d0,bootindex=2"]


def loop_judge(work, vms, images, posts_file, start, budget):
    problems, serial = [], ""
    for name, p in vms.items():
        log, killed = collect(work, name, p, budget - (time.monotonic() - start))
        if killed:
            problems.append(f"{name}: QEMU did not exit within {budget} s")
        serial += f"==== {name} ====\n{log}"
        if p.returncode != 0:
            problems.append(f"{name}: QEMU exit code {p.returncode}, want 0 (the installed image's poweroff)")
        installs = len(re.findall(r"^result=ok code=ok", log, re.M))
        if installs != 1:
            problems.append(f"{name}: {installs} installs in the serial log, want exactly 1")
        at_done = log.find("report: done_url= took the result")
        at_mark = log.find(BOOT_MARK)
        if at_done < 0 or at_mark < at_done:
            problems.append(f"{name}: the log lacks the report, then the disk's boot marker after it")
        with open(os.path.join(work, f"{name}.disk"), "rb") as f:
            if f.read(len(images[name])) != images[name]:
                problems.append(f"{name}: the disk does not hold its own image")
    posts = []
    if os.path.exists(posts_file):
        with open(posts_file) as f:
            posts = [json.loads(line) for line in f if line.strip()]
    for name, mac, _ in LOOP_MACHINES:
        mine = [q for q in posts if q["path"] == f"/done/{mac}"]
        if len(mine) != 1 or mine[0]["body"].get("mac") != mac or mine[0]["body"].get("result") != "ok":
            problems.append(f"{name}: the report server got {mine}, want one ok report from {mac}")
        prog = [q["body"] for q in posts if q["path"] == f"/progress/{mac}"]
        if len(prog) < 2 or any(b.get("mac") != mac for b in prog):
            problems.append(f"{name}: {len(prog)} progress reports from config='s progress_url=, want 2 or more")
    rc = 0 if not problems else 1
    return qemu.Result(rc, serial, time.monotonic() - start, False, ["pxe lab loop"]), problems


def disk_after_done(args):
    why = missing()
    if why:
        return None, [f"SKIP: pxe lab: {why}"]
    from netlab import NetLab
    work = args.workdir
    tree, www, hosts, images = loop_prepare(args, work)
    posts = os.path.join(work, "posts.jsonl")
    if os.path.exists(posts):
        os.remove(posts)
    with NetLab("loop", work, taps=len(LOOP_MACHINES)) as lab:
        lab.spawn(["dnsmasq", "--no-daemon", "-C", dnsmasq_conf(work, tree, loop_boot(hosts))], "dnsmasq.log")
        srv = lab.spawn([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "report_server.py"),
                         "--bind", SERVER, "--port", str(HTTP_PORT), "--root", www, "--posts", posts,
                         "--hostsdir", hosts, "--rate", str(LOOP_RATE)], "report_server.err")
        if srv.stdout.readline().strip() != "report_server: ready":
            raise RuntimeError(f"report_server.py did not start: see {work}/report_server.err")
        start = time.monotonic()
        vms = {name: lab.spawn(loop_vm_argv(work, i, name, mac), f"{name}.qemu.log")
               for i, (name, mac, _) in enumerate(LOOP_MACHINES)}
        return loop_judge(work, vms, images, posts, start, 150)


CASES = {"two-machines": two_machines, "disk-after-done": disk_after_done}


def main():
    args = qemu.case_args(CASES, __doc__)
    res, problems = CASES[args.case](args)
    return qemu.finish(args, res, problems, skip=SKIP, clean=False)


if __name__ == "__main__":
    sys.exit(main())
