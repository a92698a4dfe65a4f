#!/usr/bin/env python3
"""netplant's QEMU screen tests: boot the ISO with a VGA device, let netplant fail (no disk)
and halt, take QMP screendumps and read them back with netplant's own font (screen.py). The
banner, the error line (in red) and the result= line must be on the screen as the serial log
has them, whatever the screen: VGA text on BIOS, GOP framebuffer on UEFI, VBE framebuffers of
other sizes and pixel formats on BIOS; console=serial keeps the screen free of them.

    screen_test.py --list
    screen_test.py --case NAME --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402
import screen  # noqa: E402

CMDLINE = "then=halt url=http://10.0.2.2:9/img.raw"  # no disk: an error, then result=


def case(uefi=False, gfxpayload=None, mode=r"VGA text 80x25 at 0xb8000, netplant's font", cmdline=CMDLINE,
         on_screen=True, shot=None, timeout=60):
    return dict(uefi=uefi, gfxpayload=gfxpayload, mode=mode, cmdline=cmdline, on_screen=on_screen, shot=shot,
                timeout=timeout)


FB = r"framebuffer (\d+)x(\d+), (\d+) bits per pixel \([^)]*\) at 0x[0-9a-f]+: (\d+)x(\d+) text"
CASES = {
    "bios-text": case(),
    "uefi-fb": case(uefi=True, mode=FB, timeout=120),
    "bios-vbe-32": case(gfxpayload="1024x768x32", mode=r"framebuffer 1024x768, 32 bits per pixel.*: 128x48 text"),
    "bios-vbe-16": case(gfxpayload="800x600x16", mode=r"framebuffer 800x600, 16 bits per pixel "
                                                      r"\(red 5@11, green 6@5, blue 5@0\).*: 100x37 text"),
    "console-serial": case(cmdline=CMDLINE + " console=serial", mode=r"not used \(console=serial\)", on_screen=False),
}


def build_iso(args, c, workdir):
    iso = os.path.join(workdir, "netplant.iso")
    cmd = [os.path.join(args.source_dir, "tools", "mkiso"), "--kernel", os.path.join(args.kernel_dir, "netplant.elf"),
           "--out", iso, "--timeout", "0", "--cmdline", c["cmdline"]]
    if c["gfxpayload"]:
        cmd += ["--gfxpayload", c["gfxpayload"]]
    subprocess.run(cmd, check=True)
    return iso


def vga_argv(argv):
    """qemu.base_args with a VGA device instead of none (still no display window)."""
    i = argv.index("-vga")
    return argv[:i] + ["-vga", "std"] + argv[i + 2:]


def grid(serial):
    """The console's cells as the serial log's screen: line states them."""
    m = re.search(r"screen: VGA text (\d+)x(\d+)", serial)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = re.search(r"screen: framebuffer .*: (\d+)x(\d+) text", serial)
    return (int(m.group(1)), int(m.group(2))) if m else None


def is_red(rgb):
    return rgb is not None and rgb >> 16 >= 0xC0 and (rgb >> 8 & 0xFF) < 0x80 and (rgb & 0xFF) < 0x80


def check_lines(scr, serial, cols):
    """The banner, the error and the result= line of the serial log, on the screen."""
    problems = []
    for pattern, red in ((r"netplant \d+\.\d+\.\d+ \(x86_64\), booted via [^\n]*", False),
                         (r"error: no disk found", True), (r"result=error code=disk [^\n]*", False)):
        m = re.search(pattern, serial)
        if not m:
            problems.append(f"serial log lacks /{pattern}/")
            continue
        line = m.group(0)[:cols]
        at = scr.find(line)
        if not at:
            problems.append(f"the screen does not show {line!r}")
            continue
        colours = scr.colour_at(at[0], at[1], len(line))
        if red and not all(is_red(c) for c in colours):
            problems.append(f"{line!r} is drawn in {sorted(map(hex, colours))}, not red")
        if not red and any(is_red(c) for c in colours):
            problems.append(f"{line!r} is drawn in red")
    return problems


def check(args, c, res, qmp, workdir):
    problems = []
    if not re.search(r"screen: " + c["mode"], res.serial):
        problems.append(f"serial log lacks /screen: {c['mode']}/")
    cells = grid(res.serial)
    font = screen.Font(os.path.join(args.kernel_dir, "font_console.txt"))
    ppm = os.path.join(workdir, "screen.ppm")
    qmp.screendump(ppm)
    if c["shot"]:
        qmp.screendump(os.path.join(workdir, c["shot"]), fmt="png")
    if not c["on_screen"]:
        w, h, _ = screen.read_ppm(ppm)
        scr = screen.decode(ppm, font, w // 9, h // font.height) if w % 9 == 0 else None
        if scr and scr.find("netplant "):
            problems.append("console=serial, but the banner is on the screen")
        return problems
    if not cells:
        return problems + ["no screen: line with the console's size"]
    scr = screen.decode(ppm, font, *cells)
    with open(os.path.join(workdir, "screen.txt"), "w") as f:
        f.write(scr.dump() + "\n")
    problems += check_lines(scr, res.serial, cells[0])
    if problems:
        problems.append("the screen reads:\n" + scr.dump())
    return problems


def main():
    args = qemu.case_args(CASES, __doc__)
    c = CASES[args.case]
    workdir = args.workdir
    argv = vga_argv(qemu.base_args("q35", "128M"))
    if c["uefi"]:
        argv += qemu.uefi_args(workdir)
    argv += ["-cdrom", build_iso(args, c, workdir)]
    qmp = screen.Qmp()
    try:
        live = qemu.Live(argv + qmp.argv(), workdir, c["timeout"])
        halted = live.wait_for(r"\nhalted\n", timeout=c["timeout"])
        problems = []
        if not halted:
            problems.append("netplant did not halt")
        else:
            qmp.connect()
            problems = check(args, c, qemu.Result(0, live.serial(), 0, False, live.argv), qmp, workdir)
            qmp.cmd("quit")
        res = live.finish()
    finally:
        qmp.close()
    return qemu.report(args.case, res, problems, workdir)


if __name__ == "__main__":
    sys.exit(main())
