"""Reads netplant's screen back from QEMU for the tests, and types on it.

- Qmp: a small QMP client over a unix socket (screendump, send-key, quit).
- read_ppm: QEMU's screendump (P6) as width, height and RGB bytes.
- Font / decode: the screen's pixels turned back into text with the very font netplant drew
  with (build/kernel/font_console.txt, made by tools/psf2c): every cell's pixels must be one
  glyph of that font exactly, in two colours, or the cell reads as "\\x00". What the tests then
  check is text that the pixels show, and its colour.
"""
import json
import os
import socket
import tempfile
import time


class Qmp:
    """QMP over a unix socket in a short private directory (socket paths stop at 108 bytes)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="np-qmp-", dir="/tmp")
        self.path = os.path.join(self.dir, "qmp.sock")
        self.sock = None
        self.file = None

    def argv(self):
        return ["-qmp", f"unix:{self.path},server=on,wait=off"]

    def connect(self, timeout=20):
        end = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.settimeout(30)
                self.sock.connect(self.path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)
        self.file = self.sock.makefile("rw")
        json.loads(self.file.readline())        # the greeting
        self.cmd("qmp_capabilities")

    def cmd(self, name, **arguments):
        self.file.write(json.dumps({"execute": name, "arguments": arguments}) + "\n")
        self.file.flush()
        while True:
            r = json.loads(self.file.readline())
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise RuntimeError(f"QMP {name}: {r['error']}")
            # anything else is an asynchronous event: skip it

    def screendump(self, path, fmt="ppm"):
        self.cmd("screendump", filename=path, format=fmt)

    def send_keys(self, keys, hold_ms=30):
        """keys: QEMU key names pressed together, e.g. ["shift", "a"] or ["ret"]."""
        self.cmd("send-key", keys=[{"type": "qcode", "data": k} for k in keys], **{"hold-time": hold_ms})

    def close(self):
        if self.file:
            try:
                self.file.close()
                self.sock.close()
            except OSError:
                pass
        try:
            os.unlink(self.path)
        except OSError:
            pass
        os.rmdir(self.dir)


# QEMU qcodes for the characters a test types.
QCODE = {" ": "spc", "-": "minus", "=": "equal", ".": "dot", "/": "slash", ":": ("shift", "semicolon"),
         ",": "comma", "_": ("shift", "minus")}


def type_text(qmp, text):
    for ch in text:
        if ch.isalpha() and ch.isupper():
            qmp.send_keys(["shift", ch.lower()])
        elif ch.isalnum():
            qmp.send_keys([ch])
        else:
            k = QCODE[ch]
            qmp.send_keys(list(k) if isinstance(k, tuple) else [k])


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:      # magic, width, height, maxval, with any whitespace between
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path}: not an 8-bit P6 PPM")
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos + 1:pos + 1 + 3 * w * h]


class Font:
    """font_console.txt: 'WIDTH HEIGHT', then 'CODE ROWS' per glyph (tools/psf2c)."""

    def __init__(self, path):
        with open(path) as f:
            self.width, self.height = map(int, f.readline().split())
            self.row_bytes = (self.width + 7) // 8
            self.glyph_of = {}
            for line in f:
                code, rows = line.split()
                self.glyph_of.setdefault(bytes.fromhex(rows), int(code, 16))

    def char(self, code):
        return chr(code) if 0x20 <= code < 0x7F else {0xDB: "#", 0xB0: "-"}.get(code, "?")


class Screen:
    """The decoded screen: rows of text, and each cell's foreground colour as 0xRRGGBB."""

    def __init__(self, text, fg):
        self.text, self.fg = text, fg

    def find(self, needle):
        """(row, col) of the first occurrence, or None."""
        for r, line in enumerate(self.text):
            c = line.find(needle)
            if c >= 0:
                return r, c
        return None

    def colour_at(self, row, col, length):
        """The foreground colours of the cells that are not blank."""
        return {self.fg[row][c] for c in range(col, col + length) if self.text[row][c] != " "}

    def dump(self):
        return "\n".join(line.rstrip() for line in self.text)


def decode(ppm_path, font, cols, rows):
    """Reads cols x rows cells of the font off the screen. A VGA text cell is wider than its
    glyph (9 pixels, the ninth blank or a copy of the eighth): only the glyph's columns count."""
    w, h, px = read_ppm(ppm_path)
    cell_w, cell_h = w // cols, h // rows
    if cell_h != font.height or cell_w < font.width:
        raise ValueError(f"{w}x{h} pixels do not make {cols}x{rows} cells of {font.width}x{font.height}")
    text, fg = [], []
    for r in range(rows):
        line, colours = [], []
        for c in range(cols):
            ch, colour = decode_cell(px, w, r * cell_h, c * cell_w, font)
            line.append(ch)
            colours.append(colour)
        text.append("".join(line))
        fg.append(colours)
    return Screen(text, fg)


def decode_cell(px, w, y0, x0, font):
    pixels = []
    for y in range(font.height):
        base = ((y0 + y) * w + x0) * 3
        row = px[base:base + 3 * font.width]
        pixels.append([int.from_bytes(row[i:i + 3], "big") for i in range(0, len(row), 3)])
    colours = {p for row in pixels for p in row}
    if len(colours) == 1:       # blank, in the background's colour (the bar's full cells too)
        (only,) = colours
        return " ", only if only else None
    if len(colours) > 2:
        return "\x00", None
    # Try each colour as the foreground: the glyph must match exactly. Black last: it is
    # usually the background (it is the foreground in reverse video).
    for fg in sorted(colours, key=lambda c: c == 0):
        mask = bytes(sum(0x80 >> x for x in range(font.width) if row[x] == fg) for row in pixels)
        code = font.glyph_of.get(mask)
        if code is not None:
            return font.char(code), fg
    return "\x00", None
