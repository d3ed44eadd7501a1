"""crash.py - kill -9 provbox and bearerbox in the middle of a bulk run.

2,000 one-recipient jobs go through a lab bearerbox (store-type file).
provbox is killed with SIGKILL at random moments at least 5 times and
started again each time; once, bearerbox is killed and restarted instead,
and the running provbox must reconnect by itself. At the end:

  * every job is in done/ or failed/ (lost = 0), and its status is true:
    a job in done/ says "Recipient: N sent|delivered" and fakesmsc did get
    every part of N's message; a job in failed/ has a Reason;
  * duplicates are counted at the SMSC: fakesmsc's lines grouped by
    receiver and part (every fourth job needs two SMS); every copy after
    the first is a duplicate, charged to the kill that preceded it. Each
    kill may send at most max-pending messages again; in segments, at most
    max-pending plus the parts of those messages that had been recorded
    (a message is resent whole; doc/delivery-guarantees.md).

Slow (10 s to a minute): `make check-crash`. CRASH_JOBS and CRASH_KILLS
override the figures; CRASH_SEED makes the kill moments repeatable.
"""
import os
import random
import time

import wire
from lab import Lab, Received, wait_for
from spool_view import Spool
from tap import run

JOBS = int(os.environ.get("CRASH_JOBS", "2000"))
KILLS = int(os.environ.get("CRASH_KILLS", "6"))  # of provbox; bearerbox once
MAX_PENDING = 40
DOC = (b'<wap-provisioningdoc><characteristic type="NAPDEF">'
       b'<parm name="NAME" value="crash test"/><parm name="NAP-ADDRESS" '
       b'value="internet.example"/></characteristic></wap-provisioningdoc>')
DOC_TWO_SMS = (b'<wap-provisioningdoc><characteristic type="NAPDEF">'
               + b"".join(b'<parm name="NAME" value="crash test, two segments %d"/>' % i
                          for i in range(5))
               + b'</characteristic></wap-provisioningdoc>')


def receiver(i):
    return "4795%06d" % i


def job_name(i):
    return "crash-%04d" % i


def jobs_in(spool, state):
    return [n for n in os.listdir(os.path.join(spool.path, state))
            if n.startswith("crash-") and not n.endswith(".status")]


def finished(spool):
    return len(jobs_in(spool, "done")) + len(jobs_in(spool, "failed"))


def stale_temp_files(spool):
    """Temp files (.tmp.*) a killed provbox left behind."""
    return sum(1 for state in ("tmp", "new", "active", "deferred", "done", "failed")
               for n in os.listdir(os.path.join(spool.path, state)) if n.startswith(".tmp."))



def segment_key(line):
    """(receiver, parts, part) of one fakesmsc line. Each receiver has one
    job, so a second copy of a part is a duplicate whatever its reference."""
    msg = Received(line)
    concat = wire.parse_udh(msg.udh)["concat"]
    return (msg.receiver,) + ((concat[1], concat[2]) if concat else (1, 1))


def complete_receivers(lines):
    """Receivers for whom fakesmsc got every part of the message."""
    parts = {}
    for line in lines:
        receiver, total, seq = segment_key(line)
        parts.setdefault((receiver, total), set()).add(seq)
    return {r for (r, total), seen in parts.items() if seen == set(range(1, total + 1))}


def malformed_pushes(lines):
    """Receivers whose first copy does not reassemble into a WSP push."""
    first = {}
    for line in lines:
        msg = Received(line)
        key = segment_key(line)
        first.setdefault(msg.receiver, {}).setdefault(key, (msg.udh, msg.data))
    bad = []
    for receiver, segments in first.items():
        try:
            if wire.parse_push(wire.reassemble(list(segments.values())))["type"] != 0x06:
                bad.append(receiver)
        except (ValueError, KeyError, IndexError) as e:
            bad.append("%s: %s" % (receiver, e))
    return bad


def count_duplicates(lines, events):
    """Duplicates per event (events are (line count at the time, label)):
    [segments, messages], where a message counts once per event however
    many of its parts came again. Index 0: before the first event."""
    seen = set()
    segments = [0] * (len(events) + 1)
    messages = [set() for _ in range(len(events) + 1)]
    for index, line in enumerate(lines):
        key = segment_key(line)
        if key in seen:
            charged = sum(1 for at, _ in events if at <= index)
            segments[charged] += 1
            messages[charged].add(key[0])
        seen.add(key)
    return [[n, len(m)] for n, m in zip(segments, messages)]


def check_statuses(t, spool, got):
    lost, untrue = [], []
    for i in range(JOBS):
        name = job_name(i)
        state = spool.state_of(name)
        status = spool.status(name) or ""
        if state == "done":
            says = spool.recipients(name).get(receiver(i))
            if says not in ("sent", "delivered") or receiver(i) not in got:
                untrue.append((name, says, receiver(i) in got))
        elif state == "failed":
            if "Reason:" not in status:
                untrue.append((name, "failed without a reason", None))
        else:
            lost.append((name, state))
    t.eq(lost, [], "every job is in done/ or failed/")
    t.eq(untrue, [], "every status is true (done: fakesmsc got every part; failed: a reason)")
    return len(lost)



def kill_points(rng):
    """Random moments, as numbers of finished jobs: KILLS provbox kills and
    one bearerbox kill, spread over 3%-90% of the run."""
    points = sorted(rng.sample(range(JOBS * 3 // 100, JOBS * 9 // 10), KILLS + 1))
    labels = ["provbox"] * (KILLS + 1)
    labels[KILLS // 2] = "bearerbox"
    return list(zip(points, labels))


def crash_run(t, lab, spool, conf, rng):
    events = []
    proc = lab.restart_provbox(conf, "pb-crash", 0)
    kills = 0
    for point, what in kill_points(rng):
        wait_for(lambda: finished(spool) >= point, timeout=120, what="%d jobs finished" % point)
        if what == "bearerbox":
            events.append((len(lab.received_lines()), "bearerbox kill"))
            t.diag("kill -9 bearerbox with %d/%d jobs finished" % (finished(spool), JOBS))
            lab.restart_bearerbox()
            t.ok(proc.poll() is None, "provbox survives a kill -9 of bearerbox")
            wait_for(lambda: "pb-crash" in lab.box_ids(), timeout=60,
                     what="provbox reconnected to the restarted bearerbox")
            t.ok(True, "provbox reconnects to the restarted bearerbox by itself")
            continue
        lab.kill(proc)
        kills += 1
        events.append((lab.settled_count(), "provbox kill %d" % kills))
        t.diag("kill -9 provbox #%d with %d/%d jobs finished" % (kills, finished(spool), JOBS))
        proc = lab.restart_provbox(conf, "pb-crash", kills)
    wait_for(lambda: finished(spool) >= JOBS, timeout=240, what="every job finished")
    return kills, events, proc


def main(t):
    seed = int(os.environ.get("CRASH_SEED", str(int(time.time()))))
    rng = random.Random(seed)
    t.diag("CRASH_SEED=%d" % seed)
    with Lab(store_type="file") as lab:
        lab.start()
        spool = Spool(os.path.join(lab.dir, "spool"))
        conf = lab.provbox_conf(provbox_id="pb-crash", max_pending=MAX_PENDING,
                                rescan_interval=1, spool_dir=spool.path)
        for d in ("tmp", "new"):
            os.makedirs(os.path.join(spool.path, d), exist_ok=True)
        for i in range(JOBS):
            spool.drop(job_name(i), [("To", receiver(i)), ("Sec", "USERPIN"), ("Pin", "1234")],
                       DOC_TWO_SMS if i % 4 == 0 else DOC)
        started = time.time()
        kills, events, proc = crash_run(t, lab, spool, conf, rng)
        elapsed = time.time() - started
        t.ok(kills >= min(5, KILLS), "provbox was killed %d times mid-run" % kills)
        t.ok(any(label == "bearerbox kill" for _, label in events), "bearerbox was killed once mid-run")
        lines = lab.received_lines()
        got = complete_receivers(lines)
        lost = check_statuses(t, spool, got)
        missing = [i for i in range(JOBS) if receiver(i) not in got
                   and spool.state_of(job_name(i)) != "failed"]
        t.eq(missing, [], "every recipient not in failed/ got its whole message at the SMSC")
        t.eq(malformed_pushes(lines), [], "every message at the SMSC reassembles into a WSP push")
        per_event = count_duplicates(lines, events)
        duplicated = sum(n for n, _ in per_event)
        t.diag("jobs %d, lost %d, duplicated %d segments of %d messages, SMS at the SMSC "
               "%d, %.0f s" % (JOBS, lost, duplicated, sum(m for _, m in per_event),
                               len(lines), elapsed))
        for (_, label), (dups, msgs) in zip(events, per_event[1:]):
            t.diag("  after %s: %d duplicate segments, %d messages (max-pending %d)"
                   % (label, dups, msgs, MAX_PENDING))
        t.diag("temp files left by killed writes: %d" % stale_temp_files(spool))
        t.eq(per_event[0], [0, 0], "no duplicates without a crash")
        t.ok(all(m <= MAX_PENDING for _, m in per_event[1:]),
             "each crash sends at most max-pending (%d) messages again" % MAX_PENDING, per_event)
        # a message is resent whole: its parts recorded before the crash
        # come again too (at most one per message here: two parts at most)
        t.ok(all(n <= MAX_PENDING + m for n, m in per_event[1:]),
             "each crash duplicates at most max-pending segments plus the recorded "
             "parts of the messages sent again", per_event)
        t.ok(proc.poll() is None, "the last provbox is still running")


run(main)
