"""bulk_job.py - one job to 50,000 phones, with delivery reports (issue 20).

A single job with 50,000 To: lines goes through a lab bearerbox into
fakesmsc. While it runs and once it is done:

  * its status file is the slotted layout, changed in place: the same
    inode and the same size from the first look in active/ to the end in
    done/ (a status rewritten by rename would get a new inode), with
    lint's finding on the document (its NAPDEF has no NAPID; lint = warn
    by default sends it) in the header written at the claim;
  * every recipient's record agrees with fakesmsc: each of the 50,000 got
    its message exactly as recorded (delivered, parts=1 acked=1
    delivered=1), and nobody else got anything;
  * every check in the file verifies, and nothing was found torn;
  * a USERPINMAC job of 1,500 recipients (big enough for its status to be
    written at the claim, with 256-byte slots) gets each recipient's
    Entry-Code line into that recipient's slot.

BULK_RECIPIENTS overrides the number.
"""
import os
import time

from lab import Lab, wait_for
from spool_view import Spool, logical_status
from tap import run

RECIPIENTS = int(os.environ.get("BULK_RECIPIENTS", "50000"))
NAME = "campaign-apn"
DOC = (b'<wap-provisioningdoc><characteristic type="NAPDEF">'
       b'<parm name="NAME" value="bulk"/><parm name="NAP-ADDRESS" '
       b'value="internet.example"/></characteristic></wap-provisioningdoc>')


def receiver(i):
    return "4796%06d" % i


def status_path(spool):
    state = spool.state_of(NAME)
    return os.path.join(spool.path, state, NAME + ".status") if state else None


def delivered(spool):
    path = status_path(spool)
    try:
        with open(path, "rb") as f:
            return f.read().count(b" delivered parts=1 acked=1 delivered=1")
    except (TypeError, FileNotFoundError):
        return 0


def first_look(spool):
    """(inode, size) of the status once it is there, in active/."""
    path = os.path.join(spool.path, "active", NAME + ".status")
    wait_for(lambda: os.path.exists(path) or spool.state_of(NAME) == "done",
             timeout=60, what="the status file in active/")
    st = os.stat(status_path(spool))
    return st.st_ino, st.st_size, spool.state_of(NAME)


def main(t):
    with Lab() as lab:
        lab.start()
        spool = Spool(os.path.join(lab.dir, "spool"))
        for d in ("tmp", "new"):
            os.makedirs(os.path.join(spool.path, d), exist_ok=True)
        conf = lab.provbox_conf(provbox_id="pb-bulk", spool_dir=spool.path,
                                max_pending=1000, max_job_size=4 * 1024 * 1024)
        lab.start_provbox(conf)
        wait_for(lambda: "pb-bulk" in lab.box_ids(), timeout=30, what="provbox identified")
        started = time.time()
        spool.drop(NAME, [("Sec", "USERPIN"), ("Pin", "1234"), ("Id", "apn wave 1"),
                          ("Resend-Of", "apn-wave-0")]
                   + [("To", receiver(i)) for i in range(RECIPIENTS)], DOC)
        inode, size, where = first_look(spool)
        t.diag("status first seen in %s/, %d bytes" % (where, size))
        wait_for(lambda: delivered(spool) >= RECIPIENTS and spool.state_of(NAME) == "done",
                 timeout=600, step=0.5, what="every delivery report recorded")
        t.diag("%d recipients delivered and recorded in %.1f s"
               % (RECIPIENTS, time.time() - started))
        st = os.stat(status_path(spool))
        t.eq((st.st_ino, st.st_size), (inode, 1024 + RECIPIENTS * 128),
             "the status is changed in place: same inode from active/ to done/, "
             "%d slots of 128 bytes" % RECIPIENTS)
        t.eq(size, st.st_size, "and its size never changed")
        with open(status_path(spool), errors="surrogateescape") as f:
            text = logical_status(f.read())
        t.ok(text.startswith("Job: %s\nId: apn wave 1\nResend-Of: apn-wave-0\n"
                             "Warning: 1: error: NAPDEF without NAPID (ProvCont requires it)\n"
                             "Layout: slot=128 count=%d\nState: done\n" % (NAME, RECIPIENTS)),
             "the head says done, echoes Id: and Resend-Of:, with lint's Warning line, "
             "from the claim on", text[:200])
        says = {}
        for line in text.splitlines():
            if line.startswith("Recipient: "):
                w = line.split()
                says[w[1]] = " ".join(w[2:])
        want = "delivered parts=1 acked=1 delivered=1"
        wrong = [(r, s) for r, s in says.items() if s != want]
        t.eq(len(says), RECIPIENTS, "one Recipient line per To: line")
        t.eq(wrong[:5], [], "every record says delivered, one part acked and delivered")
        got = {}
        for m in lab.received():
            got[m.receiver] = got.get(m.receiver, 0) + 1
        t.eq(set(got), set(says), "fakesmsc got messages for exactly the recorded recipients")
        t.eq(sorted(set(got.values())), [1], "each recipient got its message once")
        t.ok("torn" not in lab.provbox_log("pb-bulk"), "no record was found torn")
        check_entry_codes(t, lab, spool)


def check_entry_codes(t, lab, spool):
    name, n = "campaign-mac", 1500
    spool.drop(name, [("Sec", "USERPINMAC"), ("Pin", "482913")]
               + [("To", "4798%06d" % i) for i in range(n)], DOC)
    wait_for(lambda: spool.state_of(name) == "done", timeout=120, what="the USERPINMAC job done")
    path = os.path.join(spool.path, "done", name + ".status")
    with open(path, errors="surrogateescape") as f:
        text = logical_status(f.read())
    lines = text.splitlines()
    codes = [l.split() for l in lines if l.startswith("Entry-Code: ")]
    paired = all(lines[i + 1].startswith("Entry-Code: %s " % lines[i].split()[1])
                 for i in range(len(lines) - 1) if lines[i].startswith("Recipient: "))
    t.eq(os.path.getsize(path), 1024 + n * 256, "a USERPINMAC status has 256-byte slots")
    t.ok(len(codes) == n and paired and all(c[2].startswith("482913") for c in codes),
         "every recipient's slot holds its Entry-Code line (the PIN and its check digits)",
         text[:600])


run(main)
