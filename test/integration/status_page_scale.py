"""status_page_scale.py - the status page costs what it shows, not what
the spool holds.

Two provbox processes, one on a spool with 10 jobs in done/ and one on a
spool with 100,000 (each with its status file: 200,000 entries), each
with 3 jobs waiting in deferred/ for a Not-Before: hours away, run under
callgrind collecting only inside status_page_render(). Each serves the
HTML and JSON pages 20 times; the instructions per render on the big
spool must stay within 1.5 times those on the small one, measured in the
same run (a ratio, not a timed assert). The same measure on
`provctl status --spool`, which still reads every state directory, shows
what it would otherwise see: a cost that grows with done/.
"""
import os
import re
import shutil
import signal
import subprocess
import urllib.request
from datetime import datetime, timedelta, timezone

from lab import Lab, PROVBOX, PROVCTL, free_port, wait_for
from tap import run

BIG, SMALL = 100000, 10
RENDERS = 20
PASSWORD = "scale-pw"
MAX_RATIO = 1.5


def make_spool(path, done):
    for state in ("tmp", "new", "active", "deferred", "done", "failed"):
        os.makedirs(os.path.join(path, state), mode=0o770, exist_ok=True)
    job = b"To: 4790000001\nSec: USERPIN\nPin: 1234\n\n<wap-provisioningdoc/>\n"
    for i in range(done):
        name = "20261204T000000.%06d.1.000001.old" % i
        with open(os.path.join(path, "done", name), "wb") as f:
            f.write(job)
        with open(os.path.join(path, "done", name + ".status"), "wb") as f:
            f.write(b"Job: " + name.encode() + b"\nState: done\n\n"
                    b"Recipient: 4790000001 delivered parts=1 acked=1 delivered=1\n")
    later = (datetime.now(timezone.utc) + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for i in range(3):
        with open(os.path.join(path, "deferred", "later-%d" % i), "wb") as f:
            f.write(b"Not-Before: " + later.encode() + b"\n" + job)


def callgrind(out, *collect):
    return ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + \
        ["--toggle-collect=" + c for c in collect]


def collected(path):
    """The instructions callgrind counted (its summary line)."""
    with open(path) as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    return None


def render_cost(lab, name, spool):
    """Instructions per render of provbox on this spool (HTML and JSON)."""
    port = free_port()
    out = os.path.join(lab.dir, "callgrind.%s.out" % name)
    conf = lab.provbox_conf(provbox_id="pb-" + name, spool_dir=spool, admin_port=port,
                            admin_password=PASSWORD, log_level=1)
    proc = lab.start_provbox(conf, log_name="provbox-%s.out" % name,
                             wrapper=callgrind(out, "status_page_render"))
    page = "http://127.0.0.1:%d/status.%%s?password=%s" % (port, PASSWORD)

    def fetch(ext):
        with urllib.request.urlopen(page % ext, timeout=60) as r:
            return r.read().decode("utf-8")
    wait_for(lambda: lab.http_get("/status.txt?password=" + PASSWORD, port=port, timeout=30),
             timeout=300, what="provbox %s under callgrind" % name)
    # the loader looks at the deferred jobs after the admin port opens
    wait_for(lambda: fetch("json").count('"state": "deferred"') == 3, timeout=300,
             what="provbox %s has seen its 3 deferred jobs" % name)
    subprocess.run(["callgrind_control", "--zero", str(proc.pid)], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True, timeout=60)
    pages = [fetch(ext) for ext in ("html", "json") for _ in range(RENDERS)]
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    return collected(out) / (2 * RENDERS), pages


def scan_cost(lab, name, spool):
    """Instructions of provctl status --spool (a directory read per state)."""
    out = os.path.join(lab.dir, "callgrind.provctl-%s.out" % name)
    subprocess.run(callgrind(out, "spool_count") + [PROVCTL, "status", "--spool", spool],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    return collected(out)


def main(t):
    if shutil.which("valgrind") is None:
        t.ok(False, "valgrind is installed (test/deps.sh installs it)")
        return
    with open(PROVBOX, "rb") as f:
        if b"__asan_init" in f.read():
            t.ok(True, "# SKIP a sanitizer build (ASan and valgrind do not mix)")
            return
    with Lab() as lab:
        lab.start()
        spools = {}
        for name, done in (("small", SMALL), ("big", BIG)):
            spools[name] = os.path.join(lab.dir, "spool-" + name)
            make_spool(spools[name], done)
        costs, pages = {}, {}
        for name in ("small", "big"):
            costs[name], pages[name] = render_cost(lab, name, spools[name])
        t.diag("instructions per render: %.0f with %d jobs in done/, %.0f with %d (ratio %.3f)"
               % (costs["small"], SMALL, costs["big"], BIG, costs["big"] / costs["small"]))
        t.ok('"done": %d' % BIG in pages["big"][-1] and '"done": %d' % SMALL in pages["small"][-1],
             "each page counts its done/ (%d and %d jobs)" % (BIG, SMALL))
        t.ok(all(p.count('"state": "deferred"') == 3 for p in pages["big"][RENDERS:]),
             "each JSON page lists the 3 deferred jobs")
        t.ok(costs["big"] <= MAX_RATIO * costs["small"],
             "render cost with %d jobs in done/ within %.1fx that with %d (%.3fx)"
             % (BIG, MAX_RATIO, SMALL, costs["big"] / costs["small"]))
        scans = {name: scan_cost(lab, name, spools[name]) for name in ("small", "big")}
        t.diag("instructions of spool_count() in provctl status --spool: %d (small), %d (big)"
               % (scans["small"], scans["big"]))
        t.ok(scans["big"] > 100 * scans["small"],
             "the measure sees a directory read: counting the spool grows with done/ (%.0fx)"
             % (scans["big"] / scans["small"]))


run(main)
