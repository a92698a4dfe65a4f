#!/usr/bin/env python3
"""netplant's DHCP lease and network-cause tests.

Lease cases run in a network lab of the test's own (netlab.py: a namespace, our DHCP server
with a lease of a few seconds, nginx throttled so that the install outlasts the lease). Each is
judged by the DHCP server's log (when the renewals and rebinds came, what it answered), the
serial log, nginx's access log (one unbroken download, or a resume after a lost lease), QEMU's
exit code and the disk, byte for byte.

The network-cause cases use QEMU's user networking with restrict=on, whose DHCP offers no
router and no DNS server: an address off the subnet, a name without a DNS server, a DNS server
off the subnet must each fail at once, with their own line and exit status.

    dhcp_test.py --list
    dhcp_test.py --case NAME --kernel-dir BUILD/kernel --source-dir SRC --workdir DIR
"""
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
import qemu  # noqa: E402

SKIP = 77
KIB, MIB = 1 << 10, 1 << 20
EXIT = {"ok": 0, "dhcp": 9, "dns": 10, "noroute": 16}
IMAGE = 3 * MIB // 2        # at 96 KiB/s: 16 s, past a 12 s lease's end
RATE = "96k"
ADDR = re.escape(netlab.POOL)
SRV = re.escape(netlab.SERVER)
EARLY, LATE = 1.3, 1.0      # a renewal may come up to a 1 s tick early; TCG adds some lateness
BREAK = r"http: [^\n]* at byte \d+"


def lab_case(lease, t1=None, t2=None, renew="ack", rebind="ack", expect=(), forbid=(), check=None):
    return dict(lease=lease, t1=t1, t2=t2, renew=renew, rebind=rebind, expect=expect, forbid=forbid, check=check)


def acks(msgs):
    return [m for m in msgs if m["reply"] == "ACK"]


def timing(msgs, kind, after, delay, problems):
    """The first REQUEST of `kind` after time `after`: it must come `delay` s later."""
    m = next((m for m in msgs if m["msg"] == "REQUEST" and m["kind"] == kind and m["t"] > after), None)
    if not m:
        problems.append(f"no {kind} REQUEST after t={after - msgs[0]['t']:.1f} s (want one {delay} s after it)")
        return None
    got = m["t"] - after
    if not delay - EARLY <= got <= delay + LATE:
        problems.append(f"{kind} REQUEST {got:.1f} s after the lease was bound, want {delay} s")
    return m


def renewed_in_time(t1):
    """Every lease bound (ACK) while the install ran was renewed at T1 and answered."""
    def check(msgs, problems):
        a = acks(msgs)
        if len(a) < 3:
            problems.append(f"{len(a)} ACKs, want the first and at least two renewals")
        for prev in a[:-1]:
            timing(msgs, "renewing", prev["t"], t1, problems)
        if any(m["msg"] in ("DISCOVER", "RELEASE") for m in msgs[1:] if m["t"] > a[0]["t"]):
            problems.append("the client started over (DISCOVER or RELEASE after the first ACK)")
    return check


def rebound_in_time(t1, t2):
    """The server ignores unicast renewals: the client must broadcast a rebind at T2."""
    def check(msgs, problems):
        a = acks(msgs)
        if len(a) < 2:
            problems.append(f"{len(a)} ACKs, want the first and a rebind")
            return
        timing(msgs, "renewing", a[0]["t"], t1, problems)
        m = timing(msgs, "rebinding", a[0]["t"], t2, problems)
        if m and m["reply"] != "ACK":
            problems.append("the rebind was not answered")
        if any(m["msg"] in ("DISCOVER", "RELEASE") for m in msgs if m["t"] > a[0]["t"]):
            problems.append("the client started over (DISCOVER or RELEASE after the first ACK)")
    return check


def started_over(first_loss, t1):
    """The lease is lost at first_loss s (NAK at T1, or expiry): the client must DISCOVER again."""
    def check(msgs, problems):
        a = acks(msgs)
        if not a:
            problems.append("no lease was ever given")
            return
        timing(msgs, "renewing", a[0]["t"], t1, problems)
        d = next((m for m in msgs if m["msg"] == "DISCOVER" and m["t"] > a[0]["t"]), None)
        if not d:
            problems.append("no DISCOVER after the lease was lost")
        elif not first_loss - EARLY <= d["t"] - a[0]["t"] <= first_loss + LATE:
            problems.append(f"DISCOVER {d['t'] - a[0]['t']:.1f} s after the lease was bound, want {first_loss} s")
        if not any(m["reply"] == "ACK" for m in msgs if d and m["t"] > d["t"]):
            problems.append("no new lease after the DISCOVER")
    return check


BOUND = rf"dhcp: lease of {ADDR} from {SRV} for (\d+) s \(renew at (\d+) s, rebind at (\d+) s\)"
LAB_CASES = {
    # A 12 s lease, T1 6 s and T2 10 s by default: renewed at 6 and 12 s, the download unbroken.
    "renew": lab_case(12, expect=(BOUND.replace(r"(\d+)", "12", 1), rf"dhcp: renewing the lease of {ADDR} with {SRV}",
                                  rf"dhcp: lease of {ADDR} renewed by {SRV} for 12 s"),
                      forbid=(r"dhcp: [^\n]*lost", BREAK), check=renewed_in_time(6)),
    # T1/T2 as options 58/59; the server ignores the unicast renewal: rebind (broadcast) at T2.
    "rebind": lab_case(14, t1=5, t2=9, renew="ignore",
                       expect=(rf"dhcp: lease of {ADDR} from {SRV} for 14 s \(renew at 5 s, rebind at 9 s\)",
                               rf"dhcp: {SRV} did not renew the lease of {ADDR}; rebinding with any server",
                               rf"dhcp: lease of {ADDR} renewed by {SRV} for 14 s"),
                       forbid=(r"dhcp: [^\n]*lost", BREAK), check=rebound_in_time(5, 9)),
    # The server refuses the renewal: the address goes, the client asks again and resumes.
    "nak": lab_case(12, renew="nak-once",
                    expect=(rf"dhcp: lease of {ADDR} lost after \d+ s: the server refused it \(DHCPNAK\)",
                            rf"(?s)lost after.*dhcp: lease of {ADDR} from {SRV} for 12 s", BREAK),
                    check=started_over(6, 6)),
    # Nobody renews or rebinds: the lease runs out at 12 s, the client says so and starts over.
    "expire": lab_case(12, renew="ignore", rebind="ignore",
                       expect=(rf"dhcp: lease of {ADDR} lost: it expired after 1[12] s without a renewal",
                               rf"(?s)expired after.*dhcp: lease of {ADDR} from {SRV} for 12 s", BREAK),
                       check=started_over(12, 6)),
}


def qemu_argv(args, disk, cmdline, net):
    return qemu.base_args("q35", "128M") + net + [
        "-drive", f"if=none,id=d0,format=raw,file={disk}", "-device", "virtio-blk-pci,drive=d0,disable-legacy=on",
        "-kernel", os.path.join(args.kernel_dir, "netplant.elf"), "-append", f"qemu_exit=on {cmdline}"]


def expect_serial(res, expect, forbid, problems):
    for p in expect:
        if not re.search(p, res.serial):
            problems.append(f"serial log lacks /{p}/")
    for p in list(forbid) + [r"PANIC", r"assertion"]:
        m = re.search(p, res.serial)
        if m:
            problems.append(f"serial log has /{p}/: {m.group(0)!r}")


def expect_exit(res, status, problems):
    want = 2 * EXIT[status] + 1
    if res.timed_out or res.rc != want:
        problems.append(f"QEMU exit code {res.rc} (timed out: {res.timed_out}), want {want} ({status})")


def run_lab(args, c):
    why = netlab.missing(need_nginx=True)
    if why:
        return None, [f"SKIP: network lab: {why}"]
    img = random.Random(8).randbytes(IMAGE)
    www = os.path.join(args.workdir, "www")
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, "img.raw"), "wb") as f:
        f.write(img)
    disk = os.path.join(args.workdir, "disk.img")
    with open(disk, "wb") as f:
        f.truncate(8 * MIB)
    with netlab.NetLab("dhcp", args.workdir) as lab:
        lab.dhcp(c["lease"], t1=c["t1"], t2=c["t2"], renew=c["renew"], rebind=c["rebind"])
        lab.nginx(www, rate=RATE)
        url = f"http://{netlab.SERVER}/img.raw"
        res = lab.run_qemu(qemu_argv(args, disk, f"url={url} timeout=10", lab.nic_args(0)), 90)
        msgs, access = lab.dhcp_messages(), lab.access()
    problems = []
    expect_exit(res, "ok", problems)
    expect_serial(res, c["expect"], c["forbid"], problems)
    if not msgs:
        problems.append("the DHCP server got nothing")
    else:
        c["check"](msgs, problems)
    if BREAK in c["forbid"] and [a[:2] for a in access] != [(200, IMAGE)]:
        problems.append(f"nginx served {access}, want one whole response of {IMAGE} bytes")
    if BREAK not in c["forbid"] and (len(access) < 2 or access[-1][0] != 206):
        problems.append(f"nginx served {access}, want a resume (206) after the lease was lost")
    with open(disk, "rb") as f:
        if f.read(IMAGE) != img:
            problems.append("the disk does not hold the image")
    with open(os.path.join(args.workdir, "dhcp.log"), "w") as f:
        f.writelines(f"{m['t'] - msgs[0]['t']:7.2f} {m}\n" for m in msgs)
    return res, problems


# restrict=on: QEMU's DHCP gives 10.0.2.15/24 with no router and no DNS server.
CAUSE_CASES = {
    "no-route": ("url=http://192.0.2.7/img.raw", "noroute",
                 r"error: net: no route to 192\.0\.2\.7: it is outside eth0's network 10\.0\.2\.0/24 and there "
                 r"is no gateway \(the DHCP lease gave no router\)\n"),
    "no-dns-server": ("url=http://image.netplant.test/img.raw", "dns",
                      r"error: dns: cannot resolve image\.netplant\.test: no DNS server \(the DHCP lease gave no "
                      r"DNS server; give dns=\)\n"),
    "dns-no-route": ("url=http://image.netplant.test/img.raw dns=192.0.2.53", "noroute",
                     r"error: net: no route to the DNS server 192\.0\.2\.53: it is outside eth0's network"),
}


def run_cause(args, c):
    cmdline, status, line = c
    disk = os.path.join(args.workdir, "disk.img")
    with open(disk, "wb") as f:
        f.truncate(8 * MIB)
    net = ["-netdev", "user,id=n0,restrict=on", "-device", "virtio-net-pci,netdev=n0,disable-legacy=on"]
    res = qemu.run(qemu_argv(args, disk, cmdline, net), 60)
    problems = []
    expect_exit(res, status, problems)
    expect_serial(res, [line, rf"result=error code={status} "], [r"timed out", r"error: http"], problems)
    if res.seconds > 10:
        problems.append(f"QEMU ran {res.seconds:.1f} s: the cause was known at once")
    return res, problems


CASES = {**{k: (run_lab, v) for k, v in LAB_CASES.items()}, **{k: (run_cause, v) for k, v in CAUSE_CASES.items()}}


def main():
    args = qemu.case_args(CASES, __doc__)
    run, c = CASES[args.case]
    res, problems = run(args, c)
    return qemu.finish(args, res, problems, skip=SKIP, clean=False)


if __name__ == "__main__":
    sys.exit(main())
