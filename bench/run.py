#!/usr/bin/env python3
"""bench/run.py - provbox's benchmarks (issue 8), side by side in one run.

    python3 bench/run.py --build /tmp/build [--quick] [--runs N] [--only a,b]

Parts (--only picks some): ceiling, e2e, sendota, encoder, spool, latency,
multi, floor, bulk, and (only when asked for) million and template. Each starts its own
throw-away lab (test/lib/lab.py: bearerbox + fakesmsc on free 127.0.0.1
ports) and stops what it started. Segments are counted where they arrive:
the "Got message" lines fakesmsc writes into its log (-v 0 -F file -V 0),
polled every few milliseconds. Every figure is
printed; medians of --runs runs go to OUT/results.json, the time series to
OUT/*.dat and, when gnuplot is installed (bench/deps.sh), OUT/*.png.
"""
import argparse
import atexit
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(SRC, "doc", "examples", "wm-trust-bootstrap.xml")
# The template part's document: the e-mail example with per-user values.
TEMPLATE_SOURCE = os.path.join(SRC, "doc", "examples", "email-imap.xml")
TEMPLATE_KINDS = ("shared", "own-pin", "templated")
RECEIVER_BASE = 4790000000
PIN = "1234"
ADMIN_PASSWORD = "bench-admin"
DEFAULT_DLR_MASK = 27
CLAIM_CHUNK = 64        # provbox's loader hands jobs over 64 at a time
FLOOR_MODES = ("renames", "status", "dlr")

# The dropper: reads job names on stdin, renames them from argv[1] into
# argv[2], prints the time of its first and of its last rename.
DROPPER = """
import os, sys, time
names = sys.stdin.read().split()
print(time.time(), flush=True)
for name in names:
    os.rename(os.path.join(sys.argv[1], name), os.path.join(sys.argv[2], name))
print(time.time(), flush=True)
"""


def log(text):
    print(text, flush=True)


# ---- process figures from /proc --------------------------------------------

def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_when_idle(pid, timeout=120):
    """CPU seconds once the process has stopped using CPU (DLRs recorded)."""
    deadline = time.time() + timeout
    last = cpu_seconds(pid)
    while time.time() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(pid)
        if now - last < 0.02:
            return now
        last = now
    return last


def machine_busy_seconds():
    """CPU seconds all cores together have been busy so far (/proc/stat:
    everything but idle and iowait)."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


class CpuAccount:
    """Where the machine's cores went from its creation to stop(): the busy
    cores overall and each named process's share, in cores (CPU seconds
    per second). "others" is what none of them used: the bench itself (its
    meter and dropper), curl, the kernel's own threads."""

    def __init__(self, pids):
        self.pids = pids
        self.t0 = time.time()
        self.busy0 = machine_busy_seconds()
        self.cpu0 = {name: cpu_seconds(pid) for name, pid in pids.items()}

    def stop(self):
        seconds = time.time() - self.t0
        cores = {name: (cpu_seconds(pid) - self.cpu0[name]) / seconds
                 for name, pid in self.pids.items()}
        busy = (machine_busy_seconds() - self.busy0) / seconds
        r = {"cores_busy": busy}
        r.update(("cores_%s" % name, c) for name, c in cores.items())
        r["cores_others"] = busy - sum(cores.values())
        return r


def gateway_pids(lab):
    return {"bearerbox": lab.bearerbox.pid, "fakesmsc": lab.fakesmsc.pid}


def vm_hwm_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def journal_commits(path):
    """Transactions the ext4 journal of path's file system has committed so
    far (jbd2's count), or None where there is no journal."""
    dev = os.stat(path).st_dev
    try:
        name = os.path.basename(os.readlink("/sys/dev/block/%d:%d" % (os.major(dev), os.minor(dev))))
        with open("/proc/fs/jbd2/%s-8/info" % name) as f:
            return int(f.readline().split()[0])
    except (OSError, ValueError, IndexError):
        return None


# ---- counting what reaches the SMSC --------------------------------------------

class Meter:
    """Counts lines with `marker` as they are written to a log: by default
    fakesmsc's "Got message" lines (segments at the SMSC)."""

    def __init__(self, path, marker=b"Got message "):
        self.path = path
        self.marker = marker
        self.pos = 0
        self.partial = b""
        self.count = 0
        self.series = []      # (time, count)
        self.lines = []       # kept only when asked
        self.keep_lines = False

    def poll(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                data = f.read()
        except FileNotFoundError:
            data = b""
        self.pos += len(data)
        data = self.partial + data
        cut = data.rfind(b"\n") + 1
        self.partial = data[cut:]
        whole = data[:cut]
        n = whole.count(self.marker)
        if n and self.keep_lines:
            self.lines.extend(l for l in whole.split(b"\n") if self.marker in l)
        self.count += n
        now = time.time()
        if n or not self.series:
            self.series.append((now, self.count))
        return now

    def wait_for(self, target, timeout, step=0.005):
        deadline = time.time() + timeout
        while True:
            now = self.poll()
            if self.count >= target:
                return now
            if now > deadline:
                raise TimeoutError("only %d of %d %r lines in %s" % (self.count, target, self.marker,
                                                                 self.path))
            time.sleep(step)


class ReportsWatcher(threading.Thread):
    """Polls provbox's /status.json every 0.1 s for traffic/reports-received:
    last_arrival is when that total last grew, i.e. when the last delivery
    report reached provbox (to within a poll)."""

    def __init__(self, lab, port, password):
        super().__init__(daemon=True)
        self.lab, self.port, self.password = lab, port, password
        self.received = 0
        self.last_arrival = None
        self.peak_waiting = 0
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(0.1):
            body = self.lab.http_get("/status.json?password=" + self.password, port=self.port)
            if body is None:
                continue
            status = json.loads(body)
            received = status["traffic"]["reports-received"]
            self.peak_waiting = max(self.peak_waiting, status["window"]["reports-waiting"])
            if received > self.received:
                self.received, self.last_arrival = received, time.time()

    def stop(self):
        self.stopping.set()
        self.join()


def rate_series(series, t0, bin_s=0.25):
    """(seconds since t0, segments/s) per bin."""
    out, i = [], 0
    if not series:
        return out
    end = series[-1][0]
    t, last = t0, 0
    while t < end:
        while i < len(series) and series[i][0] <= t + bin_s:
            last = series[i][1]
            i += 1
        out.append((t + bin_s - t0, last))
        t += bin_s
    prev, rates = 0, []
    for x, c in out:
        rates.append((x, (c - prev) / bin_s))
        prev = c
    return rates


# ---- the lab ----------------------------------------------------------------------

def import_lab(build):
    os.environ["PROVBOX_BUILDDIR"] = build
    os.environ["PROVBOX_SRCDIR"] = SRC
    sys.path.insert(0, os.path.join(SRC, "test", "lib"))
    import lab
    return lab


class Bench:
    def __init__(self, args, lab_module):
        self.args = args
        self.labmod = lab_module
        self.out = args.out
        self.doc = open(DOC, "rb").read()
        self.segments_file = os.path.join(self.out, "segments.txt")
        subprocess.run([lab_module.PROVCTL, "compile", "--sec", "USERPIN", "--pin", PIN,
                        "--format", "sms", "--ref", "7", "--out", self.segments_file, DOC],
                       check=True)
        with open(self.segments_file) as f:
            self.per_job = len([l for l in f if l.strip()])
        self.results = {}
        self.series = {}

    # -- labs
    def new_lab(self, smsbox=False):
        lab = BenchLab(self.labmod, smsbox, self.args.smsbox_max_pending)
        lab.start()
        if smsbox:
            lab.start_smsbox()
        return lab

    def provbox_conf(self, lab, spool, provbox_id="provbox-bench", **keys):
        settings = dict(max_pending=self.args.window, log_level=self.args.provbox_log_level)
        settings.update(keys)
        return lab.provbox_conf(spool_dir=spool, provbox_id=provbox_id, **settings)

    def start_provbox(self, lab, conf, provbox_id="provbox-bench"):
        proc = lab.start_provbox(conf, log_name="%s.out" % provbox_id)
        self.labmod.wait_for(lambda: provbox_id in lab.box_ids(), timeout=30,
                             what="provbox identified")
        return proc

    def spool_dir(self, lab):
        """The lab's spool: in the lab, or with --spool-root in a directory
        of its own there (a file system of its own, as in production, so
        that provbox's syncs do not write back bearerbox's store and logs)."""
        if not self.args.spool_root:
            return os.path.join(lab.dir, "spool")
        spool = tempfile.mkdtemp(prefix="provbox-bench-spool-", dir=self.args.spool_root)
        dirs_to_remove.append(spool)
        return spool

    # -- jobs
    def job_text(self, i, dlr):
        head = "To: %d\nSec: USERPIN\nPin: %s\n" % (RECEIVER_BASE + i, PIN)
        if not dlr:
            head += "DLR: no\n"
        return head.encode() + b"\n" + self.doc

    def write_jobs(self, spool, n, dlr, where="tmp", first=0):
        d = os.path.join(spool, where)
        os.makedirs(d, exist_ok=True)
        names = []
        for i in range(first, first + n):
            name = "bench-%07d" % i
            with open(os.path.join(d, name), "wb") as f:
                f.write(self.job_text(i, dlr))
            names.append(name)
        os.sync()   # the clock must not pay for writing back the bench's own files
        return names

    @staticmethod
    def start_drop(spool, names):
        """Renames the jobs from tmp/ into new/ in a process of its own, so
        that the meter goes on reading fakesmsc's log meanwhile (in this
        process it would see nothing until the last rename). Returns the
        process and the time of its first rename."""
        proc = subprocess.Popen([sys.executable, "-c", DROPPER,
                                 os.path.join(spool, "tmp"), os.path.join(spool, "new")],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        proc.stdin.write("\n".join(names))
        proc.stdin.close()
        return proc, float(proc.stdout.readline())

    @staticmethod
    def drop_finished(proc):
        """The time of the dropper's last rename."""
        end = float(proc.stdout.readline())
        proc.wait(timeout=60)
        return end

    @staticmethod
    def count_jobs(spool, state):
        with os.scandir(os.path.join(spool, state)) as it:
            return sum(1 for e in it if not e.name.endswith(".status")
                       and not e.name.startswith("."))

    def wait_jobs(self, spool, state, n, timeout):
        deadline = time.time() + timeout
        while self.count_jobs(spool, state) < n:
            if time.time() > deadline:
                raise TimeoutError("only %d of %d jobs in %s/" % (self.count_jobs(spool, state), n, state))
            time.sleep(0.05)
        return time.time()

    # -- parts
    def ceiling(self, dlr, n):
        mask = DEFAULT_DLR_MASK if dlr else 0
        with self.new_lab() as lab:
            meter = Meter(lab.fakesmsc_log)
            meter.poll()
            t0 = time.time()
            # With reports it stays, taking them, until every one has come
            # (mask 27: an SMSC ack and a delivery report per segment), as
            # a box that asked for them must: one that left once its MTs
            # were acked would leave bearerbox nobody to hand them to, and
            # nothing to do but send.
            reports = 2 * n * self.per_job if dlr else 0
            proc = subprocess.Popen([os.path.join(self.args.build, "bench", "ceilingbox"),
                                     "127.0.0.1", str(lab.box_port), self.segments_file,
                                     str(n), str(self.args.window), str(mask), str(reports)],
                                    stdout=subprocess.PIPE, text=True)
            account = CpuAccount(dict(gateway_pids(lab), box=proc.pid))
            t1 = meter.wait_for(n * self.per_job, timeout=600)
            cores = account.stop()
            out, _ = proc.communicate(timeout=120)
            seconds = t1 - t0
            r = {"jobs": n, "seconds": seconds, "segments_per_s": n * self.per_job / seconds,
                 "jobs_per_s": n / seconds, "box": out.strip()}
            r.update(cores)
            r["budget_cpu_s_per_1000_jobs"] = cpu_budget(r)
            self.keep_series("ceiling-dlr" if dlr else "ceiling-nodlr", meter, t0)
            return r

    def e2e(self, dlr, n):
        with self.new_lab() as lab:
            spool = self.spool_dir(lab)
            proc = self.start_provbox(lab, self.provbox_conf(lab, spool))
            names = self.write_jobs(spool, n, dlr)
            meter = Meter(lab.fakesmsc_log)
            meter.poll()
            cpu0 = cpu_seconds(proc.pid)
            commits0 = journal_commits(spool)
            dropper, t0 = self.start_drop(spool, names)
            account = CpuAccount(dict(gateway_pids(lab), box=proc.pid))
            t1 = meter.wait_for(n * self.per_job, timeout=1200)
            cores = account.stop()
            t_drop = self.drop_finished(dropper)
            t_done = self.wait_jobs(spool, "done", n, timeout=600)
            cpu = cpu_when_idle(proc.pid) - cpu0
            commits = journal_commits(spool)
            seconds = t1 - t0
            self.keep_series("provbox-dlr" if dlr else "provbox-nodlr", meter, t0)
            r = {"jobs": n, "seconds": seconds, "jobs_per_s": n / seconds,
                 "segments_per_s": n * self.per_job / seconds,
                 "drop_seconds": t_drop - t0, "all_done_seconds": t_done - t0,
                 "cpu_s_per_1000_jobs": cpu * 1000.0 / n,
                 "vm_hwm_mb": vm_hwm_kb(proc.pid) / 1024.0}
            r.update(cores)
            if commits0 is not None:
                r["journal_commits_per_1000_jobs"] = (commits - commits0) * 1000.0 / n
            return r

    # -- bulk jobs (issue 20): one document to many recipients
    def bulk_job_text(self, first, count, dlr):
        head = "Sec: USERPIN\nPin: %s\n%s" % (PIN, "" if dlr else "DLR: no\n")
        head += "".join("To: %d\n" % (RECEIVER_BASE + first + i) for i in range(count))
        return head.encode() + b"\n" + self.doc

    @staticmethod
    def delivered_in(path):
        """Recipients whose status slot says delivered (a plain byte count:
        a slot is one line, 'Recipient: MSISDN delivered ...')."""
        try:
            with open(path, "rb") as f:
                return f.read().count(b" delivered parts=")
        except FileNotFoundError:
            return 0

    def wait_recorded(self, spool, names, per_job, timeout):
        deadline = time.time() + timeout
        paths = [os.path.join(spool, "done", n + ".status") for n in names]
        # Each look reads every status whole (128 MB for a million
        # recipients): less often for big jobs, so as not to slow them.
        step = 0.2 if per_job * len(names) <= 200000 else 1.0
        while sum(self.delivered_in(p) for p in paths) < per_job * len(names):
            if time.time() > deadline:
                raise TimeoutError("delivery reports not all recorded")
            time.sleep(step)
        return time.time()

    def bulk(self, recipients, jobs, dlr):
        """`jobs` jobs of `recipients` recipients each, dropped at once:
        provbox's CPU per 1,000 recipients, segments/s at the SMSC, when
        every job is in done/, and (with DLRs) how long after the last
        delivery report reached provbox every recipient's slot said
        delivered."""
        with self.new_lab() as lab:
            spool = self.spool_dir(lab)
            size = len(self.bulk_job_text(0, recipients, dlr)) + 4096
            admin_port = self.labmod.free_port()
            proc = self.start_provbox(lab, self.provbox_conf(
                lab, spool, max_job_size=max(size, 1048576), admin_port=admin_port,
                admin_interface="127.0.0.1", admin_password=ADMIN_PASSWORD))
            d = os.path.join(spool, "tmp")
            names = []
            for j in range(jobs):
                names.append("bulk-%04d" % j)
                with open(os.path.join(d, names[-1]), "wb") as f:
                    f.write(self.bulk_job_text(j * recipients, recipients, dlr))
            os.sync()
            meter = Meter(lab.fakesmsc_log)
            meter.poll()
            watcher = ReportsWatcher(lab, admin_port, ADMIN_PASSWORD)
            watcher.start()
            cpu0 = cpu_seconds(proc.pid)
            dropper, t0 = self.start_drop(spool, names)
            total = recipients * jobs
            try:
                t1 = meter.wait_for(total * self.per_job, timeout=3600)
                self.drop_finished(dropper)
                t_done = self.wait_jobs(spool, "done", jobs, timeout=3600)
                t_rec = self.wait_recorded(spool, names, recipients, 3600) if dlr else None
            finally:
                watcher.stop()
            cpu = cpu_when_idle(proc.pid) - cpu0
            r = {"recipients": recipients, "jobs": jobs, "dlr": dlr,
                 "seconds": t1 - t0, "segments_per_s": total * self.per_job / (t1 - t0),
                 "all_done_seconds": t_done - t0,
                 "cpu_s_per_1000_recipients": cpu * 1000.0 / total,
                 "vm_hwm_mb": vm_hwm_kb(proc.pid) / 1024.0}
            if dlr:
                r["recorded_after_last_segment_s"] = t_rec - t1
                r["recorded_after_last_report_s"] = t_rec - watcher.last_arrival
                r["last_report_after_last_segment_s"] = watcher.last_arrival - t1
                r["reports_waiting_peak"] = watcher.peak_waiting
            self.keep_series("bulk-%d-%s" % (recipients, "dlr" if dlr else "nodlr"), meter, t0)
            return r

    # -- templated jobs (issue 21): one document, per-recipient values
    def template_doc(self):
        """The e-mail example with {{LOGIN}} and {{SECRET}}, in OUT."""
        path = os.path.join(self.out, "email-template.xml")
        with open(TEMPLATE_SOURCE) as f:
            doc = f.read()
        doc = doc.replace('value="user@example.com"', 'value="{{LOGIN}}"')
        doc = doc.replace('value="change-me"', 'value="{{SECRET}}"')
        with open(path, "w") as f:
            f.write(doc)
        return path

    @staticmethod
    def template_values(i):
        """Recipient i's values: the same length for every i (as
        templatebench.c's), so every recipient has as many segments."""
        return "user%07d@example.com" % i, "pw%07d-x" % i

    def template_job_text(self, kind, n):
        """One job of n recipients, DLR: no: the shared document (values
        put in), with pin= on every line, or the template with pin= and
        var.LOGIN=/var.SECRET= on every line."""
        with open(self.template_doc()) as f:
            doc = f.read()
        if kind != "templated":
            login, secret = self.template_values(0)
            doc = doc.replace("{{LOGIN}}", login).replace("{{SECRET}}", secret)
        lines = ["Sec: USERPIN\nPin: %s\nDLR: no\n" % PIN]
        for i in range(n):
            line = "To: %d" % (RECEIVER_BASE + i)
            if kind != "shared":
                line += " pin=%d" % (100000 + i)
            if kind == "templated":
                line += " var.LOGIN=%s var.SECRET=%s" % self.template_values(i)
            lines.append(line + "\n")
        return ("".join(lines) + "\n" + doc).encode()

    def template_segments(self):
        """Segments of one recipient's message (all alike)."""
        login, secret = self.template_values(0)
        out = subprocess.run([self.labmod.PROVCTL, "compile", "--sec", "USERPIN", "--pin", PIN,
                              "--format", "sms", "--var", "LOGIN=" + login,
                              "--var", "SECRET=" + secret, self.template_doc()],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        return len([l for l in out.splitlines() if l.strip()])

    def template_inprocess(self, n):
        """templatebench.c: the daemon's encoding alone, recipients/s."""
        out = subprocess.run([os.path.join(self.args.build, "bench", "templatebench"),
                              str(n), self.template_doc()],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        r = {}
        for line in out.splitlines():
            f = dict(w.split("=") for w in line.split())
            kind = f.pop("job")
            for k, v in f.items():
                r["%s_%s" % (kind, k)] = float(v)
        return r

    def template_e2e(self, kind, n):
        """One job of n recipients through the lab: recipients/s at the
        SMSC, provbox's CPU per 1,000 recipients, peak RSS."""
        with self.new_lab() as lab:
            spool = self.spool_dir(lab)
            text = self.template_job_text(kind, n)
            per = self.template_segments()
            proc = self.start_provbox(lab, self.provbox_conf(
                lab, spool, max_job_size=max(len(text) + 4096, 1048576)))
            with open(os.path.join(spool, "tmp", "tmpl-" + kind), "wb") as f:
                f.write(text)
            os.sync()
            meter = Meter(lab.fakesmsc_log)
            meter.poll()
            cpu0 = cpu_seconds(proc.pid)
            dropper, t0 = self.start_drop(spool, ["tmpl-" + kind])
            t1 = meter.wait_for(n * per, timeout=3600)
            self.drop_finished(dropper)
            t_done = self.wait_jobs(spool, "done", 1, timeout=600)
            cpu = cpu_when_idle(proc.pid) - cpu0
            self.keep_series("template-%s" % kind, meter, t0)
            return {"kind": kind, "recipients": n, "segments_per_recipient": per,
                    "seconds": t1 - t0, "recipients_per_s": n / (t1 - t0),
                    "segments_per_s": n * per / (t1 - t0), "all_done_seconds": t_done - t0,
                    "cpu_s_per_1000_recipients": cpu * 1000.0 / n,
                    "vm_hwm_mb": vm_hwm_kb(proc.pid) / 1024.0}

    def sendota(self, n):
        with self.new_lab(smsbox=True) as lab:
            urls = os.path.join(lab.dir, "curl.conf")
            text = urllib.parse.quote(self.doc.decode("utf-8"), safe="")
            with open(urls, "w") as f:
                for i in range(n):
                    f.write('url = "http://127.0.0.1:%d/cgi-bin/sendota?username=bench&password=bench'
                            '&to=%d&type=oma-settings&sec=userpin&pin=%s&text=%s"\n'
                            'output = "/dev/null"\n' % (lab.sendsms_port, RECEIVER_BASE + i, PIN, text))
            meter = Meter(lab.fakesmsc_log)
            meter.poll()
            cpu0 = cpu_seconds(lab.smsbox.pid)
            t0 = time.time()
            curl = subprocess.Popen(["curl", "-s", "--no-progress-meter", "-Z",
                                     "--parallel-max", str(self.args.http_parallel),
                                     "-K", urls, "-w", "%{http_code}\n"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            account = CpuAccount(dict(gateway_pids(lab), box=lab.smsbox.pid, curl=curl.pid))
            t1 = meter.wait_for(n * self.per_job, timeout=1200)
            cores = account.stop()
            codes, _ = curl.communicate(timeout=600)
            cpu = cpu_when_idle(lab.smsbox.pid) - cpu0
            seconds = t1 - t0
            accepted = sum(1 for c in codes.split() if c == "202")
            self.keep_series("sendota", meter, t0)
            r = {"jobs": n, "seconds": seconds, "jobs_per_s": n / seconds,
                 "segments_per_s": n * self.per_job / seconds, "http_202": accepted,
                 "smsbox_cpu_s_per_1000_jobs": cpu * 1000.0 / n}
            r.update(cores)
            return r

    def spool_floor(self, n):
        """bench/spoolfloor on n jobs in a spool of its own (in --spool-root
        where given), once per mode: CPU s per 1,000 jobs of the least a
        durable file-per-job spool does."""
        r = {"jobs": n}
        for mode in FLOOR_MODES:
            spool = tempfile.mkdtemp(prefix="provbox-bench-floor-", dir=self.args.spool_root)
            try:
                for state in ("active", "done"):
                    os.mkdir(os.path.join(spool, state))
                self.write_jobs(spool, n, dlr=False, where="new")
                os.sync()
                out = subprocess.run([os.path.join(self.args.build, "bench", "spoolfloor"),
                                      spool, str(CLAIM_CHUNK), mode],
                                     check=True, stdout=subprocess.PIPE, text=True).stdout
            finally:
                shutil.rmtree(spool)
            figures = dict(item.split("=") for item in out.split())
            r["%s_jobs_per_s" % mode] = float(figures["jobs_per_s"])
            r["%s_cpu_s_per_1000_jobs" % mode] = float(figures["cpu_s_per_1000_jobs"])
        return r

    def encoder(self):
        corpus = sorted(os.path.join(SRC, "test", "corpus", f)
                        for f in os.listdir(os.path.join(SRC, "test", "corpus"))
                        if f.endswith(".xml"))
        out = subprocess.run([os.path.join(self.args.build, "bench", "encoderbench"),
                              "0.5" if self.args.quick else "2"] + corpus,
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        fields = dict(w.split("=") for w in out.splitlines()[-1].split())
        skipped = [l.split()[1] for l in out.splitlines() if l.startswith("skip ")]
        return {"docs": int(fields["docs"]), "skipped": [os.path.basename(s) for s in skipped],
                "provbox_docs_per_s": float(fields["provbox_docs_per_s"]),
                "kannel_docs_per_s": float(fields["kannel_docs_per_s"]),
                "ratio": float(fields["ratio"])}

    def spool_scale(self, waiting, sustained_jobs, first_jobs=1000):
        """Start provbox over `waiting` jobs in new/; time to the first
        segment; then, of the first min(waiting, sustained_jobs) jobs, how
        fast they are done (provbox's log says "finished: done" once a job's
        final status and its move to done/ are on disk) and provbox's CPU
        meanwhile, and how fast their segments reach the SMSC; the latter
        also for the first first_jobs jobs alone; peak RSS at the end. All
        from the first segment.

        Done is the measure to compare. At the SMSC, a queue of 1,000 stops
        the clock while up to a window of its jobs (500 of them at window
        1,000) still wait to be recorded, work that a long queue pays
        inside its timing. The first 1,000 jobs of a long queue also count
        the loader's run-ahead (it claims and loads up to max-pending jobs),
        and a fifth of a second is a short timing."""
        with self.new_lab() as lab:
            spool = self.spool_dir(lab)
            for d in ("tmp", "new", "active", "deferred", "done", "failed"):
                os.makedirs(os.path.join(spool, d), exist_ok=True)
            self.write_jobs(spool, waiting, dlr=False, where="new")
            timed = min(waiting, sustained_jobs)
            segments = Meter(lab.fakesmsc_log)
            segments.poll()
            done = Meter(os.path.join(lab.dir, "provbox-bench.log"), marker=b" finished: done.")
            t0 = time.time()
            proc = lab.start_provbox(self.provbox_conf(lab, spool), log_name="provbox.out")
            t_first = segments.wait_for(1, timeout=300)
            cpu_first = cpu_seconds(proc.pid)
            t_early = segments.wait_for(first_jobs * self.per_job, timeout=1200)
            t_last = segments.wait_for(timed * self.per_job, timeout=1200)
            t_done = done.wait_for(timed, timeout=1200)
            cpu_done = cpu_seconds(proc.pid)
            return {"waiting": waiting, "startup_s": t_first - t0, "timed_jobs": timed,
                    "jobs_per_s": timed / (t_done - t_first),
                    "cpu_s_per_1000_jobs": (cpu_done - cpu_first) * 1000.0 / timed,
                    "at_smsc_jobs_per_s": timed / (t_last - t_first),
                    "first_1000_at_smsc_jobs_per_s": first_jobs / (t_early - t_first),
                    "vm_hwm_mb": vm_hwm_kb(proc.pid) / 1024.0}

    def latency(self, n):
        with self.new_lab() as lab:
            spool = self.spool_dir(lab)
            self.start_provbox(lab, self.provbox_conf(lab, spool))
            names = self.write_jobs(spool, n, dlr=True)
            meter = Meter(lab.fakesmsc_log)
            meter.poll()
            time.sleep(1.5)
            lat = []
            for k, name in enumerate(names):
                t0 = time.time()
                os.rename(os.path.join(spool, "tmp", name), os.path.join(spool, "new", name))
                t1 = meter.wait_for((k + 1) * self.per_job, timeout=30, step=0.0005)
                lat.append((t1 - t0) * 1000.0)
                time.sleep(0.03)
            lat.sort()
            return {"jobs": n, "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99),
                    "max_ms": lat[-1]}

    def multi(self, n, instances=3):
        with self.new_lab() as lab:
            spool = self.spool_dir(lab)
            procs = [self.start_provbox(lab, self.provbox_conf(lab, spool, "provbox-%d" % k),
                                        "provbox-%d" % k) for k in range(instances)]
            names = self.write_jobs(spool, n, dlr=True)
            meter = Meter(lab.fakesmsc_log)
            meter.keep_lines = True
            meter.poll()
            dropper, t0 = self.start_drop(spool, names)
            account = CpuAccount(dict(gateway_pids(lab),
                                      **{"box%d" % k: p.pid for k, p in enumerate(procs)}))
            t1 = meter.wait_for(n * self.per_job, timeout=1200)
            cores = account.stop()
            self.drop_finished(dropper)
            self.wait_jobs(spool, "done", n, timeout=600)
            time.sleep(1.0)
            meter.poll()
            per_receiver = {}
            for line in meter.lines:
                receiver = line.split(b"<", 1)[1].split(b" ")[1]
                per_receiver[receiver] = per_receiver.get(receiver, 0) + 1
            duplicates = sum(c - self.per_job for c in per_receiver.values() if c > self.per_job)
            undelivered = self.wait_delivered(spool, names, timeout=120)
            r = {"instances": instances, "jobs": n, "seconds": t1 - t0,
                 "jobs_per_s": n / (t1 - t0), "segments": meter.count,
                 "duplicate_segments": duplicates, "receivers": len(per_receiver),
                 "recipients_not_delivered": undelivered,
                 "cpu_s_per_1000_jobs": sum(cpu_when_idle(p.pid) for p in procs) * 1000.0 / n}
            r.update(cores)
            return r

    @staticmethod
    def wait_delivered(spool, names, timeout):
        deadline = time.time() + timeout
        pending = list(names)
        while pending and time.time() < deadline:
            left = []
            for name in pending:
                try:
                    with open(os.path.join(spool, "done", name + ".status")) as f:
                        text = f.read()
                except FileNotFoundError:
                    text = ""
                if not any(l.startswith("Recipient: ") and " delivered" in l
                           for l in text.splitlines()):
                    left.append(name)
            pending = left
            if pending:
                time.sleep(0.5)
        return len(pending)

    def keep_series(self, name, meter, t0):
        if name not in self.series:
            self.series[name] = rate_series(meter.series, t0)


class BenchLab:
    """lab.Lab with log-level 2 and, for sendota, an smsbox with a sendsms
    port and a sendsms-user (max-messages 255, concatenation on)."""

    def __new__(cls, labmod, smsbox, smsbox_max_pending):
        class _Lab(labmod.Lab):
            def __init__(self):
                super().__init__(log_level=2)
                self.with_smsbox = smsbox
                self.smsbox_max_pending = smsbox_max_pending
                self.sendsms_port = labmod.free_port()
                self.smsbox = None

            def write_bearerbox_conf(self):
                super().write_bearerbox_conf()
                with open(self.bb_conf) as f:
                    text = f.read()
                if self.smsbox_max_pending:
                    text = text.replace("group = core\n", "group = core\nsmsbox-max-pending = %d\n"
                                        % self.smsbox_max_pending, 1)
                if self.with_smsbox:
                    text = text.replace(
                        "group = smsbox\nbearerbox-host = 127.0.0.1\n",
                        "group = smsbox\nbearerbox-host = 127.0.0.1\n"
                        "sendsms-port = %d\nsendsms-interface = 127.0.0.1\n"
                        "global-sender = 1234\nlog-file = %s\nlog-level = 2\n"
                        % (self.sendsms_port, os.path.join(self.dir, "smsbox.log")))
                    text += ("\ngroup = sendsms-user\nusername = bench\npassword = bench\n"
                             "max-messages = 255\nconcatenation = true\n")
                with open(self.bb_conf, "w") as f:
                    f.write(text)

            def __exit__(self, *exc):
                # Deleting a lab's thousands of files now would make the
                # next part's file creations slow on ext4 without a
                # journal: it passes over inodes deleted in the last minute
                # or more, one by one (recently_deleted() in ialloc.c). So
                # every part creates its files in the same conditions, labs
                # go at the end.
                self.stop()
                dirs_to_remove.append(self.dir)
                return False

            def start_smsbox(self):
                smsbox_bin = labmod.which("SMSBOX", "smsbox", ["/usr/sbin"])
                self.smsbox = self.spawn([smsbox_bin, "-v", "4", self.bb_conf], "smsbox.out")
                labmod.wait_for(lambda: port_open(self.sendsms_port), what="smsbox sendsms port")
                labmod.wait_for(lambda: any(b and b.startswith("smsbox") or b == ""
                                            for b in self.box_ids()) or smsbox_listed(self),
                                what="smsbox connected")
        return _Lab()


dirs_to_remove = []


@atexit.register
def remove_labs_and_spools():
    for d in dirs_to_remove:
        if os.environ.get("LAB_KEEP"):
            print("# kept %s" % d)
        else:
            shutil.rmtree(d, ignore_errors=True)


def smsbox_listed(lab):
    return "smsbox:(none)" in (lab.status_text() or "") or "smsbox" in (lab.status_text() or "").split("Box connections:")[-1]


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def percentile(sorted_values, p):
    k = (len(sorted_values) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def median_of(runs):
    """Per numeric key, the median over the runs; other keys from run 1."""
    out = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, (int, float)):
            out[key] = statistics.median(r[key] for r in runs)
    out["runs"] = len(runs)
    return out


# ---- report -----------------------------------------------------------------------

TARGETS = [
    ("e2e DLR: no, segments/s vs ceiling", "ratio_nodlr_vs_ceiling", 0.90),
    ("e2e default DLR, segments/s vs ceiling", "ratio_dlr_vs_ceiling", 0.90),
    ("e2e DLR: no, jobs/s vs sendota", "ratio_nodlr_vs_sendota", 1.5),
    ("encoder docs/s vs Kannel", "ratio_encoder", 3.0),
    ("jobs done/s, 100k waiting vs 1k", "ratio_spool_throughput", 0.90),
    ("aggregate of 3 instances vs 1", "ratio_multi_vs_one", 1.0),
    ("bulk 20,000 DLR: no, segments/s vs ceiling", "ratio_bulk_20000_nodlr_vs_ceiling", 0.90),
    ("bulk 20,000 DLRs, segments/s vs ceiling", "ratio_bulk_20000_dlr_vs_ceiling", 0.90),
]


def cpu_budget(ceiling, share=0.90):
    """CPU s per 1,000 jobs a box may use and still let bearerbox and
    fakesmsc carry `share` of the ceiling box's rate: every core of the
    machine less their CPU at that rate (the ceiling run's, scaled), over
    the jobs/s. Generous: it counts every core as usable and nothing for
    the kernel's own threads, the file system's journal or the bench."""
    gateway = share * (ceiling["cores_bearerbox"] + ceiling["cores_fakesmsc"])
    return (os.cpu_count() - gateway) / (share * ceiling["jobs_per_s"]) * 1000.0


def cpu_budgets(res):
    """The budget at 90% of each ceiling (the median of the ceiling runs'
    own) next to what provbox and the spool floor use, where the runs
    measured them."""
    out = {}
    for dlr, ceiling, e2e, floor_mode in (("nodlr", "ceiling_nodlr", "e2e_nodlr", "status"),
                                          ("dlr", "ceiling_dlr", "e2e_dlr", "dlr")):
        if ceiling not in res:
            continue
        out["%s_budget_cpu_s_per_1000_jobs" % dlr] = res[ceiling]["budget_cpu_s_per_1000_jobs"]
        if e2e in res:
            out["%s_provbox_cpu_s_per_1000_jobs" % dlr] = res[e2e]["cpu_s_per_1000_jobs"]
        if "spool_floor" in res:
            out["%s_floor_cpu_s_per_1000_jobs" % dlr] = (
                res["spool_floor"]["%s_cpu_s_per_1000_jobs" % floor_mode])
    return out


def ratios(res):
    r = {}

    def put(key, a, b):
        if a is not None and b:
            r[key] = a / b
    g = lambda part, key: res.get(part, {}).get(key)
    put("ratio_nodlr_vs_ceiling", g("e2e_nodlr", "segments_per_s"), g("ceiling_nodlr", "segments_per_s"))
    put("ratio_dlr_vs_ceiling", g("e2e_dlr", "segments_per_s"), g("ceiling_dlr", "segments_per_s"))
    put("ratio_nodlr_vs_sendota", g("e2e_nodlr", "jobs_per_s"), g("sendota", "jobs_per_s"))
    if "encoder" in res:
        r["ratio_encoder"] = res["encoder"]["ratio"]
    scale = res.get("spool", [])
    if len(scale) >= 2:
        r["ratio_spool_throughput"] = scale[-1]["jobs_per_s"] / scale[0]["jobs_per_s"]
        r["ratio_spool_at_smsc"] = (scale[-1]["at_smsc_jobs_per_s"]
                                    / scale[0]["at_smsc_jobs_per_s"])
        r["ratio_spool_first_1000"] = (scale[-1]["first_1000_at_smsc_jobs_per_s"]
                                       / scale[0]["first_1000_at_smsc_jobs_per_s"])
    put("ratio_multi_vs_one", g("multi", "jobs_per_s"), g("e2e_dlr", "jobs_per_s"))
    put("ratio_bulk_cpu_big_vs_1000", g("bulk_big_dlr", "cpu_s_per_1000_recipients"),
        g("bulk_1000_dlr", "cpu_s_per_1000_recipients"))
    # Against a ceiling run of the same 20,000 messages: bearerbox's rate
    # falls as its queues and store grow, so a shorter ceiling run is not
    # the same yardstick.
    put("ratio_bulk_20000_nodlr_vs_ceiling", g("bulk_20000_nodlr", "segments_per_s"),
        g("ceiling_20000_nodlr", "segments_per_s"))
    put("ratio_bulk_20000_dlr_vs_ceiling", g("bulk_20000_dlr", "segments_per_s"),
        g("ceiling_20000_dlr", "segments_per_s"))
    return r


# Each run's part against the ceiling run just before it in the same run
# (the machine drifts between runs more than within one).
PAIRED = [
    ("e2e DLR: no", "e2e_nodlr", "ceiling_nodlr"),
    ("e2e default DLR", "e2e_dlr", "ceiling_dlr"),
    ("bulk 20,000 DLR: no", "bulk_20000_nodlr", "ceiling_20000_nodlr"),
    ("bulk 20,000 DLRs", "bulk_20000_dlr", "ceiling_20000_dlr"),
]


def paired_ratios(runs):
    out = {}
    for label, part, ceiling in PAIRED:
        if part in runs and ceiling in runs:
            each = [p["segments_per_s"] / c["segments_per_s"]
                    for p, c in zip(runs[part], runs[ceiling])]
            out[part] = {"label": label, "runs": each, "median": statistics.median(each)}
    return out


def print_paired(paired):
    for part, p in paired.items():
        log("paired %-36s median %.2f  (runs %s; target >= 0.90: %s)" % (
            p["label"] + ", segments/s vs ceiling", p["median"],
            " ".join("%.2f" % v for v in p["runs"]), "met" if p["median"] >= 0.90 else "NOT met"))


def print_results(res):
    for part, value in res.items():
        if isinstance(value, list) and not any(isinstance(v, dict) for v in value):
            log("%-16s %s" % (part, " ".join(fmt(v) for v in value)))
            continue
        for item in (value if isinstance(value, list) else [value]):
            if isinstance(item, dict):
                log("%-16s %s" % (part, fields(item)))
            else:
                log("%-16s %s" % (part, fmt(item)))
    rs = res.get("ratios", {})
    for label, key, target in TARGETS:
        if key in rs:
            log("ratio  %-42s %.2f  (target >= %.2f: %s)" % (label, rs[key], target,
                                                          "met" if rs[key] >= target else "NOT met"))
    if "latency" in res:
        lat = res["latency"]
        log("latency p50 %.1f ms (target <= 20: %s), p99 %.1f ms (target <= 100: %s)" % (
            lat["p50_ms"], "met" if lat["p50_ms"] <= 20 else "NOT met",
            lat["p99_ms"], "met" if lat["p99_ms"] <= 100 else "NOT met"))
    for s in res.get("spool", []):
        if s["waiting"] >= 100000:
            log("spool peak RSS with %d waiting: %.1f MB (target <= 64: %s)" % (
                s["waiting"], s["vm_hwm_mb"], "met" if s["vm_hwm_mb"] <= 64 else "NOT met"))
    budget = res.get("cpu_budget", {})
    for dlr, label in (("nodlr", "DLR: no"), ("dlr", "default DLR mask")):
        key = "%s_budget_cpu_s_per_1000_jobs" % dlr
        if key in budget:
            log("CPU budget at 90%% of the ceiling, %s: %.3f CPU s per 1,000 jobs "
                "(%d cores less bearerbox and fakesmsc at that rate); provbox uses %s, "
                "the spool floor %s" % (
                    label, budget[key], os.cpu_count(),
                    fmt_or_dash(budget.get("%s_provbox_cpu_s_per_1000_jobs" % dlr)),
                    fmt_or_dash(budget.get("%s_floor_cpu_s_per_1000_jobs" % dlr))))
    print_bulk_targets(res)
    if "multi" in res:
        log("several instances: %d duplicate segments, %d recipients without a recorded DLR"
            % (res["multi"]["duplicate_segments"], res["multi"]["recipients_not_delivered"]))


def print_bulk_targets(res):
    """Issue 20's targets that are upper bounds."""
    ratio = res.get("ratios", {}).get("ratio_bulk_cpu_big_vs_1000")
    if ratio is not None:
        log("ratio  %-42s %.2f  (target <= 1.20: %s)" % (
            "bulk CPU/recipient, big job vs 1,000s", ratio, "met" if ratio <= 1.2 else "NOT met"))
    for key in ("bulk_1000_dlr", "bulk_big_dlr", "bulk_20000_dlr"):
        lag = res.get(key, {}).get("recorded_after_last_report_s")
        if lag is not None:
            log("%s: recorded %.2f s after the last report reached provbox (target <= 5: %s)"
                % (key, lag, "met" if lag <= 5 else "NOT met"))
    for key in ("bulk_big_dlr", "bulk_million_nodlr"):
        big = res.get(key, {})
        if big.get("recipients", 0) >= 1000000:
            log("%s: peak RSS with %d recipients: %.1f MB (target <= 64: %s)" % (
                key, big["recipients"], big["vm_hwm_mb"],
                "met" if big["vm_hwm_mb"] <= 64 else "NOT met"))


def fields(r):
    return "  ".join("%s=%s" % (k, fmt(v)) for k, v in r.items())


def log_run(key, r):
    log("%-16s run: %s" % (key, fields(r)))


def fmt(v):
    if isinstance(v, float):
        return "%.3f" % v if abs(v) < 10 else "%.0f" % v
    return str(v)


def fmt_or_dash(v):
    return "-" if v is None else "%.3f" % v


PLOTTED_SERIES = ("ceiling-dlr", "provbox-dlr", "ceiling-nodlr", "provbox-nodlr", "sendota")


def write_plots(out, series, scale):
    for name, points in series.items():
        with open(os.path.join(out, "%s.dat" % name), "w") as f:
            f.write("# seconds since first drop / start, segments/s at the SMSC\n")
            for x, y in points:
                f.write("%.2f %.1f\n" % (x, y))
    with open(os.path.join(out, "rss.dat"), "w") as f:
        f.write("# jobs waiting in new/, provbox peak RSS (MB)\n")
        for s in scale:
            f.write("%d %.1f\n" % (s["waiting"], s["vm_hwm_mb"]))
    gp = os.path.join(SRC, "bench", "plots.gp")
    missing = sorted(set(PLOTTED_SERIES) - set(series)) + ([] if scale else ["spool"])
    if missing:
        log("plots need every part (missing: %s): not rendered" % ", ".join(missing))
        return
    if shutil.which("gnuplot") is None:
        log("gnuplot not installed (sh bench/deps.sh): plots not rendered")
        return
    subprocess.run(["gnuplot", "-e", "dir='%s'" % out, gp], check=True, cwd=out)
    log("plots: %s" % ", ".join(sorted(f for f in os.listdir(out) if f.endswith(".png"))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("PROVBOX_BUILDDIR", os.getcwd()))
    ap.add_argument("--out", default=None, help="results directory (default BUILD/bench/results)")
    ap.add_argument("--quick", action="store_true", help="fewer jobs, one run")
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--spool-runs", type=int, default=None,
                    help="runs of the spool part, each queue length in turn (default 5)")
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--window", type=int, default=100, help="max-pending (both boxes)")
    ap.add_argument("--http-parallel", type=int, default=50)
    ap.add_argument("--smsbox-max-pending", type=int, default=None,
                    help="bearerbox's smsbox-max-pending (default: bearerbox's, 100)")
    ap.add_argument("--provbox-log-level", type=int, default=1)
    ap.add_argument("--spool-root", default=None,
                    help="make the spools here (default: inside each lab, under TMPDIR)")
    ap.add_argument("--only", default="ceiling,e2e,sendota,encoder,spool,latency,multi,floor,bulk")
    ap.add_argument("--bulk-recipients", type=int, default=None,
                    help="recipients of the big bulk job (default 100,000; --quick 20,000)")
    ap.add_argument("--million-recipients", type=int, default=1000000,
                    help="recipients of the million part's job (DLR: no)")
    ap.add_argument("--template-recipients", type=int, default=None,
                    help="recipients of the template part's jobs through the lab "
                    "(default 20,000; --quick 5,000); in-process, ten times as many")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    args.runs = args.runs or (1 if args.quick else 3)
    args.spool_runs = args.spool_runs or (1 if args.quick else 5)
    args.jobs = args.jobs or (2000 if args.quick else 20000)
    args.out = os.path.abspath(args.out or os.path.join(args.build, "bench", "results"))
    os.makedirs(args.out, exist_ok=True)
    subprocess.run(["make", "-s", "-C", os.path.join(SRC, "bench"), "BUILD=%s" % args.build],
                   check=True)
    parts = set(args.only.split(","))
    bench = Bench(args, import_lab(args.build))
    n = args.jobs
    log("# %d jobs of %d segments, window %d, %d run(s), %s" % (
        n, bench.per_job, args.window, args.runs, os.uname().nodename))
    runs = {}

    def one(key, fn, *a):
        r = fn(*a)
        log_run(key, r)
        runs.setdefault(key, []).append(r)

    for _ in range(args.runs):
        if "ceiling" in parts:
            one("ceiling_nodlr", bench.ceiling, False, n)
        if "e2e" in parts:
            one("e2e_nodlr", bench.e2e, False, n)
        if "sendota" in parts:
            one("sendota", bench.sendota, n)
        if "ceiling" in parts:
            one("ceiling_dlr", bench.ceiling, True, n)
        if "e2e" in parts:
            one("e2e_dlr", bench.e2e, True, n)
        if "multi" in parts:
            one("multi", bench.multi, n)
        if "floor" in parts:
            one("spool_floor", bench.spool_floor, n)
        if "bulk" in parts:
            big = args.bulk_recipients or (20000 if args.quick else 100000)
            one("bulk_1000_dlr", bench.bulk, 1000, max(1, big // 5000), True)
            one("bulk_big_dlr", bench.bulk, big, 1, True)
            if "ceiling" in parts:
                one("ceiling_20000_nodlr", bench.ceiling, False, 20000)
                one("bulk_20000_nodlr", bench.bulk, 20000, 1, False)
                one("ceiling_20000_dlr", bench.ceiling, True, 20000)
                one("bulk_20000_dlr", bench.bulk, 20000, 1, True)
        if "million" in parts:
            # DLR: no: with reports, the lab bearerbox's own DLR store grows
            # past 2 GB and slows it to a few hundred segments/s.
            one("bulk_million_nodlr", bench.bulk, args.million_recipients, 1, False)
        if "template" in parts:
            m = args.template_recipients or (5000 if args.quick else 20000)
            one("template_inprocess", bench.template_inprocess, 10 * m)
            for kind in TEMPLATE_KINDS:
                one("template_" + kind.replace("-", "_"), bench.template_e2e, kind, m)
    res = {k: median_of(v) for k, v in runs.items()}
    budget = cpu_budgets(res)
    if budget:
        res["cpu_budget"] = budget
    if "encoder" in parts:
        res["encoder"] = median_of([bench.encoder() for _ in range(args.runs)])
    if "latency" in parts:
        res["latency"] = median_of([bench.latency(50 if args.quick else 200)
                                    for _ in range(args.runs)])
    if "spool" in parts:
        sizes = (1000, 5000, 20000) if args.quick else (1000, 10000, 100000)
        sustained = 5000 if args.quick else 20000
        # Interleaved, so that a slower stretch of the VM falls on every size
        # alike; more runs than the rest, since each timing is short.
        scale = {w: [] for w in sizes}
        for _ in range(args.spool_runs):
            for w in sizes:
                scale[w].append(bench.spool_scale(w, sustained))
                log_run("spool", scale[w][-1])
        res["spool"] = [median_of(scale[w]) for w in sizes]
        for key, field in (("spool_ratio_per_run", "jobs_per_s"),
                           ("spool_at_smsc_ratio_per_run", "at_smsc_jobs_per_s"),
                           ("spool_first_1000_ratio_per_run", "first_1000_at_smsc_jobs_per_s")):
            res[key] = [last[field] / first[field]
                        for first, last in zip(scale[sizes[0]], scale[sizes[-1]])]
    res["ratios"] = ratios(res)
    log("\n# medians of %d run(s)" % args.runs)
    print_results(res)
    res["paired_ratios"] = paired_ratios(runs)
    print_paired(res["paired_ratios"])
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    write_plots(args.out, bench.series, res.get("spool", []))
    log("results: %s" % os.path.join(args.out, "results.json"))


if __name__ == "__main__":
    main()
