#!/usr/bin/env python3
"""Writes the seed corpora of the driver fuzz targets (tests/fuzz_drivers/corpus/<name>/).

The seeds are committed; this script only says how they were made. Rerun it after changing
an input format (see the comment at the top of each fuzz_*.c).
"""
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent


def write(name, seed, data):
    d = HERE / "corpus" / name
    d.mkdir(parents=True, exist_ok=True)
    (d / seed).write_bytes(bytes(data))


# ---- fuzz_pci_caps: 256 bytes of config space, then 6 BARs of (flags u8, size le64). ----

def config(caps, status_caps=True):
    """caps: list of (offset, bytes) in list order; links them through their next pointers."""
    cfg = bytearray(256)
    cfg[0:2] = struct.pack("<H", 0x1AF4)
    cfg[2:4] = struct.pack("<H", 0x1041)
    cfg[6] = 0x10 if status_caps else 0
    cfg[0x34] = caps[0][0] if caps else 0
    for i, (off, body) in enumerate(caps):
        body = bytearray(body)
        body[1] = caps[i + 1][0] if i + 1 < len(caps) else 0
        end = min(256, off + len(body))
        cfg[off:end] = body[: end - off]
    return cfg


def vcap(cfg_type, bar, offset, length, mult=None, cap_len=None):
    body = bytearray(20 if mult is not None else 16)
    body[0] = 0x09
    body[2] = cap_len if cap_len is not None else len(body)
    body[3] = cfg_type
    body[4] = bar
    body[8:12] = struct.pack("<I", offset)
    body[12:16] = struct.pack("<I", length)
    if mult is not None:
        body[16:20] = struct.pack("<I", mult)
    return body


def bars(sizes):
    """sizes: 6 (flags, size) pairs."""
    return b"".join(struct.pack("<BQ", f, s) for f, s in sizes)


QEMU_BARS = bars([(1, 0x40), (0, 0x1000), (0, 0), (0, 0), (2, 0x4000), (0, 0)])
MSIX = bytes([0x11, 0, 0x02, 0x80] + [0] * 8)
QEMU_CAPS = [
    (0x40, MSIX),
    (0x50, vcap(1, 4, 0x0000, 0x1000)),
    (0x64, vcap(3, 4, 0x1000, 0x1000)),
    (0x74, vcap(4, 4, 0x2000, 0x1000)),
    (0x84, vcap(2, 4, 0x3000, 0x1000, mult=4)),
    (0x98, vcap(5, 0, 0, 0, mult=0)),
]

write("pci_caps", "qemu_modern", config(QEMU_CAPS) + QEMU_BARS)
write("pci_caps", "no_caps_bit", config(QEMU_CAPS, status_caps=False) + QEMU_BARS)
loop = config(QEMU_CAPS)
loop[0x99] = 0x50
write("pci_caps", "loop", loop + QEMU_BARS)
self_loop = config([(0x40, vcap(1, 4, 0, 0x1000))])
self_loop[0x41] = 0x40
write("pci_caps", "self_loop", self_loop + QEMU_BARS)
low = config(QEMU_CAPS)
low[0x34] = 0x20
write("pci_caps", "below_0x40", low + QEMU_BARS)
write("pci_caps", "bad_then_good", config([
    (0x40, vcap(1, 7, 0, 0x1000)),                      # BAR over 5
    (0x50, vcap(1, 0, 0, 0x1000)),                      # I/O BAR
    (0x60, vcap(1, 4, 0xFFFFFFF0, 0x20)),               # wraps 32 bits
    (0x70, vcap(1, 4, 0, 0x37)),                        # common config too short
    (0x80, vcap(2, 4, 0x3000, 0x1000, cap_len=16)),     # notify cap too short
    (0x90, vcap(4, 2, 0, 0x10)),                        # absent BAR
    (0xA0, vcap(1, 4, 0, 0x1000)),
    (0xB0, vcap(2, 4, 0x3000, 0x1000, mult=4)),
    (0xC4, vcap(4, 4, 0x2000, 0x1000)),
    (0xF0, vcap(3, 4, 0x1000, 0x1000, cap_len=32)),     # runs past 256
]) + QEMU_BARS)
write("pci_caps", "big_bar", config(QEMU_CAPS) +
      bars([(0, 0), (0, 0), (0, 0), (0, 0), (2, 0x200000000), (0, 0)]))
write("pci_caps", "longest", config([(off, bytes([0x09, 0, 4, 0])) for off in range(0x40, 0x100, 4)]))

# ---- fuzz_virtqueue: queue-size byte, then actions (byte % 8) with operands. ----
ADD, KICK, GET, COMPLETE, RAW_ENTRY, BUMP_IDX, SET_IDX, DRAIN = range(8)


def add(n, nread, *lens):
    return [ADD, n - 1, nread] + list(lens)


honest = [3]                    # size 8
for _ in range(12):
    honest += add(2, 1, 1, 4) + add(1, 0, 2) + [KICK, COMPLETE, 0, 0, 0, 0, COMPLETE, 9, 0, 0, 0, DRAIN]
write("virtqueue", "honest", honest)

full = [2] + add(4, 2, 1, 1, 1, 1) + add(1, 1, 1) + [KICK, COMPLETE, 5, 0, 0, 0, DRAIN]
write("virtqueue", "full", full)

lies = [3] + add(2, 1, 1, 4) + add(1, 1, 1) + [KICK]
lies += [RAW_ENTRY, 0, 0, 9, 0, BUMP_IDX, 1, GET]              # id 9 in a queue of 8
lies += [RAW_ENTRY, 0, 0, 1, 0, GET]                            # a non-head descriptor
lies += [RAW_ENTRY, 0, 2, 0, 0xFF, 0xFF, 0, 0, GET]             # len too large
lies += [RAW_ENTRY, 0, 0, 0, 8, GET, GET]                       # a good one, then a replay
lies += [BUMP_IDX, 1, GET, SET_IDX, 0x00, 0x80, GET, DRAIN]     # idx too far
write("virtqueue", "lies", lies)

big = [8]                       # size 256
for i in range(100):
    big += add(1 + i % 4, i % 3, 3, 3, 3, 3)
big += [KICK] + [COMPLETE, 1, 2, 3, 4] * 100 + [DRAIN]
write("virtqueue", "size256", big)

write("virtqueue", "size1", [0] + add(1, 0, 1) + [KICK, COMPLETE, 0, 0, 0, 0, GET] + add(2, 0, 1, 1))
