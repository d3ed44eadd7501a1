"""lint_intake.py - lint at job intake (issue 22), end to end through a real
bearerbox and fakesmsc.

One document has an error (line 18: a TO-NAPID naming no NAPDEF), a
warning (line 16: an unknown APPID) and a secret (AUTHSECRET on line 12).
Under `Lint: strict` the job goes to failed/ with the error's line in
Reason: and nothing reaches fakesmsc; under `Lint: warn`, and with no
header under the default `lint = warn`, it is sent and delivered and its
status carries `Warning: LINE: SEVERITY: message` lines (also for a job of
1,000 recipients, whose status is written at the claim); `Lint: off` adds
none. With `lint = strict` in the config a job without the header is
refused (the sendota intake refuses it too) and `Lint: warn` overrides it.
The log has a warning line per finding, naming the job; the secret is in
no log, status file, provctl output or status page.
"""
import glob
import json
import os
import re
import subprocess

from lab import PROVCTL, wait_for
from sendota_lab import ADMIN_PASSWORD, SendotaLab
from spool_view import Spool
from tap import run

SECRET = "s3cr3t-Value-9"
CREDS = [("Sec", "USERPIN"), ("Pin", "1234")]


def document(to_napid):
    return ('<?xml version="1.0"?>\n'
            '<wap-provisioningdoc version="1.0">\n'
            '  <characteristic type="NAPDEF">\n'
            '    <parm name="NAPID" value="A"/>\n'
            '    <parm name="NAME" value="Internet"/>\n'
            '    <parm name="BEARER" value="GSM-GPRS"/>\n'
            '    <parm name="NAP-ADDRESS" value="internet.example"/>\n'
            '    <parm name="NAP-ADDRTYPE" value="APN"/>\n'
            '    <characteristic type="NAPAUTHINFO">\n'
            '      <parm name="AUTHTYPE" value="PAP"/>\n'
            '      <parm name="AUTHNAME" value="user"/>\n'
            '      <parm name="AUTHSECRET" value="%s"/>\n'
            '    </characteristic>\n'
            '  </characteristic>\n'
            '  <characteristic type="APPLICATION">\n'
            '    <parm name="APPID" value="zz9"/>\n'
            '    <parm name="NAME" value="Portal"/>\n'
            '    <parm name="TO-NAPID" value="%s"/>\n'
            '  </characteristic>\n'
            '</wap-provisioningdoc>\n' % (SECRET, to_napid)).encode()


BAD_DOC = document("X")           # the error on line 18
WARN_DOC = document("A")          # the warning alone
ERROR = 'TO-NAPID "X" names no NAPDEF (NAPIDs here: A)'
APPID_WARNING = ('16: warning: APPID "zz9" is neither registered with OMNA nor a well-known '
                 'one; phones that do not know it may reject the whole message')
ERROR_LINE = "Warning: 18: error: " + ERROR
PASSWORD_WARNING = "Warning: 12: warning: a password is sent under Sec: NONE"
REASON = "Reason: lint: line 18: " + ERROR


def warning_lines(status):
    return [l for l in (status or "").splitlines() if l.startswith("Warning: ")]


def received_by(lab, msisdn):
    return [m for m in lab.received() if m.receiver == msisdn]


def provctl_status(spool, name):
    return subprocess.run([PROVCTL, "status", "--spool", spool.path, "--job", name],
                          capture_output=True, text=True, timeout=30)


def wait_states(spool, want, timeout=90):
    wait_for(lambda: all(spool.state_of(n) == s for n, s in want.items()), timeout=timeout,
             what="jobs in %s" % sorted(set(want.values())))


def delivered(spool, name, msisdn):
    return spool.recipients(name).get(msisdn) == "delivered"


def check_refused(t, lab, spool, name, msisdn, label):
    status = spool.status(name) or ""
    t.ok("State: failed" in status and REASON in status.splitlines(),
         "%s: in failed/, Reason: names line 18 and the error" % label, status)
    t.eq(received_by(lab, msisdn), [], "%s: nothing reached fakesmsc for it" % label)
    t.ok("Job %s failed: lint: line 18: %s" % (name, ERROR) in lab.provbox_log("provbox-lab"),
         "%s: an error line in the log names the job and the line" % label)


def check_sent_with_warnings(t, lab, spool, name, msisdn, label):
    status = spool.status(name) or ""
    t.ok(delivered(spool, name, msisdn) and spool.state_of(name) == "done",
         "%s: sent, the recipient delivered" % label, status)
    t.ok(len(received_by(lab, msisdn)) >= 1, "%s: its segments reached fakesmsc" % label)
    t.eq(warning_lines(status), ["Warning: " + APPID_WARNING, ERROR_LINE],
         "%s: the status has both findings as Warning: LINE: SEVERITY: message" % label)
    t.eq([l for l in status.splitlines() if re.match(r"^Warning: [0-9]*: error:", l)],
         [ERROR_LINE], "%s: grep '^Warning: [0-9]*: error:' finds the error" % label)
    log = lab.provbox_log("provbox-lab")
    t.ok("WARNING: Job %s: lint: 18: error: %s" % (name, ERROR) in log
         and "WARNING: Job %s: lint: %s" % (name, APPID_WARNING) in log,
         "%s: a warning line per finding in the log, naming the job" % label)


def drop_big(spool, name, n):
    spool.drop(name, [("To", "4797%06d" % i) for i in range(n)] + CREDS
               + [("DLR", "no"), ("Lint", "warn")], BAD_DOC)


def check_big(t, spool, name, n):
    wait_for(lambda: spool.state_of(name) == "done"
             and list(spool.recipients(name).values()).count("sent") == n,
             timeout=120, what="the big job sent")
    status = spool.status(name)
    t.eq(warning_lines(status), ["Warning: " + APPID_WARNING, ERROR_LINE],
         "a job of %d recipients (status written at the claim): the Warning lines" % n)
    t.eq(list(spool.recipients(name).values()).count("sent"), n,
         "and all %d recipients sent" % n)


def check_secret_nowhere(t, lab, spool, names):
    """provbox's own output: its log, its console, every status file. (The
    job files hold the document, and bearerbox and fakesmsc see the SMS,
    which carries the settings to the phone.)"""
    files = [os.path.join(lab.dir, "provbox-lab.log"), os.path.join(lab.dir, "provbox.out")]
    files += glob.glob(os.path.join(spool.path, "*", "*.status"))
    found = []
    for path in files:
        with open(path, "rb") as f:
            if SECRET.encode() in f.read():
                found.append(os.path.relpath(path, lab.dir))
    job_file = os.path.join(spool.path, spool.state_of(names[0]), names[0])
    with open(job_file, "rb") as f:
        t.ok(SECRET.encode() in f.read(), "(the search works: the job file holds the secret)")
    t.ok(len(files) >= 2 + len(names) and found == [],
         "the secret is in no log or status file (%d files)" % len(files), found)
    pages = [lab.http_get("/status.%s?password=%s" % (fmt, ADMIN_PASSWORD), port=lab.intake_port)
             for fmt in ("txt", "json", "html")]
    for name in names:
        pages += [lab.job_status(name, fmt)[1] for fmt in ("txt", "xml", "json")]
        out = provctl_status(spool, name)
        pages.append(out.stdout + out.stderr)
    t.ok(all(p is not None for p in pages) and not any(SECRET in p for p in pages),
         "nor on the status page, /job-status or provctl status (%d pages)" % len(pages))


def check_shown(t, lab, spool):
    out = provctl_status(spool, "warn-err")
    t.ok(out.returncode == 0 and "  warning: 18: error: " + ERROR in out.stdout
         and "  warning: " + APPID_WARNING in out.stdout,
         "provctl status --job shows the Warning lines", out.stdout + out.stderr)
    out = provctl_status(spool, "strict-err")
    t.ok(out.returncode == 1 and "  reason: lint: line 18: " + ERROR in out.stdout,
         "provctl status --job shows a refused job's reason (exit 1)", out.stdout)
    code, text = lab.job_status("warn-err", "txt")
    t.ok(code == 200 and ERROR_LINE in text.splitlines(), "/job-status.txt: the Warning lines",
         text)
    code, text = lab.job_status("warn-err", "json")
    t.ok(code == 200 and json.loads(text).get("warnings") == [APPID_WARNING, ERROR_LINE[9:]],
         "/job-status.json: a warnings array", text)


def default_warn(t):
    with SendotaLab(with_smsbox=False) as lab:
        lab.start_all()
        spool = Spool(lab.spool_dir)
        spool.drop("strict-err", [("To", "4795000001")] + CREDS + [("Lint", "strict")], BAD_DOC)
        spool.drop("warn-err", [("To", "4795000002")] + CREDS + [("Lint", "warn")], BAD_DOC)
        spool.drop("default-err", [("To", "4795000003")] + CREDS, BAD_DOC)
        spool.drop("off-err", [("To", "4795000004")] + CREDS + [("Lint", "OFF")], BAD_DOC)
        spool.drop("none-warn", [("To", "4795000005"), ("Sec", "NONE"), ("Lint", "warn")],
                   WARN_DOC)
        spool.drop("strict-ok", [("To", "4795000006")] + CREDS + [("Lint", "Strict")], WARN_DOC)
        drop_big(spool, "big-warn", 1000)
        wait_states(spool, {"strict-err": "failed", "warn-err": "done", "default-err": "done",
                            "off-err": "done", "none-warn": "done", "strict-ok": "done"})
        wait_for(lambda: all(delivered(spool, n, "479500000%d" % i) for i, n in
                             [(2, "warn-err"), (3, "default-err"), (4, "off-err"),
                              (5, "none-warn"), (6, "strict-ok")]),
                 timeout=60, what="the sent jobs delivered")
        check_big(t, spool, "big-warn", 1000)
        check_refused(t, lab, spool, "strict-err", "4795000001", "Lint: strict")
        check_sent_with_warnings(t, lab, spool, "warn-err", "4795000002", "Lint: warn")
        check_sent_with_warnings(t, lab, spool, "default-err", "4795000003",
                                 "no Lint: (lint = warn by default)")
        off = spool.status("off-err")
        t.ok(delivered(spool, "off-err", "4795000004") and warning_lines(off) == []
             and "Job off-err: lint:" not in lab.provbox_log("provbox-lab"),
             "Lint: off: sent, no Warning lines, nothing in the log", off)
        t.eq(warning_lines(spool.status("strict-ok")), ["Warning: " + APPID_WARNING],
             "Lint: strict with a warning only: sent, the warning in its status")
        none = warning_lines(spool.status("none-warn"))
        t.ok(len(none) == 2 and none[0].startswith(PASSWORD_WARNING),
             "Sec: NONE: the password is a finding (line 12), its value not quoted", none)
        check_shown(t, lab, spool)
        code, text = lab.provbox({"to": "4795000007", "sec": "userpin", "pin": "1234",
                                  "text": BAD_DOC.decode()})
        t.eq(code, 202, "lint = warn: the sendota intake accepts the document too")
        check_secret_nowhere(t, lab, spool, ["strict-err", "warn-err", "none-warn"])


def config_strict(t):
    with SendotaLab(with_smsbox=False) as lab:
        lab.start_all(lint="strict")
        spool = Spool(lab.spool_dir)
        spool.drop("cfg-strict", [("To", "4795100001")] + CREDS, BAD_DOC)
        spool.drop("cfg-warn", [("To", "4795100002")] + CREDS + [("Lint", "warn")], BAD_DOC)
        wait_states(spool, {"cfg-strict": "failed", "cfg-warn": "done"})
        wait_for(lambda: delivered(spool, "cfg-warn", "4795100002"), timeout=60,
                 what="cfg-warn delivered")
        check_refused(t, lab, spool, "cfg-strict", "4795100001",
                      "lint = strict, no Lint: header")
        check_sent_with_warnings(t, lab, spool, "cfg-warn", "4795100002",
                                 "Lint: warn under lint = strict")
        code, text = lab.provbox({"to": "4795100003", "sec": "userpin", "pin": "1234",
                                  "text": BAD_DOC.decode()})
        t.ok(code == 400 and "lint: line 18: " + ERROR in text,
             "lint = strict: the sendota intake refuses it with the same reason", text)
        check_secret_nowhere(t, lab, spool, ["cfg-strict", "cfg-warn"])


def main(t):
    default_warn(t)
    config_strict(t)


run(main)
