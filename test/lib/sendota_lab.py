"""sendota_lab.py - a Lab with Kannel's smsbox and provbox's sendota intake.

SendotaLab() starts bearerbox + fakesmsc, Kannel's own smsbox (sendsms-port,
one sendsms-user allowed 10 concatenated parts, so sendota never truncates)
when with_smsbox is set, and provbox with its admin port and one
sendota-user. kannel(...) and provbox(...) send the same GET or POST to
/cgi-bin/sendota on either; pushes_to(msisdn) gives what fakesmsc received
for a number, reassembled and parsed. The WSP parsing here is written from
the wire facts and accepts the legacy OTA headers (text media types with a
charset parameter) as well as OMA's SEC/MAC.
"""
import os
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import wire
from lab import Lab, free_port, wait_for

PROVBOX_USER = ("ops", "ops-secret")
KANNEL_USER = ("kan", "kan-secret")
ADMIN_PASSWORD = "admin-secret"

WELL_KNOWN_TYPES = {0x36: "application/vnd.wap.connectivity-wbxml",
                    0x020B: "application/vnd.nokia.syncset+wbxml"}


class SendotaLab(Lab):
    def __init__(self, with_smsbox=True, user_extra=""):
        self.sendsms_port = free_port()
        smsbox = ("sendsms-port = %d\nsendsms-interface = 127.0.0.1\n"
                  "global-sender = 9999\n" % self.sendsms_port) if with_smsbox else ""
        users = ("group = sendsms-user\nusername = %s\npassword = %s\n"
                 "max-messages = 10\nconcatenation = true\n" % KANNEL_USER) if with_smsbox else ""
        super().__init__(smsbox_conf=smsbox, extra_conf=users)
        self.with_smsbox = with_smsbox
        self.user_extra = user_extra
        self.intake_port = free_port()
        self.spool_dir = os.path.join(self.dir, "spool")

    def start_all(self, **keys):
        """keys: more provbox.conf keys (underscores for dashes)."""
        self.start()
        if self.with_smsbox:
            self.start_smsbox()
            wait_for(lambda: self.request(self.sendsms_port, {})[0] is not None,
                     what="smsbox sendsms port")
        conf = self.provbox_conf(spool_dir=self.spool_dir, admin_port=self.intake_port,
                                 admin_interface="127.0.0.1", admin_password=ADMIN_PASSWORD,
                                 rescan_interval=1, **keys)
        with open(conf, "a") as f:
            f.write("\ngroup = sendota-user\nusername = %s\npassword = %s\n"
                    "default-sender = 4711\n%s" % (PROVBOX_USER + (self.user_extra,)))
        self.provbox_proc = self.start_provbox(conf)
        wait_for(lambda: self.http_get("/status.txt?password=" + ADMIN_PASSWORD,
                                       port=self.intake_port), what="provbox admin port")
        return self

    # -- requests ----------------------------------------------------------
    def request(self, port, params, body=None, headers=None, path="/cgi-bin/sendota"):
        url = "http://127.0.0.1:%d%s" % (port, path)
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        req = urllib.request.Request(url, data=body, headers=headers or {},
                                     method="POST" if body is not None else "GET")
        try:
            with urllib.request.urlopen(req, timeout=15) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")
        except OSError:
            return None, None

    def kannel(self, params, body=None, headers=None):
        params = dict(params, username=KANNEL_USER[0], password=KANNEL_USER[1]) \
            if body is None else params
        if body is not None:
            headers = dict(headers, **{"X-Kannel-Username": KANNEL_USER[0],
                                       "X-Kannel-Password": KANNEL_USER[1]})
        return self.request(self.sendsms_port, params, body, headers)

    def provbox(self, params, body=None, headers=None, user=PROVBOX_USER):
        if body is None:
            params = dict(params, username=user[0], password=user[1])
        else:
            headers = dict(headers, **{"X-Kannel-Username": user[0],
                                       "X-Kannel-Password": user[1]})
        return self.request(self.intake_port, params, body, headers)

    def job_status(self, job, fmt="txt", user=PROVBOX_USER):
        return self.request(self.intake_port, {"job": job, "username": user[0],
                                               "password": user[1]},
                            path="/job-status." + fmt)

    # -- what arrived --------------------------------------------------------
    def messages_to(self, msisdn):
        return [m for m in self.received() if m.receiver == msisdn]

    def wait_push(self, msisdn, timeout=30):
        """Wait until every segment for msisdn arrived; -> parsed push."""
        def complete():
            msgs = self.messages_to(msisdn)
            if not msgs:
                return None
            concat = wire.parse_udh(msgs[0].udh)["concat"]
            return msgs if concat is None or len(msgs) >= concat[1] else None
        return parse_push(wait_for(complete, timeout=timeout, what="push to " + msisdn))


def reassemble_any_ports(msgs):
    parsed = [(wire.parse_udh(m.udh), m.data) for m in msgs]
    ports = {info["ports"] for info, _ in parsed}
    if len(ports) != 1:
        raise ValueError("segments with different ports %r" % ports)
    if len(parsed) == 1 and parsed[0][0]["concat"] is None:
        return ports.pop(), parsed[0][1]
    ordered = sorted(parsed, key=lambda p: p[0]["concat"][2])
    return ports.pop(), b"".join(d for _, d in ordered)


def parse_push(msgs):
    """-> dict: ports, content_type (name), charset, sec, mac, body."""
    ports, pdu = reassemble_any_ports(msgs)
    push = wire.parse_push(pdu)
    media = push["media"]
    return {"ports": ports, "pdu_type": push["type"], "body": push["body"],
            "sec": push["sec"], "mac": push["mac"], "charset": push["charset"],
            "segments": len(msgs),
            "content_type": WELL_KNOWN_TYPES.get(media, hex(media)) if isinstance(media, int)
            else media}


def decode(body, lang=None):
    """wbxml2xml (libwbxml) -> canonical tree, or None when it refuses."""
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.wbxml"), os.path.join(d, "out.xml")
        with open(src, "wb") as f:
            f.write(body)
        argv = ["wbxml2xml"] + (["-l", lang] if lang else []) + ["-o", dst, src]
        r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode != 0 or not os.path.exists(dst):
            return None
        try:
            with open(dst, "rb") as f:
                return wire.canonical(ET.fromstring(f.read()))
        except ET.ParseError:
            return None


def tree(xml_text):
    return wire.canonical(ET.fromstring(xml_text.encode("utf-8")))


def spool_jobs(spool_dir):
    """Every file in every state directory (temp and status files too)."""
    out = []
    for state in ("tmp", "new", "active", "deferred", "done", "failed"):
        d = os.path.join(spool_dir, state)
        if os.path.isdir(d):
            out += [os.path.join(state, n) for n in os.listdir(d)]
    return out


def wait_state(spool_dir, name, states, timeout=30):
    def where():
        for s in states:
            if os.path.exists(os.path.join(spool_dir, s, name)):
                return s
        return None
    return wait_for(where, timeout=timeout, what="job %s in %s" % (name, states))


def job_name(answer):
    for line in answer.splitlines():
        if line.startswith("Job: "):
            return line[5:].strip()
    return None
