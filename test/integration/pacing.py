"""pacing.py - throttling and send windows end to end (issue 21), through
a real bearerbox and fakesmsc.

Three provbox processes share one lab, each on its own spool, so that the
slow parts run side by side:

  pb-box   throughput = 8: two jobs of 5-segment messages must arrive at
           fakesmsc at 8 segments a second (within 10%, over at least 10
           whole seconds), shared evenly (0.8 recipients a second each);
  pb-rate  one job with Rate: 3: its recipients must arrive at 3 a second
           (within 10%, over at least 10 whole seconds);
  pb-win   send windows: a window that closed a minute ago (Europe/Oslo):
           the job waits in deferred/ with a Reason naming when it opens,
           nothing reaches fakesmsc; one that opened a minute ago (+05:30):
           the job is sent although provbox.conf's send-window (closed)
           would hold jobs without one, as it holds a third job, saying so;
           a window closing at the next minute while a Rate: 1 job sends:
           it stops handing out recipients, goes to deferred/ with its
           record, nothing more arrives; put back with an open window, it
           sends only the recipients not yet sent.

Arrival times are fakesmsc's own log stamps (whole seconds): a rate is the
segments (or first segments) stamped in the whole seconds strictly between
the first and the last one, divided by their number.
"""
import json
import os
import subprocess
import time
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from lab import Lab, PROVCTL, SRCDIR, free_port, wait_for
from spool_view import Spool
from tap import run

PASSWORD = "pace-admin"
BOX_THROUGHPUT = 8
JOB_RATE = 3
TOLERANCE = 0.10
MIN_SECONDS = 10
SEGMENTS = 5                        # spec_appendixC.xml, USERPIN
DOC = open(os.path.join(SRCDIR, "test", "vectors", "spec_appendixC.xml"), "rb").read()


def headers(prefix, count, *extra):
    return [("Sec", "USERPIN"), ("Pin", "1234")] + list(extra) + \
        [("To", "%s%04d" % (prefix, i)) for i in range(count)]


def arrivals(lab):
    """(second stamp, receiver) of every segment fakesmsc got, in order."""
    out = []
    with open(lab.fakesmsc_log, errors="replace") as f:
        for line in f:
            if "Got message " not in line or ": <" not in line:
                continue
            # gwlib stamps log lines in local time
            stamp = datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S").astimezone(timezone.utc)
            receiver = line.split(": <", 1)[1].split(" ")[1]
            out.append((stamp, receiver))
    return out


def whole_second_rate(stamps):
    """Events a second over the whole seconds between the first and the
    last stamp (both left out: they are partly covered): (rate, seconds)."""
    if not stamps:
        return 0.0, 0
    first, last = min(stamps), max(stamps)
    seconds = int((last - first).total_seconds()) - 1
    inside = sum(1 for s in stamps if first < s < last)
    return (inside / seconds if seconds > 0 else 0.0), seconds


def status_page(port, ext="txt"):
    out = subprocess.run([PROVCTL, "status", "--url", "http://127.0.0.1:%d" % port,
                          "--password", PASSWORD, "--format", ext],
                         capture_output=True, text=True, timeout=20)
    return out.stdout


def start_box(lab, box_id, **keys):
    port = free_port()
    conf = lab.provbox_conf(spool_dir=os.path.join(lab.dir, box_id), provbox_id=box_id,
                            admin_port=port, admin_password=PASSWORD, **keys)
    lab.start_provbox(conf, log_name="%s.out" % box_id)
    wait_for(lambda: box_id in lab.box_ids(), timeout=30, what="%s identified" % box_id)
    return Spool(os.path.join(lab.dir, box_id)), port


def hhmm(t, tz):
    return t.astimezone(tz).strftime("%H:%M")


def utc_text(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- throughput ----------------------------------------------------------

def check_throughput(t, lab, spool, port):
    share = "%g" % (BOX_THROUGHPUT / 2.0 / SEGMENTS)
    spool.drop("box-a", headers("47710", 13), DOC)
    spool.drop("box-b", headers("47720", 13), DOC)
    wait_for(lambda: status_page(port).count("paced at") == 2, timeout=20, what="pb-box paces")
    page = status_page(port)
    t.ok("throughput: %d" % BOX_THROUGHPUT in page
         and page.count("pace: paced at %s/s" % share) == 2
         and page.count("limited-by: throughput") == 2,
         "status: throughput %d/s, both jobs paced at %s/s by it (%d segments a second, 2 jobs, "
         "%d segments a recipient)" % (BOX_THROUGHPUT, share, BOX_THROUGHPUT, SEGMENTS), page)
    check_formats(t, port, share)
    wait_for(lambda: spool.state_of("box-a") == "done" and spool.state_of("box-b") == "done",
             timeout=60, what="both throughput jobs done")
    mine = [(s, r) for s, r in arrivals(lab) if r.startswith(("47710", "47720"))]
    rate, seconds = whole_second_rate([s for s, _ in mine])
    t.diag("throughput %d/s: measured %.3f segments/s over %d whole seconds (%d segments)"
           % (BOX_THROUGHPUT, rate, seconds, len(mine)))
    t.ok(len(mine) == 26 * SEGMENTS, "every segment of both jobs arrived once (%d)" % len(mine))
    t.ok(seconds >= MIN_SECONDS and abs(rate - BOX_THROUGHPUT) <= TOLERANCE * BOX_THROUGHPUT,
         "throughput = %d: %.2f segments/s at fakesmsc over %d s (within 10%%)"
         % (BOX_THROUGHPUT, rate, seconds))
    first, last = min(s for s, _ in mine), max(s for s, _ in mine)
    inside = Counter(r[:5] for s, r in mine if first < s < last)
    t.ok(abs(inside["47710"] - inside["47720"]) <= 2 * SEGMENTS,
         "the two jobs share it evenly (%d and %d segments)" % (inside["47710"], inside["47720"]))


def check_formats(t, port, share):
    """The pacing sections in the XML, JSON and HTML forms too."""
    root = ET.fromstring(status_page(port, "xml"))
    jobs = root.findall("paced-jobs/job")
    t.ok(root.findtext("pacing/throughput") == str(BOX_THROUGHPUT)
         and root.findtext("pacing/send-window") == "none" and len(jobs) == 2
         and all(j.findtext("paced-at") == share and j.findtext("limited-by") == "throughput"
                 for j in jobs), "status.xml: pacing and paced-jobs")
    data = json.loads(status_page(port, "json"))
    t.ok(data["pacing"]["throughput"] == BOX_THROUGHPUT and data["pacing"]["paced-jobs"] == 2
         and [j["paced-at"] for j in data["paced-jobs"]] == [float(share)] * 2,
         "status.json: the throughput and the paces as numbers", data.get("paced-jobs"))
    t.ok(status_page(port, "html").count("paced at %s/s" % share) == 2,
         "status.html: paced at %s/s, twice" % share)


# ---- Rate: ----------------------------------------------------------------

def check_rate(t, lab, spool, port):
    spool.drop("rated", headers("47730", 40, ("Rate", str(JOB_RATE))), DOC)
    wait_for(lambda: "paced at" in status_page(port), timeout=20, what="pb-rate paces")
    page = status_page(port)
    t.ok("pace: paced at %d/s" % JOB_RATE in page and "limited-by: Rate" in page
         and "throughput: 0" in page,
         "provctl status --url: the job paced at %d/s by its Rate:, no throughput" % JOB_RATE,
         page)
    wait_for(lambda: spool.state_of("rated") == "done", timeout=60, what="the Rate: job done")
    firsts = {}
    for stamp, receiver in arrivals(lab):
        if receiver.startswith("47730"):
            firsts.setdefault(receiver, stamp)
    rate, seconds = whole_second_rate(list(firsts.values()))
    t.diag("Rate: %d: measured %.3f recipients/s over %d whole seconds" % (JOB_RATE, rate, seconds))
    t.ok(len(firsts) == 40, "every recipient of the Rate: job arrived")
    t.ok(seconds >= MIN_SECONDS and abs(rate - JOB_RATE) <= TOLERANCE * JOB_RATE,
         "Rate: %d: %.2f recipients/s at fakesmsc over %d s (within 10%%)"
         % (JOB_RATE, rate, seconds))


# ---- send windows -----------------------------------------------------------

def closed_and_open_windows(spool):
    """Drop a job whose window (Europe/Oslo) closed a minute ago, one whose
    window (+05:30) opened a minute ago, and one without a window; returns
    the closed window, and when it opens again (UTC)."""
    oslo = ZoneInfo("Europe/Oslo")
    now = datetime.now(timezone.utc)
    start = (now - timedelta(minutes=61)).astimezone(oslo)
    closed = "%s-%s Europe/Oslo" % (hhmm(start, oslo), hhmm(now - timedelta(minutes=1), oslo))
    opens = datetime.combine(now.astimezone(oslo).date(), start.time().replace(second=0,
                             microsecond=0), tzinfo=oslo)
    while opens <= now:
        opens = datetime.combine(opens.date() + timedelta(days=1), opens.timetz())
    ist = timezone(timedelta(hours=5, minutes=30))
    opened = "%s-%s +05:30" % (hhmm(now - timedelta(minutes=1), ist),
                               hhmm(now + timedelta(minutes=59), ist))
    spool.drop("win-closed", headers("47740", 2, ("Send-Window", closed)), DOC)
    spool.drop("win-open", headers("47750", 2, ("Send-Window", opened)), DOC)
    spool.drop("win-default", headers("47760", 2), DOC)
    return closed, opens


def check_windows(t, lab, spool, closed, opens):
    wait_for(lambda: spool.state_of("win-closed") == "deferred"
             and spool.state_of("win-default") == "deferred"
             and spool.state_of("win-open") == "done", timeout=30,
             what="closed windows deferred, the open one done")
    status = spool.status("win-closed") or ""
    want = "Reason: waiting for Send-Window %s, which opens %s" % (closed, utc_text(opens))
    t.ok("State: deferred" in status and want in status,
         "a window that closed a minute ago: deferred/, the Reason names when it opens",
         "want %r in\n%s" % (want, status))
    status = spool.status("win-default") or ""
    t.ok("Reason: waiting for send-window" in status and "(provbox.conf)" in status,
         "no Send-Window: provbox.conf's send-window holds it, and the Reason says so", status)
    recipients = spool.recipients("win-open")
    t.ok(len(recipients) == 2 and set(recipients.values()) <= {"sent", "delivered"},
         "a window that opened a minute ago: the job is sent", recipients)
    got = Counter(r[:5] for _, r in arrivals(lab))
    t.ok(got["47740"] == 0 and got["47760"] == 0 and got["47750"] == 2 * SEGMENTS,
         "fakesmsc got the open window's job, nothing of the waiting ones", got)


def window_to_next_minute():
    """A UTC window of an hour ending at the first minute boundary at least
    10 s away, and that boundary."""
    now = time.time()
    end = (int(now) // 60 + 1) * 60
    if end - now < 10:
        end += 60
    start = datetime.fromtimestamp(end - 3600, timezone.utc)
    close = datetime.fromtimestamp(end, timezone.utc)
    return "%s-%s UTC" % (start.strftime("%H:%M"), close.strftime("%H:%M")), close


def sent_state(spool, name):
    states = spool.recipients(name)
    return [m for m, s in states.items() if s != "queued"], states


def check_closing_mid_job(t, lab, spool, name, window, close):
    wait_for(lambda: spool.state_of(name) == "deferred", timeout=100,
             what="the job deferred when its window closed")
    moved = os.stat(os.path.join(spool.path, "deferred", name)).st_ctime
    deferred_at = datetime.fromtimestamp(moved, timezone.utc)
    status = spool.status(name) or ""
    opens = utc_text(close - timedelta(hours=1) + timedelta(days=1))
    t.ok((deferred_at - close).total_seconds() < 10
         and "Reason: waiting for Send-Window %s, which opens %s" % (window, opens) in status,
         "window closing mid-job: deferred/ within seconds, due when it opens (%s)" % opens,
         status)
    time.sleep(2)
    sent, states = sent_state(spool, name)
    order = sorted(states)
    arrived = Counter(r for _, r in arrivals(lab) if r.startswith("47770"))
    late = [s for s, r in arrivals(lab) if r.startswith("47770")
            and s > close + timedelta(seconds=1)]
    t.ok(5 <= len(sent) < len(order) and sorted(sent) == order[:len(sent)],
         "it stopped handing out recipients: the first %d of %d sent, the rest queued"
         % (len(sent), len(order)), states)
    t.ok(set(arrived) == set(sent) and all(n == SEGMENTS for n in arrived.values())
         and not late, "fakesmsc got exactly those, whole, and nothing after the close",
         "arrived %d, late %d" % (len(arrived), len(late)))
    return len(sent), len(order)


def resume(t, lab, spool, name, sent_before, total):
    """Put the job back with a window open all day (a fast Rate:)."""
    path = os.path.join(spool.path, "deferred", name)
    with open(path) as f:
        text = f.read()
    text = "\n".join("Send-Window: 00:00-24:00 UTC" if l.startswith("Send-Window:")
                     else "Rate: 50" if l.startswith("Rate:") else l
                     for l in text.split("\n"))
    tmp = os.path.join(spool.path, "deferred", ".resume")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)
    wait_for(lambda: spool.state_of(name) == "done", timeout=30, what="the resumed job done")
    arrived = Counter(r for _, r in arrivals(lab) if r.startswith("47770"))
    states = spool.recipients(name)
    t.ok(len(arrived) == total and all(n == SEGMENTS for n in arrived.values())
         and set(states.values()) <= {"sent", "delivered"},
         "put back with an open window, it sends the other %d; none of the first %d twice"
         % (total - sent_before, sent_before), arrived)


def main(t):
    with Lab() as lab:
        lab.start()
        box, box_port = start_box(lab, "pb-box", throughput=BOX_THROUGHPUT)
        rate, rate_port = start_box(lab, "pb-rate")
        default_window = "%s-%s UTC" % (
            hhmm(datetime.now(timezone.utc) - timedelta(hours=2), timezone.utc),
            hhmm(datetime.now(timezone.utc) - timedelta(hours=1), timezone.utc))
        win, _ = start_box(lab, "pb-win", send_window=default_window, rescan_interval=1)
        window, close = window_to_next_minute()
        win.drop("mid", headers("47770", 80, ("Rate", "1"), ("Send-Window", window)), DOC)
        closed, opens = closed_and_open_windows(win)
        check_throughput(t, lab, box, box_port)
        check_rate(t, lab, rate, rate_port)
        check_windows(t, lab, win, closed, opens)
        sent, total = check_closing_mid_job(t, lab, win, "mid", window, close)
        resume(t, lab, win, "mid", sent, total)


run(main)
