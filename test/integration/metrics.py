"""metrics.py - GET /metrics, Prometheus' text format, through a real
bearerbox and fakesmsc:

  * who may read it: no password and a wrong one get 403; status-password
    and admin-password as ?password= or by basic authentication get 200;
    an address in metrics-allow-ip needs none (and gets no /status for it);
  * the answer: Content-Type of format 0.0.4; `promtool check metrics`
    passes (SKIP without Debian's prometheus); every family has one
    # HELP and one # TYPE before its samples, counters end in _total;
  * scraped before, during and after three jobs: every counter only grows,
    and grows by what the jobs did (recipients, segments as fakesmsc got
    them, delivery reports), the spool gauges equal the spool, the last ack
    is a time of this run; the oldest waiting job's age; a paced job's pace
    series with its name (a quote, a backslash, a Latin-1 byte, a line
    feed) quoted as a label value; metrics-max-jobs bounds the per-job
    series;
  * bearerbox stopped while a job waits for its acks, then killed and
    started again: connected 0 then 1, failed connects and a reconnect
    counted, the unacknowledged segments counted as retried (link_lost);
  * no PIN and no IMSI in any scrape;
  * doc/monitoring.md's scrape configuration and alert rules pass
    `promtool check config` and `promtool check rules`.
"""
import base64
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from lab import Lab, SRCDIR, free_port, wait_for
from spool_view import Spool
from tap import run

STATUS_PW = "st-metrics"
ADMIN_PW = "adm-metrics"
PINS = ["73914052", "86420731"]
IMSIS = ["242019876543210", "24201987654321"]
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# a quote, a backslash, Latin-1 e-acute (not UTF-8) and a line feed
ODD_NAME = b'met-"q\\x\xe9\nz'.decode("utf-8", "surrogateescape")
# its shown form (doc/monitoring.md), then quoted as a label value
ODD_SHOWN = 'met-"q\\\\x\\xE9\\x0Az'
DOC = open(os.path.join(SRCDIR, "doc", "examples", "apn-internet.xml"), "rb").read()
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$')


def get(port, path, user_password=None):
    """(status, Content-Type, body) of a GET; basic authentication with
    user_password = (user, password)."""
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path))
    if user_password:
        token = base64.b64encode(("%s:%s" % user_password).encode()).decode()
        req.add_header("Authorization", "Basic " + token)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode("utf-8", "replace")
    except OSError:
        return None, None, ""


def scrape(port):
    code, ctype, body = get(port, "/metrics?password=%s" % STATUS_PW)
    if code != 200:
        raise RuntimeError("/metrics answered %r: %s" % (code, body))
    return body


def label_values(text):
    """{name: value} of a sample's {...}, unquoting \\\\, \\" and \\n."""
    out, i = {}, 1
    while i < len(text) - 1:
        eq = text.index("=", i)
        name, i, value = text[i:eq], eq + 2, ""
        while text[i] != '"':
            if text[i] == "\\":
                i += 1
                value += {"n": "\n"}.get(text[i], text[i])
            else:
                value += text[i]
            i += 1
        out[name] = value
        i += 2 if text[i + 1:i + 2] == "," else 1
    return out


def parse(text):
    """(families {name: {"help", "type"}}, samples {(name, labels): value},
    problems): a sample before its family's HELP and TYPE, a HELP or TYPE
    given twice, a line that is neither."""
    families, samples, problems = {}, {}, []
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            kind, name = line[2:6].lower(), line.split(" ")[2]
            fam = families.setdefault(name, {})
            if kind in fam:
                problems.append("%s given twice for %s" % (kind, name))
            fam[kind] = line.split(" ", 3)[3] if line.count(" ") >= 3 else ""
            continue
        m = SAMPLE.match(line)
        if m is None:
            problems.append("not a sample: %r" % line)
            continue
        name = m.group(1)
        if "help" not in families.get(name, {}) or "type" not in families.get(name, {}):
            problems.append("%s sampled before its HELP and TYPE" % name)
        labels = tuple(sorted(label_values(m.group(2)).items())) if m.group(2) else ()
        samples[(name, labels)] = float(m.group(3))
    return families, samples, problems


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))


def check_promtool(t, text, what):
    promtool = shutil.which("promtool")
    if promtool is None:
        t.ok(True, "promtool check metrics: %s # SKIP promtool not found (Debian's prometheus, "
             "test/deps.sh)" % what)
        return
    out = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                         text=True)
    t.ok(out.returncode == 0 and not (out.stdout + out.stderr).strip(),
         "promtool check metrics: %s" % what, out.stdout + out.stderr)


def check_doc_yaml(t):
    """The scrape configuration and the rules of monitoring.md's section 5."""
    with open(os.path.join(SRCDIR, "doc", "monitoring.md")) as f:
        section = f.read().split("## 5. Prometheus metrics")[1]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    t.eq(len(blocks), 2, "monitoring.md: a scrape configuration and alert rules")
    if shutil.which("promtool") is None:
        t.ok(True, "monitoring.md's YAML # SKIP promtool not found")
        return
    with tempfile.TemporaryDirectory() as d:
        password = os.path.join(d, "password")
        with open(password, "w") as f:
            f.write(STATUS_PW)
        for kind, text in zip(("config", "rules"), blocks):
            path = os.path.join(d, kind + ".yml")
            with open(path, "w") as f:
                f.write(text.replace("/etc/prometheus/provbox-status-password", password))
            out = subprocess.run(["promtool", "check", kind, path], capture_output=True,
                                 text=True)
            t.ok(out.returncode == 0, "monitoring.md's %s passes promtool check %s"
                 % ("scrape configuration" if kind == "config" else "alert rules", kind),
                 out.stdout + out.stderr)


def check_format(t, text, what):
    families, samples, problems = parse(text)
    t.ok(not problems, "%s: every family has one HELP and one TYPE before its samples" % what,
         "\n".join(problems))
    counters = [n for n, f in families.items() if f.get("type") == "counter"]
    t.ok(counters and all(n.endswith("_total") for n in counters),
         "%s: every counter (%d) ends in _total" % (what, len(counters)))
    check_promtool(t, text, what)
    return families, samples


def check_access(t, port):
    cases = [
        ("/metrics", None, 403, "no password"),
        ("/metrics?password=wrong", None, 403, "a wrong ?password="),
        ("/metrics", ("prometheus", "wrong"), 403, "a wrong basic-auth password"),
        ("/metrics?password=%s" % STATUS_PW, None, 200, "status-password as ?password="),
        ("/metrics?password=%s" % ADMIN_PW, None, 200, "admin-password as ?password="),
        ("/metrics", ("prometheus", STATUS_PW), 200, "status-password by basic auth"),
        ("/cgi-bin/metrics", ("any", ADMIN_PW), 200, "admin-password by basic auth, /cgi-bin/"),
    ]
    for path, auth, want, what in cases:
        t.eq(get(port, path, auth)[0], want, "/metrics with %s: %d" % (what, want))
    code, ctype, _ = get(port, "/metrics?password=%s" % STATUS_PW)
    t.eq(ctype, CONTENT_TYPE, "Content-Type names format 0.0.4")
    t.eq(get(port, "/status.txt", ("any", STATUS_PW))[0], 200,
         "/status takes basic authentication too")


def drop_jobs(spool):
    spool.drop("met-userpin", [("To", "4796000001"), ("To", "4796000002"), ("Sec", "USERPIN"),
                               ("Pin", PINS[0])], DOC)
    spool.drop("met-netwpin", [("To", "4796000003 imsi=%s" % IMSIS[0]),
                               ("To", "4796000004 imsi=%s" % IMSIS[1]), ("Sec", "NETWPIN")], DOC)
    spool.drop(ODD_NAME, [("To", "479600001%d" % i) for i in range(4)]
               + [("Sec", "USERPINMAC"), ("Pin", PINS[1]), ("Rate", "1")], DOC)
    return ["met-userpin", "met-netwpin", ODD_NAME], 8


def drop_deferred(spool):
    """A job due in a year: it waits in deferred/. Returns when it is there
    and has waited 2 s, and how long ago it was dropped."""
    name, dropped = "met-later", time.time()
    due = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 365 * 86400))
    spool.drop(name, [("To", "4796000099"), ("Sec", "USERPIN"), ("Pin", "1111"),
                      ("Not-Before", due)], DOC)
    wait_for(lambda: spool.state_of(name) == "deferred", timeout=30, what="job deferred")
    time.sleep(2.5)
    return time.time() - dropped


def odd_pace(port):
    """A scrape during sending that has the odd job's pace, or None."""
    text = scrape(port)
    label = ODD_SHOWN.replace("\\", "\\\\").replace('"', '\\"')
    return text if 'provbox_job_pace_recipients_per_second{job="%s"' % label in text else None


def odd_under_way(port):
    """A scrape while the odd job sends, some of its recipients no longer
    pending, or None."""
    _, s, _ = parse(scrape(port))
    pending = value(s, "provbox_job_recipients", job=ODD_SHOWN, state="pending")
    return s if pending is not None and pending < 4 else None


def check_growth(t, before, after, what):
    _, old, _ = parse(before)
    families, new, _ = parse(after)
    shrunk = [(k, v, new.get(k)) for k, v in old.items()
              if families.get(k[0], {}).get("type") == "counter"
              and (new.get(k) is None or new[k] < v)]
    t.ok(not shrunk, "%s: no counter shrank or vanished" % what, shrunk)
    return old, new


def delta(old, new, name, **labels):
    return value(new, name, **labels) - value(old, name, **labels)


def reports_settled(port):
    _, s, _ = parse(scrape(port))
    kinds = sum(value(s, "provbox_delivery_reports_total", kind=k)
                for k in ("delivered", "undelivered", "other"))
    return (value(s, "provbox_delivery_reports_waiting") == 0
            and kinds == value(s, "provbox_delivery_reports_received_total")
            and value(s, "provbox_delivery_reports_total", kind="delivered")
            == value(s, "provbox_segments_acked_total"))


def check_counts(t, lab, spool, before, after, recipients, started):
    old, new = check_growth(t, before, after, "before and after the jobs")
    t.eq(delta(old, new, "provbox_recipients_total", state="sent"), recipients,
         "recipients_total{state=sent} grew by the jobs' %d recipients" % recipients)
    segments = len(lab.received_lines())
    t.ok(segments > recipients and delta(old, new, "provbox_segments_sent_total") == segments
         and delta(old, new, "provbox_segments_acked_total") == segments,
         "segments sent and acked grew by the %d segments fakesmsc got" % segments)
    t.eq(delta(old, new, "provbox_delivery_reports_total", kind="delivered"), segments,
         "delivery_reports_total{kind=delivered}: one per segment")
    t.eq(value(new, "provbox_segments_retried_total", reason="link_lost"), 0,
         "no segment resent: the link never broke")
    for state in ("new", "active", "deferred", "done", "failed"):
        t.eq(value(new, "provbox_spool_jobs", state=state), len(spool.jobs_in(state)),
             "spool_jobs{state=%s} equals the spool" % state)
    t.eq(value(old, "provbox_bearerbox_last_ack_timestamp_seconds"), 0,
         "no ack before the first job: last_ack_timestamp_seconds 0")
    last = value(new, "provbox_bearerbox_last_ack_timestamp_seconds")
    t.ok(started - 1 <= last <= time.time() + 1, "the last ack's time is of this run", last)
    t.eq(value(new, "provbox_bearerbox_connected"), 1, "bearerbox_connected 1")
    t.ok(time.time() - 300 < value(new, "process_start_time_seconds") <= time.time(),
         "process_start_time_seconds is a time of this run")
    info = [k for k in new if k[0] == "provbox_build_info"]
    t.ok(len(info) == 1 and dict(info[0][1]).get("kannel_version") and
         re.match(r"^\d+\.\d+", dict(info[0][1]).get("version", "")),
         "build_info has version and kannel_version", info)


def check_paced(t, during):
    _, s, _ = parse(during)
    paces = {dict(k[1])["job"]: (dict(k[1])["limited_by"], v) for k, v in s.items()
             if k[0] == "provbox_job_pace_recipients_per_second"}
    t.eq(paces.get(ODD_SHOWN), ("rate", 1.0),
         "the odd job's pace: its shown name (\\x0A, \\xE9) as the job label, "
         "limited_by rate, 1/s", paces)


def job_series(samples, name):
    return {dict(k[1])["job"]: (dict(k[1]).get("state"), v) for k, v in samples.items()
            if k[0] == name}


def check_job_progress(t, s, after):
    """The odd job (Rate: 1, 4 recipients) has per-job series while it
    sends, whose states add up to its recipients; none once it is done."""
    states = {dict(k[1])["state"]: v for k, v in s.items()
              if k[0] == "provbox_job_recipients" and dict(k[1])["job"] == ODD_SHOWN}
    t.ok(set(states) == {"pending", "sent", "delivered", "undelivered", "failed"}
         and sum(states.values()) == 4 and states["pending"] < 4,
         "while it sends, the odd job's recipients by state add up to its 4, "
         "some no longer pending", states)
    started = job_series(s, "provbox_job_started_timestamp_seconds").get(ODD_SHOWN)
    t.ok(started is not None and abs(started[1] - time.time()) < 120,
         "its started_timestamp_seconds is a time of this run", started)
    _, s, _ = parse(after)
    left = [k for k in s if k[0].startswith("provbox_job_recipients")
            or k[0].startswith("provbox_job_started")]
    t.eq(left, [], "no per-job series once every job is done")


def check_no_secrets(t, texts):
    for what, text in texts.items():
        leaked = [s for s in PINS + IMSIS if s in text]
        t.ok(not leaked, "no PIN or IMSI in the scrape %s" % what, leaked)


def check_main(t, lab, port, spool):
    before = scrape(port)
    check_format(t, before, "before the jobs")
    check_access(t, port)
    started = time.time()
    names, recipients = drop_jobs(spool)
    during = wait_for(lambda: odd_pace(port), timeout=30, what="the odd job's pace")
    check_format(t, during, "while jobs send")
    check_paced(t, during)
    under_way = wait_for(lambda: odd_under_way(port), timeout=30, what="the odd job under way")
    check_growth(t, before, during, "before and during the jobs")
    wait_for(lambda: all(spool.state_of(n) == "done" and "queued" not in spool.status(n)
                         and " sent " not in spool.status(n) for n in names),
             timeout=60, what="jobs delivered")
    wait_for(lambda: reports_settled(port), timeout=30, what="reports recorded")
    waited = drop_deferred(spool)
    after = scrape(port)
    check_format(t, after, "after the jobs")
    check_growth(t, during, after, "during and after the jobs")
    check_counts(t, lab, spool, before, after, recipients, started)
    check_job_progress(t, under_way, after)
    _, s, _ = parse(after)
    age = value(s, "provbox_oldest_waiting_job_age_seconds")
    t.ok(2 <= age <= waited + 1, "oldest_waiting_job_age_seconds: the job waiting in deferred/ "
         "for 2 s at least (%g s)" % age, waited)
    check_no_secrets(t, {"before": before, "during": during, "after": after})


def scraped(port, name, **labels):
    return value(parse(scrape(port))[1], name, **labels)


def check_link_loss(t, lab, port, spool):
    """bearerbox frozen (SIGSTOP) while a job is sent: its segments wait
    for their acks; bearerbox killed: they are to be sent again (link_lost);
    bearerbox started again: provbox reconnects and the job finishes."""
    before = scrape(port)
    os.kill(lab.bearerbox.pid, signal.SIGSTOP)
    spool.drop("met-relink", [("To", "4796000201"), ("To", "4796000202"), ("Sec", "USERPIN"),
                              ("Pin", PINS[0])], DOC)
    waiting = wait_for(lambda: scraped(port, "provbox_segments_in_flight"), timeout=30,
                       what="segments waiting for their acks")
    lab.stop_bearerbox()
    wait_for(lambda: scraped(port, "provbox_bearerbox_connected") == 0, timeout=30,
             what="link down")
    wait_for(lambda: scraped(port, "provbox_bearerbox_connect_failures_total") > 0,
             timeout=30, what="a failed connect")
    down = scrape(port)
    lab.restart_bearerbox()
    wait_for(lambda: spool.state_of("met-relink") == "done", timeout=60, what="job after restart")
    after = scrape(port)
    old, new = check_growth(t, before, down, "before and after bearerbox went away")
    t.eq(value(new, "provbox_bearerbox_connected"), 0, "bearerbox gone: bearerbox_connected 0")
    t.eq(delta(old, new, "provbox_segments_retried_total", reason="link_lost"), waiting,
         "the %d segments without an ack counted as retried (link_lost)" % waiting)
    old, new = check_growth(t, down, after, "while bearerbox was away and after")
    t.ok(value(new, "provbox_bearerbox_connected") == 1
         and delta(old, new, "provbox_bearerbox_reconnects_total") == 1,
         "bearerbox back: connected 1, one reconnect")
    t.ok(value(new, "provbox_bearerbox_connect_failures_total") >= 1,
         "the attempts while it was away counted as failed connects")
    return {"while bearerbox was away": down, "after it came back": after}


def check_allow_ip_and_cap(t, lab):
    """A provbox whose metrics-allow-ip holds 127.0.0.1 and that shows one
    job's series: two Rate: jobs paced, one pace series."""
    port = free_port()
    conf = lab.provbox_conf(provbox_id="provbox-met2", spool_dir=os.path.join(lab.dir, "spool2"),
                            admin_port=port, admin_password=ADMIN_PW, status_password=STATUS_PW,
                            metrics_allow_ip='"10.9.8.7;127.0.0.*"', metrics_max_jobs=1)
    lab.start_provbox(conf, log_name="provbox2.out")
    wait_for(lambda: get(port, "/metrics")[0] == 200, what="second admin port")
    t.eq(get(port, "/metrics")[0], 200, "metrics-allow-ip 127.0.0.*: /metrics without a password")
    t.eq(get(port, "/status.txt")[0], 403, "metrics-allow-ip does not open /status")
    t.eq(get(port, "/suspend.txt")[0], 403, "metrics-allow-ip does not open the commands")
    spool = Spool(os.path.join(lab.dir, "spool2"))
    for n in (1, 2):
        spool.drop("cap-%d" % n, [("To", "47970000%d%d" % (n, i)) for i in range(5)]
                   + [("Sec", "USERPIN"), ("Pin", "2222"), ("Rate", "1")], DOC)

    def both_paced():
        _, s, _ = parse(get(port, "/metrics")[2])
        return s if value(s, "provbox_paced_jobs") == 2 else None
    s = wait_for(both_paced, timeout=30, what="two paced jobs")
    series = [k for k in s if k[0] == "provbox_job_pace_recipients_per_second"]
    t.eq(len(series), 1, "metrics-max-jobs 1: one pace series for two paced jobs", series)
    jobs = {dict(k[1])["job"] for k in s if k[0] == "provbox_job_recipients"}
    t.eq(len(jobs), 1, "metrics-max-jobs 1: recipients series for one of the two active jobs",
         jobs)


def main(t):
    with Lab() as lab:
        lab.start()
        port = free_port()
        conf = lab.provbox_conf(provbox_id="provbox-met", admin_port=port,
                                admin_password=ADMIN_PW, status_password=STATUS_PW,
                                metrics_allow_ip="10.9.8.7")
        lab.start_provbox(conf)
        spool = Spool(os.path.join(lab.dir, "spool"))
        wait_for(lambda: "provbox-met" in lab.box_ids(), what="provbox identified")
        check_main(t, lab, port, spool)
        texts = check_link_loss(t, lab, port, spool)
        check_no_secrets(t, texts)
        check_allow_ip_and_cap(t, lab)
    check_doc_yaml(t)


run(main)
