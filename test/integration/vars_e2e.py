"""vars_e2e.py - per-recipient values end to end (issue 21), through a real
bearerbox and fakesmsc.

One e-mail document with {{LOGIN}} and {{SECRET}} in AAUTHNAME and
AAUTHSECRET goes to three phones, each with its own values (needing XML
escapes, non-ASCII, percent-encoded blanks) and its own PIN. What fakesmsc
received is reassembled and decoded with test/lib/wire.py and libwbxml's
wbxml2xml, sharing no code with provbox: each phone got the document with
its own values and a MAC that verifies with its own PIN. The values, being
secrets, appear in no provbox log, access log, status file or status page.
A job where one recipient has no value for a placeholder lands in failed/
with a reason naming the line and the variable, and nothing is sent.
"""
import os

import wire
from lab import Lab, SRCDIR, free_port, wait_for
from spool_view import Spool
from tap import run

STATUS_PW = "vars-status-pw"
ADMIN_PW = "vars-admin-pw"

# MSISDN, PIN, LOGIN, SECRET (as the phone must get them), SECRET encoded
PHONES = [
    ("4796000001", "1111", "alice@example.com", "Kx7-s3cr3t-alpha", "Kx7-s3cr3t-alpha"),
    ("4796000002", "2222", "bob o'brien", "Kx7 p&ss<w>rd\"beta",
     "Kx7%20p&ss%3Cw%3Erd%22beta"),
    ("4796000003", "3333", "c\u00e6cilie", "Kx7-hunter-\u00f8-gamma",
     "Kx7-hunter-%C3%B8-gamma"),
]
MISSING_SECRET = "Kx7-never-shown-delta"


def template():
    with open(os.path.join(SRCDIR, "doc", "examples", "email-imap.xml"), "rb") as f:
        doc = f.read().decode("utf-8")
    doc = doc.replace('value="user@example.com"', 'value="{{LOGIN}}"')
    doc = doc.replace('value="change-me"', 'value="{{SECRET}}"')
    assert "{{LOGIN}}" in doc and "{{SECRET}}" in doc
    return doc


def percent(text):
    return "".join(c if c.isascii() and c > " " and c != "%" else
                   "".join("%%%02X" % b for b in c.encode("utf-8")) for c in text)


def escaped(value):
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def filled(doc, login, secret):
    return doc.replace("{{LOGIN}}", escaped(login)).replace("{{SECRET}}", escaped(secret))


def secrets():
    """Every secret as it could leak: decoded and percent-encoded."""
    out = {MISSING_SECRET}
    for _, _, login, secret, encoded in PHONES:
        out |= {secret, encoded, percent(secret)}
    return out


def check_each_phone(t, lab, spool, doc):
    lines = [("To", "%s pin=%s var.LOGIN=%s var.SECRET=%s" % (m, pin, percent(login), enc))
             for m, pin, login, _, enc in PHONES]
    spool.drop("vars-3", lines + [("Sec", "USERPIN"), ("Id", "vars e2e")],
               doc.encode("utf-8"))
    wait_for(lambda: spool.state_of("vars-3") == "done"
             and set(spool.recipients("vars-3").values()) == {"delivered"},
             timeout=60, what="the templated job delivered")
    t.eq(spool.recipients("vars-3"), {m: "delivered" for m, *_ in PHONES},
         "the templated job is done, every phone delivered")
    by = {}
    for m in lab.received():
        by.setdefault(m.receiver, []).append((m.udh, m.data))
    for msisdn, pin, login, secret, _ in PHONES:
        push = wire.parse_push(wire.reassemble(by.get(msisdn, [])))
        want_mac = wire.mac_hex("USERPIN", push["body"], pin=pin)
        t.ok(push["sec"] == "USERPIN" and push["mac"] == want_mac,
             "%s: the MAC verifies with its own PIN" % msisdn,
             "got %s want %s" % (push["mac"], want_mac))
        others = [p for p in PHONES if p[0] != msisdn]
        t.ok(all(wire.mac_hex("USERPIN", push["body"], pin=p[1]) != push["mac"]
                 for p in others), "%s: and with no other phone's PIN" % msisdn)
        tree = wire.wbxml_to_tree(push["body"])
        t.eq(wire.canonical(tree), wire.canonical(wire.xml_tree(
            filled(doc, login, secret).encode("utf-8"))),
            "%s: wbxml2xml gives the document with its own LOGIN and SECRET" % msisdn)
        parms = {p.get("name"): p.get("value") for p in tree.iter("parm")}
        t.ok(parms.get("AAUTHNAME") == login and parms.get("AAUTHSECRET") == secret,
             "%s: AAUTHNAME and AAUTHSECRET are its values, byte for byte" % msisdn, parms)


def check_missing(t, lab, spool, doc):
    before = len(lab.received_lines())
    spool.drop("vars-missing",
               [("To", "4796000011 var.LOGIN=x var.SECRET=%s" % MISSING_SECRET),
                ("To", "4796000012 var.LOGIN=y"), ("Sec", "USERPIN"), ("Pin", "4444")],
               doc.encode("utf-8"))
    wait_for(lambda: spool.state_of("vars-missing") == "failed", timeout=30,
             what="the job missing a value in failed/")
    reason = "Reason: line 2: recipient 4796000012 has no value for {{SECRET}} (give " \
             "var.SECRET= on its To: line, or a Var: SECRET= header)"
    status = spool.status("vars-missing") or ""
    t.ok(reason in status, "a job missing a value lands in failed/, the reason naming the "
         "line, the recipient and the variable", status)
    t.eq(len(lab.received_lines()), before, "nothing of it was sent")


def check_no_secret_anywhere(t, lab, spool):
    port = lab.provbox_admin_port
    texts = {
        "provbox log": lab.provbox_log("pb-vars"),
        "provbox console": open(os.path.join(lab.dir, "provbox.out"), errors="replace").read(),
        "access log": open(os.path.join(lab.dir, "vars-access.log"), errors="replace").read(),
    }
    for state in ("done", "failed"):
        for name in spool.jobs_in(state):
            with open(os.path.join(spool.path, state, name + ".status"), errors="replace") as f:
                texts["%s/%s.status" % (state, name)] = f.read()
    for ext in ("txt", "xml", "html", "json"):
        texts["status." + ext] = lab.http_get("/status.%s?password=%s" % (ext, STATUS_PW),
                                              port=port) or ""
    t.ok(all(v for k, v in texts.items() if k != "provbox console"),
         "every log, status file and status page was read (the console may be empty)",
         [k for k, v in texts.items() if not v])
    t.ok("has no value for {{SECRET}}" in texts["provbox log"],
         "the log has the refused job's reason")
    found = ["%s in %s" % (s, where) for where, text in texts.items() for s in secrets()
             if s in text]
    t.eq(found, [], "no variable value in %d logs, status files and status pages"
         % len(texts))


def main(t):
    with Lab() as lab:
        lab.start()
        lab.provbox_admin_port = port = free_port()
        spool = Spool(os.path.join(lab.dir, "spool"))
        lab.start_provbox(lab.provbox_conf(
            provbox_id="pb-vars", admin_port=port, admin_password=ADMIN_PW,
            status_password=STATUS_PW, access_log=os.path.join(lab.dir, "vars-access.log")))
        wait_for(lambda: "pb-vars" in lab.box_ids(), what="provbox identified")
        doc = template()
        check_each_phone(t, lab, spool, doc)
        check_missing(t, lab, spool, doc)
        check_no_secret_anywhere(t, lab, spool)


run(main)
