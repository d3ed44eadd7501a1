"""sendota_intake.py - provbox's sendota intake on its own.

Bad requests get Kannel's answers (403 for credentials, 400 with a reason,
415 for a POST's unsupported Content-Type) and leave nothing in the spool.
Accepted ones become one job each, with several recipients and the extra
parameters sendota lacked, and /job-status reports them in txt/xml/json.
A legacy settings document using every OTA 7.0 token compiles and decodes
back with libwbxml's wbxml2xml -l OTA.
"""
import json
import os
import subprocess
import tempfile
import xml.etree.ElementTree as ET

from lab import PROVBOX, free_port
from sendota_lab import PROVBOX_USER, SendotaLab, decode, job_name, spool_jobs, tree, wait_state
from tap import run

OMA = ('<?xml version="1.0"?>\n<wap-provisioningdoc version="1.0">'
       '<characteristic type="BOOTSTRAP"><parm name="NAME" value="Example"/></characteristic>'
       '</wap-provisioningdoc>')
BOOKMARKS = ('<CHARACTERISTIC-LIST><CHARACTERISTIC TYPE="BOOKMARK">'
             '<PARM NAME="NAME" VALUE="Example"/><PARM NAME="URL" VALUE="http://example.org/"/>'
             '</CHARACTERISTIC></CHARACTERISTIC-LIST>')
IMSI = "262011234567890"

# Every attribute token of OTA 7.0 browser settings, plus inline names/values.
ALL_TOKENS = ('<CHARACTERISTIC-LIST>'
              '<CHARACTERISTIC TYPE="ADDRESS">'
              '<PARM NAME="BEARER" VALUE="GSM/CSD"/><PARM NAME="BEARER" VALUE="GSM/SMS"/>'
              '<PARM NAME="BEARER" VALUE="GSM/USSD"/><PARM NAME="BEARER" VALUE="IS-136/CSD"/>'
              '<PARM NAME="BEARER" VALUE="GPRS"/>'
              '<PARM NAME="PROXY" VALUE="10.0.0.1"/><PARM NAME="PROXY_TYPE" VALUE="MSISDN_NO"/>'
              '<PARM NAME="PROXY_TYPE" VALUE="IPV4"/>'
              '<PARM NAME="PORT" VALUE="9200"/><PARM NAME="PORT" VALUE="9201"/>'
              '<PARM NAME="PORT" VALUE="9202"/><PARM NAME="PORT" VALUE="9203"/>'
              '<PARM NAME="PROXY_AUTHNAME" VALUE="u"/><PARM NAME="PROXY_AUTHSECRET" VALUE="s"/>'
              '<PARM NAME="PROXY_LOGINTYPE" VALUE="AUTOMATIC"/>'
              '<PARM NAME="PPP_LOGINTYPE" VALUE="MANUAL"/>'
              '<PARM NAME="SMS_SMSC_ADDRESS" VALUE="+4790000000"/>'
              '<PARM NAME="USSD_SERVICE_CODE" VALUE="*100#"/>'
              '<PARM NAME="GPRS_ACCESSPOINTNAME" VALUE="apn"/>'
              '<PARM NAME="CSD_DIALSTRING" VALUE="+4790000001"/>'
              '<PARM NAME="PPP_AUTHTYPE" VALUE="PAP"/><PARM NAME="PPP_AUTHTYPE" VALUE="CHAP"/>'
              '<PARM NAME="PPP_AUTHTYPE" VALUE="MS_CHAP"/>'
              '<PARM NAME="PPP_AUTHNAME" VALUE="n"/><PARM NAME="PPP_AUTHSECRET" VALUE="p"/>'
              '<PARM NAME="CSD_CALLTYPE" VALUE="ANALOGUE"/><PARM NAME="CSD_CALLTYPE" VALUE="ISDN"/>'
              '<PARM NAME="CSD_CALLSPEED" VALUE="AUTO"/><PARM NAME="CSD_CALLSPEED" VALUE="9600"/>'
              '<PARM NAME="CSD_CALLSPEED" VALUE="14400"/><PARM NAME="CSD_CALLSPEED" VALUE="19200"/>'
              '<PARM NAME="CSD_CALLSPEED" VALUE="28800"/><PARM NAME="CSD_CALLSPEED" VALUE="38400"/>'
              '<PARM NAME="CSD_CALLSPEED" VALUE="43200"/><PARM NAME="CSD_CALLSPEED" VALUE="57600"/>'
              '<PARM NAME="ISP_NAME" VALUE="Example ISP"/>'
              '<PARM NAME="X-VENDOR" VALUE="inline  value"/>'
              '</CHARACTERISTIC>'
              '<CHARACTERISTIC TYPE="URL" VALUE="http://wap.example/"/>'
              '<CHARACTERISTIC TYPE="MMSURL" VALUE="http://mms.example/"/>'
              '<CHARACTERISTIC TYPE="NAME"><PARM NAME="NAME" VALUE="Example"/></CHARACTERISTIC>'
              '<CHARACTERISTIC TYPE="ID"><PARM NAME="NAME" VALUE="id-1"/></CHARACTERISTIC>'
              '<CHARACTERISTIC TYPE="BOOKMARK"><PARM NAME="NAME" VALUE="B"/>'
              '<PARM NAME="URL" VALUE="http://b.example/"/></CHARACTERISTIC>'
              '</CHARACTERISTIC-LIST>')

BAD = [
    ("wrong password", 403, {"username": PROVBOX_USER[0], "password": "nope", "to": "4790000001",
                             "text": OMA, "sec": "userpin", "pin": "1234"}, None),
    ("unknown user", 403, {"username": "nobody", "password": "x", "to": "4790000001",
                           "text": OMA}, None),
    ("no credentials", 403, {"to": "4790000001", "text": OMA}, None),
    ("missing to", 400, {"text": OMA, "sec": "userpin", "pin": "1234"}, "to is missing"),
    ("missing text", 400, {"to": "4790000001"}, "text"),
    ("otaid (no ota-setting groups)", 400, {"to": "4790000001", "otaid": "x"}, "otaid"),
    ("malformed XML", 400, {"to": "4790000001", "sec": "userpin", "pin": "1234",
                            "text": "<wap-provisioningdoc><characteristic>"}, "cannot"),
    ("malformed XML, legacy", 400, {"to": "4790000001", "type": "bookmarks",
                                    "text": "<CHARACTERISTIC-LIST><CHAR"}, "cannot compile"),
    ("unknown OTA TYPE", 400, {"to": "4790000001", "type": "settings",
                               "text": '<CHARACTERISTIC-LIST><CHARACTERISTIC TYPE="FOO"/>'
                                       '</CHARACTERISTIC-LIST>'}, "unknown TYPE"),
    ("wrong root for the type", 400, {"to": "4790000001", "type": "settings", "text": OMA},
     "not allowed"),
    ("unknown type", 400, {"to": "4790000001", "type": "wml", "text": OMA}, "document type"),
    ("PIN mode without pin", 400, {"to": "4790000001", "sec": "userpin", "text": OMA},
     "needs pin"),
    ("NETWPIN without IMSI", 400, {"to": "4790000001", "sec": "netwpin", "text": OMA}, "IMSI"),
    ("USERNETWPIN without imsi", 400, {"to": "4790000001", "sec": "usernetwpin", "pin": "1234",
                                       "text": OMA}, "imsi"),
    ("NETWPIN with letters", 400, {"to": "4790000001", "sec": "netwpin", "pin": "26201abc",
                                   "text": OMA}, "IMSI"),
    ("legacy type with a PIN", 400, {"to": "4790000001", "type": "bookmarks", "sec": "userpin",
                                     "pin": "1234", "text": BOOKMARKS}, "unsigned"),
    ("unknown sec", 400, {"to": "4790000001", "sec": "strong", "pin": "1234", "text": OMA},
     "sec must be"),
    ("bad recipient", 400, {"to": "47-not-a-number", "sec": "none", "text": OMA}, "To"),
    ("line break in from", 400, {"to": "4790000001", "from": "1\nSec: NONE", "sec": "none",
                                 "text": OMA}, "line break"),
    ("bad validity", 400, {"to": "4790000001", "sec": "none", "validity": "soon", "text": OMA},
     "Validity"),
    ("bad priority", 400, {"to": "4790000001", "sec": "none", "priority": "9", "text": OMA},
     "Priority"),
    ("too many recipients", 400, {"to": " ".join("47900000%02d" % i for i in range(4)),
                                  "sec": "none", "text": OMA}, "at most 3"),
]


def bad_requests(t, lab):
    for what, status, params, reason in BAD:
        if status == 403:
            got, answer = lab.request(lab.intake_port, params)
        else:
            got, answer = lab.provbox(params)
        t.ok(got == status and (reason is None or reason in answer),
             "%s: %d%s" % (what, status, " with the reason" if reason else ""),
             "got %s %r" % (got, answer))
    got, answer = lab.provbox({}, OMA.encode(), {"Content-Type": "image/png", "X-Kannel-To": "479"})
    t.eq(got, 415, "POST with an unsupported Content-Type: 415", answer)
    got, answer = lab.provbox({}, OMA.encode(), {"Content-Type": "text/vnd.wap.connectivity-xml",
                                                 "X-Kannel-SEC": "userpin", "X-Kannel-PIN": "1234"})
    t.ok(got == 400 and "to is missing" in answer, "POST without X-Kannel-To: 400", answer)
    t.eq(spool_jobs(lab.spool_dir), [], "nothing was queued by any refused request")


def accepted(t, lab):
    got, answer = lab.provbox({"to": ["4790000001", "4790000002,4790000003"], "sec": "netwpin",
                               "imsi": IMSI, "text": OMA, "dlr": "0", "validity": "60",
                               "priority": "2", "id": "crm-42"})
    name = job_name(answer)
    t.ok(got == 202 and answer.startswith("Sent.") and name, "several to values: 202 Sent. Job:",
         answer)
    state = wait_state(lab.spool_dir, name, ["done", "failed"])
    t.eq(state, "done", "the job was sent")
    with open(os.path.join(lab.spool_dir, state, name), encoding="utf-8") as f:
        job = f.read()
    headers = job.split("\n\n", 1)[0].splitlines()
    for line in ("To: 4790000001", "To: 4790000002", "To: 4790000003", "Sec: NETWPIN",
                 "IMSI: " + IMSI, "Type: oma-settings", "From: 4711", "DLR: no",
                 "Validity: 60", "Priority: 2", "Id: crm-42"):
        t.ok(line in headers, "job file has '%s'" % line, job)
    t.ok(job.endswith(OMA), "job file carries the document untouched")
    t.eq(sorted(m.receiver for m in lab.received()), ["4790000001", "4790000002", "4790000003"],
         "each recipient got the push")
    job_status(t, lab, name)
    not_before(t, lab)


def job_status(t, lab, name):
    got, text = lab.job_status(name, "txt")
    t.ok(got == 200 and "State: done" in text and text.count("Recipient: ") == 3,
         "/job-status.txt: state and three recipients", text)
    got, text = lab.job_status(name, "xml")
    root = ET.fromstring(text) if got == 200 else None
    t.ok(root is not None and root.findtext("state") == "done"
         and [r.findtext("to") for r in root.iter("recipient")]
         == ["4790000001", "4790000002", "4790000003"], "/job-status.xml", text)
    got, text = lab.job_status(name, "json")
    doc = json.loads(text) if got == 200 else {}
    t.ok(doc.get("job") == name and doc.get("state") == "done"
         and len(doc.get("recipients", [])) == 3, "/job-status.json", text)
    t.ok(IMSI not in text, "job status never shows the IMSI")
    t.eq(lab.job_status(name, "txt", user=("ops", "wrong"))[0], 403, "job-status: 403 without credentials")
    t.eq(lab.job_status("no-such-job", "txt")[0], 404, "job-status: 404 for an unknown job")
    t.eq(lab.job_status("../etc", "txt")[0], 400, "job-status: 400 for a path")


def not_before(t, lab):
    got, answer = lab.provbox({"to": "4790000009", "sec": "userpinmac", "pin": "1234",
                               "not-before": "2099-01-01T00:00:00Z", "text": OMA})
    name = job_name(answer)
    t.ok(got == 202 and "Entry-Code: 4790000009 1234" in answer,
         "USERPINMAC: the answer gives the entry code", answer)
    t.eq(wait_state(lab.spool_dir, name, ["deferred"]), "deferred",
         "not-before in the future: the job waits in deferred/")
    got, text = lab.job_status(name, "txt")
    # the job's name carries a time, microseconds and a PID: any four digits
    # may turn up there by chance, so the PIN is looked for everywhere else
    rest = text.replace(name, "") if name else text
    t.ok(got == 200 and "State: deferred" in text and "Entry-Code" not in text
         and "1234" not in rest, "job-status shows it deferred, without the entry code", text)


def legacy_round_trip(t, lab):
    got, answer = lab.provbox({"to": "4790000020", "type": "settings", "text": ALL_TOKENS})
    t.eq(got, 202, "settings with every OTA token: accepted", answer)
    push = lab.wait_push("4790000020")
    t.eq(decode(push["body"], "OTA"), tree(ALL_TOKENS),
         "every OTA token decodes back (wbxml2xml -l OTA), inline values untouched")
    got, answer = lab.provbox({"to": "4790000021", "text": BOOKMARKS})
    t.ok(got == 202 and "Job:" in answer, "no type: the root element chooses (settings)", answer)
    push = lab.wait_push("4790000021")
    t.eq((push["content_type"], decode(push["body"], "OTA")),
         ("application/x-wap-prov.browser-settings", tree(BOOKMARKS)),
         "CHARACTERISTIC-LIST without type= is sent as browser settings")


def ip_not_allowed(t):
    with SendotaLab(with_smsbox=False, user_extra="user-allow-ip = 10.9.8.7\n") as lab:
        lab.start_all()
        got, answer = lab.provbox({"to": "4790000001", "sec": "none", "text": OMA})
        t.eq(got, 403, "user-allow-ip without this address: 403", answer)
        t.eq(spool_jobs(lab.spool_dir), [], "nothing queued for a refused address")


BAD_CONFIGS = [
    ("sendota-user without admin-port", "", "group = sendota-user\nusername = a\npassword = b\n",
     "need 'admin-port'"),
    ("sendota-user without password", "admin-port = %d\nadmin-password = x\n",
     "group = sendota-user\nusername = a\n", "needs a username and a password"),
    ("a username twice", "admin-port = %d\nadmin-password = x\n",
     "group = sendota-user\nusername = a\npassword = b\n\n"
     "group = sendota-user\nusername = a\npassword = c\n", "defined twice"),
]


def bad_configs(t):
    with tempfile.TemporaryDirectory() as d:
        for what, admin, users, message in BAD_CONFIGS:
            conf = os.path.join(d, "provbox.conf")
            with open(conf, "w") as f:
                f.write("group = provbox\nprovbox-id = t\nspool-dir = %s\nsender = 1\n"
                        "bearerbox-host = 127.0.0.1\nbearerbox-port = %d\n%s\n%s"
                        % (os.path.join(d, "spool"), free_port(),
                           admin % free_port() if "%d" in admin else admin, users))
            r = subprocess.run([PROVBOX, "-v", "2", conf], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=30)
            out = r.stdout.decode("utf-8", "replace")
            t.ok(r.returncode != 0 and message in out, "%s: provbox refuses to start" % what, out)


def main(t):
    with SendotaLab(with_smsbox=False, user_extra="max-recipients = 3\n") as lab:
        lab.start_all()
        bad_requests(t, lab)
        accepted(t, lab)
        legacy_round_trip(t, lab)
    ip_not_allowed(t)
    bad_configs(t)


run(main)
