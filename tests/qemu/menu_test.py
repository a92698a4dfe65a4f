#!/usr/bin/env python3
"""netplant's QEMU menu tests: no url=, a catalog= served by an HTTP server of the test's own on
127.0.0.1 (the guest's 10.0.2.2), two virtio disks filled with a seeded canary. The test plays
the person at the machine, through the serial port (bytes, VT100 arrows) or the PS/2 keyboard
(QMP send-key): it chooses an image and a disk, confirms (or not), and judges by the exit
status, the serial log, the screen read back (screen.py) and both disk files byte for byte.

    menu_test.py --list
    menu_test.py --case NAME --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
import functools
import hashlib
import http.server
import os
import random
import re
import shutil
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
import screen  # noqa: E402

MIB = 1 << 20
EXIT = {"ok": 0, "cancelled": 18}
DISKS = (("vda", 32 * MIB), ("vdb", 64 * MIB))
LIST = r"netplant: choose an image to install \((\d+) in the catalog\)"
DISK_LIST = r"Install {} onto which disk\?"
CONFIRM = r"Type vdb to confirm \(Esc: back\): "
SUMMARY = r"result=ok code=ok bytes=(\d+) sha256=([0-9a-f]{64}) "
UP, DOWN, ESC, ENTER = b"\x1b[A", b"\x1b[B", b"\x1b", b"\r"


def image_bytes(size, seed):
    return random.Random(seed).randbytes(size)


class Files(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


class Server:
    """A static HTTP server on 127.0.0.1 over a directory, in a thread of the test."""

    def __init__(self, root):
        handler = functools.partial(Files, directory=root)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def catalog_text(images, broken=False):
    lines = ["# netplant test catalog: one image per line", ""]
    for name, size, _, sha in images:
        lines.append(f'name={name} url=/{name}.raw sha256={sha} size={size} description="test image {name}"')
    if broken:
        lines.insert(3, "name=broken url=/x.raw sha256=1234")
    return "\n".join(lines) + "\n"


def make_disks(workdir):
    paths = []
    for i, (name, size) in enumerate(DISKS):
        p = os.path.join(workdir, f"{name}.raw")
        with open(p, "wb") as f:
            f.write(image_bytes(size, 100 + i))
        paths.append(p)
    return paths


def check_disks(paths, written, img):
    """written: the disk index that must hold img at byte 0, or None; the rest is canary."""
    problems = []
    for i, (p, (name, size)) in enumerate(zip(paths, DISKS)):
        with open(p, "rb") as f:
            got = f.read()
        canary = image_bytes(size, 100 + i)
        pad = -len(img) % 512       # the last block is zero-padded
        want = img + bytes(pad) + canary[len(img) + pad:] if i == written else canary
        if got != want:
            at = next(k for k in range(len(got)) if got[k] != want[k])
            problems.append(f"disk {name} differs from what it should hold at byte {at}")
    return problems


class Run:
    """One QEMU run: the kernel with a screen, two disks, a NIC; serial input; QMP."""

    def __init__(self, args, workdir, cmdline, disks, timeout=90, throttle=None):
        self.tmp = tempfile.mkdtemp(prefix="np-menu-", dir="/tmp")   # short socket paths
        self.qmp = screen.Qmp()
        argv = qemu.base_args("q35", "128M")
        i = argv.index("-vga")
        argv[i + 1] = "std"
        argv += ["-kernel", os.path.join(args.kernel_dir, "netplant.elf"), "-append", cmdline,
                 "-netdev", "user,id=n0", "-device", "virtio-net-pci,disable-legacy=on,netdev=n0"]
        for n, path in enumerate(disks):
            limit = f",throttling.bps-write={throttle}" if throttle else ""
            argv += ["-drive", f"if=none,id=d{n},format=raw,file={path}{limit}",
                     "-device", f"virtio-blk-pci,disable-legacy=on,drive=d{n},serial=disk{n}"]
        self.live = qemu.Live(argv + self.qmp.argv(), workdir, timeout,
                              serial_input=os.path.join(self.tmp, "serial.sock"))
        self.qmp.connect()
        self.font = screen.Font(os.path.join(args.kernel_dir, "font_console.txt"))
        self.workdir = workdir
        self.problems = []

    def wait(self, pattern, timeout=40):
        m = self.live.wait_for(pattern, timeout)
        if not m:
            self.problems.append(f"serial log never showed /{pattern}/")
        return m

    def mark(self):
        """Where the log ends now: take it before the key whose answer after() waits for."""
        return len(self.live.serial())

    def after(self, mark, pattern, timeout=40):
        """Waits for pattern in what the log got after mark."""
        m = self.live.wait_for(r"(?s)\A.{%d}.*?(%s)" % (mark, pattern), timeout)
        if not m:
            self.problems.append(f"serial log never showed /{pattern}/ after the last key")
        return m

    def screen(self, name, png=None):
        ppm = os.path.join(self.workdir, name + ".ppm")
        self.qmp.screendump(ppm)
        if png:
            self.qmp.screendump(png, fmt="png")
        m = re.search(r"screen: VGA text (\d+)x(\d+)", self.live.serial())
        if not m:
            raise ValueError("no 'screen: VGA text' line in the serial log")
        scr = screen.decode(ppm, self.font, int(m.group(1)), int(m.group(2)))
        with open(os.path.join(self.workdir, name + ".txt"), "w") as f:
            f.write(scr.dump() + "\n")
        return scr

    def __enter__(self):
        return self

    def __exit__(self, kind, err, tb):
        """QEMU gone while the test types (e.g. a netplant without a menu): a failure, not a crash."""
        if isinstance(err, (OSError, ValueError, RuntimeError)):
            self.problems.append(f"talking to QEMU failed: {err!r}")
            return True
        return False

    def finish(self):
        try:
            res = self.live.finish()
        finally:
            self.qmp.close()
            shutil.rmtree(self.tmp, ignore_errors=True)
        return res


def start(args, c, workdir, images, broken=False):
    root = os.path.join(workdir, "www")
    os.makedirs(root, exist_ok=True)
    for name, size, data, _ in images:
        with open(os.path.join(root, f"{name}.raw"), "wb") as f:
            f.write(data)
    with open(os.path.join(root, "catalog.txt"), "w") as f:
        f.write(catalog_text(images, broken))
    srv = Server(root)
    disks = make_disks(workdir)
    # wipe=none: the disks are judged byte for byte against a canary past the image
    cmd = f"qemu_exit=on then=poweroff wipe=none catalog=http://10.0.2.2:{srv.port}/catalog.txt"
    return srv, disks, Run(args, workdir, cmd, disks, throttle=c.get("throttle"))


def images_for(c):
    out = []
    for i, size in enumerate(c["sizes"]):
        data = image_bytes(size, 200 + i)
        out.append((f"image{i + 1}", size, data, hashlib.sha256(data).hexdigest()))
    return out


def pick_serial(run, images):
    """Second image, second disk, through the serial port: arrows, Enter, the name typed."""
    run.wait(LIST)
    at = run.mark()
    run.live.send(DOWN)
    run.after(at, r"> +2\) image2")
    run.live.send(ENTER)
    run.wait(DISK_LIST.format("image2"))
    run.live.send(b"2")
    run.wait(CONFIRM)


def pick_keyboard(run, shots):
    """The same choice on the PS/2 keyboard; screenshots of the menu for the README."""
    run.wait(LIST)
    at = run.mark()
    run.qmp.send_keys(["down"])
    run.after(at, r"> +2\) image2")
    scr = run.screen("menu", png=shots and os.path.join(shots, "menu.png"))
    at = scr.find(">  2) image2")
    if not at:
        run.problems.append("the screen does not show image2 selected:\n" + scr.dump())
    elif scr.colour_at(at[0], at[1], 5) != {0}:
        run.problems.append("the selected row is not drawn in reverse video")
    run.qmp.send_keys(["ret"])
    run.wait(DISK_LIST.format("image2"))
    run.qmp.send_keys(["down"])
    run.qmp.send_keys(["ret"])
    run.wait(CONFIRM)


def case_install(args, c, workdir):
    images = images_for(c)
    srv, disks, run = start(args, c, workdir, images)
    try:
        with run:
            interact_install(run, c, images)
        res = run.finish()
    finally:
        srv.close()
    return judge_install(res, run, images, disks)


def interact_install(run, c, images):
    if c["keys"] == "serial":
        pick_serial(run, images)
        run.live.send(b"vdb\r")
    else:
        pick_keyboard(run, c.get("shots"))
        screen.type_text(run.qmp, "vdb")
        run.qmp.send_keys(["ret"])
        if run.wait(r"progress: .*\n.*progress: ", timeout=60):
            check_progress(run, c.get("shots"))
    run.wait(SUMMARY, timeout=120)


def judge_install(res, run, images, disks):
    problems = run.problems + check_exit(res, "ok")
    m = re.search(SUMMARY, res.serial)
    if m and (int(m.group(1)) != images[1][1] or m.group(2) != images[1][3]):
        problems.append(f"summary {m.group(0)!r} is not image2's size and hash")
    if not re.search(r"menu: installing image2 \(http://10\.0\.2\.2:\d+/image2\.raw\) onto disk vdb", res.serial):
        problems.append("no 'menu: installing image2 ... onto disk vdb' line")
    return res, problems + check_disks(disks, 1, images[1][2])


def check_progress(run, shots):
    """On the screen the progress is one line, updated in place, with a bar."""
    scr = run.screen("install", png=shots and os.path.join(shots, "install.png"))
    rows = [r for r, line in enumerate(scr.text) if "progress:" in line]
    if len(rows) != 1:
        run.problems.append(f"{len(rows)} progress lines on the screen, want one:\n" + scr.dump())
        return
    line = scr.text[rows[0]]
    # (80 columns: the bar and the text; the ETA may not fit after "MiB written")
    if not re.search(r"progress: \d+ of \d+ MiB \(\d+%\), \d+ MiB written, [\d.]+ MB/s", line):
        run.problems.append(f"the progress line reads {line!r}")
    bar = {scr.fg[rows[0]][i] for i in range(screen_bar_cells())}
    if not bar or any(c is None or (c >> 8 & 0xFF) < 0xC0 for c in bar):
        run.problems.append(f"no green bar before the progress text: {sorted(map(str, bar))}")


def screen_bar_cells():
    return 24       # TEXTCON_BAR_CELLS


def case_decline(args, c, workdir):
    images = images_for(c)
    srv, disks, run = start(args, c, workdir, images)
    try:
        with run:
            interact_decline(run, images)
        res = run.finish()
    finally:
        srv.close()
    problems = run.problems + check_exit(res, "cancelled")
    if re.search(r"install: ", res.serial):
        problems.append("an install started after the confirmation was declined")
    if re.findall(r"^result=.*", res.serial, re.M) != [m.group(0) for m in re.finditer(
            r"^result=error code=cancelled bytes=0 .*", res.serial, re.M)][:1] or "result=" not in res.serial:
        problems.append("want exactly one result= line, code=cancelled with bytes=0")
    return res, problems + check_disks(disks, None, b"")


def interact_decline(run, images):
    pick_serial(run, images)
    at = run.mark()
    run.live.send(b"vdx\r")
    run.wait(r"menu: not confirmed; disk vdb was not touched")
    run.after(at, DISK_LIST.format("image2"))      # back at the disk list
    at = run.mark()
    run.live.send(ESC)
    run.after(at, LIST)
    run.live.send(ESC)
    run.wait(r"menu: quit; nothing was written")


def case_broken(args, c, workdir):
    """A catalog with a bad line: its error, in red on the screen; then a URL typed instead."""
    images = images_for(c)
    srv, disks, run = start(args, c, workdir, images, broken=True)
    try:
        with run:
            interact_broken(run, srv, images)
        res = run.finish()
    finally:
        srv.close()
    return res, run.problems + check_exit(res, "ok") + check_disks(disks, 1, images[1][2])


def interact_broken(run, srv, images):
    err = r"error: catalog http://10\.0\.2\.2:\d+/catalog\.txt: line 4: sha256= wants 64 hex digits"
    m = run.wait(err)
    run.wait(r"u: type a URL; r: load the catalog again; Esc: quit")
    if m:
        scr = run.screen("broken")
        line = m.group(0)[:80]
        at = scr.find(line[:60])
        if not at:
            run.problems.append("the catalog's error is not on the screen:\n" + scr.dump())
        elif not all(x and x >> 16 >= 0xC0 and (x >> 8 & 0xFF) < 0x80 for x in scr.colour_at(at[0], at[1], 20)):
            run.problems.append("the catalog's error is not red on the screen")
    run.live.send(b"u")
    run.wait(r"URL \(Esc goes back\): ")
    run.live.send(f"http://10.0.2.2:{srv.port}/image2.raw\r".encode())
    run.wait(r"SHA-256 \(64 hex digits; Enter: none\): ")
    run.live.send(images[1][3].encode() + ENTER)
    run.wait(DISK_LIST.format(r"http://10\.0\.2\.2:\d+/image2\.raw"))
    run.live.send(b"2")
    run.wait(CONFIRM)
    run.live.send(b"vdb\r")
    run.wait(SUMMARY, timeout=120)


def check_exit(res, status):
    want = 2 * EXIT[status] + 1
    if res.timed_out:
        return ["QEMU did not exit in time"]
    return [] if res.rc == want else [f"QEMU exit code {res.rc}, want {want} ({status})"]


CASES = {
    "serial-install": dict(run=case_install, keys="serial", sizes=(3 * MIB, 5 * MIB + 1000)),
    "keyboard-install": dict(run=case_install, keys="keyboard", sizes=(3 * MIB, 40 * MIB), throttle=6 * MIB),
    "decline": dict(run=case_decline, sizes=(3 * MIB, 4 * MIB)),
    "broken-catalog": dict(run=case_broken, sizes=(3 * MIB, 4 * MIB)),
}


def main():
    args = qemu.case_args(CASES, __doc__)
    c = dict(CASES[args.case])
    if os.environ.get("NETPLANT_SCREENSHOTS"):
        c["shots"] = os.environ["NETPLANT_SCREENSHOTS"]
    res, problems = c["run"](args, c, args.workdir)
    return qemu.report(args.case, res, problems, args.workdir)


if __name__ == "__main__":
    sys.exit(main())
