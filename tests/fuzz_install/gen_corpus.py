#!/usr/bin/env python3
"""Writes the seed corpora of the install fuzz targets (tests/fuzz_install/corpus/<name>/):
sums files for fuzz_sums, and for fuzz_decode a control byte (format= and piece sizes, see
fuzz_decode.c) and a small stream made by the real tools.

The seeds are committed; this script only says how they were made. Rerun it after changing
an input format (see the comment at the top of each fuzz_*.c).
"""
import hashlib
import pathlib
import subprocess

HERE = pathlib.Path(__file__).resolve().parent
A = hashlib.sha256(b"a").hexdigest()
B = hashlib.sha256(b"b").hexdigest()
C = hashlib.sha512(b"c").hexdigest()
MD5 = hashlib.md5(b"d").hexdigest()
DATA = b"".join(b"line %d of a small disk image\n" % i for i in range(200)) + bytes(3000)
TOOLS = {"gzip": ["gzip", "-9nc"], "zstd": ["zstd", "-q", "-c", "--check"], "xz": ["xz", "-c", "-0"],
         "bzip2": ["bzip2", "-1c"]}


def write(seed, name, text):
    d = HERE / "corpus" / "sums"
    d.mkdir(parents=True, exist_ok=True)
    (d / seed).write_bytes(name + b"\0" + text)


def sums_seeds():
    """fuzz_sums: a name (or URL), a NUL, the sums file."""
    write("gnu", b"img.raw", f"{A}  other.img\n{B} *img.raw\n{A}  ./img.raw\n".encode())
    write("gnu-crlf", b"img.raw", f"# comment\r\n\r\n{B} *img.raw\r\n{A} *x\r\n".encode())
    write("escaped", b"a\\b", f"\\{A}  a\\\\b\n\\{B}  new\\nline\\r\n".encode())
    write("bsd", b"Fedora.raw.xz",
          f"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n# Fedora.raw.xz: 1 bytes\n"
          f"SHA256 (Fedora.raw.xz) = {A}\nSHA512 (odd) = (x)) = {C}\n-----BEGIN PGP SIGNATURE-----\n".encode())
    write("sha512", b"deb.raw", f"{C}  deb.raw\n{C}  deb.qcow2\n".encode())
    write("ambiguous", b"img", f"{A}  img\n{B}  img\n".encode())
    write("unsupported", b"img", f"{MD5}  img\nMD5 (img) = {MD5}\nBLAKE2b (img) = {C}\n".encode())
    write("url", b"http://10.0.2.2:8080/dir/b%20c%2Bd.img?x=/y#z", f"{A}  b c+d.img\n".encode())
    write("url-bad", b"http://host/a%0", b"")


def decode_seeds():
    d = HERE / "corpus" / "decode"
    d.mkdir(parents=True, exist_ok=True)
    for name, argv in TOOLS.items():
        z = subprocess.run(argv, input=DATA, stdout=subprocess.PIPE, check=True).stdout
        half = subprocess.run(argv, input=DATA[:1000], stdout=subprocess.PIPE, check=True).stdout
        (d / name).write_bytes(bytes([0x5d]) + z)               # auto, mixed pieces
        (d / f"{name}_multi").write_bytes(bytes([0x0d]) + half + half)
    (d / "raw").write_bytes(bytes([0x05]) + DATA[:500])
    (d / "forced_gzip_on_raw").write_bytes(bytes([0x01]) + DATA[:100])


def main():
    sums_seeds()
    decode_seeds()


if __name__ == "__main__":
    main()
