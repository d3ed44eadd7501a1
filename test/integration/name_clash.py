"""name_clash.py - a job name that is taken never costs a job (issue 25).

A real bearerbox and fakesmsc, one provbox, one spool:

* `same` with 1,500 recipients is sending when a 3-recipient job also
  named `same` is dropped: both are sent to every recipient (fakesmsc got
  each one's message), the second goes on as `same~...` with
  `Renamed-From: same` in its status and a warning naming both, and
  `done/same` is still the first job with its record.
* `same` dropped again once the first is in done/: the old job file and
  record stay as they were.
* a rejected job whose name is already in failed/: both records stay.
* a job file replaced in active/ (renamed over), and one rewritten in
  place, while the job is sending: done/ gets what was sent, its status
  says Tampered:, and the file found in active/ is kept (not sent) in
  failed/ as NAME~... with Renamed-From: NAME.
"""
import collections
import os

from lab import Lab, wait_for
from spool_view import Spool
from tap import run

DOC = (b'<wap-provisioningdoc><characteristic type="BOOTSTRAP">'
       b'<parm name="NAME" value="name clash"/></characteristic></wap-provisioningdoc>')
BIG = 1500


def receivers(prefix, n):
    return ["47%s%05d" % (prefix, i) for i in range(n)]


def job_bytes(tos):
    head = "".join("To: %s\n" % r for r in tos) + "Sec: USERPIN\nPin: 1234\n\n"
    return head.encode() + DOC


def drop(spool, name, content):
    tmp = os.path.join(spool.path, "tmp", name)
    with open(tmp, "wb") as f:
        f.write(content)
    os.rename(tmp, os.path.join(spool.path, "new", name))


def read(spool, state, name):
    try:
        with open(os.path.join(spool.path, state, name), "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def renamed(spool, state, name):
    """Jobs in state whose status says Renamed-From: name."""
    out = []
    for job in spool.jobs_in(state):
        text = (read(spool, state, job + ".status") or b"").decode("utf-8", "replace")
        if "\nRenamed-From: %s\n" % name in text and job.startswith(name + "~"):
            out.append(job)
    return out


def got_all(lab, tos):
    per = collections.Counter(m.receiver for m in lab.received())
    return [r for r in tos if per[r] == 0]


def wait_sending(lab, tos, at_least):
    wanted = set(tos)
    wait_for(lambda: sum(1 for m in lab.received() if m.receiver in wanted) >= at_least,
             timeout=60, step=0.02, what="%d messages of the big job" % at_least)


def same_name_while_sending(t, lab, spool):
    first, second = receivers("81", BIG), receivers("82", 3)
    drop(spool, "same", job_bytes(first))
    wait_sending(lab, first, 200)
    t.ok(spool.state_of("same") == "active", "the first `same` is sending when the second is dropped")
    drop(spool, "same", job_bytes(second))
    try:
        wait_for(lambda: spool.state_of("same") == "done" and renamed(spool, "done", "same")
                 and not got_all(lab, first + second), timeout=120, what="both jobs done")
    except TimeoutError as e:
        t.diag(str(e))
    t.eq(got_all(lab, second), [], "every recipient of the second `same` got its message")
    t.eq(got_all(lab, first), [], "every recipient of the first `same` got its message")
    t.eq(read(spool, "done", "same"), job_bytes(first), "done/same is the first job")
    t.eq(len(spool.recipients("same")), BIG, "with its own record (%d recipients)" % BIG)
    names = renamed(spool, "done", "same")
    t.eq(len(names), 1, "the second is in done/ under a new name, Renamed-From: same", names)
    if names:
        t.eq(read(spool, "done", names[0]), job_bytes(second), "that is the second job")
        t.eq(sorted(spool.recipients(names[0])), second, "with its own record of its 3 recipients")
        t.ok("another job has this name in active/; it goes on into active/ as %s" % names[0]
             in lab.provbox_log("pb-clash"), "a warning names both names")


def same_name_in_done(t, lab, spool):
    before = (read(spool, "done", "same"), read(spool, "done", "same.status"))
    third = receivers("83", 1)
    drop(spool, "same", job_bytes(third))
    try:
        wait_for(lambda: len(renamed(spool, "done", "same")) == 2 and not got_all(lab, third),
                 timeout=30, what="the third `same` done")
    except TimeoutError as e:
        t.diag(str(e))
    t.eq(got_all(lab, third), [], "a `same` dropped when done/ has one is sent")
    t.ok((read(spool, "done", "same"), read(spool, "done", "same.status")) == before,
         "done/same and its record are untouched")
    t.eq(len(renamed(spool, "done", "same")), 2, "and the new one is recorded apart")


def same_name_in_failed(t, lab, spool):
    bad1, bad2 = b"To: 123\n\n" + DOC, b"To: 4712\nSec: NONSENSE\n\n" + DOC
    drop(spool, "bad", bad1)
    wait_for(lambda: spool.state_of("bad") == "failed", what="the first bad job failed")
    record = read(spool, "failed", "bad.status")
    drop(spool, "bad", bad2)
    try:
        wait_for(lambda: renamed(spool, "failed", "bad"), what="the second bad job failed")
    except TimeoutError as e:
        t.diag(str(e))
    t.ok(read(spool, "failed", "bad") == bad1 and read(spool, "failed", "bad.status") == record,
         "a rejected job whose name is in failed/ leaves the old job and record alone")
    names = renamed(spool, "failed", "bad")
    t.ok(len(names) == 1 and read(spool, "failed", names[0]) == bad2
         and b"Reason: " in (read(spool, "failed", names[0] + ".status") or b""),
         "it is in failed/ under a new name with its own reason", names)


def tamper(t, lab, spool, name, prefix, change):
    tos, other = receivers(prefix, 800), receivers(prefix[0] + "9", 2)
    sent, replacing = job_bytes(tos), job_bytes(other)
    drop(spool, name, sent)
    wait_sending(lab, tos, 100)
    t.ok(spool.state_of(name) == "active", "%s: sending when its file in active/ changes" % name)
    change(os.path.join(spool.path, "active", name), replacing)
    try:
        wait_for(lambda: spool.state_of(name) == "done", timeout=60, what="%s done" % name)
    except TimeoutError as e:
        t.diag(str(e))
    t.eq(got_all(lab, tos), [], "%s: every recipient read at the claim got its message" % name)
    t.ok(read(spool, "done", name) == sent, "%s: done/ holds what was sent" % name)
    status = (read(spool, "done", name + ".status") or b"").decode()
    t.ok("\nTampered: its file in active/ was " in status, "%s: its status says Tampered:" % name,
         status[:300])
    kept = renamed(spool, "failed", name)
    t.ok(len(kept) == 1 and read(spool, "failed", kept[0]) == replacing,
         "%s: the file found in active/ is kept in failed/ as a job of its own" % name, kept)
    t.ok("was rewritten in place" in status or "was replaced" in status, "%s: it says how" % name)


def replace_file(path, content):
    tmp = os.path.join(os.path.dirname(os.path.dirname(path)), "tmp", "replacing")
    with open(tmp, "wb") as f:
        f.write(content)
    os.rename(tmp, path)


def rewrite_in_place(path, content):
    with open(path, "r+b") as f:
        f.truncate(0)
        f.write(content)


def main(t):
    with Lab() as lab:
        lab.start()
        spool = Spool(os.path.join(lab.dir, "spool"))
        lab.start_provbox(lab.provbox_conf(provbox_id="pb-clash", spool_dir=spool.path,
                                           max_pending=10, log_level=1))
        wait_for(lambda: "pb-clash" in lab.box_ids(), what="provbox identified")
        same_name_while_sending(t, lab, spool)
        same_name_in_done(t, lab, spool)
        same_name_in_failed(t, lab, spool)
        tamper(t, lab, spool, "replaced", "84", replace_file)
        tamper(t, lab, spool, "rewritten", "85", rewrite_in_place)
        t.ok(not spool.jobs_in("active") and not spool.jobs_in("new"), "nothing left behind")


if __name__ == "__main__":
    run(main)
