#!/usr/bin/env python3
"""netplant's QEMU disk tests: boot with virtio-blk, NVMe or AHCI disks filled with a canary,
run the disk self-test (disktest=OFFSET+LENGTH), then check every byte of every disk file on
the host: the pattern inside the range, the canary untouched everywhere else. Fault cases
(a read-only drive, a blkdebug write error) must end with the disk error and nothing written
outside the range.

    disk_test.py --list
    disk_test.py --case NAME --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
import array
import os
import random
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

MIB = 1 << 20
KEY = 0x746E616C7074656E    # "netplant", as install/disktest.h
DISK_SIZE = 32 * MIB
EXIT = {"ok": 0, "usage": 1, "disk": 6, "verify": 7}

Q35 = dict(machine="q35", kernel="netplant.elf")
PC = dict(machine="pc", kernel="netplant.elf")
MICROVM = dict(machine="microvm,acpi=off", kernel="netplant-pvh.elf")
Q35_UEFI = dict(machine="q35", kernel="netplant.elf", uefi=True)
MODERN = "virtio-blk-pci,disable-legacy=on"
NVME = "nvme"
AHCI = "ide-hd,bus=ide.0"       # q35's built-in AHCI controller, port 0
BLK4K = "logical_block_size=4096,physical_block_size=4096"
FAULT_SECTOR = 4 * MIB // 512   # inside RANGE: some writes land before the error
# Root buses that no bridge leads to, only ACPI describes (libvirt's NUMA placement).
PXB_PCIE = ("-device", "pxb-pcie,id=pxb1,bus_nr=32", "-device", "pcie-root-port,id=rp1,bus=pxb1,chassis=1")
PXB_PC = ("-device", "pxb,id=pxb1,bus_nr=32")
# Storage controllers netplant has no driver for, with no disk behind them.
LSI_SCSI = ("-device", "lsi53c895a,addr=4")
MEGASAS = ("-device", "megasas-gen2,addr=5")


def disk(device, serial=None, written=True, extra="", drive_extra="", blkdebug=None):
    """written: True (the pattern), False (untouched) or "partial" (a write failed midway: each
    block inside the range is pattern or canary). blkdebug: the sector a write error hits."""
    return dict(device=device, serial=serial, written=written, extra=extra, drive_extra=drive_extra,
                blkdebug=blkdebug)


def case(vm, disks, cmdline, status="ok", expect=(), qemu_extra=()):
    return dict(vm=vm, disks=disks, cmdline=cmdline, status=status, expect=expect,
                qemu_extra=list(qemu_extra))


RANGE = "1M+8M"
CASES = {
    "modern-q35": case(Q35, [disk(MODERN, serial="np-modern")], RANGE,
                       expect=(r"via pci-modern", r'serial "np-modern"', r"via ECAM")),
    "legacy-pc": case(PC, [disk("virtio-blk-pci,disable-modern=on")], RANGE,
                      expect=(r"via pci-legacy", r"via ports CF8/CFC")),
    "mmio-v1-microvm": case(MICROVM, [disk("virtio-blk-device")], RANGE,
                            expect=(r"via mmio-v1",)),
    "mmio-v2-microvm": case(MICROVM, [disk("virtio-blk-device")], RANGE, expect=(r"via mmio-v2",),
                            qemu_extra=("-global", "virtio-mmio.force-legacy=false")),
    "blk4k-q35": case(Q35, [disk(MODERN, extra="logical_block_size=4096,physical_block_size=4096")],
                      "4K+8M", expect=(r"4096-byte blocks",)),
    "queue4-q35": case(Q35, [disk(MODERN, extra="queue-size=4")], RANGE,
                       expect=(r"1 in flight",)),
    "tail-q35": case(Q35, [disk(MODERN)], "24M+8M"),
    # Refusals: each must leave every disk exactly as it was.
    "readonly-q35": case(Q35, [disk(MODERN, written=False, drive_extra="readonly=on")], RANGE,
                         status="disk", expect=(r"error: disk vda is read-only",)),
    "past-end-q35": case(Q35, [disk(MODERN, written=False)], "24M+9M", status="usage",
                         expect=(r"does not fit disk vda",)),
    "unaligned-4k": case(Q35, [disk(MODERN, written=False,
                                    extra="logical_block_size=4096,physical_block_size=4096")],
                         "512+8M", status="usage", expect=(r"does not fit disk vda",)),
    "two-disks-no-choice": case(Q35, [disk(MODERN, serial="np-a", written=False),
                                      disk(MODERN, serial="np-b", written=False)], RANGE,
                                status="disk", expect=(r"2 disks found; say which one",)),
    "two-disks-by-serial": case(Q35, [disk(MODERN, serial="np-a", written=False),
                                      disk(MODERN, serial="np-b")], RANGE + " disk=serial:np-b"),
    "two-disks-by-pci": case(PC, [disk("virtio-blk-pci,disable-modern=on,addr=0x5", written=False),
                                  disk("virtio-blk-pci,disable-modern=on,addr=0x6")],
                             RANGE + " disk=00:06.0"),
    "virtio-write-error": case(Q35, [disk(MODERN, serial="np-err", written="partial", blkdebug=FAULT_SECTOR)],
                               RANGE, status="disk", expect=(r"error: disk vda: write failed",)),
    # NVMe: 512-byte and 4K LBA formats, refusals and faults, beside a virtio disk.
    "nvme-q35": case(Q35, [disk(NVME, serial="np-nvme")], RANGE,
                     expect=(r'disk nvme0n1: pci \S+ via nvme, 33554432 bytes .*512-byte blocks, '
                             r'model "QEMU NVMe Ctrl", serial "np-nvme"',)),
    "nvme-4k-q35": case(Q35, [disk(NVME, serial="np-nvme4k", extra=BLK4K)], "4K+8M",
                        expect=(r"disk nvme0n1: .*4096-byte blocks",)),
    "nvme-tail-q35": case(Q35, [disk(NVME, serial="np-nvme")], "24M+8M"),
    "nvme-unaligned-4k": case(Q35, [disk(NVME, serial="np-nvme", written=False, extra=BLK4K)],
                              "512+8M", status="usage", expect=(r"does not fit disk nvme0n1",)),
    "nvme-readonly": case(Q35, [disk(NVME, serial="np-ro", written=False, drive_extra="readonly=on")],
                          RANGE, status="disk", expect=(r"error: disk nvme0n1: write failed",)),
    "nvme-write-error": case(Q35, [disk(NVME, serial="np-err", written="partial", blkdebug=FAULT_SECTOR)],
                             RANGE, status="disk", expect=(r"error: disk nvme0n1: write failed",)),
    "virtio-nvme-no-choice": case(Q35, [disk(MODERN, serial="np-v", written=False),
                                        disk(NVME, serial="np-n", written=False)], RANGE,
                                  status="disk", expect=(r"2 disks found; say which one",)),
    # AHCI on q35's built-in controller (00:1f.2): NCQ, a CD beside the disk, a write error.
    "ahci-q35": case(Q35, [disk(AHCI, serial="np-sata")], RANGE,
                     expect=(r'disk sda: pci 0000:00:1f\.2 via ahci, 33554432 bytes .*model "QEMU HARDDISK", '
                             r'serial "np-sata"', r"ahci: .* port 0: disk sda, NCQ")),
    "ahci-tail-cd-q35": case(Q35, [disk(AHCI, serial="np-sata")], "24M+8M",
                             expect=(r"ahci: .* port 2: ATAPI device \(a CD/DVD drive\): skipped",),
                             qemu_extra=("-drive", "if=none,id=cd,media=cdrom", "-device", "ide-cd,bus=ide.2,drive=cd")),
    "ahci-write-error": case(Q35, [disk(AHCI, serial="np-err", written="partial", blkdebug=FAULT_SECTOR)],
                             RANGE, status="disk", expect=(r"error: disk sda: write failed",)),
    "nvme-ahci-by-serial": case(Q35, [disk(AHCI, serial="np-s", written=False),
                                      disk(NVME, serial="np-n")], RANGE + " disk=serial:np-n"),
    "virtio-nvme-by-name": case(Q35, [disk(MODERN, serial="np-v", written=False),
                                      disk(NVME, serial="np-n")], RANGE + " disk=nvme0n1"),
    # Only disks netplant has no driver for: named, not "none found"; nothing written.
    "scsi-only": case(Q35, [], RANGE, status="disk", qemu_extra=LSI_SCSI,
                      expect=(r"disk: 0000:00:04\.0 is an LSI 53C895A SCSI controller, which netplant does not drive",
                              r"error: no disk found: 0000:00:04\.0 is an LSI 53C895A SCSI controller, which "
                              r"netplant does not drive")),
    "scsi-two-only": case(Q35, [], RANGE, status="disk", qemu_extra=LSI_SCSI + MEGASAS,
                          expect=(r"error: no disk found that netplant can drive; 2 storage devices are not driven: "
                                  r"0000:00:04\.0 \(an LSI 53C895A SCSI controller\), 0000:00:05\.0 \(a RAID "
                                  r"controller\)",)),     # megasas-gen2: named by its class
    "disk-names-scsi": case(Q35, [disk(MODERN, written=False)], RANGE + " disk=00:04.0", status="disk",
                            qemu_extra=LSI_SCSI,
                            expect=(r"error: disk=00:04\.0: 0000:00:04\.0 is an LSI 53C895A SCSI controller, which "
                                    r"netplant does not drive",)),
    # iommu_platform=on (libvirt's <driver iommu='on'/>): the device requires ACCESS_PLATFORM.
    "iommu-platform-q35": case(Q35, [disk(MODERN + ",iommu_platform=on")], RANGE, expect=(r"via pci-modern",)),
    "iommu-platform-vtd": case(Q35, [disk(MODERN + ",iommu_platform=on")], RANGE, expect=(r"via pci-modern",),
                               qemu_extra=("-device", "intel-iommu")),    # a vIOMMU nobody turns on
    "iommu-platform-mmio2": case(MICROVM, [disk("virtio-blk-device,iommu_platform=on")], RANGE,
                                 expect=(r"via mmio-v2",), qemu_extra=("-global", "virtio-mmio.force-legacy=false")),
    # A second root bus, as SeaBIOS (and, on UEFI, OVMF) numbers it: through ECAM and CF8.
    "pxb-pcie-q35": case(Q35, [disk(MODERN + ",bus=rp1")], RANGE, qemu_extra=PXB_PCIE,
                         expect=(r"disk vda: pci 0000:21:00\.0 via pci-modern", r"on 2 root buses via ECAM")),
    "pxb-pcie-q35-uefi": case(Q35_UEFI, [disk(MODERN + ",bus=rp1")], RANGE, qemu_extra=PXB_PCIE,
                              expect=(r"disk vda: pci 0000:21:00\.0 via pci-modern", r"on 2 root buses via ECAM")),
    "pxb-pc": case(PC, [disk("virtio-blk-pci,disable-modern=on,bus=pxb1,addr=3")], RANGE, qemu_extra=PXB_PC,
                   expect=(r"disk vda: pci 0000:21:03\.0 via pci-legacy", r"on 2 root buses via ports CF8/CFC")),
}


def canary(seed):
    return random.Random(seed).randbytes(DISK_SIZE)


def pattern(offset, length):
    words = array.array("Q", range(offset, offset + length, 8))
    for i in range(len(words)):
        words[i] ^= KEY
    return words.tobytes()   # little-endian on x86 hosts, as on the guest


def parse_range(spec):
    def num(s):
        mult = {"K": 1 << 10, "M": MIB, "G": 1 << 30}.get(s[-1], 1)
        return int(s[:-1] if mult > 1 else s, 0) * mult
    off, length = spec.split()[0].split("+")
    return num(off), num(length)


def qemu_argv(args, c, images):
    vm = c["vm"]
    argv = qemu.base_args(vm["machine"], "256M" if vm.get("uefi") else "128M") + c["qemu_extra"]
    for i, (d, path) in enumerate(zip(c["disks"], images)):
        drive = f"if=none,id=d{i},format=raw,file={path}"
        if d["blkdebug"] is not None:
            # blkdebug sits below the raw format node (FACTS.md); werror=report hands the
            # error to the guest instead of pausing the VM.
            cfg = os.path.join(os.path.dirname(path), f"blkdebug{i}.conf")
            with open(cfg, "w") as f:
                f.write(f'[inject-error]\nevent = "write_aio"\niotype = "write"\nerrno = "5"\n'
                        f'sector = "{d["blkdebug"]}"\n')
            drive = (f"if=none,id=d{i},format=raw,file.driver=blkdebug,file.config={cfg},"
                     f"file.image.filename={path},werror=report,rerror=report")
        argv += ["-drive", drive + ("," + d["drive_extra"] if d["drive_extra"] else "")]
        dev = f"{d['device']},drive=d{i}"
        dev += f",serial={d['serial']}" if d["serial"] else ""
        dev += f",{d['extra']}" if d["extra"] else ""
        argv += ["-device", dev]
    cmdline = f"qemu_exit=on disktest={c['cmdline']}"
    if vm.get("uefi"):  # OVMF loads no Multiboot kernel: GRUB from an ISO does
        iso = os.path.join(args.workdir, "netplant.iso")
        subprocess.run([os.path.join(args.source_dir, "tools", "mkiso"), "--kernel",
                        os.path.join(args.kernel_dir, vm["kernel"]), "--out", iso, "--timeout", "0",
                        "--cmdline", cmdline], check=True, stdout=subprocess.DEVNULL)
        return argv + qemu.uefi_args(args.workdir) + ["-cdrom", iso]
    return argv + ["-kernel", os.path.join(args.kernel_dir, vm["kernel"]), "-append", cmdline]


def check_partial(data, want, rng):
    """Outside the range: the canary. Inside: each 512-byte block the pattern or the canary."""
    off, length = rng
    if data[:off] != want[:off] or data[off + length:] != want[off + length:]:
        return "bytes outside the test range changed"
    pat = pattern(off, length)
    for b in range(0, length, 512):
        got = data[off + b:off + b + 512]
        if got != pat[b:b + 512] and got != want[off + b:off + b + 512]:
            return f"block at byte {off + b} is neither the pattern nor the canary"
    return None


def check_disk(path, seed, written, rng):
    """Returns what is wrong with one disk file, or None."""
    data = open(path, "rb").read()
    want = bytearray(canary(seed))
    if written == "partial":
        why = check_partial(data, want, rng)
        return f"{path}: {why}" if why else None
    if written:
        off, length = rng
        want[off:off + length] = pattern(off, length)
    if len(data) != len(want):
        return f"{path}: size {len(data)}, want {len(want)}"
    if data == want:
        return None
    first = next(i for i in range(len(data)) if data[i] != want[i])
    return f"{path}: first differing byte at {first} ({'inside' if written and rng[0] <= first < sum(rng) else 'outside'} the test range)"


def check(c, res, images):
    """Returns a list of what is wrong with the run and the disk files."""
    problems = []
    want_rc = 2 * EXIT[c["status"]] + 1
    if res.timed_out or res.rc != want_rc:
        problems.append(f"QEMU exit code {res.rc} (timed out: {res.timed_out}), want {want_rc}")
    for pat in tuple(c["expect"]) + ((r"disktest: \S+ verified",) if c["status"] == "ok" else ()):
        if not re.search(pat, res.serial):
            problems.append(f"serial log lacks /{pat}/")
    if c["status"] == "ok" and re.search(r"^error", res.serial, re.M):
        problems.append("a successful run printed an error line")
    results = re.findall(r"^result=(\w+) code=(\w+)", res.serial, re.M)
    if results != [("ok" if c["status"] == "ok" else "error", c["status"])]:
        problems.append(f"result lines {results}, want exactly one with code={c['status']}")
    rng = parse_range(c["cmdline"])
    for i, (d, path) in enumerate(zip(c["disks"], images)):
        written = d["written"] if d["written"] == "partial" else d["written"] and c["status"] == "ok"
        why = check_disk(path, i + 1, written, rng)
        if why:
            problems.append(why)
    return problems


def main():
    args = qemu.case_args(CASES, __doc__)
    c = CASES[args.case]
    images = []
    for i, _ in enumerate(c["disks"]):
        path = os.path.join(args.workdir, f"disk{i}.img")
        with open(path, "wb") as f:
            f.write(canary(i + 1))
        images.append(path)
    res = qemu.run(qemu_argv(args, c, images), 120)
    rates = re.findall(r"disktest: (wrote|read back) .*: ([\d.]+ MB/s)", res.serial)
    extra = "".join(f", {k} {v}" for k, v in rates)
    return qemu.report(args.case, res, check(c, res, images), args.workdir, extra)


if __name__ == "__main__":
    sys.exit(main())
