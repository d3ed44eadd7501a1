"""resend.py - provctl resend and the admin interface's /resend end to end
through a real bearerbox and fakesmsc (issue 21).

bearerbox is set up so that some phones do not get the first job: the
fake SMSC may not take numbers starting 4797 or 4798; nothing else may
take 4797 (bearerbox refuses those segments: ack_failed, so they are
`failed`), and an HTTP SMSC whose server answers every message with 403
takes 4798 (bearerbox acknowledges the segment, then reports it failed:
`undelivered`). Then bearerbox is restarted without those limits, the
phones are reachable, and `provctl resend --state undelivered,failed`
makes a job of exactly those recipients, which is sent, delivered, signed
with each phone's own imsi= (checked independently with wire.py), and
says `Resend-Of:` in its status. A state no recipient is in gives exit 1
and no job; /resend does the same as provctl; the original job and its
status stay byte for byte as they were.
"""
import http.server
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

import wire
from lab import Lab, PROVCTL, SRCDIR, free_port, wait_for
from spool_view import Spool
from tap import run

ADMIN_PW = "resend-admin"
DELIVERED = ["4790000001", "4790000002"]
FAILED = ["4797000001", "4797000002"]          # no SMSC may take them
UNDELIVERED = ["4798000001", "4798000002"]     # the refusing SMSC takes them
ALL = DELIVERED + FAILED + UNDELIVERED


def imsi_of(msisdn):
    return "2420" + msisdn[-10:] + "9"


class Refuse(http.server.BaseHTTPRequestHandler):
    """An SMSC that refuses every message (HTTP 403)."""

    def do_GET(self):
        body = b"refused by the lab"
        self.send_response(403)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def refusing_smsc():
    server = http.server.HTTPServer(("127.0.0.1", free_port()), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def http_smsc_conf(server_port):
    return ("group = smsc\nsmsc = http\nsmsc-id = REFUSE\nsystem-type = kannel\n"
            "send-url = \"http://127.0.0.1:%d/\"\nport = %d\nsmsc-username = lab\n"
            "smsc-password = lab\nallowed-prefix = 4798\n" % (server_port, free_port()))


def provctl(*args):
    return subprocess.run([PROVCTL] + list(args), capture_output=True, text=True)


def get(port, path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def read(spool, state, name):
    with open(os.path.join(spool.path, state, name), "rb") as f:
        return f.read()


def new_jobs(spool):
    return set(spool.jobs_in("new") + spool.jobs_in("active") + spool.jobs_in("done")
               + spool.jobs_in("failed") + spool.jobs_in("deferred"))


def first_job(t, lab, spool, body):
    lines = [("To", "%s imsi=%s" % (m, imsi_of(m))) for m in ALL]
    spool.drop("wave", lines + [("Sec", "NETWPIN"), ("Id", "campaign-21")], body)
    finals = ("delivered", "failed", "undelivered")
    wait_for(lambda: spool.state_of("wave") in ("done", "failed")
             and len(spool.recipients("wave")) == len(ALL)
             and all(s in finals for s in spool.recipients("wave").values()),
             timeout=60, what="the first job finished")
    last = [None, 0]

    def unchanged_for_a_second():     # every segment's report is in
        now = spool.status("wave")
        if now != last[0]:
            last[:] = [now, time.time()]
        return time.time() - last[1] >= 1.0
    wait_for(unchanged_for_a_second, timeout=30, what="the first job's record settled")
    states = spool.recipients("wave")
    t.eq([states[m] for m in ALL], ["delivered"] * 2 + ["failed"] * 2 + ["undelivered"] * 2,
         "first job: two delivered, two refused by bearerbox (failed), two refused by "
         "their SMSC (undelivered)", states)
    return spool.state_of("wave")


def check_nothing_matched(t, spool, where):
    before = new_jobs(spool)
    out = provctl("resend", "--spool", spool.path, "--state", "queued,sent", "wave")
    t.ok(out.returncode == 1 and out.stdout == "" and "no recipient of job wave is queued or "
         "sent" in out.stderr, "--state queued,sent: exit 1, says so, prints no name", out)
    t.eq(new_jobs(spool), before, "and writes no job")
    out = provctl("resend", "--spool", spool.path, "--state", "failed", "wave-typo")
    t.ok(out.returncode == 2 and "no job wave-typo" in out.stderr,
         "an unknown job: exit 2", out)
    out = provctl("resend", "--spool", spool.path, "--state", "delivered", "wave")
    t.ok(out.returncode == 2 and "delivered" in out.stderr, "--state delivered: exit 2", out)
    t.eq(where, "done", "the first job is in done/ (it reached some phones)")


def check_resent(t, lab, spool, name, picked, body, label):
    wait_for(lambda: spool.state_of(name) == "done"
             and sorted(spool.recipients(name)) == sorted(picked)
             and all(s == "delivered" for s in spool.recipients(name).values()),
             timeout=60, what="%s delivered" % label)
    status = spool.status(name) or ""
    t.eq(sorted(spool.recipients(name)), sorted(picked),
         "%s: exactly the recipients asked for" % label, status)
    t.ok(all(s == "delivered" for s in spool.recipients(name).values()),
         "%s: sent and delivered now that the phones are reachable" % label, status)
    t.ok("\nResend-Of: wave\n" in status and "\nId: campaign-21\n" in status,
         "%s: its status says Resend-Of: wave and keeps the Id" % label, status)
    job = read(spool, "done", name).decode()
    t.ok(job.endswith("\n\n" + body.decode()) and "Sec: NETWPIN\n" in job
         and all("To: %s imsi=%s\n" % (m, imsi_of(m)) in job for m in picked),
         "%s: the same document and Sec:, each To: line with its own imsi=" % label, job)


def messages_to(lab, receiver):
    """The whole messages (all segments of one concatenation) fakesmsc got
    for receiver: bearerbox may also replay pieces from its store after
    its restart."""
    groups = {}
    for m in lab.received():
        if m.receiver == receiver:
            info = wire.parse_udh(m.udh)
            groups.setdefault(info["concat"][0] if info["concat"] else None,
                              []).append((m.udh, m.data))
    return [g for g in groups.values()
            if len(g) == (wire.parse_udh(g[0][0])["concat"] or (0, 1))[1]]


def macs_ok(lab, receivers):
    """The receivers whose whole messages are all signed with their own IMSI."""
    good = []
    for r in receivers:
        pushes = [wire.parse_push(wire.reassemble(g)) for g in messages_to(lab, r)]
        if pushes and all(p["mac"] == wire.mac_hex("NETWPIN", p["body"], imsi=imsi_of(r))
                          for p in pushes):
            good.append(r)
    return good


def check_admin(t, lab, spool, port, body):
    code, text = get(port, "/resend.txt?job=wave&state=failed")
    t.eq(code, 403, "/resend without the admin password: 403", text)
    code, text = get(port, "/resend.txt?password=%s&job=wave&state=queued" % ADMIN_PW)
    t.ok(code == 409 and "no recipient of job wave is queued" in text,
         "/resend with no recipient in that state: 409, says so", text)
    code, text = get(port, "/resend.txt?password=%s&job=..%%2Fwave&state=failed" % ADMIN_PW)
    t.ok(code == 400 and "is not a job name" in text, "/resend of a path: 400", text)
    code, text = get(port, "/resend.txt?password=%s&job=wave&state=bogus" % ADMIN_PW)
    t.ok(code == 400 and "unknown state" in text, "/resend with an unknown state: 400", text)
    code, text = get(port, "/resend.json?password=%s&job=wave&state=failed" % ADMIN_PW)
    name = text.split("job ")[1].split(" ")[0] if code == 200 and "job " in text else None
    t.ok(code == 200 and name is not None and "2 of 6 recipient(s) of job wave (failed)" in text,
         "/resend: 200, names the new job and counts what it took", text)
    if name is not None:
        check_resent(t, lab, spool, name, FAILED, body, "/resend's job")


def main(t):
    body = open(os.path.join(SRCDIR, "test", "vectors", "spec_appendixC.xml"), "rb").read()
    server = refusing_smsc()
    refusing = "denied-prefix = 4797;4798\n"
    with Lab(fake_smsc_conf=refusing, extra_conf=http_smsc_conf(server.server_port)) as lab:
        lab.start()
        spool = Spool(os.path.join(lab.dir, "spool"))
        port = free_port()
        conf = lab.provbox_conf(provbox_id="pb-resend", admin_port=port, admin_password=ADMIN_PW)
        lab.start_provbox(conf)
        wait_for(lambda: "pb-resend" in lab.box_ids(), what="provbox identified")
        where = first_job(t, lab, spool, body)
        original = (read(spool, where, "wave"), read(spool, where, "wave.status"))
        check_nothing_matched(t, spool, where)

        lab.fake_smsc_conf = lab.extra_conf = ""    # the phones are reachable again
        lab.write_bearerbox_conf()
        lab.stop_bearerbox(signal.SIGTERM)          # its store is kept: nothing replayed
        lab.kill(lab.fakesmsc)                      # (provbox stops with bearerbox)
        lab.start_bearerbox()
        lab.start_fakesmsc()
        lab.wait_smsc_online()
        lab.restart_provbox(conf, "pb-resend", 2)
        since = len(lab.received_lines())
        out = provctl("resend", "--spool", spool.path, "--state", "undelivered,failed", "wave")
        name = out.stdout.strip()
        t.ok(out.returncode == 0 and name != "" and out.stderr == "",
             "--state undelivered,failed: exit 0, prints the new job's name", out)
        if name:
            check_resent(t, lab, spool, name, FAILED + UNDELIVERED, body, "the resent job")
            got = sorted(set(m.receiver for m in lab.received()[since:]))
            t.eq(got, sorted(FAILED + UNDELIVERED),
                 "fakesmsc got it for those four phones and no other")
            t.eq(sorted(macs_ok(lab, FAILED + UNDELIVERED)), sorted(FAILED + UNDELIVERED),
                 "each message's MAC verifies with that phone's own IMSI")
        check_admin(t, lab, spool, port, body)
        now = (read(spool, where, "wave"), read(spool, where, "wave.status"))
        t.ok(now == original, "the original job and its status are byte for byte as they were",
             "\n".join("%s:\n%r\n%r" % (what, a, b) for what, a, b
                       in zip(("job", "status"), original, now) if a != b))
    server.shutdown()


run(main)
