#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus (corpus/<target>/): small, valid, real-looking inputs.

Run from anywhere; the files are committed, so this is only needed to change them.
"""
import os
import struct

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(HERE, target, name), "wb") as f:
        f.write(data)


def checksum_fix(b, length, at):
    b[at] = 0
    b[at] = (-sum(b[:length])) & 0xFF


def rsdp(revision, rsdt, xsdt):
    b = bytearray(36 if revision >= 2 else 20)
    b[0:8] = b"RSD PTR "
    b[9:15] = b"NPOEM1"
    b[15] = revision
    struct.pack_into("<I", b, 16, rsdt)
    if revision >= 2:
        struct.pack_into("<IQ", b, 20, 36, xsdt)
    checksum_fix(b, 20, 8)
    if revision >= 2:
        checksum_fix(b, 36, 32)
    return bytes(b)


# ---- command lines ----
write("cmdline", "grub", "/boot/netplant.elf console=ttyS0 ip=dhcp verbose then=poweroff")
write("cmdline", "ipxe", 'http://10.0.2.2/netplant.elf msg="hello world" qemu_exit=0xf4 mem=512M')
write("cmdline", "quotes", 'a="b c"d e="say \\"hi\\" \\\\" flag k= x==y')
write("cmdline", "bad", 'verbose =x b$d=1 open="unterminated')
# At the CMDLINE_MAX_LEN (4096) edge: 64 words whose copies (63 bytes + NUL each) fill the
# buffer to its last byte, then one more word.
write("cmdline", "full", " ".join("k%02d=" % i + "v" * 59 for i in range(64)) + " x")

# ---- command lines with URLs whose passwords the console must not show ----
os.makedirs(os.path.join(HERE, "urlmask"), exist_ok=True)
write("urlmask", "install", "qemu_exit=on url=http://user:secret@10.0.2.2:8080/disk.raw sha256=00")
write("urlmask", "config", 'config="http://u:p%40ss@10.0.2.2/cfg/${mac}" url=//a:b@h/x?next=http://c:d@k/')
write("urlmask", "tricky", "http://a:1@h://b:2@k http://u:p@ss@h/ http://h/a:b@c //:@ x://\"u:p@h\"")

# ---- Multiboot2 blocks ----
def mb2(tags):
    body = b""
    for ttype, payload in tags + [(0, b"")]:
        tag = struct.pack("<II", ttype, 8 + len(payload)) + payload
        tag += b"\0" * (-len(tag) % 8)
        body += tag
    return struct.pack("<II", 8 + len(body), 0) + body


e820 = [(0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0xF0000, 0x10000, 2),
        (0x100000, 0x7EE0000, 1), (0x7FE0000, 0x20000, 3)]
mmap = struct.pack("<II", 24, 0) + b"".join(struct.pack("<QQII", b, l, t, 0) for b, l, t in e820)
fb = struct.pack("<QIIIBBH", 0xFD000000, 4096, 1024, 768, 32, 1, 0) + bytes(6)
write("mb2", "grub-bios", mb2([
    (1, b"console=ttyS0 ip=dhcp\0"), (2, b"GRUB 2.06\0"),
    (4, struct.pack("<II", 639, 130048)), (6, mmap), (8, fb), (14, rsdp(0, 0x7FE1000, 0))]))
efi = [(7, 0, 0xA0), (2, 0x100000, 0x100), (9, 0x200000, 3), (10, 0x203000, 1), (0, 0x204000, 1)]
efimap = struct.pack("<II", 48, 1) + b"".join(
    struct.pack("<IIQQQQ", t, 0, b, 0, n, 0xF) + bytes(8) for t, b, n in efi)
write("mb2", "grub-efi", mb2([
    (1, b"netplant.elf\0"), (2, b"GRUB 2.12\0"), (12, struct.pack("<Q", 0x7F9E8018)),
    (15, rsdp(2, 0x7FE1000, 0x7FE2000)), (16, bytes(range(64))), (17, efimap), (18, b"")]))
# PVH hvm_start_info at 0 (the fuzzer also reads its input as physical memory from 0).
pvh = bytearray(4096)   # a whole page: strings are mapped up to their page end
struct.pack_into("<IIIIQQQQI", pvh, 0, 0x336EC578, 1, 0, 0, 0, 64, 0xF5A40, 128, 3)
pvh[64:64 + 28] = b"console=ttyS0 then=poweroff\0"
for i, (b, l, t) in enumerate(e820[:3]):
    struct.pack_into("<QQII", pvh, 128 + 24 * i, b, l, t, 0)
write("mb2", "pvh", bytes(pvh))

# ---- AML (DSDT bodies) and an RSDP ----
s5 = b"\x08_S5_\x12\x0A\x04\x0A\x05\x0A\x05\x00\x00"
write("acpi_aml", "dsdt-s5", b"\x10\x1E\\_SB_" + b"\x5B\x82\x0BPCI0\x08_HID\x0C\x41\xD0\x0A\x08" + s5)
write("acpi_aml", "root-s5", b"\x08\\_S5_\x12\x06\x04\x00\x01\x00\x00")
write("acpi_aml", "ref-then-def", b"\xA4_S5_\x12\x06\x04\x0A\x09\x0A\x09" + s5)
write("acpi_aml", "rsdp-v2", rsdp(2, 0x7FE1000, 0x7FE2000))


# gpt: 8 bytes of disk size in sectors, then the start of an image sgdisk partitioned (on a
# file sgdisk always uses 512-byte sectors), enough to hold the entries.
def gpt_seed(name, image_lbas, disk_lbas, keep):
    import subprocess
    import tempfile
    with tempfile.NamedTemporaryFile() as t:
        t.truncate(image_lbas * 512)
        t.flush()
        subprocess.run(["sgdisk", "-n", "1:0:+64K", "-n", "2:0:0", t.name], check=True, capture_output=True)
        data = open(t.name, "rb").read(keep)
    write("gpt", name, struct.pack("<Q", disk_lbas) + data)


os.makedirs(os.path.join(HERE, "gpt"), exist_ok=True)
gpt_seed("sgdisk512", 2048, 8192, 17408)
