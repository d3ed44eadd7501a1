"""valgrind_e2e.py - provbox end to end under valgrind.

provbox runs under `valgrind --leak-check=full` through a lab bearerbox:
jobs in every security mode, a bulk job, rejected jobs, the hostile
corpus of test/hostile, a bearerbox
restart, delivery reports; then SIGTERM. valgrind must report no error
(no invalid read or write, no use of uninitialised memory) and nothing
definitely lost; provbox must exit 0.

Slow (valgrind runs provbox 20-50 times slower): `make check-valgrind`.
"""
import os
import re
import shutil
import signal

from lab import Lab, PROVBOX, SRCDIR, wait_for
from spool_view import Spool
from tap import run

VALGRIND_ERROR = 99


def valgrind_command(log):
    return ["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite",
            "--error-exitcode=%d" % VALGRIND_ERROR, "--track-fds=no",
            "--log-file=%s" % log]


def send_mix(spool):
    with open(os.path.join(SRCDIR, "test", "vectors", "spec_appendixC.xml"), "rb") as f:
        doc = f.read()
    jobs = {
        "vg-netwpin": [("To", "4799100001"), ("Sec", "NETWPIN"), ("IMSI", "242011234567890")],
        "vg-userpin": [("To", "4799100002"), ("Sec", "USERPIN"), ("Pin", "1234")],
        "vg-usernetwpin": [("To", "4799100003"), ("Sec", "USERNETWPIN"), ("Pin", "1234"),
                           ("IMSI", "242011234567890")],
        "vg-userpinmac": [("To", "4799100004"), ("Sec", "USERPINMAC"), ("Pin", "1234")],
        "vg-none": [("To", "4799100005"), ("Sec", "NONE")],
        "vg-bulk": [("To", "47992%05d imsi=%d" % (i, 242010000000000 + i)) for i in range(20)]
                   + [("Sec", "NETWPIN")],
    }
    for name, headers in jobs.items():
        spool.drop(name, headers, doc)
    spool.drop("vg-bad-xml", [("To", "4799100006"), ("Sec", "NONE")], b"<wap-provisioningdoc><x>")
    spool.drop("vg-bad-header", [("To", "4799100007"), ("Sec", "NONE"), ("Colour", "red")], doc)
    return list(jobs), ["vg-bad-xml", "vg-bad-header"]


def send_hostile(spool):
    """The hostile corpus (test/hostile): the refusal paths."""
    hostile = os.path.join(SRCDIR, "test", "hostile")
    names = sorted(n for n in os.listdir(hostile) if n.endswith(".job"))
    for name in names:
        with open(os.path.join(hostile, name), "rb") as f:
            data = f.read()
        tmp = os.path.join(spool.path, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(spool.path, "new", name))
    return names


def summary(log):
    with open(log, errors="replace") as f:
        text = f.read()
    errors = re.findall(r"ERROR SUMMARY: (\d+) errors", text)
    lost = re.findall(r"definitely lost: ([\d,]+) bytes", text)
    return text, int(errors[-1]) if errors else None, int(lost[-1].replace(",", "")) if lost else 0


def main(t):
    if shutil.which("valgrind") is None:
        t.ok(True, "# SKIP valgrind is not installed")
        return
    with open(PROVBOX, "rb") as f:
        if b"__asan_init" in f.read():
            t.ok(True, "# SKIP a sanitizer build (ASan and valgrind do not mix)")
            return
    with Lab() as lab:
        lab.start()
        spool = Spool(os.path.join(lab.dir, "spool"))
        log = os.path.join(lab.dir, "valgrind.log")
        conf = lab.provbox_conf(provbox_id="pb-valgrind", heartbeat_freq=5)
        proc = lab.start_provbox(conf, wrapper=valgrind_command(log))
        wait_for(lambda: "pb-valgrind" in lab.box_ids() or proc.poll() is not None,
                 timeout=120, what="provbox under valgrind identified")
        good, bad = send_mix(spool)
        wait_for(lambda: all(spool.state_of(n) == "done" for n in good)
                 and all(spool.state_of(n) == "failed" for n in bad),
                 timeout=300, what="jobs finished under valgrind")
        t.ok(True, "under valgrind: %d jobs done, %d rejected" % (len(good), len(bad)))
        hostile = send_hostile(spool)
        wait_for(lambda: all(spool.state_of(n) in ("done", "failed") for n in hostile),
                 timeout=300, what="hostile corpus decided under valgrind")
        t.ok(proc.poll() is None, "under valgrind: the %d hostile jobs decided" % len(hostile))
        lab.restart_bearerbox()
        spool.drop("vg-after-restart", [("To", "4799100008"), ("Sec", "USERPIN"), ("Pin", "1234")],
                   b'<wap-provisioningdoc><characteristic type="BOOTSTRAP">'
                   b'<parm name="NAME" value="after"/></characteristic></wap-provisioningdoc>')
        wait_for(lambda: spool.state_of("vg-after-restart") == "done", timeout=300,
                 what="job after a bearerbox restart, under valgrind")
        t.ok(True, "under valgrind: reconnects after a bearerbox restart and sends")
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=120)
        text, errors, lost = summary(log)
        t.eq(code, 0, "provbox exits 0 after SIGTERM (valgrind exits %d on errors)" % VALGRIND_ERROR)
        t.eq(errors, 0, "valgrind: 0 errors (invalid reads/writes, uninitialised values)",
             "\n".join(text.splitlines()[-60:]))
        t.eq(lost, 0, "valgrind: nothing definitely lost")
        t.diag("valgrind: %s" % " / ".join(l.split("== ")[-1] for l in text.splitlines()
                                          if "ERROR SUMMARY" in l or "in use at exit" in l
                                          or "definitely lost" in l or "possibly lost" in l))


run(main)
