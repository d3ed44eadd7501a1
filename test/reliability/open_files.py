"""open_files.py - provbox under a tight open-files limit (open_files.h).

Every job provbox works on holds a descriptor, and a round of recording
may hold one more per job, so max-pending 500 needs about 1,256 open files
where systemd's default soft limit is 1,024. Before open_files.c, a process
short of descriptors failed jobs for good ("Too many open files").

Two runs of 400 two-segment jobs with max-pending 500, each provbox started
under prlimit:
  - soft 128, hard 4096: provbox raises its soft limit to what it needs
    and says so;
  - soft = hard = 300: it cannot, so it warns (naming max-pending, the
    limit and how many jobs it works on at once) and works on fewer.
Either way every job ends in done/, none in failed/, every recipient gets
both segments once, the log has no "Too many open files", and the status
page's window/max-active-jobs says how many jobs provbox works on at once.
"""
import collections
import json
import os
import re
import shutil

from lab import Lab, SRCDIR, free_port, wait_for
from spool_view import Spool
from tap import run

JOBS = 400
MAX_PENDING = 500
ADMIN_PW = "files-admin"
DOC = os.path.join(SRCDIR, "doc", "examples", "wm-trust-bootstrap.xml")


def receiver(run_name, i):
    return "4794%d%05d" % (run_name == "hard", i)


def soft_limit(pid):
    with open("/proc/%d/limits" % pid) as f:
        line = next(l for l in f if l.startswith("Max open files"))
    return int(line.split()[3])


def start(lab, name, nofile):
    spool = Spool(os.path.join(lab.dir, "spool-" + name))
    for d in ("tmp", "new"):
        os.makedirs(os.path.join(spool.path, d))
    with open(DOC, "rb") as f:
        body = f.read()
    for i in range(JOBS):
        spool.drop("of-%s-%04d" % (name, i),
                   [("To", receiver(name, i)), ("Sec", "USERPIN"), ("Pin", "1234")], body)
    port = free_port()
    conf = lab.provbox_conf(provbox_id="pb-" + name, spool_dir=spool.path, max_pending=MAX_PENDING,
                            log_level=1, admin_port=port, admin_password=ADMIN_PW)
    proc = lab.start_provbox(conf, log_name="provbox-%s.out" % name,
                             wrapper=("prlimit", "--nofile=%s" % nofile, "--"))
    return spool, proc, port


def max_active_jobs(lab, port):
    body = lab.http_get("/status.json?password=" + ADMIN_PW, port=port)
    return json.loads(body)["window"]["max-active-jobs"] if body else None


def check_all_sent(t, lab, spool, proc, name):
    try:
        wait_for(lambda: len(spool.jobs_in("done")) + len(spool.jobs_in("failed")) >= JOBS,
                 timeout=60, what="%d jobs finished" % JOBS)
    except TimeoutError as e:
        t.diag(str(e))
    t.ok(proc.poll() is None, "%s: provbox keeps running" % name)
    t.eq((len(spool.jobs_in("done")), len(spool.jobs_in("failed"))), (JOBS, 0),
         "%s: every job in done/, none in failed/ (done, failed)" % name)
    wait_for(lambda: sum(1 for m in lab.received() if m.receiver.startswith(receiver(name, 0)[:5]))
             >= 2 * JOBS, timeout=30, what="segments at the SMSC")
    per = collections.Counter(m.receiver for m in lab.received())
    got = [per[receiver(name, i)] for i in range(JOBS)]
    t.ok(all(n == 2 for n in got), "%s: every recipient got both segments once" % name,
         "counts seen: %s" % sorted(set(got)))
    t.ok("Too many open files" not in lab.provbox_log("pb-" + name),
         "%s: no operation ran out of descriptors" % name)


def main(t):
    if shutil.which("prlimit") is None:
        t.ok(True, "# SKIP prlimit (util-linux) not installed")
        return
    with Lab() as lab:
        lab.start()
        spool, proc, port = start(lab, "soft", "128:4096")
        wait_for(lambda: "pb-soft" in lab.box_ids(), what="provbox identified")
        t.eq(soft_limit(proc.pid), 256 + 2 * MAX_PENDING,
             "soft 128, hard 4096: provbox raises its soft limit to 256 + 2 x max-pending")
        t.ok("Open-files limit raised from 128 to 1256." in lab.provbox_log("pb-soft"),
             "and logs that it did")
        t.eq(max_active_jobs(lab, port), MAX_PENDING,
             "its status page: window/max-active-jobs is max-pending")
        check_all_sent(t, lab, spool, proc, "soft")

        spool, proc, port = start(lab, "hard", "300:300")
        wait_for(lambda: "pb-hard" in lab.box_ids(), what="provbox identified")
        warned = re.search(r"WARNING: max-pending 500 needs 1256 open files, but the limit is 300 "
                           r"\(hard limit 300\): provbox works on at most (\d+) job\(s\) at once\. "
                           r"Raise the limit", lab.provbox_log("pb-hard"))
        t.ok(warned is not None and int(warned.group(1)) == (300 - 256) // 2,
             "soft = hard = 300: provbox warns that it works on %d jobs at once"
             % ((300 - 256) // 2))
        t.eq(max_active_jobs(lab, port), (300 - 256) // 2,
             "its status page: window/max-active-jobs says so too")
        check_all_sent(t, lab, spool, proc, "hard")


run(main)
