"""keep_done.py - provbox removes old finished jobs from done/ (retention.h).

A spool holds, before provbox starts, a job in done/ whose job and status
files last changed 40 days ago, one finished 40 days ago whose status got a
delivery report 2 days ago, and an old job in failed/. provbox with the
default keep-done (30 days) removes the first at start-up, with its status
file, and says so in its log; the others stay. A second provbox with
keep-done = 0 on a spool like it removes nothing. Jobs sent in the same run
reach done/ and stay there.
"""
import os
import time

from lab import Lab, wait_for
from spool_view import Spool
from tap import run

DAY = 86400
DOC = (b'<wap-provisioningdoc><characteristic type="BOOTSTRAP">'
       b'<parm name="NAME" value="keep done"/></characteristic></wap-provisioningdoc>')
STATUS = "Job: %s\nState: done\n"


def age(path, days):
    then = time.time() - days * DAY
    os.utime(path, (then, then))


def put_old(spool, state, name, job_days, status_days):
    d = os.path.join(spool.path, state)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(b"To: 4795000001\n\n" + DOC)
    with open(os.path.join(d, name + ".status"), "w") as f:
        f.write(STATUS % name)
    age(os.path.join(d, name), job_days)
    age(os.path.join(d, name + ".status"), status_days)


def prepare(lab, name):
    spool = Spool(os.path.join(lab.dir, "spool-" + name))
    for d in ("tmp", "new"):
        os.makedirs(os.path.join(spool.path, d))
    put_old(spool, "done", "old", 40, 40)
    put_old(spool, "done", "late-report", 40, 2)
    put_old(spool, "failed", "old-failed", 40, 40)
    return spool


def there(spool, state, name):
    return os.path.exists(os.path.join(spool.path, state, name))


def main(t):
    with Lab() as lab:
        lab.start()
        spool = prepare(lab, "default")
        lab.start_provbox(lab.provbox_conf(provbox_id="pb-keep", spool_dir=spool.path,
                                           log_level=1))
        wait_for(lambda: "pb-keep" in lab.box_ids(), what="provbox identified")
        try:
            wait_for(lambda: not there(spool, "done", "old"), timeout=10,
                     what="the old job removed")
        except TimeoutError as e:
            t.diag(str(e))
        t.ok(not there(spool, "done", "old") and not there(spool, "done", "old.status"),
             "default keep-done (30 days): the job unchanged for 40 days left done/ with its status")
        t.ok("Removed 1 job(s) unchanged for 30 day(s) from done/ (keep-done)."
             in lab.provbox_log("pb-keep"), "the log says so")
        t.ok(there(spool, "done", "late-report") and there(spool, "done", "late-report.status"),
             "a job whose status changed 2 days ago stays")
        t.ok(there(spool, "failed", "old-failed"), "an old job in failed/ stays")
        spool.drop("fresh", [("To", "4795000002"), ("Sec", "USERPIN"), ("Pin", "1234")], DOC)
        wait_for(lambda: there(spool, "done", "fresh"), what="a new job done")
        t.ok(there(spool, "done", "fresh.status"), "a job sent now reaches done/ and stays")

        spool = prepare(lab, "zero")
        lab.start_provbox(lab.provbox_conf(provbox_id="pb-keep0", spool_dir=spool.path,
                                           log_level=1, keep_done=0))
        wait_for(lambda: "pb-keep0" in lab.box_ids(), what="second provbox identified")
        # a job sent proves the loader's first round, which sweeps, is over
        spool.drop("fresh", [("To", "4795000003"), ("Sec", "USERPIN"), ("Pin", "1234")], DOC)
        wait_for(lambda: there(spool, "done", "fresh"), what="a new job done")
        t.ok(there(spool, "done", "old") and there(spool, "done", "old.status"),
             "keep-done = 0: the 40-day-old job stays")


run(main)
