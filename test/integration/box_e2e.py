"""box_e2e.py - provbox end to end through a real bearerbox and fakesmsc.

Jobs are dropped into the spool the way operators do (write in tmp/,
rename into new/). What fakesmsc receives is reassembled and checked with
test/lib/wire.py, which shares no code with provbox: UDH ports and
concatenation, the WSP push header, the MAC against an independently
computed key, and the WBXML decoded by libwbxml's wbxml2xml against the
submitted document. Status files must reach done with every recipient
delivered.
"""
import glob
import os
import time

import wire
from lab import Lab, SRCDIR, wait_for
from spool_view import Spool
from tap import run

MODES = ["NETWPIN", "USERPIN", "USERNETWPIN", "USERPINMAC", "NONE"]
IMSI = "262011234567890"
PIN = "1234"


def documents():
    docs = sorted(glob.glob(os.path.join(SRCDIR, "test", "corpus", "*.xml")))
    picked = [os.path.join(SRCDIR, "test", "vectors", "spec_appendixC.xml")]
    for want in ("wm_bootstrap", "utf16", "latin1", "large"):
        picked += [d for d in docs if want in os.path.basename(d)][:1]
    return [p for p in picked if os.path.exists(p)]


def credentials(mode, i):
    headers = [("Sec", mode)]
    pin = imsi = None
    if mode in ("USERPIN", "USERNETWPIN", "USERPINMAC"):
        pin = str(1000 + i) if mode != "USERPINMAC" else "%04d" % (2000 + i)
        headers.append(("Pin", pin))
    if mode in ("NETWPIN", "USERNETWPIN"):
        imsi = str(int(IMSI) + i)
        headers.append(("IMSI", imsi))
    return headers, pin, imsi


def messages_by_receiver(lab):
    by = {}
    for m in lab.received():
        by.setdefault(m.receiver, []).append((m.udh, m.data))
    return by


def split_messages(segments):
    """One receiver may get several messages (resends): group by concat ref."""
    groups = {}
    for udh, data in segments:
        info = wire.parse_udh(udh)
        ref = info["concat"][0] if info["concat"] else None
        groups.setdefault(ref, []).append((udh, data))
    return list(groups.values())


def check_message(t, label, segments, doc_bytes, mode, pin, imsi):
    pdu = wire.reassemble(segments)
    push = wire.parse_push(pdu)
    t.ok(push["type"] == 0x06 and push["content_type"] == 0xB6,
         "%s: WSP push of application/vnd.wap.connectivity-wbxml" % label,
         "type %02X ct %02X" % (push["type"], push["content_type"]))
    if mode == "NONE":
        t.ok(push["sec"] is None and push["mac"] is None, "%s: unsigned push" % label)
    elif mode == "USERPINMAC":
        t.eq(push["sec"], "USERPINMAC", "%s: SEC=USERPINMAC" % label)
    else:
        want = wire.mac_hex(mode, push["body"], pin, imsi)
        t.ok(push["sec"] == mode and push["mac"] == want,
             "%s: SEC=%s and the MAC verifies with the independent key" % (label, mode),
             "got %s %s want %s" % (push["sec"], push["mac"], want))
    got = wire.canonical(wire.wbxml_to_tree(push["body"]))
    t.eq(got, wire.canonical(wire.xml_tree(doc_bytes)),
         "%s: wbxml2xml gives back the submitted document" % label)
    return push


def check_matrix(t, lab, spool):
    docs = documents()
    t.ok(len(docs) >= 3, "test documents found", docs)
    jobs = []
    n = 0
    for doc in docs:
        with open(doc, "rb") as f:
            body = f.read()
        for mode in MODES:
            n += 1
            headers, pin, imsi = credentials(mode, n)
            receiver = "4790%06d" % n
            name = "matrix-%02d" % n
            spool.drop(name, [("To", receiver)] + headers + [("Id", "ref-%d" % n)], body)
            jobs.append((name, receiver, doc, body, mode, pin, imsi))
    wait_for(lambda: all(spool.recipients(j[0]).get(j[1]) == "delivered" for j in jobs),
             timeout=90, what="every matrix job delivered")
    by = messages_by_receiver(lab)
    for name, receiver, doc, body, mode, pin, imsi in jobs:
        label = "%s %s" % (os.path.basename(doc), mode)
        t.eq(spool.state_of(name), "done", "%s: job is in done/" % label)
        status = spool.status(name)
        t.ok("Recipient: %s delivered" % receiver in status and "Id: ref-" in status,
             "%s: status says delivered, echoes the Id" % label, status)
        msgs = split_messages(by.get(receiver, []))
        t.ok(len(msgs) >= 1, "%s: fakesmsc received the message" % label)
        if not msgs:
            continue
        push = check_message(t, label, msgs[0], body, mode, pin, imsi)
        if mode == "USERPINMAC":
            code = wire.entry_code(pin, push["body"])
            t.ok("Entry-Code: %s %s" % (receiver, code) in status,
                 "%s: status carries the entry code the phone expects" % label, status)
        secrets = [s for s in (pin, imsi) if s]
        # the entry code starts with the PIN by definition: it is what the
        # operator hands to the user, so only its own line may carry it
        rest = "\n".join(l for l in status.splitlines() if not l.startswith("Entry-Code: "))
        t.ok(not any(s in rest for s in secrets), "%s: no PIN or IMSI in the status" % label)


def check_bulk(t, lab, spool):
    doc = os.path.join(SRCDIR, "test", "vectors", "spec_appendixC.xml")
    with open(doc, "rb") as f:
        body = f.read()
    lines = [("To", "4791%06d imsi=%d" % (i, 242010000000000 + i)) for i in range(500)]
    spool.drop("bulk-500", lines + [("Sec", "NETWPIN")], body)
    wait_for(lambda: spool.state_of("bulk-500") == "done"
             and list(spool.recipients("bulk-500").values()).count("delivered") == 500,
             timeout=120, what="bulk job delivered")
    t.eq(spool.state_of("bulk-500"), "done", "bulk job of 500 recipients is done")
    states = spool.recipients("bulk-500")
    t.eq(sum(1 for s in states.values() if s == "delivered"), 500,
         "all 500 recipients delivered")
    by = messages_by_receiver(lab)
    good = 0
    for i in range(500):
        msgs = split_messages(by.get("4791%06d" % i, []))
        if not msgs:
            continue
        push = wire.parse_push(wire.reassemble(msgs[0]))
        if push["mac"] == wire.mac_hex("NETWPIN", push["body"], imsi=str(242010000000000 + i)):
            good += 1
    t.eq(good, 500, "each of the 500 MACs is right for its own IMSI")


def check_rejects_and_expiry(t, lab, spool, proc):
    spool.drop("bad-xml", [("To", "4792000001"), ("Sec", "USERPIN"), ("Pin", "1234")],
               b"<wap-provisioningdoc><characteristic type='X'>")
    spool.drop("bad-header", [("To", "4792000002"), ("Sec", "USERPIN"), ("Pin", "1234"),
                              ("Colour", "blue")], b"<wap-provisioningdoc/>")
    doc = b'<wap-provisioningdoc><characteristic type="BOOTSTRAP"><parm name="NAME" value="x"/></characteristic></wap-provisioningdoc>'
    tmp = os.path.join(spool.path, "tmp", "expired")
    with open(tmp, "wb") as f:
        f.write(b"To: 4792000003\nSec: USERPIN\nPin: 1234\nValidity: 1\n\n" + doc)
    old = time.time() - 300
    os.utime(tmp, (old, old))
    os.rename(tmp, os.path.join(spool.path, "new", "expired"))
    spool.drop("after-bad", [("To", "4792000004"), ("Sec", "USERPIN"), ("Pin", "1234")], doc)
    wait_for(lambda: spool.state_of("bad-xml") == "failed" and spool.state_of("bad-header") == "failed"
             and spool.state_of("expired") == "failed" and spool.state_of("after-bad") == "done",
             timeout=60, what="rejections and the good job")
    bad = spool.status("bad-xml") or ""
    t.ok("State: failed" in bad and "Reason:" in bad and "line" in bad,
         "malformed XML: failed/ with a reason naming the line", bad)
    hdr = spool.status("bad-header") or ""
    t.ok("Colour" in hdr or "colour" in hdr, "unknown header: the reason names it", hdr)
    exp = spool.status("expired") or ""
    t.ok("Recipient: 4792000003 expired" in exp and "validity" in exp,
         "expired validity: recipient expired with a reason", exp)
    t.eq(spool.state_of("after-bad"), "done", "a good job after bad ones still goes out")
    t.ok(proc.poll() is None, "the daemon keeps running after bad jobs")


def check_not_before(t, spool):
    doc = open(os.path.join(SRCDIR, "test", "vectors", "spec_appendixC.xml"), "rb").read()
    due = time.time() + 4
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(due))
    spool.drop("later", [("To", "4796000001"), ("Sec", "USERPIN"), ("Pin", "1234"),
                         ("Not-Before", stamp)], doc)
    wait_for(lambda: spool.state_of("later") == "deferred", timeout=20, what="job deferred")
    status = spool.status("later") or ""
    t.ok("State: deferred" in status and stamp in status,
         "Not-Before ahead: the job waits in deferred/ saying until when", status)
    wait_for(lambda: spool.state_of("later") == "done"
             and spool.recipients("later").get("4796000001") == "delivered",
             timeout=40, what="deferred job sent and delivered")
    t.ok(time.time() >= due, "the deferred job goes out after its Not-Before")
    t.eq(spool.recipients("later").get("4796000001"), "delivered", "and is delivered")


def check_bearerbox_restart(t, lab, spool):
    with open(os.path.join(SRCDIR, "test", "vectors", "spec_appendixC.xml"), "rb") as f:
        body = f.read()
    names = ["crash-%03d" % i for i in range(150)]
    for i, name in enumerate(names):
        spool.drop(name, [("To", "4793%06d" % i), ("Sec", "USERPIN"), ("Pin", "1234")], body)
    wait_for(lambda: sum(1 for n in names if spool.state_of(n) == "done") >= 20,
             timeout=60, what="some jobs done before the crash")
    lab.restart_bearerbox()
    wait_for(lambda: all(spool.state_of(n) == "done" for n in names), timeout=120,
             what="every job done after the bearerbox restart")
    lost = [n for n in names if spool.state_of(n) != "done"]
    t.eq(lost, [], "bearerbox killed and restarted mid-run: no job lost")


def check_bearerbox_down_at_start(t):
    with Lab() as lab:
        lab.write_bearerbox_conf()
        spool = Spool(os.path.join(lab.dir, "spool"))
        proc = lab.start_provbox(lab.provbox_conf(provbox_id="pb-early", dlr_mask=0))
        wait_for(lambda: os.path.isdir(os.path.join(spool.path, "new")), what="spool created")
        doc = os.path.join(SRCDIR, "test", "vectors", "spec_appendixC.xml")
        with open(doc, "rb") as f:
            body = f.read()
        for i in range(5):
            spool.drop("early-%d" % i, [("To", "4794%06d" % i), ("Sec", "USERPIN"), ("Pin", "1234")], body)
        time.sleep(3)
        states = {spool.state_of("early-%d" % i) for i in range(5)}
        t.ok(states <= {"new", "active", "deferred"} and proc.poll() is None,
             "bearerbox down: jobs wait (%s) and provbox keeps running" % sorted(states))
        lab.start_bearerbox()
        lab.start_fakesmsc()
        wait_for(lambda: all(spool.state_of("early-%d" % i) == "done" for i in range(5)),
                 timeout=60, what="jobs sent once bearerbox is up")
        t.ok(True, "jobs go out when bearerbox comes up")


def main(t):
    with Lab() as lab:
        lab.start()
        spool = Spool(os.path.join(lab.dir, "spool"))
        proc = lab.start_provbox(lab.provbox_conf(provbox_id="pb-e2e"))
        wait_for(lambda: "pb-e2e" in lab.box_ids(), what="provbox identified")
        check_matrix(t, lab, spool)
        check_bulk(t, lab, spool)
        check_rejects_and_expiry(t, lab, spool, proc)
        check_not_before(t, spool)
        check_bearerbox_restart(t, lab, spool)
    check_bearerbox_down_at_start(t)


run(main)
