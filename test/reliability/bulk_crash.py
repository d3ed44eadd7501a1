"""bulk_crash.py - kill -9 provbox three times in the middle of one big job.

One job of 20,000 recipients (BULK_CRASH_RECIPIENTS), with delivery
reports, through a lab bearerbox (store-type file) into fakesmsc. provbox
is killed with SIGKILL at three random moments while the job is being sent
and started again each time; the restarted provbox adopts the job from
active/ and resumes from its status file, changed in place. At the end:

  * the job is in done/ (nothing lost) and every recipient got its
    message at the SMSC;
  * the record agrees with the SMSC: every recipient's slot says sent or
    delivered, every check verifies, none was found torn (a kill -9 is no
    power cut: what was written is in the page cache);
  * each kill sent at most max-pending messages again (duplicates are
    counted at the SMSC, charged to the kill that preceded them).

Slow: `make check-crash`. CRASH_SEED makes the kill moments repeatable.
"""
import os
import random
import time

from lab import Lab, wait_for
from spool_view import Spool, logical_status
from tap import run

RECIPIENTS = int(os.environ.get("BULK_CRASH_RECIPIENTS", "20000"))
KILLS = 3
MAX_PENDING = 200
NAME = "bulk-crash"
DOC = (b'<wap-provisioningdoc><characteristic type="NAPDEF">'
       b'<parm name="NAME" value="bulk crash"/><parm name="NAP-ADDRESS" '
       b'value="internet.example"/></characteristic></wap-provisioningdoc>')


def receiver(i):
    return "4797%06d" % i




def duplicates_per_kill(lines, kill_at):
    """Messages received again after each kill (index 0: before any)."""
    seen, per = set(), [0] * (len(kill_at) + 1)
    for index, line in enumerate(lines):
        r = line.split(" ")[1]
        if r in seen:
            per[sum(1 for at in kill_at if at <= index)] += 1
        seen.add(r)
    return per


def records(spool):
    state = spool.state_of(NAME)
    with open(os.path.join(spool.path, state, NAME + ".status"),
              errors="surrogateescape") as f:
        text = logical_status(f.read())
    out = {}
    for line in text.splitlines():
        if line.startswith("Recipient: "):
            w = line.split()
            out[w[1]] = w[2]
    return out


def main(t):
    seed = int(os.environ.get("CRASH_SEED", str(int(time.time()))))
    rng = random.Random(seed)
    t.diag("CRASH_SEED=%d" % seed)
    points = sorted(rng.sample(range(RECIPIENTS * 5 // 100, RECIPIENTS * 85 // 100), KILLS))
    with Lab(store_type="file") as lab:
        lab.start()
        spool = Spool(os.path.join(lab.dir, "spool"))
        for d in ("tmp", "new"):
            os.makedirs(os.path.join(spool.path, d), exist_ok=True)
        conf = lab.provbox_conf(provbox_id="pb-bulk-crash", spool_dir=spool.path,
                                max_pending=MAX_PENDING, rescan_interval=1,
                                max_job_size=4 * 1024 * 1024)
        proc = lab.restart_provbox(conf, "pb-bulk-crash", 0)
        spool.drop(NAME, [("Sec", "USERPIN"), ("Pin", "1234")]
                   + [("To", receiver(i)) for i in range(RECIPIENTS)], DOC)
        kill_at = []
        for n, point in enumerate(points, 1):
            wait_for(lambda: len(lab.received_lines()) >= point, timeout=300, step=0.01,
                     what="%d messages at the SMSC" % point)
            lab.kill(proc)
            kill_at.append(lab.settled_count())
            t.diag("kill -9 provbox #%d with %d messages at the SMSC" % (n, kill_at[-1]))
            proc = lab.restart_provbox(conf, "pb-bulk-crash", n)
        wait_for(lambda: spool.state_of(NAME) == "done", timeout=600, what="the job done")
        try:
            wait_for(lambda: list(records(spool).values()).count("delivered") >= RECIPIENTS,
                     timeout=60, step=0.5, what="delivery reports recorded")
        except Exception:
            pass    # reports bearerbox lost with a killed box: sent stays sent
        lines = lab.received_lines()
        got = {line.split(" ")[1] for line in lines}
        says = records(spool)
        t.eq(spool.state_of(NAME), "done", "the job ended in done/")
        t.eq(len(got), RECIPIENTS, "every recipient got its message at the SMSC")
        t.eq(sorted(set(says.values()) - {"sent", "delivered"}), [],
             "every record says sent or delivered")
        t.eq(set(says), got, "the record lists exactly the recipients the SMSC got")
        per = duplicates_per_kill(lines, kill_at)
        t.diag("duplicates per kill (before, then each kill): %s, max-pending %d"
               % (per, MAX_PENDING))
        t.eq(per[0], 0, "no duplicates without a crash")
        t.ok(all(n <= MAX_PENDING for n in per[1:]),
             "each kill sends at most max-pending (%d) messages again" % MAX_PENDING, per)
        t.diag("records that say delivered: %d of %d"
               % (list(says.values()).count("delivered"), RECIPIENTS))
        t.ok("torn" not in lab.provbox_log("pb-bulk-crash"), "no record found torn after kill -9")
        t.ok(proc.poll() is None, "the last provbox is still running")


run(main)
