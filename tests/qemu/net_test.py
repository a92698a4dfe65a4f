#!/usr/bin/env python3
"""netplant's QEMU network tests: virtio-net over every transport and Intel e1000/e1000e with
QEMU user networking,
a DHCP lease, TCP moved through hostfwd on 127.0.0.1 (sink: counted; echo: checked byte for
byte), DNS answered by a server of ours on 127.0.0.1, link changes, and the failure paths.

    net_test.py --list
    net_test.py --case NAME --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
import os
import random
import re
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

MIB = 1 << 20
EXIT = {"ok": 0, "usage": 1, "net": 8, "dhcp": 9, "dns": 10}
SKIP = 77
GUEST_PORT = 5001
LEASE = r"net: eth(\d) up: 10\.0\.2\.15 netmask 255\.255\.255\.0 gw 10\.0\.2\.2 dns \S+ \((\w[^)]*)\)"

Q35 = ("q35", "netplant.elf", "virtio-net-pci,disable-legacy=on")
PC = ("pc", "netplant.elf", "virtio-net-pci,disable-modern=on")
MICROVM = ("microvm,acpi=off", "netplant-pvh.elf", "virtio-net-device")
E1000 = ("q35", "netplant.elf", "e1000")        # 82540EM
E1000E = ("q35", "netplant.elf", "e1000e")      # 82574L


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine_argv(args, vm, cmdline, netdevs, extra=()):
    machine, kernel, device = vm
    argv = qemu.base_args(machine, "256M") + list(extra)
    for i, nd in enumerate(netdevs):
        argv += ["-netdev", f"{nd},id=n{i}",
                 "-device", f"{device},netdev=n{i},mac=52:54:00:12:34:{0x56 + i:02x}"]
    return argv + ["-kernel", os.path.join(args.kernel_dir, kernel),
                   "-append", f"qemu_exit=on {cmdline}"]


def expect_exit(res, status, problems):
    """The exit status, and exactly one result= line that says the same."""
    want = 2 * EXIT[status] + 1
    if res.timed_out or res.rc != want:
        problems.append(f"QEMU exit code {res.rc} (timed out: {res.timed_out}), want {want}")
    results = re.findall(r"^result=(\w+) code=(\w+)", res.serial, re.M)
    if results != [("ok" if status == "ok" else "error", status)]:
        problems.append(f"result lines {results}, want exactly one with code={status}")


def expect_log(res, patterns, problems):
    for p in patterns:
        if not re.search(p, res.serial):
            problems.append(f"serial log lacks /{p}/")


def simple(vm, cmdline, status, patterns, netdevs=("user",), extra=()):
    """A run with no host interaction: judged by exit code and serial log."""
    def test(args):
        res = qemu.run(machine_argv(args, vm, cmdline, netdevs, extra), 90)
        problems = []
        expect_exit(res, status, problems)
        expect_log(res, patterns, problems)
        return res, problems, ""
    return test


def payload(mib, seed):
    """mib MiB of seeded random bytes, made one MiB at a time."""
    rng = random.Random(seed)
    for _ in range(mib):
        yield rng.randbytes(MIB)


def tcp(vm, mode, mib, cmdline_extra="", extra=()):
    """Connects through hostfwd once the guest listens and moves mib MiB to it (and back)."""
    def test(args):
        port = free_port()
        nd = f"user,hostfwd=tcp:127.0.0.1:{port}-:{GUEST_PORT}"
        live = qemu.Live(machine_argv(args, vm, f"nettest={mode}:{GUEST_PORT} {cmdline_extra}", [nd],
                                      extra), args.workdir, 180)
        problems = []
        if not live.wait_for(r"nettest: listening on TCP port"):
            problems.append("the guest never listened")
        else:
            problems += tcp_exchange(port, mode, mib)
        res = live.finish()
        expect_exit(res, "ok", problems)
        got = re.search(r"nettest: (received|echoed) (\d+) bytes in .*: ([\d.]+) MB/s", res.serial)
        if not got or int(got.group(2)) != mib * MIB:
            problems.append(f"guest reports {got.group(2) if got else 'nothing'}, want {mib * MIB} bytes")
        return res, problems, f", guest {got.group(3)} MB/s" if got else ""
    return test


def tcp_exchange(port, mode, mib):
    """Sends the payload; for echo, reads it back at the same time and compares it whole."""
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    back = bytearray()
    reader = None
    if mode == "echo":
        def read():
            while True:
                b = s.recv(MIB)
                if not b:
                    return
                back.extend(b)
        reader = threading.Thread(target=read)
        reader.start()
    for chunk in payload(mib, 42):
        s.sendall(chunk)
    s.shutdown(socket.SHUT_WR)
    if reader:
        reader.join(120)
    else:
        s.recv(1)   # the guest closes after counting
    s.close()
    if mode != "echo":
        return []
    want = b"".join(payload(mib, 42))
    if bytes(back) == want:
        return []
    first = next((i for i in range(min(len(back), len(want))) if back[i] != want[i]), min(len(back), len(want)))
    return [f"echo differs: got {len(back)} bytes, first difference at byte {first}"]


class DnsServer:
    """Answers A queries on 127.0.0.1:53 (QEMU's 10.0.2.2:53) from a table; NXDOMAIN otherwise."""

    def __init__(self, table):
        self.table = table
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for attempt in range(50):   # another run may hold the port for a moment
            try:
                self.sock.bind(("127.0.0.1", 53))
                break
            except OSError as e:
                if e.errno != 98 or attempt == 49:     # EADDRINUSE
                    raise
                time.sleep(0.1)
        self.sock.settimeout(0.2)
        self.stop = False
        self.thread = threading.Thread(target=self.serve)
        self.thread.start()

    def serve(self):
        while not self.stop:
            try:
                q, peer = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            self.sock.sendto(self.answer(q), peer)

    def answer(self, q):
        qid, _, qd = struct.unpack(">HHH", q[:6])
        i, labels = 12, []
        while q[i]:
            labels.append(q[i + 1:i + 1 + q[i]].decode())
            i += 1 + q[i]
        question = q[12:i + 5]
        addr = self.table.get(".".join(labels).lower())
        flags = 0x8180 if addr else 0x8183     # response, recursion available; rcode 3 = NXDOMAIN
        head = struct.pack(">HHHHHH", qid, flags, 1, 1 if addr else 0, 0, 0)
        if not addr:
            return head + question
        rr = struct.pack(">HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(addr)
        return head + question + rr

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


def dns(name, status, patterns):
    def test(args):
        try:
            server = DnsServer({"image.netplant.test": "192.0.2.7"})
        except OSError as e:
            return None, [f"SKIP: cannot serve DNS on 127.0.0.1:53: {e.strerror} (binding port 53 needs root)"], ""
        try:
            res = qemu.run(machine_argv(args, Q35, f"nettest=resolve:{name} dns=10.0.2.2", ["user"]), 90)
        finally:
            server.close()
        problems = []
        expect_exit(res, status, problems)
        expect_log(res, patterns, problems)
        return res, problems, ""
    return test


def link_flap(args, vm=Q35):
    """Starts with the cable out (QEMU monitor set_link), plugs it in once netplant waits."""
    with qemu.ShortDir() as tmp:    # a socket path under a deep build tree is too long
        mon = qemu.Monitor(tmp.path("monitor.sock"))
        live = qemu.Live(mon.argv(machine_argv(args, Q35, "nettest=lease", ["user"], ["-S"])), args.workdir, 90)
        problems = []
        if not mon.connect():
            return live.finish(), ["QEMU's monitor socket never answered"], ""
        mon.send("set_link n0 off", "cont")
        if not live.wait_for(r"net: eth0: waiting for link", 30):
            problems.append("netplant did not wait for the link")
        time.sleep(0.5)
        mon.send("set_link n0 on")
        res = live.finish()
        mon.close()
    expect_exit(res, "ok", problems)
    expect_log(res, [LEASE], problems)
    return res, problems, ""


def link_choice(args):
    """Two NICs, no hint: the first has no link, so netplant takes the second and says why."""
    with qemu.ShortDir() as tmp:
        mon = qemu.Monitor(tmp.path("monitor.sock"))
        live = qemu.Live(mon.argv(machine_argv(args, Q35, "nettest=lease", ["user", "user"], ["-S"])),
                         args.workdir, 90)
        if not mon.connect():
            return live.finish(), ["QEMU's monitor socket never answered"], ""
        mon.send("set_link n0 off", "cont")
        res = live.finish()
        mon.close()
    problems = []
    expect_exit(res, "ok", problems)
    expect_log(res, [r"net: using eth1 \(52:54:00:12:34:57\): the first NIC with link",
                     r"net: eth1 up: 10\.0\.2\.15"], problems)
    return res, problems, ""


def grub_pxe_tree(args, cmdline):
    """A TFTP tree with GRUB's UEFI network image whose grub.cfg boots netplant with cmdline."""
    import shutil
    import subprocess
    tree = os.path.join(args.workdir, "tftp")
    shutil.rmtree(tree, ignore_errors=True)
    subprocess.run(["grub-mknetdir", f"--net-directory={tree}", "--subdir=boot/grub",
                    "-d", "/usr/lib/grub/x86_64-efi"], check=True, capture_output=True)
    shutil.copy(os.path.join(args.kernel_dir, "netplant.elf"), os.path.join(tree, "boot"))
    with open(os.path.join(tree, "boot", "grub", "grub.cfg"), "w") as f:
        f.write("set timeout=0\nmenuentry netplant {\n"
                f"  multiboot2 /boot/netplant.elf qemu_exit=on {cmdline}\n  boot\n}}\n")
    return f"user,tftp={tree},bootfile=boot/grub/x86_64-efi/core.efi"


def pxe_uefi_ack(args):
    """UEFI PXE: OVMF fetches GRUB's core.efi over QEMU's TFTP; GRUB passes its DHCP ACK."""
    nd = grub_pxe_tree(args, "nettest=lease")
    argv = qemu.base_args("q35", "256M") + qemu.uefi_args(args.workdir) + [
        "-netdev", f"{nd},id=n0", "-device", "virtio-net-pci,netdev=n0", "-boot", "n"]
    res = qemu.run(argv, 120)
    problems = []
    expect_exit(res, "ok", problems)
    expect_log(res, [r"net: the loader passed a DHCP ACK", r"net: using the DHCP ACK the boot loader",
                     LEASE.replace(r"(\w[^)]*)", "boot loader's DHCP ACK")], problems)
    return res, problems, ""


def pxe_uefi_second_nic(args):
    """The field report: UEFI PXE through the second NIC, the first has link and no DHCP
    server. netplant must use the NIC the loader's ACK names, not the first one."""
    nd = grub_pxe_tree(args, "nettest=lease dhcp_timeout=3")
    argv = qemu.base_args("q35", "256M") + qemu.uefi_args(args.workdir) + [
        "-netdev", "hubport,hubid=0,id=n0",
        "-device", "virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56",
        "-netdev", f"{nd},id=n1",
        "-device", "virtio-net-pci,netdev=n1,mac=52:54:00:12:34:57,bootindex=1"]
    res = qemu.run(argv, 120)
    problems = []
    expect_exit(res, "ok", problems)
    expect_log(res, [r"net: the loader passed a DHCP ACK",
                     r"net: using eth1 \(52:54:00:12:34:57\): the boot loader booted through it",
                     LEASE.replace(r"(\w[^)]*)", "boot loader's DHCP ACK").replace(r"eth(\d)", "eth1")], problems)
    return res, problems, ""


CASES = {
    "lease-q35-modern": simple(Q35, "nettest=lease", "ok", [LEASE, r"via pci-modern"]),
    "lease-pc-legacy": simple(PC, "nettest=lease", "ok", [LEASE, r"via pci-legacy"]),
    "lease-microvm-mmio1": simple(MICROVM, "nettest=lease", "ok", [LEASE, r"via mmio-v1"]),
    "lease-microvm-mmio2": simple(MICROVM, "nettest=lease", "ok", [LEASE, r"via mmio-v2"],
                                  extra=("-global", "virtio-mmio.force-legacy=false")),
    "static": simple(Q35, "nettest=lease ip=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3", "ok",
                     [LEASE.replace(r"(\w[^)]*)", "static")]),
    "iommu-platform": simple(("q35", "netplant.elf", Q35[2] + ",iommu_platform=on"), "nettest=lease", "ok",
                             [LEASE, r"via pci-modern"]),
    "pxe-uefi-second-nic": pxe_uefi_second_nic,
    # No loader ACK: BOOTIF= (pxelinux/iPXE) names the NIC; the first has link but no server.
    "bootif": simple(Q35, "nettest=lease dhcp_timeout=3 BOOTIF=01-52-54-00-12-34-57", "ok",
                     [r"net: using eth1 \(52:54:00:12:34:57\): BOOTIF= names its MAC", r"net: eth1 up: 10\.0\.2\.15"],
                     netdevs=("hubport,hubid=0", "user")),
    "bootif-bad": simple(Q35, "nettest=lease BOOTIF=52-54", "usage", [r"error: BOOTIF=52-54: want 01-"]),
    "second-nic": simple(Q35, "nettest=lease nic=52:54:00:12:34:57", "ok",
                         [r"net: eth1 up: 10\.0\.2\.15"], netdevs=("user", "user")),
    "no-dhcp-server": simple(Q35, "nettest=lease dhcp_timeout=3", "dhcp",
                             [r"error: dhcp: no lease on eth0 within 3 s"], netdevs=("hubport,hubid=0",)),
    # The install's own summary line, naming its disk, when the network stage fails.
    "install-no-lease": simple(Q35, "url=http://10.0.2.2/img.raw dhcp_timeout=2", "dhcp",
                               [r"error: dhcp: no lease", r"\nresult=error code=dhcp bytes=0 .* disk=vda( |\n)"],
                               netdevs=("hubport,hubid=0",),
                               extra=("-drive", "driver=null-co,size=64M,if=none,id=d0",
                                      "-device", "virtio-blk-pci,drive=d0")),
    "no-nic": simple(Q35, "nettest=lease", "net", [r"error: no network device found"], netdevs=(),
                     extra=("-nic", "none")),
    # Only a NIC netplant has no driver for: named, not "no network device found" alone.
    "rtl8139-only": simple(("q35", "netplant.elf", "rtl8139,addr=5"), "nettest=lease", "net",
                         [r"nic: 0000:00:05\.0 is a Realtek RTL8139 Ethernet controller, which netplant "
                          r"does not drive",
                          r"error: no network device found: 0000:00:05\.0 is a Realtek RTL8139"]),
    "nic-names-rtl8139": simple(("q35", "netplant.elf", "rtl8139,addr=5"), "nettest=lease nic=00:05.0", "net",
                              [r"error: nic=00:05\.0: 0000:00:05\.0 is a Realtek RTL8139"]),
    "bad-ip": simple(Q35, "nettest=lease ip=10.0.2.300/24", "usage", [r"error: ip=10\.0\.2\.300/24"]),
    "link-flap": link_flap,
    "link-choice": link_choice,
    "pxe-uefi-ack": pxe_uefi_ack,
    "sink-q35-256M": tcp(Q35, "sink", 256),
    "sink-microvm-mmio2-64M": tcp(MICROVM, "sink", 64, extra=("-global", "virtio-mmio.force-legacy=false")),
    "echo-q35-128M": tcp(Q35, "echo", 128),
    "echo-pc-legacy-32M": tcp(PC, "echo", 32),
    # Intel NICs: the same jobs through the same netdev interface.
    "lease-e1000": simple(E1000, "nettest=lease", "ok", [LEASE, r"nic eth0: pci \S+ via e1000, MAC 52:54:00:12:34:56"]),
    "lease-e1000e": simple(E1000E, "nettest=lease", "ok", [LEASE, r"nic eth0: pci \S+ via e1000e, MAC 52:54:00:12:34:56"]),
    "sink-e1000-64M": tcp(E1000, "sink", 64),
    "sink-e1000e-64M": tcp(E1000E, "sink", 64),
    "echo-e1000e-16M": tcp(E1000E, "echo", 16),
    "link-flap-e1000": lambda args: link_flap(args, E1000),
    "link-flap-e1000e": lambda args: link_flap(args, E1000E),
    "intel-not-driven": simple(("q35", "netplant.elf", "e1000-82545em"), "nettest=lease", "net",
                               [r"nic: pci \S+: Intel 82545EM \(8086:100f\) is not driven",
                                r"error: no network device found"]),
    # NICs are numbered across kinds in PCI order: virtio-net eth0, the e1000 behind it eth1.
    "virtio-then-e1000": simple(Q35, "nettest=lease nic=52:54:00:12:34:58", "ok",
                                [r"nic eth0: pci \S+ via pci-modern", r"nic eth1: pci 0000:00:10\.0 via e1000,",
                                 r"net: eth1 up: 10\.0\.2\.15"],
                                extra=("-netdev", "user,id=n9", "-device",
                                       "e1000,netdev=n9,mac=52:54:00:12:34:58,addr=0x10")),
    "dns": dns("image.netplant.test", "ok", [r"nettest: image\.netplant\.test is 192\.0\.2\.7"]),
    "dns-nxdomain": dns("missing.netplant.test", "dns", [r"error: dns: cannot resolve missing\.netplant\.test"]),
}


def main():
    args = qemu.case_args(CASES, __doc__)
    res, problems, extra = CASES[args.case](args)
    return qemu.finish(args, res, problems, extra, SKIP, clean=False)


if __name__ == "__main__":
    sys.exit(main())
