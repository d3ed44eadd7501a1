"""monitoring.py - provbox's status page, admin commands, access log,
provctl status, and that no secret leaks into any of them."""
import json
import os
import ssl
import subprocess
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

from lab import Lab, PROVCTL, SRCDIR, free_port, wait_for
from spool_view import Spool, logical_status
from tap import run

STATUS_PW = "st-secret"
ADMIN_PW = "adm-secret"
PINS = ["73914052", "86420731"]
IMSIS = ["242019876543210", "24201987654321"]


def get(port, path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except OSError:
        return None, ""


def listening_addresses(port):
    out = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
    return [line.split()[3] for line in out.splitlines() if line.split()[3].endswith(":%d" % port)]


def submit_jobs(spool):
    doc = open(os.path.join(SRCDIR, "doc", "examples", "wm-trust-bootstrap.xml"), "rb").read()
    spool.drop("mon-userpin", [("To", "4795000001"), ("To", "4795000002"), ("Sec", "USERPIN"),
                               ("Pin", PINS[0])], doc)
    spool.drop("mon-netwpin", [("To", "4795000003 imsi=%s" % IMSIS[0]),
                               ("To", "4795000004 imsi=%s" % IMSIS[1]), ("Sec", "NETWPIN")], doc)
    spool.drop("mon-pinmac", [("To", "4795000005"), ("Sec", "USERPINMAC"), ("Pin", PINS[1])], doc)
    spool.drop("mon-bad", [("To", "4795000006"), ("Sec", "USERPIN"), ("Pin", PINS[0])], b"<nope/>")
    return ["mon-userpin", "mon-netwpin", "mon-pinmac"]


def entry_codes(spool, names):
    codes = []
    for name in names:
        for line in (spool.status(name) or "").splitlines():
            if line.startswith("Entry-Code: "):
                codes.append(line.split()[2])
    return codes


def check_formats(t, port, spool):
    pages = {}
    for ext in ("txt", "xml", "html", "json"):
        code, body = get(port, "/status.%s?password=%s" % (ext, STATUS_PW))
        t.eq(code, 200, "status.%s answers with the status password" % ext)
        pages[ext] = body
    code, _ = get(port, "/status.txt?password=%s" % ADMIN_PW)
    t.eq(code, 200, "status also accepts the admin password")
    lint = subprocess.run(["xmllint", "--noout", "-"], input=pages["xml"], text=True,
                          capture_output=True)
    t.eq(lint.returncode, 0, "status.xml passes xmllint")
    data = json.loads(pages["json"])
    t.ok("spool" in data and "traffic" in data and "bearerbox" in data, "status.json parses")
    root = ET.fromstring(pages["xml"])
    counts = {s: len(spool.jobs_in(s)) for s in ("new", "active", "deferred", "done", "failed")}
    for state, n in counts.items():
        t.eq(int(root.findtext("spool/%s" % state)), n, "xml: %s count equals the spool (%d)" % (state, n))
        t.eq(data["spool"][state], n, "json: %s count equals the spool" % state)
    t.eq(data["traffic"]["recipients-sent"], 5, "json: 5 recipients handed to bearerbox")
    t.eq(data["bearerbox"]["state"], "connected", "json: the bearerbox link is connected")
    t.ok("<table" in pages["html"] and 'http-equiv="refresh"' not in pages["html"]
         and 'href="?refresh=5&amp;password=%s"' % STATUS_PW in pages["html"],
         "html: tables; no self-refresh unless asked, a link to ask for it")
    code, html = get(port, "/status.html?refresh=5&password=%s" % STATUS_PW)
    t.ok('<meta http-equiv="refresh" content="5">' in html
         and 'href="?password=%s"' % STATUS_PW in html,
         "html: ?refresh=5 refreshes every 5 s and links to stop, keeping the password")
    t.ok(any(e["job"] == "mon-bad" for e in data["errors"]), "json: the failed job is in the last errors")
    check_jobs(t, data, root)
    return pages


def check_jobs(t, data, root):
    """The jobs and recent-failures sections, counted from what was recorded."""
    jobs = {j["name"]: j for j in data["jobs"]}
    counts = [(jobs.get(n, {}).get("state"), jobs.get(n, {}).get("recipients"),
               jobs.get(n, {}).get("delivered"), jobs.get(n, {}).get("pending"))
              for n in ("mon-userpin", "mon-netwpin", "mon-pinmac")]
    t.eq(counts, [("done", 2, 2, 0), ("done", 2, 2, 0), ("done", 1, 1, 0)],
         "json jobs: the three jobs done, every recipient delivered (reports after the finish counted)")
    bad = jobs.get("mon-bad", {})
    t.ok(bad.get("state") == "failed" and bad.get("recipients") == -1 and bad.get("reason"),
         "json jobs: the refused job failed, its recipients unknown, with its reason", bad)
    t.ok(any(f["job"] == "mon-bad" and f["recipient"] == 0 for f in data["recent-failures"]),
         "json recent-failures: the refused job, as a whole (recipient 0)")
    t.eq(len(root.findall("jobs/job")), len(data["jobs"]), "xml: the same jobs as json")


def check_passwords(t, port):
    for path in ("/status.txt", "/status.xml?password=wrong", "/suspend.txt",
                 "/suspend.txt?password=%s" % STATUS_PW, "/shutdown?password=nope"):
        code, _ = get(port, path)
        t.eq(code, 403, "%s is refused with 403" % path.split("?")[0] + (" (wrong password)" if "?" in path else ""))
    code, body = get(port, "/status.html?password=wrong")
    t.ok(code == 403 and "<table" in body and "wrong or missing password" in body,
         "a refusal asked for in HTML is a page saying why", body)
    code, body = get(port, "/log-level.html?password=%s&level=1" % ADMIN_PW)
    t.ok(code == 200 and "log level set to 1" in body, "a command's answer in HTML", body)
    t.ok(listening_addresses(port) == ["127.0.0.1:%d" % port],
         "the admin port is bound to 127.0.0.1 only", listening_addresses(port))


def check_suspend(t, port, spool, doc):
    code, body = get(port, "/suspend.json?password=%s" % ADMIN_PW)
    t.ok(code == 200 and json.loads(body)["reply"]["result"] == "ok", "/suspend answers ok in JSON")
    spool.drop("mon-while-suspended", [("To", "4795000010"), ("Sec", "USERPIN"), ("Pin", "1111")], doc)
    time.sleep(3)
    t.eq(spool.state_of("mon-while-suspended"), "new", "suspended: a new job is not taken")
    code, body = get(port, "/status.json?password=%s" % STATUS_PW)
    t.eq(json.loads(body)["window"]["intake"], "suspended", "status shows intake suspended")
    code, _ = get(port, "/resume.xml?password=%s" % ADMIN_PW)
    t.eq(code, 200, "/resume answers")
    wait_for(lambda: spool.state_of("mon-while-suspended") == "done", timeout=30, what="job after resume")
    t.eq(spool.state_of("mon-while-suspended"), "done", "resumed: the job goes out")
    code, _ = get(port, "/log-level.txt?password=%s&level=1" % ADMIN_PW)
    t.eq(code, 200, "/log-level sets the level")
    code, _ = get(port, "/log-level.txt?password=%s&level=9" % ADMIN_PW)
    t.eq(code, 400, "/log-level refuses a bad level with 400")


def check_requeue(t, port, spool):
    code, body = get(port, "/requeue.txt?password=%s&job=mon-bad" % ADMIN_PW)
    t.eq(code, 200, "/requeue moves a failed job back", body)
    wait_for(lambda: spool.state_of("mon-bad") == "failed", timeout=20, what="requeued job fails again")
    code, _ = get(port, "/requeue.txt?password=%s&job=no-such-job" % ADMIN_PW)
    t.eq(code, 400, "/requeue of an unknown job is refused")


def check_provctl_status(t, port, spool):
    out = subprocess.run([PROVCTL, "status", "--url", "http://127.0.0.1:%d" % port,
                          "--password", STATUS_PW], capture_output=True, text=True)
    t.ok(out.returncode == 0 and "traffic:" in out.stdout, "provctl status --url shows the page")
    out = subprocess.run([PROVCTL, "status", "--spool", spool.path], capture_output=True, text=True)
    t.ok(out.returncode == 0 and "done" in out.stdout, "provctl status --spool summarises the spool")
    out = subprocess.run([PROVCTL, "status", "--spool", spool.path, "--job", "mon-netwpin",
                          "--watch"], capture_output=True, text=True, timeout=30)
    t.ok(out.returncode == 0 and "2/2 sent" in out.stdout and "2 delivered" in out.stdout,
         "provctl status --job --watch follows a job to its end", out.stdout)


def check_no_secrets(t, lab, spool, pages, names, port):
    codes = entry_codes(spool, names)
    t.eq(len(codes), 1, "the USERPINMAC job has its entry code in the status file")
    texts = {"status pages": "".join(pages.values())}
    for ext in ("txt", "xml", "html", "json"):
        texts["status.%s now" % ext] = get(port, "/status.%s?password=%s" % (ext, STATUS_PW))[1]
    for name in ("provbox-mon.log", "access.log"):
        with open(os.path.join(lab.dir, name), errors="replace") as f:
            texts[name] = f.read()
    for state in ("done", "failed"):
        for n in os.listdir(os.path.join(spool.path, state)):
            if n.endswith(".status"):
                with open(os.path.join(spool.path, state, n), errors="surrogateescape") as f:
                    # the entry code (PIN + check digits) is what the operator
                    # hands to the user; only its own line may carry it (the
                    # checks' hex digits, dropped here, are no secret either)
                    texts["%s/%s" % (state, n)] = "".join(
                        l + "\n" for l in logical_status(f.read()).splitlines()
                        if not l.startswith("Entry-Code: "))
    for where, text in texts.items():
        leaked = [s for s in PINS + IMSIS if s in text]
        if not where.endswith(".status"):
            leaked += [c for c in codes if c in text]
        t.ok(not leaked, "no PIN, IMSI%s in %s" % ("" if where.endswith(".status") else " or entry code", where), leaked)


def check_admin_ssl(t):
    with Lab() as lab:
        lab.start()
        cert, key = lab.make_certificate()
        port = free_port()
        conf = lab.provbox_conf(provbox_id="provbox-ssl", admin_port=port, admin_port_ssl="true",
                                admin_password=ADMIN_PW, ssl_server_cert_file=cert,
                                ssl_server_key_file=key)
        lab.start_provbox(conf)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE

        def fetch():
            try:
                url = "https://127.0.0.1:%d/status.json?password=%s" % (port, ADMIN_PW)
                with urllib.request.urlopen(url, timeout=5, context=context) as r:
                    return r.status, r.read().decode()
            except OSError:
                return None
        answer = wait_for(fetch, what="admin port over SSL")
        t.ok(answer[0] == 200 and json.loads(answer[1])["box"]["id"] == "provbox-ssl",
             "admin-port-ssl: the status page answers over HTTPS")
        t.eq(get(port, "/status.json?password=%s" % ADMIN_PW)[0], None,
             "admin-port-ssl: plain HTTP gets no answer")


def main(t):
    with Lab() as lab:
        lab.start()
        port = free_port()
        conf = lab.provbox_conf(provbox_id="provbox-mon", admin_port=port,
                                admin_password=ADMIN_PW, status_password=STATUS_PW,
                                access_log=os.path.join(lab.dir, "access.log"))
        lab.start_provbox(conf)
        spool = Spool(os.path.join(lab.dir, "spool"))
        wait_for(lambda: get(port, "/status.txt?password=%s" % STATUS_PW)[0] == 200, what="admin port")
        t.ok("provbox-mon" in lab.box_ids(), "bearerbox's status page lists the box by its id")
        names = submit_jobs(spool)
        wait_for(lambda: all(spool.state_of(n) == "done" and "queued" not in spool.status(n)
                             and " sent " not in spool.status(n) for n in names)
                 and spool.state_of("mon-bad") == "failed", timeout=60, what="jobs delivered")
        pages = check_formats(t, port, spool)
        check_passwords(t, port)
        with open(os.path.join(lab.dir, "access.log")) as f:
            alog = f.read()
        t.eq(alog.count("Sent OMA-CP"), 5, "access log: one line per recipient handed to bearerbox")
        t.ok(alog.count("DLR OMA-CP") >= 5 and "[result:delivered]" in alog,
             "access log: delivery reports, with results")
        status = json.loads(pages["json"])
        t.eq(status["traffic"]["reports-received"], alog.count("DLR OMA-CP"),
             "json: reports-received counts every report the access log recorded")
        t.eq(status["window"]["reports-waiting"], 0, "json: no report waits once all are recorded")
        doc = open(os.path.join(SRCDIR, "doc", "examples", "apn-internet.xml"), "rb").read()
        check_suspend(t, port, spool, doc)
        check_requeue(t, port, spool)
        check_provctl_status(t, port, spool)
        check_no_secrets(t, lab, spool, pages, names, port)
    check_admin_ssl(t)


run(main)
