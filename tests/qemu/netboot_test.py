#!/usr/bin/env python3
"""netplant's network boot tests over QEMU user networking's own TFTP server: PXE BIOS (GRUB's
core.0), PXE UEFI (GRUB's core.efi), iPXE BIOS loading the kernel directly, and iPXE UEFI
chaining core.efi. Each boots from a tree made by tools/mknetboot, installs a small image from
a server of ours on 127.0.0.1, and the disk file is checked on the host. The config case names
only config=.../${mac}.cfg on the command line; the file, found by the NIC's MAC, names the image.

    netboot_test.py --list
    netboot_test.py --case NAME --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
import hashlib
import os
import random
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
from fault_server import FaultServer  # noqa: E402

MIB = 1 << 20
IMAGE = 3 * MIB + 4321      # not block-aligned: the padding is checked too
DISK = 16 * MIB

MAC = "52:54:00:12:34:56"    # QEMU's default for the first NIC
CASES = {
    # name: (machine, UEFI, TFTP boot file, what must say it booted netplant, by config file)
    "pxe-bios": ("pc", False, "boot/grub/i386-pc/core.0", r"booted via Multiboot2 from \"GRUB", False),
    "pxe-uefi": ("q35", True, "boot/grub/x86_64-efi/core.efi", r"using the DHCP ACK the boot loader", False),
    "ipxe-bios": ("pc", False, "netplant.ipxe", r"booted via Multiboot1 from \"iPXE", False),
    "ipxe-uefi": ("q35", True, "netplant.ipxe", r"booted via Multiboot2 from \"GRUB", False),
    "pxe-bios-config": ("pc", False, "boot/grub/i386-pc/core.0", rf"config: fetching http://\S+/{MAC}\.cfg", True),
}


def check_disk(path, image):
    with open(path, "rb") as f:
        disk = f.read()
    end = (len(image) + 511) // 512 * 512
    if disk[:len(image)] != image:
        return "the disk does not hold the image"
    if disk[len(image):end] != bytes(end - len(image)):
        return "the last block is not zero-padded"
    if disk[end:] != bytes(len(disk) - end):
        return "bytes past the image's last block were written"
    return None


def main():
    args = qemu.case_args(CASES, __doc__)
    machine, uefi, bootfile, booted, by_config = CASES[args.case]
    image = random.Random(7).randbytes(IMAGE)
    srv = FaultServer(image).start()
    job = (f"url=http://10.0.2.2:{srv.port}{srv.path} "
           f"sha256={hashlib.sha256(image).hexdigest()} then=poweroff")
    cfg = FaultServer(f"# by MAC\n{job}\n".encode(), path=f"/config/{MAC}.cfg").start() if by_config else None
    try:
        tree = os.path.join(args.workdir, "tftp")
        cmdline = ("qemu_exit=on " +
                   (f"config=http://10.0.2.2:{cfg.port}/config/${{mac}}.cfg" if cfg else job))
        subprocess.run([os.path.join(args.source_dir, "tools", "mknetboot"), "--kernel",
                        os.path.join(args.kernel_dir, "netplant.elf"), "--out", tree, "--cmdline", cmdline],
                       check=True, stdout=subprocess.DEVNULL)
        disk = os.path.join(args.workdir, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(DISK)
        argv = qemu.base_args(machine, "256M") + (qemu.uefi_args(args.workdir) if uefi else []) + [
            "-netdev", f"user,id=n0,tftp={tree},bootfile={bootfile}",
            "-device", "virtio-net-pci,netdev=n0", "-boot", "n",
            "-drive", f"if=none,id=d0,format=raw,file={disk}", "-device", "virtio-blk-pci,drive=d0"]
        res = qemu.run(argv, 150)
    finally:
        srv.close()
        if cfg:
            cfg.close()
    problems = []
    if res.timed_out or res.rc != 1:
        problems.append(f"QEMU exit code {res.rc} (timed out: {res.timed_out}), want 1 (ok)")
    for pat in (booted, r"result=ok code=ok"):
        if not re.search(pat, res.serial):
            problems.append(f"serial log lacks /{pat}/")
    lease = re.search(r"net: eth0 up: .* (\d+) ms after kernel entry", res.serial)
    why = check_disk(disk, image)
    if why:
        problems.append(why)
    extra = f", lease {lease.group(1)} ms after kernel entry" if lease else ""
    return qemu.report(args.case, res, problems, args.workdir, extra)


if __name__ == "__main__":
    sys.exit(main())
