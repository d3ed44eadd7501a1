"""foundation.py - provbox's command line, configuration checks, and first
contact with a real bearerbox (identify, status page, signals)."""
import os
import signal
import subprocess
import tempfile

from lab import Lab, PROVBOX, PROVCTL, wait_for
from tap import run


def provbox(*args, timeout=20):
    return subprocess.run([PROVBOX] + list(args), capture_output=True,
                          text=True, timeout=timeout)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def check_version(t):
    out = provbox("--version")
    t.eq(out.returncode, 0, "provbox --version exits 0")
    lines = out.stdout.splitlines()
    for prefix in ("provbox ", "Kannel 1.4.5", "libxml2 2.", "OpenSSL 3."):
        t.ok(any(line.startswith(prefix) for line in lines),
             "--version names %s" % prefix.strip(), out.stdout)
    ctl = subprocess.run([PROVCTL, "--version"], capture_output=True, text=True)
    t.ok(ctl.returncode == 0 and ctl.stdout.startswith("provctl "),
         "provctl --version", ctl.stdout + ctl.stderr)


def check_config_errors(t, tmp):
    base = "group = provbox\nprovbox-id = pb\nspool-dir = %s/spool\nsender = 1\n" % tmp
    typo = write(os.path.join(tmp, "typo.conf"), base + "bearerbox-prot = 13001\n")
    out = provbox(typo)
    t.ok(out.returncode != 0, "unknown key: provbox exits non-zero")
    t.ok("bearerbox-prot" in out.stderr and "provbox" in out.stderr
         and "typo.conf" in out.stderr,
         "unknown key: the error names the key, the group and the file", out.stderr)

    badgroup = write(os.path.join(tmp, "group.conf"), base + "\ngroup = provbx\nfoo = 1\n")
    out = provbox(badgroup)
    t.ok(out.returncode != 0 and "provbx" in out.stderr,
         "unknown group: exit non-zero naming the group", out.stderr)

    noid = write(os.path.join(tmp, "noid.conf"),
                 "group = provbox\nspool-dir = %s/spool\nsender = 1\n" % tmp)
    out = provbox(noid)
    t.ok(out.returncode != 0 and "provbox-id" in out.stderr,
         "missing provbox-id: exit non-zero and says so", out.stderr)

    badnum = write(os.path.join(tmp, "num.conf"), base + "max-pending = lots\n")
    out = provbox(badnum)
    t.ok(out.returncode != 0 and "max-pending" in out.stderr and "lots" in out.stderr,
         "non-numeric max-pending is rejected by name", out.stderr)

    for key, value, says in (("throughput", "0", "must be more than 0"),
                             ("throughput", "-1", "must be more than 0"),
                             ("throughput", "1e9x", "must be a number like 5 or 0.5"),
                             ("send-window", "08:00-21:00 Europe/Olso", "unknown time zone"),
                             ("send-window", "8-21", "must be like 08:00-21:00")):
        conf = write(os.path.join(tmp, "pace.conf"), base + "%s = %s\n" % (key, value))
        out = provbox(conf)
        t.ok(out.returncode != 0 and "key '%s'" % key in out.stderr and says in out.stderr
             and value in out.stderr and "pace.conf" in out.stderr,
             "%s = %s stops provbox, naming the file, the key and why" % (key, value),
             out.stderr)

    badlint = write(os.path.join(tmp, "lint.conf"), base + "lint = picky\n")
    out = provbox(badlint)
    t.ok(out.returncode != 0 and "'lint' must be strict, warn or off" in out.stderr
         and "picky" in out.stderr and "lint.conf" in out.stderr,
         "lint = picky is rejected at start-up, naming the key, the values and the file",
         out.stderr)

    out = provbox(os.path.join(tmp, "missing.conf"))
    t.ok(out.returncode != 0 and "missing.conf" in out.stderr,
         "missing configuration file is named", out.stderr)

    out = provbox()
    t.ok(out.returncode == 2 and "usage" in out.stderr, "no arguments: usage, exit 2")


def check_identify_and_signals(t):
    with Lab() as lab:
        lab.start()
        conf = lab.provbox_conf(provbox_id="provbox-found")
        proc = lab.start_provbox(conf)
        ids = wait_for(lambda: "provbox-found" in lab.box_ids() and lab.box_ids(),
                       what="provbox in bearerbox's status.xml")
        t.ok("provbox-found" in ids, "bearerbox status.xml lists <id>provbox-found</id>", ids)
        t.ok("smsbox:provbox-found" in lab.status_text(),
             "bearerbox status.txt shows smsbox:provbox-found")
        t.ok(lab.box_port > 0 and proc.poll() is None, "provbox keeps running")

        log = os.path.join(lab.dir, "provbox-found.log")
        t.ok(wait_for(lambda: os.path.exists(log)), "log-file is written")
        os.rename(log, log + ".1")
        proc.send_signal(signal.SIGHUP)
        t.ok(wait_for(lambda: os.path.exists(log), timeout=10, what="reopened log"),
             "SIGHUP reopens the log file")

        # bearerbox restarts: provbox reconnects and identifies again by itself
        lab.stop_bearerbox()
        lab.start_bearerbox()
        ids = wait_for(lambda: "provbox-found" in lab.box_ids() and lab.box_ids(),
                       timeout=40, what="re-identify after bearerbox restart")
        t.ok("provbox-found" in ids, "provbox reconnects after bearerbox restarts")

        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            code = None
        t.eq(code, 0, "SIGTERM stops provbox cleanly with exit 0")


def main(t):
    check_version(t)
    with tempfile.TemporaryDirectory() as tmp:
        check_config_errors(t, tmp)
    check_identify_and_signals(t)


run(main)
