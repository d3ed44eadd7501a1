"""hostile_names.py - job names are data, not markup or lines (issue 25).

Jobs are dropped under names holding bytes that are not UTF-8, a newline
followed by a forged `  state: connected` line, ESC (a terminal colour), DEL
and a C1 control, next to a valid UTF-8 name (jöb) that must be shown as it
is. All but one are rejected (their document is wrong), so they sit in
failed/ and among the last errors; one goes out, so its name is also in the
claimed/finished log lines and the access log.

Every place that shows them must stay readable: status.txt/.html/.xml/.json
on the admin port, /job-status in txt/xml/json, the admin /requeue answers
in every format (a requeue that works and one that is refused), a sendota
refusal that quotes a parameter's name, provbox's log, the access log,
`provctl status --job` and `provctl requeue`, and the NAME.status files.
Everywhere: the bytes decode as UTF-8 (strictly), no raw ESC, DEL or C1
control, no forged line; XML parses with xml.etree, JSON with json.loads;
each name is recognisable in its shown form (escape.h: \\xHH for those
bytes, a backslash doubled), and jöb is shown as it is. The status files
read back to the exact names.
"""
import json
import os
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

from lab import Lab, PROVCTL, free_port, wait_for
from tap import run

ADMIN_PW = "adm-names"
USER = ("ops", "ops-names")
FORGED = "  state: connected"
GOOD_DOC = (b'<wap-provisioningdoc><characteristic type="BOOTSTRAP">'
            b'<parm name="NAME" value="names"/></characteristic></wap-provisioningdoc>')
BAD_DOC = b"<nope/>"

# (raw name, its shown form): rejected jobs
REJECTED = [
    (b"latin\xe9\xff", "latin\\xE9\\xFF"),
    (b"forged\n" + FORGED.encode() + b"\n", "forged\\x0A" + FORGED + "\\x0A"),
    (b"esc\x1b[31mred", "esc\\x1B[31mred"),
    (b"del\x7fname", "del\\x7Fname"),
    (b"c1\xc2\x85nel", "c1\\xC2\\x85nel"),
    (b"back\\xE9slash", "back\\\\xE9slash"),
    ("jöb".encode(), "jöb"),
]
GOOD = (b"sent\n" + FORGED.encode() + b"\x1b\xe9", "sent\\x0A" + FORGED + "\\x1B\\xE9")
MISSING = (b"nosuch\n" + FORGED.encode() + b"\x1b\xff", "nosuch\\x0A" + FORGED + "\\x1B\\xFF")
STATES = ("new", "active", "deferred", "done", "failed")


def drop(spool, name, document):
    tmp = os.path.join(os.fsencode(spool), b"tmp", name)
    with open(tmp, "wb") as f:
        f.write(b"To: 4796000001\nSec: NONE\n\n" + document)
    os.rename(tmp, os.path.join(os.fsencode(spool), b"new", name))


def state_of(spool, name):
    for state in STATES:
        if os.path.exists(os.path.join(os.fsencode(spool), state.encode(), name)):
            return state
    return None


def get(port, path, params):
    url = "http://127.0.0.1:%d%s?%s" % (port, path, urllib.parse.urlencode(params))
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def readable(t, where, raw, forged_lines=0):
    """Strict UTF-8, no raw ESC/DEL/C1, exactly forged_lines lines that
    read FORGED; -> the text (None when it does not decode)."""
    try:
        text, strict = raw.decode("utf-8"), True
        t.ok(True, "%s: decodes as UTF-8" % where)
    except UnicodeDecodeError as e:
        t.ok(False, "%s: decodes as UTF-8" % where, "%s\n%r" % (e, raw[:400]))
        text, strict = raw.decode("utf-8", "replace"), False
    controls = sorted({"%02X" % ord(c) for c in text
                       if c in "\x1b\x7f" or "\x80" <= c <= "\x9f"})
    t.eq(controls, [], "%s: no raw ESC, DEL or C1 control" % where)
    lines = [line for line in text.split("\n") if line.rstrip("\r") == FORGED
             or line.startswith(FORGED)]
    t.eq(len(lines), forged_lines, "%s: no forged '%s' line" % (where, FORGED.strip()))
    return text if strict else None


def check_parsed(t, where, fmt, text, shown_names):
    """XML and JSON parse; every shown name is in the text as it is read."""
    if fmt == "xml":
        try:
            seen = "\n".join(ET.fromstring(text.encode("utf-8")).itertext())
        except ET.ParseError as e:
            t.ok(False, "%s: xml.etree parses it" % where, e)
            return
        t.ok(True, "%s: xml.etree parses it" % where)
    elif fmt == "json":
        try:
            seen = "\n".join(strings(json.loads(text)))
        except ValueError as e:
            t.ok(False, "%s: json.loads parses it" % where, e)
            return
        t.ok(True, "%s: json.loads parses it" % where)
    else:
        seen = text
    missing = [s for s in shown_names if s not in seen]
    t.eq(missing, [], "%s: each name is shown in its escaped form (jöb as it is)" % where)


def strings(value):
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


def check_status_pages(t, port):
    shown = [s for _, s in REJECTED]
    for fmt in ("txt", "html", "xml", "json"):
        code, raw = get(port, "/status.%s" % fmt, {"password": ADMIN_PW})
        t.eq(code, 200, "status.%s answers" % fmt)
        text = readable(t, "status.%s" % fmt, raw, 1 if fmt == "txt" else 0)
        if text is not None:
            check_parsed(t, "status.%s" % fmt, fmt, text, shown)


def check_job_status(t, port):
    for fmt in ("txt", "xml", "json"):
        for name, shown in REJECTED + [GOOD]:
            code, raw = get(port, "/job-status.%s" % fmt,
                            {"job": name, "username": USER[0], "password": USER[1]})
            where = "job-status.%s for %s" % (fmt, shown)
            t.eq(code, 200, "%s: answers" % where)
            text = readable(t, where, raw)
            if text is not None:
                check_parsed(t, where, fmt, text, [shown])
    code, raw = get(port, "/job-status.txt", {"job": MISSING[0], "username": USER[0],
                                              "password": USER[1]})
    t.eq(code, 404, "job-status of a missing job: 404")
    text = readable(t, "job-status 404 answer", raw)
    t.ok(text is not None and MISSING[1] in text, "job-status 404: the name in its shown form", text)


def check_requeue(t, port, spool):
    name, shown = REJECTED[0]
    for fmt in ("txt", "html", "xml", "json"):
        code, raw = get(port, "/requeue.%s" % fmt, {"password": ADMIN_PW, "job": name})
        t.eq(code, 200, "requeue.%s of %s works" % (fmt, shown))
        text = readable(t, "requeue.%s answer" % fmt, raw)
        if text is not None:
            check_parsed(t, "requeue.%s answer" % fmt, fmt, text, [shown])
        wait_for(lambda: state_of(spool, name) == "failed", timeout=30, what="requeued job fails again")
        code, raw = get(port, "/requeue.%s" % fmt, {"password": ADMIN_PW, "job": MISSING[0]})
        t.eq(code, 400, "requeue.%s of a missing job is refused" % fmt)
        text = readable(t, "requeue.%s refusal" % fmt, raw)
        if text is not None:
            check_parsed(t, "requeue.%s refusal" % fmt, fmt, text, [MISSING[1]])


def check_sendota_refusal(t, port):
    params = {"username": USER[0], "password": USER[1], "to": "4796000002",
              b"p\x1b[31m\xe9": "a\nb"}
    code, raw = get(port, "/cgi-bin/sendota", params)
    t.eq(code, 400, "sendota: a parameter holding a line break is refused")
    text = readable(t, "sendota refusal", raw)
    t.ok(text is not None and "p\\x1B[31m\\xE9" in text,
         "sendota refusal: the parameter's name in its shown form", text)


def unescape_status(value):
    out, i = bytearray(), 0
    simple = {"\\": b"\\", "n": b"\n", "r": b"\r", "t": b"\t", '"': b'"'}
    while i < len(value):
        if value[i] == "\\" and value[i + 1] == "x":
            out.append(int(value[i + 2:i + 4], 16))
            i += 4
        elif value[i] == "\\":
            out += simple[value[i + 1]]
            i += 2
        else:
            out += value[i].encode("utf-8")
            i += 1
    return bytes(out)


def check_status_files(t, spool):
    for name, shown in REJECTED:
        path = os.path.join(os.fsencode(spool), b"failed", name + b".status")
        with open(path, "rb") as f:
            text = readable(t, "%s.status" % shown, f.read())
        job = [line[5:] for line in (text or "").split("\n") if line.startswith("Job: ")]
        t.ok(len(job) == 1 and unescape_status(job[0]) == name,
             "%s.status: its Job: line reads back to the exact name" % shown, job)


def check_logs(t, lab):
    with open(os.path.join(lab.dir, "provbox-lab.log"), "rb") as f:
        text = readable(t, "provbox log", f.read())
    missing = [s for _, s in REJECTED + [GOOD] if "Job %s " % s not in (text or "")]
    t.eq(missing, [], "provbox log: each name is shown escaped (jöb as it is)")
    t.ok("Job %s requeued" % REJECTED[0][1] in (text or ""), "provbox log: the requeue line")
    with open(os.path.join(lab.dir, "access.log"), "rb") as f:
        text = readable(t, "access log", f.read())
    t.ok("[job:%s]" % GOOD[1] in (text or ""), "access log: the name shown escaped", text)


def check_provctl(t, spool):
    for name, shown in REJECTED[:3]:
        out = subprocess.run([PROVCTL, "status", "--spool", spool, "--job", name],
                             capture_output=True)
        text = readable(t, "provctl status --job %s" % shown, out.stdout)
        t.ok(text is not None and text.startswith(shown + "  failed"),
             "provctl status --job %s: the name in its shown form" % shown, text)
    out = subprocess.run([PROVCTL, "requeue", "--spool", spool, MISSING[0]], capture_output=True)
    text = readable(t, "provctl requeue refusal", out.stderr)
    t.ok(out.returncode == 1 and text is not None and MISSING[1] in text,
         "provctl requeue: the refusal shows the name escaped", text)


def start(lab):
    lab.start()
    port = free_port()
    conf = lab.provbox_conf(admin_port=port, admin_interface="127.0.0.1",
                            admin_password=ADMIN_PW, rescan_interval=1,
                            access_log=os.path.join(lab.dir, "access.log"))
    with open(conf, "a") as f:
        f.write("\ngroup = sendota-user\nusername = %s\npassword = %s\n"
                "default-sender = 4711\n" % USER)
    lab.start_provbox(conf)
    wait_for(lambda: lab.http_get("/status.txt?password=" + ADMIN_PW, port=port),
             what="provbox admin port")
    return port


def main(t):
    with Lab() as lab:
        port = start(lab)
        spool = os.path.join(lab.dir, "spool")
        for name, _ in REJECTED:
            drop(spool, name, BAD_DOC)
        drop(spool, GOOD[0], GOOD_DOC)
        wait_for(lambda: all(state_of(spool, n) == "failed" for n, _ in REJECTED)
                 and state_of(spool, GOOD[0]) == "done", timeout=60, what="jobs settled")
        check_status_pages(t, port)
        check_job_status(t, port)
        check_requeue(t, port, spool)
        check_sendota_refusal(t, port)
        check_status_files(t, spool)
        check_provctl(t, spool)
        check_logs(t, lab)


run(main)
