#!/usr/bin/env python3
"""A real PXE network in a network namespace the test creates (and always removes): a bridge,
dnsmasq serving DHCP and TFTP from a tools/mknetboot tree, an HTTP server for images and
per-MAC config files, and two VMs booting at once on tap devices, one BIOS and one UEFI. Each
finds its own config by MAC and installs a different image; both disks are checked on the host.
Nothing leaves the namespace. Skips loudly without root, namespaces, /dev/net/tun or dnsmasq.

    pxe_lab_test.py --list
    pxe_lab_test.py --case two-machines --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
import hashlib
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


def dnsmasq_conf(work, tree):
    """Paths in double quotes: dnsmasq's file syntax then keeps blanks, ',' and '#' in them."""
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
dhcp-match=set:efi,option:client-arch,7
dhcp-match=set:efi,option:client-arch,9
dhcp-boot=tag:!efi,boot/grub/i386-pc/core.0
dhcp-boot=tag:efi,boot/grub/x86_64-efi/core.efi
log-dhcp
""")
    return path


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
    procs = [subprocess.Popen(["ip", "netns", "exec", ns, "dnsmasq", "--no-daemon", "-C", dnsmasq_conf(work, tree)],
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


def judge(work, vms, images, start):
    problems, serial, rc = [], "", 0
    for name, p in vms.items():
        try:
            p.communicate(timeout=max(1, 240 - (time.monotonic() - start)))
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            problems.append(f"{name}: QEMU did not exit in time")
        log = open(os.path.join(work, name, "serial.log"), errors="replace").read().replace("\r\n", "\n")
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


CASES = {"two-machines": two_machines}


def main():
    args = qemu.case_args(CASES, __doc__)
    res, problems = CASES[args.case](args)
    if res is None:
        print(problems[0])
        return SKIP
    return qemu.report(args.case, res, problems, args.workdir)


if __name__ == "__main__":
    sys.exit(main())
