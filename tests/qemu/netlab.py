"""A network of the test's own in a network namespace it creates and always removes: a bridge
with the server's address (192.0.2.1/24, TEST-NET-1, never anything outside), one tap per VM,
and servers inside it: dhcp_server.py (any lease, T1/T2, router or not, renewals answered,
ignored or refused) and nginx (HTTP, throttled with limit_rate when asked). Nothing listens
outside the namespace. For what QEMU's user networking cannot make.

    with NetLab("dhcp", workdir) as lab:
        lab.dhcp(lease=12)
        lab.nginx(root, rate="96k")
        res = lab.run_qemu(argv_without_netdev + lab.nic_args(0), timeout=60)
"""
import json
import os
import shutil
import subprocess
import sys
import time

import qemu

SERVER = "192.0.2.1"
POOL = "192.0.2.50"
HERE = os.path.dirname(os.path.abspath(__file__))
NGINX = "/usr/sbin/nginx"


def missing(need_nginx=False):
    """Why a lab cannot be built here, or None."""
    if os.geteuid() != 0:
        return "needs root for network namespaces and tap devices"
    for tool in ["ip"] + ([NGINX] if need_nginx else []):
        if not shutil.which(tool):
            return f"{tool} is not installed"
    if not os.path.exists("/dev/net/tun"):
        return "/dev/net/tun is missing"
    return None


class NetLab:
    def __init__(self, name, workdir, taps=1):
        self.ns = f"np-{name}-{os.getpid()}"
        self.workdir = workdir
        self.taps = taps
        self.procs = []
        self.dhcp_log = os.path.join(workdir, "dhcp.jsonl")
        self.access_log = os.path.join(workdir, "nginx", "access.log")

    def sh(self, *argv, check=True):
        return subprocess.run(["ip", "netns", "exec", self.ns, *argv], check=check, capture_output=True, text=True)

    def __enter__(self):
        subprocess.run(["ip", "netns", "add", self.ns], check=True, capture_output=True)
        try:
            self.sh("ip", "link", "set", "lo", "up")
            self.sh("ip", "link", "add", "br0", "type", "bridge")
            self.sh("ip", "addr", "add", f"{SERVER}/24", "dev", "br0")
            self.sh("ip", "link", "set", "br0", "up")
            for i in range(self.taps):
                self.sh("ip", "tuntap", "add", "dev", f"tap{i}", "mode", "tap")
                self.sh("ip", "link", "set", f"tap{i}", "master", "br0")
                self.sh("ip", "link", "set", f"tap{i}", "up")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.procs = []
        subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)   # takes bridge and taps

    def spawn(self, argv, log_name):
        p = subprocess.Popen(["ip", "netns", "exec", self.ns, *argv], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=open(os.path.join(self.workdir, log_name), "w"), text=True)
        self.procs.append(p)
        return p

    def dhcp(self, lease, t1=None, t2=None, router=True, dns=None, renew="ack", rebind="ack"):
        """Starts dhcp_server.py on br0; returns once it listens."""
        if os.path.exists(self.dhcp_log):
            os.remove(self.dhcp_log)
        argv = [sys.executable, os.path.join(HERE, "dhcp_server.py"), "--iface", "br0", "--server", SERVER,
                "--pool", POOL, "--lease", str(lease), "--log", self.dhcp_log, "--renew", renew, "--rebind", rebind]
        argv += (["--t1", str(t1)] if t1 is not None else []) + (["--t2", str(t2)] if t2 is not None else [])
        argv += ([] if router else ["--no-router"]) + (["--dns", dns] if dns else [])
        p = self.spawn(argv, "dhcp_server.err")
        if p.stdout.readline().strip() != "dhcp_server: ready":
            raise RuntimeError(f"dhcp_server.py did not start: see {self.workdir}/dhcp_server.err")

    def dhcp_messages(self):
        """What the DHCP server got, one dict per message (see dhcp_server.py)."""
        if not os.path.exists(self.dhcp_log):
            return []
        with open(self.dhcp_log) as f:
            return [json.loads(line) for line in f if line.strip()]

    def nginx(self, root, rate=None, port=80):
        """nginx on SERVER:port serving root, each response throttled to rate (e.g. "96k")."""
        prefix = os.path.join(self.workdir, "nginx")
        if os.path.exists(self.access_log):
            os.remove(self.access_log)      # an earlier run's requests are not this run's
        throttle = f"    limit_rate {rate};\n" if rate else ""
        conf = qemu.nginx_conf(prefix, f"  server {{\n    listen {SERVER}:{port};\n    root {qemu.nginx_str(root)};\n"
                                       f"{throttle}  }}\n", access_log=self.access_log)
        p = self.spawn([NGINX, "-p", prefix, "-e", f"{prefix}/error.log", "-c", conf], "nginx.err")
        for _ in range(100):     # listening yet? ask from inside the namespace
            if self.sh(sys.executable, "-c", f"import socket; socket.create_connection(('{SERVER}', {port}), 1)",
                       check=False).returncode == 0:
                return
            if p.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"nginx did not start: see {prefix}/error.log")

    def access(self):
        """nginx's access log as (status, body bytes sent, request line) per request."""
        out = []
        if os.path.exists(self.access_log):
            with open(self.access_log) as f:
                for line in f:
                    parts = line.split('"')
                    status, size = parts[2].split()[:2]
                    out.append((int(status), int(size), parts[1]))
        return out

    def nic_args(self, i, device="virtio-net-pci,disable-legacy=on", mac="52:54:00:12:34:56"):
        return ["-netdev", f"tap,id=n{i},ifname=tap{i},script=no,downscript=no",
                "-device", f"{device},netdev=n{i},mac={mac}"]

    def run_qemu(self, argv, timeout):
        """Runs QEMU inside the namespace (the taps live there), bounded like qemu.run."""
        return qemu.run(["ip", "netns", "exec", self.ns, *argv], timeout)
