"""crash_clash.py - one name dropped twice, with kill -9 of provbox (issue 25).

A 1,500-recipient job `same` is sending when a second job, 3 recipients,
also named `same` is dropped; provbox is killed with SIGKILL right after
that drop and then at random moments while both are sent, and started
again each time. At the end both jobs are in done/, the first as `same`
with its own record, the second as `same~...` (Renamed-From: same), and
fakesmsc got every recipient's message of both: nothing lost, nothing
merged. Run by `make check-crash`; CRASH_SEED makes the kills repeatable.
"""
import collections
import os
import random
import time

from lab import Lab, wait_for
from spool_view import Spool
from tap import run

BIG = 1500
KILLS = 4
DOC = (b'<wap-provisioningdoc><characteristic type="NAPDEF">'
       b'<parm name="NAME" value="crash clash"/></characteristic></wap-provisioningdoc>')


def receivers(prefix, n):
    return ["47%s%05d" % (prefix, i) for i in range(n)]


def drop(spool, tos):
    tmp = os.path.join(spool.path, "tmp", "same")
    with open(tmp, "wb") as f:
        f.write("".join("To: %s\n" % r for r in tos).encode()
                + b"Sec: USERPIN\nPin: 1234\n\n" + DOC)
    os.rename(tmp, os.path.join(spool.path, "new", "same"))


def renamed(spool):
    out = []
    for job in spool.jobs_in("done"):
        try:
            with open(os.path.join(spool.path, "done", job + ".status")) as f:
                if "\nRenamed-From: same\n" in f.read():
                    out.append(job)
        except FileNotFoundError:
            pass
    return out


def missing(lab, tos):
    per = collections.Counter(m.receiver for m in lab.received())
    return [r for r in tos if per[r] == 0]



def main(t):
    seed = int(os.environ.get("CRASH_SEED", str(int(time.time()))))
    rng = random.Random(seed)
    t.diag("CRASH_SEED=%d" % seed)
    first, second = receivers("71", BIG), receivers("72", 3)
    with Lab(store_type="file") as lab:
        lab.start()
        spool = Spool(os.path.join(lab.dir, "spool"))
        conf = lab.provbox_conf(provbox_id="pb-crash-clash", max_pending=20,
                                rescan_interval=1, spool_dir=spool.path, log_level=1)
        proc = lab.restart_provbox(conf, "pb-crash-clash", 0)
        drop(spool, first)
        wait_for(lambda: len(lab.received_lines()) >= 200, timeout=60, what="200 messages")
        t.ok(spool.state_of("same") == "active", "the first `same` is sending")
        drop(spool, second)
        time.sleep(rng.uniform(0.0, 0.3))
        for n in range(1, KILLS + 1):
            lab.kill(proc)
            t.diag("kill -9 provbox #%d, %d messages at the SMSC, active/: %s"
                   % (n, len(lab.received_lines()), spool.jobs_in("active")))
            proc = lab.restart_provbox(conf, "pb-crash-clash", n)
            time.sleep(rng.uniform(0.2, 1.5))
        try:
            wait_for(lambda: spool.state_of("same") == "done" and renamed(spool)
                     and not missing(lab, first + second), timeout=180, what="both jobs done")
        except TimeoutError as e:
            t.diag(str(e))
        t.eq(missing(lab, first), [], "every recipient of the first `same` got its message")
        t.eq(missing(lab, second), [], "every recipient of the second `same` got its message")
        t.eq(len(spool.recipients("same")), BIG, "done/same keeps the first job's record")
        names = renamed(spool)
        t.eq(len(names), 1, "the second is in done/ under a new name, Renamed-From: same", names)
        if names:
            t.eq(sorted(spool.recipients(names[0])), second, "with its own record")
        t.eq(spool.jobs_in("new") + spool.jobs_in("active") + spool.jobs_in("failed"), [],
             "nothing is left in new/ or active/, nothing failed")
        t.ok(proc.poll() is None, "the last provbox is still running")


run(main)
