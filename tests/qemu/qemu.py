"""Runs QEMU headless for netplant's tests: bounded time, serial captured, exit code decoded.

KVM on the build machines is software-nested and slower than TCG (and OVMF dies under it),
so TCG is the default; NETPLANT_KVM=1 opts into KVM where it really works.
"""
import os
import shutil
import subprocess
import time
from dataclasses import dataclass

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
DEBUG_EXIT_PORT = 0xF4


@dataclass
class Result:
    rc: int
    serial: str
    seconds: float
    timed_out: bool
    argv: list

    def status(self):
        """netplant's exit status when it left through isa-debug-exit, else None."""
        return (self.rc - 1) // 2 if self.rc % 2 == 1 and self.rc > 0 else None


def accel_args():
    if os.environ.get("NETPLANT_KVM") == "1" and os.access("/dev/kvm", os.W_OK):
        return ["-accel", "kvm", "-cpu", "qemu64"]
    return ["-accel", "tcg"]


def base_args(machine, memory):
    argv = ["qemu-system-x86_64", "-M", machine, "-m", memory, *accel_args(),
            "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
            "-device", f"isa-debug-exit,iobase={DEBUG_EXIT_PORT:#x},iosize=4"]
    if not machine.startswith("microvm"):
        argv += ["-vga", "none"]    # microvm has no VGA to turn off
    return argv


def uefi_args(workdir):
    vars_copy = os.path.join(workdir, "OVMF_VARS.fd")
    shutil.copyfile(OVMF_VARS, vars_copy)
    return ["-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
            "-drive", f"if=pflash,format=raw,file={vars_copy}"]


UNIX_PATH_MAX = 107     # sun_path is 108 bytes with its NUL


class ShortDir:
    """A private temporary folder with a short path, for unix sockets and anything else whose
    path is limited (sun_path: 108 bytes). A build tree under a deep clone is too long for
    them; this lives in $TMPDIR when that is short, else /tmp. Removed on exit.

        with qemu.ShortDir() as d: sock = d.path("monitor.sock")
    """

    def __init__(self):
        import tempfile
        base = tempfile.gettempdir()
        if len(base) > 40 or " " in base:
            base = "/tmp"
        self.dir = tempfile.mkdtemp(prefix="np-", dir=base)

    def path(self, name):
        p = os.path.join(self.dir, name)
        if len(p.encode()) > UNIX_PATH_MAX:
            raise RuntimeError(f"{p}: longer than a unix socket path may be")
        return p

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Monitor:
    """QEMU's human monitor on a unix socket: `-monitor` pointed at it, commands sent to it."""

    def __init__(self, path):
        self.path = path

    def argv(self, argv):
        """argv with its `-monitor none` replaced by this socket."""
        argv = list(argv)
        argv[argv.index("-monitor") + 1] = f"unix:{self.path},server=on,wait=off"
        return argv

    def connect(self, tries=200):
        """QEMU creates the socket, then listens: retry until it answers. False if never."""
        import socket
        self.sock = socket.socket(socket.AF_UNIX)
        for _ in range(tries):
            try:
                self.sock.connect(self.path)
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def send(self, *commands):
        self.sock.sendall("".join(c + "\n" for c in commands).encode())

    def close(self):
        self.sock.close()


def case_args(cases, doc):
    """The command line every suite takes; prints the case list and exits for --list."""
    import argparse
    import sys
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--case", choices=sorted(cases))
    ap.add_argument("--kernel-dir")
    ap.add_argument("--source-dir")
    ap.add_argument("--workdir")
    args = ap.parse_args()
    if args.list:
        print(";".join(cases))
        sys.exit(0)
    os.makedirs(args.workdir, exist_ok=True)
    return args


def finish(args, res, problems, extra="", skip=77, clean=True):
    """Ends a suite's case run_case returned: a SKIP line (res None, problems[0] says why) is the
    skip code; else report(), and with clean, on success the disk image and served files are
    removed (up to 320 MiB each: only failures keep theirs)."""
    if res is None:
        print(problems[0])
        return skip
    code = report(args.case, res, problems, args.workdir, extra)
    if code == 0 and clean:
        disk = os.path.join(args.workdir, "disk.img")
        if os.path.exists(disk):
            os.remove(disk)
        shutil.rmtree(os.path.join(args.workdir, "www"), ignore_errors=True)
    return code


def report(name, res, problems, workdir, extra=""):
    """Saves the serial log, prints the verdict; returns the process exit code."""
    with open(os.path.join(workdir, "serial.log"), "w") as f:
        f.write(res.serial)
    print(f"{name}: QEMU ran {res.seconds:.2f} s, exit code {res.rc}{extra}")
    if problems:
        print("command: " + " ".join(res.argv))
        print("---- serial ----\n" + res.serial + "---- end ----")
        for p in problems:
            print("FAIL: " + p)
        return 1
    print(f"{name}: ok")
    return 0


class Live:
    """A QEMU run the test talks to while it runs: serial to a file, watched for patterns."""

    def __init__(self, argv, workdir, timeout, serial_input=None):
        """serial_input: a unix socket path (short: at most 108 bytes) to type on the serial
        port through send(); the output still goes to the log file."""
        self.serial_path = os.path.join(workdir, "serial.log")
        open(self.serial_path, "w").close()
        i = argv.index("stdio")     # the serial goes to a file we can read while QEMU runs
        if serial_input:
            self.argv = argv[:i] + ["chardev:ser0"] + argv[i + 1:] + [
                "-chardev", f"socket,id=ser0,path={serial_input},server=on,wait=off,logfile={self.serial_path}"]
        else:
            self.argv = argv[:i] + [f"file:{self.serial_path}"] + argv[i + 1:]
        self.serial_input = serial_input
        self.sock = None
        self.deadline = time.monotonic() + timeout
        self.start = time.monotonic()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def serial(self):
        with open(self.serial_path, "rb") as f:
            return f.read().decode("utf-8", "replace").replace("\r\n", "\n")

    def wait_for(self, pattern, timeout=60):
        """Waits until the serial log matches; None when QEMU exits or time runs out first."""
        import re
        end = min(self.deadline, time.monotonic() + timeout)
        while time.monotonic() < end:
            m = re.search(pattern, self.serial())
            if m:
                return m
            if self.proc.poll() is not None:
                return re.search(pattern, self.serial())
            time.sleep(0.02)
        return None

    def send(self, data):
        """Types bytes on the guest's serial port."""
        import socket
        if self.sock is None:
            self.sock = socket.socket(socket.AF_UNIX)
            for _ in range(200):
                try:
                    self.sock.connect(self.serial_input)
                    break
                except OSError:
                    time.sleep(0.02)
            # The log file gets the output; what the socket gets too is read and dropped, so
            # that a full socket buffer never holds the guest back.
            import threading
            threading.Thread(target=self._drain, daemon=True).start()
        self.sock.sendall(data)

    def _drain(self):
        try:
            while self.sock.recv(65536):
                pass
        except OSError:
            pass

    def finish(self):
        """Waits for QEMU to exit by itself until the run's deadline, then kills it."""
        timed_out = False
        try:
            out, _ = self.proc.communicate(timeout=max(0.1, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
            timed_out = True
        serial = self.serial() + out.decode("utf-8", "replace")
        return Result(self.proc.returncode, serial, time.monotonic() - self.start, timed_out,
                      self.argv)


def run(argv, timeout):
    """Runs QEMU; a run past its timeout is killed and reported, never left behind."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    timed_out = False
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        timed_out = True
    serial = out.decode("utf-8", "replace").replace("\r\n", "\n")
    return Result(proc.returncode, serial, time.monotonic() - start, timed_out, argv)


def module_path(path, short):
    """path as QEMU's -initrd can take it for Multiboot: each module is "FILE ARGS" cut at the
    first blank, and ',' separates modules, so a path holding either is linked into short (a
    ShortDir) under its base name (which the kernel sees) and that link is given instead."""
    if not any(ch in path for ch in " \t,"):
        return path
    link = short.path(os.path.basename(path))
    os.symlink(path, link)
    return link


def nginx_str(s):
    """s as one nginx configuration word: quoted, so a path with blanks or ';' stays one."""
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def nginx_conf(prefix, servers, access_log=None):
    """Writes prefix/nginx.conf: one foreground process, its pid, logs and temporary files under
    prefix (every path quoted), octet-stream by default, then the http block's servers text
    (whose paths the caller quotes with nginx_str). Returns the file's path."""
    q = lambda *parts: nginx_str(os.path.join(prefix, *parts))  # noqa: E731
    os.makedirs(os.path.join(prefix, "tmp"), exist_ok=True)
    temps = "".join(f"  {k}_temp_path {q('tmp', k)};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    log = nginx_str(access_log) if access_log else q("access.log")
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"daemon off;\nmaster_process off;\nworker_processes 1;\npid {q('nginx.pid')};\n"
                f"error_log {q('error.log')} info;\nevents {{ worker_connections 64; }}\n"
                f"http {{\n  access_log {log};\n{temps}  default_type application/octet-stream;\n"
                + servers + "}\n")
    return conf


def start_server(argv, port, logdir, what):
    """Starts a server (argv) and returns the process once 127.0.0.1:port answers; raises
    RuntimeError, the server stopped, when it does not within 5 s. Its output goes to
    logdir/stderr.log."""
    import socket
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(logdir, "stderr.log"), "w"))
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    if proc.poll() is None:
        proc.terminate()
        proc.wait(10)
    raise RuntimeError(f"{what} did not start: see {logdir}/stderr.log")


def start_nginx(nginx, prefix, conf, port):
    """Starts nginx on conf (its files under prefix) and returns the process once 127.0.0.1:port
    answers (see start_server; its error.log is under prefix too)."""
    return start_server([nginx, "-p", prefix, "-e", f"{prefix}/error.log", "-c", conf], port, prefix, "nginx")
