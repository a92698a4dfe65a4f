#!/usr/bin/env python3
"""netplant's QEMU boot tests: each boots a real artifact headless and judges it by QEMU's
exit code (isa-debug-exit) and the serial log.

    boot_test.py --list
    boot_test.py --case NAME --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

MIB = 1 << 20
EXIT = {"ok": 0, "usage": 1, "fault": 2, "panic": 3, "boot": 4, "selftest": 5}


def case(artifact, machine, cmdline, memory="128M", mem_range=(120, 128), status="ok",
         rc=None, expect=(), timeout=60, uefi=False, cpu=None, forbid=()):
    return dict(artifact=artifact, machine=machine, cmdline=cmdline, memory=memory,
                mem_range=mem_range, status=status, rc=rc, expect=expect, timeout=timeout,
                uefi=uefi, cpu=cpu, forbid=forbid)


# selftest=hash: each SHA-2 path the CPU model offers passes the FIPS 180-4 examples and is timed.
HASH_OK = r"selftest: hash {} {}: known answers ok, \d+\.\d MB/s"


# Every run says who it is and how it ends; a run that gets past the command line also
# reports memory, time and the network stack.
HELLO = (r"netplant \S+ \(x86_64\), booted via ", r"exit: status=\d+ \(\w+\)")
BANNER = (r"memory: usable=\d+ bytes", r"clock: TSC \d+\.\d+ MHz", r"net: lwIP \d+\.\d+\.\d+ initialised")

CASES = {
    # The four ways a machine loads netplant.
    "iso-q35-bios": case("iso", "q35", "qemu_exit=on then=halt",
                         expect=(r"booted via Multiboot2 from \"GRUB", r"acpi: RSDP revision")),
    "iso-pc-bios": case("iso", "pc", "qemu_exit=on then=halt",
                        expect=(r"booted via Multiboot2 from \"GRUB", r"acpi: RSDP revision")),
    "iso-q35-uefi": case("iso", "q35", "qemu_exit=on then=halt", memory="256M",
                         mem_range=(180, 256), uefi=True, timeout=120,
                         expect=(r"booted via Multiboot2 from \"GRUB", r"efi: system table at",
                                 r"from multiboot2 mmap", r"acpi: RSDP revision 2")),
    "mb1-q35": case("elf", "q35", "qemu_exit=on loglevel=7 then=halt",
                    expect=(r"booted via Multiboot1 from \"qemu\"", r"from multiboot1 mmap",
                            r"  mem 0x")),
    "pvh-microvm": case("pvh", "microvm,acpi=off", "qemu_exit=on then=halt",
                        expect=(r"booted via PVH", r"from pvh memmap", r"acpi: not found",
                                r"clock: TSC \d+\.\d+ MHz, from PIT")),
    # Failure paths: each has its own exit status.
    "fault-q35": case("elf", "q35", "qemu_exit=on selftest=fault", status="fault",
                      expect=(r"EXCEPTION #PF page fault \(vector 14\)",
                              r"CR2=0000010000000000", r"RIP=0000000000[0-9a-f]{6} ",
                              r"page fault: read of an unmapped address",
                              r"stack trace .*\n  #0  0x[0-9a-f]{16}\n  #1  0x[0-9a-f]{16}")),
    "fault-ud-iso": case("iso", "q35", "qemu_exit=on selftest=ud", status="fault",
                         expect=(r"EXCEPTION #UD invalid opcode \(vector 6\)",)),
    "panic-pc": case("elf", "pc", "qemu_exit=on selftest=panic", status="panic",
                     expect=(r"PANIC: selftest: deliberate panic",)),
    "usage-unknown-key": case("elf", "q35", "qemu_exit=on colour=blue", status="usage",
                              expect=(r"error: unknown command-line key 'colour'",)),
    "usage-bad-quote": case("elf", "q35", 'qemu_exit=on then="halt', status="usage",
                            expect=(r"error: command line: unterminated quote",)),
    # The end actions without the debug-exit port: QEMU ends by itself (exit code 0).
    "poweroff-q35": case("elf", "q35", "then=poweroff", rc=0,
                         expect=(r"poweroff: ACPI S5",)),
    "poweroff-pc-iso": case("iso", "pc", "then=poweroff", rc=0,
                            expect=(r"poweroff: ACPI S5",)),
    "reboot-q35": case("elf", "q35", "then=reboot", rc=0, expect=(r"\nreboot\n",)),
    # The SHA-2 paths: QEMU 7.2's TCG has no SHA extensions, so both CPU models get the integer
    # assembly (-cpu max offers AVX2, which nettle has no SHA path for and would be slower here).
    "hash-qemu64": case("elf", "q35", "qemu_exit=on selftest=hash", cpu="qemu64",
                        expect=(r"hash: sha256 x86_64, sha512 x86_64 \(nettle 3\.\d+\.\d+ assembly\)",
                                HASH_OK.format("sha256", "x86_64"), HASH_OK.format("sha512", "x86_64")),
                        forbid=(r"sha_ni", r"wrong digest")),
    "hash-max": case("elf", "q35", "qemu_exit=on selftest=hash", cpu="max",
                     expect=(r"hash: sha256 x86_64, sha512 x86_64",
                             HASH_OK.format("sha256", "x86_64"), HASH_OK.format("sha512", "x86_64")),
                     forbid=(r"sha_ni", r"wrong digest")),
}


def build_iso(args, cmdline, workdir):
    iso = os.path.join(workdir, "netplant.iso")
    subprocess.run([os.path.join(args.source_dir, "tools", "mkiso"), "--kernel",
                    os.path.join(args.kernel_dir, "netplant.elf"), "--out", iso,
                    "--timeout", "0", "--cmdline", cmdline], check=True)
    return iso


def qemu_argv(args, c, workdir):
    argv = qemu.base_args(c["machine"], c["memory"])
    if c["cpu"]:
        argv += ["-cpu", c["cpu"]]
    if c["uefi"]:
        argv += qemu.uefi_args(workdir)
    if c["artifact"] == "iso":
        argv += ["-cdrom", build_iso(args, c["cmdline"], workdir)]
    else:
        elf = "netplant-pvh.elf" if c["artifact"] == "pvh" else "netplant.elf"
        argv += ["-kernel", os.path.join(args.kernel_dir, elf), "-append", c["cmdline"]]
    return argv


def check(c, res):
    """Returns a list of what is wrong with the run."""
    problems = []
    want_rc = c["rc"] if c["rc"] is not None else 2 * EXIT[c["status"]] + 1
    if res.timed_out:
        problems.append(f"QEMU did not exit within {c['timeout']} s")
    elif res.rc != want_rc:
        problems.append(f"QEMU exit code {res.rc}, want {want_rc}")
    full = c["status"] != "usage"
    for pattern in HELLO + (BANNER if full else ()) + tuple(c["expect"]):
        if not re.search(pattern, res.serial):
            problems.append(f"serial log lacks /{pattern}/")
    # Every run ends with one machine-readable line, whatever ended it (a fault, a panic too).
    results = re.findall(r"^result=(\w+) code=(\w+)", res.serial, re.M)
    if results != [("ok" if c["status"] == "ok" else "error", c["status"])]:
        problems.append(f"result lines {results}, want exactly one with code={c['status']}")
    for pattern in c["forbid"]:
        m = re.search(pattern, res.serial)
        if m:
            problems.append(f"serial log has /{pattern}/: {m.group(0)!r}")
    echoed = re.search(r'cmdline: "(.*)"', res.serial)
    if not echoed or not echoed.group(1).endswith(c["cmdline"]):
        problems.append(f"cmdline echo {echoed.group(1) if echoed else None!r}, want {c['cmdline']!r}")
    mem = re.search(r"memory: usable=(\d+) bytes", res.serial)
    lo, hi = c["mem_range"]
    if full and (not mem or not lo * MIB <= int(mem.group(1)) <= hi * MIB):
        problems.append(f"usable memory {mem.group(1) if mem else None}, want {lo}-{hi} MiB")
    return problems


def main():
    args = qemu.case_args(CASES, __doc__)
    c = CASES[args.case]
    res = qemu.run(qemu_argv(args, c, args.workdir), c["timeout"])
    return qemu.report(args.case, res, check(c, res), args.workdir)


if __name__ == "__main__":
    sys.exit(main())
