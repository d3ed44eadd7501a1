"""instances.py - three provbox processes on one spool (doc/scaling.md).

They share one provbox-id, so bearerbox hands each delivery report to any
of the three, not only to the one that sent the message: reports are
recorded across processes, under the status locks, while the senders are
still writing the same jobs' status files. Checked from the outside: every
job ends in done/ exactly once, fakesmsc got every segment once, every
recipient's status says delivered, each process sent some of the jobs,
and reports were recorded by processes other than the sender (their
access logs say who sent and who recorded what).
"""
import collections
import os
import re

from lab import Lab, SRCDIR, wait_for
from spool_view import Spool
from tap import run

INSTANCES = 3
SHARED_ID = "pb-shared"
SINGLE_JOBS = 240
GROUP_JOBS = 20         # three recipients each
GROUP_SIZE = 3
DOC = os.path.join(SRCDIR, "doc", "examples", "wm-trust-bootstrap.xml")
STATES = ("new", "active", "deferred", "done", "failed")


def receiver(job, k):
    return "4793%03d%03d" % (job, k)


def drop_jobs(spool, body):
    jobs = {}
    for i in range(SINGLE_JOBS + GROUP_JOBS):
        size = 1 if i < SINGLE_JOBS else GROUP_SIZE
        name = "inst-%04d" % i
        jobs[name] = [receiver(i, k) for k in range(size)]
        headers = [("To", r) for r in jobs[name]] + [("Sec", "USERPIN"), ("Pin", "1234")]
        spool.drop(name, headers, body)
    return jobs


def start_instances(lab):
    """Three configurations alike but for their log files, one provbox-id."""
    procs, access_logs = [], []
    for n in range(INSTANCES):
        access_log = os.path.join(lab.dir, "access-%d.log" % n)
        path = lab.provbox_conf(provbox_id="pb-%d" % n, access_log=access_log,
                                max_pending=40, rescan_interval=1)
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace("provbox-id = pb-%d\n" % n, "provbox-id = %s\n" % SHARED_ID))
        procs.append(lab.start_provbox(path, log_name="provbox-%d.out" % n))
        access_logs.append(access_log)
    wait_for(lambda: lab.box_ids().count(SHARED_ID) == INSTANCES, what="three provboxes identified")
    return procs, access_logs


def everywhere(spool, name):
    return [s for s in STATES if os.path.exists(os.path.join(spool.path, s, name))]


def undelivered(spool, jobs):
    """Jobs with a recipient whose status does not say delivered."""
    return sorted(name for name, receivers in jobs.items()
                  if any(spool.recipients(name).get(r) != "delivered" for r in receivers))


def logged_jobs(path, kind):
    """Job names of the access log's lines of one kind (Sent or DLR)."""
    pattern = re.compile(r"\b%s OMA-CP \[job:([^\]]+)\]" % kind)
    with open(path, errors="replace") as f:
        return [m.group(1) for m in pattern.finditer(f.read())]


def check_segments(t, lab, jobs):
    per_receiver = collections.Counter(m.receiver for m in lab.received())
    want = {r: 2 for receivers in jobs.values() for r in receivers}
    missing = sorted(r for r in want if per_receiver[r] < 2)
    extra = sorted(r for r in per_receiver if per_receiver[r] > want.get(r, 0))
    t.eq(missing, [], "every recipient got both segments of its message")
    t.eq(extra, [], "no recipient got a segment twice")


def check_sharing(t, jobs, access_logs):
    senders = {}
    for n, path in enumerate(access_logs):
        for job in logged_jobs(path, "Sent"):
            senders.setdefault(job, set()).add(n)
    sent_by = collections.Counter(min(s) for s in senders.values())
    t.eq(sorted(j for j, s in senders.items() if len(s) > 1), [],
         "no job was sent by two processes")
    t.eq(len(senders), len(jobs), "the access logs name a sender for every job")
    t.ok(all(sent_by[n] > 0 for n in range(INSTANCES)),
         "each process sent some of the jobs", dict(sent_by))
    recorded = [(n, job) for n, path in enumerate(access_logs) for job in logged_jobs(path, "DLR")]
    foreign = sum(1 for n, job in recorded if n not in senders.get(job, {n}))
    t.diag("%d of %d delivery reports recorded by a process other than the sender"
           % (foreign, len(recorded)))
    t.ok(foreign > 0, "delivery reports were recorded by processes other than the sender",
         foreign)


def main(t):
    with open(DOC, "rb") as f:
        body = f.read()
    with Lab() as lab:
        lab.start()
        spool = Spool(os.path.join(lab.dir, "spool"))
        procs, access_logs = start_instances(lab)
        jobs = drop_jobs(spool, body)
        try:
            wait_for(lambda: all(spool.state_of(n) == "done" for n in jobs)
                     and not undelivered(spool, jobs), timeout=180,
                     what="every job done and every recipient delivered")
        except TimeoutError as e:
            t.diag(str(e))
        t.eq(sorted(n for n in jobs if everywhere(spool, n) != ["done"]), [],
             "every job is in done/, and only there")
        t.eq(undelivered(spool, jobs), [], "every recipient's status says delivered (reports recorded "
             "by whichever process received them)")
        check_segments(t, lab, jobs)
        check_sharing(t, jobs, access_logs)
        t.ok(all(p.poll() is None for p in procs), "the three processes are still running")


run(main)
