#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_decode (tests/fuzz_install/corpus/decode/): a control byte
(format= and piece sizes, see fuzz_decode.c) and a small stream made by the real tools.

The seeds are committed; this script only says how they were made.
"""
import pathlib
import subprocess

HERE = pathlib.Path(__file__).resolve().parent
DATA = b"".join(b"line %d of a small disk image\n" % i for i in range(200)) + bytes(3000)
TOOLS = {"gzip": ["gzip", "-9nc"], "zstd": ["zstd", "-q", "-c", "--check"], "xz": ["xz", "-c", "-0"],
         "bzip2": ["bzip2", "-1c"]}


def main():
    d = HERE / "corpus" / "decode"
    d.mkdir(parents=True, exist_ok=True)
    for name, argv in TOOLS.items():
        z = subprocess.run(argv, input=DATA, stdout=subprocess.PIPE, check=True).stdout
        half = subprocess.run(argv, input=DATA[:1000], stdout=subprocess.PIPE, check=True).stdout
        (d / name).write_bytes(bytes([0x5d]) + z)               # auto, mixed pieces
        (d / f"{name}_multi").write_bytes(bytes([0x0d]) + half + half)
    (d / "raw").write_bytes(bytes([0x05]) + DATA[:500])
    (d / "forced_gzip_on_raw").write_bytes(bytes([0x01]) + DATA[:100])


if __name__ == "__main__":
    main()
